"""Settings come from EVENTS_* variables, are checked once, and every one is documented in the README."""

import re
from pathlib import Path

import pytest

from events.secrets_store import resolve_secret_key
from events.settings import Settings, SettingsError

README = Path(__file__).resolve().parent.parent / "README.md"


def test_defaults_work_for_a_new_user():
    settings = Settings.from_env({})
    assert settings.database_url == "sqlite+aiosqlite:///stedenband.db"
    assert settings.default_language == "nl"
    assert settings.uid_domain == "127.0.0.1"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://u:p@h/db", "postgresql+asyncpg://u:p@h/db"),
        ("postgres://u@h:5433/db", "postgresql+asyncpg://u@h:5433/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
    ],
)
def database_url_for_testss_get_their_async_driver(given, expected):
    assert Settings.from_env({"EVENTS_DATABASE_URL": given}).database_url == expected


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("EVENTS_DATABASE_URL", "mysql://x/y", "SQLite"),
        ("EVENTS_DATABASE_URL", "not a url", "not a database URL"),
        ("EVENTS_DEFAULT_LANGUAGE", "fr", "EVENTS_DEFAULT_LANGUAGE"),
        ("EVENTS_BASE_URL", "ftp://x", "EVENTS_BASE_URL"),
        ("EVENTS_MAX_BODY_SIZE", "lots", "whole number"),
        ("EVENTS_LOG_FORMAT", "xml", "EVENTS_LOG_FORMAT"),
    ],
)
def test_bad_settings_are_refused_with_the_variables_name(variable, value, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env({variable: value})


def test_every_setting_is_in_the_readme_table():
    readme = README.read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `(EVENTS_[A-Z_]+)` \|", readme, flags=re.MULTILINE))
    in_code = {variable for variable, _, _ in Settings.documented()}
    assert in_code <= documented, f"undocumented: {sorted(in_code - documented)}"
    assert documented <= in_code | {"EVENTS_TEST_DATABASE_URL"}, f"documented but unknown: {documented - in_code}"


def test_generated_secret_key_is_kept_beside_the_sqlite_database(tmp_path):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'platform.db'}")
    first = resolve_secret_key(settings)
    assert (tmp_path / "platform.secret").read_text() == first
    assert (tmp_path / "platform.secret").stat().st_mode & 0o077 == 0  # readable by its owner only
    assert resolve_secret_key(settings) == first  # every process gets the same key
    assert len(first) >= 48
    assert resolve_secret_key(Settings(database_url="sqlite://", secret_key="given")) == "given"
