"""Registrations, their questions and private links; the outbox; seats and waiting list on events.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 12:54:29.530356
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import events.database

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "calendar_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_tokens_token_hash")),
    )
    with op.batch_alter_table("calendar_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_tokens_email_key"), ["email_key"], unique=False)

    op.create_table(
        "worker_leases",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_worker_leases")),
    )
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "text",
                "long_text",
                "choice",
                "multiple_choice",
                "yes_no",
                name="kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["events.id"], name=op.f("fk_questions_event_id_events"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questions")),
    )
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questions_event_id"), ["event_id"], unique=False)

    op.create_table(
        "registrations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "confirmed",
                "waitlisted",
                "pending",
                "cancelled",
                "declined",
                name="status",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("home_city_id", sa.Integer(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("seats", sa.Integer(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("consented_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by", sa.String(length=20), nullable=True),
        sa.Column("checked_in_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("erased_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reminded_for", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("calendar_sequence", sa.Integer(), nullable=False),
        sa.CheckConstraint("seats >= 1", name=op.f("ck_registrations_seats_positive")),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"], name=op.f("fk_registrations_event_id_events")),
        sa.ForeignKeyConstraint(["home_city_id"], ["cities.id"], name=op.f("fk_registrations_home_city_id_cities")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registrations")),
    )
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_registrations_email_key"), ["email_key"], unique=False)
        batch_op.create_index("ix_registrations_event_id_status_id", ["event_id", "status", "id"], unique=False)
        batch_op.create_index(
            "uq_registrations_active_email",
            ["event_id", "email_key"],
            unique=True,
            sqlite_where=sa.text("status IN ('confirmed', 'waitlisted', 'pending')"),
            postgresql_where=sa.text("status IN ('confirmed', 'waitlisted', 'pending')"),
        )

    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("created_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_idempotency_keys_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_idempotency_keys_key_hash")),
    )
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_idempotency_keys_created_at"), ["created_at"], unique=False)

    op.create_table(
        "manage_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_manage_tokens_registration_id_registrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_manage_tokens")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_manage_tokens_token_hash")),
    )
    with op.batch_alter_table("manage_tokens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_manage_tokens_registration_id"), ["registration_id"], unique=False)

    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("registration_id", sa.Integer(), nullable=True),
        sa.Column("to_address", sa.String(length=254), nullable=False),
        sa.Column("to_name", sa.String(length=120), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("calendar", sa.Text(), nullable=True),
        sa.Column("calendar_method", sa.String(length=10), nullable=True),
        sa.Column("message_id", sa.String(length=200), nullable=False),
        sa.Column(
            "status",
            sa.Enum("pending", "sent", "failed", name="status", native_enum=False, create_constraint=True, length=20),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_until", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", events.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", events.database.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_outbox_messages_registration_id_registrations"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_outbox_messages_message_id")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outbox_messages_registration_id"), ["registration_id"], unique=False)
        batch_op.create_index("ix_outbox_messages_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)

    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("confirmed_seats", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(sa.Column("waitlist_length", sa.Integer(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(
            sa.Column("max_seats_per_registration", sa.Integer(), server_default=sa.text("5"), nullable=False)
        )
        batch_op.add_column(sa.Column("waitlist_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(
            sa.Column(
                "waitlist_rule",
                sa.Enum(
                    "strict", "first_fit", name="waitlist_rule", native_enum=False, create_constraint=True, length=20
                ),
                server_default="strict",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("approval_required", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column("registration_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))

        # Autogenerate does not see CHECK constraints added to an existing table; they are the seat guarantees.
        batch_op.create_check_constraint("not_overbooked", "capacity IS NULL OR confirmed_seats <= capacity")
        batch_op.create_check_constraint("counts_not_negative", "confirmed_seats >= 0 AND waitlist_length >= 0")
        batch_op.create_check_constraint("max_seats_positive", "max_seats_per_registration >= 1")


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_status_next_attempt_at")
        batch_op.drop_index(batch_op.f("ix_outbox_messages_registration_id"))

    op.drop_table("outbox_messages")
    with op.batch_alter_table("manage_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_manage_tokens_registration_id"))

    op.drop_table("manage_tokens")
    with op.batch_alter_table("idempotency_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_idempotency_keys_created_at"))

    op.drop_table("idempotency_keys")
    with op.batch_alter_table("registrations", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_registrations_active_email",
            sqlite_where=sa.text("status IN ('confirmed', 'waitlisted', 'pending')"),
            postgresql_where=sa.text("status IN ('confirmed', 'waitlisted', 'pending')"),
        )
        batch_op.drop_index("ix_registrations_event_id_status_id")
        batch_op.drop_index(batch_op.f("ix_registrations_email_key"))

    op.drop_table("registrations")
    with op.batch_alter_table("questions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questions_event_id"))

    op.drop_table("questions")
    op.drop_table("worker_leases")
    with op.batch_alter_table("calendar_tokens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_tokens_email_key"))

    op.drop_table("calendar_tokens")

    with op.batch_alter_table("events", schema=None) as batch_op:
        for name in ("waitlist_rule", "max_seats_positive", "counts_not_negative", "not_overbooked"):
            batch_op.drop_constraint(op.f(f"ck_events_{name}"), type_="check")
        batch_op.drop_column("registration_enabled")
        batch_op.drop_column("approval_required")
        batch_op.drop_column("waitlist_rule")
        batch_op.drop_column("waitlist_enabled")
        batch_op.drop_column("max_seats_per_registration")
        batch_op.drop_column("waitlist_length")
        batch_op.drop_column("confirmed_seats")
