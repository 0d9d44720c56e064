"""The audit log: who changed what, when, with the old and the new values. Rows are only ever added; the
database refuses to change or delete them (triggers in migration 0005)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import JSON, ForeignKey, Index, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from events.database import Base, UTCDateTime


class AuditEntry(Base):
    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_entity_type_entity_id", "entity_type", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)
    # Users are deactivated, never deleted, so the log always knows who it was.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # How the change came: "web", "api", "cli" or "system" (the worker, a feed sync).
    via: Mapped[str] = mapped_column(String(10))
    # "event.updated", "registration.approved", "user.deactivated", …
    action: Mapped[str] = mapped_column(String(60), index=True)
    entity_type: Mapped[str] = mapped_column(String(30))
    # An event's UUID, a registration's or user's number: never a participant's name or address.
    entity_id: Mapped[str] = mapped_column(String(64))
    # The event it concerns, if any, so an event's history is one query.
    event_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, index=True)
    # {field: [old, new]}; for registrations only counts, statuses and seats, never personal data.
    changes: Mapped[dict[str, list[object]]] = mapped_column(JSON, default=dict)
