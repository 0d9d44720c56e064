"""A feed's memo of its last build (feeds.service.FeedMemo, FragmentCache): what a rebuild takes from it must be
what looking up every row would find, however the rows moved; and a feed in which nothing changed is served as it
was built."""

import datetime as dt
import uuid

from hypothesis import given
from hypothesis import strategies as st

from events.catalog.queries import load_catalogue
from events.catalog.service import reschedule_event
from events.feeds.index import FeedIndex, FeedRow
from events.feeds.service import BuiltFeed, ChunkCache, FeedFilters, FeedMemo, FragmentCache, build_feed
from tests.conftest import NOW
from tests.factories import make_event
from tests.feeds.test_feed_index import MARCH_14
from tests.workspace.event_helpers import world_of


def _row(number: int) -> FeedRow:
    return FeedRow(uuid.UUID(int=number), f"2026-03-14 10:00:{number % 60:02d}", 0, "Europe/Amsterdam", False)


# An edit of a feed's rows: insert a new row, remove one, or replace one by a newer version of its event.
edits = st.lists(st.tuples(st.sampled_from(["insert", "remove", "replace"]), st.integers(0, 10**6)), max_size=8)


@given(size=st.integers(0, 40), edits=edits)
def test_a_rebuild_finds_for_each_row_what_a_lookup_of_every_row_finds(size, edits):
    memo = FeedMemo()
    old_rows = [_row(number) for number in range(size)]
    for number, row in enumerate(old_rows):
        memo.keep(row, (f"VEVENT {number}".encode(), bytes(16)))
    memo.last_rows, memo.last_found = old_rows, [memo.fragments[id(row)] for row in old_rows]
    rows = list(old_rows)
    for number, (edit, where) in enumerate(edits, start=size):
        if edit == "insert" or not rows:
            rows.insert(where % (len(rows) + 1), _row(number))
        elif edit == "remove":
            del rows[where % len(rows)]
        else:
            position = where % len(rows)
            newer = rows[position]._replace(sequence=rows[position].sequence + 1)
            rows[position] = newer
            if where % 2:  # built already for another feed: in the memo; else still to be built
                memo.keep(newer, (b"VEVENT newer", bytes(16)))
    assert memo.found_for(rows) == [memo.fragments.get(id(row)) for row in rows]


def _built(body: bytes) -> BuiltFeed:
    return BuiltFeed(body, '"e"', None, b"", [], b"", ChunkCache())


def test_kept_feeds_are_bounded_least_recently_used_first():
    cache = FragmentCache(max_bytes=2500)
    feeds = ["nl", "en", "zh"]
    for feed in feeds:
        cache.lookup(feed, feed, [_row(1)])  # a memo for the feed
    for feed in feeds:
        cache.keep_built(feed, _built(bytes(600)))
    # 1,800 bytes would be over half of max_bytes (1,250): the least recently used feed gave up its copy.
    assert [cache.last_built(feed) is not None for feed in feeds] == [False, True, True]
    assert cache.last_built("zh").body == bytes(600)  # type: ignore[union-attr]


async def test_a_feed_in_which_nothing_changed_is_the_feed_built_before(session):
    world = await world_of(session)
    event = await make_event(session, world, title="Lecture", starts_at=MARCH_14, now=NOW)
    await make_event(session, world, title="Concert", starts_at=MARCH_14 + dt.timedelta(days=1), now=NOW)
    await session.flush()
    index, fragments = FeedIndex(), FragmentCache()

    async def build(
        url: str = "https://t/feeds/events.ics?lang=nl", *, afresh: bool = False
    ) -> BuiltFeed:  # afresh: with an index and fragments of its own, as a new process builds it
        return await build_feed(
            session,
            await load_catalogue(session),
            FeedFilters(),
            language="nl",
            now=NOW,
            base_url="https://t",
            calendar_domain="t",
            refresh=dt.timedelta(hours=1),
            url=url,
            index=FeedIndex() if afresh else index,
            fragments=FragmentCache() if afresh else fragments,
        )

    first = await build()
    assert await build() is first
    assert first.gzip() is (await build()).gzip()  # its gzip copy is kept with it
    other_address = await build("https://t/feeds/events.ics?lang=nl&x=1")
    assert other_address is not first and other_address.head != first.head  # the header names its address
    later = MARCH_14 + dt.timedelta(days=2)
    await reschedule_event(session, event, starts_at=later, ends_at=later + dt.timedelta(hours=2), now=NOW)
    await session.flush()
    moved = await build()
    afresh = await build(afresh=True)
    assert moved is not first and moved.body == afresh.body and moved.etag == afresh.etag
    assert moved.body.index(b"Concert") < moved.body.index(b"Lecture")  # moved behind the concert
