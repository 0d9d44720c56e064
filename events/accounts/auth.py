"""Who is asking: the signed session cookie of the workspace, or a Bearer token of the write API.

Authentication runs in a short transaction of its own before the handler's, so that keeping a session alive
(a write every few minutes) never turns a page's read transaction into a write.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from itsdangerous import BadSignature, Signer
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from events.accounts.models import Role, User
from events.accounts.service import (
    SESSION_LIFETIME,
    touch_api_token,
    touch_session,
    user_for_api_token,
    user_for_session,
)
from events.audit.service import Actor
from events.database import transaction
from events.errors import Forbidden, SignInRequired
from events.i18n import N_
from events.web.endpoints import now, unit_of_work

SESSION_COOKIE = "session"
# Workspace pages are personal: never kept by a proxy or the browser's back-forward cache, never indexed.
PRIVATE_PAGE_HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "same-origin"}


@dataclass(frozen=True)
class Principal:
    """The signed-in user as handlers see them: plain values, valid after the authenticating transaction."""

    id: int
    email: str
    display_name: str
    role: Role
    city_id: int
    city_slug: str
    language: str
    via: str  # web or api

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.via)

    @classmethod
    def of(cls, user: User, via: str) -> Principal:
        return cls(user.id, user.email, user.display_name, user.role, user.city_id, user.city.slug, user.language, via)


def _signer(request: Request) -> Signer:
    return Signer(request.app.state.secret_key, salt="stedenband.session")


def session_cookie(request: Request, token: str) -> str:
    """The Set-Cookie value that signs a browser in."""
    value = _signer(request).sign(token).decode()
    secure = "; Secure" if request.app.state.settings.uses_https else ""
    max_age = int(SESSION_LIFETIME.total_seconds())
    return f"{SESSION_COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"


def cleared_session_cookie(request: Request) -> str:
    secure = "; Secure" if request.app.state.settings.uses_https else ""
    return f"{SESSION_COOKIE}=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax{secure}"


def session_token(request: Request) -> str | None:
    """The session token from the cookie, if its signature is ours (a forged cookie costs no database work)."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        return _signer(request).unsign(raw).decode()
    except BadSignature:
        return None


async def _authenticate(
    request: Request,
    token: str,
    find: Callable[[AsyncSession, str, dt.datetime], Awaitable[tuple[User, int | None] | None]],
    touch: Callable[[AsyncSession, int, dt.datetime], Awaitable[None]],
    via: str,
) -> Principal | None:
    moment = now(request)
    async with transaction(request.app.state.sessionmaker) as session:
        found = await find(session, token, moment)
        principal = Principal.of(found[0], via) if found else None
    if found and found[1] is not None:
        async with transaction(request.app.state.write_sessionmaker) as session:
            await touch(session, found[1], moment)
    return principal


async def signed_in_user(request: Request) -> Principal | None:
    if "principal" not in request.scope:
        token = session_token(request)
        principal = await _authenticate(request, token, user_for_session, touch_session, "web") if token else None
        request.scope["principal"] = principal
    found: Principal | None = request.scope["principal"]
    return found


async def api_user(request: Request) -> Principal:
    """The user of the request's Bearer token; 401 without a valid one."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise SignInRequired()
    principal = await _authenticate(request, token.strip(), user_for_api_token, touch_api_token, "api")
    if principal is None:
        raise SignInRequired()
    return principal


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return f"/login?next={quote(target, safe='')}"


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to another one."""
    if not target:
        return "/organiser/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/organiser/"
    return target


WorkspaceHandler = Callable[[Request, AsyncSession, Principal], Awaitable[Response]]


def workspace(
    *, write: bool = False, admin: bool = False
) -> Callable[[WorkspaceHandler], Callable[[Request], Awaitable[Response]]]:
    """A page of the workspace: sends an anonymous visitor to sign in, refuses organisers where only admins
    may go, runs the handler in one transaction (a write transaction when ``write``), and keeps the answer
    private."""

    def decorate(handler: WorkspaceHandler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            principal = await signed_in_user(request)
            if principal is None:
                return RedirectResponse(login_url(request), status_code=303, headers=PRIVATE_PAGE_HEADERS)
            if admin and not principal.is_admin:
                raise Forbidden(N_ADMINS_ONLY)
            async with unit_of_work(request, write=write) as session:
                response = await handler(request, session, principal)
            for name, value in PRIVATE_PAGE_HEADERS.items():
                response.headers.setdefault(name, value)
            return response

        return endpoint

    return decorate


ApiHandler = Callable[[Request, AsyncSession, Principal], Awaitable[Response]]


def write_api(*, write: bool = True) -> Callable[[ApiHandler], Callable[[Request], Awaitable[Response]]]:
    """An endpoint of the write API: a valid Bearer token first (401), then one transaction."""

    def decorate(handler: ApiHandler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            principal = await api_user(request)
            async with unit_of_work(request, write=write) as session:
                response = await handler(request, session, principal)
            response.headers.setdefault("Cache-Control", "no-store")
            return response

        return endpoint

    return decorate


N_ADMINS_ONLY = N_("Only admins may do this.")
