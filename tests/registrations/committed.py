"""Registrations written with real commits, for tests where several transactions meet (workers, jobs, the
purge): the usual test transaction, rolled back at the end, cannot show what another transaction sees."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from events.catalog.models import Category, City, Event, Venue
from events.database import make_sessionmaker, transaction, write_engine
from events.registrations.forms import from_json
from events.registrations.service import Context, register
from tests.conftest import NOW
from tests.factories import World, build_world, make_event
from tests.registrations.helpers import person

CONTEXT = Context(base_url="https://stedenband.test", calendar_domain="stedenband.test", now=NOW)


def writer(engine: AsyncEngine) -> Any:
    """A transaction that writes, as the app, the worker and the CLI open it (BEGIN IMMEDIATE on SQLite)."""
    sessions = make_sessionmaker(write_engine(engine))
    return lambda: transaction(sessions)


async def committed_event(
    engine: AsyncEngine, *, starts_at: dt.datetime, people: int, first: int = 1, **options: Any
) -> tuple[uuid.UUID, list[int]]:
    """A published event with ``people`` confirmed registrations (person{first}@example.org, …), committed."""
    async with writer(engine)() as session:
        world = await _world(session)
        event = await make_event(session, world, title="Trade mission", starts_at=starts_at, now=NOW, **options)
        ids = []
        for number in range(first, first + people):
            outcome = await register(session, event_id=event.id, sent=from_json(person(number)), context=CONTEXT)
            ids.append(outcome.registration.id)
        return event.id, ids


async def _world(session: AsyncSession) -> World:
    """The cities and categories, made by the first event of the database."""
    cities = {city.slug: city for city in (await session.scalars(select(City))).all()}
    if not cities:
        return await build_world(session)
    categories = {category.slug: category for category in (await session.scalars(select(Category))).all()}
    venue = (await session.scalars(select(Venue).limit(1))).one()
    return World(cities["weert"], cities["yuhang"], categories, venue)


async def move_to_the_past(engine: AsyncEngine, event_id: uuid.UUID, ended: dt.datetime) -> None:
    async with writer(engine)() as session:
        await session.execute(
            update(Event)
            .where(Event.id == event_id)
            .values(starts_at=ended - dt.timedelta(hours=2), ends_at=ended, series_ends_at=ended)
        )
        assert await session.scalar(select(Event.series_ends_at).where(Event.id == event_id)) == ended
