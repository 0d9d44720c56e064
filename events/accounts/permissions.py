"""Who may manage what. An admin manages everything; an organiser manages the events of their own city office
and those on which their office is a co-organiser. Every workspace route and write API call asks here."""

from __future__ import annotations

import uuid

from sqlalchemy import ColumnElement, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from events.accounts.auth import Principal
from events.catalog.models import Event, EventCoOrganiser
from events.errors import Forbidden, NotFound
from events.i18n import N_

NOT_YOUR_EVENT = N_("This event is run by another city office. Ask them to add your office as a co-organiser.")


def managed_by(principal: Principal) -> ColumnElement[bool]:
    """A filter for the events this user manages (all of them for an admin)."""
    if principal.is_admin:
        return Event.id.is_not(None)
    co_organised = exists().where(EventCoOrganiser.event_id == Event.id, EventCoOrganiser.city_id == principal.city_id)
    return or_(Event.office_id == principal.city_id, co_organised)


async def may_manage(session: AsyncSession, principal: Principal, event: Event) -> bool:
    if principal.is_admin or event.office_id == principal.city_id:
        return True
    found = await session.scalar(
        select(EventCoOrganiser.city_id).where(
            EventCoOrganiser.event_id == event.id, EventCoOrganiser.city_id == principal.city_id
        )
    )
    return found is not None


async def check_may_manage(session: AsyncSession, principal: Principal, event: Event) -> None:
    if not await may_manage(session, principal, event):
        raise Forbidden(NOT_YOUR_EVENT)


async def event_id_for(session: AsyncSession, principal: Principal, slug: str) -> uuid.UUID:
    """The id of an event this user manages, by slug: 404 when there is no such (undeleted) event, 403 when it
    belongs to another office. Nothing is loaded or locked yet."""
    row = (
        await session.execute(select(Event.id, Event.office_id).where(Event.slug == slug, Event.deleted_at.is_(None)))
    ).one_or_none()
    if row is None:
        raise NotFound()
    event_id: uuid.UUID = row.id
    if principal.is_admin or row.office_id == principal.city_id:
        return event_id
    found = await session.scalar(
        select(EventCoOrganiser.city_id).where(
            EventCoOrganiser.event_id == event_id, EventCoOrganiser.city_id == principal.city_id
        )
    )
    if found is None:
        raise Forbidden(NOT_YOUR_EVENT)
    return event_id


def require_admin(principal: Principal) -> None:
    if not principal.is_admin:
        raise Forbidden(N_("Only admins may do this."))
