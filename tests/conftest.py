"""Tests drive the real ASGI app through httpx against a real database.

The test database is migrated once per run with Alembic. Each test then runs inside a transaction that is
rolled back at its end (``join_transaction_mode="create_savepoint"``), so tests never see each other's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker
from starlette.applications import Starlette

from events import migrate
from events.app import create_app
from events.database import create_engine
from events.settings import Settings
from tests.databases import database_url_for_tests

# Tests run at a fixed moment, so "upcoming" and "past" never depend on the day the suite runs.
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
TEST_SETTINGS = Settings(
    database_url=database_url_for_tests(),
    secret_key="test-secret-key-not-for-production",
    base_url="https://stedenband.test",
    default_language="nl",
    # Most tests look at how answers are made; tests/test_cache.py turns the cache on.
    page_cache_mb=0,
)


@pytest_asyncio.fixture(scope="session")
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = create_engine(TEST_SETTINGS.database_url)
    async with engine.connect() as connection:
        await connection.run_sync(migrate.upgrade_connection)
        await connection.commit()
    yield engine
    await engine.dispose()


@pytest_asyncio.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as connection:
        outer = await connection.begin()
        yield connection
        if outer.is_active:
            await outer.rollback()


@pytest.fixture
def sessionmaker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, autoflush=False, join_transaction_mode="create_savepoint"
    )


@pytest_asyncio.fixture
async def session(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for setting up data; it shares the test's transaction with the app."""
    async with sessionmaker() as session:
        yield session


@pytest.fixture
def settings() -> Settings:
    return TEST_SETTINGS


@pytest.fixture
def app(settings: Settings, sessionmaker: async_sessionmaker[AsyncSession]) -> Starlette:
    app = create_app(settings, sessionmaker=sessionmaker)
    app.state.clock = lambda: NOW
    return app


@pytest_asyncio.fixture
async def client(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


class StatementCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: object, cursor: object, statement: str, *args: object) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_statements(connection: AsyncConnection) -> Callable[[], StatementCounter]:
    """Counts the SQL statements the test's connection runs from the moment it is called."""
    counters: list[StatementCounter] = []

    def start() -> StatementCounter:
        counter = StatementCounter()
        event.listen(connection.sync_connection, "before_cursor_execute", counter)
        counters.append(counter)
        return counter

    yield start  # type: ignore[misc]
    for counter in counters:
        event.remove(connection.sync_connection, "before_cursor_execute", counter)


@pytest_asyncio.fixture
async def migrated_database() -> AsyncIterator[str]:
    """A new database of its own, migrated and empty, for tests that need real commits (workers, concurrency)."""
    from tests.databases import drop_database, fresh_database

    url = await fresh_database("fresh")
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(migrate.upgrade_connection)
        await connection.commit()
    await engine.dispose()
    yield url
    await drop_database(url)


def settings_with(**changes: object) -> Settings:
    return replace(TEST_SETTINGS, **changes)  # type: ignore[arg-type]
