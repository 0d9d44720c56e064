"""Times as people in every twin city read them: "za 14 maart 14:00 Weert (CET) · 21:00 Hangzhou (CST)".

Times are stored in UTC; this module is the edge where they meet a clock and a language. Pages, the API,
e-mails and feeds all describe a moment through it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_datetime, format_interval, match_skeleton

from events.i18n import babel_locale, pick_text

SEPARATOR = " · "


@dataclass(frozen=True)
class Clock:
    """A city's clock: its name as shown beside a time, and its time zone."""

    label: str
    timezone: str


@dataclass(frozen=True)
class LocalTime:
    """One moment (or span) on one city's clock, formatted for one language."""

    clock: Clock
    start: dt.datetime  # aware, in the clock's zone
    end: dt.datetime | None
    text: str  # e.g. "za 14 maart 14:00" or "21:00"
    zone_abbreviation: str  # e.g. "CET"

    @property
    def label(self) -> str:
        return f"{self.clock.label} ({self.zone_abbreviation})"

    def __str__(self) -> str:
        return f"{self.text} {self.label}"


@cache
def _pattern(skeleton: str, language: str) -> str:
    locale = babel_locale(language)
    matched = match_skeleton(skeleton, locale.datetime_skeletons)
    return str(locale.datetime_skeletons[matched]) if matched else skeleton


def format_local(value: dt.datetime | dt.date, skeleton: str, language: str) -> str:
    """Format a date or local time with a CLDR skeleton ("MMMMEd", "Hm", "yMMMM") for the language."""
    pattern = _pattern(skeleton, language)
    if pattern == "HH:mm" and isinstance(value, dt.datetime):
        return value.strftime("%H:%M")  # the commonest pattern, ten times faster than Babel's general path
    if skeleton in DATE_SKELETONS:
        # Dates repeat across events (a feed of 10,000 events has a few hundred days): format each day once.
        day = value.date() if isinstance(value, dt.datetime) else value
        return _date_text(day, pattern, language)
    return format_datetime(value, pattern, locale=babel_locale(language))


DATE_SKELETONS = frozenset({"yMMMMEd", "MMMMEd", "yMMMEd", "MMMEd", "yMMMM", "MMMMd", "yMMMMd"})


@lru_cache(maxsize=4096)
def _date_text(day: dt.date, pattern: str, language: str) -> str:
    return format_datetime(dt.datetime.combine(day, dt.time()), pattern, locale=babel_locale(language))


def clock_of(city: object, language: str) -> Clock:
    """The clock of a city (anything with ``name``, ``clock_name`` and ``timezone``)."""
    names = getattr(city, "clock_name", None) or city.name  # type: ignore[attr-defined]
    return Clock(pick_text(names, language), city.timezone)  # type: ignore[attr-defined]


def _date_skeleton(with_year: bool) -> str:
    return "yMMMMEd" if with_year else "MMMMEd"


def in_clocks(
    start: dt.datetime,
    end: dt.datetime | None,
    clocks: Sequence[Clock],
    language: str,
    *,
    with_year: bool = False,
) -> list[LocalTime]:
    """A moment (or span, when ``end`` is given) on each clock: the first clock shows the date, the others only
    a time unless their date differs. Clocks that share the first one's zone are left out."""
    host = clocks[0]
    shown = [host, *(clock for clock in clocks[1:] if clock.timezone != host.timezone)]
    host_date = start.astimezone(ZoneInfo(host.timezone)).date()
    result = []
    for clock in shown:
        zone = ZoneInfo(clock.timezone)
        local_start = start.astimezone(zone)
        local_end = end.astimezone(zone) if end is not None else None
        show_date = clock is host or local_start.date() != host_date
        result.append(
            LocalTime(
                clock=clock,
                start=local_start,
                end=local_end,
                text=_span_text(local_start, local_end, language, show_date=show_date, with_year=with_year),
                zone_abbreviation=local_start.tzname() or clock.timezone,
            )
        )
    return result


def _span_text(start: dt.datetime, end: dt.datetime | None, language: str, *, show_date: bool, with_year: bool) -> str:
    time = format_local(start, "Hm", language)
    text = f"{format_local(start, _date_skeleton(with_year), language)} {time}" if show_date else time
    if end is None or end == start:
        return text
    if end.date() == start.date():
        return f"{text}–{format_local(end, 'Hm', language)}"
    return f"{text} – {format_local(end, _date_skeleton(with_year), language)} {format_local(end, 'Hm', language)}"


def describe(times: Sequence[LocalTime]) -> str:
    """One line for lists, e-mails and feeds: "za 14 maart 14:00 Weert (CET) · 21:00 Hangzhou (CST)"."""
    return SEPARATOR.join(str(local) for local in times)


def date_span(first_day: dt.date, last_day: dt.date, language: str, *, with_year: bool = False) -> str:
    """Dates of an all-day event, e.g. "ma 9 – vr 13 mrt 2026"; all-day events are dates, not moments."""
    skeleton = _date_skeleton(with_year)
    if first_day == last_day:
        return format_local(first_day, skeleton, language)
    return str(format_interval(first_day, last_day, "yMMMEd" if with_year else "MMMEd", locale=babel_locale(language)))


def format_moment(moment: dt.datetime, timezone: str, language: str) -> str:
    """A single moment with its date and year on one clock: "za 14 maart 2026 10:00"."""
    local = moment.astimezone(ZoneInfo(timezone))
    return f"{format_local(local, 'yMMMMEd', language)} {format_local(local, 'Hm', language)}"
