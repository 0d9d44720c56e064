"""What organisers do to a whole event from the editor: publish, unpublish, duplicate, cancel (with a reason in each
language), delete (after a confirmation), and move or cancel single dates of a series."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, workspace
from events.accounts.permissions import event_id_for
from events.catalog.editing import actions
from events.catalog.editing.checks import read_local
from events.catalog.editing.form_input import form_moment, form_text
from events.catalog.editing.service import active_registrations
from events.catalog.models import Event
from events.catalog.presenters import describe_occurrence
from events.catalog.queries import Catalogue, load_catalogue, load_event
from events.catalog.recurrence import Occurrence, occurrences_between
from events.errors import FieldError, InvalidFields, InvalidInput, NotFound
from events.i18n import N_, pick_text
from events.web.csrf import verify_csrf
from events.web.endpoints import now
from events.web.forms import field_errors, form_values
from events.workspace.events import editor_of
from events.workspace.pages import DONE_MESSAGES, done, page

DONE_MESSAGES.update(
    {
        "event_published": N_("The event is published: it is on the public pages, in the API and in the feeds."),
        "event_unpublished": N_("The event is a draft again: it is no longer on the public pages."),
        "event_duplicated": N_("This is a copy of the event, saved as a draft. Change what differs, then publish it."),
        "event_cancelled": N_("The event has been cancelled; everyone registered is being told."),
        "event_deleted": N_("The event has been deleted. Calendars that showed it will strike it out."),
        "date_moved": N_("The date has been moved; everyone registered is being told."),
        "date_cancelled": N_("The date has been cancelled; everyone registered is being told."),
    }
)
SHOWN_DATES = 30


def _edit_url(slug: str) -> str:
    return f"/organiser/events/{slug}/edit"


async def _event(session: AsyncSession, me: Principal, request: Request) -> tuple[uuid.UUID, Event]:
    event_id = await event_id_for(session, me, request.path_params["slug"])
    return event_id, await load_event(session, await load_catalogue(session), event_id)


def _title(event: Event, request: Request) -> str:
    return pick_text(event.text("title"), request.state.language) or event.slug


@workspace(write=True)
async def event_publish(request: Request, session: AsyncSession, me: Principal) -> Response:
    verify_csrf(request, await request.form())
    event_id, event = await _event(session, me, request)
    await actions.publish(session, event_id, editor=editor_of(request, me))
    return done(_edit_url(event.slug), "event_published")


@workspace(write=True)
async def event_unpublish(request: Request, session: AsyncSession, me: Principal) -> Response:
    verify_csrf(request, await request.form())
    event_id, event = await _event(session, me, request)
    await actions.unpublish(session, event_id, editor=editor_of(request, me))
    return done(_edit_url(event.slug), "event_unpublished")


@workspace(write=True)
async def event_duplicate(request: Request, session: AsyncSession, me: Principal) -> Response:
    verify_csrf(request, await request.form())
    event_id, _ = await _event(session, me, request)
    copy = await actions.duplicate(session, event_id, editor=editor_of(request, me))
    return done(_edit_url(copy.slug), "event_duplicated")


async def _confirm_page(
    request: Request,
    session: AsyncSession,
    me: Principal,
    template: str,
    event: Event,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "event": event,
        "title": _title(event, request),
        "registrations": await active_registrations(session, event.id),
        "values": values or {},
        "errors": errors or {},
    }
    return await page(request, session, me, template, context, status_code=status_code)


def _reasons(values: dict[str, Any]) -> dict[str, str]:
    return {key.removeprefix("reason."): str(value) for key, value in values.items() if key.startswith("reason.")}


@workspace()
async def event_cancel_form(request: Request, session: AsyncSession, me: Principal) -> Response:
    _, event = await _event(session, me, request)
    return await _confirm_page(request, session, me, "workspace/event_cancel.html", event)


async def _confirmed(
    request: Request,
    session: AsyncSession,
    me: Principal,
    template: str,
    act: Callable[[uuid.UUID, dict[str, Any]], Awaitable[object]],
) -> tuple[Response | None, Event]:
    """Run what a confirmation page (cancel, delete) asks for on its event. Bad input undoes only that and shows
    the page again with the errors at their fields (the first item); otherwise the first item is None."""
    form = await request.form()
    verify_csrf(request, form)
    event_id, event = await _event(session, me, request)
    values = form_values(form)
    try:
        async with session.begin_nested():
            await act(event_id, values)
    except InvalidInput as error:
        event = await load_event(session, await load_catalogue(session), event_id)
        errors = field_errors(request, error)
        return await _confirm_page(
            request, session, me, template, event, values=values, errors=errors, status_code=422
        ), event
    return None, event


@workspace(write=True)
async def event_cancel(request: Request, session: AsyncSession, me: Principal) -> Response:
    async def cancel(event_id: uuid.UUID, values: dict[str, Any]) -> None:
        await actions.cancel(session, event_id, reasons=_reasons(values), editor=editor_of(request, me))

    refused, event = await _confirmed(request, session, me, "workspace/event_cancel.html", cancel)
    return refused or done(_edit_url(event.slug), "event_cancelled")


@workspace()
async def event_delete_form(request: Request, session: AsyncSession, me: Principal) -> Response:
    _, event = await _event(session, me, request)
    return await _confirm_page(request, session, me, "workspace/event_delete.html", event)


@workspace(write=True)
async def event_delete(request: Request, session: AsyncSession, me: Principal) -> Response:
    async def delete(event_id: uuid.UUID, values: dict[str, Any]) -> None:
        if values.get("confirm") != "yes":
            raise InvalidFields([FieldError("confirm", N_("Tick the box to confirm that the event goes."))])
        await actions.delete(session, event_id, reasons=_reasons(values), editor=editor_of(request, me))

    refused, _ = await _confirmed(request, session, me, "workspace/event_delete.html", delete)
    return refused or done("/organiser/events", "event_deleted")


# --- Single dates of a series ----------------------------------------------------------------------------------


def date_key(moment: dt.datetime) -> str:
    """A date of a series in addresses: its start by the rule, in UTC ("20260314T180000Z")."""
    return f"{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def _parse_key(key: str) -> dt.datetime:
    try:
        return dt.datetime.strptime(key, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        raise NotFound() from None


def _dates(event: Event, request: Request, catalogue: Catalogue) -> list[dict[str, Any]]:
    """The next dates by the rule, each with what was changed about it."""
    language = request.state.language
    zone = ZoneInfo(event.timezone)
    changes = {change.original_start: change for change in event.changes}
    by_rule = occurrences_between(
        event.starts_at,
        event.ends_at,
        event.timezone,
        event.rrule,
        event.exdates,
        after=now(request),
        limit=SHOWN_DATES,
        all_day=event.all_day,
    )
    dates = []
    for occurrence in by_rule:
        change = changes.get(occurrence.start)
        moved = change is not None and not change.cancelled and change.starts_at is not None
        start = change.starts_at if moved and change and change.starts_at else occurrence.start
        end = change.ends_at if moved and change and change.ends_at else occurrence.end
        _, text = describe_occurrence(event, Occurrence(start, end), catalogue, language, with_year=True)
        _, original = describe_occurrence(event, occurrence, catalogue, language, with_year=True)
        local_start, local_end = start.astimezone(zone), end.astimezone(zone)
        dates.append(
            {
                "key": date_key(occurrence.start),
                "text": text,
                "original": original,
                "moved": moved,
                "cancelled": change is not None and change.cancelled,
                "values": {
                    "start_date": f"{local_start:%Y-%m-%d}",
                    "start_time": f"{local_start:%H:%M}",
                    "end_date": f"{local_end:%Y-%m-%d}",
                    "end_time": f"{local_end:%H:%M}",
                },
            }
        )
    return dates


async def _dates_page(
    request: Request,
    session: AsyncSession,
    me: Principal,
    event_id: uuid.UUID,
    *,
    failed: str | None = None,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    catalogue = await load_catalogue(session)
    event = await load_event(session, catalogue, event_id)
    if not event.rrule:
        raise NotFound()
    dates = _dates(event, request, catalogue)
    for item in dates:
        if item["key"] == failed and values is not None:
            item["values"] = values
    context = {
        "event": event,
        "title": _title(event, request),
        "dates": dates,
        "failed": failed,
        "errors": errors or {},
        # The error summary links to the failed date's own fields.
        "summary_errors": {f"{failed}-{name}": message for name, message in (errors or {}).items()},
        "registrations": await active_registrations(session, event_id),
    }
    return await page(request, session, me, "workspace/event_occurrences.html", context, status_code=status_code)


@workspace()
async def event_dates(request: Request, session: AsyncSession, me: Principal) -> Response:
    event_id = await event_id_for(session, me, request.path_params["slug"])
    return await _dates_page(request, session, me, event_id)


def _moved_times(values: dict[str, Any], timezone: str) -> tuple[dt.datetime, dt.datetime]:
    text, problems = form_text(values), list[FieldError]()
    start = form_moment(text, "start", problems)
    end = form_moment(text, "end", problems, default_date=text("start_date"))
    moments = []
    for name, local in (("start", start), ("end", end)):
        if isinstance(local, dt.datetime):
            moment, note = read_local(local, timezone, name)
            if moment is None and note is not None:
                problems.append(note)
            moments.append(moment)
        elif not any(problem.field == name for problem in problems):
            problems.append(FieldError(name, N_("Give the date and time.")))
    if not problems and moments[0] is not None and moments[1] is not None and moments[1] <= moments[0]:
        problems.append(FieldError("end", N_("The end must be after the start.")))
    if problems:
        raise InvalidFields(problems)
    assert moments[0] is not None and moments[1] is not None
    return moments[0], moments[1]


@workspace(write=True)
async def event_date_change(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    event_id, event = await _event(session, me, request)
    key = request.path_params["key"]
    original = _parse_key(key)
    values = form_values(form)
    cancelled = values.get("action") == "cancel"
    try:
        async with session.begin_nested():
            starts_at, ends_at = (None, None) if cancelled else _moved_times(values, event.timezone)
            await actions.change_date(
                session,
                event_id,
                original,
                editor=editor_of(request, me),
                cancelled=cancelled,
                starts_at=starts_at,
                ends_at=ends_at,
            )
    except InvalidInput as error:
        errors = field_errors(request, error)
        return await _dates_page(
            request, session, me, event_id, failed=key, values=values, errors=errors, status_code=422
        )
    return done(f"/organiser/events/{event.slug}/occurrences", "date_cancelled" if cancelled else "date_moved")


routes = [
    Route("/organiser/events/{slug}/publish", event_publish, methods=["POST"]),
    Route("/organiser/events/{slug}/unpublish", event_unpublish, methods=["POST"]),
    Route("/organiser/events/{slug}/duplicate", event_duplicate, methods=["POST"]),
    Route("/organiser/events/{slug}/cancel", event_cancel_form, methods=["GET"]),
    Route("/organiser/events/{slug}/cancel", event_cancel, methods=["POST"]),
    Route("/organiser/events/{slug}/delete", event_delete_form, methods=["GET"]),
    Route("/organiser/events/{slug}/delete", event_delete, methods=["POST"]),
    Route("/organiser/events/{slug}/occurrences", event_dates, methods=["GET"]),
    Route("/organiser/events/{slug}/occurrences/{key}", event_date_change, methods=["POST"]),
]
