"""Reading the audit log: newest first, filtered, in keyset pages (``before`` an entry's id). Reads only; the
log itself cannot be changed (see models.py)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.accounts.models import User
from events.audit.models import AuditEntry
from events.catalog.models import Event

PAGE_SIZE = 50


@dataclass(frozen=True)
class AuditFilters:
    action: str | None = None
    entity_type: str | None = None
    user_id: int | None = None
    via: str | None = None  # "system" or "cli": changes nobody signed in made
    event_id: uuid.UUID | None = None
    since: dt.datetime | None = None  # inclusive
    until: dt.datetime | None = None  # exclusive

    def conditions(self) -> list[ColumnElement[bool]]:
        found = []
        if self.action:
            found.append(AuditEntry.action == self.action)
        if self.entity_type:
            found.append(AuditEntry.entity_type == self.entity_type)
        if self.user_id is not None:
            found.append(AuditEntry.user_id == self.user_id)
        if self.via:
            found += [AuditEntry.user_id.is_(None), AuditEntry.via == self.via]
        if self.event_id is not None:
            found.append(AuditEntry.event_id == self.event_id)
        if self.since is not None:
            found.append(AuditEntry.at >= self.since)
        if self.until is not None:
            found.append(AuditEntry.at < self.until)
        return found


@dataclass(frozen=True)
class LoggedChange:
    """An entry with who made it and the event it concerns, as the pages show it."""

    entry: AuditEntry
    user_name: str | None
    user_email: str | None
    event_slug: str | None


@dataclass(frozen=True)
class AuditPage:
    entries: list[LoggedChange]
    older: int | None  # the ``before`` of the next page, when there is one


async def list_entries(
    session: AsyncSession, filters: AuditFilters, *, before: int | None = None, limit: int = PAGE_SIZE
) -> AuditPage:
    """One page of entries, newest first, with the user and the event's slug, in two statements."""
    statement = (
        select(AuditEntry, User.display_name, User.email)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .where(*filters.conditions())
        .order_by(AuditEntry.id.desc())
        .limit(limit + 1)
    )
    if before is not None:
        statement = statement.where(AuditEntry.id < before)
    rows = (await session.execute(statement)).all()
    older = rows[limit - 1][0].id if len(rows) > limit else None
    rows = rows[:limit]
    slugs = await _event_slugs(session, {row[0].event_id for row in rows if row[0].event_id is not None})
    entries = [
        LoggedChange(entry, name, email, slugs.get(entry.event_id) if entry.event_id else None)
        for entry, name, email in rows
    ]
    return AuditPage(entries, older)


async def _event_slugs(session: AsyncSession, event_ids: set[uuid.UUID]) -> dict[uuid.UUID, str]:
    if not event_ids:
        return {}
    rows = await session.execute(select(Event.id, Event.slug).where(Event.id.in_(event_ids)))
    return {event_id: slug for event_id, slug in rows}


async def logged_actions(session: AsyncSession) -> Sequence[str]:
    """Every action code in the log, for the filter (the index on ``action`` answers it)."""
    return (await session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))).all()


async def logged_entity_types(session: AsyncSession) -> Sequence[str]:
    statement = select(AuditEntry.entity_type).distinct().order_by(AuditEntry.entity_type)
    return (await session.scalars(statement)).all()


async def event_by_slug(session: AsyncSession, slug: str) -> uuid.UUID | None:
    """Any event's id by slug, deleted ones too: their history stays in the log."""
    found: uuid.UUID | None = await session.scalar(select(Event.id).where(Event.slug == slug))
    return found
