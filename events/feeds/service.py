"""Building the public calendar feeds, one VEVENT text per event kept per process.

A feed lists every public event that has not ended more than KEEP_ENDED ago, including cancelled ones and the
tombstones of unpublished or deleted ones (as CANCELLED), so subscribed calendars remove them instead of keeping
a ghost. Building a feed reads only the ids and versions of its events; the text of an event is made once per
version, language and catalogue, so after one event changes the feed is whole again after one event's work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.catalog.models import Event
from events.catalog.queries import Catalogue, load_events
from events.feeds.ical import CalendarHeader, calendar, feed_event, vevents
from events.i18n import N_, gettext_for, pick_text

KEEP_ENDED = dt.timedelta(days=60)
LOAD_BATCH = 500


@dataclass(frozen=True)
class FeedFilters:
    categories: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()


@dataclass(frozen=True)
class FeedRow:
    event_id: uuid.UUID
    updated_at: dt.datetime
    sequence: int
    timezone: str
    all_day: bool


def catalogue_fingerprint(catalogue: Catalogue) -> str:
    """Changes whenever a name or office that feeds show changes."""
    parts = [
        (
            city.slug,
            sorted(city.name.items()),
            sorted((city.clock_name or {}).items()),
            sorted(city.office_name.items()),
            city.office_email,
            city.timezone,
        )
        for city in catalogue.cities
    ] + [(category.slug, sorted(category.name.items())) for category in catalogue.categories]
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


class FragmentCache:
    """VEVENT texts by event version, language and catalogue; least recently used go first."""

    def __init__(self, max_entries: int = 60_000) -> None:
        self.max_entries = max_entries
        self._texts: OrderedDict[tuple[object, ...], str] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> str | None:
        text = self._texts.get(key)
        if text is not None:
            self._texts.move_to_end(key)
        return text

    def put(self, key: tuple[object, ...], text: str) -> None:
        self._texts[key] = text
        self._texts.move_to_end(key)
        while len(self._texts) > self.max_entries:
            self._texts.popitem(last=False)


def in_feeds(now: dt.datetime) -> ColumnElement[bool]:
    """Published at some time (unpublished and deleted events stay as tombstones), and not ended more than
    KEEP_ENDED ago."""
    return and_(
        Event.published_at.is_not(None),
        or_(Event.series_ends_at.is_(None), Event.series_ends_at > now - KEEP_ENDED),
    )


async def feed_rows(
    session: AsyncSession, catalogue: Catalogue, filters: FeedFilters, *, now: dt.datetime
) -> list[FeedRow]:
    statement = select(Event.id, Event.updated_at, Event.sequence, Event.timezone, Event.all_day).where(in_feeds(now))
    if filters.categories:
        statement = statement.where(
            Event.category_id.in_([catalogue.category_by_slug[slug].id for slug in filters.categories])
        )
    if filters.cities:
        statement = statement.where(Event.city_id.in_([catalogue.city_by_slug[slug].id for slug in filters.cities]))
    rows = (await session.execute(statement.order_by(Event.starts_at, Event.id))).all()
    return [FeedRow(*row) for row in rows]


def feed_header(
    catalogue: Catalogue, filters: FeedFilters, language: str, refresh: dt.timedelta, url: str
) -> CalendarHeader:
    name = gettext_for(language, N_("Stedenband Weert–Yuhang"))
    chosen = [pick_text(catalogue.category_by_slug[slug].name, language) for slug in filters.categories]
    chosen += [pick_text(catalogue.city_by_slug[slug].name, language) for slug in filters.cities]
    if chosen:
        name = f"{name}: {', '.join(chosen)}"
    description = gettext_for(
        language,
        N_("Exchange events between Weert and Yuhang (Hangzhou): economy, culture, sport, tourism and education."),
    )
    return CalendarHeader(name=name, description=description, language=language, refresh=refresh, source_url=url)


async def build_feed(
    session: AsyncSession,
    catalogue: Catalogue,
    filters: FeedFilters,
    *,
    language: str,
    now: dt.datetime,
    base_url: str,
    calendar_domain: str,
    refresh: dt.timedelta,
    url: str,
    fragments: FragmentCache,
) -> tuple[bytes, dt.datetime | None]:
    """The feed's bytes, and the latest change of any event in it (its Last-Modified)."""
    rows = await feed_rows(session, catalogue, filters, now=now)
    fingerprint = catalogue_fingerprint(catalogue)

    def key(row: FeedRow) -> tuple[object, ...]:
        return (row.event_id, row.updated_at, row.sequence, language, fingerprint, base_url, calendar_domain)

    missing = [row.event_id for row in rows if fragments.get(key(row)) is None]
    built: dict[uuid.UUID, str] = {}
    for start in range(0, len(missing), LOAD_BATCH):
        for event in await load_events(session, catalogue, missing[start : start + LOAD_BATCH]):
            entry = feed_event(event, catalogue, language, base_url=base_url, calendar_domain=calendar_domain)
            built[event.id] = text = vevents(entry)
            fragments.put(key(FeedRow(event.id, event.updated_at, event.sequence, event.timezone, event.all_day)), text)
    # An event that changed between the two reads is taken as just built.
    texts = [built.get(row.event_id) or fragments.get(key(row)) or "" for row in rows]
    zones = {row.timezone for row in rows if not row.all_day}
    header = feed_header(catalogue, filters, language, refresh, url)
    last_modified = max((row.updated_at for row in rows), default=None)
    return calendar(header, texts, zones), last_modified
