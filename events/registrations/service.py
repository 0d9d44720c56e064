"""Registering, changing, cancelling, and the waiting list. Functions flush and never commit.

Every function that touches seats first takes the event's lock (``lock_event``): a row lock on PostgreSQL, and
on SQLite the write lock the transaction took with BEGIN IMMEDIATE. Inside it the event's counters
(``confirmed_seats``, ``waitlist_length``) are read and written, so two registrations can never both take the
last seat; a CHECK constraint refuses overbooking even if this code were wrong.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Insert,
    Integer,
    Select,
    String,
    Update,
    bindparam,
    exists,
    func,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from events.cache import KeptWhileCurrent, note_change
from events.catalog.availability import RegistrationState, registration_state, registration_window, seats_left
from events.catalog.models import Event, EventStatus, WaitlistRule
from events.catalog.presenters import present_event
from events.catalog.queries import (
    Catalogue,
    detached_copy,
    holds_lock,
    load_catalogue,
    load_event,
    lock_in_session,
)
from events.database import UTCDateTime, keep_out_of_session
from events.errors import Moment, NotFound
from events.feeds.ical import feed_event
from events.i18n import N_, gettext_for, pick_text
from events.mail.service import queue_message
from events.registrations.errors import (
    CapacityBelowConfirmed,
    IdempotencyConflict,
    NotEnoughSeats,
    RegistrationCancelled,
    RegistrationClosed,
)
from events.registrations.forms import CheckedChange, CheckedRegistration, RegistrationInput, check, check_change
from events.registrations.messages import Kind, MailSettings, compose
from events.registrations.models import (
    ACTIVE_SQL,
    IdempotencyKey,
    ManageToken,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from events.tokens import looks_like_token, new_token, token_hash

log = logging.getLogger("events.registrations")


@dataclass(frozen=True)
class Context:
    """What the services need to know about the platform, without a request."""

    base_url: str
    calendar_domain: str
    now: dt.datetime
    # Signs the check-in codes that confirmations carry; scripts without it send mail without a code.
    secret_key: str | None = None

    @property
    def mail(self) -> MailSettings:
        return MailSettings(self.base_url, self.calendar_domain, self.secret_key)


@dataclass(frozen=True)
class Locked:
    """An event read under its lock, with what is needed to write to its participants."""

    event: Event
    catalogue: Catalogue


@dataclass(frozen=True)
class Outcome:
    registration: Registration
    token: str  # handed out once: the manage link of this answer
    waitlist_position: int | None
    locked: Locked  # the event as it stood under the lock, for the answer
    already_registered: bool = False
    replayed: bool = False


def manage_url(base_url: str, token: str, language: str | None = None) -> str:
    """The private manage link; in e-mails it carries the person's language, whatever their browser says."""
    return f"{base_url}/r/{token}" + (f"?lang={language}" if language else "")


# What registering decides on: read again under the lock, so no other transaction can change it meanwhile.
LOCKED_COLUMNS = [
    "status",
    "deleted_at",
    "capacity",
    "confirmed_seats",
    "waitlist_length",
    "max_seats_per_registration",
    "waitlist_enabled",
    "waitlist_rule",
    "approval_required",
    "registration_enabled",
    "registration_opens_at",
    "registration_closes_at",
    "published_at",
    "starts_at",
    "sequence",
]


def _read_under_lock(*where: ColumnElement[bool]) -> Select[Any]:
    """The event's lock, with what decisions rest on and the event's version, in one Core statement: loading the
    event's object (with its texts) under the lock would keep every other registration for the event waiting while
    the ORM builds it, several times longer than this read takes."""
    columns = [Event.__table__.c[name] for name in LOCKED_COLUMNS]
    return select(Event.id, *columns, Event.updated_at).where(*where).with_for_update()


_LOCK_BY_ID = _read_under_lock(Event.id == bindparam("event_id"))
# For registering: the public event with the slug (the event itself comes from the process's EventCache).
_LOCK_PUBLIC_EVENT = _read_under_lock(
    Event.slug == bindparam("slug"), Event.status != EventStatus.DRAFT, Event.deleted_at.is_(None)
)


def _version(event: Any) -> tuple[dt.datetime, int]:
    """What moves whenever anything an event shows changes (the feeds' fragment cache relies on the same): of a
    loaded event, or of the row read under its lock."""
    return event.updated_at, event.sequence


def _take_locked_values(event: Event, row: Any) -> None:
    for name in LOCKED_COLUMNS:
        set_committed_value(event, name, row._mapping[name])


class EventCache:
    """Events as registering last loaded them, kept per process: registering needs the whole event (its texts,
    venue and changed dates, for its answer and its mail), and the ORM's building it cost more than anything else
    a registration does before the lock. A kept event serves while its ``updated_at`` and ``sequence`` are the
    database's: every change to what it shows moves one of them (the feeds' fragment cache relies on the same),
    and the event's lock reads them again. The kept objects belong to no session and are only read; each
    registration gets a copy of its own (``catalog.queries.detached_copy``)."""

    MAX_EVENTS = 4096  # a safeguard: registrations are open for a few dozen events at a time

    def __init__(self) -> None:
        self._kept: dict[uuid.UUID, Event] = {}

    def get(self, event_id: uuid.UUID, version: tuple[dt.datetime, int]) -> Event | None:
        kept = self._kept.get(event_id)
        return kept if kept is not None and _version(kept) == version else None

    def keep(self, event: Event) -> None:
        if len(self._kept) >= self.MAX_EVENTS:
            self._kept.clear()
        self._kept[event.id] = event


async def lock_public_event(session: AsyncSession, catalogue: Catalogue, slug: str, cache: EventCache) -> Event:
    """The published or cancelled event with this slug, locked for the rest of the transaction, for registering.

    One statement takes the lock and reads what registering decides on, with the event's ``updated_at`` and
    ``sequence``: while those are the ones of the event ``cache`` keeps, registering gets a copy of it; otherwise
    the event is loaded (under the lock, which happens only after it changed) and kept. Drafts and unknown slugs
    are not found."""
    row = (await (await session.connection()).execute(_LOCK_PUBLIC_EVENT, {"slug": slug})).one_or_none()
    if row is None:
        raise NotFound()
    lock_in_session(session, row.id)
    kept = cache.get(row.id, _version(row))
    if kept is None:
        kept = await load_event(session, catalogue, row.id)
        graph = [kept, kept.venue, kept.source, *kept.translations.values(), *kept.changes]
        keep_out_of_session(session, [item for item in graph if item is not None])
        cache.keep(kept)
    event = detached_copy(kept, catalogue)
    _take_locked_values(event, row)
    return event


async def lock_event(session: AsyncSession, event_id: uuid.UUID, *, loaded: Event | None = None) -> Locked:
    """Load the event, then take its lock for the rest of the transaction and read its seat counts afresh.

    Everything else is read before the lock, which is held as briefly as possible: every registration for the
    event waits for it. PostgreSQL takes a row lock; SQLite renders no FOR UPDATE, its write transaction
    (BEGIN IMMEDIATE) already holds the database's one write lock.
    """
    catalogue = await load_catalogue(session)
    event = loaded if loaded is not None else await load_event(session, catalogue, event_id)
    if not holds_lock(session, event_id):
        event = await _lock_and_read_again(session, catalogue, event)
        lock_in_session(session, event_id)
    return Locked(event, catalogue)


async def _lock_and_read_again(session: AsyncSession, catalogue: Catalogue, event: Event) -> Event:
    """Take the event's lock and read again what decisions rest on. An event whose ``updated_at`` or ``sequence``
    moved since it was loaded (an organiser's edit, which takes the same lock, moves them) is loaded again, now
    under the lock, so that what the participant is told matches what was decided."""
    row = (await (await session.connection()).execute(_LOCK_BY_ID, {"event_id": event.id})).one_or_none()
    if row is None:
        raise NotFound()
    if _version(row) != _version(event):
        return await load_event(session, catalogue, event.id)  # into the session, every attribute read afresh
    _take_locked_values(event, row)
    return event


async def add_question(
    session: AsyncSession,
    event: Event,
    *,
    kind: QuestionKind,
    label: dict[str, str],
    required: bool = False,
    choices: list[dict[str, Any]] | None = None,
    position: int = 0,
) -> Question:
    """Add one of the event's own questions; choice questions need choices, {"value", "label": {lang: text}}."""
    choices = choices or []
    if kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE):
        values = [choice.get("value") for choice in choices]
        if (
            not values
            or len(set(values)) != len(values)
            or not all(isinstance(value, str) and value for value in values)
        ):
            raise ValueError("a choice question needs choices with distinct, non-empty values")
    elif choices:
        raise ValueError(f"a {kind.value} question has no choices")
    if not any(text.strip() for text in label.values()):
        raise ValueError("a question needs a label in at least one language")
    question = Question(
        event_id=event.id, kind=kind, label=dict(label), required=required, choices=choices, position=position
    )
    session.add(question)
    await session.flush()
    return question


async def questions_by_event(session: AsyncSession, event_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[Question]]:
    """The questions of several events in one query, for lists."""
    found: dict[uuid.UUID, list[Question]] = {event_id: [] for event_id in event_ids}
    if event_ids:
        statement = select(Question).where(Question.event_id.in_(event_ids)).order_by(Question.position, Question.id)
        for question in (await session.scalars(statement)).all():
            found[question.event_id].append(question)
    return found


# Built once, run with parameters: on every registration, composing them would cost more than running them.
_QUESTIONS = select(Question).where(Question.event_id == bindparam("event_id")).order_by(Question.position, Question.id)
_ACTIVE_OF_PERSON = select(Registration).where(
    Registration.event_id == bindparam("event_id"),
    Registration.email_key == bindparam("email_key"),
    text(ACTIVE_SQL),
)


async def questions_of(session: AsyncSession, event_id: uuid.UUID) -> list[Question]:
    return list((await session.scalars(_QUESTIONS, {"event_id": event_id})).all())


@dataclass(frozen=True)
class EventQuestions:
    """An event's questions as read before registering takes its lock, with the event they belong to: the slug
    that found them names another event by then if an organiser renamed one meanwhile."""

    event_id: uuid.UUID | None  # None: no event has that slug
    questions: list[Question]


# The events' questions kept per process, by slug, while the questions' own version holds (events/cache.py): every
# registration checks its answers against them, and only an organiser's edit changes them.
QuestionCache = KeptWhileCurrent[str, EventQuestions]


# The event's id comes along even when it has no questions: the outer join gives it one row without a question.
_QUESTIONS_BY_SLUG = (
    select(Event.id, Question)
    .outerjoin(Question, Question.event_id == Event.id)
    .where(Event.slug == bindparam("slug"))
    .order_by(Question.position, Question.id)
)


async def questions_before_lock(session: AsyncSession, slug: str, cache: QuestionCache | None = None) -> EventQuestions:
    """The questions of the event with this slug, read before registering takes the event's lock (every
    registration for the event waits while another holds it, and so for every statement run under it), or taken
    from the process's cache, which saves the round trip altogether."""
    token, found = cache.get(slug) if cache is not None else (None, None)
    if found is not None:
        return found
    rows = (await session.execute(_QUESTIONS_BY_SLUG, {"slug": slug})).all()
    questions = [question for _, question in rows if question is not None]
    found = EventQuestions(rows[0][0] if rows else None, questions)
    if cache is not None and token is not None:
        keep_out_of_session(session, questions)
        cache.keep(token, slug, found)
    return found


async def register(
    session: AsyncSession,
    *,
    event_id: uuid.UUID,
    sent: RegistrationInput,
    context: Context,
    idempotency_key: str | None = None,
    loaded: Event | None = None,
    questions: EventQuestions | None = None,
) -> Outcome:
    """Register a person (or a delegation): confirmed, on the waiting list, or awaiting approval.
    ``loaded``: the event as the caller already has it (with its texts), to be locked without reading it whole
    again, or locked already (``lock_public_event``); ``questions``: its questions, when the caller has them."""
    if questions is not None and questions.event_id == event_id:
        asked = questions.questions
    else:
        asked = await questions_of(session, event_id)
    locked = await lock_event(session, event_id, loaded=loaded)
    event = locked.event
    if idempotency_key is not None and (replay := await _replay(session, locked, sent, idempotency_key, context)):
        return replay
    _ensure_open(event, context.now)
    checked = check(sent, event=event, questions=asked, cities=locked.catalogue.cities)
    registration, too_many = None, None
    try:
        status = _status_for_new(event, checked.seats)
    except NotEnoughSeats as error:
        too_many = error  # unless the address is registered already, which is answered first
    else:
        # None when the address holds an active registration for the event already.
        token, hashed = new_token()
        registration = await _insert_registration(
            session, event, checked, status=status, now=context.now, token_hash=hashed
        )
    if registration is None:
        existing = await session.scalar(_ACTIVE_OF_PERSON, {"event_id": event_id, "email_key": checked.email_key})
        if existing is None:
            assert too_many is not None  # the INSERT wrote nothing only because of an active registration
            raise too_many
        # Registering again is how people find a lost link: send it again, to that address only.
        token = await issue_token(session, existing, context)
        await send_mail(session, Kind.MANAGE_LINK, existing, locked, context, token=token)
        return Outcome(existing, token, await waitlist_position(session, existing), locked, already_registered=True)
    if idempotency_key is not None:
        session.add(
            IdempotencyKey(
                key_hash=token_hash(idempotency_key),
                fingerprint=_fingerprint(event, sent),
                registration_id=registration.id,
                created_at=context.now,
            )
        )
    # A newcomer joins the end of the waiting list: its position is the list's new length.
    position = event.waitlist_length if registration.status is RegistrationStatus.WAITLISTED else None
    kind = {
        RegistrationStatus.CONFIRMED: Kind.CONFIRMED,
        RegistrationStatus.WAITLISTED: Kind.WAITLISTED,
        RegistrationStatus.PENDING: Kind.PENDING,
    }[registration.status]
    await send_mail(session, kind, registration, locked, context, token=token, position=position, sequence_raised=True)
    log.info(
        "Registration %s for event %s is %s with %s places",
        registration.id,
        event.id,
        registration.status.value,
        registration.seats,
        extra={"registration_id": registration.id, "event_id": str(event.id), "status": registration.status.value},
    )
    return Outcome(registration, token, position, locked)


def _ensure_open(event: Event, now: dt.datetime) -> None:
    state = registration_state(event, now)
    if state is RegistrationState.OPEN:
        return
    if state is RegistrationState.NOT_YET_OPEN:
        opens, _ = registration_window(event)
        assert opens is not None
        raise RegistrationClosed(state, date=Moment(opens, event.timezone))
    raise RegistrationClosed(state)


def _status_for_new(event: Event, seats: int) -> RegistrationStatus:
    if event.approval_required:
        return RegistrationStatus.PENDING
    left = seats_left(event)
    fits = left is None or seats <= left
    # In strict order nobody passes those already waiting; with "first that fits" a newcomer who fits may.
    nobody_waiting = event.waitlist_length == 0 or event.waitlist_rule is WaitlistRule.FIRST_FIT
    if fits and nobody_waiting:
        return RegistrationStatus.CONFIRMED
    if event.waitlist_enabled:
        return RegistrationStatus.WAITLISTED
    raise NotEnoughSeats(left or 0)


def counted_in(event: Event, status: RegistrationStatus, seats: int) -> tuple[str, int] | None:
    """The event's counter that a registration of ``status`` and ``seats`` joins, and the counter's new value."""
    if status is RegistrationStatus.CONFIRMED:
        return "confirmed_seats", event.confirmed_seats + seats
    if status is RegistrationStatus.WAITLISTED:
        return "waitlist_length", event.waitlist_length + 1
    return None


def count_in(event: Event, registration: Registration, now: dt.datetime) -> None:
    if (counted := counted_in(event, registration.status, registration.seats)) is not None:
        setattr(event, *counted)
    if registration.status is RegistrationStatus.CONFIRMED:
        registration.confirmed_at = now


def count_out(event: Event, registration: Registration) -> None:
    if registration.status is RegistrationStatus.CONFIRMED:
        event.confirmed_seats -= registration.seats
    elif registration.status is RegistrationStatus.WAITLISTED:
        event.waitlist_length -= 1


def _fingerprint(event: Event, sent: RegistrationInput) -> str:
    body = {name: getattr(sent, name) for name in ("name", "email", "seats", "members", "answers", "home_city")}
    raw = json.dumps([str(event.id), body], sort_keys=True, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


async def _replay(
    session: AsyncSession, locked: Locked, sent: RegistrationInput, key: str, context: Context
) -> Outcome | None:
    """A retry with the same Idempotency-Key: the same registration, with a new working manage link."""
    stored = await session.scalar(select(IdempotencyKey).where(IdempotencyKey.key_hash == token_hash(key)))
    if stored is None:
        return None
    if stored.fingerprint != _fingerprint(locked.event, sent) or stored.registration_id is None:
        raise IdempotencyConflict()
    registration = await session.get(Registration, stored.registration_id)
    if registration is None:
        raise IdempotencyConflict()
    token = await issue_token(session, registration, context)
    return Outcome(registration, token, await waitlist_position(session, registration), locked, replayed=True)


def _insert_unless_registered() -> Insert:
    """INSERT … SELECT of a new registration, which writes nothing when the address holds an active registration
    for the event already (the partial unique index would refuse it; this way the transaction goes on), and takes
    the invitation's sequence on from the address's earlier registrations: one statement, where looking first
    would take a round trip more while the event is locked. RETURNING gives the id and the sequence.

    Its parameters are the columns' names with ``new_`` in front: an UPDATE of the events in the same statement
    (PostgreSQL) would otherwise set every column of theirs whose name a parameter has (status, created_at)."""
    table = Registration.__table__
    given = [column for column in table.c if column.name not in ("id", "calendar_sequence")]
    same_person = (table.c.event_id == bindparam("new_event_id")) & (table.c.email_key == bindparam("new_email_key"))
    earlier_sequence = select(func.coalesce(func.max(table.c.calendar_sequence), 0)).where(same_person)
    registered = select(table.c.id).where(same_person, text(ACTIVE_SQL))
    values = select(
        *(bindparam(f"new_{column.name}", type_=column.type) for column in given),
        earlier_sequence.scalar_subquery() + bindparam("sequence_raised", type_=Integer),
    ).where(~exists(registered))
    return (
        insert(Registration)
        .from_select([*(column.name for column in given), "calendar_sequence"], values)
        .returning(Registration.id, Registration.calendar_sequence)
    )


def _set_counter_statement(name: str) -> Update:
    return update(Event).where(Event.id == bindparam("event_id")).values({name: bindparam("value", type_=Integer)})


def _register_in_one_statement(counter: str | None) -> Select[tuple[int, int]]:
    """PostgreSQL: the registration, the event's ``counter`` (if its status has one) and the manage link, written
    by one statement (data-modifying WITH queries), where three would take three round trips while every other
    registration for the event waits for its lock. The counter and the link are written only if the
    registration was."""
    registered = _INSERT_REGISTRATION.cte("registered")
    written = select(registered.c.id)
    link = insert(ManageToken).from_select(
        ["registration_id", "token_hash", "created_at"],
        select(registered.c.id, bindparam("token_hash", type_=String), bindparam("new_created_at", type_=UTCDateTime)),
    )
    statement = select(registered.c.id, registered.c.calendar_sequence).add_cte(link.cte("link"))
    if counter is not None:
        statement = statement.add_cte(_set_counter_statement(counter).where(exists(written)).cte("counted"))
    return statement


# The writes of every registration, as Core statements on the session's connection: the unit of work's flush would
# cost more than the statements themselves (bench/registrations.py). Built once, run with parameters.
_COUNTERS = ("confirmed_seats", "waitlist_length")
_INSERT_REGISTRATION = _insert_unless_registered()
_INSERT_TOKEN = insert(ManageToken)
_SET_COUNTER = {name: _set_counter_statement(name) for name in _COUNTERS}
_REGISTER_IN_ONE_STATEMENT = {name: _register_in_one_statement(name) for name in (*_COUNTERS, None)}


async def issue_token(session: AsyncSession, registration: Registration, context: Context) -> str:
    """A new manage link to a registration that is in the database already; only its hash is stored."""
    token, hashed = new_token()
    await _store_token(await session.connection(), registration.id, hashed, context.now)
    return token


async def _store_token(connection: AsyncConnection, registration_id: int, hashed: str, now: dt.datetime) -> None:
    await connection.execute(
        _INSERT_TOKEN, {"registration_id": registration_id, "token_hash": hashed, "created_at": now}
    )


async def _insert_registration(
    session: AsyncSession,
    event: Event,
    checked: CheckedRegistration,
    *,
    status: RegistrationStatus,
    now: dt.datetime,
    token_hash: str,
) -> Registration | None:
    """Write a new registration, count it in the event's counters and store its manage link's ``token_hash``,
    returning it as a persistent object of the session, as if it had been loaded (later changes to it are flushed
    as usual); None, and nothing written, when the address holds an active registration for the event already."""
    values: dict[str, Any] = {
        "event_id": event.id,
        "status": status,
        "name": checked.name,
        "email": checked.email,
        "email_key": checked.email_key,
        "phone": checked.phone,
        "home_city_id": checked.home_city_id,
        "language": checked.language,
        "seats": checked.seats,
        "members": checked.members,
        "answers": checked.answers,
        "consented_at": now,
        "created_at": now,
        "updated_at": now,
        "confirmed_at": now if status is RegistrationStatus.CONFIRMED else None,
        "cancelled_at": None,
        "cancelled_by": None,
        "checked_in_at": None,
        "erased_at": None,
        "reminded_for": None,
    }
    connection = await session.connection()
    # The invitation keeps the event's UID: a new one must outrank the cancellation of an earlier one. A
    # confirmation carries the invitation, whose raised sequence the INSERT writes at once.
    raised = int(status is RegistrationStatus.CONFIRMED)
    counter, count = counted_in(event, status, checked.seats) or (None, None)
    in_one = connection.dialect.name == "postgresql"  # SQLite has no data-modifying WITH queries
    statement = _REGISTER_IN_ONE_STATEMENT[counter] if in_one else _INSERT_REGISTRATION
    parameters = {f"new_{name}": value for name, value in values.items()}
    parameters |= {"sequence_raised": raised, "token_hash": token_hash, "event_id": event.id, "value": count}
    written = (await connection.execute(statement, parameters)).one_or_none()
    if written is None:
        return None
    registration = Registration(id=written.id, calendar_sequence=written.calendar_sequence, **values)
    make_transient_to_detached(registration)  # every column is set, so nothing is left to load
    session.add(registration)
    if not in_one:
        if counter is not None:
            await connection.execute(_SET_COUNTER[counter], {"event_id": event.id, "value": count})
        await _store_token(connection, registration.id, token_hash, now)
    if counter is not None:
        set_committed_value(event, counter, count)  # the loaded event matches, and no flush writes it again
    note_change(session.sync_session, {"registrations", "events", "manage_tokens"})
    return registration


async def waitlist_position(session: AsyncSession, registration: Registration) -> int | None:
    if registration.status is not RegistrationStatus.WAITLISTED:
        return None
    ahead = await session.scalar(
        select(func.count())
        .select_from(Registration)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.id < registration.id,
        )
    )
    return int(ahead or 0) + 1


async def find_by_token(session: AsyncSession, token: str) -> Registration:
    """The registration a manage link belongs to; anything else is simply not found."""
    if not looks_like_token(token):
        raise NotFound()
    registration = await session.scalar(
        select(Registration).join(ManageToken).where(ManageToken.token_hash == token_hash(token))
    )
    if registration is None:
        raise NotFound()
    return registration


async def send_mail(
    session: AsyncSession,
    kind: Kind,
    registration: Registration,
    locked: Locked,
    context: Context,
    *,
    token: str | None = None,
    position: int | None = None,
    was_in_calendar: bool = False,
    quote: str | None = None,
    sequence_raised: bool = False,
) -> None:
    view = present_event(
        locked.event,
        locked.catalogue,
        registration.language,
        now=context.now,
        base_url=context.base_url,
        detailed=True,
    )
    entry = feed_event(
        locked.event,
        locked.catalogue,
        registration.language,
        base_url=context.base_url,
        calendar_domain=context.calendar_domain,
    )
    message = compose(
        kind,
        registration,
        view,
        entry,
        settings=context.mail,
        now=context.now,
        manage_url=manage_url(context.base_url, token, registration.language) if token else None,
        waitlist_position=position,
        was_in_calendar=was_in_calendar,
        quote=quote,
        sequence_raised=sequence_raised,
    )
    await queue_message(session, message, now=context.now, domain=context.calendar_domain)


async def locked_registration(
    session: AsyncSession, registration_id: int, context: Context
) -> tuple[Registration, Locked]:
    event_id = await session.scalar(select(Registration.event_id).where(Registration.id == registration_id))
    if event_id is None:
        raise NotFound()
    locked = await lock_event(session, event_id)
    registration = await session.get(Registration, registration_id, populate_existing=True)
    assert registration is not None
    return registration, locked


async def change_registration(
    session: AsyncSession, registration_id: int, sent: RegistrationInput, context: Context
) -> Registration:
    """Change seats, delegation members or answers, within the same rules as registering."""
    registration, locked = await locked_registration(session, registration_id, context)
    event = locked.event
    if not registration.is_active:
        raise RegistrationCancelled()
    if event.status is not EventStatus.PUBLISHED or event.deleted_at is not None:
        raise RegistrationClosed(RegistrationState.CANCELLED)
    if context.now >= event.starts_at:
        raise RegistrationClosed(RegistrationState.STARTED)
    current = CheckedChange(registration.seats, list(registration.members), dict(registration.answers))
    change = check_change(sent, event=event, questions=await questions_of(session, event.id), current=current)
    if registration.status is RegistrationStatus.CONFIRMED and change.seats > registration.seats:
        left = seats_left(event)
        if left is not None and change.seats - registration.seats > left:
            raise NotEnoughSeats(left)
        event.confirmed_seats += change.seats - registration.seats
    elif registration.status is RegistrationStatus.CONFIRMED:
        event.confirmed_seats -= registration.seats - change.seats
    registration.seats, registration.members, registration.answers = change.seats, change.members, change.answers
    registration.updated_at = context.now
    await session.flush()
    await promote_waitlist(session, locked, context)
    token = await issue_token(session, registration, context)
    await send_mail(
        session,
        Kind.CHANGED,
        registration,
        locked,
        context,
        token=token,
        position=await waitlist_position(session, registration),
    )
    return registration


async def cancel_registration(
    session: AsyncSession,
    registration_id: int,
    context: Context,
    *,
    by: str = "participant",
    message: str | None = None,
) -> Registration:
    """Cancel and free the seats at once; whoever waits next moves up in the same transaction.
    ``by="organiser"`` tells the participant it was the organisers, quoting their ``message`` if any."""
    registration, locked = await locked_registration(session, registration_id, context)
    if not registration.is_active:
        return registration  # cancelling twice changes nothing
    was_confirmed = registration.status is RegistrationStatus.CONFIRMED
    count_out(locked.event, registration)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = registration.updated_at = context.now
    registration.cancelled_by = by
    await session.flush()
    kind = Kind.CANCELLED_BY_ORGANISER if by == "organiser" else Kind.CANCELLED
    await send_mail(session, kind, registration, locked, context, was_in_calendar=was_confirmed, quote=message)
    await promote_waitlist(session, locked, context)
    log.info(
        "Registration %s was cancelled by the %s",
        registration.id,
        by,
        extra={"registration_id": registration.id, "event_id": str(locked.event.id)},
    )
    return registration


async def promote_waitlist(session: AsyncSession, locked: Locked, context: Context) -> list[Registration]:
    """Confirm waiting registrations, first in first out, while they fit the free seats.

    In strict order the first one that does not fit holds the others back, and a log line says so; with
    "first that fits" the next ones that fit go first while it keeps its place at the head of the list.
    """
    event = locked.event
    if not may_promote(event, context.now):
        return []
    waiting = (
        await session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.WAITLISTED)
            .order_by(Registration.id)
        )
    ).all()
    promoted: list[Registration] = []
    for registration in waiting:
        left = seats_left(event)
        if left is not None and registration.seats > left:
            log.info(
                "A waiting registration of %s places does not fit the %s free places of event %s",
                registration.seats,
                left,
                event.id,
                extra={"registration_id": registration.id, "event_id": str(event.id), "rule": event.waitlist_rule},
            )
            if event.waitlist_rule is WaitlistRule.STRICT or left == 0:
                break
            continue
        event.waitlist_length -= 1
        registration.status = RegistrationStatus.CONFIRMED
        event.confirmed_seats += registration.seats
        registration.confirmed_at = registration.updated_at = context.now
        promoted.append(registration)
    await session.flush()
    for registration in promoted:
        token = await issue_token(session, registration, context)
        await send_mail(session, Kind.PROMOTED, registration, locked, context, token=token)
    return promoted


def may_promote(event: Event, now: dt.datetime) -> bool:
    """A free place goes to the waiting list only while the event is on and has not started."""
    return event.status is EventStatus.PUBLISHED and event.deleted_at is None and now < event.starts_at


async def change_capacity(session: AsyncSession, event_id: uuid.UUID, capacity: int | None, context: Context) -> Event:
    """Set an event's capacity; more places go straight to the waiting list, fewer may not drop below the
    places already confirmed."""
    locked = await lock_event(session, event_id)
    event = locked.event
    if capacity is not None and capacity < max(event.confirmed_seats, 1):
        raise CapacityBelowConfirmed(event.confirmed_seats)
    event.capacity = capacity
    event.updated_at = context.now
    await session.flush()
    await promote_waitlist(session, locked, context)
    return event


async def decide(session: AsyncSession, registration_id: int, context: Context, *, approve: bool) -> Registration:
    """The organiser's answer to a registration awaiting approval."""
    registration, locked = await locked_registration(session, registration_id, context)
    if registration.status is not RegistrationStatus.PENDING:
        return registration
    if not approve:
        registration.status = RegistrationStatus.DECLINED
        registration.updated_at = context.now
        await send_mail(session, Kind.DECLINED, registration, locked, context)
        return registration
    event = locked.event
    if event.status is not EventStatus.PUBLISHED or event.deleted_at is not None:
        raise RegistrationClosed(RegistrationState.CANCELLED)
    left = seats_left(event)
    fits = left is None or registration.seats <= left
    if fits and event.waitlist_rule is WaitlistRule.STRICT and event.waitlist_length:
        # In strict order an approved registration does not pass those who waited since before it.
        fits = not await _anyone_waiting_before(session, registration)
    if not fits and not event.waitlist_enabled:
        raise NotEnoughSeats(left or 0)
    registration.status = RegistrationStatus.CONFIRMED if fits else RegistrationStatus.WAITLISTED
    count_in(event, registration, context.now)
    registration.updated_at = context.now
    await session.flush()
    token = await issue_token(session, registration, context)
    kind = Kind.CONFIRMED if fits else Kind.WAITLISTED
    await send_mail(
        session,
        kind,
        registration,
        locked,
        context,
        token=token,
        position=await waitlist_position(session, registration),
    )
    return registration


async def _anyone_waiting_before(session: AsyncSession, registration: Registration) -> bool:
    ahead = await session.scalar(
        select(Registration.id)
        .where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.id < registration.id,
        )
        .limit(1)
    )
    return ahead is not None


def answers_for_display(registration: Registration, questions: list[Question], language: str) -> list[tuple[str, str]]:
    """(question, answer) in the reader's language, for the manage page and the data download."""
    shown = []
    for question in questions:
        value = registration.answers.get(str(question.id))
        if value is None:
            continue
        shown.append((pick_text(question.label, language), answer_text(question, value, language)))
    return shown


def answer_text(question: Question, value: Any, language: str) -> str:
    """One answer as a reader of ``language`` sees it: choices by their label, yes or no in words."""
    if value is None:
        return ""
    labels: dict[str, str] = {choice["value"]: pick_text(choice["label"], language) for choice in question.choices}
    if isinstance(value, bool):
        return gettext_for(language, N_("Yes") if value else N_("No"))
    if isinstance(value, list):
        return ", ".join(labels.get(item, str(item)) for item in value)
    return labels.get(value, str(value))
