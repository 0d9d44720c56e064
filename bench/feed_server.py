"""The platform and bare endpoints that answer the full calendar feed from memory, in one server process.

Used by bench/feeds.py (``uvicorn bench.feed_server:app --factory``). The first request to a bare endpoint asks
the platform in this same process for ``/feeds/events.ics?lang=nl`` (identity, gzip, and a 304 for its ETag) and
keeps the answers: the same status, headers and bytes. From then on the bare endpoints return those copies from
memory through a bare Starlette app: no middleware, no database, no data-version check, no logging.

    /__bare/feed.ics       the feed's bytes (the gzip copy when the request's Accept-Encoding has "gzip")
    /__bare/not-modified   the platform's 304 answer for the feed's ETag
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from events.app import app_from_environment

FEED_PATH = "/feeds/events.ics"
FEED_QUERY = b"lang=nl"
BARE_PREFIX = "/__bare/"
# uvicorn adds these itself to every answer, the platform's and the bare endpoints' alike.
ADDED_BY_SERVER = (b"date", b"server")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass(frozen=True)
class FeedCopies:
    identity: Answer
    gzip: Answer
    not_modified: Answer


class _Kept(Response):
    """A response whose status, headers and body are given as they are, like the platform's cached answers."""

    def __init__(self, answer: Answer) -> None:
        self.body = answer.body
        self.status_code = answer.status
        self.raw_headers = answer.headers
        self.background = None


async def ask(app: ASGIApp, template: Scope, headers: list[tuple[bytes, bytes]]) -> Answer:
    """One GET of the feed through ``app`` in this process, collected whole."""
    scope: Scope = {
        **template,
        "path": FEED_PATH,
        "raw_path": FEED_PATH.encode(),
        "query_string": FEED_QUERY,
        "headers": [(b"host", b"127.0.0.1"), (b"accept-language", b"nl"), *headers],
        "state": {},
    }
    for key in ("route", "endpoint", "path_params", "app", "router"):
        scope.pop(key, None)
    started: list[Message] = []
    body = bytearray()

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            started.append(message)
        elif message["type"] == "http.response.body":
            body.extend(message.get("body", b""))

    await app(scope, receive, send)
    kept = [(name.lower(), value) for name, value in started[0]["headers"] if name.lower() not in ADDED_BY_SERVER]
    return Answer(started[0]["status"], kept, bytes(body))


def app() -> ASGIApp:
    platform = app_from_environment()
    copies: list[FeedCopies] = []
    lock = asyncio.Lock()

    async def feed_copies(request: Request) -> FeedCopies:
        if copies:
            return copies[0]
        async with lock:
            if not copies:
                template = dict(request.scope)
                # Asked twice so the copies are of a cached answer ("X-Cache: hit"), as wrk will mostly see.
                for _ in range(2):
                    identity = await ask(platform, template, [])
                    gzipped = await ask(platform, template, [(b"accept-encoding", b"gzip")])
                etag = dict(identity.headers)[b"etag"]
                not_modified = await ask(platform, template, [(b"if-none-match", etag), (b"accept-encoding", b"gzip")])
                assert identity.status == gzipped.status == 200 and not_modified.status == 304
                copies.append(FeedCopies(identity, gzipped, not_modified))
        return copies[0]

    async def bare_feed(request: Request) -> Response:
        kept = copies[0] if copies else await feed_copies(request)
        return _Kept(kept.gzip if "gzip" in request.headers.get("accept-encoding", "") else kept.identity)

    async def bare_not_modified(request: Request) -> Response:
        kept = copies[0] if copies else await feed_copies(request)
        return _Kept(kept.not_modified)

    bare_app = Starlette(
        routes=[Route("/__bare/feed.ics", bare_feed), Route("/__bare/not-modified", bare_not_modified)]
    )

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        # The bare endpoints skip the platform entirely: no middleware, no database, no cache checks.
        target = bare_app if scope["type"] == "http" and scope["path"].startswith(BARE_PREFIX) else platform
        await target(scope, receive, send)

    return dispatch
