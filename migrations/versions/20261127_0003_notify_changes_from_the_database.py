"""PostgreSQL tells every process of a change: triggers send NOTIFY stedenband_changes.

The answer cache (events/cache.py) listens on that channel. Sending it from triggers means every change counts,
also one made by hand in psql, and a registration needs no extra round trip for it. SQLite needs nothing:
every process there sees the database file change.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 13:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What public pages, feeds and the read API show; registrations reach them through the events' seat counts.
TABLES = ("cities", "categories", "venues", "events", "event_translations", "questions")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE OR REPLACE FUNCTION stedenband_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            -- Delivered at commit, once per table and transaction however many rows changed.
            PERFORM pg_notify('stedenband_changes', TG_TABLE_NAME);
            RETURN NULL;
        END
        $$
        """
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION stedenband_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER IF EXISTS notify_change ON {table}")
    op.execute("DROP FUNCTION IF EXISTS stedenband_notify_change()")
