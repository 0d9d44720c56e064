"""Calendar downloads of public events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.catalog.presenters import present_event
from events.catalog.queries import get_public_event, load_catalogue, load_events
from events.errors import NotFound
from events.feeds.ical import PersonalEntry, calendar_bytes, personal_calendar_bytes
from events.i18n import N_, gettext_for
from events.registrations.models import CalendarToken, Registration, RegistrationStatus
from events.tokens import looks_like_token, token_hash
from events.web.caching import cached
from events.web.endpoints import now, with_transaction

CALENDAR_TYPE = "text/calendar; charset=utf-8"


@cached
@with_transaction
async def event_calendar(request: Request, session: AsyncSession) -> Response:
    settings = request.app.state.settings
    catalogue = await load_catalogue(session)
    event = await get_public_event(session, catalogue, request.path_params["slug"])
    view = present_event(event, catalogue, request.state.language, now=now(request), base_url=settings.base_url)
    body = calendar_bytes([view], name=view.title, calendar_domain=settings.uid_domain, stamp=event.updated_at)
    headers = {"Content-Disposition": f'attachment; filename="{event.slug}.ics"'}
    return Response(body, media_type=CALENDAR_TYPE, headers=headers)


PERSONAL_STATUS = {
    RegistrationStatus.CONFIRMED: "CONFIRMED",
    RegistrationStatus.WAITLISTED: "TENTATIVE",
    RegistrationStatus.PENDING: "TENTATIVE",
    RegistrationStatus.CANCELLED: "CANCELLED",
    RegistrationStatus.DECLINED: "CANCELLED",
}


@with_transaction
async def personal_calendar(request: Request, session: AsyncSession) -> Response:
    """Everything registered with one e-mail address, each with the registration's status; a private link."""
    token = request.path_params["token"]
    email_key = (
        await session.scalar(select(CalendarToken.email_key).where(CalendarToken.token_hash == token_hash(token)))
        if looks_like_token(token)
        else None
    )
    if email_key is None:
        raise NotFound()
    settings = request.app.state.settings
    registrations = (
        await session.scalars(
            select(Registration).where(Registration.email_key == email_key).order_by(Registration.id.desc())
        )
    ).all()
    latest = {registration.event_id: registration for registration in reversed(registrations)}
    catalogue = await load_catalogue(session)
    entries = []
    events = {event.id: event for event in await load_events(session, catalogue, list(latest))}
    for event_id, registration in latest.items():
        event = events[event_id]
        view = present_event(event, catalogue, registration.language, now=now(request), base_url=settings.base_url)
        status = "CANCELLED" if view.is_cancelled else PERSONAL_STATUS[registration.status]
        online = event.online_url if registration.status is RegistrationStatus.CONFIRMED else None
        entries.append(PersonalEntry(view, status, online))
    language = registrations[0].language if registrations else request.state.language
    body = personal_calendar_bytes(
        entries,
        name=gettext_for(language, N_("My exchange events")),
        calendar_domain=settings.uid_domain,
        stamp=max((entry.view.event.updated_at for entry in entries), default=now(request)),
    )
    headers = {
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "private, max-age=3600",
        "Content-Disposition": 'inline; filename="my-events.ics"',
    }
    return Response(body, media_type=CALENDAR_TYPE, headers=headers)


routes = [
    Route("/events/{slug}.ics", event_calendar, name="event_calendar"),
    Route("/feeds/personal/{token}.ics", personal_calendar, name="personal_calendar"),
]
