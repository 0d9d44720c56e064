"""Calendar feeds: imported sources, moved or cancelled occurrences, and tombstones of deleted events.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:24:46.313420
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import events.database

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "feed_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("registration_enabled", sa.Boolean(), nullable=False),
        sa.Column("etag", sa.String(length=500), nullable=True),
        sa.Column("last_modified", sa.String(length=100), nullable=True),
        sa.Column("last_synced_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("last_error_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["category_id"], ["categories.id"], name=op.f("fk_feed_sources_category_id_categories")
        ),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name=op.f("fk_feed_sources_city_id_cities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feed_sources")),
        sa.UniqueConstraint("url", name=op.f("uq_feed_sources_url")),
    )
    op.create_table(
        "occurrence_changes",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("original_start", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("cancelled", sa.Boolean(), nullable=False),
        sa.Column("starts_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ends_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("updated_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "cancelled OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at >= starts_at)",
            name=op.f("ck_occurrence_changes_moved_or_cancelled"),
        ),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_occurrence_changes_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "original_start", name=op.f("pk_occurrence_changes")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("deleted_at", events.database.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("external_uid", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("external_hash", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("location", sa.String(length=300), nullable=True))
        batch_op.create_index(batch_op.f("ix_events_source_id"), ["source_id"], unique=False)
        batch_op.create_index("uq_events_source_id_external_uid", ["source_id", "external_uid"], unique=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_events_source_id_feed_sources"), "feed_sources", ["source_id"], ["id"], ondelete="SET NULL"
        )
    if op.get_bind().dialect.name == "postgresql":
        # Moved or cancelled occurrences show in pages and feeds: their changes must reach every process's cache.
        op.execute(
            "CREATE TRIGGER notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON occurrence_changes "
            "FOR EACH STATEMENT EXECUTE FUNCTION stedenband_notify_change()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS notify_change ON occurrence_changes")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_events_source_id_feed_sources"), type_="foreignkey")
        batch_op.drop_index("uq_events_source_id_external_uid")
        batch_op.drop_index(batch_op.f("ix_events_source_id"))
        batch_op.drop_column("location")
        batch_op.drop_column("external_hash")
        batch_op.drop_column("external_uid")
        batch_op.drop_column("source_id")
        batch_op.drop_column("deleted_at")

    op.drop_table("occurrence_changes")
    op.drop_table("feed_sources")
