"""Recurring events: RRULEs expanded in the event's own wall-clock time, as RFC 5545 and calendar apps do.

A weekly training at 19:00 in Weert stays at 19:00 through the change to summer time, so its moment in
UTC (and in Hangzhou) shifts by an hour: expanding in UTC would get that wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import Protocol
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

# Frequencies the platform offers; finer ones (hourly and below) make no sense for an exchange programme.
ALLOWED_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# A series without end is expanded this far at most when something must look at all of it.
HORIZON = dt.timedelta(days=3 * 366)
MAX_OCCURRENCES = 1000


class RecurrenceError(ValueError):
    """The rule cannot be used; the message says why in plain words (English, for logs and the CLI)."""


@dataclass(frozen=True, order=True)
class Occurrence:
    start: dt.datetime  # UTC
    end: dt.datetime  # UTC
    # The start the rule gives it (its RECURRENCE-ID); differs from ``start`` when the occurrence was moved.
    original_start: dt.datetime | None = None


class Changed(Protocol):
    """One occurrence moved or cancelled (catalog.models.OccurrenceChange)."""

    original_start: dt.datetime
    cancelled: bool
    starts_at: dt.datetime | None
    ends_at: dt.datetime | None


def parse_rule(rule: str, start: dt.datetime, timezone: str) -> rrule:
    """An RRULE value bound to the event's first start, in local wall-clock time."""
    zone = ZoneInfo(timezone)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    parts = {}
    for part in rule.strip().removeprefix("RRULE:").split(";"):
        key, _, value = part.partition("=")
        if not key or not value:
            raise RecurrenceError(f"{part!r} is not a KEY=VALUE part of a rule")
        parts[key.upper()] = value
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RecurrenceError(f"FREQ must be one of {', '.join(ALLOWED_FREQUENCIES)}")
    if "COUNT" in parts and "UNTIL" in parts:
        raise RecurrenceError("a rule cannot have both COUNT and UNTIL")
    if "UNTIL" in parts:
        # RFC 5545 writes UNTIL in UTC when DTSTART has a time zone; compare it in local time, as dateutil needs.
        parts["UNTIL"] = _local_until(parts["UNTIL"], zone)
    text = ";".join(f"{key}={value}" for key, value in parts.items())
    try:
        parsed = rrulestr(text, dtstart=local_start)
    except (ValueError, TypeError) as error:
        raise RecurrenceError(str(error)) from None
    if not isinstance(parsed, rrule):
        raise RecurrenceError("give a single RRULE")
    return parsed


def _local_until(value: str, zone: ZoneInfo) -> str:
    try:
        if len(value) == 8:
            return value + "T235959"
        moment = dt.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise RecurrenceError(f"UNTIL={value} is not a date or date-time") from None
    if value.endswith("Z"):
        moment = moment.replace(tzinfo=dt.UTC).astimezone(zone).replace(tzinfo=None)
    return moment.strftime("%Y%m%dT%H%M%S")


def _to_utc(local: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    # fold=0 reads a wall time that does not exist (the spring-forward gap) with the offset before the gap,
    # which is what RFC 5545 prescribes.
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def iter_occurrences(
    start: dt.datetime,
    end: dt.datetime,
    timezone: str,
    rule: str | None,
    exdates: list[str] | tuple[str, ...] = (),
) -> Iterator[Occurrence]:
    """Every occurrence in order, without the excluded starts."""
    if not rule:
        yield Occurrence(start, end)
        return
    zone = ZoneInfo(timezone)
    local_start = start.astimezone(zone).replace(tzinfo=None)
    # Each occurrence keeps the first one's length in wall-clock time, also across a change of clocks.
    local_length = end.astimezone(zone).replace(tzinfo=None) - local_start
    excluded = {dt.datetime.fromisoformat(value).astimezone(dt.UTC) for value in exdates}
    for local in parse_rule(rule, start, timezone):
        occurrence_start = _to_utc(local, zone)
        if occurrence_start not in excluded:
            yield Occurrence(occurrence_start, _to_utc(local + local_length, zone))


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
) -> list[Occurrence]:
    """Up to ``limit`` occurrences that have not ended at ``after`` and start before ``before``, moved
    occurrences at their new time and cancelled ones left out."""
    moved = {change.original_start: change for change in changes}
    horizon = (after or start) + HORIZON
    found: list[Occurrence] = []
    for occurrence in iter_occurrences(start, end, timezone, rule, exdates):
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
        found.sort()
    return found[:limit]


class Series(Protocol):
    """What an event's occurrences come from (catalog.models.Event, with its ``changes`` loaded)."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    timezone: str
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
    )


def series_end(
    start: dt.datetime, end: dt.datetime, timezone: str, rule: str | None, exdates: list[str] | tuple[str, ...] = ()
) -> dt.datetime | None:
    """End of the last occurrence, or None for a series without end."""
    if not rule:
        return end
    parsed = parse_rule(rule, start, timezone)
    if parsed._count is None and parsed._until is None:  # noqa: SLF001 - dateutil exposes no public accessor
        return None
    last = None
    for occurrence in islice(iter_occurrences(start, end, timezone, rule, exdates), MAX_OCCURRENCES + 1):
        last = occurrence
    if last is None:
        raise RecurrenceError("the rule and its exceptions leave no occurrence")
    return last.end


def check_rule(start: dt.datetime, end: dt.datetime, timezone: str, rule: str) -> None:
    """Refuse a rule whose first occurrence is not the event's own start (RFC 5545 expects them equal)."""
    first = next(iter_occurrences(start, end, timezone, rule), None)
    if first is None:
        raise RecurrenceError("the rule leaves no occurrence")
    if first.start != start:
        raise RecurrenceError("the event's start must itself be the first occurrence of the rule")
    parsed = parse_rule(rule, start, timezone)
    if parsed._count is not None and parsed._count > MAX_OCCURRENCES:  # noqa: SLF001
        raise RecurrenceError(f"a series has at most {MAX_OCCURRENCES} occurrences")
