"""Writing to an event's participants: a group, a subject and text per language, a preview of who gets which
language, then sending through the outbox."""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import PRIVATE_PAGE_HEADERS, Principal, workspace
from events.catalog.models import Event
from events.catalog.queries import Catalogue
from events.errors import FieldError, InvalidFields, InvalidInput
from events.i18n import LANGUAGE_CODES, LANGUAGES, N_, gettext_for
from events.registrations.outreach import (
    MAX_BODY,
    MAX_SUBJECT,
    MESSAGE_GROUPS,
    AlreadySent,
    Letter,
    Preview,
    check_letter,
    preview,
    send_to_participants,
)
from events.registrations.roster import ACTIVE
from events.registrations.routes import service_context
from events.web.csrf import verify_csrf
from events.web.forms import field_errors, form_values
from events.workspace.pages import DONE_MESSAGES, page
from events.workspace.registrations import GROUP_LABELS, event_view, managed_event

DONE_MESSAGES.update(
    {
        "message_sent": N_("Your message is in the outbox and goes out in a moment."),
        "message_already_sent": N_("This message had already been sent; it was not sent again."),
    }
)


def _letter(form: FormData) -> Letter:
    return check_letter(
        str(form.get("group", "")),
        {code: str(form.get(f"subject_{code}", "")) for code in LANGUAGE_CODES},
        {code: str(form.get(f"body_{code}", "")) for code in LANGUAGE_CODES},
    )


async def _page(
    request: Request,
    session: AsyncSession,
    me: Principal,
    event: Event,
    catalogue: Catalogue,
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    shown: Preview | None = None,
    status_code: int = 200,
) -> Response:
    language = request.state.language
    sent = request.query_params.get("count", "")
    context = {
        "view": event_view(request, event, catalogue),
        "section": "message",
        "values": values,
        "errors": errors or {},
        "groups": [(name, gettext_for(language, GROUP_LABELS[name])) for name in MESSAGE_GROUPS],
        "text_languages": [(code, LANGUAGES[code]) for code in LANGUAGE_CODES],
        "preview": shown,
        "sent_count": int(sent) if sent.isdigit() else None,
        "max_subject": MAX_SUBJECT,
        "max_body": MAX_BODY,
    }
    return await page(request, session, me, "workspace/message.html", context, status_code=status_code)


@workspace()
async def message_form(request: Request, session: AsyncSession, me: Principal) -> Response:
    event, catalogue = await managed_event(request, session, me)
    titles = event.text("title")
    # The event's title is a good start for each subject; a subject without text is ignored.
    values = {"group": ACTIVE, **{f"subject_{code}": titles.get(code, "") for code in LANGUAGE_CODES}}
    return await _page(request, session, me, event, catalogue, values=values)


@workspace(write=True)
async def message_send(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    event, catalogue = await managed_event(request, session, me)
    values = form_values(form)
    try:
        letter = _letter(form)
        shown = await preview(session, event.id, letter)
        if not shown.total:
            raise InvalidFields([FieldError("group", N_("Nobody in this group can be written to."))])
    except InvalidInput as error:
        errors = field_errors(request, error)
        return await _page(request, session, me, event, catalogue, values=values, errors=errors, status_code=422)
    if form.get("step") != "send":
        # The preview carries a one-time key: sending the same form twice (a double click) sends it once.
        values["once"] = secrets.token_urlsafe(16)
        return await _page(request, session, me, event, catalogue, values=values, shown=shown)
    once = str(form.get("once", "")) or secrets.token_urlsafe(16)
    try:
        count = await send_to_participants(
            session, event.id, letter, service_context(request), actor=me.actor, once=once
        )
    except AlreadySent:
        target = f"/organiser/events/{event.slug}/message?done=message_already_sent"
        return RedirectResponse(target, status_code=303, headers=PRIVATE_PAGE_HEADERS)
    target = f"/organiser/events/{event.slug}/message?done=message_sent&count={count}"
    return RedirectResponse(target, status_code=303, headers=PRIVATE_PAGE_HEADERS)


routes = [
    Route("/organiser/events/{slug}/message", message_form, methods=["GET"]),
    Route("/organiser/events/{slug}/message", message_send, methods=["POST"]),
]
