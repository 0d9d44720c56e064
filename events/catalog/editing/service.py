"""Creating and changing events as organisers do, from the form or the write API. Functions flush and never commit.

Every change takes the event's lock first (a row lock on PostgreSQL; SQLite's write transaction already holds the
database's), reads the event afresh, and compares its ``edit_version`` with the one the person started from: two
organisers cannot overwrite each other unseen. Each change raises the edit version, is recorded in the audit log
with its old and new values, and raises the calendar ``sequence`` when a feed shows what changed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.audit.service import Actor
from events.catalog.editing.checks import CheckedEvent, Situation, check
from events.catalog.editing.history import (
    EditConflict,
    calendar_changed,
    changes_since,
    record_change,
    snapshot,
)
from events.catalog.editing.inputs import EventInput, from_event
from events.catalog.editing.questions import CheckedQuestion
from events.catalog.models import City, Event, EventCoOrganiser, EventStatus, EventTranslation, Venue
from events.catalog.queries import load_catalogue, load_event
from events.catalog.recurrence import MAX_OCCURRENCES, iter_occurrences
from events.catalog.service import EventText, _changed, create_event, reschedule_event
from events.errors import FieldError, Forbidden, InvalidFields, NotFound
from events.feeds.departures import note_departure
from events.i18n import N_
from events.registrations.models import ACTIVE_STATUSES, Question, Registration
from events.registrations.notices import notify_event_changed
from events.registrations.service import Context, Locked, add_question, change_capacity, questions_of


@dataclass(frozen=True)
class Editor:
    """Who edits (for permissions and the audit log), and what the checks need to know of the platform."""

    actor: Actor
    city_id: int
    is_admin: bool
    language: str  # of the person: where "give a title in at least one language" is reported
    media_dir: Path
    context: Context  # base URL, calendar domain and the time, for notices to participants

    @property
    def now(self) -> dt.datetime:
        return self.context.now


Change = Callable[[EventInput], EventInput]


async def lock_for_edit(session: AsyncSession, event_id: uuid.UUID) -> Locked:
    """Take the event's lock, then read all of it afresh: whatever committed before the lock is seen."""
    await session.execute(select(Event.id).where(Event.id == event_id).with_for_update())
    catalogue = await load_catalogue(session)
    event = await load_event(session, catalogue, event_id)
    if event.deleted_at is not None:
        raise NotFound()
    return Locked(event, catalogue)


async def co_organiser_ids(session: AsyncSession, event_id: uuid.UUID) -> list[int]:
    statement = select(EventCoOrganiser.city_id).where(EventCoOrganiser.event_id == event_id)
    return sorted((await session.scalars(statement)).all())


async def venues(session: AsyncSession) -> dict[int, Venue]:
    return {venue.id: venue for venue in (await session.scalars(select(Venue).order_by(Venue.id))).all()}


async def active_registrations(session: AsyncSession, event_id: uuid.UUID) -> int:
    statement = select(func.count(Registration.id)).where(
        Registration.event_id == event_id, Registration.status.in_(ACTIVE_STATUSES)
    )
    return int(await session.scalar(statement) or 0)


async def current_state(session: AsyncSession, locked: Locked) -> tuple[list[Question], list[int], dict[str, object]]:
    """The event's questions, co-organising offices and snapshot, as they stand in this transaction."""
    questions = await questions_of(session, locked.event.id)
    co_organisers = await co_organiser_ids(session, locked.event.id)
    return questions, co_organisers, snapshot(locked.event, questions, locked.catalogue, co_organisers)


def check_office(editor: Editor, office: City, current_office_id: int | None) -> None:
    """Organisers create events for their own office, and only an admin hands an event to another office."""
    if editor.is_admin:
        return
    if current_office_id is None and office.id != editor.city_id:
        raise Forbidden(N_("You can create events for your own office only; name the other office a co-organiser."))
    if current_office_id is not None and office.id != current_office_id:
        raise Forbidden(N_("Only an admin can hand an event to another office."))


async def check_input(
    session: AsyncSession, change: EventInput | Change, *, editor: Editor, event_id: uuid.UUID | None = None
) -> CheckedEvent:
    """Check without saving (the editor's "check the times" button): the checked event, or InvalidFields."""
    catalogue = await load_catalogue(session)
    event, questions, co_organisers = None, list[Question](), list[int]()
    if event_id is not None:
        event = await load_event(session, catalogue, event_id)
        questions, co_organisers = await questions_of(session, event_id), await co_organiser_ids(session, event_id)
    current = from_event(event, questions, catalogue, co_organisers) if event is not None else EventInput()
    sent = change(current) if callable(change) else change
    return check(sent, Situation(catalogue, await venues(session), editor.media_dir, editor.language, event, questions))


async def create_from_input(session: AsyncSession, sent: EventInput, *, editor: Editor) -> Event:
    """A new event from the form or the API, with its questions and co-organisers; a draft unless it says so."""
    catalogue = await load_catalogue(session)
    situation = Situation(catalogue, await venues(session), editor.media_dir, editor.language)
    checked = check(sent, situation)
    check_office(editor, checked.office, None)
    event = await create_event(
        session,
        texts=checked.texts,
        category=checked.category,
        city=checked.city,
        office=checked.office,
        starts_at=checked.starts_at,
        ends_at=checked.ends_at,
        timezone=checked.timezone,
        all_day=checked.all_day,
        rrule=checked.rrule,
        exdates=checked.exdates,
        venue=checked.venue,
        online_url=checked.online_url,
        image_path=checked.image_path,
        capacity=checked.capacity,
        max_seats_per_registration=checked.max_seats_per_registration,
        waitlist_enabled=checked.waitlist_enabled,
        waitlist_rule=checked.waitlist_rule,
        approval_required=checked.approval_required,
        registration_opens_at=checked.registration_opens_at,
        registration_closes_at=checked.registration_closes_at,
        status=checked.status,
        now=editor.now,
        created_by_id=editor.actor.user_id,
    )
    await copy_extras(session, event, checked.questions, [city.id for city in checked.co_organisers])
    locked = Locked(await load_event(session, catalogue, event.id), catalogue)
    _, _, after = await current_state(session, locked)
    await record_change(session, editor.actor, "event.created", event, {}, after, now=editor.now)
    return event


async def copy_extras(
    session: AsyncSession, event: Event, questions: Sequence[CheckedQuestion], co_organisers: Collection[int]
) -> None:
    """Questions and co-organising offices of a new event."""
    for position, question in enumerate(questions):
        await add_question(
            session,
            event,
            kind=question.kind,
            label=question.labels,
            required=question.required,
            choices=question.choices,
            position=position,
        )
    for city_id in co_organisers:
        session.add(EventCoOrganiser(event_id=event.id, city_id=city_id))
    await session.flush()


async def update_from_input(
    session: AsyncSession,
    event_id: uuid.UUID,
    change: EventInput | Change,
    *,
    editor: Editor,
    expected_versions: Collection[int] | None = None,
    notify: bool | None = None,
) -> Event:
    """Change an event. ``change`` is the whole input (the form) or a function that lays a partial change over
    the event as it stands under the lock (PATCH). When the time or place changes and people are registered,
    ``notify`` must say whether to tell them."""
    locked = await lock_for_edit(session, event_id)
    event, catalogue = locked.event, locked.catalogue
    if expected_versions is not None and event.edit_version not in expected_versions:
        since = await changes_since(session, event, min(expected_versions, default=0))
        raise EditConflict(event.edit_version, since)
    questions, co_organisers, before = await current_state(session, locked)
    sent = change(from_event(event, questions, catalogue, co_organisers)) if callable(change) else change
    situation = Situation(catalogue, await venues(session), editor.media_dir, editor.language, event, questions)
    checked = check(sent, situation)
    check_office(editor, checked.office, event.office_id)
    moves = _moves(event, checked)
    if moves and notify is None and (count := await active_registrations(session, event.id)):
        message = N_("The time or place changes and %(count)s people are registered: choose whether to tell them.")
        raise InvalidFields([FieldError("notify", message, {"count": count})])
    city_id, category_id = event.city_id, event.category_id
    rescheduled = await _apply(session, locked, checked, questions, co_organisers, editor)
    await note_departure(session, event, city_id=city_id, category_id=category_id, now=editor.now)
    _, _, after = await current_state(session, locked)
    if after == before:
        return event  # nothing changed: no new version, nothing in the log
    if calendar_changed(before, after) and not rescheduled:
        _changed(event, editor.now)
    event.edit_version += 1
    event.updated_at = editor.now
    await session.flush()
    after["edit_version"] = event.edit_version
    await record_change(session, editor.actor, "event.updated", event, before, after, now=editor.now)
    if moves and notify:
        await notify_event_changed(session, event.id, editor.context)
    return event


def _when(event: Event) -> tuple[object, ...]:
    return (event.starts_at, event.ends_at, event.timezone, event.all_day, event.rrule, sorted(event.exdates))


def _checked_when(checked: CheckedEvent) -> tuple[object, ...]:
    exdates = sorted(moment.astimezone(dt.UTC).isoformat() for moment in checked.exdates)
    return (checked.starts_at, checked.ends_at, checked.timezone, checked.all_day, checked.rrule, exdates)


def _moves(event: Event, checked: CheckedEvent) -> bool:
    """Whether participants would find the event at another time or place."""
    place = (event.city_id, event.venue_id, event.online_url)
    new_place = (checked.city.id, checked.venue.id if checked.venue else None, checked.online_url)
    return _when(event) != _checked_when(checked) or place != new_place


async def _apply(
    session: AsyncSession,
    locked: Locked,
    checked: CheckedEvent,
    questions: Sequence[Question],
    co_organisers: Sequence[int],
    editor: Editor,
) -> bool:
    """Write the checked values to the event; True when it was rescheduled (its sequence then rose already)."""
    event = locked.event
    _apply_texts(event, checked.texts)
    event.category_id, event.city_id, event.office_id = checked.category.id, checked.city.id, checked.office.id
    event.venue_id = checked.venue.id if checked.venue else None
    event.online_url, event.image_path = checked.online_url, checked.image_path
    event.max_seats_per_registration = checked.max_seats_per_registration
    event.waitlist_enabled, event.waitlist_rule = checked.waitlist_enabled, checked.waitlist_rule
    event.approval_required = checked.approval_required
    event.registration_opens_at = checked.registration_opens_at
    event.registration_closes_at = checked.registration_closes_at
    if checked.status is not event.status:
        event.status = checked.status
        if checked.status is EventStatus.PUBLISHED and event.published_at is None:
            event.published_at = editor.now
    await session.flush()
    rescheduled = _when(event) != _checked_when(checked)
    if rescheduled:
        await _reschedule(session, event, checked, editor.now)
    if checked.capacity != event.capacity:
        # Under the same lock; more places go to the waiting list at once.
        await change_capacity(session, event.id, checked.capacity, editor.context)
    await _sync_questions(session, event, checked.questions, questions)
    await _sync_co_organisers(session, event, [city.id for city in checked.co_organisers], co_organisers)
    return rescheduled


def _apply_texts(event: Event, texts: dict[str, EventText]) -> None:
    for code in [code for code in event.translations if code not in texts]:
        del event.translations[code]
    for code, text in texts.items():
        row = event.translations.get(code)
        if row is None:
            event.translations[code] = row = EventTranslation(language=code)
        row.title, row.summary, row.description, row.image_alt = (
            text.title,
            text.summary,
            text.description,
            text.image_alt,
        )


async def _reschedule(session: AsyncSession, event: Event, checked: CheckedEvent, now: dt.datetime) -> None:
    """A new time, zone or repeat rule. Changes of single dates that the new rule no longer has are dropped, or
    calendars would keep overrides of dates that do not exist."""
    event.timezone, event.all_day, event.rrule = checked.timezone, checked.all_day, checked.rrule
    event.exdates = [moment.astimezone(dt.UTC).isoformat() for moment in checked.exdates]
    await reschedule_event(session, event, starts_at=checked.starts_at, ends_at=checked.ends_at, now=now)
    if event.changes:
        dates = set()
        if event.rrule:
            series = iter_occurrences(
                event.starts_at, event.ends_at, event.timezone, event.rrule, all_day=event.all_day
            )
            dates = {occurrence.start for occurrence in islice(series, MAX_OCCURRENCES)}
        event.changes = [change for change in event.changes if change.original_start in dates]
        await session.flush()


async def _sync_questions(
    session: AsyncSession, event: Event, wanted: Sequence[CheckedQuestion], current: Sequence[Question]
) -> None:
    """Questions keep their ids (answers are stored by them); new ones are added, left-out ones removed."""
    existing = {question.id: question for question in current}
    kept = {question.id for question in wanted if question.id is not None}
    for row in current:
        if row.id not in kept:
            await session.delete(row)
    for position, question in enumerate(wanted):
        found = existing.get(question.id) if question.id is not None else None
        if found is None:
            await add_question(
                session,
                event,
                kind=question.kind,
                label=question.labels,
                required=question.required,
                choices=question.choices,
                position=position,
            )
            continue
        found.label, found.required, found.choices = question.labels, question.required, question.choices
        found.position = position
    await session.flush()


async def _sync_co_organisers(
    session: AsyncSession, event: Event, wanted: Sequence[int], current: Sequence[int]
) -> None:
    rows = (await session.scalars(select(EventCoOrganiser).where(EventCoOrganiser.event_id == event.id))).all()
    for row in rows:
        if row.city_id not in wanted:
            await session.delete(row)
    for city_id in wanted:
        if city_id not in current:
            session.add(EventCoOrganiser(event_id=event.id, city_id=city_id))
    await session.flush()
