"""People who run the programme: organisers of a city office, and admins; their sessions, links and API tokens."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import Boolean, ForeignKey, Index, String
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
    # None until an invited user sets a password through the link.
    password_hash: Mapped[str | None] = mapped_column(String(200))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The language of the workspace when nothing else says, and of the mails the platform sends them.
    language: Mapped[str] = mapped_column(String(8), default="nl", server_default="nl")
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # When the last digest of registrations awaiting approval went out (at most one an hour).
    approval_digest_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    city: Mapped[City] = relationship(lazy="raise")

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN


class UserSession(Base):
    """A signed-in browser. The cookie holds a random token; only its hash is here, so deactivating a user or
    signing out ends the session everywhere at once."""

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # Idle sessions end; active ones end anyway after SESSION_LIFETIME.
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, index=True)

    user: Mapped[User] = relationship(lazy="raise")


class LinkPurpose(enum.StrEnum):
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"


class AccountLink(Base):
    """A single-use link sent by mail: an invitation to set a first password, or a password reset."""

    __tablename__ = "account_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[LinkPurpose] = mapped_column(string_enum(LinkPurpose, "purpose"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class LoginFailure(Base):
    """A failed sign-in, counted per account and per address to slow down guessing; old rows are dropped."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_key_at", "account_key", "at"),
        Index("ix_login_failures_address_key_at", "address_key", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Keyed hashes of the e-mail address tried and of the client address: enough to count, nothing to read.
    account_key: Mapped[str] = mapped_column(String(64))
    address_key: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime)


class ApiToken(Base):
    """A personal token for integrations: shown once, stored as a hash, with an expiry, revocable."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    # The first characters, so people can tell their tokens apart without the token itself.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="raise")
