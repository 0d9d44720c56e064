"""Reading an event's registrations as the organisers see them: counts, groups, search, the waiting list's
order, and the events to check people in for."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, func, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from events.catalog.models import Event, EventStatus
from events.registrations.models import ACTIVE_STATUSES, Registration, RegistrationStatus

# The groups organisers filter by and write to: every status, everyone still active, and who has arrived.
ALL = "all"
ACTIVE = "active"
CHECKED_IN = "checked_in"
GROUPS = (ALL, ACTIVE, *(status.value for status in RegistrationStatus), CHECKED_IN)
# An event whose last occurrence ended less than this long ago is still offered for check-in (late arrivals
# of an evening event, a day that ends after midnight in the other city).
CHECK_IN_GRACE = dt.timedelta(hours=12)
MAX_SEARCH = 100


@dataclass(frozen=True)
class Tally:
    registrations: int = 0
    seats: int = 0


@dataclass(frozen=True)
class Counts:
    by_status: dict[RegistrationStatus, Tally]
    checked_in: Tally

    def of(self, status: RegistrationStatus) -> Tally:
        return self.by_status.get(status, Tally())

    @property
    def confirmed(self) -> Tally:
        return self.of(RegistrationStatus.CONFIRMED)


def in_group(group: str) -> ColumnElement[bool]:
    """The registrations of a group; an unknown group is everyone (the handler checks the name first)."""
    if group == ACTIVE:
        return Registration.status.in_(ACTIVE_STATUSES)
    if group == CHECKED_IN:
        return and_(Registration.status == RegistrationStatus.CONFIRMED, Registration.checked_in_at.is_not(None))
    if group in {status.value for status in RegistrationStatus}:
        return Registration.status == RegistrationStatus(group)
    return true()


async def count_registrations(session: AsyncSession, event_id: uuid.UUID) -> Counts:
    """Registrations and places per status, and those checked in, in one query."""
    arrived = and_(Registration.status == RegistrationStatus.CONFIRMED, Registration.checked_in_at.is_not(None))
    statement = (
        select(
            Registration.status,
            func.count(),
            func.coalesce(func.sum(Registration.seats), 0),
            func.count(Registration.id).filter(arrived),
            func.coalesce(func.sum(Registration.seats).filter(arrived), 0),
        )
        .where(Registration.event_id == event_id)
        .group_by(Registration.status)
    )
    by_status: dict[RegistrationStatus, Tally] = {}
    checked_in = Tally()
    for status, number, seats, arrived_number, arrived_seats in (await session.execute(statement)).all():
        by_status[RegistrationStatus(status)] = Tally(int(number), int(seats))
        if arrived_number:
            checked_in = Tally(int(arrived_number), int(arrived_seats))
    return Counts(by_status, checked_in)


def matches(registration: Registration, search: str) -> bool:
    """Whether a search finds a registration: part of the name, of a member's name or of the address, in any
    letter case and script (Python's casefold, which SQLite's lower() lacks beyond ASCII), or its number."""
    wanted = search.strip().casefold()
    if not wanted:
        return True
    if wanted.lstrip("#").isdigit() and int(wanted.lstrip("#")) == registration.id:
        return True
    names = [registration.name, registration.email, *registration.members]
    return any(wanted in name.casefold() for name in names)


async def list_registrations(
    session: AsyncSession, event_id: uuid.UUID, *, group: str = ALL, search: str = ""
) -> list[Registration]:
    """An event's registrations in order of arrival, of one group, found by a search. An event has hundreds of
    registrations at most, so the search runs in Python, where letter case works in every script."""
    statement = (
        select(Registration)
        .where(Registration.event_id == event_id, in_group(group))
        .order_by(Registration.id)
        .execution_options(populate_existing=True)
    )
    found = (await session.scalars(statement)).all()
    return [registration for registration in found if matches(registration, search[:MAX_SEARCH])]


async def waitlist_positions(session: AsyncSession, event_id: uuid.UUID) -> dict[int, int]:
    """Each waiting registration's place on the list, by registration number."""
    statement = (
        select(Registration.id)
        .where(Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.id)
    )
    return {number: position for position, number in enumerate((await session.scalars(statement)).all(), 1)}


def arrival_order(registrations: Iterable[Registration]) -> list[Registration]:
    """For the door: those still expected first, by name; those checked in after them, latest first."""
    expected = sorted((r for r in registrations if r.checked_in_at is None), key=lambda r: r.name.casefold())
    arrived = sorted((r for r in registrations if r.checked_in_at is not None), key=_checked_in_at, reverse=True)
    return [*expected, *arrived]


def _checked_in_at(registration: Registration) -> dt.datetime:
    assert registration.checked_in_at is not None
    return registration.checked_in_at


@dataclass(frozen=True)
class CheckInEvent:
    event_id: uuid.UUID
    confirmed: Tally
    checked_in: Tally


async def events_for_check_in(
    session: AsyncSession, *, managed: ColumnElement[bool], now: dt.datetime, limit: int = 30
) -> list[uuid.UUID]:
    """Published events the user manages that have not ended (or ended only just), soonest first."""
    statement = (
        select(Event.id)
        .where(
            managed,
            Event.status == EventStatus.PUBLISHED,
            Event.deleted_at.is_(None),
            or_(Event.series_ends_at.is_(None), Event.series_ends_at >= now - CHECK_IN_GRACE),
        )
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    )
    return list((await session.scalars(statement)).all())


async def attendance(session: AsyncSession, event_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, CheckInEvent]:
    """Confirmed and checked-in registrations and places of several events, in one query."""
    arrived = Registration.checked_in_at.is_not(None)
    statement = (
        select(
            Registration.event_id,
            func.count(),
            func.coalesce(func.sum(Registration.seats), 0),
            func.count(Registration.id).filter(arrived),
            func.coalesce(func.sum(Registration.seats).filter(arrived), 0),
        )
        .where(Registration.event_id.in_(event_ids), Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(Registration.event_id)
    )
    found = {event_id: CheckInEvent(event_id, Tally(), Tally()) for event_id in event_ids}
    for event_id, number, seats, arrived_number, arrived_seats in (await session.execute(statement)).all():
        found[event_id] = CheckInEvent(
            event_id, Tally(int(number), int(seats)), Tally(int(arrived_number), int(arrived_seats))
        )
    return found
