"""The Alembic migrations build exactly the models' schema, and can be undone."""

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect

from events import migrate
from events.database import create_engine
from events.models import Base
from tests.databases import drop_database, fresh_database


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
