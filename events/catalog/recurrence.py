"""Recurring events: RRULEs expanded in the event's own wall-clock time, as RFC 5545 and calendar apps do.

A weekly training at 19:00 in Weert stays at 19:00 through the change to summer time, so its moment in
UTC (and in Hangzhou) shifts by an hour: expanding in UTC would get that wrong.

Where the clocks change, the platform reads a rule as RFC 5545 does:
- a wall-clock time that happens twice (the hour repeated when the clocks go back) is the first of the two,
  and one that does not happen (the hour skipped when they go forward) is read with the offset before the
  gap, so 02:30 on the last Sunday of March in Weert is 03:30 summer time (3.3.5);
- every occurrence lasts exactly as long as the first, also when the clocks change during it (3.8.5.3); an
  all-day occurrence lasts as many days as the first;
- UNTIL is a moment (UTC) for a timed series and a date for an all-day one (3.3.10), and an occurrence belongs
  to the series when it starts at or before it: compared in real time, not on the wall clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice
from typing import Protocol
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

# Frequencies the platform offers; finer ones (hourly and below) make no sense for an exchange programme.
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# A series without end is expanded this far at most when something must look at all of it.
HORIZON = dt.timedelta(days=3 * 366)
MAX_OCCURRENCES = 1000
# A change of the clocks moves a wall-clock time by far less than this: an instance whose wall-clock time is
# this much past UNTIL (read on the wall clock) cannot start before UNTIL.
UNTIL_MARGIN = dt.timedelta(days=1)
END_OF_DAY = dt.time(23, 59, 59)


class RecurrenceError(ValueError):
    """The rule cannot be used; the message says why in plain words (English, for logs and the CLI)."""


@dataclass(frozen=True, order=True)
class Occurrence:
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    # The start the rule gives it (its RECURRENCE-ID); differs from ``start`` when the occurrence was moved.
    original_start: dt.datetime | None = None


def in_order(occurrence: Occurrence) -> tuple[dt.datetime, dt.datetime, bool, dt.datetime]:
    """Sort key: by time; at the same time, the occurrence the rule puts there before one moved there (both are
    kept: two occurrences at one time are still two, as calendars show them), and moved ones by their rule's
    start. ``original_start`` may be None, so Occurrence's own ordering cannot be used."""
    moved = occurrence.original_start is not None
    return occurrence.start, occurrence.end, moved, occurrence.original_start or occurrence.start


@dataclass(frozen=True)
class Instance:
    """One instance of a rule: the wall-clock time the rule gives it (what EXDATE and RECURRENCE-ID name in a
    calendar) and when it really happens."""

    wall: dt.datetime  # naive, in the event's time zone
    occurrence: Occurrence
    after_until: bool = False  # starts after UNTIL: not part of the series (listed only when asked for)


class Changed(Protocol):
    """One occurrence moved or cancelled (catalog.models.OccurrenceChange)."""

    original_start: dt.datetime
    cancelled: bool
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None


@dataclass(frozen=True)
class Rule:
    """An RRULE bound to the event's first start: dateutil's rule in naive wall-clock time (with UNTIL taken out
    and replaced by a loose wall-clock bound), UNTIL as the platform reads it, and the rule's text with UNTIL
    in the form RFC 5545 requires."""

    wall: rrule
    until: dt.datetime | dt.date | None  # UTC moment (timed series) or last day (all-day series)
    count: int | None
    text: str

    @property
    def endless(self) -> bool:
        return self.count is None and self.until is None


def resolve(wall: dt.datetime, zone: ZoneInfo, fold: int = 0) -> dt.datetime:
    """A wall-clock time as a moment (UTC). fold=0 is RFC 5545's reading: the first of a repeated time, the
    offset before the gap for a time that does not exist; fold=1 is the other reading (see the module doc)."""
    return wall.replace(tzinfo=zone, fold=fold).astimezone(dt.UTC)


def _parts(rule: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for part in rule.strip().removeprefix("RRULE:").split(";"):
        key, _, value = part.partition("=")
        if not key or not value:
            raise RecurrenceError(f"{part!r} is not a KEY=VALUE part of a rule")
        parts[key.strip().upper()] = value.strip()
    return parts


def _until(value: str, zone: ZoneInfo, all_day: bool) -> dt.datetime | dt.date:
    """UNTIL in any form an organiser or another calendar writes it (a date, a local or a UTC date-time) as the
    platform means it: the end of that day, that wall-clock time, or that moment."""
    try:
        if len(value) == 8:
            day = dt.datetime.strptime(value, "%Y%m%d").date()
            return day if all_day else resolve(dt.datetime.combine(day, END_OF_DAY), zone)
        wall = dt.datetime.strptime(value.upper().removesuffix("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise RecurrenceError(f"UNTIL={value} is not a date or date-time") from None
    moment = wall.replace(tzinfo=dt.UTC) if value.upper().endswith("Z") else resolve(wall, zone)
    return moment.astimezone(zone).date() if all_day else moment


def _until_text(until: dt.datetime | dt.date) -> str:
    if isinstance(until, dt.datetime):
        return until.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return until.strftime("%Y%m%d")


def parse_rule(rule: str, start: dt.datetime, timezone: str, *, all_day: bool = False) -> rrule:
    """An RRULE value bound to the event's first start, as dateutil's rule in naive local wall-clock time (its
    UNTIL, if any, is only a loose bound there: ``read_rule`` says what the platform keeps)."""
    return read_rule(rule, start, timezone, all_day=all_day).wall


@lru_cache(maxsize=4096)
def read_rule(rule: str, start: dt.datetime, timezone: str, *, all_day: bool = False) -> Rule:
    """An RRULE value bound to the event's first start: see ``Rule``. Kept, since pages and feeds read the same
    rules again and again (dateutil's rule can be iterated any number of times)."""
    zone = ZoneInfo(timezone)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    parts = _parts(rule)
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(f"FREQ must be one of {', '.join(ALLOWED_FREQUENCIES)}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError("a rule cannot have both COUNT and UNTIL")
    until = _until(parts["UNTIL"], zone, all_day) if "UNTIL" in parts else None
    loose = dict(parts)
    if isinstance(until, dt.datetime):
        # dateutil compares UNTIL on the wall clock; the real comparison is made on each instance's moment.
        bound = until.astimezone(zone).replace(tzinfo=None) + UNTIL_MARGIN
        loose["UNTIL"] = bound.strftime("%Y%m%dT%H%M%S")
    elif until is not None:
        loose["UNTIL"] = dt.datetime.combine(until, END_OF_DAY).strftime("%Y%m%dT%H%M%S")
    try:
        parsed = rrulestr(";".join(f"{key}={value}" for key, value in loose.items()), dtstart=local_start)
        count = int(parts["COUNT"]) if "COUNT" in parts else None
    except (ValueError, TypeError) as error:
        raise RecurrenceError(str(error)) from None
    if not isinstance(parsed, rrule):
        raise RecurrenceError("give a single RRULE")
    if until is not None:
        parts["UNTIL"] = _until_text(until)
    return Rule(parsed, until, count, ";".join(f"{key}={value}" for key, value in parts.items()))


def normalise_rule(rule: str, start: dt.datetime, timezone: str, *, all_day: bool = False) -> str:
    """The rule with UNTIL as RFC 5545 requires it (UTC for a timed series, a date for an all-day one), meaning
    what the platform reads in the rule as given."""
    return read_rule(rule, start, timezone, all_day=all_day).text


def _past(until: dt.datetime | dt.date | None, wall: dt.datetime, start: dt.datetime) -> bool:
    if until is None:
        return False
    if isinstance(until, dt.datetime):
        return start > until
    return wall.date() > until


def instances(
    start: dt.datetime,
    end: dt.datetime,
    timezone: str,
    rule: str,
    *,
    all_day: bool = False,
    with_after_until: bool = False,
) -> Iterator[Instance]:
    """Every instance of the rule in order (EXDATEs not applied); ``with_after_until`` also gives those that the
    wall clock puts at or before UNTIL but whose real start is after it."""
    zone = ZoneInfo(timezone)
    parsed = read_rule(rule, start, timezone, all_day=all_day)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    wall_days = end.astimezone(zone).replace(tzinfo=None) - local_start
    length = end - start  # exact: aware datetimes subtract in UTC
    for wall in parsed.wall:
        begin = resolve(wall, zone)
        finish = resolve(wall + wall_days, zone) if all_day else begin + length
        late = _past(parsed.until, wall, begin)
        if not late or with_after_until:
            yield Instance(wall, Occurrence(begin, finish), late)


def occurrence_at(
    original: dt.datetime, start: dt.datetime, end: dt.datetime, timezone: str, *, all_day: bool = False
) -> Occurrence:
    """The occurrence the rule puts at ``original`` (one of its starts), with its own end."""
    if not all_day:
        return Occurrence(original, original + (end - start))
    zone = ZoneInfo(timezone)
    days = end.astimezone(zone).replace(tzinfo=None) - start.astimezone(zone).replace(tzinfo=None)
    return Occurrence(original, resolve(original.astimezone(zone).replace(tzinfo=None) + days, zone))


def iter_occurrences(
    start: dt.datetime,
    end: dt.datetime,
    timezone: str,
    rule: str | None,
    exdates: list[str] | tuple[str, ...] = (),
    *,
    all_day: bool = False,
) -> Iterator[Occurrence]:
    """Every occurrence in order, without the excluded starts."""
    if not rule:
        yield Occurrence(start, end)
        return
    excluded = {dt.datetime.fromisoformat(value).astimezone(dt.UTC) for value in exdates}
    for instance in instances(start, end, timezone, rule, all_day=all_day):
        if instance.occurrence.start not in excluded:
            yield instance.occurrence


def occurrences_between(
    start: dt.datetime,
    end: dt.datetime,
    timezone: str,
    rule: str | None,
    exdates: list[str] | tuple[str, ...] = (),
    *,
    after: dt.datetime | None = None,
    before: dt.datetime | None = None,
    limit: int = MAX_OCCURRENCES,
    changes: Iterable[Changed] = (),
    all_day: bool = False,
) -> list[Occurrence]:
    """Up to ``limit`` occurrences that have not ended at ``after`` and start before ``before``, moved
    occurrences at their new time and cancelled ones left out."""
    moved = {change.original_start: change for change in changes}
    horizon = (after or start) + HORIZON
    found: list[Occurrence] = []
    for occurrence in iter_occurrences(start, end, timezone, rule, exdates, all_day=all_day):
        # A moved occurrence may move past the next ones; with changes, look a little further before stopping.
        if (before is not None and occurrence.start >= before + (HORIZON if moved else dt.timedelta())) or (
            occurrence.start > horizon
        ):
            break
        change = moved.get(occurrence.start)
        if change is not None:
            if change.cancelled or change.starts_at is None or change.ends_at is None:
                continue
            occurrence = Occurrence(change.starts_at, change.ends_at, occurrence.start)
        if (after is None or occurrence.end > after) and (before is None or occurrence.start < before):
            found.append(occurrence)
            if len(found) >= limit and not moved:
                break
    if moved:
        found.sort(key=in_order)
    return found[:limit]


class Series(Protocol):
    """What an event's occurrences come from (catalog.models.Event, with its ``changes`` loaded)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
    all_day: bool
    rrule: str | None
    exdates: list[str]

    @property
    def changes(self) -> Iterable[Changed]: ...


def event_occurrences(
    event: Series, *, after: dt.datetime | None = None, before: dt.datetime | None = None, limit: int = MAX_OCCURRENCES
) -> list[Occurrence]:
    """The occurrences of an event between two moments, as people will find them (moves and cancellations)."""
    if not event.rrule:
        single = Occurrence(event.starts_at, event.ends_at)
        fits = (after is None or single.end > after) and (before is None or single.start < before)
        return [single] if fits and limit > 0 else []
    return occurrences_between(
        event.starts_at,
        event.ends_at,
        event.timezone,
        event.rrule,
        event.exdates,
        after=after,
        before=before,
        limit=limit,
        changes=event.changes,
        all_day=bool(event.all_day),
    )


def series_end(
    start: dt.datetime,
    end: dt.datetime,
    timezone: str,
    rule: str | None,
    exdates: list[str] | tuple[str, ...] = (),
    *,
    all_day: bool = False,
) -> dt.datetime | None:
    """End of the last occurrence, or None for a series without end."""
    if not rule:
        return end
    if read_rule(rule, start, timezone, all_day=all_day).endless:
        return None
    last = None
    occurrences = iter_occurrences(start, end, timezone, rule, exdates, all_day=all_day)
    for occurrence in islice(occurrences, MAX_OCCURRENCES + 1):
        last = occurrence
    if last is None:
        raise RecurrenceError("the rule and its exceptions leave no occurrence")
    return last.end


def check_rule(start: dt.datetime, end: dt.datetime, timezone: str, rule: str, *, all_day: bool = False) -> str:
    """Refuse a rule whose first occurrence is not the event's own start (RFC 5545 expects them equal); give the
    rule to store, with UNTIL in the form RFC 5545 requires (see ``normalise_rule``)."""
    first = next(iter_occurrences(start, end, timezone, rule, all_day=all_day), None)
    if first is None:
        raise RecurrenceError("the rule leaves no occurrence")
    if first.start != start:
        raise RecurrenceError("the event's start must itself be the first occurrence of the rule")
    parsed = read_rule(rule, start, timezone, all_day=all_day)
    if parsed.count is not None and parsed.count > MAX_OCCURRENCES:
        raise RecurrenceError(f"a series has at most {MAX_OCCURRENCES} occurrences")
    return parsed.text
