"""Serving public GET answers from the answer cache (see events/cache.py), with ETags and 304s."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import gzip
import time
from collections.abc import Callable
from email.utils import parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from events.cache import MAX_AGE, AnswerCache, CachedAnswer, DataVersion, strong_etag
from events.i18n import LANGUAGES
from events.logs import log_request
from events.web.endpoints import Endpoint, now
from events.web.middleware import log as request_log
from events.web.middleware import (
    remembers_language,
    request_language,
    route_template,
    security_headers,
    with_security_headers,
)

KEPT_HEADERS = ("content-type", "content-disposition", "vary", "cache-control", "last-modified")
MIN_GZIP_SIZE = 1024


def valid_until(request: Request, moment: dt.datetime | None) -> None:
    """Tell the cache when this answer stops being true by itself (an event starts, registration opens)."""
    if moment is None:
        return
    current = getattr(request.state, "valid_until", None)
    request.state.valid_until = moment if current is None else min(current, moment)


def cached(endpoint: Endpoint) -> Endpoint:
    """Answer from the cache while the data version and the answer's own expiry allow; fill it otherwise.

    When several requests miss at once (after a change, or when an answer expires), one makes the answer and
    the others wait for it, instead of each doing the same work at the same time.
    """

    @functools.wraps(endpoint)
    async def serve(request: Request) -> Response:
        cache: AnswerCache = request.app.state.answer_cache
        version: DataVersion = request.app.state.data_version
        token = version.token() if cache.enabled else None
        moment = now(request)
        key = (request.scope["path"], request.scope["query_string"], request.state.language)
        if token is None:
            return (await _make(request, endpoint, token=(), moment=moment))[1]
        if (entry := cache.get(key, token, moment)) is not None:
            return _answer(request, entry, hit=True)
        building = cache.building.get(key)
        if building is not None and building[0] == token:
            shared = await asyncio.shield(building[1])
            if shared is not None:
                return _answer(request, shared, hit=False)
        future: asyncio.Future[CachedAnswer | None] = asyncio.get_running_loop().create_future()
        cache.building[key] = (token, future)
        entry = None
        try:
            entry, response = await _make(request, endpoint, token=token, moment=moment)
            if entry is not None and entry.expires > moment:
                cache.put(key, entry)
            return response
        finally:
            future.set_result(entry)
            if cache.building.get(key, (None, None))[1] is future:
                del cache.building[key]

    return serve


async def _make(
    request: Request, endpoint: Endpoint, *, token: tuple[int, ...], moment: dt.datetime
) -> tuple[CachedAnswer | None, Response]:
    response = await endpoint(request)
    if response.status_code != 200 or not hasattr(response, "body"):
        return None, response
    expires = moment + MAX_AGE
    if (until := getattr(request.state, "valid_until", None)) is not None:
        expires = min(expires, until)
    entry = _entry(response, bytes(response.body), token=token, expires=expires)
    entry.route_template = route_template(request.scope)
    return entry, _answer(request, entry, hit=False)


class PreparedResponse(Response):
    """An answer that knows its own strong ETag and how to gzip itself cheaply (a large feed), so the cache
    neither hashes nor compresses the whole body again."""

    def __init__(
        self,
        body: bytes,
        *,
        etag: str,
        make_gzip: Callable[[], bytes],
        media_type: str,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(body, media_type=media_type, headers=headers)
        self.etag = etag
        self.make_gzip = make_gzip


def _entry(response: Response, body: bytes, *, token: tuple[int, ...], expires: dt.datetime) -> CachedAnswer:
    etag = getattr(response, "etag", None) or strong_etag(body)
    vary = response.headers.get("vary", "")
    kept = [
        (name.encode(), value.encode())
        for name, value in response.headers.items()
        if name in KEPT_HEADERS and name != "vary"
    ]
    if "cache-control" not in response.headers:
        # no-cache: browsers may keep the answer but must ask again; the ETag makes that a cheap 304.
        kept.append((b"cache-control", b"no-cache"))
    vary_header = (b"vary", ", ".join(part for part in (vary, "Accept-Encoding") if part).encode())
    make_gzip: Callable[[], bytes] | None = getattr(response, "make_gzip", None)
    if make_gzip is None and len(body) >= MIN_GZIP_SIZE:
        make_gzip = functools.partial(gzip.compress, body, compresslevel=6, mtime=0)
    entry = CachedAnswer(
        body=body,
        status=response.status_code,
        raw_headers=[*kept, (b"etag", etag.encode()), vary_header, (b"content-length", str(len(body)).encode())],
        etag=etag,
        last_modified=response.headers.get("last-modified"),
        token=token,
        expires=expires,
        make_gzip=make_gzip,
    )
    if make_gzip is not None:
        entry.gzip_headers = [*kept, (b"etag", entry.gzip_etag.encode()), vary_header, (b"content-encoding", b"gzip")]
    return entry


def _not_modified(if_none_match: str | None, if_modified_since: str | None, entry: CachedAnswer) -> bool:
    """RFC 9110: If-None-Match decides when sent (weak comparison, either encoding's tag); else
    If-Modified-Since against Last-Modified."""
    if if_none_match is not None:
        if if_none_match.strip() == "*":
            return True
        sent = {tag.strip().removeprefix("W/") for tag in if_none_match.split(",")}
        return entry.etag in sent or entry.gzip_etag in sent
    modified = entry.last_modified
    if if_modified_since is None or modified is None:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(if_modified_since)
    except (TypeError, ValueError):
        return False


class _CachedResponse(Response):
    """A response whose headers were encoded once, when it was cached."""

    def __init__(self, body: bytes, status_code: int, raw_headers: list[tuple[bytes, bytes]]) -> None:
        self.body = body
        self.status_code = status_code
        self.raw_headers = raw_headers
        self.background = None


HIT = [(b"x-cache", b"hit")]
MISS = [(b"x-cache", b"miss")]


def _answer(request: Request, entry: CachedAnswer, *, hit: bool) -> Response:
    headers = request.headers
    status, raw_headers, body = _answer_parts(
        entry,
        hit=hit,
        accept_encoding=headers.get("accept-encoding", ""),
        if_none_match=headers.get("if-none-match"),
        if_modified_since=headers.get("if-modified-since"),
    )
    return _CachedResponse(body, status, raw_headers)


def _answer_parts(
    entry: CachedAnswer, *, hit: bool, accept_encoding: str, if_none_match: str | None, if_modified_since: str | None
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    variant = (_not_modified(if_none_match, if_modified_since, entry), _gives_gzip(entry, accept_encoding))
    return _variant_parts(entry, variant, hit=hit)


def _gives_gzip(entry: CachedAnswer, accept_encoding: str) -> bool:
    return entry.make_gzip is not None and "gzip" in accept_encoding


def _variant_parts(
    entry: CachedAnswer, variant: tuple[bool, bool], *, hit: bool
) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """Status, headers and body of an answer: (not modified?, gzip?)."""
    not_modified, wants_gzip = variant
    # X-Cache tells operators (and tests) whether the answer came from memory.
    cache_status = HIT if hit else MISS
    if not_modified:
        kept = (b"cache-control", b"last-modified", b"vary")
        headers = [(name, value) for name, value in entry.raw_headers if name in kept]
        etag = entry.gzip_etag if wants_gzip else entry.etag
        return 304, [*headers, (b"etag", etag.encode()), *cache_status], b""
    if wants_gzip:
        body = entry.gzip_body()
        assert body is not None and entry.gzip_headers is not None
        return entry.status, [*entry.gzip_headers, (b"content-length", str(len(body)).encode()), *cache_status], body
    return entry.status, [*entry.raw_headers, *cache_status], entry.body


# The request headers a cache hit reads.
_ASKED = frozenset({b"authorization", b"accept-encoding", b"if-none-match", b"if-modified-since"})


class ServeFromCache:
    """Cache hits answered early: a GET whose answer is in the cache for the current data version, in the language
    the request would be answered in (``request_language``, as the Language middleware decides it), skips
    routing and the error boundary. Calendar apps poll feeds all day, and API clients poll lists; this keeps
    those polls cheap. A request that must set the language cookie, or names a language we do not have, and every
    miss, takes the normal way through ``cached``."""

    def __init__(self, app: ASGIApp, *, https: bool) -> None:
        self.app = app
        self.security = security_headers(https=https)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started = time.perf_counter()
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        wanted: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            if name in _ASKED:
                wanted[name] = value.decode("latin-1")
        # A request with credentials (an organiser's API token) asks for a personal answer, never a shared one.
        if b"authorization" in wanted:
            await self.app(scope, receive, send)
            return
        state = scope["app"].state
        asked, cookie, language = request_language(scope, state.settings.default_language)
        # The full way answers an unknown ?lang= with its error, and sets the cookie a page must remember.
        takes_full_way = asked is not None and (
            asked not in LANGUAGES or (remembers_language(scope["path"]) and cookie != asked)
        )
        cache: AnswerCache = state.answer_cache
        token = state.data_version.token() if not takes_full_way and cache.enabled else None
        entry = (
            cache.get((scope["path"], scope["query_string"], language), token, state.clock())
            if token is not None
            else None
        )
        if entry is None:
            await self.app(scope, receive, send)
            return
        variant = (
            _not_modified(wanted.get(b"if-none-match"), wanted.get(b"if-modified-since"), entry),
            _gives_gzip(entry, wanted.get(b"accept-encoding", "")),
        )
        if (parts := entry.hits.get(variant)) is None:
            status, headers, body = _variant_parts(entry, variant, hit=True)
            # Answered before the request log and the security headers, as they would have answered it; each
            # variant of a hit is the same every time, so it is put together once.
            parts = entry.hits[variant] = (status, with_security_headers(headers, self.security), body)
        status, headers, body = parts
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        log_request(request_log, scope["method"], entry.route_template, status, duration_ms)
