"""The approval digest: organisers (and admins) hear by mail that registrations await their approval, at most once
an hour, and only when something new came in since their last digest.

Everyone gets the events of their own office and those it co-organises; admins too, as the other office's admins
look after its own. Every worker process runs this job: a conditional UPDATE claims each person's digest, so two
processes never send the same one (on PostgreSQL the second waits for the first one's row lock and then finds the
digest taken; on SQLite the job's write transaction runs alone anyway).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from events.accounts.models import User
from events.catalog.models import Event, EventStatus
from events.i18n import N_, gettext_for, ngettext_for, pick_text
from events.mail.notice import Notice, notice_message
from events.mail.service import queue_message
from events.registrations.models import Registration, RegistrationStatus

DIGEST_EVERY = dt.timedelta(hours=1)
# A registration's transaction commits within this long after the moment it records as created_at. A digest counts
# as new only registrations created up to this long before it runs, and remembers that moment: one that commits
# late, with a created_at from before a digest that could not see it, is new for the next one instead of missed.
SETTLE = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class Awaiting:
    """An event with registrations awaiting approval."""

    event: Event
    offices: frozenset[int]  # its own office and the co-organising ones
    created: list[dt.datetime]  # when each pending registration came in


async def _awaiting(session: AsyncSession, now: dt.datetime) -> list[Awaiting]:
    """Events that have not ended (nor been cancelled or deleted) with pending registrations, in two statements."""
    rows = (
        await session.execute(
            select(Registration.event_id, Registration.created_at)
            .join(Event, Event.id == Registration.event_id)
            .where(
                Registration.status == RegistrationStatus.PENDING,
                Event.deleted_at.is_(None),
                Event.status != EventStatus.CANCELLED,
                or_(Event.series_ends_at.is_(None), Event.series_ends_at > now),
            )
        )
    ).all()
    created: dict[uuid.UUID, list[dt.datetime]] = defaultdict(list)
    for event_id, moment in rows:
        created[event_id].append(moment)
    if not created:
        return []
    events = (
        await session.scalars(
            select(Event)
            .where(Event.id.in_(created))
            .options(selectinload(Event.translations), selectinload(Event.co_organisers))
            .order_by(Event.starts_at, Event.id)
        )
    ).all()
    return [
        Awaiting(
            event,
            frozenset({event.office_id, *(row.city_id for row in event.co_organisers)}),
            created[event.id],
        )
        for event in events
    ]


async def _due(session: AsyncSession, hour_ago: dt.datetime) -> Sequence[User]:
    """Active people with a password (an invitation not yet accepted cannot act on it) whose last digest is an hour
    old or who never had one."""
    return (
        await session.scalars(
            select(User)
            .where(
                User.is_active.is_(True),
                User.password_hash.is_not(None),
                or_(User.approval_digest_at.is_(None), User.approval_digest_at <= hour_ago),
            )
            .order_by(User.id)
        )
    ).all()


async def _claim(session: AsyncSession, user_id: int, *, hour_ago: dt.datetime, now: dt.datetime) -> bool:
    """Take this person's digest unless another transaction did; the condition is checked by the UPDATE itself.
    ``now``: the moment up to which this digest counts registrations as new."""
    result = await session.execute(
        update(User)
        .where(
            User.id == user_id,
            or_(User.approval_digest_at.is_(None), User.approval_digest_at <= hour_ago),
        )
        .values(approval_digest_at=now, updated_at=User.updated_at)  # a digest is not a change to the account
        .execution_options(synchronize_session=False)
    )
    claimed: int = result.rowcount  # type: ignore[attr-defined]
    return claimed == 1


def digest_notice(user: User, events: Sequence[Awaiting], *, base_url: str) -> Notice:
    """The digest in the person's language: each event, how many await approval, and where to approve them."""
    language = user.language
    total = sum(len(item.created) for item in events)
    paragraphs = [gettext_for(language, N_("These events have registrations that await your approval:"))]
    for item in events:
        title = pick_text(item.event.text("title"), language) or item.event.slug
        count = ngettext_for(
            language, "%(num)s registration awaits approval", "%(num)s registrations await approval", len(item.created)
        )
        link = f"{base_url}/organiser/events/{item.event.slug}/registrations?status=pending"
        paragraphs.append(f"{title}: {count}\n{link}")
    return Notice(
        kind="approval_digest",
        to_address=user.email,
        to_name=user.display_name,
        language=language,
        subject=ngettext_for(
            language,
            "%(num)s registration awaits your approval",
            "%(num)s registrations await your approval",
            total,
        ),
        paragraphs=paragraphs,
        action_url=f"{base_url}/organiser/",
        action_label=gettext_for(language, N_("Open the dashboard")),
        notes=[
            gettext_for(
                language, N_("You get this message at most once an hour, when new registrations await approval.")
            )
        ],
    )


async def send_approval_digests(session: AsyncSession, *, base_url: str, domain: str, now: dt.datetime) -> int:
    """Queue a digest for everyone with new registrations awaiting their approval; returns how many were queued."""
    settled = now - SETTLE
    hour_ago = settled - DIGEST_EVERY
    people = await _due(session, hour_ago)
    if not people:
        return 0
    awaiting = await _awaiting(session, now)
    sent = 0
    for user in people:
        last = user.approval_digest_at
        theirs = [
            item
            for item in awaiting
            if user.city_id in item.offices
            and any((last is None or moment > last) and moment <= settled for moment in item.created)
        ]
        if not theirs:
            continue  # nothing new since their last digest: no mail
        if not await _claim(session, user.id, hour_ago=hour_ago, now=settled):
            continue  # another worker process sends this one
        notice = digest_notice(user, theirs, base_url=base_url)
        await queue_message(session, notice_message(notice), now=now, domain=domain)
        sent += 1
    return sent
