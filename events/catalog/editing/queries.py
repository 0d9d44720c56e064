"""The events an organiser manages, as the workspace lists them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from events.accounts.auth import Principal
from events.accounts.permissions import managed_by
from events.catalog.models import Event, EventStatus

LISTS = ("upcoming", "past", "drafts", "cancelled")
MOST = 200


async def managed_events(
    session: AsyncSession, principal: Principal, show: str, *, now: dt.datetime, limit: int = MOST
) -> list[Event]:
    """``upcoming``: published and not ended, soonest first; ``past``: ended, latest first; ``drafts`` and
    ``cancelled`` by start. Deleted events are never listed."""
    statement = (
        select(Event)
        .options(selectinload(Event.translations), selectinload(Event.changes))
        .where(managed_by(principal), Event.deleted_at.is_(None))
    )
    not_ended = or_(Event.series_ends_at.is_(None), Event.series_ends_at > now)
    if show == "past":
        statement = statement.where(Event.series_ends_at <= now).order_by(Event.starts_at.desc(), Event.id)
    elif show == "drafts":
        statement = statement.where(Event.status == EventStatus.DRAFT).order_by(Event.starts_at, Event.id)
    elif show == "cancelled":
        statement = statement.where(Event.status == EventStatus.CANCELLED).order_by(Event.starts_at.desc(), Event.id)
    else:
        statement = statement.where(Event.status == EventStatus.PUBLISHED, not_ended).order_by(
            Event.starts_at, Event.id
        )
    return list((await session.scalars(statement.limit(limit))).all())
