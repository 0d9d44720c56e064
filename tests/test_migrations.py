"""The Alembic migrations build exactly the models' schema, and can be undone."""

import datetime as dt

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, update

from events import migrate
from events.catalog.models import Event
from events.database import create_engine, make_sessionmaker, transaction, write_engine
from events.models import Base
from tests.conftest import NOW
from tests.databases import drop_database, fresh_database
from tests.factories import build_world, make_event


def _differences(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, Base.metadata)


def _tables(connection):
    return set(inspect(connection).get_table_names())


async def test_upgrade_gives_the_models_schema_and_downgrade_removes_it():
    url = await fresh_database("migrations")
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            await connection.run_sync(migrate.upgrade_connection)
            await connection.commit()
            assert await connection.run_sync(_differences) == []
            assert await connection.run_sync(migrate.current_revision) == migrate.head_revision()

            await connection.run_sync(migrate.downgrade_connection, "base")
            await connection.commit()
            assert await connection.run_sync(_tables) <= {"alembic_version"}

            # And up again: a downgrade must leave nothing behind that blocks the next upgrade.
            await connection.run_sync(migrate.upgrade_connection)
            await connection.commit()
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()
        await drop_database(url)


async def test_the_database_stamps_feed_versions_at_head(migrated_database):
    """The feed index (feeds.index) relies on triggers (migration 0007). On SQLite, a later migration that
    rebuilds the events table in batch mode drops them with the old table: it must create them again."""
    engine = create_engine(migrated_database)
    try:
        async with transaction(make_sessionmaker(write_engine(engine))) as session:
            world = await build_world(session)
            event = await make_event(session, world, starts_at=NOW + dt.timedelta(days=3), now=NOW)

        async def stamp() -> int:
            async with engine.connect() as connection:
                return await connection.scalar(select(Event.feed_version).where(Event.id == event.id))

        async def change(**values: object) -> None:
            async with engine.begin() as connection:
                await connection.execute(update(Event).where(Event.id == event.id).values(**values))

        created = await stamp()
        assert created is not None
        await change(confirmed_seats=1)  # registrations do not stamp
        assert await stamp() == created
        await change(sequence=1)
        assert await stamp() > created
    finally:
        await engine.dispose()
