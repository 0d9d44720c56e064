"""Serving public GET answers from the answer cache (see events/cache.py), with ETags and 304s."""

from __future__ import annotations

import datetime as dt
import functools
import gzip
from email.utils import parsedate_to_datetime

from starlette.requests import Request
from starlette.responses import Response

from events.cache import MAX_AGE, AnswerCache, CachedAnswer, DataVersion, strong_etag
from events.web.endpoints import Endpoint, now

KEPT_HEADERS = ("content-type", "content-disposition", "vary", "cache-control", "last-modified")
MIN_GZIP_SIZE = 1024


def valid_until(request: Request, moment: dt.datetime | None) -> None:
    """Tell the cache when this answer stops being true by itself (an event starts, registration opens)."""
    if moment is None:
        return
    current = getattr(request.state, "valid_until", None)
    request.state.valid_until = moment if current is None else min(current, moment)


def cached(endpoint: Endpoint) -> Endpoint:
    """Answer from the cache while the data version and the answer's own expiry allow; fill it otherwise."""

    @functools.wraps(endpoint)
    async def serve(request: Request) -> Response:
        cache: AnswerCache = request.app.state.answer_cache
        version: DataVersion = request.app.state.data_version
        token = version.token() if cache.enabled else None
        moment = now(request)
        key = (request.scope["path"], request.scope["query_string"], request.state.language)
        if token is not None and (entry := cache.get(key, token, moment)) is not None:
            return _answer(request, entry, hit=True)
        response = await endpoint(request)
        if response.status_code != 200 or not hasattr(response, "body"):
            return response
        body = bytes(response.body)
        expires = moment + MAX_AGE
        if (until := getattr(request.state, "valid_until", None)) is not None:
            expires = min(expires, until)
        entry = _entry(response, body, token=token or (), expires=expires)
        if token is not None and expires > moment:
            cache.put(key, entry)
        return _answer(request, entry, hit=False)

    return serve


def _entry(response: Response, body: bytes, *, token: tuple[int, ...], expires: dt.datetime) -> CachedAnswer:
    etag = strong_etag(body)
    vary = response.headers.get("vary", "")
    kept = [
        (name.encode(), value.encode())
        for name, value in response.headers.items()
        if name in KEPT_HEADERS and name != "vary"
    ]
    common = [*kept, (b"etag", etag.encode())]
    if "cache-control" not in response.headers:
        # no-cache: browsers may keep the answer but must ask again; the ETag makes that a cheap 304.
        common.append((b"cache-control", b"no-cache"))
    vary_header = (b"vary", ", ".join(part for part in (vary, "Accept-Encoding") if part).encode())
    gzip_body = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= MIN_GZIP_SIZE else None
    return CachedAnswer(
        body=body,
        status=response.status_code,
        raw_headers=[*common, vary_header, (b"content-length", str(len(body)).encode())],
        etag=etag,
        last_modified=response.headers.get("last-modified"),
        token=token,
        expires=expires,
        gzip_body=gzip_body,
        gzip_headers=(
            [
                *common,
                vary_header,
                (b"content-encoding", b"gzip"),
                (b"content-length", str(len(gzip_body)).encode()),
            ]
            if gzip_body is not None
            else None
        ),
    )


def _not_modified(request: Request, entry: CachedAnswer) -> bool:
    """RFC 9110: If-None-Match decides when sent; else If-Modified-Since against Last-Modified."""
    if_none_match = request.headers.get("if-none-match")
    if if_none_match is not None:
        return entry.etag in [tag.strip() for tag in if_none_match.split(",")] or if_none_match.strip() == "*"
    since, modified = request.headers.get("if-modified-since"), entry.last_modified
    if since is None or modified is None:
        return False
    try:
        return parsedate_to_datetime(modified) <= parsedate_to_datetime(since)
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
    # X-Cache tells operators (and tests) whether the answer came from memory.
    cache_status = HIT if hit else MISS
    if _not_modified(request, entry):
        headers = [
            (name, value)
            for name, value in entry.raw_headers
            if name in (b"etag", b"cache-control", b"last-modified", b"vary")
        ]
        return _CachedResponse(b"", 304, [*headers, *cache_status])
    if entry.gzip_body is not None and "gzip" in request.headers.get("accept-encoding", ""):
        return _CachedResponse(entry.gzip_body, entry.status, [*(entry.gzip_headers or []), *cache_status])
    return _CachedResponse(entry.body, entry.status, [*entry.raw_headers, *cache_status])
