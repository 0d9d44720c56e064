"""What the dashboard shows: the events a user manages that have not ended, with their numbers, and the places
confirmed day by day for the next few. A fixed number of statements, whatever the number of events."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.accounts.auth import Principal
from events.accounts.models import Role
from events.accounts.permissions import managed_by
from events.catalog.models import Event, EventStatus
from events.catalog.queries import Catalogue, load_events
from events.catalog.recurrence import event_occurrences
from events.i18n import LANGUAGE_CODES
from events.registrations.models import Registration, RegistrationStatus

# Enough for a season of both offices; the events list has them all.
MOST_EVENTS = 100
CHARTED_EVENTS = 6
CHART_DAYS = 30
TRANSLATED_FIELDS = ("title", "summary", "description")


@dataclass(frozen=True)
class EventNumbers:
    event: Event
    next_start: dt.datetime  # the next (or current) occurrence's start: the dashboard's order
    pending: int  # registrations awaiting approval
    missing: dict[str, list[str]]  # language -> the texts it lacks, for the languages that lack any


@dataclass(frozen=True)
class Overview:
    events: list[EventNumbers]
    more: bool  # there were more than MOST_EVENTS
    # Confirmed places at the end of each day, oldest first, for the next CHARTED_EVENTS published events.
    charts: dict[uuid.UUID, list[tuple[dt.date, int]]]


@dataclass(frozen=True)
class Confirmation:
    """A registration's confirmed places and how long they were confirmed (``until`` None: still are)."""

    confirmed_at: dt.datetime
    until: dt.datetime | None
    seats: int


def as_office(principal: Principal, office_id: int) -> Principal:
    """The same person seen as an organiser of ``office_id``: an admin's office filter then shows exactly what that
    office's organisers manage, co-organised events included."""
    return dataclasses.replace(principal, role=Role.ORGANISER, city_id=office_id)


def untranslated(event: Event) -> dict[str, list[str]]:
    """For each language, the texts an event lacks (title, summary, description); languages lacking none are left
    out."""
    missing = {}
    for code in LANGUAGE_CODES:
        row = event.translations.get(code)
        lacking = [name for name in TRANSLATED_FIELDS if row is None or not getattr(row, name).strip()]
        if lacking:
            missing[code] = lacking
    return missing


async def _upcoming_ids(session: AsyncSession, principal: Principal, now: dt.datetime) -> list[uuid.UUID]:
    statement = (
        select(Event.id)
        .where(
            managed_by(principal),
            Event.deleted_at.is_(None),
            Event.status.in_((EventStatus.DRAFT, EventStatus.PUBLISHED)),
            or_(Event.series_ends_at.is_(None), Event.series_ends_at > now),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(MOST_EVENTS + 1)
    )
    return list((await session.scalars(statement)).all())


async def _pending_counts(session: AsyncSession, event_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, int]:
    if not event_ids:
        return {}
    rows = await session.execute(
        select(Registration.event_id, func.count())
        .where(Registration.event_id.in_(event_ids), Registration.status == RegistrationStatus.PENDING)
        .group_by(Registration.event_id)
    )
    return {event_id: count for event_id, count in rows}


def _next_start(event: Event, now: dt.datetime) -> dt.datetime:
    upcoming = event_occurrences(event, after=now, limit=1)
    return upcoming[0].start if upcoming else event.starts_at


async def upcoming_overview(
    session: AsyncSession, catalogue: Catalogue, principal: Principal, *, now: dt.datetime, zone: str
) -> Overview:
    """The events ``principal`` manages that have not ended (drafts too), soonest first, with their numbers; days
    of the charts are days on the clock of ``zone``."""
    ids = await _upcoming_ids(session, principal, now)
    more = len(ids) > MOST_EVENTS
    ids = ids[:MOST_EVENTS]
    events = await load_events(session, catalogue, ids) if ids else []
    pending = await _pending_counts(session, ids)
    numbers = [
        EventNumbers(event, _next_start(event, now), pending.get(event.id, 0), untranslated(event)) for event in events
    ]
    numbers.sort(key=lambda item: (item.next_start, str(item.event.id)))
    charted = [item.event for item in numbers if item.event.status is EventStatus.PUBLISHED][:CHARTED_EVENTS]
    return Overview(numbers, more, await _charts(session, charted, now=now, zone=zone))


async def _charts(
    session: AsyncSession, events: Sequence[Event], *, now: dt.datetime, zone: str
) -> dict[uuid.UUID, list[tuple[dt.date, int]]]:
    if not events:
        return {}
    rows = (
        await session.execute(
            select(
                Registration.event_id,
                Registration.status,
                Registration.seats,
                Registration.confirmed_at,
                Registration.cancelled_at,
            ).where(Registration.event_id.in_([event.id for event in events]), Registration.confirmed_at.is_not(None))
        )
    ).all()
    by_event: dict[uuid.UUID, list[Confirmation]] = {event.id: [] for event in events}
    for row in rows:
        ended = None if row.status is RegistrationStatus.CONFIRMED else row.cancelled_at
        if row.status is not RegistrationStatus.CONFIRMED and ended is None:
            continue  # no longer confirmed, but when it stopped is unknown: leave it out rather than guess
        by_event[row.event_id].append(Confirmation(row.confirmed_at, ended, row.seats))
    charts = {}
    for event in events:
        published = event.published_at or event.created_at
        charts[event.id] = places_per_day(by_event[event.id], since=published, now=now, zone=zone)
    return charts


def places_per_day(
    confirmations: Sequence[Confirmation], *, since: dt.datetime, now: dt.datetime, zone: str
) -> list[tuple[dt.date, int]]:
    """Confirmed places at the end of each day (today: now) of the last CHART_DAYS days, or since ``since``.

    Places are counted as they are now: a registration that changed its number of places counts its present number
    on earlier days too, so today's value is exactly the confirmed places the event has."""
    clock = ZoneInfo(zone)
    today = now.astimezone(clock).date()
    first = max(today - dt.timedelta(days=CHART_DAYS - 1), min(since.astimezone(clock).date(), today))
    days = []
    day = first
    while day <= today:
        end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), clock).astimezone(dt.UTC)
        places = sum(
            item.seats
            for item in confirmations
            if item.confirmed_at < end and (item.until is None or item.until >= end)
        )
        days.append((day, places))
        day += dt.timedelta(days=1)
    return days
