"""Cities, categories, venues and events: what the exchange programme offers."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from typing import TYPE_CHECKING

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Uuid,
    false,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.collections import attribute_keyed_dict

from events.database import Base, UTCDateTime, string_enum, utcnow

if TYPE_CHECKING:
    from events.feeds.models import FeedSource

# Text per language, e.g. {"nl": "Weert", "en": "Weert", "zh": "韦尔特"}.
Translated = dict[str, str]


class City(Base):
    """A twin city: where events take place, and the office that runs them."""

    __tablename__ = "cities"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[Translated] = mapped_column(JSON)
    # The name shown beside a local time when it differs from the city's own, e.g. Yuhang keeps Hangzhou's clock.
    clock_name: Mapped[Translated | None] = mapped_column(JSON)
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64))
    office_name: Mapped[Translated] = mapped_column(JSON)
    office_email: Mapped[str | None] = mapped_column(String(254))
    position: Mapped[int] = mapped_column(Integer, default=0)


class Category(Base):
    """One of the programme's pillars: economy, culture, sport, tourism, education."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[Translated] = mapped_column(JSON)
    description: Mapped[Translated] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Venue(Base):
    __tablename__ = "venues"
    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude >= -90 AND latitude <= 90)", name="latitude_range"),
        CheckConstraint("longitude IS NULL OR (longitude >= -180 AND longitude <= 180)", name="longitude_range"),
        CheckConstraint("(latitude IS NULL) = (longitude IS NULL)", name="coordinates_together"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[Translated] = mapped_column(JSON)
    # Written as the local post would, so it works on an envelope and for a taxi driver.
    address: Mapped[str] = mapped_column(Text, default="")
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)

    city: Mapped[City] = relationship(lazy="raise")


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


# Events that last longer than this (or recur) are "long running"; see Event.long_running.
LONG_SPAN = dt.timedelta(days=31)


class WaitlistRule(enum.StrEnum):
    # Strict: nobody passes a waiting registration, even one too large for the seats that came free.
    STRICT = "strict"
    # First that fits: the earliest waiting registration that fits the free seats goes first.
    FIRST_FIT = "first_fit"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ends_after_start"),
        CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity_positive"),
        # The last line of defence against overbooking: the database itself refuses it.
        CheckConstraint("capacity IS NULL OR confirmed_seats <= capacity", name="not_overbooked"),
        CheckConstraint("confirmed_seats >= 0 AND waitlist_length >= 0", name="counts_not_negative"),
        CheckConstraint("max_seats_per_registration >= 1", name="max_seats_positive"),
        CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        CheckConstraint(
            "registration_opens_at IS NULL OR registration_closes_at IS NULL "
            "OR registration_closes_at >= registration_opens_at",
            name="registration_window_order",
        ),
        Index("ix_events_starts_at_id", "starts_at", "id"),
        # Everything the feed index reads of all events (feeds.index, at start-up and hourly; a cold feed waits
        # for it), in feed order: the index alone answers, without visiting the table's rows.
        Index(
            "ix_events_feed_rows",
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
        ),
        # Which events changed since a feed last read them (feeds.index); stamped by the database (migration 0007).
        Index("ix_events_feed_version", "feed_version"),
        Index("ix_events_long_running_starts_at_id", "long_running", "starts_at", "id"),
        Index("uq_events_source_id_external_uid", "source_id", "external_uid", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    # Made once from the title and never changed, so shared links keep working.
    slug: Mapped[str] = mapped_column(String(100), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    office_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), index=True)
    venue_id: Mapped[int | None] = mapped_column(ForeignKey("venues.id"), index=True)
    # Private: shown only to confirmed participants, never on public pages or feeds.
    online_url: Mapped[str | None] = mapped_column(String(500))
    image_path: Mapped[str | None] = mapped_column(String(300))

    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    # An RFC 5545 RRULE value ("FREQ=WEEKLY;COUNT=8"), expanded in the event's own time zone.
    rrule: Mapped[str | None] = mapped_column(String(500))
    # Starts (UTC, ISO 8601) of the occurrences that do not take place.
    exdates: Mapped[list[str]] = mapped_column(JSON, default=list)
    # End of the last occurrence; NULL for a series without end. Lets "not yet ended" use an index.
    series_ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, index=True)
    # Recurring, without end, or longer than LONG_SPAN. Every other event that has not ended started less than
    # LONG_SPAN ago, which bounds the index scan of "upcoming" (see catalog/queries.py).
    long_running: Mapped[bool] = mapped_column(Boolean, default=False)

    capacity: Mapped[int | None] = mapped_column(Integer)
    # Kept by the registrations service under the event's lock, in the same transaction as each change.
    confirmed_seats: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    waitlist_length: Mapped[int] = mapped_column(Integer, default=0, server_default=text("0"))
    max_seats_per_registration: Mapped[int] = mapped_column(Integer, default=5, server_default=text("5"))
    waitlist_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    waitlist_rule: Mapped[WaitlistRule] = mapped_column(
        string_enum(WaitlistRule, "waitlist_rule"),
        default=WaitlistRule.STRICT,
        server_default=WaitlistRule.STRICT.value,
    )
    approval_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # Whether anyone may register here; imported events (feeds) start without it.
    registration_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    registration_opens_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)

    status: Mapped[EventStatus] = mapped_column(string_enum(EventStatus, "status"), default=EventStatus.DRAFT)
    # Why it was cancelled, per language; kept apart from the texts so any language can have a reason.
    cancellation_reasons: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    # Kept when an event is unpublished: feeds that showed it keep it, cancelled, for a while (a tombstone).
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Deleted by an organiser: gone from every page, but kept as a tombstone for calendar feeds.
    deleted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # Imported from another calendar (feeds issue): where from, and the UID it has there and keeps here.
    source_id: Mapped[int | None] = mapped_column(ForeignKey("feed_sources.id", ondelete="SET NULL"), index=True)
    external_uid: Mapped[str | None] = mapped_column(String(255))
    # A hash of what the source said last time, so a sync that finds nothing new changes nothing.
    external_hash: Mapped[str | None] = mapped_column(String(64))
    # Where it takes place when there is no venue of ours (imported events say it in words).
    location: Mapped[str | None] = mapped_column(String(300))
    # Raised on every change to time, place, status or recurrence, so calendar clients replace their copy.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Raised by every edit of an organiser (not by registrations): two editors cannot overwrite each other, and
    # the write API's ETag is made from it.
    edit_version: Mapped[int] = mapped_column(Integer, default=1, server_default=text("1"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set by every change to what the event says (its LAST-MODIFIED in calendars), never by registrations: seat
    # counts change all day long, and a feed whose bytes changed with each of them would be downloaded anew.
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # Stamped by the database whenever something feeds read of the event changes: PostgreSQL's transaction id,
    # SQLite's counter (migration 0007). Never set by the platform.
    feed_version: Mapped[int | None] = mapped_column(BigInteger)

    # Read-only: set the *_id columns to change them; nothing cascades through these.
    category: Mapped[Category] = relationship(lazy="raise", viewonly=True)
    city: Mapped[City] = relationship(foreign_keys=[city_id], lazy="raise", viewonly=True)
    office: Mapped[City] = relationship(foreign_keys=[office_id], lazy="raise", viewonly=True)
    venue: Mapped[Venue | None] = relationship(lazy="raise", viewonly=True)
    source: Mapped[FeedSource | None] = relationship(lazy="raise", viewonly=True)
    changes: Mapped[list[OccurrenceChange]] = relationship(
        cascade="all, delete-orphan", lazy="raise", order_by="OccurrenceChange.original_start"
    )
    # Offices that run the event together with its own office, and may manage it too.
    co_organisers: Mapped[list[EventCoOrganiser]] = relationship(
        cascade="all, delete-orphan", lazy="raise", order_by="EventCoOrganiser.city_id"
    )
    translations: Mapped[dict[str, EventTranslation]] = relationship(
        collection_class=attribute_keyed_dict("language"),
        cascade="all, delete-orphan",
        lazy="raise",
        back_populates="event",
    )

    def text(self, field: str) -> dict[str, str]:
        """One translated field in every language that has it, e.g. ``event.text("title")``."""
        return {code: getattr(row, field) for code, row in self.translations.items() if getattr(row, field)}

    @property
    def is_recurring(self) -> bool:
        return bool(self.rrule)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class OccurrenceChange(Base):
    """One occurrence of a series moved or cancelled: a RECURRENCE-ID override in calendars."""

    __tablename__ = "occurrence_changes"
    __table_args__ = (
        CheckConstraint(
            "cancelled OR (starts_at IS NOT NULL AND ends_at IS NOT NULL AND ends_at >= starts_at)",
            name="moved_or_cancelled",
        ),
    )

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    # The start the occurrence has by the rule (UTC): its RECURRENCE-ID.
    original_start: Mapped[dt.datetime] = mapped_column(UTCDateTime, primary_key=True)
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    starts_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class EventCoOrganiser(Base):
    """Another city office that runs an event jointly (many exchanges are), with the same rights as its own."""

    __tablename__ = "event_co_organisers"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id", ondelete="CASCADE"), primary_key=True, index=True)


class EventTranslation(Base):
    """An event's text in one language."""

    __tablename__ = "event_translations"

    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    language: Mapped[str] = mapped_column(String(8), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    image_alt: Mapped[str] = mapped_column(String(300), default="")

    event: Mapped[Event] = relationship(back_populates="translations", lazy="raise")
