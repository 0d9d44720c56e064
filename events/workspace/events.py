"""The organisers' events: the list, the editor (new and existing events) and the preview."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, workspace
from events.accounts.permissions import event_id_for
from events.catalog.editing.form_input import from_form
from events.catalog.editing.history import EditConflict
from events.catalog.editing.inputs import EventInput
from events.catalog.editing.queries import LISTS, managed_events
from events.catalog.editing.service import (
    Editor,
    active_registrations,
    check_input,
    co_organiser_ids,
    create_from_input,
    update_from_input,
    venues,
)
from events.catalog.media import image_problem, store_image
from events.catalog.models import Event, EventStatus
from events.catalog.presenters import present_event
from events.catalog.queries import load_catalogue, load_event
from events.catalog.recurrence import event_occurrences
from events.clocks import date_span, format_moment
from events.errors import FieldError, InvalidInput
from events.feeds.links import google_calendar_url, outlook_calendar_url
from events.i18n import LANGUAGE_CODES, LANGUAGES, N_, gettext_for, pick_text
from events.registrations.routes import service_context
from events.registrations.service import questions_of
from events.web.csrf import verify_csrf
from events.web.endpoints import now
from events.web.forms import field_errors, form_values
from events.workspace import event_form
from events.workspace.pages import DONE_MESSAGES, done, page

DONE_MESSAGES.update(
    {
        "event_created": N_("The event has been saved as a draft. Preview it, then publish it when it is ready."),
        "event_saved": N_("The changes have been saved."),
    }
)
LIST_NAMES = {
    "upcoming": N_("Upcoming"),
    "past": N_("Past"),
    "drafts": N_("Drafts"),
    "cancelled": N_("Cancelled"),
}
STATUS_NAMES = {
    EventStatus.DRAFT: N_("Draft"),
    EventStatus.PUBLISHED: N_("Published"),
    EventStatus.CANCELLED: N_("Cancelled"),
}


def editor_of(request: Request, me: Principal) -> Editor:
    return Editor(
        actor=me.actor,
        city_id=me.city_id,
        is_admin=me.is_admin,
        language=request.state.language,
        media_dir=Path(request.app.state.settings.media_dir),
        context=service_context(request),
    )


@dataclass(frozen=True)
class EventRow:
    event: Event
    title: str
    when: str
    missing: list[str]  # names of the languages without a text: public pages show the fallback

    @property
    def status(self) -> EventStatus:
        return self.event.status


def _when(event: Event, language: str, moment: dt.datetime) -> str:
    """The next (or last) date on the event's own clock; all-day events as days."""
    upcoming = event_occurrences(event, after=moment, limit=1)
    start, end = (upcoming[0].start, upcoming[0].end) if upcoming else (event.starts_at, event.ends_at)
    if not event.all_day:
        return format_moment(start, event.timezone, language)
    zone = ZoneInfo(event.timezone)
    first = start.astimezone(zone).date()
    return date_span(first, max(first, (end.astimezone(zone) - dt.timedelta(days=1)).date()), language, with_year=True)


def _row(event: Event, language: str, moment: dt.datetime) -> EventRow:
    return EventRow(
        event=event,
        title=pick_text(event.text("title"), language) or event.slug,
        when=_when(event, language, moment),
        missing=[LANGUAGES[code].name for code in LANGUAGE_CODES if code not in event.translations],
    )


@workspace()
async def event_list(request: Request, session: AsyncSession, me: Principal) -> Response:
    show = request.query_params.get("show", "upcoming")
    show = show if show in LISTS else "upcoming"
    language = request.state.language
    events = await managed_events(session, me, show, now=now(request))
    context = {
        "show": show,
        "lists": [(name, gettext_for(language, LIST_NAMES[name])) for name in LISTS],
        "show_label": gettext_for(language, LIST_NAMES[show]),
        "rows": [_row(event, language, now(request)) for event in events],
        "status_names": {status: gettext_for(language, name) for status, name in STATUS_NAMES.items()},
    }
    return await page(request, session, me, "workspace/event_list.html", context)


@dataclass(frozen=True)
class Summary:
    """The event as the editor's heading shows it, read before anything may fail and be rolled back."""

    slug: str
    title: str
    status: EventStatus
    status_name: str
    is_recurring: bool
    timezone: str
    edit_version: int
    registrations: int


async def _summary(session: AsyncSession, request: Request, event_id: uuid.UUID) -> Summary:
    catalogue = await load_catalogue(session)
    event = await load_event(session, catalogue, event_id)
    language = request.state.language
    return Summary(
        slug=event.slug,
        title=pick_text(event.text("title"), language) or event.slug,
        status=event.status,
        status_name=gettext_for(language, STATUS_NAMES[event.status]),
        is_recurring=event.is_recurring,
        timezone=event.timezone,
        edit_version=event.edit_version,
        registrations=await active_registrations(session, event_id),
    )


async def _form_page(
    request: Request,
    session: AsyncSession,
    me: Principal,
    values: dict[str, Any],
    *,
    summary: Summary | None = None,
    errors: dict[str, str] | None = None,
    hints: dict[str, str] | None = None,
    conflict: list[str] | None = None,
    status_code: int = 200,
) -> Response:
    catalogue = await load_catalogue(session)
    language = request.state.language
    context = {
        **event_form.options(
            catalogue, list((await venues(session)).values()), language, str(values.get("timezone", ""))
        ),
        "summary": summary,
        "values": values,
        "errors": errors or {},
        "hints": hints or {},
        "conflict": conflict,
        "question_slots": event_form.question_slots(values),
        "clock_times": event_form.clock_times(values, catalogue, language),
        "max_image_mb": round(request.app.state.settings.max_image_size / 1_048_576, 1),
    }
    return await page(request, session, me, "workspace/event_form.html", context, status_code=status_code)


async def _read_form(request: Request) -> tuple[dict[str, Any], FieldError | None]:
    """The form's values, with a newly uploaded image checked and stored (its path replaces ``image_path``, so it
    survives the form being shown again with errors)."""
    max_size = request.app.state.settings.max_image_size
    form = await request.form(max_files=1)
    upload = form.get("image")
    data = await upload.read(max_size + 1) if isinstance(upload, UploadFile) and upload.filename else b""
    await form.close()
    verify_csrf(request, form)
    values = {key: value for key, value in form_values(form).items() if key != "image"}
    values["co_organisers"] = [str(item) for item in form.getlist("co_organisers")]
    if not data:
        return values, None
    problem = image_problem(data, max_size)
    if problem is None:
        values["image_path"] = await store_image(data, Path(request.app.state.settings.media_dir))
        values.pop("remove_image", None)
    return values, problem


def _with_problem(sent: EventInput, problem: FieldError | None) -> EventInput:
    return dataclasses.replace(sent, problems=[*sent.problems, problem]) if problem else sent


@workspace()
async def event_new(request: Request, session: AsyncSession, me: Principal) -> Response:
    return await _form_page(request, session, me, event_form.new_values(me))


@workspace(write=True)
async def event_create(request: Request, session: AsyncSession, me: Principal) -> Response:
    values, problem = await _read_form(request)
    sent = _with_problem(from_form(values, status=EventStatus.DRAFT.value, office=me.city_slug), problem)
    editor = editor_of(request, me)
    try:
        async with session.begin_nested():
            if values.get("action") == "check":
                checked = await check_input(session, sent, editor=editor)
                hints = event_form.hint_texts(checked.hints, request.state.language)
                return await _form_page(request, session, me, values, hints=hints)
            event = await create_from_input(session, sent, editor=editor)
    except InvalidInput as error:
        errors = field_errors(request, error)
        return await _form_page(request, session, me, values, errors=errors, status_code=422)
    return done(f"/organiser/events/{event.slug}/edit", "event_created")


@workspace()
async def event_edit(request: Request, session: AsyncSession, me: Principal) -> Response:
    event_id = await event_id_for(session, me, request.path_params["slug"])
    catalogue = await load_catalogue(session)
    event = await load_event(session, catalogue, event_id)
    questions = await questions_of(session, event_id)
    values = event_form.values_of(event, questions, catalogue, await co_organiser_ids(session, event_id))
    hints = event_form.stored_hints(event, request.state.language)
    summary = await _summary(session, request, event_id)
    return await _form_page(request, session, me, values, summary=summary, hints=hints)


def _notify(values: dict[str, Any]) -> bool | None:
    return {"yes": True, "no": False}.get(str(values.get("notify", "")))


@workspace(write=True)
async def event_save(request: Request, session: AsyncSession, me: Principal) -> Response:
    event_id = await event_id_for(session, me, request.path_params["slug"])
    values, problem = await _read_form(request)
    summary = await _summary(session, request, event_id)
    version = str(values.get("edit_version", ""))
    expected = frozenset({int(version)}) if version.isdigit() else None

    def change(current: EventInput) -> EventInput:
        # Status and office are not on the form: they stay as they are.
        return _with_problem(from_form(values, status=current.status, office=current.office), problem)

    editor = editor_of(request, me)
    try:
        async with session.begin_nested():
            if values.get("action") == "check":
                checked = await check_input(session, change, editor=editor, event_id=event_id)
                hints = event_form.hint_texts(checked.hints, request.state.language)
                return await _form_page(request, session, me, values, summary=summary, hints=hints)
            await update_from_input(
                session, event_id, change, editor=editor, expected_versions=expected, notify=_notify(values)
            )
    except EditConflict as conflict:
        # Nothing of this person's is lost: the form keeps what they typed, and saving again keeps their version.
        values, lines = event_form.merge_conflict(values, conflict.changes, summary.timezone, request.state.language)
        values["edit_version"] = str(conflict.current_version)
        return await _form_page(request, session, me, values, summary=summary, conflict=lines, status_code=409)
    except InvalidInput as error:
        errors = field_errors(request, error)
        return await _form_page(request, session, me, values, summary=summary, errors=errors, status_code=422)
    return done(f"/organiser/events/{summary.slug}/edit", "event_saved")


@workspace()
async def event_preview(request: Request, session: AsyncSession, me: Principal) -> Response:
    """The public page of the event as it is saved, whatever its state, marked as a preview."""
    event_id = await event_id_for(session, me, request.path_params["slug"])
    catalogue = await load_catalogue(session)
    event = await load_event(session, catalogue, event_id)
    base_url = request.app.state.settings.base_url
    view = present_event(event, catalogue, request.state.language, now=now(request), base_url=base_url, detailed=True)
    context = {"view": view, "google_url": google_calendar_url(view), "outlook_url": outlook_calendar_url(view)}
    return await page(request, session, me, "workspace/event_preview.html", context)


routes = [
    Route("/organiser/events", event_list, methods=["GET"]),
    Route("/organiser/events", event_create, methods=["POST"]),
    Route("/organiser/events/new", event_new, methods=["GET"]),
    Route("/organiser/events/{slug}/edit", event_edit, methods=["GET"]),
    Route("/organiser/events/{slug}/edit", event_save, methods=["POST"]),
    Route("/organiser/events/{slug}/preview", event_preview, methods=["GET"]),
]
