"""Statements, health checks and the problem-type pages the API links to."""

from __future__ import annotations

import logging

from sqlalchemy import text
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from events.errors import NotFound, PlatformError
from events.i18n import gettext_for
from events.pages.content import render_statement
from events.web.templating import render

log = logging.getLogger("events.health")


async def statement(request: Request) -> Response:
    name = request.scope["route"].name
    html, written_in = render_statement(name, request.state.language, request.app.state.settings.content_dir)
    return render(request, "pages/statement.html", {"name": name, "body": html, "body_lang": written_in})


async def healthz(request: Request) -> Response:
    """The process is alive; says nothing about the database on purpose."""
    return JSONResponse({"status": "ok"})


async def readyz(request: Request) -> Response:
    """Ready to serve: the database answers."""
    try:
        async with request.app.state.sessionmaker() as session:
            await session.execute(text("SELECT 1"))
    except Exception as error:  # any failure to reach the database means "not ready", whatever the driver raised
        log.warning("Readiness check failed: the database did not answer (%s)", type(error).__name__)
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ready", "database": "ok"})


def _problem_types() -> dict[str, type[PlatformError]]:
    def every(cls: type[PlatformError]) -> list[type[PlatformError]]:
        return [cls, *(sub for child in cls.__subclasses__() for sub in every(child))]

    return {cls.code: cls for cls in every(PlatformError)}


async def problem_type(request: Request) -> Response:
    """Human-readable documentation of each problem ``type`` URI, as RFC 9457 recommends."""
    problem = _problem_types().get(request.path_params["code"])
    if problem is None:
        raise NotFound()
    language = request.state.language
    return render(
        request,
        "pages/problem.html",
        {"code": problem.code, "status": problem.status, "problem_title": gettext_for(language, problem.title)},
    )


routes = [
    Route("/privacy", statement, name="privacy"),
    Route("/accessibility", statement, name="accessibility"),
    Route("/healthz", healthz, name="healthz"),
    Route("/readyz", readyz, name="readyz"),
    Route("/problems/{code}", problem_type, name="problem_type"),
]
