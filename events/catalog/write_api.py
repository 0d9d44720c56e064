"""The write API for integrations under /api/v1: events created, changed, published, cancelled and deleted with a
personal API token (``Authorization: Bearer``), with the same permissions as the workspace.

The body takes the fields the event JSON shows (read-only ones are ignored), so an event can be read, changed and
sent back. ``If-Match`` with the event's ETag protects against overwriting someone else's edit (412); without it
the change is applied. See docs/workspace.md.
"""

from __future__ import annotations

import dataclasses
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, write_api
from events.accounts.permissions import event_id_for
from events.catalog import api as read_api
from events.catalog.editing.actions import cancel, delete, publish, unpublish
from events.catalog.editing.history import EditConflict, StaleEvent
from events.catalog.editing.inputs import EventInput
from events.catalog.editing.json_input import from_json
from events.catalog.editing.service import Change, Editor, create_from_input, update_from_input
from events.catalog.etags import if_match_versions
from events.catalog.media import image_problem, store_image
from events.catalog.queries import load_catalogue, load_event
from events.errors import FieldError, InvalidFields
from events.i18n import LANGUAGE_CODES, N_
from events.registrations.routes import service_context
from events.web.json_body import json_object


def editor_of(request: Request, me: Principal) -> Editor:
    settings = request.app.state.settings
    return Editor(
        actor=me.actor,
        city_id=me.city_id,
        is_admin=me.is_admin,
        language=request.state.language,
        media_dir=Path(settings.media_dir),
        context=service_context(request),
    )


async def managed_answer(
    request: Request, session: AsyncSession, event_id: uuid.UUID, *, status_code: int = 200
) -> Response:
    """The event as its organisers see it: in any state, with the private meeting link, and its ETag."""
    catalogue = await load_catalogue(session)
    event = await load_event(session, catalogue, event_id)
    [presented] = await read_api.present(request, session, catalogue, [event])
    body = {**presented.json(request.state.language), "online_url": event.online_url}
    headers = {"Location": f"{request.app.state.settings.base_url}/api/v1/events/{event.slug}"}
    return read_api.EventResponse(
        body, etag=presented.etag(catalogue), status_code=status_code, headers=headers if status_code == 201 else None
    )


def _notify(body: dict[str, Any]) -> bool:
    """Whether to tell participants of a new time or place; yes unless the body says otherwise."""
    notify = body.pop("notify_participants", True)
    if not isinstance(notify, bool):
        raise InvalidFields([FieldError("notify_participants", N_("Send true or false."))])
    return notify


def _reasons(request: Request, body: dict[str, Any]) -> dict[str, str]:
    """``{"reason": "…"}`` (in the request's language) or ``{"reason": {"nl": "…", "zh": "…"}}``."""
    reason = body.get("reason")
    if isinstance(reason, str):
        return {request.state.language: reason}
    if isinstance(reason, dict) and all(isinstance(text, str) for text in reason.values()):
        unknown = [str(code) for code in reason if code not in LANGUAGE_CODES]
        if unknown:
            raise InvalidFields([FieldError(f"reason.{unknown[0]}", N_("This language is not available."))])
        return {str(code): text for code, text in reason.items()}
    if reason is None:
        return {}
    message = N_("Send the reason as text, or as an object with a text per language.")
    raise InvalidFields([FieldError("reason", message)])


async def api_event(request: Request) -> Response:
    """One event: the public answer, or with a Bearer token the organisers' view of an event they manage."""
    if "authorization" in request.headers:
        return await _managed_event(request)
    return await read_api.api_event(request)


@write_api(write=False)
async def _managed_event(request: Request, session: AsyncSession, me: Principal) -> Response:
    event_id = await event_id_for(session, me, request.path_params["slug"])
    return await managed_answer(request, session, event_id)


@write_api()
async def api_create_event(request: Request, session: AsyncSession, me: Principal) -> Response:
    body = await json_object(request)
    body.pop("notify_participants", None)
    sent = from_json(body, base=EventInput(office=me.city_slug))
    event = await create_from_input(session, sent, editor=editor_of(request, me))
    return await managed_answer(request, session, event.id, status_code=201)


@write_api()
async def api_change_event(request: Request, session: AsyncSession, me: Principal) -> Response:
    event_id = await event_id_for(session, me, request.path_params["slug"])
    body = await json_object(request)
    notify = _notify(body)
    await _update(request, session, me, event_id, lambda current: from_json(body, base=current), notify=notify)
    return await managed_answer(request, session, event_id)


async def _update(
    request: Request,
    session: AsyncSession,
    me: Principal,
    event_id: uuid.UUID,
    change: Change,
    *,
    notify: bool | None = None,
) -> None:
    """Lay a change over the event as it stands under its lock, under If-Match when the request sends one."""
    try:
        await update_from_input(
            session,
            event_id,
            change,
            editor=editor_of(request, me),
            expected_versions=if_match_versions(request.headers.get("if-match")),
            notify=notify,
        )
    except EditConflict as conflict:
        raise StaleEvent(conflict) from None


async def _action(request: Request, session: AsyncSession, me: Principal, act: Any, **options: Any) -> uuid.UUID:
    """An action on a whole event (publish, cancel, …), under If-Match when the request sends one."""
    event_id = await event_id_for(session, me, request.path_params["slug"])
    try:
        await act(
            session,
            event_id,
            editor=editor_of(request, me),
            expected_versions=if_match_versions(request.headers.get("if-match")),
            **options,
        )
    except EditConflict as conflict:
        raise StaleEvent(conflict) from None
    return event_id


@write_api()
async def api_publish_event(request: Request, session: AsyncSession, me: Principal) -> Response:
    return await managed_answer(request, session, await _action(request, session, me, publish))


@write_api()
async def api_unpublish_event(request: Request, session: AsyncSession, me: Principal) -> Response:
    return await managed_answer(request, session, await _action(request, session, me, unpublish))


@write_api()
async def api_cancel_event(request: Request, session: AsyncSession, me: Principal) -> Response:
    reasons = _reasons(request, await json_object(request))
    return await managed_answer(request, session, await _action(request, session, me, cancel, reasons=reasons))


@write_api()
async def api_put_image(request: Request, session: AsyncSession, me: Principal) -> Response:
    """The event's image, sent as the body (JPEG, PNG or WebP); each language with a title needs an image
    description (``translations.*.image_alt``) first. An upload the event then refuses is removed with the
    other unused ones (catalog.media)."""
    event_id = await event_id_for(session, me, request.path_params["slug"])
    settings = request.app.state.settings
    data = await request.body()
    if (problem := image_problem(data, settings.max_image_size)) is not None:
        raise InvalidFields([problem])
    path = await store_image(data, Path(settings.media_dir))
    await _update(request, session, me, event_id, lambda current: dataclasses.replace(current, image_path=path))
    return await managed_answer(request, session, event_id)


@write_api()
async def api_delete_image(request: Request, session: AsyncSession, me: Principal) -> Response:
    event_id = await event_id_for(session, me, request.path_params["slug"])
    await _update(request, session, me, event_id, lambda current: dataclasses.replace(current, image_path=""))
    return await managed_answer(request, session, event_id)


@write_api()
async def api_delete_event(request: Request, session: AsyncSession, me: Principal) -> Response:
    reasons = _reasons(request, await json_object(request, optional=True))
    await _action(request, session, me, delete, reasons=reasons)
    return Response(status_code=204)


routes = [
    # Before the read API's routes: a GET with a Bearer token is the organisers' view.
    Route("/events/{slug}", api_event, methods=["GET"], name="api_event_managed"),
    Route("/events", api_create_event, methods=["POST"], name="api_create_event"),
    Route("/events/{slug}", api_change_event, methods=["PATCH"], name="api_change_event"),
    Route("/events/{slug}", api_delete_event, methods=["DELETE"], name="api_delete_event"),
    Route("/events/{slug}/publish", api_publish_event, methods=["POST"], name="api_publish_event"),
    Route("/events/{slug}/unpublish", api_unpublish_event, methods=["POST"], name="api_unpublish_event"),
    Route("/events/{slug}/cancel", api_cancel_event, methods=["POST"], name="api_cancel_event"),
    Route("/events/{slug}/image", api_put_image, methods=["PUT"], name="api_put_image"),
    Route("/events/{slug}/image", api_delete_image, methods=["DELETE"], name="api_delete_image"),
]
