"""The workspace's front page: the events the user manages that have not ended, with what needs doing, and a
chart of confirmed places per event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.numbers import format_percent
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, workspace
from events.catalog.models import EventStatus
from events.catalog.presenters import EventView, present_event
from events.catalog.queries import Catalogue, load_catalogue
from events.clocks import format_local
from events.i18n import N_, babel_locale, gettext_for, pick_text
from events.web.endpoints import now
from events.workspace.chart import LineChart, draw_line_chart
from events.workspace.overview import EventNumbers, as_office, upcoming_overview
from events.workspace.pages import page

LANGUAGE_NAMES = {"nl": N_("Dutch"), "en": N_("English"), "zh": N_("Chinese")}
FIELD_NAMES = {"title": N_("title"), "summary": N_("summary"), "description": N_("description")}


@dataclass(frozen=True)
class Row:
    view: EventView
    numbers: EventNumbers
    places: str  # "12 of 20 (60 %)" or "12, no limit"
    missing: list[str]  # "Chinese: summary, description", one per language lacking texts


@dataclass(frozen=True)
class Figure:
    view: EventView
    svg: Markup
    days: list[tuple[str, int]]  # the same numbers as the chart, for the table


def _places(numbers: EventNumbers, language: str) -> str:
    event = numbers.event
    if event.capacity is None:
        return gettext_for(language, N_("%(confirmed)s, no limit"), confirmed=event.confirmed_seats)
    share = format_percent(event.confirmed_seats / event.capacity, locale=babel_locale(language))
    return gettext_for(
        language,
        N_("%(confirmed)s of %(capacity)s (%(share)s)"),
        confirmed=event.confirmed_seats,
        capacity=event.capacity,
        share=share,
    )


def _missing(numbers: EventNumbers, language: str) -> list[str]:
    return [
        gettext_for(
            language,
            N_("%(language_name)s: %(fields)s"),
            language_name=gettext_for(language, LANGUAGE_NAMES[code]),
            fields=", ".join(gettext_for(language, FIELD_NAMES[name]) for name in fields),
        )
        for code, fields in numbers.missing.items()
    ]


def _figure(view: EventView, days: list[tuple[dt.date, int]], language: str) -> Figure:
    first, last = days[0], days[-1]
    capacity = view.event.capacity
    description = gettext_for(
        language,
        N_("Confirmed places per day from %(first)s to %(last)s: %(start)s on the first day, %(end)s now."),
        first=format_local(first[0], "MMMMd", language),
        last=format_local(last[0], "MMMMd", language),
        start=first[1],
        end=last[1],
    )
    description += " " + (
        gettext_for(language, N_("The event has %(capacity)s places."), capacity=capacity)
        if capacity
        else gettext_for(language, N_("The event has no limit on places."))
    )
    chart = LineChart(
        key=f"chart-{view.event.slug}",
        title=view.title,
        description=description,
        x_label=gettext_for(language, N_("Day")),
        y_label=gettext_for(language, N_("Confirmed places")),
        points=[(format_local(day, "MMMd", language), places) for day, places in days],
        capacity=capacity,
        capacity_label=gettext_for(language, N_("capacity %(count)s"), count=capacity) if capacity else "",
    )
    # The drawing escapes every text it writes, so the result is safe to put in the page as it is.
    svg = Markup(draw_line_chart(chart))
    return Figure(view, svg, [(format_local(day, "MMMMEd", language), places) for day, places in days])


def _office_filter(request: Request, catalogue: Catalogue, me: Principal) -> tuple[int | None, str | None]:
    """Admins may narrow the dashboard to one office (its own and co-organised events); organisers see theirs."""
    slug = request.query_params.get("office", "")
    if not me.is_admin or not slug:
        return None, None
    city = catalogue.city_by_slug.get(slug)
    if city is None:
        return None, gettext_for(request.state.language, N_("Choose one of the offices."))
    return city.id, None


@workspace()
async def dashboard(request: Request, session: AsyncSession, me: Principal) -> Response:
    language = request.state.language
    moment = now(request)
    catalogue = await load_catalogue(session)
    zone = catalogue.city_by_id[me.city_id].timezone
    office_id, office_error = _office_filter(request, catalogue, me)
    viewer = as_office(me, office_id) if office_id is not None else me
    overview = await upcoming_overview(session, catalogue, viewer, now=moment, zone=zone)
    base_url = request.app.state.settings.base_url
    rows = []
    for numbers in overview.events:
        view = present_event(numbers.event, catalogue, language, now=moment, base_url=base_url)
        rows.append(Row(view, numbers, _places(numbers, language), _missing(numbers, language)))
    views = {row.view.event.id: row.view for row in rows}
    figures = [_figure(views[event_id], days, language) for event_id, days in overview.charts.items()]
    context = {
        "rows": rows,
        "more": overview.more,
        "figures": figures,
        "drafts": sum(1 for row in rows if row.numbers.event.status is EventStatus.DRAFT),
        "pending": sum(row.numbers.pending for row in rows),
        "waiting": sum(row.numbers.event.waitlist_length for row in rows),
        "offices": [(city.slug, pick_text(city.office_name, language)) for city in catalogue.cities],
        "office": request.query_params.get("office", "") if office_error is None else "",
        "office_error": office_error,
    }
    return await page(
        request, session, me, "workspace/dashboard.html", context, status_code=400 if office_error else 200
    )


routes = [Route("/organiser/", dashboard, methods=["GET"])]
