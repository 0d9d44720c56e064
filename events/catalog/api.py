"""The catalogue's read API under /api/v1: events, cities and categories as JSON."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events.catalog.filters import parse_cursor, parse_filters, parse_limit
from events.catalog.models import Category, City
from events.catalog.presenters import EventView, earliest_change, present_event
from events.catalog.queries import Catalogue, get_public_event, list_events, load_catalogue
from events.i18n import LANGUAGE_CODES, pick_text
from events.registrations.models import Question, QuestionKind
from events.registrations.service import questions_by_event
from events.web.caching import cached, valid_until
from events.web.endpoints import now, with_transaction


def _iso(moment: dt.datetime | None, timezone: str | None = None) -> str | None:
    if moment is None:
        return None
    return (moment.astimezone(ZoneInfo(timezone)) if timezone else moment).isoformat()


def question_json(question: Question, language: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "id": str(question.id),
        "kind": question.kind.value,
        "required": question.required,
        "label": pick_text(question.label, language),
    }
    if question.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE):
        body["choices"] = [
            {"value": choice["value"], "label": pick_text(choice["label"], language)} for choice in question.choices
        ]
    return body


def event_json(view: EventView, questions: list[Question], language: str) -> dict[str, Any]:
    event = view.event
    zone = event.timezone
    venue = None
    if view.venue is not None:
        venue = {
            "name": view.venue.name,
            "address": view.venue.address,
            "latitude": view.venue.latitude,
            "longitude": view.venue.longitude,
            "openstreetmap_url": view.venue.openstreetmap_url,
            "amap_url": view.venue.amap_url,
        }
    recurrence = None
    if event.rrule:
        recurrence = {
            "rule": event.rrule,
            "exdates": [_iso(dt.datetime.fromisoformat(value), zone) for value in event.exdates],
            "next_start": _iso(view.shown.start, zone),
            "series_end": _iso(event.series_ends_at, zone),
        }
    return {
        "id": str(event.id),
        "slug": event.slug,
        "language": view.language,
        "title": view.title,
        "summary": view.summary,
        "description": view.description,
        "translations": view.translations,
        "category": view.category.slug,
        "category_name": view.category.name,
        "city": view.city.slug,
        "city_name": view.city.name,
        "office": view.office.slug,
        "office_name": view.office.name,
        "venue": venue,
        "online": view.online,
        "image": {"url": view.image_url, "alt": view.image_alt} if view.image_url else None,
        "start": _iso(event.starts_at, zone),
        "end": _iso(event.ends_at, zone),
        "timezone": zone,
        "all_day": event.all_day,
        "times": [
            {
                "city_label": local.clock.label,
                "timezone": local.clock.timezone,
                "zone_abbreviation": local.zone_abbreviation,
                "start": local.start.isoformat(),
                "end": local.end.isoformat() if local.end else None,
                "text": local.text,
            }
            for local in view.when
        ],
        "when": view.when_text,
        "recurrence": recurrence,
        "status": view.status.value,
        "cancellation_reason": view.cancellation_reason or None,
        "capacity": view.capacity,
        "seats_left": view.seats_left,
        "max_seats_per_registration": event.max_seats_per_registration,
        "waitlist_enabled": event.waitlist_enabled,
        "approval_required": event.approval_required,
        "waitlist_length": event.waitlist_length,
        "questions": [question_json(question, language) for question in questions],
        "registration_open": view.registration_open,
        "registration_state": view.registration.value,
        "url": view.url,
        "ics_url": view.ics_url,
        "updated_at": _iso(event.updated_at),
        "sequence": event.sequence,
    }


def city_json(city: City, language: str) -> dict[str, Any]:
    return {
        "slug": city.slug,
        "name": pick_text(city.name, language),
        "names": {code: city.name[code] for code in LANGUAGE_CODES if code in city.name},
        "country": city.country,
        "timezone": city.timezone,
        "office_name": pick_text(city.office_name, language),
    }


def category_json(category: Category, language: str) -> dict[str, Any]:
    return {
        "slug": category.slug,
        "name": pick_text(category.name, language),
        "description": pick_text(category.description, language),
        "names": {code: category.name[code] for code in LANGUAGE_CODES if code in category.name},
    }


async def _present(
    request: Request, session: AsyncSession, catalogue: Catalogue, events: list[Any]
) -> list[dict[str, Any]]:
    base_url = request.app.state.settings.base_url
    language = request.state.language
    views = [present_event(event, catalogue, language, now=now(request), base_url=base_url) for event in events]
    valid_until(request, earliest_change(views, now(request)))
    questions = await questions_by_event(session, [event.id for event in events])
    return [event_json(view, questions[view.event.id], language) for view in views]


def _json(body: object) -> JSONResponse:
    response = JSONResponse(body)
    response.headers["Vary"] = "Accept-Language"
    return response


@cached
@with_transaction
async def api_events(request: Request, session: AsyncSession) -> Response:
    catalogue = await load_catalogue(session)
    filters = parse_filters(request.query_params, categories=catalogue.category_by_slug, cities=catalogue.city_by_slug)
    limit = parse_limit(request.query_params)
    cursor = parse_cursor(request.query_params)
    page = await list_events(session, catalogue, filters, now=now(request), limit=limit, after=cursor)
    return _json(
        {
            "items": await _present(request, session, catalogue, page.events),
            "next_cursor": page.next_cursor.encode() if page.next_cursor else None,
        }
    )


@cached
@with_transaction
async def api_event(request: Request, session: AsyncSession) -> Response:
    catalogue = await load_catalogue(session)
    event = await get_public_event(session, catalogue, request.path_params["slug"])
    return _json((await _present(request, session, catalogue, [event]))[0])


@cached
@with_transaction
async def api_cities(request: Request, session: AsyncSession) -> Response:
    catalogue = await load_catalogue(session)
    return _json({"items": [city_json(city, request.state.language) for city in catalogue.cities]})


@cached
@with_transaction
async def api_categories(request: Request, session: AsyncSession) -> Response:
    catalogue = await load_catalogue(session)
    return _json({"items": [category_json(category, request.state.language) for category in catalogue.categories]})


routes = [
    Route("/events", api_events, name="api_events"),
    Route("/events/{slug}", api_event, name="api_event"),
    Route("/cities", api_cities, name="api_cities"),
    Route("/categories", api_categories, name="api_categories"),
]
