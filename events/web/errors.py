"""The one place errors become answers: problem JSON (RFC 9457) for the API, an HTML page for everyone else,
always in the language of the request."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy.exc
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import Scope

from events.errors import (
    BodyTooLarge,
    DatabaseUnavailable,
    InvalidInput,
    MethodNotAllowed,
    NotFound,
    PlatformError,
)
from events.i18n import N_, gettext_for
from events.web.templating import render

log = logging.getLogger("events.errors")

PROBLEM_JSON = "application/problem+json"
# Exceptions that mean the database cannot be reached (stopped, restarting, network gone, pool exhausted).
DATABASE_DOWN: tuple[type[Exception], ...] = (
    sqlalchemy.exc.OperationalError,
    sqlalchemy.exc.InterfaceError,
    sqlalchemy.exc.TimeoutError,
    ConnectionError,
    TimeoutError,
)


class InternalError(PlatformError):
    status = 500
    code = "internal-error"
    title = N_("Something went wrong on our side")


def wants_problem_json(scope: Scope) -> bool:
    if scope.get("path", "").startswith("/api/"):
        return True
    accept = dict(scope.get("headers", [])).get(b"accept", b"").decode("latin-1")
    return "json" in accept and "html" not in accept


def _translated(language: str, message: str, params: dict[str, Any]) -> str:
    localised = {
        name: value.for_language(language) if hasattr(value, "for_language") else value
        for name, value in params.items()
    }
    return gettext_for(language, message, **localised)


def problem_body(error: PlatformError, language: str, base_url: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": f"{base_url}/problems/{error.code}",
        "title": gettext_for(language, error.title),
        "status": error.status,
        "detail": _translated(language, error.message, error.params),
    }
    body.update(error.problem_fields())
    if isinstance(error, InvalidInput):
        body["errors"] = [
            {"field": item.field, "message": _translated(language, item.message, item.params)} for item in error.errors
        ]
    return body


def error_message(request: Request, error: PlatformError) -> str:
    """An error's message in the request's language, for pages that show it beside a form."""
    return _translated(request.state.language, error.message, error.params)


def as_platform_error(error: Exception) -> PlatformError:
    if isinstance(error, PlatformError):
        return error
    if isinstance(error, HTTPException):
        if error.status_code == 404:
            return NotFound()
        if error.status_code == 405:
            return MethodNotAllowed()
        if error.status_code == 413:
            return BodyTooLarge()
        generic = PlatformError()
        generic.status = error.status_code
        return generic
    if isinstance(error, DATABASE_DOWN):
        return DatabaseUnavailable()
    return InternalError()


def _extra_headers(error: PlatformError, original: Exception) -> dict[str, str]:
    headers = error.headers()
    if isinstance(original, HTTPException) and original.headers:
        headers.update(original.headers)
    return headers


def error_response(request: Request, original: Exception) -> Response:
    error = as_platform_error(original)
    language = request.state.language
    headers = _extra_headers(error, original)
    if isinstance(error, DatabaseUnavailable):
        log.warning("The database could not be reached: %s", type(original).__name__)
    if wants_problem_json(request.scope):
        body = problem_body(error, language, request.app.state.settings.base_url)
        return JSONResponse(body, status_code=error.status, headers=headers, media_type=PROBLEM_JSON)
    context = {
        "error": error,
        "title": gettext_for(language, error.title),
        "detail": _translated(language, error.message, error.params) if error.message != error.title else "",
        "field_errors": [_translated(language, item.message, item.params) for item in getattr(error, "errors", [])],
    }
    return render(request, "error.html", context, status_code=error.status, headers=headers)


async def _handler(request: Request, error: Exception) -> Response:
    return error_response(request, error)


async def respond_outside_routing(scope: Scope, error: Exception) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """The same answer for middleware that runs before routing (body too large, unexpected errors)."""
    response = error_response(Request(scope), error)
    return response.status_code, response.raw_headers, bytes(response.body)


def install_error_handlers(app: Starlette) -> None:
    app.add_exception_handler(PlatformError, _handler)
    app.add_exception_handler(HTTPException, _handler)
    for exception_class in DATABASE_DOWN:
        app.add_exception_handler(exception_class, _handler)
