"""The events of a whole feed, read as plain rows.

A cold feed holds thousands of events. Read through the ORM, each event and each of its translations becomes a
tracked instance, and that took longer than writing the calendar itself. The feed only reads them, so here they
are plain rows in small objects with the same attribute names as the models, which ``feeds.ical`` reads alike
(``CalendarSubject``). A test builds the same bytes from both.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, String, bindparam, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from events.catalog.models import Category, City, Event, EventStatus, EventTranslation, OccurrenceChange, Venue
from events.catalog.queries import Catalogue
from events.feeds.models import FeedSource


@dataclass(frozen=True, slots=True)
class TextRow:
    title: str
    summary: str
    description: str


@dataclass(frozen=True, slots=True)
class ChangeRow:
    original_start: dt.datetime
    cancelled: bool
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each field through object.__setattr__, slowly
class CalendarEvent:
    """What a calendar shows of an event, read without the ORM; nothing writes to it."""

    id: uuid.UUID
    slug: str
    status: EventStatus
    deleted_at: dt.datetime | None
    external_uid: str | None
    cancellation_reasons: dict[str, str]
    location: str | None
    online_url: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    sequence: int
    timezone: str
    all_day: bool
    starts_at: dt.datetime
    ends_at: dt.datetime
    rrule: str | None
    exdates: list[str]
    city_id: int
    translations: dict[str, TextRow]
    changes: list[ChangeRow]
    category: Category
    city: City
    office: City
    venue: Venue | None
    source: FeedSource | None


# Ids as the driver gives them (text on SQLite): they only join rows here, and turning tens of thousands of them
# into UUIDs took longer than reading them; each event's own id becomes one UUID.
_EVENT_COLUMNS = [
    type_coerce(Event.id, String).label("raw_id"),
    Event.slug,
    Event.status,
    Event.deleted_at,
    Event.external_uid,
    Event.cancellation_reasons,
    Event.location,
    Event.online_url,
    Event.created_at,
    Event.updated_at,
    Event.sequence,
    Event.timezone,
    Event.all_day,
    Event.starts_at,
    Event.ends_at,
    Event.rrule,
    Event.exdates,
    Event.city_id,
    Event.category_id,
    Event.office_id,
    Event.venue_id,
    Event.source_id,
]


# Built once: a feed rebuilt after one change runs these for one event, and building the statements anew (and
# their cache keys) took longer than running them.
_EVENTS = select(*_EVENT_COLUMNS).where(Event.id.in_(bindparam("ids", expanding=True)))
_TEXTS = (
    select(
        type_coerce(EventTranslation.event_id, String),
        EventTranslation.language,
        EventTranslation.title,
        EventTranslation.summary,
        EventTranslation.description,
    )
    .where(EventTranslation.event_id.in_(bindparam("ids", expanding=True)))
    .order_by(EventTranslation.event_id, EventTranslation.language)
)
_CHANGES = (
    select(
        type_coerce(OccurrenceChange.event_id, String),
        OccurrenceChange.original_start,
        OccurrenceChange.cancelled,
        OccurrenceChange.starts_at,
        OccurrenceChange.ends_at,
    )
    .where(OccurrenceChange.event_id.in_(bindparam("ids", expanding=True)))
    .order_by(OccurrenceChange.event_id, OccurrenceChange.original_start)
)
_BY_ID: dict[Any, Select[Any]] = {
    Venue: select(Venue).where(Venue.id.in_(bindparam("ids", expanding=True))),
    FeedSource: select(FeedSource).where(FeedSource.id.in_(bindparam("ids", expanding=True))),
}


async def load_calendar_events(
    session: AsyncSession, catalogue: Catalogue, event_ids: Sequence[uuid.UUID]
) -> list[CalendarEvent]:
    """Several events in any state, with their texts, changed dates, venue and source: three statements, and one
    each for their venues and sources when they have any."""
    connection = await session.connection()
    ids = {"ids": list(event_ids)}
    rows: Sequence[Any] = (await connection.execute(_EVENTS, ids)).all()  # the columns' own types, in order
    texts: dict[object, dict[str, TextRow]] = {row.raw_id: {} for row in rows}
    for event_id, language, title, summary, description in await connection.execute(_TEXTS, ids):
        texts[event_id][language] = TextRow(title, summary, description)
    changes: dict[object, list[ChangeRow]] = {row.raw_id: [] for row in rows}
    for event_id, original_start, cancelled, starts_at, ends_at in await connection.execute(_CHANGES, ids):
        changes[event_id].append(ChangeRow(original_start, cancelled, starts_at, ends_at))
    venues = await _by_id(session, Venue, {row.venue_id for row in rows if row.venue_id is not None})
    sources = await _by_id(session, FeedSource, {row.source_id for row in rows if row.source_id is not None})
    found = []
    # Unpacked by position: a row's attributes by name cost more than building the event.
    for (
        raw_id,
        slug,
        status,
        deleted_at,
        external_uid,
        cancellation_reasons,
        location,
        online_url,
        created_at,
        updated_at,
        sequence,
        timezone,
        all_day,
        starts_at,
        ends_at,
        rrule,
        exdates,
        city_id,
        category_id,
        office_id,
        venue_id,
        source_id,
    ) in rows:
        found.append(
            CalendarEvent(
                id=uuid.UUID(str(raw_id)),
                slug=slug,
                status=status,
                deleted_at=deleted_at,
                external_uid=external_uid,
                cancellation_reasons=cancellation_reasons,
                location=location,
                online_url=online_url,
                created_at=created_at,
                updated_at=updated_at,
                sequence=sequence,
                timezone=timezone,
                all_day=all_day,
                starts_at=starts_at,
                ends_at=ends_at,
                rrule=rrule,
                exdates=exdates,
                city_id=city_id,
                translations=texts[raw_id],
                changes=changes[raw_id],
                category=catalogue.category_by_id[category_id],
                city=catalogue.city_by_id[city_id],
                office=catalogue.city_by_id[office_id],
                venue=venues.get(venue_id),
                source=sources.get(source_id),
            )
        )
    return found


async def _by_id(session: AsyncSession, model: Any, ids: set[int]) -> dict[int | None, Any]:
    """Venues or sources through the ORM: few, and shared by many events (the session keeps each once)."""
    if not ids:
        return {}
    return {item.id: item for item in (await session.scalars(_BY_ID[model], {"ids": list(ids)})).all()}
