"""Pages to register for an event and to manage a registration through its private link."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.catalog.availability import RegistrationState, registration_state
from events.catalog.models import Event
from events.catalog.presenters import named, present_event
from events.catalog.queries import Catalogue, get_public_event, load_catalogue, load_event
from events.errors import InvalidInput, Moment, PlatformError, TooManyRequests
from events.feeds.ical import feed_event, single_event
from events.feeds.links import google_calendar_url, outlook_calendar_url
from events.i18n import N_, gettext_for, pick_text
from events.registrations.check_in_codes import check_in_code, scan_url
from events.registrations.errors import CLOSED_MESSAGES
from events.registrations.forms import OTHER_CITY, from_form
from events.registrations.models import Question, Registration, RegistrationStatus
from events.registrations.notices import send_calendar_link
from events.registrations.privacy import erase_registration, export_data
from events.registrations.service import (
    Context,
    answers_for_display,
    cancel_registration,
    change_registration,
    find_by_token,
    lock_public_event,
    questions_before_lock,
    questions_of,
    register,
    waitlist_position,
)
from events.tokens import token_hash
from events.web.csrf import verify_csrf
from events.web.endpoints import now, rate_limit, with_transaction, with_write_transaction
from events.web.errors import error_message
from events.web.forms import field_errors
from events.web.qr import qr_svg
from events.web.ratelimit import MemoryRateLimiter, RateLimiter, RedisRateLimiter
from events.web.templating import render

# Pages reached through a private link must not pass it on, be kept by a proxy, or be indexed.
PRIVATE_HEADERS = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store", "X-Robots-Tag": "noindex"}
DONE_MESSAGES = {
    "changed": N_("Your changes have been saved. We have e-mailed you the new details."),
    "cancelled": N_("Your registration has been cancelled. We have e-mailed you a confirmation."),
    "calendar": N_("We have e-mailed your personal calendar link to your address."),
    "renewed": N_("We have e-mailed you a new personal calendar link; the old one no longer works."),
}


def service_context(request: Request) -> Context:
    settings = request.app.state.settings
    return Context(
        base_url=settings.base_url,
        calendar_domain=settings.uid_domain,
        now=now(request),
        secret_key=request.app.state.secret_key,
    )


def question_view(question: Question, language: str) -> dict[str, Any]:
    return {
        "id": question.id,
        "kind": question.kind.value,
        "required": question.required,
        "label": pick_text(question.label, language),
        "choices": [
            {"value": choice["value"], "label": pick_text(choice["label"], language)} for choice in question.choices
        ],
    }


def _closed_message(event: Event, state: RegistrationState, language: str) -> str:
    params: dict[str, object] = {}
    if state is RegistrationState.NOT_YET_OPEN and event.registration_opens_at is not None:
        params["date"] = Moment(event.registration_opens_at, event.timezone).for_language(language)
    return gettext_for(language, CLOSED_MESSAGES[state], **params)


async def _form_page(
    request: Request,
    session: AsyncSession,
    catalogue: Catalogue,
    event: Event,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    status_code: int = 200,
) -> Response:
    language = request.state.language
    view = present_event(event, catalogue, language, now=now(request), base_url=request.app.state.settings.base_url)
    state = registration_state(event, now(request))
    questions = await questions_of(session, event.id)
    context = {
        "view": view,
        "questions": [question_view(question, language) for question in questions],
        "cities": [named(city, language) for city in catalogue.cities],
        "other_city": OTHER_CITY,
        "values": values or {"language": language, "seats": "1"},
        "errors": errors or {},
        "problem": problem,
        "closed": None if state is RegistrationState.OPEN else _closed_message(event, state, language),
        "max_seats": event.max_seats_per_registration,
    }
    return render(request, "registrations/register.html", context, status_code=status_code)


@with_transaction
async def registration_form(request: Request, session: AsyncSession) -> Response:
    catalogue = await load_catalogue(session)
    event = await get_public_event(session, catalogue, request.path_params["slug"])
    return await _form_page(request, session, catalogue, event)


@with_write_transaction
async def registration_submit(request: Request, session: AsyncSession) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    await rate_limit(request)
    catalogue = await load_catalogue(session)
    questions = await questions_before_lock(session, request.path_params["slug"], request.app.state.question_cache)
    event = await lock_public_event(session, catalogue, request.path_params["slug"], request.app.state.event_cache)
    sent = from_form(form, questions.questions)
    values = {
        **{key: form.get(key) for key in form},
        **{f"q{q.id}": form.getlist(f"q{q.id}") for q in questions.questions},
    }
    try:
        async with session.begin_nested():  # on failure only this part is undone; the form is shown again
            outcome = await register(
                session,
                event_id=event.id,
                sent=sent,
                context=service_context(request),
                loaded=event,
                questions=questions,
            )
    except InvalidInput as error:
        shown = await get_public_event(session, catalogue, request.path_params["slug"])  # as it stands now
        return await _form_page(
            request, session, catalogue, shown, values=values, errors=field_errors(request, error), status_code=422
        )
    except PlatformError as error:
        shown = await get_public_event(session, catalogue, request.path_params["slug"])
        return await _form_page(
            request,
            session,
            catalogue,
            shown,
            values=values,
            problem=error_message(request, error),
            status_code=error.status,
        )
    if outcome.already_registered:
        view = present_event(
            outcome.locked.event,
            catalogue,
            request.state.language,
            now=now(request),
            base_url=request.app.state.settings.base_url,
        )
        return render(request, "registrations/already.html", {"view": view}, headers=PRIVATE_HEADERS)
    return RedirectResponse(f"/r/{outcome.token}?done=registered", status_code=303, headers=PRIVATE_HEADERS)


async def _registration(request: Request, session: AsyncSession) -> tuple[Registration, Catalogue, Event]:
    registration = await find_by_token(session, request.path_params["token"])
    catalogue = await load_catalogue(session)
    return registration, catalogue, await load_event(session, catalogue, registration.event_id)


async def _manage_page(
    request: Request,
    session: AsyncSession,
    registration: Registration,
    catalogue: Catalogue,
    event: Event,
    *,
    errors: dict[str, str] | None = None,
    problem: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    language = request.state.language
    base_url = request.app.state.settings.base_url
    view = present_event(event, catalogue, language, now=now(request), base_url=base_url, detailed=True)
    questions = await questions_of(session, event.id)
    confirmed = registration.status is RegistrationStatus.CONFIRMED
    done = request.query_params.get("done")
    current = {
        "seats": str(registration.seats),
        "members": "\n".join(registration.members),
        **{f"q{key}": value if isinstance(value, list) else [value] for key, value in registration.answers.items()},
    }
    home_city = next((city for city in catalogue.cities if city.id == registration.home_city_id), None)
    context = {
        "view": view,
        "registration": registration,
        "token": request.path_params["token"],
        "position": await waitlist_position(session, registration),
        "answers": answers_for_display(registration, questions, language),
        "questions": [question_view(question, language) for question in questions],
        "values": values or current,
        "errors": errors or {},
        "problem": problem,
        "home_city": named(home_city, language).name if home_city else None,
        "online_url": event.online_url if confirmed else None,
        "google_url": google_calendar_url(view) if confirmed else None,
        "outlook_url": outlook_calendar_url(view) if confirmed else None,
        "changeable": registration.is_active and now(request) < event.starts_at,
        "done": gettext_for(language, DONE_MESSAGES[done]) if done in DONE_MESSAGES else None,
        "welcome": done == "registered",
        "max_seats": event.max_seats_per_registration,
        "check_in": _check_in(request, registration) if confirmed else None,
    }
    return render(request, "registrations/manage.html", context, status_code=status_code, headers=PRIVATE_HEADERS)


def _check_in(request: Request, registration: Registration) -> dict[str, str]:
    """The participant's check-in code, as a QR code to show at the entrance and as text to read out."""
    code = check_in_code(request.app.state.secret_key, registration.id)
    title = gettext_for(request.state.language, N_("Your check-in code"))
    return {"code": code, "qr": qr_svg(scan_url(request.app.state.settings.base_url, code), title)}


@with_transaction
async def manage(request: Request, session: AsyncSession) -> Response:
    registration, catalogue, event = await _registration(request, session)
    return await _manage_page(request, session, registration, catalogue, event)


def _back(request: Request, done: str) -> Response:
    return RedirectResponse(f"/r/{request.path_params['token']}?done={done}", status_code=303, headers=PRIVATE_HEADERS)


@with_write_transaction
async def manage_change(request: Request, session: AsyncSession) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    registration = await find_by_token(session, request.path_params["token"])
    questions = await questions_of(session, registration.event_id)
    sent = replace(from_form(form, questions), sent=frozenset({"seats", "members", "answers"}))
    try:
        async with session.begin_nested():  # on failure only this part is undone; the page is shown again
            await change_registration(session, registration.id, sent, service_context(request))
    except PlatformError as error:
        registration, catalogue, event = await _registration(request, session)
        values = {**{key: form.get(key) for key in form}, **{f"q{q.id}": form.getlist(f"q{q.id}") for q in questions}}
        if isinstance(error, InvalidInput):
            return await _manage_page(
                request,
                session,
                registration,
                catalogue,
                event,
                values=values,
                errors=field_errors(request, error),
                status_code=422,
            )
        return await _manage_page(
            request,
            session,
            registration,
            catalogue,
            event,
            values=values,
            problem=error_message(request, error),
            status_code=error.status,
        )
    return _back(request, "changed")


@with_write_transaction
async def manage_cancel(request: Request, session: AsyncSession) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    registration = await find_by_token(session, request.path_params["token"])
    await cancel_registration(session, registration.id, service_context(request))
    return _back(request, "cancelled")


# Each request mails the address, so it is limited per address besides the usual limit per client.
CALENDAR_LINK_RATE = (5, 3600)  # requests, seconds


def _calendar_link_limiter(request: Request) -> RateLimiter:
    """One per app, shared through Redis like the registration limit when there is one."""
    limiter: RateLimiter | None = getattr(request.app.state, "calendar_link_limiter", None)
    if limiter is None:
        redis_url = request.app.state.settings.redis_url
        limit, period = CALENDAR_LINK_RATE
        limiter = RedisRateLimiter(redis_url, limit, period) if redis_url else MemoryRateLimiter(limit, period)
        request.app.state.calendar_link_limiter = limiter
    return limiter


async def _limit_calendar_links(request: Request, registration: Registration) -> None:
    """429 (TooManyRequests) beyond the usual limit of the client, or beyond CALENDAR_LINK_RATE for the address
    the link goes to, whichever registration or manage link asks. The address is counted by a hash only."""
    await rate_limit(request)
    retry_after = await _calendar_link_limiter(request).hit(f"calendar-link:{token_hash(registration.email_key)}")
    if retry_after is not None:
        raise TooManyRequests(retry_after)


@with_write_transaction
async def manage_calendar_link(request: Request, session: AsyncSession) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    registration = await find_by_token(session, request.path_params["token"])
    try:
        await _limit_calendar_links(request, registration)
    except TooManyRequests as error:
        registration, catalogue, event = await _registration(request, session)
        page = await _manage_page(
            request, session, registration, catalogue, event, problem=error_message(request, error), status_code=429
        )
        page.headers.update(error.headers())
        return page
    renew = form.get("renew") == "yes"
    await send_calendar_link(session, registration, service_context(request), renew=renew)
    return _back(request, "renewed" if renew else "calendar")


@with_write_transaction
async def manage_erase(request: Request, session: AsyncSession) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    registration = await find_by_token(session, request.path_params["token"])
    if form.get("confirm") != "yes":
        registration, catalogue, event = await _registration(request, session)
        message = gettext_for(request.state.language, N_("Tick the box to confirm that your data may be erased."))
        return await _manage_page(
            request, session, registration, catalogue, event, errors={"confirm": message}, status_code=422
        )
    await erase_registration(session, registration.id, service_context(request))
    return render(request, "registrations/erased.html", {}, headers=PRIVATE_HEADERS)


@with_transaction
async def manage_data(request: Request, session: AsyncSession) -> Response:
    registration, catalogue, event = await _registration(request, session)
    data = await export_data(
        session, registration, catalogue, event, base_url=request.app.state.settings.base_url, now=now(request)
    )
    headers = {**PRIVATE_HEADERS, "Content-Disposition": 'attachment; filename="my-registration.json"'}
    return Response(json.dumps(data, ensure_ascii=False, indent=2), media_type="application/json", headers=headers)


@with_transaction
async def manage_calendar(request: Request, session: AsyncSession) -> Response:
    """The event for the participant's own calendar, with the meeting link once confirmed."""
    registration, catalogue, event = await _registration(request, session)
    settings = request.app.state.settings
    entry = feed_event(
        event, catalogue, registration.language, base_url=settings.base_url, calendar_domain=settings.uid_domain
    )
    extra = event.online_url if registration.status is RegistrationStatus.CONFIRMED else None
    body = single_event(entry, name=entry.title, extra_description=extra)
    headers = {**PRIVATE_HEADERS, "Content-Disposition": f'attachment; filename="{event.slug}.ics"'}
    return Response(body, media_type="text/calendar; charset=utf-8", headers=headers)


routes = [
    Route("/events/{slug}/register", registration_form, methods=["GET"], name="registration_form"),
    Route("/events/{slug}/register", registration_submit, methods=["POST"], name="registration_submit"),
    Route("/r/{token}", manage, methods=["GET"], name="manage"),
    Route("/r/{token}/change", manage_change, methods=["POST"], name="manage_change"),
    Route("/r/{token}/cancel", manage_cancel, methods=["POST"], name="manage_cancel"),
    Route("/r/{token}/calendar-link", manage_calendar_link, methods=["POST"], name="manage_calendar_link"),
    Route("/r/{token}/erase", manage_erase, methods=["POST"], name="manage_erase"),
    Route("/r/{token}/data.json", manage_data, methods=["GET"], name="manage_data"),
    Route("/r/{token}/event.ics", manage_calendar, methods=["GET"], name="manage_calendar"),
]
