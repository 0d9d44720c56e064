"""Turning the query string of the event list (page or API) into checked filters, or field errors."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams

from events.errors import FieldError, InvalidInput
from events.i18n import N_

MAX_TEXT = 100
MAX_LIMIT = 100
DEFAULT_LIMIT = 20


@dataclass(frozen=True)
class Bound:
    """A ``from`` or ``to`` value: a calendar day, read in each event's own time zone, or an exact moment.

    A day is local on purpose: "events on 14 March" means 14 March where each event takes place.
    """

    day: dt.date | None = None
    moment: dt.datetime | None = None

    def start_utc(self, timezone: str) -> dt.datetime:
        """The first instant the bound covers, for an event in ``timezone``."""
        if self.moment is not None:
            return self.moment
        assert self.day is not None
        return dt.datetime.combine(self.day, dt.time(), ZoneInfo(timezone)).astimezone(dt.UTC)

    def end_utc(self, timezone: str) -> dt.datetime:
        """The first instant after the bound (a day includes all of itself)."""
        if self.moment is not None:
            return self.moment
        assert self.day is not None
        next_day = self.day + dt.timedelta(days=1)
        return dt.datetime.combine(next_day, dt.time(), ZoneInfo(timezone)).astimezone(dt.UTC)

    # Local days span from UTC-12 to UTC+14: these bounds hold for a day in any time zone, so the database can
    # narrow the search with an index before the exact check in each event's zone.
    def earliest_start_utc(self) -> dt.datetime:
        if self.moment is not None:
            return self.moment
        assert self.day is not None
        return dt.datetime.combine(self.day, dt.time(), dt.UTC) - dt.timedelta(hours=14)

    def latest_end_utc(self) -> dt.datetime:
        if self.moment is not None:
            return self.moment
        assert self.day is not None
        return dt.datetime.combine(self.day + dt.timedelta(days=1), dt.time(), dt.UTC) + dt.timedelta(hours=12)

    def as_text(self) -> str:
        return self.day.isoformat() if self.day is not None else self.moment.isoformat() if self.moment else ""


@dataclass(frozen=True)
class EventFilters:
    categories: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()
    start: Bound | None = None
    end: Bound | None = None
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return self == EventFilters()


@dataclass(frozen=True)
class Cursor:
    """Where a page of events ends: the last event's start and id (keyset paging, stable under inserts)."""

    starts_at: dt.datetime
    event_id: uuid.UUID

    def encode(self) -> str:
        raw = json.dumps([self.starts_at.isoformat(), str(self.event_id)]).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def decode(cls, value: str) -> Cursor:
        try:
            raw = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
            starts_at, event_id = json.loads(raw)
            moment = dt.datetime.fromisoformat(starts_at)
            if moment.tzinfo is None:
                raise ValueError("naive")
            return cls(moment, uuid.UUID(event_id))
        except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
            raise InvalidInput(
                [FieldError("cursor", N_("This page link is not valid; start again from the first page."))]
            ) from None


def parse_bound(value: str) -> Bound:
    """``2026-03-14`` or ``2026-03-14T14:00:00+01:00``; a time without an offset is ambiguous and refused."""
    try:
        if len(value) == 10:
            return Bound(day=dt.date.fromisoformat(value))
        moment = dt.datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        raise ValueError(value) from None
    if moment.tzinfo is None:
        raise ValueError(value)
    return Bound(moment=moment.astimezone(dt.UTC))


def parse_filters(params: QueryParams, *, categories: Collection[str], cities: Collection[str]) -> EventFilters:
    """Check every filter at once, so the visitor sees all mistakes together."""
    errors: list[FieldError] = []
    chosen_categories = _choices(params, "category", categories, errors)
    chosen_cities = _choices(params, "city", cities, errors)
    start = _bound(params, "from", errors)
    end = _bound(params, "to", errors)
    if start and end and _first_day(end) < _first_day(start):
        errors.append(FieldError("to", N_("The end date is before the start date.")))
    text = (params.get("q") or "").strip()
    if len(text) > MAX_TEXT:
        errors.append(FieldError("q", N_("Search text is at most %(max)s characters."), {"max": MAX_TEXT}))
    if errors:
        raise InvalidInput(errors)
    return EventFilters(chosen_categories, chosen_cities, start, end, text)


def parse_limit(params: QueryParams) -> int:
    raw = params.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise InvalidInput(
            [FieldError("limit", N_("limit must be a whole number from 1 to %(max)s."), {"max": MAX_LIMIT})]
        )
    return int(raw)


def parse_cursor(params: QueryParams, name: str = "cursor") -> Cursor | None:
    raw = params.get(name)
    return Cursor.decode(raw) if raw else None


def _choices(params: QueryParams, name: str, known: Collection[str], errors: list[FieldError]) -> tuple[str, ...]:
    values = tuple(dict.fromkeys(value for value in params.getlist(name) if value))
    for value in values:
        if value not in known:
            message = N_("Unknown category “%(value)s”. Choose one of: %(choices)s.")
            if name == "city":
                message = N_("Unknown city “%(value)s”. Choose one of: %(choices)s.")
            errors.append(FieldError(name, message, {"value": value[:40], "choices": ", ".join(sorted(known))}))
    return values


def _bound(params: QueryParams, name: str, errors: list[FieldError]) -> Bound | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_bound(raw)
    except ValueError:
        errors.append(
            FieldError(
                name,
                N_("“%(value)s” is not a date (2026-03-14) or a date and time with offset (2026-03-14T14:00+01:00)."),
                {"value": raw[:40]},
            )
        )
        return None


def _first_day(bound: Bound) -> dt.date:
    return bound.day if bound.day is not None else bound.moment.date()  # type: ignore[union-attr]
