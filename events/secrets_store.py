"""The signing key: from EVENTS_SECRET_KEY, or generated once and kept beside the database."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

from events.settings import Settings

log = logging.getLogger("events.settings")


def secret_key_file(settings: Settings) -> Path | None:
    """Where a generated key is kept: beside a SQLite file, or in the working folder for other databases."""
    if settings.is_sqlite:
        database = make_url(settings.database_url).database
        if not database or database == ":memory:":
            return None
        return Path(database).resolve().with_suffix(".secret")
    return Path("stedenband.secret").resolve()


def resolve_secret_key(settings: Settings) -> str:
    if settings.secret_key:
        return settings.secret_key
    path = secret_key_file(settings)
    if path is None:
        log.warning("EVENTS_SECRET_KEY is not set; using a key that lasts only as long as this in-memory database")
        return secrets.token_urlsafe(48)
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key and the others read it.
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="ascii").strip()
    key = secrets.token_urlsafe(48)
    with os.fdopen(descriptor, "w", encoding="ascii") as key_file:
        key_file.write(key)
    log.warning(
        "EVENTS_SECRET_KEY is not set; generated a key and kept it in %s. Set EVENTS_SECRET_KEY in production.",
        path,
        extra={"path": str(path)},
    )
    return key
