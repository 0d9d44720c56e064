"""Other calendars the platform imports (the partner city's platform, a museum, a sports club), and where events
left filtered feeds."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from events.database import Base, UTCDateTime, utcnow


class FeedSource(Base):
    __tablename__ = "feed_sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(String(2000), unique=True)
    # Shown with its events ("from Yuhang's platform"); the URL's host unless the admin names it.
    name: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"))
    # Whether people may register here for the imported events (off unless an admin turns it on).
    registration_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Conditional requests: what the source said last time.
    etag: Mapped[str | None] = mapped_column(String(500))
    last_modified: Mapped[str | None] = mapped_column(String(100))
    last_synced_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class FeedDeparture(Base):
    """An event left the feeds of one city and category: it moved to another city, or into another category.

    Subscribers of those feeds hold the event, and a feed that simply stops listing it leaves them a ghost; so the
    feeds the pair matches keep the event as a cancelled tombstone (see feeds.index), until it comes back or
    ends more than KEEP_ENDED ago. One row per pair it left, however often it left it.
    """

    __tablename__ = "feed_departures"
    event_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    city_id: Mapped[int] = mapped_column(ForeignKey("cities.id"), primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), primary_key=True)
    departed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
