"""Helpers that give handlers their transaction and their inputs."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from events.catalog.queries import use_catalogue_cache
from events.database import transaction
from events.errors import TooManyRequests

SessionHandler = Callable[[Request, AsyncSession], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


@asynccontextmanager
async def unit_of_work(request: Request, *, write: bool = False) -> AsyncIterator[AsyncSession]:
    """One transaction for one user action. ``write``: on SQLite it takes the write lock at once (BEGIN
    IMMEDIATE), as upgrading a read transaction later fails under load."""
    sessionmaker = request.app.state.write_sessionmaker if write else request.app.state.sessionmaker
    async with transaction(sessionmaker) as session:
        use_catalogue_cache(session, request.app.state.catalogue_cache)
        yield session


def with_transaction(handler: SessionHandler) -> Endpoint:
    """Run a handler as one unit of work: it commits when the handler returns and rolls back if it raises."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        async with unit_of_work(request) as session:
            return await handler(request, session)

    return endpoint


def with_write_transaction(handler: SessionHandler) -> Endpoint:
    """The same for handlers that change data (see ``unit_of_work``)."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        async with unit_of_work(request, write=True) as session:
            return await handler(request, session)

    return endpoint


async def rate_limit(request: Request) -> None:
    """Count this request against its client address; 429 with Retry-After when over the limit."""
    limiter = request.app.state.rate_limiter
    if limiter is None:
        return
    address = request.client.host if request.client else "unknown"
    retry_after = await limiter.hit(address)
    if retry_after is not None:
        raise TooManyRequests(retry_after)


def now(request: Request) -> dt.datetime:
    """The current time, from ``app.state.clock`` so tests can pin it."""
    clock: Callable[[], dt.datetime] = request.app.state.clock
    return clock()
