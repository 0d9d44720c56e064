"""Engine, sessions and the column types every domain shares."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import ConnectionPoolEntry
from sqlalchemy.types import TypeDecorator

# Constraint names that Alembic can reproduce on every database (see Alembic's naming-convention docs).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A moment in time, stored in UTC and always read back time-zone aware.

    SQLite has no time zones, so a naive value must never slip in: it is refused when written.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("a naive datetime cannot be stored; give it a time zone")
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def string_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """An enum stored as a string with a CHECK constraint, so adding a value needs no PostgreSQL type change."""
    return Enum(
        enum_class,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda members: [member.value for member in members],
    )


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def create_engine(database_url: str, *, foreign_keys: bool = True, **options: Any) -> AsyncEngine:
    """An engine with the connection settings each database needs.

    ``foreign_keys=False`` is for SQLite migrations only: SQLite changes a table by copying and dropping it,
    which enforced foreign keys would refuse while other tables point at it.
    """
    if database_url.startswith("sqlite"):
        engine = create_async_engine(database_url, connect_args={"timeout": 30}, **options)
        _make_sqlite_transactional(engine, foreign_keys=foreign_keys)
        return engine
    # pre_ping lets the pool recover by itself after the database restarts.
    return create_async_engine(database_url, pool_pre_ping=True, **options)


def _make_sqlite_transactional(engine: AsyncEngine, *, foreign_keys: bool) -> None:
    # The sqlite3 driver's legacy mode starts transactions late and breaks SAVEPOINTs; SQLAlchemy's documented
    # recipe lets us emit BEGIN ourselves. Writers ask for BEGIN IMMEDIATE (see write_engine) so they take the
    # write lock at the start instead of failing to upgrade a read transaction under load.
    @event.listens_for(engine.sync_engine, "connect")
    def on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA foreign_keys = {'ON' if foreign_keys else 'OFF'}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get("sqlite_begin_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def write_engine(engine: AsyncEngine) -> AsyncEngine:
    """The same engine and pool, for transactions that will write: on SQLite they start with BEGIN IMMEDIATE."""
    return engine.execution_options(sqlite_begin_immediate=True)


def make_sessionmaker(bind: Any) -> async_sessionmaker[AsyncSession]:
    # Mappers refer to each other across domains; every session must see all of them registered.
    import events.models  # noqa: F401

    return async_sessionmaker(bind=bind, expire_on_commit=False, autoflush=False)


def keep_out_of_session(session: AsyncSession, loaded: Iterable[object]) -> None:
    """Detach objects just loaded that a process-wide cache will share with later sessions, which only read them.
    Left in the session, its rollback would expire them, and once it closed nobody could read them again. (One
    detached already, with another that cascades to it, is left as it is.)"""
    for item in loaded:
        if item in session:
            session.expunge(item)


AfterCommit = Callable[[], Awaitable[None]]


def after_commit(session: AsyncSession, action: AfterCommit) -> None:
    """Queue a side effect (mail, cache purge) to run once the transaction has committed; a rollback drops it."""
    session.info.setdefault("after_commit", []).append(action)


@asynccontextmanager
async def transaction(sessionmaker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """One unit of work: commit when the block ends, roll back on error, then run the queued side effects."""
    async with sessionmaker() as session:
        async with session.begin():
            yield session
        actions: list[AfterCommit] = session.info.pop("after_commit", [])
    for action in actions:
        await action()
