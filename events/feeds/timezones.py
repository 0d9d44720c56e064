"""VTIMEZONE components from the tz database, written as the zone's current rules (RFC 5545 section 3.6.5).

Europe/Amsterdam becomes two observances with a yearly RRULE ("last Sunday of March", "last Sunday of October"),
valid for every year the rule holds; Asia/Shanghai, which has no daylight saving time, a single STANDARD.
That is a few lines instead of the hundreds of RDATEs a list of every transition needs, so a feed stays small
and quick to build, and it stays true for events far in the future.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo

import icalendar

YEARS_CHECKED = 12  # a rule is accepted when it gives the real transitions for this many years


@dataclass(frozen=True)
class Transition:
    local: dt.datetime  # wall-clock time just before the change, naive, as RFC 5545 writes DTSTART
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str


def _offset(zone: ZoneInfo, moment: dt.datetime) -> dt.timedelta:
    offset = moment.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def transitions(zone: ZoneInfo, year: int) -> list[Transition]:
    """The changes of offset within a year, found by halving the interval until the minute."""
    found = []
    start = dt.datetime(year, 1, 1, tzinfo=dt.UTC)
    months = [start + dt.timedelta(days=31 * index) for index in range(13)]
    for before, after in zip(months, months[1:], strict=False):
        if _offset(zone, before) == _offset(zone, after):
            continue
        low, high = before, after
        while high - low > dt.timedelta(minutes=1):
            middle = low + (high - low) / 2
            if _offset(zone, middle) == _offset(zone, low):
                low = middle
            else:
                high = middle
        offset_from, offset_to = _offset(zone, low), _offset(zone, high)
        local = (high + offset_from).replace(tzinfo=None, second=0, microsecond=0)
        found.append(Transition(local, offset_from, offset_to, high.astimezone(zone).tzname() or ""))
    return found


def _weekday_rule(day: dt.date) -> str:
    """RRULE BYDAY for this date as "the nth (or last) weekday of its month"."""
    weekday = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"][day.weekday()]
    next_month = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    if (next_month - day).days <= 7:
        return f"-1{weekday}"
    return f"{(day.day - 1) // 7 + 1}{weekday}"


def _same_rule(reference: list[Transition], other: list[Transition]) -> bool:
    """Whether another year's changes follow the reference year's pattern (month, weekday rule, time, offsets)."""
    if len(reference) != len(other):
        return False
    return all(
        a.offset_from == b.offset_from
        and a.offset_to == b.offset_to
        and a.local.time() == b.local.time()
        and a.local.month == b.local.month
        and _weekday_rule(a.local.date()) == _weekday_rule(b.local.date())
        for a, b in zip(reference, other, strict=True)
    )


@cache
def vtimezone(tzid: str, year: int | None = None) -> icalendar.Timezone:
    """The zone's VTIMEZONE as the rule in force in ``year`` (default: this year), starting in the earliest year
    that rule has held, so events from then on are covered. Built once per zone and year."""
    zone = ZoneInfo(tzid)
    reference_year = year or dt.date.today().year
    reference = transitions(zone, reference_year)
    component = icalendar.Timezone()
    component.add("tzid", tzid)
    if not reference:
        offset = _offset(zone, dt.datetime(reference_year, 1, 1, tzinfo=dt.UTC))
        first = reference_year
        while (
            first > 1970
            and not transitions(zone, first - 1)
            and _offset(zone, dt.datetime(first - 1, 1, 1, tzinfo=dt.UTC)) == offset
        ):
            first -= 1
        standard = icalendar.TimezoneStandard()
        standard.add("dtstart", dt.datetime(first, 1, 1))
        standard.add("tzoffsetfrom", offset)
        standard.add("tzoffsetto", offset)
        standard.add("tzname", dt.datetime(reference_year, 1, 1, tzinfo=zone).tzname())
        component.add_component(standard)
        return component
    ahead = all(_same_rule(reference, transitions(zone, reference_year + n)) for n in range(1, YEARS_CHECKED))
    first = reference_year
    while first > 1970 and _same_rule(reference, transitions(zone, first - 1)):
        first -= 1
    starts = transitions(zone, first)
    for transition, start in zip(reference, starts, strict=True):
        daylight = transition.offset_to > transition.offset_from
        observance = icalendar.TimezoneDaylight() if daylight else icalendar.TimezoneStandard()
        observance.add("dtstart", start.local)
        observance.add("tzoffsetfrom", transition.offset_from)
        observance.add("tzoffsetto", transition.offset_to)
        observance.add("tzname", transition.name)
        if ahead:
            byday = _weekday_rule(transition.local.date())
            observance.add("rrule", {"freq": "yearly", "bymonth": transition.local.month, "byday": byday})
        else:
            # The rule changes soon: spell out the known changes instead.
            later = [transitions(zone, year_) for year_ in range(first + 1, reference_year + YEARS_CHECKED)]
            observance.add(
                "rdate",
                [t.local for year_changes in later for t in year_changes if t.offset_to == transition.offset_to],
            )
        component.add_component(observance)
    return component
