"""The platform and a bare Starlette endpoint in one server process, for side-by-side measurements."""

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from events.app import app_from_environment

BARE_BODY = b"<!doctype html><title>bare</title><p>A fixed body.</p>"


async def bare(request: object) -> Response:
    return Response(BARE_BODY, media_type="text/html")


def app() -> ASGIApp:
    platform = app_from_environment()
    bare_app = Starlette(routes=[Route("/__bare", bare)])

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        # The bare endpoint skips the platform entirely: no middleware, no database, no templates.
        target = bare_app if scope["type"] == "http" and scope["path"] == "/__bare" else platform
        await target(scope, receive, send)

    return dispatch
