"""Public pages of the catalogue: upcoming events with filters, the archive, and one event."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.catalog.filters import Cursor, EventFilters, parse_cursor, parse_filters
from events.catalog.presenters import EventView, earliest_change, named, present_event
from events.catalog.queries import get_public_event, list_events, load_catalogue
from events.clocks import format_local
from events.errors import InvalidInput
from events.feeds.links import google_calendar_url, outlook_calendar_url
from events.i18n import gettext_for
from events.web.caching import cached, valid_until
from events.web.endpoints import now, with_transaction
from events.web.templating import render

PAGE_SIZE = 20
FILTER_FIELDS = ("q", "category", "city", "from", "to")


@dataclass(frozen=True)
class MonthGroup:
    label: str
    events: list[EventView]


def group_by_month(views: list[EventView], language: str) -> list[MonthGroup]:
    """Events under month headings ("maart 2026"), by the month of the occurrence shown, in the host's zone."""
    groups: list[MonthGroup] = []
    for view in views:
        local = view.shown.start.astimezone(ZoneInfo(view.event.timezone))
        label = format_local(local.date(), "yMMMM", language)
        if not groups or groups[-1].label != label:
            groups.append(MonthGroup(label, []))
        groups[-1].events.append(view)
    return groups


def _page_url(request: Request, **cursor: str) -> str:
    kept = [(key, value) for key, value in request.query_params.multi_items() if key in FILTER_FIELDS and value]
    return f"{request.url.path}?{urlencode([*kept, *cursor.items()])}"


async def _event_list(request: Request, session: AsyncSession, *, past: bool) -> Response:
    language = request.state.language
    catalogue = await load_catalogue(session)
    errors: dict[str, str] = {}
    filters = EventFilters()
    after: Cursor | None = None
    before: Cursor | None = None
    try:
        filters = parse_filters(
            request.query_params, categories=catalogue.category_by_slug, cities=catalogue.city_by_slug
        )
        after = parse_cursor(request.query_params, "after")
        before = parse_cursor(request.query_params, "before")
    except InvalidInput as error:
        errors = {item.field: gettext_for(language, item.message, **item.params) for item in error.errors}
    views: list[EventView] = []
    page = None
    if not errors:
        page = await list_events(
            session, catalogue, filters, now=now(request), limit=PAGE_SIZE, past=past, after=after, before=before
        )
        base_url = request.app.state.settings.base_url
        views = [
            present_event(event, catalogue, language, now=now(request), base_url=base_url) for event in page.events
        ]
    context = {
        "past": past,
        "form": _form_values(request),
        "errors": errors,
        "filtered": not filters.is_empty,
        "groups": group_by_month(views, language),
        "cities": [named(city, language) for city in catalogue.cities],
        "categories": [named(category, language) for category in catalogue.categories],
        "next_url": _page_url(request, after=page.next_cursor.encode()) if page and page.next_cursor else None,
        "previous_url": (
            _page_url(request, before=page.previous_cursor.encode()) if page and page.previous_cursor else None
        ),
    }
    return render(request, "catalog/index.html", context, status_code=400 if errors else 200)


def _form_values(request: Request) -> dict[str, object]:
    params = request.query_params
    return {
        "q": params.get("q", ""),
        "from": params.get("from", ""),
        "to": params.get("to", ""),
        "category": params.getlist("category"),
        "city": params.getlist("city"),
    }


@cached
@with_transaction
async def upcoming_events(request: Request, session: AsyncSession) -> Response:
    return await _event_list(request, session, past=False)


@cached
@with_transaction
async def past_events(request: Request, session: AsyncSession) -> Response:
    return await _event_list(request, session, past=True)


@cached
@with_transaction
async def event_detail(request: Request, session: AsyncSession) -> Response:
    language = request.state.language
    catalogue = await load_catalogue(session)
    event = await get_public_event(session, catalogue, request.path_params["slug"])
    view = present_event(
        event, catalogue, language, now=now(request), base_url=request.app.state.settings.base_url, detailed=True
    )
    valid_until(request, earliest_change([view], now(request)))
    context = {
        "view": view,
        "google_url": google_calendar_url(view),
        "outlook_url": outlook_calendar_url(view),
    }
    return render(request, "catalog/event.html", context)


routes = [
    Route("/", upcoming_events, name="upcoming_events"),
    Route("/archive", past_events, name="past_events"),
    Route("/events/{slug}", event_detail, name="event_detail"),
]
