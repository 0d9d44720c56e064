"""What a reader sees of an event in one language: built once here for pages, the API, and later feeds and mail."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Protocol
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from events.catalog.availability import RegistrationState, next_change, registration_state, seats_left
from events.catalog.models import Category, City, Event, EventStatus
from events.catalog.queries import Catalogue
from events.catalog.recurrence import Occurrence, event_occurrences
from events.clocks import LocalTime, clock_of, date_span, describe, in_clocks
from events.i18n import LANGUAGE_CODES, pick, pick_text
from events.paths import STATIC_DIR

UPCOMING_OCCURRENCES_SHOWN = 10


@dataclass(frozen=True)
class Named:
    """A city or category as shown: its slug and its name in the reader's language."""

    slug: str
    name: str


@dataclass(frozen=True)
class VenueView:
    name: str
    address: str
    latitude: float | None
    longitude: float | None

    @property
    def openstreetmap_url(self) -> str | None:
        if self.latitude is None or self.longitude is None:
            return None
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude}&mlon={self.longitude}"
            f"#map=17/{self.latitude}/{self.longitude}"
        )

    @property
    def amap_url(self) -> str | None:
        # Amap (高德地图) works in mainland China, where OpenStreetMap's tiles are slow or blocked.
        if self.latitude is None or self.longitude is None:
            return None
        query = urlencode(
            {
                "position": f"{self.longitude},{self.latitude}",
                "name": self.name,
                "coordinate": "wgs84",
                "callnative": 0,
            },
            quote_via=quote,
        )
        return f"https://uri.amap.com/marker?{query}"


@dataclass(frozen=True)
class OccurrenceView:
    occurrence: Occurrence
    when: list[LocalTime]
    when_text: str


@dataclass(frozen=True)
class EventView:
    event: Event
    language: str  # the language the text below is in; differs from the reader's when it had to fall back
    title: str
    summary: str
    description: str
    translations: dict[str, dict[str, str]]
    category: Named
    city: Named
    office: Named
    venue: VenueView | None
    online: bool
    image_url: str | None
    image_alt: str
    share_image_url: str | None  # a raster image for link previews (WeChat and WhatsApp show no SVG)
    status: EventStatus
    cancellation_reason: str
    capacity: int | None
    seats_left: int | None
    registration: RegistrationState
    url: str
    ics_url: str
    shown: Occurrence  # the next occurrence, or the last one of an event that has ended
    when: list[LocalTime]  # ``shown`` on every twin city's clock (empty for all-day events)
    when_text: str  # one line: "za 14 maart 14:00 Weert (CET) · 21:00 Hangzhou (CST)"
    upcoming: list[OccurrenceView]  # the next occurrences of a series

    def next_change(self, now: dt.datetime) -> dt.datetime | None:
        return next_change(self.event, now, shown_end=self.shown.end)

    @property
    def registration_open(self) -> bool:
        return self.registration is RegistrationState.OPEN

    @property
    def is_cancelled(self) -> bool:
        return self.status is EventStatus.CANCELLED

    @property
    def start(self) -> dt.datetime:
        return self.event.starts_at.astimezone(ZoneInfo(self.event.timezone))

    @property
    def end(self) -> dt.datetime:
        return self.event.ends_at.astimezone(ZoneInfo(self.event.timezone))


def named(item: City | Category, language: str) -> Named:
    return Named(item.slug, pick_text(item.name, language))


def _translations(event: Event) -> dict[str, dict[str, str]]:
    return {
        code: {"title": row.title, "summary": row.summary, "description": row.description}
        for code in LANGUAGE_CODES
        if (row := event.translations.get(code)) is not None
    }


def _venue(event: Event, language: str) -> VenueView | None:
    venue = event.venue
    if venue is None:
        # Imported events name their place in words.
        return VenueView(event.location, "", None, None) if event.location else None
    return VenueView(pick_text(venue.name, language), venue.address, venue.latitude, venue.longitude)


def _occurrence_to_show(event: Event, now: dt.datetime) -> Occurrence:
    """The next occurrence; for an event that has ended, its last one."""
    upcoming = event_occurrences(event, after=now, limit=1)
    if upcoming:
        return upcoming[0]
    every = event_occurrences(event)  # a series that has ended is finite
    return every[-1] if every else Occurrence(event.starts_at, event.ends_at)


def _share_image(image_path: str | None, base_url: str) -> str | None:
    if not image_path:
        return None
    if not image_path.endswith(".svg"):
        return base_url + image_path
    # Built-in SVG illustrations come with a PNG beside them for previews.
    png = image_path.removesuffix(".svg") + ".png"
    static_file = STATIC_DIR / png.removeprefix("/static/")
    return base_url + png if png.startswith("/static/") and static_file.is_file() else None


class OnClocks(Protocol):
    """What describing an occurrence reads of an event: an Event, or a feed's row of one (feeds.loading)."""

    @property
    def all_day(self) -> bool: ...
    @property
    def timezone(self) -> str: ...
    @property
    def city(self) -> City: ...
    @property
    def city_id(self) -> int: ...


def describe_occurrence(
    event: OnClocks, occurrence: Occurrence, catalogue: Catalogue, language: str, *, with_year: bool = False
) -> tuple[list[LocalTime], str]:
    """An occurrence on every twin city's clock, host city first, and as one line of text."""
    if event.all_day:
        zone = ZoneInfo(event.timezone)
        first_day = occurrence.start.astimezone(zone).date()
        last_day = (occurrence.end.astimezone(zone) - dt.timedelta(days=1)).date()
        return [], date_span(first_day, max(first_day, last_day), language, with_year=with_year)
    clocks = [clock_of(event.city, language)]
    clocks += [clock_of(city, language) for city in catalogue.cities if city.id != event.city_id]
    times = in_clocks(occurrence.start, occurrence.end, clocks, language, with_year=with_year)
    return times, describe(times)


def present_event(
    event: Event,
    catalogue: Catalogue,
    language: str,
    *,
    now: dt.datetime,
    base_url: str,
    detailed: bool = False,
) -> EventView:
    """The event for a reader of ``language``; ``detailed`` adds the year to dates and lists a series' next dates."""
    chosen = pick(event.translations, language)
    served_language, text = chosen if chosen else (language, None)
    shown = _occurrence_to_show(event, now)
    when, when_text = describe_occurrence(event, shown, catalogue, language, with_year=detailed)
    upcoming: list[OccurrenceView] = []
    if detailed and event.rrule:
        for occurrence in event_occurrences(event, after=now, limit=UPCOMING_OCCURRENCES_SHOWN):
            times, line = describe_occurrence(event, occurrence, catalogue, language, with_year=True)
            upcoming.append(OccurrenceView(occurrence, times, line))
    return EventView(
        event=event,
        language=served_language,
        title=text.title if text else event.slug,
        summary=text.summary if text else "",
        description=text.description if text else "",
        translations=_translations(event),
        category=named(event.category, language),
        city=named(event.city, language),
        office=Named(event.office.slug, pick_text(event.office.office_name, language)),
        venue=_venue(event, language),
        online=bool(event.online_url),
        image_url=f"{base_url}{event.image_path}" if event.image_path else None,
        image_alt=pick_text(event.text("image_alt"), language),
        share_image_url=_share_image(event.image_path, base_url),
        status=event.status,
        cancellation_reason=pick_text(event.cancellation_reasons, language),
        capacity=event.capacity,
        seats_left=seats_left(event),
        registration=registration_state(event, now),
        url=f"{base_url}/events/{event.slug}",
        ics_url=f"{base_url}/events/{event.slug}.ics",
        shown=shown,
        when=when,
        when_text=when_text,
        upcoming=upcoming,
    )


def earliest_change(views: list[EventView], now: dt.datetime) -> dt.datetime | None:
    """When the first of these events reads differently by the passing of time alone."""
    moments = [moment for view in views if (moment := view.next_change(now)) is not None]
    return min(moments) if moments else None
