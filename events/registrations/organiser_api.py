"""The organisers' write API for registrations: the list of an event (JSON, or CSV for ``Accept: text/csv``),
and approving, declining, checking in and cancelling. Bearer tokens only; every call checks the event's office."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events.accounts.auth import Principal, write_api
from events.accounts.permissions import event_id_for
from events.catalog.queries import Catalogue, load_catalogue, load_event
from events.errors import FieldError, InvalidFields, InvalidInput, NotFound
from events.i18n import N_
from events.registrations import organising
from events.registrations.export import CSV_TYPE, file_name, registration_sheet, to_csv
from events.registrations.models import Registration
from events.registrations.organising import MAX_MESSAGE, registration_of_event
from events.registrations.roster import ALL, GROUPS, MAX_SEARCH, Counts, count_registrations, list_registrations
from events.registrations.roster import waitlist_positions as positions_of
from events.registrations.routes import service_context
from events.registrations.service import questions_of
from events.web.json_body import json_object


def _moment(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def registration_item(registration: Registration, catalogue: Catalogue, position: int | None) -> dict[str, Any]:
    """One registration as the organisers see it, with the participant's details and answers."""
    home = catalogue.city_by_id.get(registration.home_city_id) if registration.home_city_id else None
    return {
        "id": registration.id,
        "status": registration.status.value,
        "waitlist_position": position,
        "seats": registration.seats,
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "language": registration.language,
        "home_city": home.slug if home else None,
        "members": registration.members,
        "answers": registration.answers,
        "registered_at": _moment(registration.created_at),
        "confirmed_at": _moment(registration.confirmed_at),
        "cancelled_at": _moment(registration.cancelled_at),
        "cancelled_by": registration.cancelled_by,
        "checked_in_at": _moment(registration.checked_in_at),
    }


def counts_json(counts: Counts) -> dict[str, Any]:
    tallies = {status.value: counts.of(status) for status in counts.by_status} | {"checked_in": counts.checked_in}
    return {name: {"registrations": tally.registrations, "seats": tally.seats} for name, tally in tallies.items()}


async def _event_id(request: Request, session: AsyncSession, me: Principal) -> uuid.UUID:
    return await event_id_for(session, me, request.path_params["slug"])


def _group(request: Request) -> str:
    group = request.query_params.get("status", ALL)
    if group not in GROUPS:
        raise InvalidInput([FieldError("status", N_("Filter by one of: %(groups)s."), {"groups": ", ".join(GROUPS)})])
    return group


@write_api(write=False)
async def api_event_registrations(request: Request, session: AsyncSession, me: Principal) -> Response:
    event_id = await _event_id(request, session, me)
    search = request.query_params.get("q", "")[:MAX_SEARCH]
    registrations = await list_registrations(session, event_id, group=_group(request), search=search)
    catalogue = await load_catalogue(session)
    if "text/csv" in request.headers.get("accept", ""):
        event = await load_event(session, catalogue, event_id)
        questions = await questions_of(session, event_id)
        sheet = registration_sheet(event, catalogue, questions, registrations, request.state.language)
        disposition = f'attachment; filename="{file_name(event, "csv")}"'
        return Response(to_csv(sheet), media_type=CSV_TYPE, headers={"Content-Disposition": disposition})
    positions = await positions_of(session, event_id)
    body = {
        "items": [registration_item(item, catalogue, positions.get(item.id)) for item in registrations],
        "counts": counts_json(await count_registrations(session, event_id)),
    }
    return JSONResponse(body)


async def _answer(session: AsyncSession, registration: Registration) -> Response:
    positions = await positions_of(session, registration.event_id)
    item = registration_item(registration, await load_catalogue(session), positions.get(registration.id))
    return JSONResponse(item)


async def _registration(request: Request, session: AsyncSession, me: Principal) -> Registration:
    """The registration of the URL, of an event the user manages; another event's number is not found."""
    event_id = await _event_id(request, session, me)
    number = request.path_params["registration_id"]
    if not number.isdigit() or len(number) > 10:
        raise NotFound()
    return await registration_of_event(session, event_id, int(number))


@write_api()
async def api_approve(request: Request, session: AsyncSession, me: Principal) -> Response:
    registration = await _registration(request, session, me)
    context = service_context(request)
    decided = await organising.approve_or_decline(session, registration.id, context, actor=me.actor, approve=True)
    return await _answer(session, decided)


@write_api()
async def api_decline(request: Request, session: AsyncSession, me: Principal) -> Response:
    registration = await _registration(request, session, me)
    context = service_context(request)
    decided = await organising.approve_or_decline(session, registration.id, context, actor=me.actor, approve=False)
    return await _answer(session, decided)


@write_api()
async def api_check_in(request: Request, session: AsyncSession, me: Principal) -> Response:
    registration = await _registration(request, session, me)
    context = service_context(request)
    arrived = await organising.check_in(session, registration.id, actor=me.actor, now=context.now)
    return await _answer(session, arrived)


async def _cancellation_message(request: Request) -> str | None:
    """The optional ``{"message": "…"}`` of a cancellation; no body at all is no message."""
    body = await json_object(request, optional=True)
    message = body.get("message")
    if message is None:
        return None
    if not isinstance(message, str) or len(message) > MAX_MESSAGE:
        raise InvalidFields(
            [FieldError("message", N_("A message has at most %(max)s characters."), {"max": MAX_MESSAGE})]
        )
    return message.strip() or None


@write_api()
async def api_cancel(request: Request, session: AsyncSession, me: Principal) -> Response:
    registration = await _registration(request, session, me)
    message = await _cancellation_message(request)
    context = service_context(request)
    cancelled = await organising.cancel_by_organiser(session, registration.id, context, actor=me.actor, message=message)
    return await _answer(session, cancelled)


# No :int convertor: the OpenAPI document names the paths as they are written here.
_ONE = "/events/{slug}/registrations/{registration_id}"
routes = [
    Route("/events/{slug}/registrations", api_event_registrations, methods=["GET"], name="api_event_registrations"),
    Route(f"{_ONE}/approve", api_approve, methods=["POST"], name="api_approve_registration"),
    Route(f"{_ONE}/decline", api_decline, methods=["POST"], name="api_decline_registration"),
    Route(f"{_ONE}/check-in", api_check_in, methods=["POST"], name="api_check_in_registration"),
    Route(f"{_ONE}/cancel", api_cancel, methods=["POST"], name="api_cancel_registration_by_organiser"),
]
