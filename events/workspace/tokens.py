"""Personal API tokens for integrations: created here, shown once, revocable."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from events.accounts.auth import Principal, workspace
from events.accounts.models import User
from events.accounts.service import API_TOKEN_DAYS, create_api_token, list_api_tokens, revoke_api_token
from events.errors import FieldError, InvalidFields, InvalidInput
from events.i18n import N_
from events.web.csrf import verify_csrf
from events.web.endpoints import now
from events.web.forms import field_errors, form_values
from events.workspace.pages import DONE_MESSAGES, done, page

DONE_MESSAGES.update({"token_revoked": N_("The token has been revoked: it no longer works.")})


async def _page(
    request: Request,
    session: AsyncSession,
    me: Principal,
    *,
    new_token: str | None = None,
    status_code: int = 200,
    **context: object,
) -> Response:
    user = await session.get(User, me.id)
    assert user is not None
    tokens = await list_api_tokens(session, user)
    values = {
        "tokens": tokens,
        "now": now(request),
        "new_token": new_token,
        "day_options": [(str(days), str(days)) for days in API_TOKEN_DAYS],
        "values": {"days": "90"},
        "errors": {},
        **context,
    }
    return await page(request, session, me, "workspace/tokens.html", values, status_code=status_code)


@workspace()
async def token_list(request: Request, session: AsyncSession, me: Principal) -> Response:
    return await _page(request, session, me)


@workspace(write=True)
async def token_create(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    name = str(form.get("name", "")).strip()
    days = str(form.get("days", ""))
    try:
        errors = []
        if not name or len(name) > 100:
            errors.append(
                FieldError("name", N_("Enter a name of at most 100 characters, such as the system that uses it."))
            )
        if not days.isdigit() or int(days) not in API_TOKEN_DAYS:
            errors.append(FieldError("days", N_("Choose how long the token works.")))
        if errors:
            raise InvalidFields(errors)
    except InvalidInput as error:
        return await _page(
            request, session, me, values=form_values(form), errors=field_errors(request, error), status_code=422
        )
    user = await session.scalar(select(User).where(User.id == me.id))
    assert user is not None
    _, token = await create_api_token(session, user, name=name, days=int(days), now=now(request), actor=me.actor)
    # Shown in this answer only, never stored: the page says to copy it now.
    return await _page(request, session, me, new_token=token)


@workspace(write=True)
async def token_revoke(request: Request, session: AsyncSession, me: Principal) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    user = await session.get(User, me.id)
    assert user is not None
    await revoke_api_token(session, user, request.path_params["token_id"], now=now(request), actor=me.actor)
    return done("/organiser/tokens", "token_revoked")


routes = [
    Route("/organiser/tokens", token_list, methods=["GET"]),
    Route("/organiser/tokens", token_create, methods=["POST"]),
    Route("/organiser/tokens/{token_id:int}/revoke", token_revoke, methods=["POST"]),
]
