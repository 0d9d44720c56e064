"""The catalogue's read API under /api/v1: events, cities and categories as JSON."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events.catalog.etags import event_etag
from events.catalog.filters import parse_cursor, parse_filters, parse_limit
from events.catalog.models import Category, City, EventCoOrganiser
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
        # Every language, as the write API takes them back.
        "labels": dict(question.label),
    }
    if question.kind in (QuestionKind.CHOICE, QuestionKind.MULTIPLE_CHOICE):
        body["choices"] = [
            {"value": choice["value"], "label": pick_text(choice["label"], language), "labels": dict(choice["label"])}
            for choice in question.choices
        ]
    return body


def event_json(
    view: EventView, questions: list[Question], language: str, co_organisers: Sequence[str] = ()
) -> dict[str, Any]:
    event = view.event
    zone = event.timezone
    venue = None
    if view.venue is not None:
        venue = {
            "id": event.venue_id,
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
        "translations": {
            code: {**texts, "image_alt": event.translations[code].image_alt}
            for code, texts in view.translations.items()
        },
        "category": view.category.slug,
        "category_name": view.category.name,
        "city": view.city.slug,
        "city_name": view.city.name,
        "office": view.office.slug,
        "office_name": view.office.name,
        "co_organisers": list(co_organisers),
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
        "waitlist_rule": event.waitlist_rule.value,
        "approval_required": event.approval_required,
        "registration_opens_at": _iso(event.registration_opens_at, zone),
        "registration_closes_at": _iso(event.registration_closes_at, zone),
        "waitlist_length": event.waitlist_length,
        "questions": [question_json(question, language) for question in questions],
        "registration_open": view.registration_open,
        "registration_state": view.registration.value,
        "url": view.url,
        "ics_url": view.ics_url,
        "updated_at": _iso(event.updated_at),
        "sequence": event.sequence,
        "edit_version": event.edit_version,
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


@dataclass(frozen=True)
class Presented:
    view: EventView
    questions: list[Question]
    co_organisers: list[str]

    def json(self, language: str) -> dict[str, Any]:
        return event_json(self.view, self.questions, language, self.co_organisers)

    def etag(self, catalogue: Catalogue) -> str:
        return event_etag(self.view, self.questions, self.co_organisers, catalogue)


async def co_organisers_by_event(
    session: AsyncSession, catalogue: Catalogue, event_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[str]]:
    """The slugs of the offices that co-organise each event, in one query for a whole list."""
    found: dict[uuid.UUID, list[str]] = {event_id: [] for event_id in event_ids}
    if event_ids:
        statement = (
            select(EventCoOrganiser.event_id, EventCoOrganiser.city_id)
            .where(EventCoOrganiser.event_id.in_(event_ids))
            .order_by(EventCoOrganiser.city_id)
        )
        for event_id, city_id in (await session.execute(statement)).all():
            found[event_id].append(catalogue.city_by_id[city_id].slug)
    return found


async def present(request: Request, session: AsyncSession, catalogue: Catalogue, events: list[Any]) -> list[Presented]:
    base_url = request.app.state.settings.base_url
    language = request.state.language
    views = [present_event(event, catalogue, language, now=now(request), base_url=base_url) for event in events]
    valid_until(request, earliest_change(views, now(request)))
    ids = [event.id for event in events]
    questions = await questions_by_event(session, ids)
    co_organisers = await co_organisers_by_event(session, catalogue, ids)
    return [Presented(view, questions[view.event.id], co_organisers[view.event.id]) for view in views]


class EventResponse(JSONResponse):
    """An event's JSON with its ETag; the answer cache keeps this ETag rather than a hash of the bytes, so it is
    the same in every language (see catalog/etags.py)."""

    def __init__(self, body: object, *, etag: str, status_code: int = 200, headers: dict[str, str] | None = None):
        super().__init__(body, status_code=status_code, headers={**(headers or {}), "ETag": etag})
        self.etag = etag
        self.headers["Vary"] = "Accept-Language"


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
            "items": [
                item.json(request.state.language) for item in await present(request, session, catalogue, page.events)
            ],
            "next_cursor": page.next_cursor.encode() if page.next_cursor else None,
        }
    )


@cached
@with_transaction
async def api_event(request: Request, session: AsyncSession) -> Response:
    catalogue = await load_catalogue(session)
    event = await get_public_event(session, catalogue, request.path_params["slug"])
    [presented] = await present(request, session, catalogue, [event])
    return EventResponse(presented.json(request.state.language), etag=presented.etag(catalogue))


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
