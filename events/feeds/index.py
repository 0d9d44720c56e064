"""The events of the feeds, kept in feed order per process and brought up to date by reading what changed.

A feed of 10,000 events would otherwise read 10,000 rows after each change, which alone takes longer than
everything else a rebuild does. The database stamps an event with a feed version whenever something feeds read of
it changes (migration 0007). Before it reads, a refresh notes a watermark: on PostgreSQL the oldest transaction
still running (its stamps are transaction ids), on SQLite the highest stamp (one writer at a time stamps in
commit order). Every change below the watermark has been committed (or undone) before the reads that follow, so
they see it; a change at or above it is seen now or at the next refresh, which asks from the old watermark on.
Reading an event twice does no harm.

Tombstones stay visible: events are never removed from the table, only unpublished (published_at stays) or
deleted (deleted_at), and feeds keep them, cancelled, until KEEP_ENDED after their end.
"""

from __future__ import annotations

import asyncio
import bisect
import datetime as dt
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import BigInteger, String, bindparam, func, literal_column, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from events.catalog.models import Event
from events.feeds.models import FeedDeparture

KEEP_ENDED = dt.timedelta(days=60)
# More changed events than this are merged by sorting everything again rather than one by one.
SORT_AGAIN_ABOVE = 64
# Read everything again this often, which lets go of events that ended more than KEEP_ENDED ago.
READ_ALL_EVERY = 3600.0  # seconds


class FeedRow(NamedTuple):
    """An event in a feed as the index keeps it: raw values straight from the driver (a UUID or its hex text, a
    timestamp or its text), enough to find its text in the fragment cache without building anything."""

    event_id: object
    updated_at: object
    sequence: int
    timezone: str
    all_day: bool


class FeedRows(NamedTuple):
    listed: list[FeedRow]  # the events the feed's filters match, by start
    departed: list[FeedRow]  # events that left the filtered feed (another city or category): tombstones


@dataclass(frozen=True, slots=True)
class IndexedEvent:
    row: FeedRow
    order: tuple[dt.datetime, object]  # (starts_at, id): the feeds' order, the same as ORDER BY starts_at, id
    ends: dt.datetime | None  # the end of its last occurrence; None for a series without end
    category_id: int
    city_id: int
    departures: frozenset[tuple[int, int]]  # (category, city) pairs it left, for filtered feeds' tombstones


@dataclass(frozen=True)
class Selection:
    """A feed's filters as ids (empty: any)."""

    category_ids: frozenset[int] = frozenset()
    city_ids: frozenset[int] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.category_ids or self.city_ids)

    def matches(self, category_id: int, city_id: int) -> bool:
        return (not self.category_ids or category_id in self.category_ids) and (
            not self.city_ids or city_id in self.city_ids
        )


def _order(event: IndexedEvent) -> tuple[dt.datetime, object]:
    return event.order


_LIGHT_COLUMNS = (
    # Raw values (type_coerce): turning 10,000 ids into UUIDs and timestamps into datetimes costs more than the
    # query itself, and they only serve as cache keys.
    type_coerce(Event.id, String),
    type_coerce(Event.updated_at, String),
    Event.sequence,
    Event.timezone,
    Event.all_day,
    Event.starts_at,
    Event.series_ends_at,
    Event.category_id,
    Event.city_id,
    Event.published_at.is_not(None),
)


class FeedIndex:
    """Every event that has ever been published and had not ended KEEP_ENDED ago when last read, in feed order."""

    def __init__(self) -> None:
        self._events: dict[object, IndexedEvent] = {}
        self._ordered: list[IndexedEvent] = []
        self._rows: list[FeedRow] = []  # the rows of _ordered, in the same order: the unfiltered feed
        # No event in the index ended before this: until the cutoff passes it, the unfiltered feed is all the
        # rows, copied at C speed rather than each event looked at. (After a change it may be earlier than the
        # first end; then one pass finds nothing to let go of and works it out again.)
        self._first_end: dt.datetime | None = None
        self._departing: set[object] = set()  # ids of events with departures
        self._since: int | None = None  # read stamps from this one on
        self._read_all_at = 0.0  # monotonic
        self._read_all_for: dt.datetime | None = None  # the moment whose feeds it read
        self._lock = asyncio.Lock()

    async def rows(self, session: AsyncSession, selection: Selection, *, now: dt.datetime) -> FeedRows:
        """The feed's events, after reading what changed since the last call."""
        await self.refresh(session, now=now)
        cutoff = now - KEEP_ENDED
        self._let_go_of_ended(cutoff, now)
        if selection:
            matches = selection.matches
            listed = [event.row for event in self._ordered if matches(event.category_id, event.city_id)]
        else:
            listed = self._rows.copy()  # a copy: the next refresh changes the index's own list in place
        return FeedRows(listed, self._departed(selection, cutoff) if selection else [])

    def _let_go_of_ended(self, cutoff: dt.datetime, now: dt.datetime) -> None:
        """Drop the events that ended KEEP_ENDED before ``now``: they have left every feed for good."""
        if self._first_end is None or self._first_end > cutoff:
            return
        for event in self._ordered:
            if event.ends is not None and event.ends <= cutoff:
                del self._events[event.row.event_id]
                self._departing.discard(event.row.event_id)
        self._set_order([event for event in self._ordered if event.ends is None or event.ends > cutoff])
        # A request that took its time earlier (a little before ``now``) would miss what was dropped: read all.
        self._read_all_for = max(now, self._read_all_for or now)

    def _set_order(self, ordered: list[IndexedEvent]) -> None:
        self._ordered = ordered
        self._rows = [event.row for event in ordered]
        self._first_end = min((event.ends for event in ordered if event.ends is not None), default=None)

    def _departed(self, selection: Selection, cutoff: dt.datetime) -> list[FeedRow]:
        gone = [
            event
            for event in (self._events[event_id] for event_id in self._departing)
            if not selection.matches(event.category_id, event.city_id)
            and any(selection.matches(*pair) for pair in event.departures)
            and (event.ends is None or event.ends > cutoff)
        ]
        return [event.row for event in sorted(gone, key=_order)]

    async def refresh(self, session: AsyncSession, *, now: dt.datetime) -> None:
        async with self._lock:  # one refresh at a time: each merges into what the last one left
            connection = await session.connection()
            is_postgresql = connection.dialect.name == "postgresql"
            watermark = int(await connection.scalar(_WATERMARK[is_postgresql]) or 0)
            # On PostgreSQL the watermark is a transaction that may still be running; on SQLite, a stamp seen.
            since = watermark if is_postgresql else watermark + 1
            if self._since is not None and not self._needs_all(self._since, since, now):
                await self._read_changed(connection, self._since)
            else:  # the first read, or one of _needs_all's reasons
                await self._read_all(connection, now)
            self._since = since

    def _needs_all(self, last: int, since: int, now: dt.datetime) -> bool:
        return (
            since < last  # a database made afresh (or a savepoint rolled back)
            or time.monotonic() - self._read_all_at > READ_ALL_EVERY
            # A clock set back (tests do): events that had left the feeds by then may be back in them.
            or self._read_all_for is None
            or now < self._read_all_for
        )

    async def _read_all(self, connection: AsyncConnection, now: dt.datetime) -> None:
        """Everything again: at the start, and now and then to let go of events that have left the feeds."""
        statement = select(*_LIGHT_COLUMNS).where(
            Event.published_at.is_not(None),
            Event.series_ends_at.is_(None) | (Event.series_ends_at > now - KEEP_ENDED),
        )
        departures = await _departures(connection, None)
        self._events, self._departing = {}, set()
        self._merge((await connection.execute(statement)).all(), departures, everything=True)
        self._read_all_at, self._read_all_for = time.monotonic(), now

    async def _read_changed(self, connection: AsyncConnection, since: int) -> None:
        found = (await connection.execute(_CHANGED, {"since": since})).all()
        if found:
            self._merge(found, await _departures(connection, since), everything=False)

    def _merge(
        self,
        found: Sequence[Any],
        departures: dict[object, frozenset[tuple[int, int]]],
        *,
        everything: bool,
    ) -> None:
        events = self._events
        replaced: list[IndexedEvent] = []
        added: list[IndexedEvent] = []
        for event_id, updated_at, sequence, timezone, all_day, starts_at, ends, category_id, city_id, shown in found:
            if (old := events.pop(event_id, None)) is not None:
                replaced.append(old)
            self._departing.discard(event_id)
            if not shown:
                continue  # never published: in no feed
            left = departures.get(event_id, frozenset())
            row = FeedRow(event_id, updated_at, sequence, timezone, bool(all_day))
            event = IndexedEvent(row, (starts_at, event_id), ends, category_id, city_id, left)
            events[event_id] = event
            added.append(event)
            if left:
                self._departing.add(event_id)
        if everything or len(replaced) + len(added) > SORT_AGAIN_ABOVE:
            self._set_order(sorted(events.values(), key=_order))
            return
        ordered, rows = self._ordered, self._rows
        for old in replaced:
            position = bisect.bisect_left(ordered, old.order, key=_order)
            del ordered[position], rows[position]
        for event in added:
            position = bisect.bisect_right(ordered, event.order, key=_order)
            ordered.insert(position, event)
            rows.insert(position, event.row)
            if event.ends is not None and (self._first_end is None or event.ends < self._first_end):
                self._first_end = event.ends


# Built once: after one change, a rebuild runs them for one event, and building them anew cost more.
_CHANGED = select(*_LIGHT_COLUMNS).where(Event.feed_version >= bindparam("since"))
_ALL_DEPARTURES = select(type_coerce(FeedDeparture.event_id, String), FeedDeparture.category_id, FeedDeparture.city_id)
_CHANGED_DEPARTURES = _ALL_DEPARTURES.where(
    FeedDeparture.event_id.in_(select(Event.id).where(Event.feed_version >= bindparam("since")))
)


async def _departures(connection: AsyncConnection, since: int | None) -> dict[object, frozenset[tuple[int, int]]]:
    """The (category, city) pairs that the events stamped ``since`` or later (None: all events) left, by raw
    event id."""
    statement, parameters = (_ALL_DEPARTURES, {}) if since is None else (_CHANGED_DEPARTURES, {"since": since})
    pairs: dict[object, set[tuple[int, int]]] = {}
    for event_id, category_id, city_id in await connection.execute(statement, parameters):
        pairs.setdefault(event_id, set()).add((category_id, city_id))
    return {event_id: frozenset(found) for event_id, found in pairs.items()}


# PostgreSQL: below the oldest transaction still running, every transaction has ended. SQLite: the last stamp.
_WATERMARK = {
    True: select(literal_column("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", BigInteger)),
    False: select(func.max(Event.feed_version)),
}
