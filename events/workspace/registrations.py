"""An event's registrations in the workspace: the list with counts, filters and search, one registration with
its actions (approve, decline, move up, places, cancel with a message, check in), and the exports."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, safe_next, workspace
from events.accounts.permissions import event_id_for
from events.catalog.models import Event
from events.catalog.presenters import EventView, named, present_event
from events.catalog.queries import Catalogue, load_catalogue, load_event
from events.errors import FieldError, InvalidFields, InvalidInput, NotFound, PlatformError
from events.i18n import LANGUAGES, N_, gettext_for
from events.registrations import organising
from events.registrations.export import (
    CSV_TYPE,
    XLSX_TYPE,
    Sheet,
    file_name,
    registration_sheet,
    to_csv,
    to_xlsx,
)
from events.registrations.models import Registration, RegistrationStatus
from events.registrations.organising import MAX_MESSAGE, MAX_SEATS, STATUS_LABELS, registration_of_event
from events.registrations.roster import ALL, GROUPS, MAX_SEARCH, count_registrations, list_registrations
from events.registrations.roster import waitlist_positions as positions_of
from events.registrations.routes import service_context
from events.registrations.service import answers_for_display, questions_of
from events.web.csrf import verify_csrf
from events.web.endpoints import now
from events.web.errors import error_message
from events.web.forms import field_errors, form_values
from events.workspace.pages import DONE_MESSAGES, done, page

DONE_MESSAGES.update(
    {
        "approved": N_("The registration is approved and confirmed; the participant has been told."),
        "approved_waiting": N_(
            "The registration is approved, but there is no free place for it yet: it is on the waiting list."
        ),
        "declined": N_("The registration is declined; the participant has been told."),
        "promoted": N_("The registration is confirmed; the participant has been told."),
        "cancelled": N_("The registration is cancelled; the participant has been told."),
        "seats_changed": N_("The number of places is changed; the participant has been told."),
        "checked_in": N_("Checked in."),
        "check_in_undone": N_("The check-in is undone."),
    }
)
GROUP_LABELS = {
    ALL: N_("All"),
    "active": N_("Active (confirmed, waiting, awaiting approval)"),
    **{status.value: label for status, label in STATUS_LABELS.items()},
    "checked_in": N_("Checked in"),
}


async def managed_event(request: Request, session: AsyncSession, me: Principal) -> tuple[Event, Catalogue]:
    """The event of the URL, fully loaded: 404 for an unknown slug, 403 when another office runs it."""
    event_id = await event_id_for(session, me, request.path_params["slug"])
    catalogue = await load_catalogue(session)
    return await load_event(session, catalogue, event_id), catalogue


def event_view(request: Request, event: Event, catalogue: Catalogue) -> EventView:
    language = request.state.language
    return present_event(event, catalogue, language, now=now(request), base_url=request.app.state.settings.base_url)


def status_labels(language: str) -> dict[RegistrationStatus, str]:
    return {status: gettext_for(language, label) for status, label in STATUS_LABELS.items()}


def _group(request: Request) -> str:
    group = request.query_params.get("status", ALL)
    return group if group in GROUPS else ALL


@workspace()
async def registration_list(request: Request, session: AsyncSession, me: Principal) -> Response:
    event, catalogue = await managed_event(request, session, me)
    language = request.state.language
    group, search = _group(request), request.query_params.get("q", "")[:MAX_SEARCH]
    context = {
        "view": event_view(request, event, catalogue),
        "section": "registrations",
        "registrations": await list_registrations(session, event.id, group=group, search=search),
        "counts": await count_registrations(session, event.id),
        "positions": await positions_of(session, event.id),
        "group": group,
        "search": search,
        "groups": [(name, gettext_for(language, label)) for name, label in GROUP_LABELS.items()],
        "status_labels": status_labels(language),
        "zone": event.timezone,
        "export_query": _export_query(group, search),
        "here": request.url.path + _export_query(group, search),
    }
    return await page(request, session, me, "workspace/registrations.html", context)


def _export_query(group: str, search: str) -> str:
    kept = [(key, value) for key, value in (("status", group if group != ALL else ""), ("q", search)) if value]
    return f"?{urlencode(kept)}" if kept else ""


async def _detail_page(
    request: Request,
    session: AsyncSession,
    me: Principal,
    *,
    problem: PlatformError | None = None,
    errors: dict[str, str] | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    event, catalogue = await managed_event(request, session, me)
    registration = await registration_of_event(session, event.id, request.path_params["registration_id"])
    language = request.state.language
    questions = await questions_of(session, event.id)
    home = next((city for city in catalogue.cities if city.id == registration.home_city_id), None)
    context = {
        "view": event_view(request, event, catalogue),
        "section": None,
        "registration": registration,
        "answers": answers_for_display(registration, questions, language),
        "position": (await positions_of(session, event.id)).get(registration.id),
        "home_city": named(home, language).name if home else None,
        "registration_language": LANGUAGES.get(registration.language),
        "status_labels": status_labels(language),
        "zone": event.timezone,
        "values": values or {"seats": str(registration.seats)},
        "errors": errors or {},
        "problem_title": gettext_for(language, problem.title) if problem else None,
        "problem": error_message(request, problem) if problem else None,
        "max_message": MAX_MESSAGE,
        "here": request.url.path,
    }
    return await page(request, session, me, "workspace/registration.html", context, status_code=status_code)


@workspace()
async def registration_detail(request: Request, session: AsyncSession, me: Principal) -> Response:
    return await _detail_page(request, session, me)


def _seats(form: FormData) -> int:
    raw = str(form.get("seats", "")).strip()
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SEATS:
        raise InvalidFields(
            [FieldError("seats", N_("Enter a number of places from 1 to %(max)s."), {"max": MAX_SEATS})]
        )
    return int(raw)


def _message(form: FormData) -> str:
    message = str(form.get("message", "")).strip().replace("\r\n", "\n")
    if len(message) > MAX_MESSAGE:
        raise InvalidFields(
            [FieldError("message", N_("A message has at most %(max)s characters."), {"max": MAX_MESSAGE})]
        )
    return message


async def _act(
    request: Request, session: AsyncSession, me: Principal, action: str, registration: Registration, form: FormData
) -> str:
    """Carry out one action; the code of the message the next page shows."""
    context, actor, number = service_context(request), me.actor, registration.id
    if action in ("approve", "decline"):
        decided = await organising.approve_or_decline(
            session, number, context, actor=actor, approve=action == "approve"
        )
        if action == "decline":
            return "declined"
        return "approved" if decided.status is RegistrationStatus.CONFIRMED else "approved_waiting"
    if action == "promote":
        await organising.promote_by_hand(session, number, context, actor=actor)
        return "promoted"
    if action == "cancel":
        await organising.cancel_by_organiser(session, number, context, actor=actor, message=_message(form) or None)
        return "cancelled"
    if action == "seats":
        await organising.change_seats(session, number, _seats(form), context, actor=actor)
        return "seats_changed"
    if action == "check-in":
        await organising.check_in(session, number, actor=actor, now=context.now)
        return "checked_in"
    await organising.undo_check_in(session, number, actor=actor, now=context.now)
    return "check_in_undone"


ACTIONS = ("approve", "decline", "promote", "cancel", "seats", "check-in", "undo-check-in")


def next_page(form: FormData, slug: str, registration_id: int) -> str:
    """Back where the action was asked for: a page of this event or the scan page, never elsewhere."""
    wanted = str(form.get("next", ""))
    allowed = (f"/organiser/events/{slug}/", "/organiser/check-in/scan?")
    if wanted and safe_next(wanted) == wanted and wanted.startswith(allowed):
        return wanted
    return f"/organiser/events/{slug}/registrations/{registration_id}"


@workspace(write=True)
async def registration_action(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    action = request.path_params["action"]
    if action not in ACTIONS:
        raise NotFound()
    event_id: uuid.UUID = await event_id_for(session, me, request.path_params["slug"])
    registration = await registration_of_event(session, event_id, request.path_params["registration_id"])
    try:
        async with session.begin_nested():  # a refusal undoes only this part; the page says why
            code = await _act(request, session, me, action, registration, form)
    except InvalidInput as error:
        values = form_values(form)
        return await _detail_page(
            request, session, me, errors=field_errors(request, error), values=values, status_code=422
        )
    except PlatformError as error:
        return await _detail_page(request, session, me, problem=error, status_code=error.status)
    return done(next_page(form, request.path_params["slug"], registration.id), code)


async def _sheet_of(request: Request, session: AsyncSession, me: Principal) -> tuple[Event, Sheet]:
    event, catalogue = await managed_event(request, session, me)
    search = request.query_params.get("q", "")[:MAX_SEARCH]
    registrations = await list_registrations(session, event.id, group=_group(request), search=search)
    questions = await questions_of(session, event.id)
    return event, registration_sheet(event, catalogue, questions, registrations, request.state.language)


def _download(body: bytes, media_type: str, name: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(body, media_type=media_type, headers=headers)


@workspace()
async def registrations_csv(request: Request, session: AsyncSession, me: Principal) -> Response:
    event, sheet = await _sheet_of(request, session, me)
    return _download(to_csv(sheet), CSV_TYPE, file_name(event, "csv"))


@workspace()
async def registrations_xlsx(request: Request, session: AsyncSession, me: Principal) -> Response:
    event, sheet = await _sheet_of(request, session, me)
    return _download(to_xlsx(sheet), XLSX_TYPE, file_name(event, "xlsx"))


routes = [
    Route("/organiser/events/{slug}/registrations", registration_list, methods=["GET"]),
    Route("/organiser/events/{slug}/registrations.csv", registrations_csv, methods=["GET"]),
    Route("/organiser/events/{slug}/registrations.xlsx", registrations_xlsx, methods=["GET"]),
    Route("/organiser/events/{slug}/registrations/{registration_id:int}", registration_detail, methods=["GET"]),
    Route(
        "/organiser/events/{slug}/registrations/{registration_id:int}/{action:str}",
        registration_action,
        methods=["POST"],
    ),
]
