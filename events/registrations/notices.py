"""Messages that do not start with the participant: reminders, the personal calendar link, and what the
organisers change (a new time or place, a cancellation)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

from sqlalchemy import ColumnElement, and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from events.catalog.models import Event, EventStatus
from events.catalog.presenters import present_event
from events.catalog.queries import load_catalogue, load_event
from events.catalog.recurrence import event_occurrences
from events.catalog.service import cancel_event
from events.feeds.ical import feed_event
from events.mail.service import queue_message
from events.registrations.messages import Kind, compose
from events.registrations.models import ACTIVE_STATUSES, CalendarToken, Registration, RegistrationStatus
from events.registrations.service import Context, Locked, issue_token, lock_event, send_mail
from events.tokens import new_token

REMIND_BEFORE = dt.timedelta(hours=24)


def calendar_url(base_url: str, token: str) -> str:
    return f"{base_url}/feeds/personal/{token}.ics"


async def issue_calendar_token(session: AsyncSession, email_key: str, now: dt.datetime) -> str:
    token, hashed = new_token()
    session.add(CalendarToken(email_key=email_key, token_hash=hashed, created_at=now))
    await session.flush()
    return token


async def send_calendar_link(
    session: AsyncSession, registration: Registration, context: Context, *, renew: bool = False
) -> None:
    """E-mail the personal calendar link to the registration's own address (never show it in a page).
    ``renew`` first drops every earlier link of that address, which then answers 404."""
    if renew:
        await session.execute(delete(CalendarToken).where(CalendarToken.email_key == registration.email_key))
    token = await issue_calendar_token(session, registration.email_key, context.now)
    catalogue = await load_catalogue(session)
    event = await load_event(session, catalogue, registration.event_id)
    view = present_event(event, catalogue, registration.language, now=context.now, base_url=context.base_url)
    entry = feed_event(
        event, catalogue, registration.language, base_url=context.base_url, calendar_domain=context.calendar_domain
    )
    message = compose(
        Kind.CALENDAR_LINK,
        registration,
        view,
        entry,
        settings=context.mail,
        now=context.now,
        calendar_url=calendar_url(context.base_url, token),
    )
    await queue_message(session, message, now=context.now, domain=context.calendar_domain)


async def queue_reminders(session: AsyncSession, context: Context) -> int:
    """Remind confirmed participants of every occurrence starting within a day; each once."""
    now = context.now
    horizon = now + REMIND_BEFORE
    events = (
        await session.scalars(
            select(Event)
            .options(selectinload(Event.changes))
            .where(
                Event.status == EventStatus.PUBLISHED,
                Event.deleted_at.is_(None),
                or_(Event.long_running.is_(True), and_(Event.starts_at > now, Event.starts_at <= horizon)),
                or_(Event.series_ends_at.is_(None), Event.series_ends_at > now),
            )
        )
    ).all()
    reminded = 0
    for event in events:
        upcoming = event_occurrences(event, after=now, limit=1)
        if not upcoming or not now < upcoming[0].start <= horizon:
            continue
        start = upcoming[0].start
        not_yet_reminded = (
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
            or_(Registration.reminded_for.is_(None), Registration.reminded_for < start),
        )
        due = (await session.scalars(select(Registration).where(*not_yet_reminded).order_by(Registration.id))).all()
        if not due:
            continue
        locked = Locked(await load_event(session, catalogue := await load_catalogue(session), event.id), catalogue)
        for registration in due:
            if not await _claim_reminder(session, registration, not_yet_reminded, start):
                continue  # another worker process reminds this one
            token = await issue_token(session, registration, context)
            await send_mail(session, Kind.REMINDER, registration, locked, context, token=token)
            reminded += 1
    return reminded


async def _claim_reminder(
    session: AsyncSession,
    registration: Registration,
    not_yet_reminded: tuple[ColumnElement[bool], ...],
    start: dt.datetime,
) -> bool:
    """Mark the registration reminded of ``start`` unless another transaction did; True when this one did.

    Every worker process runs the reminders job. The condition is checked by the UPDATE itself: on PostgreSQL a
    second transaction waits for the first one's row lock and then finds the row already reminded (0 rows); on
    SQLite the job's transaction holds the one write lock anyway. Only the transaction that changed the row
    queues the reminder."""
    result = await session.execute(
        update(Registration)
        .where(Registration.id == registration.id, *not_yet_reminded)
        .values(reminded_for=start)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    set_committed_value(registration, "reminded_for", start)
    return True


async def notify_event_changed(session: AsyncSession, event_id: uuid.UUID, context: Context) -> int:
    """Tell every active participant that the time or place changed; calendars get the update (higher
    SEQUENCE, same UID). Call it after raising the event's sequence."""
    locked = await lock_event(session, event_id)
    return await _tell_everyone(session, locked, Kind.EVENT_CHANGED, context)


async def cancel_event_and_notify(
    session: AsyncSession, event_id: uuid.UUID, *, reasons: Mapping[str, str], context: Context
) -> Event:
    """Cancel an event with its reason and tell every participant, each in their language; calendars drop it."""
    locked = await lock_event(session, event_id)
    await cancel_event(session, locked.event, reasons=reasons, now=context.now)
    await _tell_everyone(session, locked, Kind.EVENT_CANCELLED, context)
    return locked.event


async def _tell_everyone(session: AsyncSession, locked: Locked, kind: Kind, context: Context) -> int:
    participants = (
        await session.scalars(
            select(Registration)
            .where(Registration.event_id == locked.event.id, Registration.status.in_(ACTIVE_STATUSES))
            .order_by(Registration.id)
        )
    ).all()
    for registration in participants:
        token = await issue_token(session, registration, context)
        confirmed = registration.status is RegistrationStatus.CONFIRMED
        await send_mail(session, kind, registration, locked, context, token=token, was_in_calendar=confirmed)
    return len(participants)
