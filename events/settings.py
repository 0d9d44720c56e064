"""The platform's settings: the only module that reads the environment.

Every setting is an environment variable with the ``EVENTS_`` prefix, read once into a frozen
``Settings``. README.md documents each of them, and a test keeps that table and this module in step.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from urllib.parse import urlsplit

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

LANGUAGE_CODES = ("nl", "en", "zh")
LOG_FORMATS = ("text", "json")


class SettingsError(ValueError):
    """A setting has a value the platform cannot work with; the message names the variable."""


def _setting(env: str, doc: str) -> dict[str, str]:
    return {"env": env, "doc": doc}


@dataclass(frozen=True)
class Settings:
    database_url: str = field(
        default="sqlite+aiosqlite:///stedenband.db",
        metadata=_setting(
            "EVENTS_DATABASE_URL",
            "SQLAlchemy URL of the database: `sqlite+aiosqlite:///path.db` or `postgresql+asyncpg://user@host/db` "
            "(plain `sqlite://` and `postgresql://` are accepted too). Default: `stedenband.db` in the working folder.",
        ),
    )
    secret_key: str | None = field(
        default=None,
        metadata=_setting(
            "EVENTS_SECRET_KEY",
            "Key that signs cookies and tokens. When unset, a key is generated once and kept beside the SQLite "
            "database (or in the working folder for PostgreSQL) so every process shares it; a warning says so.",
        ),
    )
    base_url: str = field(
        default="http://127.0.0.1:8000",
        metadata=_setting(
            "EVENTS_BASE_URL", "Public address of the platform, used in links, e-mails, feeds and previews."
        ),
    )
    calendar_domain: str | None = field(
        default=None,
        metadata=_setting(
            "EVENTS_CALENDAR_DOMAIN",
            "Domain in every event's calendar UID (`<uuid>@domain`). Set it once and never change it, or calendar "
            "apps see every event as new. Default: the host of EVENTS_BASE_URL.",
        ),
    )
    default_language: str = field(
        default="nl",
        metadata=_setting(
            "EVENTS_DEFAULT_LANGUAGE",
            "Language (`nl`, `en` or `zh`) used when neither the link, a cookie nor the browser chooses one.",
        ),
    )
    max_body_size: int = field(
        default=1_048_576,
        metadata=_setting("EVENTS_MAX_BODY_SIZE", "Largest request body accepted, in bytes; larger ones answer 413."),
    )
    max_image_size: int = field(
        default=5_242_880,
        metadata=_setting(
            "EVENTS_MAX_IMAGE_SIZE",
            "Largest event image organisers may upload, in bytes (default 5 MB); the event forms accept a body "
            "this much larger than EVENTS_MAX_BODY_SIZE.",
        ),
    )
    media_dir: str = field(
        default="media",
        metadata=_setting(
            "EVENTS_MEDIA_DIR",
            "Folder for the images organisers upload, served at /media/. Default: `media` in the working folder.",
        ),
    )
    page_cache_mb: int = field(
        default=64,
        metadata=_setting(
            "EVENTS_PAGE_CACHE_MB",
            "Memory per process, in MiB, for rendered public pages, API answers and calendars; 0 turns the cache off.",
        ),
    )
    smtp_url: str | None = field(
        default=None,
        metadata=_setting(
            "EVENTS_SMTP_URL",
            "Mail server: `smtp://user:password@host:587` (STARTTLS when the server offers it) or "
            "`smtps://user:password@host:465`. When unset, messages are written as .eml files to EVENTS_MAIL_DIR.",
        ),
    )
    mail_dir: str = field(
        default="outbox",
        metadata=_setting("EVENTS_MAIL_DIR", "Folder for .eml files when no EVENTS_SMTP_URL is set."),
    )
    mail_from: str | None = field(
        default=None,
        metadata=_setting(
            "EVENTS_MAIL_FROM",
            "Sender of every message, e.g. `Stedenband Weert <stedenband@weert.nl>`. "
            "Default: `Stedenband <noreply@` + the host of EVENTS_BASE_URL + `>`.",
        ),
    )
    mail_worker: bool = field(
        default=True,
        metadata=_setting(
            "EVENTS_MAIL_WORKER",
            "`on`: `stedenband serve` also delivers the outbox (and sends reminders) in its own process; "
            "`off` when a separate `stedenband worker` does it.",
        ),
    )
    registration_rate_limit: str | None = field(
        default="20/minute",
        metadata=_setting(
            "EVENTS_REGISTRATION_RATE_LIMIT",
            "Registrations accepted per client address, as `N/second`, `N/minute` or `N/hour`; "
            "set it empty to turn the limit off (load tests).",
        ),
    )
    redis_url: str | None = field(
        default=None,
        metadata=_setting(
            "EVENTS_REDIS_URL",
            "Redis shared by several app processes or servers for the rate limit, e.g. `redis://127.0.0.1:6379/0`. "
            "Without it each process counts on its own.",
        ),
    )
    feed_refresh_minutes: int = field(
        default=60,
        metadata=_setting(
            "EVENTS_FEED_REFRESH_MINUTES",
            "How often calendar apps should fetch the feeds again (REFRESH-INTERVAL, X-PUBLISHED-TTL and the HTTP "
            "max-age), in minutes.",
        ),
    )
    feed_sync_minutes: int = field(
        default=30,
        metadata=_setting(
            "EVENTS_FEED_SYNC_MINUTES",
            "How often the worker imports the registered feed sources, in minutes; 0 only syncs on command.",
        ),
    )
    feed_allowed_hosts: str | None = field(
        default=None,
        metadata=_setting(
            "EVENTS_FEED_ALLOWED_HOSTS",
            "Comma-separated hosts (or IP addresses) that feed sources may use although they are private, loopback "
            "or link-local, e.g. the partner platform on an internal network. Others are refused (no SSRF).",
        ),
    )
    content_dir: str | None = field(
        default=None,
        metadata=_setting(
            "EVENTS_CONTENT_DIR",
            "Folder with your own `privacy.{nl,en,zh}.md` and `accessibility.{nl,en,zh}.md`, which replace the "
            "built-in statements file by file.",
        ),
    )
    log_level: str = field(
        default="INFO",
        metadata=_setting("EVENTS_LOG_LEVEL", "Least severe log level written: DEBUG, INFO, WARNING or ERROR."),
    )
    log_format: str = field(
        default="text",
        metadata=_setting(
            "EVENTS_LOG_FORMAT",
            "`text` (a sentence followed by key=value pairs) or `json` (one JSON object per line).",
        ),
    )

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read every ``EVENTS_`` variable once and check it."""
        environ = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for setting in fields(cls):
            raw = environ.get(setting.metadata["env"])
            if raw is None:
                continue
            if raw.strip() == "":
                # Set but empty turns an optional feature off (the rate limit); elsewhere it means the default.
                if setting.type == "str | None":
                    values[setting.name] = None
                continue
            values[setting.name] = _parse(setting.metadata["env"], raw.strip(), setting.type)
        return cls(**values)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        object.__setattr__(self, "database_url", normalise_database_url(self.database_url))
        object.__setattr__(self, "base_url", self.base_url.rstrip("/"))
        if self.default_language not in LANGUAGE_CODES:
            raise SettingsError(
                f"EVENTS_DEFAULT_LANGUAGE is {self.default_language!r}; use one of {', '.join(LANGUAGE_CODES)}."
            )
        if urlsplit(self.base_url).scheme not in ("http", "https") or not urlsplit(self.base_url).hostname:
            raise SettingsError(f"EVENTS_BASE_URL is {self.base_url!r}; give an http:// or https:// address.")
        if self.registration_rate_limit is not None:
            parse_rate(self.registration_rate_limit)
        if self.smtp_url is not None and urlsplit(self.smtp_url).scheme not in ("smtp", "smtps"):
            raise SettingsError("EVENTS_SMTP_URL must start with smtp:// or smtps://.")
        if self.feed_refresh_minutes < 1 or self.feed_sync_minutes < 0:
            raise SettingsError(
                "EVENTS_FEED_REFRESH_MINUTES must be at least 1 and EVENTS_FEED_SYNC_MINUTES not negative."
            )
        if self.page_cache_mb < 0:
            raise SettingsError("EVENTS_PAGE_CACHE_MB cannot be negative; 0 turns the cache off.")
        if self.max_body_size < 1024:
            raise SettingsError("EVENTS_MAX_BODY_SIZE must be at least 1024 bytes.")
        if self.max_image_size < 1024:
            raise SettingsError("EVENTS_MAX_IMAGE_SIZE must be at least 1024 bytes.")
        if self.log_format not in LOG_FORMATS:
            raise SettingsError(f"EVENTS_LOG_FORMAT is {self.log_format!r}; use text or json.")
        if self.log_level.upper() not in ("DEBUG", "INFO", "WARNING", "ERROR"):
            raise SettingsError(f"EVENTS_LOG_LEVEL is {self.log_level!r}; use DEBUG, INFO, WARNING or ERROR.")

    @property
    def sender(self) -> str:
        return self.mail_from or f"Stedenband <noreply@{urlsplit(self.base_url).hostname}>"

    @property
    def uid_domain(self) -> str:
        return self.calendar_domain or urlsplit(self.base_url).hostname or "localhost"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def uses_https(self) -> bool:
        return self.base_url.startswith("https://")

    @staticmethod
    def documented() -> list[tuple[str, str, str]]:
        """(variable, default, description) of every setting, for the README and its test."""
        rows = []
        for setting in fields(Settings):
            default = "" if setting.default is None else str(setting.default)
            rows.append((setting.metadata["env"], default, setting.metadata["doc"]))
        return rows


def _parse(env: str, raw: str, annotation: object) -> object:
    if annotation == "bool":
        if raw.lower() in ("1", "on", "true", "yes"):
            return True
        if raw.lower() in ("0", "off", "false", "no"):
            return False
        raise SettingsError(f"{env} is {raw!r}; use on or off.")
    if annotation != "int":
        return raw
    try:
        return int(raw)
    except ValueError:
        raise SettingsError(f"{env} is {raw!r}; give a whole number.") from None


_PERIODS = {"second": 1, "minute": 60, "hour": 3600}


def parse_rate(rate: str) -> tuple[int, int]:
    """``"20/minute"`` as (20, 60): how many in how many seconds."""
    count, _, period = rate.partition("/")
    if not count.strip().isdigit() or int(count) < 1 or period.strip() not in _PERIODS:
        raise SettingsError(
            f"EVENTS_REGISTRATION_RATE_LIMIT is {rate!r}; write it like 20/minute (second, minute or hour)."
        )
    return int(count), _PERIODS[period.strip()]


_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg", "postgres": "postgresql+asyncpg"}
_SUPPORTED = ("sqlite+aiosqlite", "postgresql+asyncpg")


def normalise_database_url(url: str) -> str:
    """Give a database URL its async driver, accepting plain ``sqlite://`` and ``postgresql://`` too."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise SettingsError(f"EVENTS_DATABASE_URL {url!r} is not a database URL: {error}") from None
    drivername = _DRIVERS.get(parsed.drivername, parsed.drivername)
    if drivername not in _SUPPORTED:
        raise SettingsError(
            f"EVENTS_DATABASE_URL uses {parsed.drivername!r}; Stedenband runs on SQLite (sqlite+aiosqlite://) "
            "and PostgreSQL (postgresql+asyncpg://)."
        )
    return parsed.set(drivername=drivername).render_as_string(hide_password=False)
