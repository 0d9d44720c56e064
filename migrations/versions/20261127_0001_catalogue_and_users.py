"""Cities, categories, venues, events with their translations, and users.

Revision ID: 0001
Revises:
Create Date: 2026-11-27 12:39:34.378684
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import events.database

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "categories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("description", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_categories")),
        sa.UniqueConstraint("slug", name=op.f("uq_categories_slug")),
    )
    op.create_table(
        "cities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=40), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("clock_name", sa.JSON(), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("office_name", sa.JSON(), nullable=False),
        sa.Column("office_email", sa.String(length=254), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cities")),
        sa.UniqueConstraint("slug", name=op.f("uq_cities_slug")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum("admin", "organiser", name="role", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=True),
        sa.Column("is_active", sa.Boolean(), nullable=False),
        sa.Column("created_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name=op.f("fk_users_city_id_cities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_users_city_id"), ["city_id"], unique=False)

    op.create_table(
        "venues",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.JSON(), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name=op.f("ck_venues_coordinates_together")),
        sa.CheckConstraint(
            "latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name=op.f("ck_venues_latitude_range")
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name=op.f("ck_venues_longitude_range")
        ),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name=op.f("fk_venues_city_id_cities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_venues")),
    )
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_venues_city_id"), ["city_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("slug", sa.String(length=100), nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=False),
        sa.Column("city_id", sa.Integer(), nullable=False),
        sa.Column("office_id", sa.Integer(), nullable=False),
        sa.Column("venue_id", sa.Integer(), nullable=True),
        sa.Column("online_url", sa.String(length=500), nullable=True),
        sa.Column("image_path", sa.String(length=300), nullable=True),
        sa.Column("starts_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ends_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("rrule", sa.String(length=500), nullable=True),
        sa.Column("exdates", sa.JSON(), nullable=False),
        sa.Column("series_ends_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("long_running", sa.Boolean(), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=True),
        sa.Column("registration_opens_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("registration_closes_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "published", "cancelled", name="status", native_enum=False, create_constraint=True, length=20
            ),
            nullable=False,
        ),
        sa.Column("cancellation_reasons", sa.JSON(), nullable=False),
        sa.Column("published_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("created_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 1", name=op.f("ck_events_capacity_positive")),
        sa.CheckConstraint("ends_at >= starts_at", name=op.f("ck_events_ends_after_start")),
        sa.CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL OR registration_closes_at >= registration_opens_at",
            name=op.f("ck_events_registration_window_order"),
        ),
        sa.CheckConstraint("sequence >= 0", name=op.f("ck_events_sequence_not_negative")),
        sa.ForeignKeyConstraint(["category_id"], ["categories.id"], name=op.f("fk_events_category_id_categories")),
        sa.ForeignKeyConstraint(["city_id"], ["cities.id"], name=op.f("fk_events_city_id_cities")),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_events_created_by_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["office_id"], ["cities.id"], name=op.f("fk_events_office_id_cities")),
        sa.ForeignKeyConstraint(["venue_id"], ["venues.id"], name=op.f("fk_events_venue_id_venues")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
        sa.UniqueConstraint("slug", name=op.f("uq_events_slug")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_category_id"), ["category_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_city_id"), ["city_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index("ix_events_long_running_starts_at_id", ["long_running", "starts_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_office_id"), ["office_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_series_ends_at"), ["series_ends_at"], unique=False)
        batch_op.create_index("ix_events_starts_at_id", ["starts_at", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_venue_id"), ["venue_id"], unique=False)

    op.create_table(
        "event_translations",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("image_alt", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_event_translations_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("event_id", "language", name=op.f("pk_event_translations")),
    )


def downgrade() -> None:
    op.drop_table("event_translations")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_venue_id"))
        batch_op.drop_index("ix_events_starts_at_id")
        batch_op.drop_index(batch_op.f("ix_events_series_ends_at"))
        batch_op.drop_index(batch_op.f("ix_events_office_id"))
        batch_op.drop_index("ix_events_long_running_starts_at_id")
        batch_op.drop_index(batch_op.f("ix_events_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_events_city_id"))
        batch_op.drop_index(batch_op.f("ix_events_category_id"))

    op.drop_table("events")
    with op.batch_alter_table("venues", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_venues_city_id"))

    op.drop_table("venues")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_users_city_id"))

    op.drop_table("users")
    op.drop_table("cities")
    op.drop_table("categories")
