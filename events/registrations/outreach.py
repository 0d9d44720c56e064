"""The organisers' own messages to an event's participants: one text per language, and each participant gets
the one in their registration's language, else the next in the platform's fallback order (``i18n.pick``).
Sent through the outbox in the transaction that decides to send them. Functions flush and never commit."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from events.audit.service import Actor, record
from events.catalog.presenters import present_event
from events.catalog.queries import load_catalogue, load_event
from events.errors import FieldError, InvalidFields, PlatformError
from events.i18n import LANGUAGE_CODES, N_, gettext_for, pick, pick_text
from events.mail.notice import Notice, notice_message
from events.mail.service import queue_message
from events.registrations.models import IdempotencyKey, Registration, RegistrationStatus
from events.registrations.roster import ACTIVE, CHECKED_IN, list_registrations
from events.registrations.service import Context, issue_token, manage_url
from events.tokens import token_hash

MAX_SUBJECT = 200
MAX_BODY = 5000
# Who a message can go to: everyone still registered, one status, or those who came.
MESSAGE_GROUPS = (
    ACTIVE,
    RegistrationStatus.CONFIRMED.value,
    RegistrationStatus.WAITLISTED.value,
    RegistrationStatus.PENDING.value,
    CHECKED_IN,
)
KIND = "organiser_message"


@dataclass(frozen=True)
class Letter:
    """What the organisers wrote: the group, and a subject and text per language (at least one)."""

    group: str
    subjects: dict[str, str]
    bodies: dict[str, str]

    def language_for(self, reader: str) -> str:
        """The language of the text a reader of ``reader`` gets."""
        chosen = pick(self.bodies, reader)
        assert chosen is not None
        return chosen[0]


def check_letter(group: str, subjects: Mapping[str, str], bodies: Mapping[str, str]) -> Letter:
    """Every field error at once: an unknown group, a text without subject or the reverse, too long, none."""
    errors: list[FieldError] = []
    if group not in MESSAGE_GROUPS:
        errors.append(FieldError("group", N_("Choose who gets the message.")))
    written_subjects: dict[str, str] = {}
    written_bodies: dict[str, str] = {}
    for code in LANGUAGE_CODES:
        subject = " ".join(subjects.get(code, "").split())  # one line: a subject is a mail header
        body = bodies.get(code, "").strip().replace("\r\n", "\n")
        if body and not subject:
            errors.append(FieldError(f"subject_{code}", N_("Give this text a subject.")))
        elif subject and not body:
            continue  # a subject alone (the event's title, filled in for convenience) is no message
        if len(subject) > MAX_SUBJECT:
            errors.append(
                FieldError(f"subject_{code}", N_("A subject has at most %(max)s characters."), {"max": MAX_SUBJECT})
            )
        if len(body) > MAX_BODY:
            errors.append(FieldError(f"body_{code}", N_("A text has at most %(max)s characters."), {"max": MAX_BODY}))
        if body:
            written_subjects[code], written_bodies[code] = subject, body
    if not written_bodies and not errors:
        errors.append(FieldError("texts", N_("Write the message in at least one language.")))
    if errors:
        raise InvalidFields(errors)
    return Letter(group, written_subjects, written_bodies)


async def recipients(session: AsyncSession, event_id: uuid.UUID, group: str) -> list[Registration]:
    """The registrations of a group that still have an address (erased ones have none)."""
    found = await list_registrations(session, event_id, group=group)
    return [registration for registration in found if registration.email and registration.erased_at is None]


@dataclass(frozen=True)
class Preview:
    total: int
    # (the participants' language, the language of the text they get, how many)
    shares: list[tuple[str, str, int]]


async def preview(session: AsyncSession, event_id: uuid.UUID, letter: Letter) -> Preview:
    """How many get the message, and who gets which language."""
    people = await recipients(session, event_id, letter.group)
    shares = Counter((person.language, letter.language_for(person.language)) for person in people)
    return Preview(len(people), [(reader, text, number) for (reader, text), number in sorted(shares.items())])


class AlreadySent(PlatformError):
    status = 409
    code = "message-already-sent"
    title = N_("This message has already been sent")


async def send_to_participants(
    session: AsyncSession,
    event_id: uuid.UUID,
    letter: Letter,
    context: Context,
    *,
    actor: Actor,
    once: str | None = None,
) -> int:
    """Queue the message for every participant of the group, each in their language; audited with the number
    sent, never the addresses. ``once``: the form's one-time key, so a double click or a resent form sends
    nothing twice (AlreadySent)."""
    if once is not None:
        await _claim_once(session, once, context.now)
    catalogue = await load_catalogue(session)
    event = await load_event(session, catalogue, event_id)
    people = await recipients(session, event_id, letter.group)
    for person in people:
        language = letter.language_for(person.language)
        view = present_event(event, catalogue, language, now=context.now, base_url=context.base_url)
        token = await issue_token(session, person, context)
        office = pick_text(event.office.office_name, language)
        notice = Notice(
            kind=KIND,
            to_address=person.email,
            to_name=person.name,
            language=language,
            subject=letter.subjects[language],
            paragraphs=[letter.bodies[language]],
            action_url=manage_url(context.base_url, token, language),
            action_label=gettext_for(language, N_("See your registration")),
            notes=[
                gettext_for(
                    language, N_("This message is about %(title)s, %(when)s."), title=view.title, when=view.when_text
                )
            ],
            signature=" · ".join(part for part in (office, event.office.office_email) if part),
            registration_id=person.id,
        )
        await queue_message(session, notice_message(notice), now=context.now, domain=context.calendar_domain)
    await record(
        session,
        actor,
        "event.participants_messaged",
        entity_type="event",
        entity_id=event_id,
        now=context.now,
        event_id=event_id,
        changes={
            "group": [None, letter.group],
            "recipients": [None, len(people)],
            "languages": [None, sorted(letter.bodies)],
        },
    )
    return len(people)


async def _claim_once(session: AsyncSession, once: str, now: dt.datetime) -> None:
    """The unique key hash makes the database refuse a second send of the same form, even at the same moment."""
    key_hash = token_hash(f"participant-message:{once}")
    try:
        async with session.begin_nested():
            session.add(IdempotencyKey(key_hash=key_hash, fingerprint=key_hash, created_at=now))
    except IntegrityError:
        raise AlreadySent() from None
