"""Changing the catalogue. Functions here flush and never commit: the caller owns the transaction."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.catalog.models import (
    LONG_SPAN,
    Category,
    City,
    Event,
    EventStatus,
    EventTranslation,
    OccurrenceChange,
    Venue,
    WaitlistRule,
)
from events.catalog.queries import forget_catalogue
from events.catalog.recurrence import RecurrenceError, check_rule, occurrences_between, series_end
from events.i18n import LANGUAGE_CODES, pick_text

MAX_SLUG = 80


class CatalogError(ValueError):
    """Data that breaks a rule of the catalogue; the message says which (English, for the CLI and logs)."""


@dataclass(frozen=True)
class EventText:
    title: str
    summary: str = ""
    description: str = ""
    image_alt: str = ""


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise CatalogError(f"{name!r} is not an IANA time zone such as Europe/Amsterdam") from None
    return name


async def create_city(
    session: AsyncSession,
    *,
    slug: str,
    name: Mapping[str, str],
    country: str,
    timezone: str,
    office_name: Mapping[str, str],
    office_email: str | None = None,
    clock_name: Mapping[str, str] | None = None,
    position: int = 0,
) -> City:
    """Add a twin city; cities are data, so a third twin needs no code."""
    city = City(
        slug=slug,
        name=dict(name),
        clock_name=dict(clock_name) if clock_name else None,
        country=country.upper(),
        timezone=check_timezone(timezone),
        office_name=dict(office_name),
        office_email=office_email,
        position=position,
    )
    session.add(city)
    await session.flush()
    forget_catalogue(session)
    return city


async def create_category(
    session: AsyncSession, *, slug: str, name: Mapping[str, str], description: Mapping[str, str], position: int = 0
) -> Category:
    category = Category(slug=slug, name=dict(name), description=dict(description), position=position)
    session.add(category)
    await session.flush()
    forget_catalogue(session)
    return category


async def create_venue(
    session: AsyncSession,
    *,
    name: Mapping[str, str],
    city: City,
    address: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
) -> Venue:
    venue = Venue(name=dict(name), city_id=city.id, address=address, latitude=latitude, longitude=longitude)
    session.add(venue)
    await session.flush()
    return venue


def slugify(text: str) -> str:
    """A readable ASCII slug; Chinese-only titles give an empty one and the caller picks a fallback."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:MAX_SLUG].rstrip("-")


async def unique_slug(session: AsyncSession, base: str) -> str:
    taken = set((await session.scalars(select(Event.slug).where(Event.slug.like(f"{base}%")))).all())
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


async def create_event(
    session: AsyncSession,
    *,
    texts: Mapping[str, EventText],
    category: Category,
    city: City,
    office: City,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    timezone: str | None = None,
    all_day: bool = False,
    rrule: str | None = None,
    exdates: list[dt.datetime] | None = None,
    venue: Venue | None = None,
    online_url: str | None = None,
    image_path: str | None = None,
    capacity: int | None = None,
    max_seats_per_registration: int = 5,
    waitlist_enabled: bool = True,
    waitlist_rule: WaitlistRule = WaitlistRule.STRICT,
    approval_required: bool = False,
    registration_enabled: bool = True,
    registration_opens_at: dt.datetime | None = None,
    registration_closes_at: dt.datetime | None = None,
    status: EventStatus = EventStatus.DRAFT,
    now: dt.datetime,
    event_id: uuid.UUID | None = None,
    slug: str | None = None,
    created_by_id: int | None = None,
) -> Event:
    """Create an event with its texts; the slug is made once from its title and kept when the title changes."""
    texts = {code: text for code, text in texts.items() if text.title.strip()}
    if not texts:
        raise CatalogError("an event needs a title in at least one language")
    unknown = set(texts) - set(LANGUAGE_CODES)
    if unknown:
        raise CatalogError(f"unknown languages: {', '.join(sorted(unknown))}")
    timezone = check_timezone(timezone or city.timezone)
    if ends_at < starts_at:
        raise CatalogError("an event cannot end before it starts")
    if all_day:
        starts_at, ends_at = _whole_days(starts_at, ends_at, timezone)
    excluded = [moment.astimezone(dt.UTC).isoformat() for moment in exdates or []]
    try:
        if rrule:
            rrule = check_rule(starts_at, ends_at, timezone, rrule, all_day=all_day)
        last_end = series_end(starts_at, ends_at, timezone, rrule, excluded, all_day=all_day)
    except RecurrenceError as error:
        raise CatalogError(f"recurrence: {error}") from None
    titles = {code: text.title for code, text in texts.items()}
    event = Event(
        id=event_id or uuid.uuid4(),
        slug=slug or await unique_slug(session, slugify(pick_text(titles, "en")) or "event"),
        category_id=category.id,
        city_id=city.id,
        office_id=office.id,
        venue_id=venue.id if venue else None,
        online_url=online_url,
        image_path=image_path,
        starts_at=starts_at,
        ends_at=ends_at,
        timezone=timezone,
        all_day=all_day,
        rrule=rrule,
        exdates=excluded,
        series_ends_at=last_end,
        long_running=bool(rrule) or last_end is None or last_end - starts_at > LONG_SPAN,
        capacity=capacity,
        max_seats_per_registration=max_seats_per_registration,
        waitlist_enabled=waitlist_enabled,
        waitlist_rule=waitlist_rule,
        approval_required=approval_required,
        registration_enabled=registration_enabled,
        confirmed_seats=0,
        waitlist_length=0,
        registration_opens_at=registration_opens_at,
        registration_closes_at=registration_closes_at,
        status=status,
        published_at=now if status is not EventStatus.DRAFT else None,
        created_by_id=created_by_id,
        created_at=now,
        updated_at=now,
    )
    event.changes = []
    event.translations = {
        code: EventTranslation(
            language=code,
            title=text.title.strip(),
            summary=text.summary.strip(),
            description=text.description.strip(),
            image_alt=text.image_alt.strip(),
        )
        for code, text in texts.items()
    }
    session.add(event)
    await session.flush()
    return event


def _whole_days(starts_at: dt.datetime, ends_at: dt.datetime, timezone: str) -> tuple[dt.datetime, dt.datetime]:
    """An all-day event runs from local midnight of its first day to local midnight after its last day."""
    zone = ZoneInfo(timezone)
    first_day = starts_at.astimezone(zone).date()
    last_day = max(first_day, ends_at.astimezone(zone).date())
    if ends_at.astimezone(zone).time() == dt.time() and ends_at > starts_at:
        last_day = max(first_day, last_day - dt.timedelta(days=1))
    start = dt.datetime.combine(first_day, dt.time(), zone).astimezone(dt.UTC)
    end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(), zone).astimezone(dt.UTC)
    return start, end


async def cancel_event(session: AsyncSession, event: Event, *, reasons: Mapping[str, str], now: dt.datetime) -> Event:
    """Cancel an event with a reason per language; its sequence rises so calendar clients update their copy."""
    if not any(reason.strip() for reason in reasons.values()):
        raise CatalogError("cancelling needs a reason")
    unknown = set(reasons) - set(LANGUAGE_CODES)
    if unknown:
        raise CatalogError(f"unknown languages: {', '.join(sorted(unknown))}")
    event.status = EventStatus.CANCELLED
    _changed(event, now)
    event.cancellation_reasons = {code: reason.strip() for code, reason in reasons.items() if reason.strip()}
    await session.flush()
    return event


def _changed(event: Event, now: dt.datetime) -> None:
    # Calendar clients replace their copy only when SEQUENCE rises; LAST-MODIFIED and the feeds follow updated_at.
    event.sequence += 1
    event.updated_at = now


async def reschedule_event(
    session: AsyncSession, event: Event, *, starts_at: dt.datetime, ends_at: dt.datetime, now: dt.datetime
) -> Event:
    """Move an event (or a whole series); its texts and registrations stay."""
    if ends_at < starts_at:
        raise CatalogError("an event cannot end before it starts")
    if event.all_day:
        starts_at, ends_at = _whole_days(starts_at, ends_at, event.timezone)
    try:
        if event.rrule:
            event.rrule = check_rule(starts_at, ends_at, event.timezone, event.rrule, all_day=event.all_day)
        last_end = series_end(starts_at, ends_at, event.timezone, event.rrule, event.exdates, all_day=event.all_day)
    except RecurrenceError as error:
        raise CatalogError(f"recurrence: {error}") from None
    event.starts_at, event.ends_at, event.series_ends_at = starts_at, ends_at, last_end
    event.long_running = bool(event.rrule) or last_end is None or last_end - starts_at > LONG_SPAN
    _changed(event, now)
    await session.flush()
    return event


async def unpublish_event(session: AsyncSession, event: Event, *, now: dt.datetime) -> Event:
    """Back to draft. Its publication time is kept: feeds that showed it keep a cancelled tombstone of it."""
    event.status = EventStatus.DRAFT
    _changed(event, now)
    await session.flush()
    return event


async def delete_event(session: AsyncSession, event: Event, *, now: dt.datetime) -> Event:
    """Gone from every page; kept as a tombstone so subscribed calendars remove it (see feeds.service)."""
    event.deleted_at = now
    _changed(event, now)
    await session.flush()
    return event


async def change_occurrence(
    session: AsyncSession,
    event: Event,
    original_start: dt.datetime,
    *,
    now: dt.datetime,
    cancelled: bool = False,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> OccurrenceChange:
    """Move or cancel one occurrence of a series (a RECURRENCE-ID override in calendars)."""
    if not event.rrule:
        raise CatalogError("only an occurrence of a series can be changed on its own")
    # Look only around that moment, so an occurrence years into a long series is found too.
    around = dt.timedelta(seconds=1)
    by_rule = {
        occurrence.start
        for occurrence in occurrences_between(
            event.starts_at,
            event.ends_at,
            event.timezone,
            event.rrule,
            event.exdates,
            after=original_start - around,
            before=original_start + around,
            all_day=event.all_day,
        )
    }
    if original_start.astimezone(dt.UTC) not in by_rule:
        raise CatalogError("there is no occurrence of this series at that time")
    if not cancelled and (starts_at is None or ends_at is None or ends_at < starts_at):
        raise CatalogError("a moved occurrence needs a start and an end after it")
    _changed(event, now)
    change = next((item for item in event.changes if item.original_start == original_start), None)
    if change is None:
        change = OccurrenceChange(event_id=event.id, original_start=original_start)
        event.changes.append(change)
    change.cancelled = cancelled
    change.starts_at, change.ends_at = (None, None) if cancelled else (starts_at, ends_at)
    change.sequence = event.sequence
    change.updated_at = now
    await session.flush()
    return change
