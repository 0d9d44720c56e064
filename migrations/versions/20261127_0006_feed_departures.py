"""Where events left filtered feeds (another city or category), so those feeds keep a cancelled tombstone; and an
index that answers a feed's reading of its events by itself.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 19:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import events.database

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_departures",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("departed_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_feed_departures_category_id_categories")
        ),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name=op.f("fk_feed_departures_city_id_cities")),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_feed_departures_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "city_id", "category_id", name=op.f("pk_feed_departures")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(
            "ix_events_feed_rows",
            [
                "starts_at",
                "id",
                "published_at",
                "series_ends_at",
                "category_id",
                "city_id",
                "updated_at",
                "sequence",
                "timezone",
                "all_day",
            ],
            unique=False,
        )
    if op.get_bind().dialect.name == "postgresql":  # feeds show them: the answer cache must hear of it (0003)
        op.execute(
            "CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON feed_departures "
            "FOR EACH STATEMENT EXECUTE FUNCTION stedenband_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS notify_change ON feed_departures")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_feed_rows")
    op.drop_table("feed_departures")
