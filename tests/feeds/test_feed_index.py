"""The feed index (feeds.index): a process's list of feed events, brought up to date by reading only what changed.

A feed built from an index that followed every change must be the very feed built from nothing; and a change
committed by another transaction must reach the index whatever the order of the commits.
"""

import asyncio
import datetime as dt
from random import Random

from sqlalchemy import update

from events.catalog.models import Event
from events.catalog.service import (
    EventText,
    cancel_event,
    change_occurrence,
    delete_event,
    reschedule_event,
    unpublish_event,
)
from events.database import create_engine, make_sessionmaker, transaction, write_engine
from events.feeds.index import FeedIndex, Selection
from events.feeds.service import FragmentCache
from tests.conftest import NOW
from tests.databases import is_postgresql
from tests.factories import build_world, make_event
from tests.workspace.event_helpers import admin, token_of, world_of

MARCH_14 = dt.datetime(2026, 3, 14, 13, tzinfo=dt.UTC)
FEEDS = (
    "/feeds/events.ics?lang=nl",
    "/feeds/events.ics?lang=zh&category=culture&city=yuhang",
    "/feeds/cities/weert.ics?lang=en",
    "/feeds/cities/yuhang.ics?lang=nl",
    "/feeds/categories/culture.ics?lang=zh",
    "/feeds/categories/sport.ics?lang=en",
)


async def test_feeds_kept_up_to_date_change_by_change_equal_feeds_built_from_nothing(client, session, app):
    headers = await token_of(session, await admin(session))
    world = await world_of(session)
    texts = {"nl": EventText("Lezing"), "en": EventText("Lecture"), "zh": EventText("讲座")}
    events = [
        await make_event(
            session,
            world,
            texts=texts,
            starts_at=MARCH_14 + dt.timedelta(days=day),
            now=NOW,
            venue=world.venue if day else None,
        )
        for day in range(6)
    ]
    series = await make_event(
        session, world, starts_at=MARCH_14, rrule="FREQ=WEEKLY;COUNT=4", city=world.yuhang, now=NOW
    )
    await session.flush()

    async def the_same_as_from_nothing(step: str) -> None:
        kept = [(await client.get(path)).content for path in FEEDS]
        followed = app.state.feed_index, app.state.feed_fragments
        app.state.feed_index, app.state.feed_fragments = FeedIndex(), FragmentCache()
        try:
            afresh = [(await client.get(path)).content for path in FEEDS]
        finally:
            app.state.feed_index, app.state.feed_fragments = followed
        for path, mine, theirs in zip(FEEDS, kept, afresh, strict=True):
            assert mine == theirs, f"{path} after {step}"

    async def patch(event: Event, **change: object) -> None:
        response = await client.patch(f"/api/v1/events/{event.slug}", json=change, headers=headers)
        assert response.status_code == 200, response.text

    await the_same_as_from_nothing("the first build")
    # Earlier than all others: it moves to the front of every feed that lists it.
    await reschedule_event(session, events[3], starts_at=MARCH_14 - dt.timedelta(days=1), ends_at=MARCH_14, now=NOW)
    await session.flush()
    await the_same_as_from_nothing("a move to the front")
    await patch(events[0], city="yuhang")
    await the_same_as_from_nothing("a move to Yuhang")
    await patch(events[0], category="sport")
    await the_same_as_from_nothing("a change of category")
    await patch(events[0], city="weert", category="culture")
    await the_same_as_from_nothing("a move back")
    await cancel_event(session, events[1], reasons={"en": "Storm"}, now=NOW)
    await unpublish_event(session, events[2], now=NOW)
    await delete_event(session, events[4], now=NOW)
    await change_occurrence(session, series, MARCH_14 + dt.timedelta(weeks=1), cancelled=True, now=NOW)
    await session.flush()
    await the_same_as_from_nothing("a cancellation, an unpublishing, a deletion and a cancelled occurrence")
    newcomer = await make_event(session, world, title="Newcomer", starts_at=MARCH_14, now=NOW)
    await session.flush()
    await the_same_as_from_nothing("a new event")
    await patch(newcomer, start="2026-03-20T10:00", end="2026-03-20T12:00")
    await the_same_as_from_nothing("a new event moved")
    # Time passes: an event leaves the feeds 60 days after its end, and the index lets go of it.
    app.state.clock = lambda: events[2].ends_at + dt.timedelta(days=60, hours=1)
    await the_same_as_from_nothing("60 days after the third event")
    app.state.clock = lambda: events[5].ends_at + dt.timedelta(days=61)
    await the_same_as_from_nothing("60 days after the last event")
    # A clock set back (a request that began a little earlier, or a test): they are listed again.
    app.state.clock = lambda: events[2].ends_at + dt.timedelta(days=59)
    await the_same_as_from_nothing("the clock set back")


async def test_a_change_committed_after_a_read_that_began_before_it_is_read_at_the_next_refresh(migrated_database):
    """The watermark: a transaction that stamped an event but commits only after a refresh has read past later
    commits (PostgreSQL: a higher transaction id that committed first) is not lost."""
    engine = create_engine(migrated_database)
    sessionmaker, writer = make_sessionmaker(engine), make_sessionmaker(write_engine(engine))
    try:
        async with transaction(writer) as session:
            world = await build_world(session)
            first = await make_event(session, world, title="First", starts_at=MARCH_14, now=NOW)
            second = await make_event(session, world, title="Second", starts_at=MARCH_14, now=NOW)
        index = FeedIndex()

        async def sequences() -> dict[str, int]:
            async with transaction(sessionmaker) as session:
                rows = (await index.rows(session, Selection(), now=NOW)).listed
            return {str(row.event_id).replace("-", ""): row.sequence for row in rows}

        assert set((await sequences()).values()) == {0}
        slow = await write_engine(engine).connect()
        await slow.begin()
        # Stamped now, committed later.
        await slow.execute(update(Event).where(Event.id == first.id).values(sequence=1))
        if is_postgresql(migrated_database):
            # A later transaction commits first, with a higher stamp (SQLite lets one writer at a time).
            async with transaction(writer) as session:
                await session.execute(update(Event).where(Event.id == second.id).values(sequence=2))
            assert (await sequences())[second.id.hex] == 2
        assert (await sequences())[first.id.hex] == 0
        await slow.commit()
        await slow.close()
        assert (await sequences())[first.id.hex] == 1
    finally:
        await engine.dispose()


async def test_an_index_read_while_many_transactions_commit_out_of_order_ends_equal_to_a_fresh_read(
    migrated_database,
):
    """Writers hold their transactions open for random moments, so they commit in another order than they began
    (and, on PostgreSQL, than their ids); a reader refreshes all the while. At the end the index must list what
    a fresh one lists: every event, with its last sequence, in the order of its last start."""
    engine = create_engine(migrated_database)
    sessionmaker, writer = make_sessionmaker(engine), make_sessionmaker(write_engine(engine))
    random = Random(2013)
    try:
        async with transaction(writer) as session:
            world = await build_world(session)
            ids = [
                (await make_event(session, world, starts_at=MARCH_14 + dt.timedelta(hours=n), now=NOW)).id
                for n in range(20)
            ]
        index = FeedIndex()

        async def listing(of: FeedIndex) -> list[tuple[object, int, object]]:
            async with transaction(sessionmaker) as session:
                rows = (await of.rows(session, Selection(), now=NOW)).listed
            return [(row.event_id, row.sequence, row.updated_at) for row in rows]

        async def write(worker: int) -> None:
            for step in range(8):
                event_id = random.choice(ids)
                async with transaction(writer) as session:
                    await session.execute(
                        update(Event)
                        .where(Event.id == event_id)
                        .values(
                            sequence=Event.sequence + 1,
                            starts_at=MARCH_14 + dt.timedelta(minutes=random.randrange(0, 5000)),
                            ends_at=MARCH_14 + dt.timedelta(days=5),
                            updated_at=NOW + dt.timedelta(seconds=worker * 100 + step),
                        )
                    )
                    await asyncio.sleep(random.uniform(0, 0.02))  # still open while others commit

        writing = asyncio.gather(*(write(worker) for worker in range(4)))
        while not writing.done():
            await listing(index)
            await asyncio.sleep(0.001)
        await writing
        assert await listing(index) == await listing(FeedIndex())
    finally:
        await engine.dispose()
