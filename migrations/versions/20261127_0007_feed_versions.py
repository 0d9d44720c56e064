"""The database stamps every event with a feed version when something a feed reads of it changes, so each
process can bring its list of feed events up to date by reading only the events that changed (feeds.index).

PostgreSQL stamps the id of the writing transaction (pg_current_xact_id): a reader that notes the oldest
transaction still running (pg_snapshot_xmin) before it reads knows every transaction below it has ended. SQLite
has one writer at a time, so a counter (the highest stamp plus one) grows in commit order.

A later migration that changes the events table in batch mode on SQLite (a copy of the table replaces it) drops
these triggers with the old table, and must create them again; tests/test_migrations.py checks they work at head.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 21:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What feeds read of an event or filter it on (feeds.index). Everything else a feed shows of it moves its
# updated_at or sequence when it changes (that is what keeps the feeds' fragment cache true), so these suffice.
# Seat counts are not among them: registrations do not stamp, and do not wait for one another on a stamp.
FEED_COLUMNS = (
    "published_at",
    "series_ends_at",
    "starts_at",
    "category_id",
    "city_id",
    "updated_at",
    "sequence",
    "timezone",
    "all_day",
)

SQLITE_STAMP = (
    "UPDATE events SET feed_version = (SELECT coalesce(max(feed_version), 0) + 1 FROM events) WHERE id = NEW.id"
)


def upgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feed_version", sa.BigInteger(), nullable=True))
        batch_op.create_index("ix_events_feed_version", ["feed_version"], unique=False)
    columns = ", ".join(FEED_COLUMNS)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION stedenband_stamp_feed_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                NEW.feed_version := pg_current_xact_id()::text::bigint;
                RETURN NEW;
            END
            $$
            """
        )
        # UPDATE OF: only statements that set one of these columns (the ORM sets only what changed).
        op.execute(
            f"CREATE TRIGGER stamp_feed_version BEFORE INSERT OR UPDATE OF {columns} ON events "
            "FOR EACH ROW EXECUTE FUNCTION stedenband_stamp_feed_version()"
        )
        op.execute("UPDATE events SET feed_version = pg_current_xact_id()::text::bigint")
    else:
        # The inner UPDATE sets no column the triggers watch, and SQLite does not run triggers recursively.
        op.execute(f"CREATE TRIGGER stamp_feed_version_on_insert AFTER INSERT ON events BEGIN {SQLITE_STAMP}; END")
        op.execute(
            f"CREATE TRIGGER stamp_feed_version_on_update AFTER UPDATE OF {columns} ON events BEGIN {SQLITE_STAMP}; END"
        )
        op.execute("UPDATE events SET feed_version = 1")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS stamp_feed_version ON events")
        op.execute("DROP FUNCTION IF EXISTS stedenband_stamp_feed_version()")
    else:
        op.execute("DROP TRIGGER IF EXISTS stamp_feed_version_on_insert")
        op.execute("DROP TRIGGER IF EXISTS stamp_feed_version_on_update")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_feed_version")
        batch_op.drop_column("feed_version")
