"""Registrations for events: who comes, how many seats, their answers, and their private manage links."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import Any

from sqlalchemy import JSON, Boolean, CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.catalog.models import Event
from events.database import Base, UTCDateTime, string_enum, utcnow


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING = "pending"  # awaiting the organiser's approval
    CANCELLED = "cancelled"
    DECLINED = "declined"


ACTIVE_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)
ACTIVE_SQL = "status IN ('confirmed', 'waitlisted', 'pending')"


class QuestionKind(enum.StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    CHOICE = "choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"


class Question(Base):
    """A question of the event's own, asked when registering, with its label in each language."""

    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    kind: Mapped[QuestionKind] = mapped_column(string_enum(QuestionKind, "kind"))
    required: Mapped[bool] = mapped_column(Boolean, default=False)
    label: Mapped[dict[str, str]] = mapped_column(JSON)
    # [{"value": "vegetarian", "label": {"nl": "Vegetarisch", "en": "Vegetarian", "zh": "素食"}}, ...]
    choices: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class Registration(Base):
    __tablename__ = "registrations"
    __table_args__ = (
        CheckConstraint("seats >= 1", name="seats_positive"),
        # One active registration per e-mail address and event, whatever the letter case.
        Index(
            "uq_registrations_active_email",
            "event_id",
            "email_key",
            unique=True,
            sqlite_where=text(ACTIVE_SQL),
            postgresql_where=text(ACTIVE_SQL),
        ),
        Index("ix_registrations_event_id_status_id", "event_id", "status", "id"),
    )

    # Also the order of arrival: ids are taken while the event is locked, so they are the waiting list's order.
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id"))
    status: Mapped[RegistrationStatus] = mapped_column(string_enum(RegistrationStatus, "status"))
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254))
    email_key: Mapped[str] = mapped_column(String(254), index=True)  # lower-case, for matching
    phone: Mapped[str | None] = mapped_column(String(40))
    home_city_id: Mapped[int | None] = mapped_column(ForeignKey("cities.id"))  # None: another city
    language: Mapped[str] = mapped_column(String(8))
    seats: Mapped[int] = mapped_column(Integer, default=1)
    # The other members of a delegation, by name; ``seats`` counts them and the leader.
    members: Mapped[list[str]] = mapped_column(JSON, default=list)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    consented_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    cancelled_by: Mapped[str | None] = mapped_column(String(20))  # participant, organiser or erasure
    checked_in_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    erased_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Start of the latest occurrence a reminder was sent for.
    reminded_for: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Raised with every calendar message to this person; added to the event's sequence (messages.compose).
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0)

    event: Mapped[Event] = relationship(lazy="raise")

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES


class ManageToken(Base):
    """A private link to one registration. Only a hash is kept; a registration may have several links."""

    __tablename__ = "manage_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(ForeignKey("registrations.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class CalendarToken(Base):
    """A private link to a person's own calendar: every event registered with one e-mail address. Each message
    that carries the link adds one; renewing deletes them all, so every old link answers 404."""

    __tablename__ = "calendar_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    email_key: Mapped[str] = mapped_column(String(254), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class IdempotencyKey(Base):
    """A registration request made with an Idempotency-Key, so a retry returns the first answer."""

    __tablename__ = "idempotency_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # A hash of the event and the request body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    registration_id: Mapped[int | None] = mapped_column(ForeignKey("registrations.id", ondelete="SET NULL"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
