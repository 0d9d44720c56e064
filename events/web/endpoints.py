"""Helpers that give handlers their transaction and their inputs."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from events.database import transaction

SessionHandler = Callable[[Request, AsyncSession], Awaitable[Response]]
Endpoint = Callable[[Request], Awaitable[Response]]


def with_transaction(handler: SessionHandler) -> Endpoint:
    """Run a handler as one unit of work: it commits when the handler returns and rolls back if it raises."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        async with transaction(request.app.state.sessionmaker) as session:
            return await handler(request, session)

    return endpoint


def now(request: Request) -> dt.datetime:
    """The current time, from ``app.state.clock`` so tests can pin it."""
    clock: Callable[[], dt.datetime] = request.app.state.clock
    return clock()
