"""Calendar downloads of public events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.catalog.presenters import present_event
from events.catalog.queries import get_public_event, load_catalogue
from events.feeds.ical import calendar_bytes
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


routes = [Route("/events/{slug}.ics", event_calendar, name="event_calendar")]
