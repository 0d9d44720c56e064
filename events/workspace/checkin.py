"""Checking people in at the door, on a phone: choose the event, find a name or scan a code, and tap "Check in".

The camera scanner (``static/checkin.js``, the browser's BarcodeDetector) only opens the scan page of the code it
reads; every page works without it, by searching a name or typing the code.
"""

from __future__ import annotations

from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, workspace
from events.accounts.permissions import check_may_manage, managed_by
from events.catalog.presenters import present_event
from events.catalog.queries import load_catalogue, load_event, load_events
from events.errors import NotFound
from events.i18n import N_, gettext_for
from events.registrations.check_in_codes import code_in, registration_id_of
from events.registrations.models import Registration, RegistrationStatus
from events.registrations.roster import (
    MAX_SEARCH,
    arrival_order,
    attendance,
    count_registrations,
    events_for_check_in,
    list_registrations,
)
from events.web.endpoints import now
from events.workspace.pages import page
from events.workspace.registrations import event_view, managed_event, status_labels


@workspace()
async def check_in_events(request: Request, session: AsyncSession, me: Principal) -> Response:
    """The events to check people in for: those of the user's office (or co-organised) not yet over."""
    catalogue = await load_catalogue(session)
    moment, language = now(request), request.state.language
    event_ids = await events_for_check_in(session, managed=managed_by(me), now=moment)
    loaded = {event.id: event for event in await load_events(session, catalogue, event_ids)}
    base_url = request.app.state.settings.base_url
    views = [present_event(loaded[number], catalogue, language, now=moment, base_url=base_url) for number in event_ids]
    context = {"views": views, "attendance": await attendance(session, event_ids)}
    return await page(request, session, me, "workspace/check_in_events.html", context)


@workspace()
async def check_in_desk(request: Request, session: AsyncSession, me: Principal) -> Response:
    """One event's door: the attendance count, a search, and everyone confirmed with a button."""
    event, catalogue = await managed_event(request, session, me)
    search = request.query_params.get("q", "")[:MAX_SEARCH]
    found = await list_registrations(session, event.id, group=RegistrationStatus.CONFIRMED.value, search=search)
    here = request.url.path + (f"?{urlencode({'q': search})}" if search else "")
    context = {
        "view": event_view(request, event, catalogue),
        "section": "check-in",
        "counts": await count_registrations(session, event.id),
        "registrations": arrival_order(found),
        "search": search,
        "zone": event.timezone,
        "next": here,
    }
    return await page(request, session, me, "workspace/check_in.html", context)


async def _scanned(request: Request, session: AsyncSession, code: str) -> Registration | None:
    number = registration_id_of(request.app.state.secret_key, code)
    return await session.get(Registration, number) if number is not None else None


@workspace()
async def check_in_scan(request: Request, session: AsyncSession, me: Principal) -> Response:
    """What a scanned (or typed) code stands for: the person, and a button to check them in. A code of an event
    the user does not manage is refused (403); anything not signed by us is no code at all."""
    code = code_in(request.query_params.get("code", ""))
    registration = await _scanned(request, session, code) if code else None
    if registration is None:
        problem = gettext_for(request.state.language, N_("This is not a valid check-in code.")) if code else None
        empty = {"problem": problem, "code": code, "registration": None}
        return await page(request, session, me, "workspace/check_in_scan.html", empty, status_code=404 if code else 200)
    catalogue = await load_catalogue(session)
    event = await load_event(session, catalogue, registration.event_id)
    if event.deleted_at is not None:
        raise NotFound()
    await check_may_manage(session, me, event)
    context: dict[str, object] = {
        "view": event_view(request, event, catalogue),
        "registration": registration,
        "code": code,
        "status_labels": status_labels(request.state.language),
        "zone": event.timezone,
        "next": f"{request.url.path}?{urlencode({'code': code})}",
    }
    return await page(request, session, me, "workspace/check_in_scan.html", context)


routes = [
    Route("/organiser/check-in", check_in_events, methods=["GET"]),
    Route("/organiser/check-in/scan", check_in_scan, methods=["GET"]),
    Route("/organiser/events/{slug}/check-in", check_in_desk, methods=["GET"]),
]
