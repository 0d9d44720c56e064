"""Pure ASGI middleware that every response passes through (Starlette's BaseHTTPMiddleware is avoided on purpose:
it breaks streaming and context variables)."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs

from starlette.datastructures import MutableHeaders
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events.errors import BodyTooLarge, PlatformError, UnknownLanguage
from events.i18n import LANGUAGES, N_, negotiate
from events.logs import log_request

log = logging.getLogger("events.requests")

LANGUAGE_COOKIE = "lang"
ONE_YEAR = 365 * 24 * 3600

ErrorResponder = Callable[[Scope, PlatformError | Exception], Awaitable[tuple[int, list[tuple[bytes, bytes]], bytes]]]


def route_template(scope: Scope) -> str:
    """The matched route's path with its parameters as placeholders ("/events/{slug}"), never the real values,
    which may hold tokens."""
    route = scope.get("route")
    if route is None:
        return "-"
    if isinstance(route, Mount):
        return (scope.get("root_path") or "") + "/…"
    path_format = getattr(route, "path_format", None)
    root = scope.get("root_path") or ""
    app_root = scope.get("app_root_path") or ""
    prefix = root[len(app_root) :] if root.startswith(app_root) else root
    return f"{prefix}{path_format}" if isinstance(path_format, str) else "-"


class RequestLog:
    """One structured log line per request: method, route template, status and duration."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_status)
        finally:
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            path = route_template(scope)
            log_request(log, scope["method"], path, status, duration_ms)


def content_security_policy() -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(*, https: bool) -> list[tuple[bytes, bytes]]:
    headers = {
        "content-security-policy": content_security_policy(),
        "x-content-type-options": "nosniff",
        "x-frame-options": "DENY",
        "referrer-policy": "strict-origin-when-cross-origin",
        "permissions-policy": "camera=(self), geolocation=(), microphone=()",
        "cross-origin-opener-policy": "same-origin",
    }
    if https:
        headers["strict-transport-security"] = "max-age=31536000"
    return [(name.encode(), value.encode()) for name, value in headers.items()]


def with_security_headers(
    raw: list[tuple[bytes, bytes]], security: list[tuple[bytes, bytes]]
) -> list[tuple[bytes, bytes]]:
    """A response's headers and the security headers it does not set itself (a handler may tighten one)."""
    present = {name.lower() for name, _ in raw}
    return raw + [(name, value) for name, value in security if name not in present]


class SecurityHeaders:
    """Security headers on every response; a handler may tighten Referrer-Policy (pages with a token in the URL).
    Cache hits, answered before this middleware, add them with the same helper (caching.ServeFromCache)."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.headers = security_headers(https=https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = with_security_headers(list(message.get("headers", [])), self.headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class ErrorBoundary:
    """Turns anything the app did not handle into the platform's own 500 page, inside the other middleware, so
    even that answer is logged and carries the security headers."""

    def __init__(self, app: ASGIApp, *, respond: ErrorResponder) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_and_note_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_and_note_start)
        except Exception as error:
            logging.getLogger("events.errors").exception(
                "An unexpected %s stopped %s %s", type(error).__name__, scope["method"], route_template(scope)
            )
            if started:
                raise
            status, headers, body = await self.respond(scope, error)
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body})


class BodySizeLimit:
    """Refuses request bodies over the limit with 413, by Content-Length when sent and while reading otherwise.

    ``larger``: paths that may send more (the forms that carry an image), each with its own limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body_size: int,
        respond: ErrorResponder,
        larger: Sequence[tuple[re.Pattern[str], int]] = (),
    ) -> None:
        self.app = app
        self.max_body_size = max_body_size
        self.respond = respond
        self.larger = larger

    def _limit(self, path: str) -> int:
        return next((limit for pattern, limit in self.larger if pattern.match(path)), self.max_body_size)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        declared = headers.get(b"content-length")
        if declared is None and b"transfer-encoding" not in headers:
            await self.app(scope, receive, send)  # no body to count
            return
        max_body_size = self._limit(scope["path"])
        if declared is not None and (not declared.isdigit() or int(declared) > max_body_size):
            await self._refuse(scope, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_body_size:
                    raise _TooLarge
            return message

        async def send_and_note_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, send_and_note_start)
        except _TooLarge:
            if started:
                raise
            await self._refuse(scope, send)

    async def _refuse(self, scope: Scope, send: Send) -> None:
        status, headers, body = await self.respond(scope, BodyTooLarge())
        headers = [*headers, (b"connection", b"close")]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


class Language:
    """Chooses the request's language: ``?lang=``, then the cookie, then Accept-Language, then the default.

    A valid ``?lang=`` is remembered in a cookie. An unknown one answers 400, in the language the visitor would
    otherwise get, naming the languages there are.
    """

    def __init__(self, app: ASGIApp, *, default: str, secure_cookie: bool, respond: ErrorResponder) -> None:
        self.app = app
        self.default = default
        self.secure_cookie = secure_cookie
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        asked, cookie, language = request_language(scope, self.default)
        scope.setdefault("state", {})["language"] = language
        if asked is not None and asked not in LANGUAGES:
            status, error_headers, body = await self.respond(
                scope,
                UnknownLanguage(
                    N_("There is no language “%(value)s” here. Choose one of: %(choices)s."),
                    value=asked[:20],
                    choices=", ".join(f"{code} ({language.name})" for code, language in LANGUAGES.items()),
                ),
            )
            await send({"type": "http.response.start", "status": status, "headers": error_headers})
            await send({"type": "http.response.body", "body": body})
            return
        remember = asked in LANGUAGES and asked != cookie and remembers_language(scope["path"])

        async def send_with_cookie(message: Message) -> None:
            if remember and message["type"] == "http.response.start":
                cookie_value = f"{LANGUAGE_COOKIE}={asked}; Path=/; Max-Age={ONE_YEAR}; SameSite=Lax"
                if self.secure_cookie:
                    cookie_value += "; Secure"
                MutableHeaders(scope=message).append("Set-Cookie", cookie_value)
            await send(message)

        await self.app(scope, receive, send_with_cookie)


LanguageDecision = tuple[str | None, str | None, str]
# Decisions by the headers and query string they were made from: calendar apps and API clients send the same ones
# poll after poll, and every request that may be answered from the cache asks. Emptied when full; long inputs
# (a browser's cookies) are decided afresh, so the memory kept stays small whatever clients send.
_decided: dict[tuple[bytes, bytes, bytes, str], LanguageDecision] = {}
_DECISIONS_KEPT = 4096
_LONGEST_KEPT = 512  # bytes of query string, cookie and Accept-Language together


def request_language(scope: Scope, default: str) -> LanguageDecision:
    """What a request says about its language: the ``?lang=`` value as sent (checked or not), the language its
    cookie remembers, and the language to answer in: ``?lang=`` when it is ours, then the cookie, then
    ``Accept-Language``, then the default."""
    query = scope.get("query_string", b"")
    cookie_header, accept_language = b"", b""
    for name, value in scope["headers"]:
        if name == b"cookie":
            cookie_header = value
        elif name == b"accept-language":
            accept_language = value
    key = (query, cookie_header, accept_language, default)
    decision = _decided.get(key)
    if decision is None:
        decision = _decide_language(query, cookie_header, accept_language, default)
        if len(query) + len(cookie_header) + len(accept_language) <= _LONGEST_KEPT:
            if len(_decided) >= _DECISIONS_KEPT:
                _decided.clear()
            _decided[key] = decision
    return decision


def _decide_language(query: bytes, cookie_header: bytes, accept_language: bytes, default: str) -> LanguageDecision:
    asked = _asked_language(query) if b"lang=" in query else None
    cookie = cookie_language(cookie_header.decode("latin-1")) if b"lang=" in cookie_header else None
    if asked in LANGUAGES:
        return asked, cookie, asked
    return asked, cookie, cookie or negotiate(accept_language.decode("latin-1")) or default


def _asked_language(query: bytes) -> str | None:
    """The last non-empty ``lang`` value of a query string, as parse_qs would read it. Every request that may be
    answered from the cache asks this, so the plain ``lang=xx`` is read without parsing the whole query."""
    text = query.decode("latin-1")
    if "%" not in text and "+" not in text:
        values = [pair[5:] for pair in text.split("&") if pair.startswith("lang=") and len(pair) > 5]
        return values[-1] if values else None
    return parse_qs(text).get("lang", [None])[-1]


def remembers_language(path: str) -> bool:
    """Pages remember a language chosen with ?lang= in a cookie. The API and calendar files answer in the asked
    language without setting one (an answer that sets a cookie is not kept by shared caches)."""
    return not path.startswith(("/api/", "/feeds/")) and not path.endswith(".ics")


def cookie_language(cookie_header: str) -> str | None:
    cookies = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:  # a malformed Cookie header must not cost the visitor the page
        return None
    morsel = cookies.get(LANGUAGE_COOKIE)
    return morsel.value if morsel is not None and morsel.value in LANGUAGES else None
