"""Rendering a workspace page: the signed-in user, their office, and the message of the action just done."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from events.accounts.auth import PRIVATE_PAGE_HEADERS, Principal
from events.catalog.queries import load_catalogue
from events.i18n import gettext_for, pick_text
from events.web.templating import render

# "?done=<code>" after a redirect shows one of these; each workspace module adds its own.
DONE_MESSAGES: dict[str, str] = {}


def done(path: str, code: str) -> Response:
    """Back to a page after an action (post/redirect/get), which then says what happened."""
    separator = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{separator}done={code}", status_code=303, headers=PRIVATE_PAGE_HEADERS)


async def page(
    request: Request,
    session: AsyncSession,
    me: Principal,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    catalogue = await load_catalogue(session)
    language = request.state.language
    code = request.query_params.get("done")
    office = catalogue.city_by_id[me.city_id]
    values = {
        "me": me,
        "me_office": pick_text(office.office_name, language),
        # Times without an event of their own (sign-ins, the audit log) are shown on the user's office clock.
        "me_zone": office.timezone,
        "flash": gettext_for(language, DONE_MESSAGES[code]) if code in DONE_MESSAGES else None,
        **(context or {}),
    }
    return render(request, template, values, status_code=status_code, headers=dict(PRIVATE_PAGE_HEADERS))
