"""Seats under load: many registrations at the same moment, through real server processes, on each database."""

import asyncio
import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select

from events.catalog.models import Event
from events.database import create_engine, make_sessionmaker, transaction, utcnow
from events.registrations.models import Registration, RegistrationStatus
from tests.factories import build_world, make_event
from tests.servers import platform_env, running_server

CLIENTS = 120
CAPACITY = 15
TAKEN_BEFORE = 5  # so 10 seats are left when the crowd arrives


@pytest.fixture
async def crowded_event(migrated_database):
    engine = create_engine(migrated_database)
    async with transaction(make_sessionmaker(engine)) as session:
        world = await build_world(session)
        event = await make_event(
            session,
            world,
            title="Popular workshop",
            capacity=CAPACITY,
            now=utcnow(),
            starts_at=utcnow() + dt.timedelta(days=20),
        )
        slug, event_id = event.slug, event.id
    await engine.dispose()
    return migrated_database, slug, event_id


@pytest.fixture
def server(crowded_event, tmp_path):
    database_url, _, _ = crowded_event
    env = platform_env(
        database_url, secret_key="concurrency", registration_rate_limit="", mail_worker="off", log_level="WARNING"
    )
    # Two worker processes: requests really run at the same time, not only interleaved in one event loop.
    with running_server(env, tmp_path, "--workers", "2") as url:
        yield url


async def test_a_crowd_never_overbooks_and_waits_in_arrival_order(crowded_event, server):
    database_url, slug, event_id = crowded_event
    url = f"{server}/api/v1/events/{slug}/registrations"

    def body(number: int) -> dict:
        return {
            "name": f"Person {number}",
            "email": f"p{number}@example.org",
            "home_city": "weert",
            "language": "en",
            "consent": True,
        }

    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:
        for number in range(TAKEN_BEFORE):
            assert (await client.post(url, json=body(1000 + number))).json()["status"] == "confirmed"
        start = asyncio.Event()

        async def register(number: int) -> httpx.Response:
            await start.wait()
            return await client.post(url, json=body(number))

        tasks = [asyncio.create_task(register(number)) for number in range(CLIENTS)]
        await asyncio.sleep(0.2)
        start.set()  # everyone at once
        responses = await asyncio.gather(*tasks)
    assert [response.status_code for response in responses] == [201] * CLIENTS, responses[0].text
    answers = [response.json() for response in responses]
    assert sum(answer["status"] == "confirmed" for answer in answers) == CAPACITY - TAKEN_BEFORE
    assert sum(answer["status"] == "waitlisted" for answer in answers) == CLIENTS - (CAPACITY - TAKEN_BEFORE)

    engine = create_engine(database_url)
    async with make_sessionmaker(engine)() as session:
        event = await session.get(Event, event_id)
        rows = (
            await session.scalars(
                select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
            )
        ).all()
        confirmed_seats = await session.scalar(
            select(func.sum(Registration.seats)).where(
                Registration.event_id == event_id, Registration.status == RegistrationStatus.CONFIRMED
            )
        )
    await engine.dispose()
    assert event.confirmed_seats == confirmed_seats == CAPACITY  # exactly full, never more
    assert event.waitlist_length == CLIENTS - (CAPACITY - TAKEN_BEFORE)
    # Arrival order is the order of the lock: the first to get it took the seats, the rest wait in that order.
    statuses = [row.status for row in rows]
    assert statuses == [RegistrationStatus.CONFIRMED] * CAPACITY + [RegistrationStatus.WAITLISTED] * (
        CLIENTS - CAPACITY + TAKEN_BEFORE
    )
    position_by_email = {answer["email"]: answer["waitlist_position"] for answer in answers}
    waiting = [row for row in rows if row.status is RegistrationStatus.WAITLISTED]
    assert [position_by_email[row.email] for row in waiting] == list(range(1, len(waiting) + 1))
