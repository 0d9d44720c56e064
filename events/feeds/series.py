"""How a series is written so that every calendar app finds each occurrence where the platform means it.

Calendar apps expand an RRULE alike, except where the clocks change (docs/feeds.md, "Daylight saving time
and the parsers"):

- a wall-clock time in the repeated hour: RFC 5545, icalendar and vobject read the first pass, ical.js
  (Thunderbird) and libical (Evolution) the second;
- a wall-clock time in the skipped hour: RFC 5545 3.3.5 and icalendar read it with the offset before the gap,
  vobject, ical.js and libical with the offset after it;
- an occurrence during which the clocks change: libical adds the exact length (RFC 5545 3.8.5.3), the others
  add it on the wall clock, so it ends an hour apart.

The platform reads the rule as RFC 5545 does (``catalog.recurrence``). An instance that some app could read
otherwise is stated explicitly, as a RECURRENCE-ID override whose times are unambiguous. When its wall-clock
time has two readings, the override's RECURRENCE-ID is the platform's reading in UTC, and an EXDATE in UTC
removes the other reading: for an app that reads the wall-clock time as RFC 5545 does, the EXDATE names no
instance and the override names its own; for one that reads it the other way, the EXDATE removes its misread
instance and the override stands as the occurrence. (An EXDATE at the rule's own wall-clock time plus an
RDATE in UTC cannot do this: for RFC 5545 that EXDATE is the RDATE's moment, and EXDATE wins.)
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo

from events.catalog.recurrence import Instance, Occurrence, instances, resolve
from events.feeds.timezones import transitions

# Instances are stated explicitly this far past the later of the series' start and its last change when the
# series has no end; the VEVENT must not depend on the day it is written.
EXPLICIT_SPAN = dt.timedelta(days=10 * 366)
# An instance is looked at closely when a change of the clocks is this near to it.
NEAR = dt.timedelta(days=1)


@dataclass(frozen=True)
class Explicit:
    """An instance that the rule alone does not tell every app alike."""

    wall: dt.datetime  # the rule's own wall-clock time
    occurrence: Occurrence
    two_readings: bool  # its wall-clock time happens twice or not at all: named in UTC
    exdate: dt.datetime | None  # the other reading of that wall-clock time, to exclude (UTC)


@dataclass(frozen=True)
class Plan:
    """How a timed series is written: the rule's wall-clock time of each instance (for EXDATE and RECURRENCE-ID),
    the instances to state explicitly, and wall-clock times after UNTIL that some app could still count."""

    zone: ZoneInfo
    walls: dict[dt.datetime, dt.datetime] = field(default_factory=dict)  # platform's start (UTC) -> wall-clock
    explicit: dict[dt.datetime, Explicit] = field(default_factory=dict)  # by the platform's start (UTC)
    ruled_out: tuple[dt.datetime, ...] = ()
    first_alike: bool = True
    expanded: bool = False  # False: no change of the clocks meets the series, every wall-clock time is plain

    def wall(self, moment: dt.datetime) -> dt.datetime | None:
        """The rule's wall-clock time of the instance that starts at ``moment``; None if there is none."""
        if not self.expanded:
            return moment.astimezone(self.zone).replace(tzinfo=None)
        return self.walls.get(moment)


@cache
def _changes(timezone: str, year: int) -> tuple[dt.datetime, ...]:
    # ``local`` is the wall-clock time just before the change, on the clock as it was.
    return tuple(
        (change.local - change.offset_from).replace(tzinfo=dt.UTC) for change in transitions(ZoneInfo(timezone), year)
    )


def clock_changes(timezone: str, after: dt.datetime, before: dt.datetime) -> list[dt.datetime]:
    """The moments (about, to the minute) the zone's clocks change between two moments."""
    years = range(after.year - 1, before.year + 2)
    return [moment for year in years for moment in _changes(timezone, year) if after <= moment <= before]


@cache
def _wall_windows(timezone: str, year: int) -> tuple[tuple[int, int], ...]:
    """The wall-clock minutes of the day that the zone's changes make ambiguous or skip: 02:00 to 03:00 in Weert."""
    windows = []
    for change in transitions(ZoneInfo(timezone), year):
        before = change.local.hour * 60 + change.local.minute
        after = before + int((change.offset_to - change.offset_from).total_seconds()) // 60
        windows.append((min(before, after), max(before, after)))
    return tuple(windows)


def may_meet_a_change(start: dt.datetime, length: dt.timedelta, timezone: str, rule: str, years: range) -> bool:
    """Whether an instance of the series could be read otherwise by some app. Every instance of a rule without
    BYHOUR, BYMINUTE or BYSECOND starts at the same time of day: if neither it nor its end on the wall clock
    come near the hours a change of the clocks touches, none can."""
    if any(part in rule.upper() for part in ("BYHOUR", "BYMINUTE", "BYSECOND")) or length >= dt.timedelta(hours=20):
        return True
    wall = start.astimezone(ZoneInfo(timezone))
    first = wall.hour * 60 + wall.minute
    last = first + int(length.total_seconds() + wall.second + 59) // 60
    return any(
        low + shift <= last and first <= high + shift
        for year in years
        for low, high in _wall_windows(timezone, year)
        for shift in (-1440, 0, 1440)
    )


def read_alike(instance: Instance, zone: ZoneInfo, length: dt.timedelta) -> bool:
    """Whether every app finds this instance where the platform does: its wall-clock time has one reading, and
    its end is the same whether the length is added on the wall clock or exactly."""
    start, end = instance.occurrence.start, instance.occurrence.end
    wall_end = instance.wall + length
    return (
        resolve(instance.wall, zone, fold=1) == start
        and resolve(wall_end, zone, fold=0) == end
        and resolve(wall_end, zone, fold=1) == end
    )


def plan(
    start: dt.datetime,
    end: dt.datetime,
    timezone: str,
    rule: str,
    *,
    last_change: dt.datetime,
    named: tuple[dt.datetime, ...] = (),
) -> Plan:
    """Look at a timed series' instances up to its end (a series without end: up to EXPLICIT_SPAN past its start
    or last change, and past every instance ``named`` by an EXDATE or a change)."""
    zone = ZoneInfo(timezone)
    through = max(start, last_change, *named) + EXPLICIT_SPAN
    changes = clock_changes(timezone, start - NEAR, through + NEAR)
    years = range(start.year, through.year + 1)
    if not changes or not may_meet_a_change(start, end - start, timezone, rule, years):
        return Plan(zone)
    length = end - start
    walls: dict[dt.datetime, dt.datetime] = {}
    unclear: list[Instance] = []
    for instance in instances(start, end, timezone, rule, with_after_until=True):
        occurrence = instance.occurrence
        if occurrence.start > through:
            break
        if not instance.after_until:
            walls.setdefault(occurrence.start, instance.wall)
        index = bisect_left(changes, occurrence.start - NEAR)
        if index < len(changes) and changes[index] <= occurrence.end + NEAR and not read_alike(instance, zone, length):
            unclear.append(instance)
    explicit = {}
    for instance in unclear:
        if instance.after_until:
            continue
        other = resolve(instance.wall, zone, fold=1)
        two = other != instance.occurrence.start
        # An EXDATE at the other reading would also remove a real instance there (rules with BYHOUR): leave it.
        exdate = other if two and other not in walls else None
        explicit[instance.occurrence.start] = Explicit(instance.wall, instance.occurrence, two, exdate)
    return Plan(
        zone,
        walls,
        explicit,
        ruled_out=tuple(instance.wall for instance in unclear if instance.after_until),
        first_alike=start not in explicit,
        expanded=True,
    )
