"""What the platform holds about a participant: handing it over, erasing it, and purging it after the event.

Erasure and purge anonymise a registration in place, so seat counts and statistics stay true; they also empty
the messages sent to that person and drop every private link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from events.catalog.models import Event
from events.catalog.presenters import present_event
from events.catalog.queries import Catalogue
from events.i18n import pick_text
from events.mail.models import OutboxMessage, OutboxStatus
from events.registrations.models import CalendarToken, IdempotencyKey, ManageToken, Registration
from events.registrations.service import (
    Context,
    answers_for_display,
    count_out,
    locked_registration,
    promote_waitlist,
    questions_of,
)

PURGE_BATCH = 200
Progress = Callable[[int, int], None]
# Opens one transaction (commits when the block ends), as ``database.transaction(sessionmaker)`` does.
Transactions = Callable[[], AbstractAsyncContextManager[AsyncSession]]


def _anonymise(registration: Registration, now: dt.datetime) -> None:
    registration.name = ""
    registration.email = ""
    registration.email_key = f"erased-{registration.id}"
    registration.phone = None
    registration.members = []
    registration.answers = {}
    registration.erased_at = now


async def _forget_messages_and_links(session: AsyncSession, registration_ids: list[int], email_keys: set[str]) -> None:
    # Messages not sent yet are dropped (a worker that already claimed one looks again before sending it);
    # sent and failed ones keep only that they were sent, not to whom or what. A mail server's error often
    # quotes the address, so it goes too.
    await session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.registration_id.in_(registration_ids), OutboxMessage.status == OutboxStatus.PENDING
        )
    )
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.registration_id.in_(registration_ids))
        .values(to_address="", to_name="", subject="", text_body="", html_body="", calendar=None, last_error=None)
    )
    await session.execute(delete(ManageToken).where(ManageToken.registration_id.in_(registration_ids)))
    # An Idempotency-Key's fingerprint is a hash of the name, address and answers: it goes now, not after 24 hours.
    await session.execute(delete(IdempotencyKey).where(IdempotencyKey.registration_id.in_(registration_ids)))
    for email_key in email_keys:
        still_used = await session.scalar(
            select(func.count()).select_from(Registration).where(Registration.email_key == email_key)
        )
        if not still_used:
            await session.execute(delete(CalendarToken).where(CalendarToken.email_key == email_key))


async def erase_registration(session: AsyncSession, registration_id: int, context: Context) -> None:
    """The participant's right to erasure: an active registration is cancelled first (its seats go to the
    waiting list), then everything that identifies the person is removed."""
    registration, locked = await locked_registration(session, registration_id, context)
    if registration.is_active:
        count_out(locked.event, registration)
        registration.status = registration.status.CANCELLED
        registration.cancelled_at = context.now
        registration.cancelled_by = "erasure"
    email_key = registration.email_key
    _anonymise(registration, context.now)
    await session.flush()
    await _forget_messages_and_links(session, [registration.id], {email_key})
    await promote_waitlist(session, locked, context)


def _purgeable(ended_before: dt.datetime) -> Select[Registration]:
    finished = select(Event.id).where(Event.series_ends_at.is_not(None), Event.series_ends_at < ended_before)
    return select(Registration).where(Registration.event_id.in_(finished), Registration.erased_at.is_(None))


async def count_purgeable(session: AsyncSession, *, ended_before: dt.datetime) -> int:
    """How many registrations of events that ended before ``ended_before`` still hold personal data."""
    waiting = _purgeable(ended_before)
    return int(await session.scalar(select(func.count()).select_from(waiting.subquery())) or 0)


async def purge_batch(
    session: AsyncSession, *, ended_before: dt.datetime, now: dt.datetime, limit: int = PURGE_BATCH
) -> int:
    """Anonymise at most ``limit`` registrations of events that ended before ``ended_before``; returns how many.
    What is done is marked (``erased_at``), so the next batch, or a run after an interruption, goes on from there."""
    batch = list((await session.scalars(_purgeable(ended_before).order_by(Registration.id).limit(limit))).all())
    if not batch:
        return 0
    keys = {registration.email_key for registration in batch}
    for registration in batch:
        _anonymise(registration, now)
    await session.flush()
    await _forget_messages_and_links(session, [registration.id for registration in batch], keys)
    return len(batch)


async def purge(
    session: AsyncSession, *, ended_before: dt.datetime, now: dt.datetime, progress: Progress | None = None
) -> int:
    """Anonymise every registration of events that ended before ``ended_before`` in the caller's one
    transaction; returns how many. For a large purge use ``purge_in_batches``."""
    total = await count_purgeable(session, ended_before=ended_before)
    done = 0
    while count := await purge_batch(session, ended_before=ended_before, now=now):
        done += count
        if progress:
            progress(done, max(total, done))
    return done


async def purge_in_batches(
    transactions: Transactions,
    *,
    ended_before: dt.datetime,
    now: dt.datetime,
    progress: Progress | None = None,
    batch: int | None = None,
) -> int:
    """The same purge, one transaction per batch of ``PURGE_BATCH`` registrations, so the database's write lock
    (SQLite has one) is held only for a moment at a time. Interrupted, every committed batch stays done and
    running it again goes on with the rest. Returns how many were anonymised."""
    limit = batch or PURGE_BATCH
    async with transactions() as session:
        total = await count_purgeable(session, ended_before=ended_before)
    done = 0
    while True:
        async with transactions() as session:
            count = await purge_batch(session, ended_before=ended_before, now=now, limit=limit)
        done += count
        if count and progress:
            progress(done, max(total, done))
        if count < limit:
            break
    if progress and done and done < total:  # some were erased meanwhile: the bar still ends
        progress(done, done)
    return done


async def export_data(
    session: AsyncSession,
    registration: Registration,
    catalogue: Catalogue,
    event: Event,
    *,
    base_url: str,
    now: dt.datetime,
) -> dict[str, Any]:
    """Everything the platform holds about this registration, as the participant can download it."""
    language = registration.language
    view = present_event(event, catalogue, language, now=now, base_url=base_url)
    messages = (
        await session.scalars(
            select(OutboxMessage).where(OutboxMessage.registration_id == registration.id).order_by(OutboxMessage.id)
        )
    ).all()
    questions = await questions_of(session, event.id)
    home_city = next((city for city in catalogue.cities if city.id == registration.home_city_id), None)
    return {
        "registration": {
            "status": registration.status.value,
            "name": registration.name,
            "email": registration.email,
            "phone": registration.phone,
            "home_city": pick_text(home_city.name, language) if home_city else "other",
            "language": registration.language,
            "seats": registration.seats,
            "members": registration.members,
            "answers": [
                {"question": question, "answer": answer}
                for question, answer in answers_for_display(registration, questions, language)
            ],
            "consented_at": registration.consented_at.isoformat(),
            "created_at": registration.created_at.isoformat(),
            "confirmed_at": registration.confirmed_at.isoformat() if registration.confirmed_at else None,
            "cancelled_at": registration.cancelled_at.isoformat() if registration.cancelled_at else None,
            "checked_in_at": registration.checked_in_at.isoformat() if registration.checked_in_at else None,
        },
        "event": {"title": view.title, "url": view.url, "when": view.when_text, "office": view.office.name},
        "messages": [
            {
                "kind": message.kind,
                "subject": message.subject,
                "to": message.to_address,
                "status": message.status.value,
                "created_at": message.created_at.isoformat(),
                "sent_at": message.sent_at.isoformat() if message.sent_at else None,
                "text": message.text_body,
            }
            for message in messages
        ],
        "controller": "Gemeente Weert (Municipality of Weert), the Netherlands",
        "exported_at": now.isoformat(),
    }
