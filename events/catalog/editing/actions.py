"""What organisers do to an event as a whole: publish, unpublish, duplicate, cancel, delete, and move or cancel one
date of a series. Functions flush and never commit; each raises the edit version and is audited."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Mapping

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.audit.service import record
from events.catalog.editing.history import EditConflict, NotPossible, changes_since, record_change
from events.catalog.editing.questions import CheckedQuestion
from events.catalog.editing.service import Editor, copy_extras, current_state, lock_for_edit
from events.catalog.models import Event, EventStatus
from events.catalog.queries import load_catalogue, load_event
from events.catalog.service import (
    CatalogError,
    EventText,
    _changed,
    change_occurrence,
    create_event,
    delete_event,
    unpublish_event,
)
from events.errors import FieldError, InvalidFields, NotFound
from events.i18n import LANGUAGE_CODES, N_, gettext_for
from events.registrations.models import ACTIVE_STATUSES, Registration, RegistrationStatus
from events.registrations.notices import cancel_event_and_notify, notify_event_changed
from events.registrations.service import Locked, count_out

MAX_REASON = 1000


async def _begin(
    session: AsyncSession, event_id: uuid.UUID, expected_versions: Collection[int] | None
) -> tuple[Locked, dict[str, object]]:
    locked = await lock_for_edit(session, event_id)
    if expected_versions is not None and locked.event.edit_version not in expected_versions:
        since = await changes_since(session, locked.event, min(expected_versions, default=0))
        raise EditConflict(locked.event.edit_version, since)
    _, _, before = await current_state(session, locked)
    return locked, before


async def _finish(
    session: AsyncSession, editor: Editor, action: str, locked: Locked, before: dict[str, object]
) -> None:
    event = locked.event
    event.edit_version += 1
    event.updated_at = editor.now
    await session.flush()
    _, _, after = await current_state(session, locked)
    await record_change(session, editor.actor, action, event, before, after, now=editor.now)


async def publish(
    session: AsyncSession, event_id: uuid.UUID, *, editor: Editor, expected_versions: Collection[int] | None = None
) -> Event:
    """Show the event on pages, in the API and in feeds; registration opens (unless its window says later)."""
    locked, before = await _begin(session, event_id, expected_versions)
    event = locked.event
    if event.status is EventStatus.CANCELLED:
        raise NotPossible(N_("A cancelled event cannot be published again; duplicate it to plan it again."))
    if event.status is EventStatus.PUBLISHED:
        return event
    event.status = EventStatus.PUBLISHED
    event.published_at = event.published_at or editor.now
    _changed(event, editor.now)
    await _finish(session, editor, "event.published", locked, before)
    return event


async def unpublish(
    session: AsyncSession, event_id: uuid.UUID, *, editor: Editor, expected_versions: Collection[int] | None = None
) -> Event:
    """Back to a draft: gone from pages and the API; feeds that showed it keep it as cancelled for a while."""
    locked, before = await _begin(session, event_id, expected_versions)
    event = locked.event
    if event.status is EventStatus.CANCELLED:
        raise NotPossible(N_("A cancelled event stays visible, so that nobody travels to it in vain."))
    if event.status is EventStatus.DRAFT:
        return event
    await unpublish_event(session, event, now=editor.now)
    await _finish(session, editor, "event.unpublished", locked, before)
    return event


def checked_reasons(reasons: Mapping[str, str]) -> dict[str, str]:
    """The reason per language, at least one: participants read it in their own language, or the fallback."""
    kept = {code: text.strip() for code, text in reasons.items() if code in LANGUAGE_CODES and text.strip()}
    errors = [
        FieldError(f"reason.{code}", N_("Use at most %(count)s characters."), {"count": MAX_REASON})
        for code, text in kept.items()
        if len(text) > MAX_REASON
    ]
    if not kept:
        errors.append(FieldError("reason", N_("Give the reason in at least one language; every participant gets it.")))
    if errors:
        raise InvalidFields(errors)
    return kept


async def cancel(
    session: AsyncSession,
    event_id: uuid.UUID,
    *,
    reasons: Mapping[str, str],
    editor: Editor,
    expected_versions: Collection[int] | None = None,
) -> Event:
    """Cancel with a reason; every participant is told in their own language, and calendars strike it."""
    kept = checked_reasons(reasons)
    locked, before = await _begin(session, event_id, expected_versions)
    if locked.event.status is EventStatus.CANCELLED:
        raise NotPossible(N_("This event has been cancelled already."))
    await cancel_event_and_notify(session, event_id, reasons=kept, context=editor.context)
    await _finish(session, editor, "event.cancelled", locked, before)
    return locked.event


async def delete(
    session: AsyncSession,
    event_id: uuid.UUID,
    *,
    reasons: Mapping[str, str],
    editor: Editor,
    expected_versions: Collection[int] | None = None,
) -> Event:
    """Gone from pages and the API; feeds keep a cancelled tombstone. People still registered are told the event
    is cancelled (with the reason, unless it was cancelled before and they heard then) and their registrations end."""
    locked, before = await _begin(session, event_id, expected_versions)
    event = locked.event
    if event.status is not EventStatus.CANCELLED and await _active(session, event.id):
        await cancel_event_and_notify(session, event_id, reasons=checked_reasons(reasons), context=editor.context)
    for registration in await _active(session, event.id):
        old = registration.status
        count_out(event, registration)
        registration.status = RegistrationStatus.CANCELLED
        registration.cancelled_at = registration.updated_at = editor.now
        registration.cancelled_by = "organiser"
        await record(
            session,
            editor.actor,
            "registration.cancelled",
            entity_type="registration",
            entity_id=registration.id,
            now=editor.now,
            event_id=event.id,
            changes={"status": [old.value, RegistrationStatus.CANCELLED.value]},
        )
    await delete_event(session, event, now=editor.now)
    await _finish(session, editor, "event.deleted", locked, before)
    return event


async def _active(session: AsyncSession, event_id: uuid.UUID) -> list[Registration]:
    statement = (
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(ACTIVE_STATUSES))
        .order_by(Registration.id)
    )
    return list((await session.scalars(statement)).all())


async def duplicate(session: AsyncSession, event_id: uuid.UUID, *, editor: Editor) -> Event:
    """A draft copy, "(copy)" after each title, with a slug of its own and without registrations."""
    catalogue = await load_catalogue(session)
    source = await load_event(session, catalogue, event_id)
    questions, co_organisers, _ = await current_state(session, Locked(source, catalogue))
    texts = {
        code: EventText(
            title=gettext_for(code, N_("%(title)s (copy)"), title=row.title)[:200],
            summary=row.summary,
            description=row.description,
            image_alt=row.image_alt,
        )
        for code, row in source.translations.items()
    }
    event = await create_event(
        session,
        texts=texts,
        category=catalogue.category_by_id[source.category_id],
        city=catalogue.city_by_id[source.city_id],
        office=catalogue.city_by_id[source.office_id],
        starts_at=source.starts_at,
        ends_at=source.ends_at,
        timezone=source.timezone,
        all_day=source.all_day,
        rrule=source.rrule,
        exdates=[dt.datetime.fromisoformat(value) for value in source.exdates],
        venue=source.venue,
        online_url=source.online_url,
        image_path=source.image_path,
        capacity=source.capacity,
        max_seats_per_registration=source.max_seats_per_registration,
        waitlist_enabled=source.waitlist_enabled,
        waitlist_rule=source.waitlist_rule,
        approval_required=source.approval_required,
        registration_opens_at=source.registration_opens_at,
        registration_closes_at=source.registration_closes_at,
        status=EventStatus.DRAFT,
        now=editor.now,
        created_by_id=editor.actor.user_id,
    )
    copied = [CheckedQuestion(None, q.kind, q.required, dict(q.label), list(q.choices)) for q in questions]
    await copy_extras(session, event, copied, co_organisers)
    locked = Locked(await load_event(session, catalogue, event.id), catalogue)
    _, _, after = await current_state(session, locked)
    after["duplicated_from"] = source.slug
    await record_change(session, editor.actor, "event.duplicated", event, {}, after, now=editor.now)
    return event


async def change_date(
    session: AsyncSession,
    event_id: uuid.UUID,
    original_start: dt.datetime,
    *,
    editor: Editor,
    cancelled: bool = False,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
) -> Event:
    """Move or cancel one date of a series (a RECURRENCE-ID override in calendars) and tell the participants."""
    locked, before = await _begin(session, event_id, None)
    try:
        await change_occurrence(
            session,
            locked.event,
            original_start,
            now=editor.now,
            cancelled=cancelled,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    except CatalogError:
        raise NotFound() from None
    action = "event.occurrence_cancelled" if cancelled else "event.occurrence_moved"
    await _finish(session, editor, action, locked, before)
    if await _active(session, event_id):
        await notify_event_changed(session, event_id, editor.context)
    return locked.event
