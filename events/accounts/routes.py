"""Signing in and out, and setting a password through an invitation or reset link."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from events.accounts.auth import (
    PRIVATE_PAGE_HEADERS,
    cleared_session_cookie,
    safe_next,
    session_cookie,
    session_token,
    signed_in_user,
)
from events.accounts.mails import send_link
from events.accounts.models import LinkPurpose, User
from events.accounts.service import (
    LinkExpired,
    SignInFailed,
    SignInThrottled,
    find_link,
    issue_link,
    set_password_with_link,
    sign_in,
    sign_out,
)
from events.errors import InvalidInput
from events.web.csrf import verify_csrf
from events.web.endpoints import now, rate_limit, with_transaction, with_write_transaction
from events.web.errors import error_message
from events.web.forms import field_errors, form_values
from events.web.templating import render


def _address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _page(request: Request, template: str, context: dict[str, Any], status_code: int = 200) -> Response:
    headers = dict(PRIVATE_PAGE_HEADERS)
    if "token" in request.path_params:
        headers["Referrer-Policy"] = "no-referrer"  # the link's token must not reach another site
    return render(request, template, context, status_code=status_code, headers=headers)


async def login_form(request: Request) -> Response:
    if await signed_in_user(request) is not None:
        return RedirectResponse(safe_next(request.query_params.get("next")), status_code=303)
    context = {"values": {}, "errors": {}, "next": safe_next(request.query_params.get("next"))}
    return _page(request, "accounts/login.html", context)


@with_write_transaction
async def login_submit(request: Request, session: AsyncSession) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    target = safe_next(str(form.get("next", "")))
    try:
        signed_in = await sign_in(
            session,
            email=str(form.get("email", "")),
            password=str(form.get("password", "")),
            address=_address(request),
            secret_key=request.app.state.secret_key,
            now=now(request),
        )
    except (SignInFailed, SignInThrottled) as error:
        # The failure is committed with this transaction: it must count even though the page says no.
        context = {"values": form_values(form), "errors": {}, "problem": error_message(request, error), "next": target}
        response = _page(request, "accounts/login.html", context, status_code=error.status)
        response.headers.update(error.headers())
        return response
    response = RedirectResponse(target, status_code=303, headers=PRIVATE_PAGE_HEADERS)
    response.headers.append("Set-Cookie", session_cookie(request, signed_in.token))
    return response


@with_write_transaction
async def logout(request: Request, session: AsyncSession) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    if (token := session_token(request)) is not None:
        await sign_out(session, token)
    response = RedirectResponse("/login?signed_out=1", status_code=303, headers=PRIVATE_PAGE_HEADERS)
    response.headers.append("Set-Cookie", cleared_session_cookie(request))
    return response


async def forgot_form(request: Request) -> Response:
    return _page(request, "accounts/forgot.html", {"values": {}, "errors": {}, "sent": False})


@with_write_transaction
async def forgot_submit(request: Request, session: AsyncSession) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    await rate_limit(request)
    email = str(form.get("email", "")).strip().lower()[:254]
    user = await session.scalar(select(User).where(User.email == email, User.is_active))
    if user is not None and user.password_hash is not None:
        token = await issue_link(session, user, LinkPurpose.PASSWORD_RESET, now(request))
        await send_link(session, user, LinkPurpose.PASSWORD_RESET, token, request.app.state.settings, now(request))
    # The same answer whether or not the address has an account: the page must not reveal who works here.
    return _page(request, "accounts/forgot.html", {"values": {}, "errors": {}, "sent": True})


def _purpose(request: Request) -> LinkPurpose:
    return LinkPurpose.INVITATION if request.url.path.startswith("/invitation/") else LinkPurpose.PASSWORD_RESET


@with_transaction
async def password_form(request: Request, session: AsyncSession) -> Response:
    purpose = _purpose(request)
    try:
        link = await find_link(session, request.path_params["token"], purpose, now(request))
    except LinkExpired as error:
        return _page(request, "accounts/link_expired.html", {"problem": error_message(request, error)}, 410)
    user = await session.get(User, link.user_id)
    context: dict[str, Any] = {
        "values": {},
        "errors": {},
        "purpose": purpose.value,
        "email": user.email if user else "",
    }
    return _page(request, "accounts/set_password.html", context)


@with_write_transaction
async def password_submit(request: Request, session: AsyncSession) -> Response:
    form = await request.form()
    verify_csrf(request, form)
    purpose = _purpose(request)
    token = request.path_params["token"]
    try:
        async with session.begin_nested():
            signed_in = await set_password_with_link(
                session,
                token,
                purpose,
                str(form.get("password", "")),
                str(form.get("password_again", "")),
                now(request),
            )
    except InvalidInput as error:
        link = await find_link(session, token, purpose, now(request))
        user = await session.get(User, link.user_id)
        context = {
            "values": {},
            "errors": field_errors(request, error),
            "purpose": purpose.value,
            "email": user.email if user else "",
        }
        return _page(request, "accounts/set_password.html", context, 422)
    except LinkExpired as error:
        return _page(request, "accounts/link_expired.html", {"problem": error_message(request, error)}, 410)
    response = RedirectResponse("/organiser/?welcome=1", status_code=303, headers=PRIVATE_PAGE_HEADERS)
    response.headers.append("Set-Cookie", session_cookie(request, signed_in.token))
    return response


routes = [
    Route("/login", login_form, methods=["GET"], name="login"),
    Route("/login", login_submit, methods=["POST"], name="login_submit"),
    Route("/logout", logout, methods=["POST"], name="logout"),
    Route("/password/forgot", forgot_form, methods=["GET"], name="password_forgot"),
    Route("/password/forgot", forgot_submit, methods=["POST"], name="password_forgot_submit"),
    Route("/password/reset/{token}", password_form, methods=["GET"], name="password_reset"),
    Route("/password/reset/{token}", password_submit, methods=["POST"], name="password_reset_submit"),
    Route("/invitation/{token}", password_form, methods=["GET"], name="invitation"),
    Route("/invitation/{token}", password_submit, methods=["POST"], name="invitation_submit"),
]
