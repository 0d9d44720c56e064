"""What the organisers do with registrations: approve or decline, move up from the waiting list by hand, change
places, cancel with a message, check in. Functions flush and never commit.

Every change is audited by the registration's number with its old and new status, places or check-in time, and
never a participant's name, address or answers.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from events.audit.service import Actor, differences, record
from events.catalog.availability import RegistrationState, seats_left
from events.catalog.models import Event, EventStatus
from events.errors import Moment, NotFound, PlatformError
from events.i18n import N_
from events.registrations.errors import RegistrationClosed
from events.registrations.messages import Kind
from events.registrations.models import Registration, RegistrationStatus
from events.registrations.service import (
    Context,
    Locked,
    cancel_registration,
    decide,
    issue_token,
    locked_registration,
    promote_waitlist,
    send_mail,
    waitlist_position,
)

MAX_MESSAGE = 2000  # the organisers' message in a cancellation
MAX_SEATS = 500  # a sanity bound for places set by hand; capacity is the real limit
MAX_REGISTRATION_ID = 2**31 - 1  # registrations.id is a 32-bit integer on PostgreSQL

STATUS_LABELS = {
    RegistrationStatus.CONFIRMED: N_("Confirmed"),
    RegistrationStatus.WAITLISTED: N_("Waiting list"),
    RegistrationStatus.PENDING: N_("Awaiting approval"),
    RegistrationStatus.CANCELLED: N_("Cancelled"),
    RegistrationStatus.DECLINED: N_("Declined"),
}


class NotPending(PlatformError):
    status = 409
    code = "registration-not-pending"
    title = N_("This registration is not awaiting approval")

    def __init__(self) -> None:
        super().__init__(N_("Someone may have approved or declined it already: read the registration again."))


class NotWaiting(PlatformError):
    status = 409
    code = "registration-not-waiting"
    title = N_("This registration is not on the waiting list")

    def __init__(self) -> None:
        super().__init__(N_("It may have moved up or been cancelled already: read the registration again."))


class DoesNotFit(PlatformError):
    status = 409
    code = "registration-does-not-fit"
    title = N_("Not enough free places")

    def __init__(self, needed: int, left: int) -> None:
        super().__init__(
            N_(
                "%(needed)s places are needed, but only %(left)s are free. "
                "Raise the capacity or cancel other registrations first."
            ),
            needed=needed,
            left=left,
        )


class NotActive(PlatformError):
    status = 409
    code = "registration-not-active"
    title = N_("This registration is cancelled or declined")

    def __init__(self) -> None:
        super().__init__(N_("A cancelled or declined registration can no longer be changed."))


class NotConfirmed(PlatformError):
    status = 409
    code = "registration-not-confirmed"
    title = N_("Only confirmed registrations can be checked in")

    def __init__(self) -> None:
        super().__init__(N_("This registration is not confirmed, so it cannot be checked in."))


class AlreadyCheckedIn(PlatformError):
    status = 409
    code = "already-checked-in"
    title = N_("Already checked in")

    def __init__(self, checked_in_at: dt.datetime, timezone: str) -> None:
        super().__init__(
            N_("This registration was checked in at %(time)s; nobody is checked in twice."),
            time=Moment(checked_in_at, timezone),
        )
        self.checked_in_at = checked_in_at

    def problem_fields(self) -> dict[str, object]:
        return {"checked_in_at": self.checked_in_at.astimezone(dt.UTC).isoformat()}


async def _audit(
    session: AsyncSession,
    actor: Actor,
    action: str,
    registration: Registration,
    before: Mapping[str, object],
    now: dt.datetime,
) -> None:
    after = {name: getattr(registration, name) for name in before}
    await record(
        session,
        actor,
        action,
        entity_type="registration",
        entity_id=registration.id,
        now=now,
        event_id=registration.event_id,
        changes=differences(before, after),
    )


async def _waiting_ids(session: AsyncSession, event_id: uuid.UUID) -> list[int]:
    statement = select(Registration.id).where(
        Registration.event_id == event_id, Registration.status == RegistrationStatus.WAITLISTED
    )
    return list((await session.scalars(statement)).all())


async def _audit_moved_up(
    session: AsyncSession, actor: Actor, event_id: uuid.UUID, waiting: Sequence[int], now: dt.datetime
) -> None:
    """Registrations that an organiser's change moved up from the waiting list are changes too."""
    if not waiting:
        return
    statement = select(Registration).where(
        Registration.id.in_(waiting), Registration.status == RegistrationStatus.CONFIRMED
    )
    for registration in (await session.scalars(statement)).all():
        before = {"status": RegistrationStatus.WAITLISTED}
        await _audit(session, actor, "registration.moved_up", registration, before, now)


async def approve_or_decline(
    session: AsyncSession, registration_id: int, context: Context, *, actor: Actor, approve: bool
) -> Registration:
    """The organisers' answer to a registration awaiting approval (``service.decide``, which keeps strict order)."""
    registration, _ = await locked_registration(session, registration_id, context)
    if registration.status is not RegistrationStatus.PENDING:
        raise NotPending()
    before: dict[str, object] = {"status": registration.status, "seats": registration.seats}
    registration = await decide(session, registration_id, context, approve=approve)
    action = "registration.approved" if approve else "registration.declined"
    await _audit(session, actor, action, registration, before, context.now)
    return registration


async def promote_by_hand(
    session: AsyncSession, registration_id: int, context: Context, *, actor: Actor
) -> Registration:
    """Confirm one waiting registration now, whatever its place in the list: a deliberate choice of the
    organisers. It must fit the free places; the event must not be cancelled."""
    registration, locked = await locked_registration(session, registration_id, context)
    event = locked.event
    if registration.status is not RegistrationStatus.WAITLISTED:
        raise NotWaiting()
    _ensure_not_cancelled(locked)
    left = seats_left(event)
    if left is not None and registration.seats > left:
        raise DoesNotFit(registration.seats, left)
    before: dict[str, object] = {"status": registration.status}
    event.waitlist_length -= 1
    event.confirmed_seats += registration.seats
    registration.status = RegistrationStatus.CONFIRMED
    registration.confirmed_at = registration.updated_at = context.now
    await session.flush()
    token = await issue_token(session, registration, context)
    await send_mail(session, Kind.PROMOTED, registration, locked, context, token=token)
    await _audit(session, actor, "registration.promoted", registration, before, context.now)
    return registration


def _ensure_not_cancelled(locked: Locked) -> None:
    if locked.event.status is not EventStatus.PUBLISHED or locked.event.deleted_at is not None:
        raise RegistrationClosed(RegistrationState.CANCELLED)


async def cancel_by_organiser(
    session: AsyncSession, registration_id: int, context: Context, *, actor: Actor, message: str | None = None
) -> Registration:
    """Cancel a registration for its participant, who is told so, with the organisers' own words if given;
    the places go to the waiting list at once."""
    registration, _ = await locked_registration(session, registration_id, context)
    if not registration.is_active:
        raise NotActive()
    before: dict[str, object] = {"status": registration.status}
    waiting = await _waiting_ids(session, registration.event_id)
    registration = await cancel_registration(session, registration_id, context, by="organiser", message=message)
    await _audit(session, actor, "registration.cancelled", registration, before, context.now)
    await _audit_moved_up(session, actor, registration.event_id, waiting, context.now)
    return registration


async def change_seats(
    session: AsyncSession, registration_id: int, seats: int, context: Context, *, actor: Actor
) -> Registration:
    """Set a registration's places by hand. More places for a confirmed registration must fit the free ones; the
    per-registration maximum, a limit for self-service, does not apply. Fewer places drop the last named members
    beyond them (the first ones stay); more places leave the extra ones unnamed."""
    registration, locked = await locked_registration(session, registration_id, context)
    event = locked.event
    if not registration.is_active:
        raise NotActive()
    if seats == registration.seats:
        return registration
    before: dict[str, object] = {"seats": registration.seats, "status": registration.status}
    if registration.status is RegistrationStatus.CONFIRMED:
        left = seats_left(event)
        if seats > registration.seats and left is not None and seats - registration.seats > left:
            raise DoesNotFit(seats - registration.seats, left)
        event.confirmed_seats += seats - registration.seats
    registration.seats = seats
    registration.members = list(registration.members[: seats - 1])
    registration.updated_at = context.now
    await session.flush()
    waiting = [number for number in await _waiting_ids(session, event.id) if number != registration.id]
    await promote_waitlist(session, locked, context)
    token = await issue_token(session, registration, context)
    position = await waitlist_position(session, registration)
    await send_mail(session, Kind.CHANGED, registration, locked, context, token=token, position=position)
    await _audit(session, actor, "registration.seats_changed", registration, before, context.now)
    await _audit_moved_up(session, actor, registration.event_id, waiting, context.now)
    return registration


async def registration_of_event(session: AsyncSession, event_id: uuid.UUID, registration_id: int) -> Registration:
    """A registration of this event; a number that belongs to another event is simply not found."""
    if not 0 < registration_id <= MAX_REGISTRATION_ID:
        raise NotFound()  # a guessed number beyond the column's range never reaches the database
    registration = await session.scalar(
        select(Registration)
        .where(Registration.id == registration_id, Registration.event_id == event_id)
        .execution_options(populate_existing=True)
    )
    if registration is None:
        raise NotFound()
    return registration


async def check_in(session: AsyncSession, registration_id: int, *, actor: Actor, now: dt.datetime) -> Registration:
    """Mark a confirmed registration as arrived. One conditional UPDATE decides, so two organisers scanning the
    same code at once check it in once; the other learns when that was, on the event's clock."""
    result = await session.execute(
        update(Registration)
        .where(
            Registration.id == registration_id,
            Registration.checked_in_at.is_(None),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .values(checked_in_at=now)
        .execution_options(synchronize_session=False)
    )
    registration = await session.get(Registration, registration_id, populate_existing=True)
    if registration is None:
        raise NotFound()
    if result.rowcount == 0:  # type: ignore[attr-defined]
        if registration.checked_in_at is not None:
            timezone = await session.scalar(select(Event.timezone).where(Event.id == registration.event_id))
            raise AlreadyCheckedIn(registration.checked_in_at, timezone or "UTC")
        raise NotConfirmed()
    await _audit(session, actor, "registration.checked_in", registration, {"checked_in_at": None}, now)
    return registration


async def undo_check_in(session: AsyncSession, registration_id: int, *, actor: Actor, now: dt.datetime) -> Registration:
    """Take back a check-in made by mistake; nothing happens when it was not checked in."""
    registration = await session.get(Registration, registration_id, populate_existing=True)
    if registration is None:
        raise NotFound()
    first = registration.checked_in_at
    result = await session.execute(
        update(Registration)
        .where(Registration.id == registration_id, Registration.checked_in_at.is_not(None))
        .values(checked_in_at=None)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        return registration
    await session.refresh(registration, ["checked_in_at"])
    await _audit(session, actor, "registration.check_in_undone", registration, {"checked_in_at": first}, now)
    return registration
