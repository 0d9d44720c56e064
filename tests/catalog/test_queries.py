"""The catalogue's queries stay a fixed number of statements, however many events a page shows (no N+1)."""

import datetime as dt

from tests.conftest import NOW
from tests.factories import build_world, make_event


async def _add_events(session, world, count, *, offset=0):
    for number in range(count):
        await make_event(
            session,
            world,
            title=f"Event {offset + number}",
            venue=world.venue,
            city=world.yuhang if number % 2 else world.weert,
            office=world.weert,
            starts_at=NOW + dt.timedelta(days=1 + offset + number),
            now=NOW,
        )


async def _statements_for(client, count_statements, path):
    counter = count_statements()
    response = await client.get(path)
    assert response.status_code == 200
    return counter.count


async def test_pages_and_api_run_the_same_number_of_statements_for_2_or_20_events(client, session, count_statements):
    world = await build_world(session)
    await _add_events(session, world, 2)
    await session.commit()
    few = {
        path: await _statements_for(client, count_statements, path)
        for path in ("/?lang=en", "/api/v1/events?limit=50", "/archive")
    }
    await _add_events(session, world, 18, offset=2)
    await session.commit()
    many = {
        path: await _statements_for(client, count_statements, path)
        for path in ("/?lang=en", "/api/v1/events?limit=50", "/archive")
    }
    assert few == many
    assert max(many.values()) <= 10, many


async def test_event_page_is_a_handful_of_statements(client, session, count_statements):
    world = await build_world(session)
    event = await make_event(session, world, venue=world.venue, starts_at=NOW + dt.timedelta(days=3), now=NOW)
    await session.commit()
    assert await _statements_for(client, count_statements, f"/events/{event.slug}") <= 10
    assert await _statements_for(client, count_statements, f"/api/v1/events/{event.slug}") <= 10
