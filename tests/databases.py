"""Test databases: the one EVENTS_TEST_DATABASE_URL names, and fresh empty ones beside it when a test needs one."""

from __future__ import annotations

import asyncio
import os
import secrets
import tempfile
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from events.database import create_engine
from events.settings import normalise_database_url

_TEMP = Path(tempfile.mkdtemp(prefix="stedenband-tests-"))


def database_url_for_tests() -> str:
    """EVENTS_TEST_DATABASE_URL, or a new SQLite file for this run."""
    configured = os.environ.get("EVENTS_TEST_DATABASE_URL")
    if configured:
        return normalise_database_url(configured)
    return f"sqlite+aiosqlite:///{_TEMP / 'test.db'}"


def is_postgresql(url: str) -> bool:
    return url.startswith("postgresql")


async def fresh_database(purpose: str) -> str:
    """A new, empty database on the same server as the test database (or a new SQLite file)."""
    base = database_url_for_tests()
    name = f"{purpose}_{secrets.token_hex(4)}"
    if not is_postgresql(base):
        return f"sqlite+aiosqlite:///{_TEMP / (name + '.db')}"
    parsed = make_url(base)
    database = f"{parsed.database}_{name}"[:63]
    admin = create_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    try:
        async with admin.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text(f'CREATE DATABASE "{database}"'))
    finally:
        await admin.dispose()
    return parsed.set(database=database).render_as_string(hide_password=False)


async def drop_database(url: str) -> None:
    if not is_postgresql(url):
        Path(make_url(url).database or "").unlink(missing_ok=True)
        return
    parsed = make_url(url)
    admin = create_engine(parsed.set(database="postgres").render_as_string(hide_password=False))
    try:
        async with admin.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    finally:
        await admin.dispose()


async def until_it_waits(engine: AsyncEngine, other: asyncio.Task[object], what: str = "the second job") -> None:
    """Until ``other``'s transaction waits for a lock the caller holds: on SQLite for the database's one write lock
    (its BEGIN IMMEDIATE), on PostgreSQL for a row lock, which the server can tell us about."""
    if not is_postgresql(str(engine.url)):
        await asyncio.sleep(0.25)
        assert not other.done(), other
        return
    for _ in range(200):
        await asyncio.sleep(0.05)
        assert not other.done(), other
        async with engine.connect() as connection:
            waiting = await connection.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
    raise AssertionError(f"{what} never reached the first one's lock")
