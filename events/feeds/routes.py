"""Calendar feeds to subscribe to, one event's calendar file, a person's own calendar, and the page that
explains how to subscribe."""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.catalog.filters import parse_filters
from events.catalog.presenters import named
from events.catalog.queries import get_public_event, load_catalogue, load_events
from events.errors import NotFound
from events.feeds.ical import PersonalEntry, feed_event, personal_calendar, single_event
from events.feeds.service import FeedFilters, build_feed
from events.i18n import N_, gettext_for
from events.registrations.models import CalendarToken, Registration, RegistrationStatus
from events.registrations.routes import PRIVATE_HEADERS
from events.tokens import looks_like_token, token_hash
from events.web.caching import PreparedResponse, cached
from events.web.endpoints import now, with_transaction
from events.web.qr import qr_svg
from events.web.templating import render

CALENDAR_TYPE = "text/calendar; charset=utf-8"
PERSONAL_STATUS = {
    RegistrationStatus.CONFIRMED: "CONFIRMED",
    RegistrationStatus.WAITLISTED: "TENTATIVE",
    RegistrationStatus.PENDING: "TENTATIVE",
    RegistrationStatus.CANCELLED: "CANCELLED",
    RegistrationStatus.DECLINED: "CANCELLED",
}


def _calendar_headers(request: Request, filename: str, last_modified: dt.datetime | None) -> dict[str, str]:
    refresh = request.app.state.settings.feed_refresh_minutes * 60
    headers = {
        "Content-Disposition": f'inline; filename="{filename}"',
        # Clients and proxies may keep a feed for its refresh interval; the ETag makes asking again cheap.
        "Cache-Control": f"public, max-age={refresh}",
    }
    if last_modified is not None:
        headers["Last-Modified"] = format_datetime(last_modified.astimezone(dt.UTC), usegmt=True)
    if "lang" not in request.query_params:
        # The language then came from the cookie or Accept-Language: shared caches must tell those apart.
        headers["Vary"] = "Accept-Language, Cookie"
    return headers


async def _feed(request: Request, session: AsyncSession, filters: FeedFilters, filename: str) -> Response:
    settings = request.app.state.settings
    catalogue = await load_catalogue(session)
    query = "?" + urlencode({"lang": request.state.language, **_filter_params(filters)}, doseq=True)
    feed = await build_feed(
        session,
        catalogue,
        filters,
        language=request.state.language,
        now=now(request),
        base_url=settings.base_url,
        calendar_domain=settings.uid_domain,
        refresh=dt.timedelta(minutes=settings.feed_refresh_minutes),
        url=f"{settings.base_url}{request.url.path}{query}",
        index=request.app.state.feed_index,
        fragments=request.app.state.feed_fragments,
        chunks=request.app.state.feed_chunks,
    )
    headers = _calendar_headers(request, filename, feed.last_modified)
    return PreparedResponse(feed.body, etag=feed.etag, make_gzip=feed.gzip, media_type=CALENDAR_TYPE, headers=headers)


def _filter_params(filters: FeedFilters) -> dict[str, list[str]]:
    params = {}
    if filters.categories:
        params["category"] = list(filters.categories)
    if filters.cities:
        params["city"] = list(filters.cities)
    return params


@cached
@with_transaction
async def events_feed(request: Request, session: AsyncSession) -> Response:
    """All published events, or those of some categories and cities: ?category=culture&category=sport&city=yuhang."""
    catalogue = await load_catalogue(session)
    checked = parse_filters(request.query_params, categories=catalogue.category_by_slug, cities=catalogue.city_by_slug)
    filters = FeedFilters(checked.categories, checked.cities)
    return await _feed(request, session, filters, "stedenband.ics")


@cached
@with_transaction
async def city_feed(request: Request, session: AsyncSession) -> Response:
    slug = request.path_params["city"]
    if slug not in (await load_catalogue(session)).city_by_slug:
        raise NotFound()
    return await _feed(request, session, FeedFilters(cities=(slug,)), f"stedenband-{slug}.ics")


@cached
@with_transaction
async def category_feed(request: Request, session: AsyncSession) -> Response:
    slug = request.path_params["category"]
    if slug not in (await load_catalogue(session)).category_by_slug:
        raise NotFound()
    return await _feed(request, session, FeedFilters(categories=(slug,)), f"stedenband-{slug}.ics")


@cached
@with_transaction
async def event_calendar(request: Request, session: AsyncSession) -> Response:
    settings = request.app.state.settings
    catalogue = await load_catalogue(session)
    event = await get_public_event(session, catalogue, request.path_params["slug"])
    entry = feed_event(
        event, catalogue, request.state.language, base_url=settings.base_url, calendar_domain=settings.uid_domain
    )
    headers = _calendar_headers(request, f"{event.slug}.ics", event.updated_at)
    headers["Content-Disposition"] = f'attachment; filename="{event.slug}.ics"'
    return Response(single_event(entry, name=entry.title), media_type=CALENDAR_TYPE, headers=headers)


@with_transaction
async def personal_feed(request: Request, session: AsyncSession) -> Response:
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
        await session.scalars(select(Registration).where(Registration.email_key == email_key).order_by(Registration.id))
    ).all()
    latest = {registration.event_id: registration for registration in registrations}  # the newest per event
    catalogue = await load_catalogue(session)
    events = {event.id: event for event in await load_events(session, catalogue, list(latest))}
    entries = []
    for event_id, registration in latest.items():
        event = events[event_id]
        entry = feed_event(
            event, catalogue, registration.language, base_url=settings.base_url, calendar_domain=settings.uid_domain
        )
        online = event.online_url if registration.status is RegistrationStatus.CONFIRMED else None
        entries.append(PersonalEntry(entry, PERSONAL_STATUS[registration.status], online))
    language = registrations[-1].language if registrations else request.state.language
    body = personal_calendar(
        entries,
        name=gettext_for(language, N_("My exchange events")),
        language=language,
        refresh=dt.timedelta(minutes=settings.feed_refresh_minutes),
    )
    headers = {
        **PRIVATE_HEADERS,  # a private link, like the manage pages: not passed on, not indexed
        # Calendar apps may keep it and ask again (it changes with each registration), proxies may not.
        "Cache-Control": "private, no-cache",
        "Content-Disposition": 'inline; filename="my-events.ics"',
    }
    return Response(body, media_type=CALENDAR_TYPE, headers=headers)


@cached
@with_transaction
async def calendar_page(request: Request, session: AsyncSession) -> Response:
    """The feeds to subscribe to, with webcal links, copyable addresses, QR codes and how-to steps."""
    settings = request.app.state.settings
    language = request.state.language
    catalogue = await load_catalogue(session)

    def feed(path: str, name: str) -> dict[str, str]:
        https = f"{settings.base_url}{path}?lang={language}"
        webcal = "webcal://" + https.split("://", 1)[1]
        return {"name": name, "https": https, "webcal": webcal}

    everything = feed("/feeds/events.ics", gettext_for(language, N_("All exchange events")))
    context = {
        "everything": everything,
        "qr": qr_svg(everything["webcal"], everything["name"]),
        "cities": [feed(f"/feeds/cities/{city.slug}.ics", named(city, language).name) for city in catalogue.cities],
        "categories": [
            feed(f"/feeds/categories/{category.slug}.ics", named(category, language).name)
            for category in catalogue.categories
        ],
    }
    return render(request, "feeds/calendar.html", context)


routes = [
    Route("/events/{slug}.ics", event_calendar, name="event_calendar"),
    Route("/feeds/events.ics", events_feed, name="events_feed"),
    Route("/feeds/cities/{city}.ics", city_feed, name="city_feed"),
    Route("/feeds/categories/{category}.ics", category_feed, name="category_feed"),
    Route("/feeds/personal/{token}.ics", personal_feed, name="personal_feed"),
    Route("/calendar", calendar_page, name="calendar_page"),
]
