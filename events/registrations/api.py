"""Registering through the JSON API, and reading, changing and cancelling a registration by its token."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events.catalog.models import Event
from events.catalog.queries import load_catalogue, load_event
from events.errors import FieldError, InvalidFields
from events.i18n import N_, pick_text
from events.registrations.errors import AlreadyRegistered
from events.registrations.forms import from_json
from events.registrations.models import Registration, RegistrationStatus
from events.registrations.routes import PRIVATE_HEADERS, service_context
from events.registrations.service import (
    cancel_registration,
    change_registration,
    find_by_token,
    lock_public_event,
    manage_url,
    questions_before_lock,
    register,
    waitlist_position,
)
from events.web.endpoints import rate_limit, with_transaction, with_write_transaction
from events.web.errors import error_response
from events.web.json_body import json_object

MAX_IDEMPOTENCY_KEY = 200


def registration_json(
    request: Request,
    registration: Registration,
    *,
    token: str,
    position: int | None,
    event_slug: str,
    title: str,
    online_url: str | None,
) -> dict[str, Any]:
    return {
        "status": registration.status.value,
        "waitlist_position": position,
        "seats": registration.seats,
        "manage_url": manage_url(request.app.state.settings.base_url, token),
        "name": registration.name,
        "email": registration.email,
        "phone": registration.phone,
        "language": registration.language,
        "members": registration.members,
        "answers": registration.answers,
        "online_url": online_url if registration.status is RegistrationStatus.CONFIRMED else None,
        "event": {
            "slug": event_slug,
            "title": title,
            "url": f"{request.app.state.settings.base_url}/events/{event_slug}",
        },
    }


async def _answer(
    request: Request,
    session: AsyncSession,
    registration: Registration,
    token: str,
    *,
    status_code: int = 200,
    event: Event | None = None,
    position: int | None = None,
) -> Response:
    """The registration as JSON; a caller that has the event and the position at hand passes them."""
    if event is None:
        event = await load_event(session, await load_catalogue(session), registration.event_id)
        position = await waitlist_position(session, registration)
    body = registration_json(
        request,
        registration,
        token=token,
        position=position,
        event_slug=event.slug,
        title=pick_text(event.text("title"), registration.language),
        online_url=event.online_url,
    )
    return JSONResponse(body, status_code=status_code, headers=PRIVATE_HEADERS)


@with_write_transaction
async def api_register(request: Request, session: AsyncSession) -> Response:
    await rate_limit(request)
    body = await json_object(request)
    key = request.headers.get("idempotency-key")
    if key is not None and not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY:
        raise InvalidFields([FieldError("Idempotency-Key", N_("An Idempotency-Key has 1 to 200 characters."))])
    sent = from_json(body)
    slug = request.path_params["slug"]
    questions = await questions_before_lock(session, slug, request.app.state.question_cache)
    # Locked at once, by one statement: the event itself comes from the process's cache.
    event = await lock_public_event(session, await load_catalogue(session), slug, request.app.state.event_cache)
    outcome = await register(
        session,
        event_id=event.id,
        sent=sent,
        context=service_context(request),
        idempotency_key=key,
        loaded=event,
        questions=questions,
    )
    if outcome.already_registered:
        # Answered as an error, but the transaction commits: the manage link goes out by e-mail again.
        return error_response(request, AlreadyRegistered())
    return await _answer(
        request,
        session,
        outcome.registration,
        outcome.token,
        status_code=201,
        event=outcome.locked.event,
        position=outcome.waitlist_position,
    )


@with_transaction
async def api_registration(request: Request, session: AsyncSession) -> Response:
    token = request.path_params["token"]
    return await _answer(request, session, await find_by_token(session, token), token)


@with_write_transaction
async def api_change_registration(request: Request, session: AsyncSession) -> Response:
    token = request.path_params["token"]
    registration = await find_by_token(session, token)
    sent = from_json(await json_object(request))
    registration = await change_registration(session, registration.id, sent, service_context(request))
    return await _answer(request, session, registration, token)


@with_write_transaction
async def api_cancel_registration(request: Request, session: AsyncSession) -> Response:
    token = request.path_params["token"]
    registration = await find_by_token(session, token)
    registration = await cancel_registration(session, registration.id, service_context(request))
    return await _answer(request, session, registration, token)


routes = [
    Route("/events/{slug}/registrations", api_register, methods=["POST"], name="api_register"),
    Route("/registrations/{token}", api_registration, methods=["GET"], name="api_registration"),
    Route("/registrations/{token}", api_change_registration, methods=["PATCH"], name="api_change_registration"),
    Route("/registrations/{token}", api_cancel_registration, methods=["DELETE"], name="api_cancel_registration"),
]
