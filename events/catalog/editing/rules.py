"""Repeat rules as organisers choose them (weekly or monthly, every n, until a date or a number of times) turned
into RFC 5545 RRULE values, and back again for the form. Expanding them stays with ``catalog.recurrence``."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

FREQUENCIES = {"weekly": "WEEKLY", "monthly": "MONTHLY"}
# A series an organiser builds has at most this many dates: enough for a weekly course over several years.
MAX_SERIES = 200
MAX_INTERVAL = 52


@dataclass(frozen=True)
class SimpleRule:
    """A rule the form can show: a frequency, every ``interval``, and an end (``until`` a day, or ``count``)."""

    frequency: str  # weekly or monthly
    interval: int
    until: dt.date | None
    count: int | None


def build_rule(rule: SimpleRule, *, timezone: str, all_day: bool) -> str:
    """The RRULE value. UNTIL has DTSTART's value type (RFC 5545): a date for all-day events, else the end of that
    day in the event's zone, written in UTC."""
    parts = [f"FREQ={FREQUENCIES[rule.frequency]}"]
    if rule.interval > 1:
        parts.append(f"INTERVAL={rule.interval}")
    if rule.count is not None:
        parts.append(f"COUNT={rule.count}")
    elif rule.until is not None:
        if all_day:
            parts.append(f"UNTIL={rule.until:%Y%m%d}")
        else:
            last_moment = dt.datetime.combine(rule.until, dt.time(23, 59, 59), ZoneInfo(timezone))
            parts.append(f"UNTIL={last_moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def simple_rule(rule: str | None, *, timezone: str) -> SimpleRule | None:
    """The rule as the form shows it, or None when it says more than the form can (BYDAY, yearly, no end)."""
    if not rule:
        return None
    parts: dict[str, str] = {}
    for part in rule.strip().removeprefix("RRULE:").split(";"):
        key, _, value = part.partition("=")
        parts[key.upper()] = value
    frequency = next((name for name, value in FREQUENCIES.items() if value == parts.get("FREQ")), None)
    if frequency is None or set(parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL"}:
        return None
    interval = parts.get("INTERVAL", "1")
    count = parts.get("COUNT")
    if not interval.isdigit() or (count is not None and not count.isdigit()):
        return None
    until = _until_day(parts["UNTIL"], timezone) if "UNTIL" in parts else None
    if (count is None) == (until is None):
        return None
    return SimpleRule(frequency, int(interval), until, int(count) if count else None)


def _until_day(value: str, timezone: str) -> dt.date | None:
    try:
        if len(value) == 8:
            return dt.datetime.strptime(value, "%Y%m%d").date()
        moment = dt.datetime.strptime(value.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        return None
    if value.endswith("Z"):
        return moment.replace(tzinfo=dt.UTC).astimezone(ZoneInfo(timezone)).date()
    return moment.date()
