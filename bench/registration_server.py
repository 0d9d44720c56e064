"""The platform and a bare registration endpoint in one server process, for bench/registrations.py.

``POST /__bare_register/{event_id}`` does only what any registration must: in one transaction it takes the same
lock as the platform (``SELECT … FOR UPDATE`` on the event's row on PostgreSQL; on SQLite the write lock of a
transaction begun with ``BEGIN IMMEDIATE``), reads the event's counters, inserts one registration (confirmed
while a seat is left, else waitlisted), updates the counter and commits. It shares the platform's engine and
pool, and skips everything else: middleware, validation, manage links, the outbox, logging.
"""

from __future__ import annotations

import json
import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from events.app import app_from_environment
from events.catalog.models import Event
from events.database import utcnow, write_engine
from events.registrations.models import Registration, RegistrationStatus

BARE_PREFIX = "/__bare_register/"


def bare_endpoint(engine: AsyncEngine) -> Route:
    # Core statements on a connection, not an ORM session: the platform's session listeners (cache version,
    # NOTIFY) stay out of the bare path.
    writer = write_engine(engine)
    registrations = Registration.__table__

    async def bare_register(request: Request) -> Response:
        body = json.loads(await request.body())
        event_id = uuid.UUID(request.path_params["event_id"])
        email = str(body["email"]).strip()
        now = utcnow()
        async with writer.begin() as connection:
            capacity, confirmed, waiting = (
                await connection.execute(
                    select(Event.capacity, Event.confirmed_seats, Event.waitlist_length)
                    .where(Event.id == event_id)
                    .with_for_update()
                )
            ).one()
            fits = (capacity is None or confirmed + 1 <= capacity) and waiting == 0
            status = RegistrationStatus.CONFIRMED if fits else RegistrationStatus.WAITLISTED
            await connection.execute(
                registrations.insert().values(
                    event_id=event_id,
                    status=status,
                    name=str(body["name"]),
                    email=email,
                    email_key=email.lower(),
                    language=str(body["language"]),
                    seats=1,
                    members=[],
                    answers={},
                    consented_at=now,
                    created_at=now,
                    updated_at=now,
                    confirmed_at=now if fits else None,
                    calendar_sequence=0,
                )
            )
            counter = (
                {"confirmed_seats": Event.confirmed_seats + 1}
                if fits
                else {"waitlist_length": Event.waitlist_length + 1}
            )
            await connection.execute(update(Event).where(Event.id == event_id).values(**counter))
        return JSONResponse({"status": status.value}, status_code=201)

    return Route(BARE_PREFIX + "{event_id}", bare_register, methods=["POST"])


def app() -> ASGIApp:
    platform = app_from_environment()
    bare_app = Starlette(routes=[bare_endpoint(platform.state.engine)])

    async def dispatch(scope: Scope, receive: Receive, send: Send) -> None:
        # The bare endpoint skips the platform entirely; lifespan (and so the engine's disposal) is the platform's.
        is_bare = scope["type"] == "http" and scope["path"].startswith(BARE_PREFIX)
        await (bare_app if is_bare else platform)(scope, receive, send)

    return dispatch
