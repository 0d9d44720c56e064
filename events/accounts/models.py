"""People who run the programme: organisers of a city office, and admins."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from events.catalog.models import City
from events.database import Base, UTCDateTime, string_enum, utcnow


class Role(enum.StrEnum):
    ADMIN = "admin"
    ORGANISER = "organiser"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-case, so the unique constraint is case-insensitive on every database.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(string_enum(Role, "role"))
    # The city office the user works for; it decides which events an organiser manages.
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    city: Mapped[City] = relationship(lazy="raise")
