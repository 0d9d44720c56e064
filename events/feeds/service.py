"""Building the public calendar feeds, one VEVENT text per event kept per process.

A feed lists every public event that has not ended more than KEEP_ENDED ago, including cancelled ones and the
tombstones of unpublished or deleted ones (as CANCELLED), so subscribed calendars remove them instead of keeping
a ghost. For the same reason a feed filtered by city or category keeps, cancelled, the events that moved to
another city or category (feeds.departures). Building a feed reads only the events that changed since the last
build (feeds.index); the text of an event is made once per version, language and catalogue, and a feed's last build
is kept, so after one event changes the feed is whole again after one event's work and the joining of the rest.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import struct
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from itertools import compress, count
from operator import is_not, itemgetter
from typing import NamedTuple, cast

from sqlalchemy.ext.asyncio import AsyncSession
from zlib_ng.zlib_ng import crc32_combine

from events.catalog.queries import Catalogue
from events.feeds.ical import CalendarHeader, calendar_frame, feed_event, vevents
from events.feeds.index import FeedIndex, FeedRow, FeedRows, Selection
from events.feeds.loading import load_calendar_events
from events.i18n import N_, gettext_for, pick_text

LOAD_BATCH = 500


@dataclass(frozen=True)
class FeedFilters:
    categories: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()


Fragment = tuple[bytes, bytes]  # a VEVENT's bytes, and a digest of them for the ETag


class ChunkCache:
    """Gzip for large feeds without compressing 10 MB on every change.

    The feed's VEVENTs are cut into chunks at content-defined places (after a fragment whose digest starts with
    a small byte: about every 64 fragments, and the cuts stay put when an event is added or removed). Each chunk
    is deflated on its own and kept by the digests of its fragments, with the CRC and length of its text; a
    whole gzip member is the chunks joined between sync flushes, then a final empty block, the CRC of the whole
    text (the chunks' CRCs combined, so the 10 MB are not read again) and its length (RFC 1951 and RFC 1952).
    After one event changes, one chunk is compressed again.
    """

    CUT_BELOW = 4  # of 256: one fragment in 64 ends a chunk

    def __init__(self, max_bytes: int = 32 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._chunks: OrderedDict[bytes, Deflated] = OrderedDict()
        self._bytes = 0

    def gzip(self, head: bytes, fragments: list[Fragment], tail: bytes) -> bytes:
        first = _deflated(head)
        parts, crc, length = [GZIP_HEADER, first.data], first.crc, first.length
        start = 0
        for index, (_, digest) in enumerate(fragments):
            if digest[0] < self.CUT_BELOW or index == len(fragments) - 1:
                chunk = self._chunk(fragments[start : index + 1])
                parts.append(chunk.data)
                crc, length = crc32_combine(crc, chunk.crc, chunk.length), length + chunk.length
                start = index + 1
        last = _deflated(tail)
        crc, length = crc32_combine(crc, last.crc, last.length), length + last.length
        parts += [last.data, FINAL_BLOCK, struct.pack("<II", crc, length & 0xFFFFFFFF)]
        return b"".join(parts)

    def _chunk(self, fragments: list[Fragment]) -> Deflated:
        key = hashlib.blake2b(b"".join(digest for _, digest in fragments), digest_size=16).digest()
        chunk = self._chunks.get(key)
        if chunk is None:
            chunk = self._chunks[key] = _deflated(b"".join(text for text, _ in fragments))
            self._bytes += len(chunk.data)
            while self._bytes > self.max_bytes and len(self._chunks) > 1:
                _, dropped = self._chunks.popitem(last=False)
                self._bytes -= len(dropped.data)
        else:
            self._chunks.move_to_end(key)
        return chunk


class Deflated(NamedTuple):
    data: bytes  # raw deflate, ended by a sync flush so the next piece may follow it in the same stream
    crc: int  # of the text
    length: int  # of the text


GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time: the same bytes everywhere
FINAL_BLOCK = b"\x03\x00"  # an empty final block with fixed codes


def _deflated(text: bytes) -> Deflated:
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return Deflated(compressor.compress(text) + compressor.flush(zlib.Z_SYNC_FLUSH), zlib.crc32(text), len(text))


def catalogue_fingerprint(catalogue: Catalogue) -> str:
    """Changes whenever a name or office that feeds show changes."""
    parts = [
        (
            city.slug,
            sorted(city.name.items()),
            sorted((city.clock_name or {}).items()),
            sorted(city.office_name.items()),
            city.office_email,
            city.timezone,
        )
        for city in catalogue.cities
    ] + [(category.slug, sorted(category.name.items())) for category in catalogue.categories]
    return hashlib.blake2b(repr(parts).encode(), digest_size=8).hexdigest()


class FeedMemo:
    """The fragments of a feed's recent builds, found by the row object itself: the feed index keeps an unchanged
    event's row, so a rebuild finds 10,000 fragments without computing a key for each. And the last build: its
    rows, their fragments, and the feed made of them."""

    def __init__(self) -> None:
        self.rows: list[FeedRow] = []  # kept alive, so that no other object can take one of their ids
        self.fragments: dict[int, Fragment] = {}  # by id() of the row
        self.last_rows: list[FeedRow] = []
        self.last_found: list[Fragment] = []
        self.built: BuiltFeed | None = None

    def keep(self, row: FeedRow, fragment: Fragment) -> None:
        self.rows.append(row)
        self.fragments[id(row)] = fragment

    def found_for(self, rows: list[FeedRow]) -> list[Fragment | None]:
        """Each row's fragment, or None. The rows the last build had at the same place, counted from the start and
        from the end (compared at C speed), keep its fragments; only those between, after one change usually
        one, are looked up."""
        old_rows, old_found = self.last_rows, self.last_found
        start = _same_for(rows, old_rows)
        if start == len(rows) == len(old_rows):
            return list(old_found)
        at_end = min(_same_for(rows[::-1], old_rows[::-1]), len(rows) - start, len(old_rows) - start)
        middle = rows[start : len(rows) - at_end]
        return [*old_found[:start], *map(self.fragments.get, map(id, middle)), *old_found[len(old_rows) - at_end :]]


def _same_for(rows: list[FeedRow], old_rows: list[FeedRow]) -> int:
    """How many rows at the start are the very rows of the old list."""
    return next(compress(count(), map(is_not, rows, old_rows)), min(len(rows), len(old_rows)))


class FragmentCache:
    """VEVENT bytes by event version and by everything else that shapes them (language, catalogue, addresses),
    bounded by their total size; the least recently used go first. And a memo of each recently built feed
    (``lookup``, ``remember``)."""

    def __init__(self, max_bytes: int = 128 * 2**20, max_feeds: int = 32) -> None:
        self.max_bytes = max_bytes
        self.max_feeds = max_feeds
        self._fragments: OrderedDict[tuple[str, object, object, int], Fragment] = OrderedDict()
        self._bytes = 0
        self._feeds: OrderedDict[Hashable, FeedMemo] = OrderedDict()

    def lookup(self, feed: Hashable, space: str, rows: list[FeedRow]) -> list[Fragment | None]:
        """The fragment of each of a feed's rows, or None: from the feed's memo where an earlier build had the very
        same row, else from the cache."""
        if not rows:
            return []  # most feeds have no tombstones of departed events: no memo for them
        memo = self._memo(feed, len(rows))
        found = memo.found_for(rows)
        if missing := holes(found):
            for index, fragment in zip(missing, self.get_all([(space, rows[index]) for index in missing]), strict=True):
                if fragment is not None:
                    found[index] = fragment
                    memo.keep(rows[index], fragment)
        return found

    def remember(self, feed: Hashable, row: FeedRow, fragment: Fragment) -> None:
        """A fragment built for a feed's row, for its next build."""
        if (memo := self._feeds.get(feed)) is not None:
            memo.keep(row, fragment)

    def remember_build(self, feed: Hashable, rows: list[FeedRow], found: list[Fragment | None]) -> None:
        """The rows of a build and the fragment of each, which the next build starts from."""
        if (memo := self._feeds.get(feed)) is not None:
            whole = None not in found  # else an event went away meanwhile: start afresh next time
            memo.last_rows, memo.last_found = (rows, cast(list[Fragment], found)) if whole else ([], [])

    def last_built(self, feed: Hashable) -> BuiltFeed | None:
        memo = self._feeds.get(feed)
        return memo.built if memo is not None else None

    def keep_built(self, feed: Hashable, built: BuiltFeed) -> None:
        """The feed just built, to be served again as it is while nothing in it changes (on PostgreSQL any commit
        to events, a registration too, makes the answer cache build feeds again). Their bodies are bounded to half
        of ``max_bytes``; the least recently used feeds give up theirs first."""
        if (memo := self._feeds.get(feed)) is None:
            return
        memo.built = built
        kept = sum(len(other.built.body) for other in self._feeds.values() if other.built is not None)
        for other in self._feeds.values():  # least recently used first
            if kept <= self.max_bytes // 2:
                break
            if other.built is not None and other is not memo:
                kept -= len(other.built.body)
                other.built = None

    def _memo(self, feed: Hashable, rows: int) -> FeedMemo:
        memo = self._feeds.get(feed)
        # Rows of changed events stay in a memo until it is twice as large as its feed; then it starts anew.
        if memo is None or len(memo.rows) > 2 * rows + 1000:
            memo = self._feeds[feed] = FeedMemo()
        self._feeds.move_to_end(feed)
        while len(self._feeds) > self.max_feeds:
            self._feeds.popitem(last=False)
        return memo

    def get_all(self, entries: list[tuple[str, FeedRow]]) -> list[Fragment | None]:
        """The fragment of each (space, row), or None; one loop for a whole feed (a call per row costs more)."""
        fragments, found = self._fragments, list[Fragment | None]()
        get, move_to_end, append = fragments.get, fragments.move_to_end, found.append
        for space, row in entries:
            key = (space, row[0], row[1], row[2])
            fragment = get(key)
            if fragment is not None:
                move_to_end(key)
            append(fragment)
        return found

    def put(self, space: str, row: FeedRow, text: bytes) -> Fragment:
        fragment = (text, hashlib.blake2b(text, digest_size=16).digest())
        key = (space, row[0], row[1], row[2])
        if (old := self._fragments.pop(key, None)) is not None:
            self._bytes -= len(old[0])
        self._fragments[key] = fragment
        self._bytes += len(text)
        while self._bytes > self.max_bytes and len(self._fragments) > 1:
            _, dropped = self._fragments.popitem(last=False)
            self._bytes -= len(dropped[0])
        return fragment


def selection(catalogue: Catalogue, filters: FeedFilters) -> Selection:
    return Selection(
        frozenset(catalogue.category_by_slug[slug].id for slug in filters.categories),
        frozenset(catalogue.city_by_slug[slug].id for slug in filters.cities),
    )


async def feed_rows(
    session: AsyncSession, catalogue: Catalogue, filters: FeedFilters, *, now: dt.datetime, index: FeedIndex
) -> FeedRows:
    """The events a feed lists, and those that left it (filtered feeds), by start: from the index, brought up to
    date first."""
    return await index.rows(session, selection(catalogue, filters), now=now)


def _as_moment(raw: object) -> dt.datetime:
    """A raw timestamp from the feed index as an aware UTC datetime (SQLite gives text, PostgreSQL datetimes)."""
    moment = raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(str(raw))
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def feed_header(
    catalogue: Catalogue, filters: FeedFilters, language: str, refresh: dt.timedelta, url: str
) -> CalendarHeader:
    name = gettext_for(language, N_("Stedenband Weert–Yuhang"))
    chosen = [pick_text(catalogue.category_by_slug[slug].name, language) for slug in filters.categories]
    chosen += [pick_text(catalogue.city_by_slug[slug].name, language) for slug in filters.cities]
    if chosen:
        name = f"{name}: {', '.join(chosen)}"
    description = gettext_for(
        language,
        N_("Exchange events between Weert and Yuhang (Hangzhou): economy, culture, sport, tourism and education."),
    )
    return CalendarHeader(name=name, description=description, language=language, refresh=refresh, source_url=url)


@dataclass(frozen=True)
class BuiltFeed:
    """A feed ready to serve: its bytes, its ETag and Last-Modified, and the means to gzip it cheaply."""

    body: bytes
    etag: str
    last_modified: dt.datetime | None
    head: bytes
    fragments: list[Fragment]
    tail: bytes
    chunks: ChunkCache

    def gzip(self) -> bytes:
        return self.gzipped

    @functools.cached_property
    def gzipped(self) -> bytes:
        """Made at the first client that accepts gzip, and kept: a feed served again unchanged needs it again."""
        return self.chunks.gzip(self.head, self.fragments, self.tail)


async def build_feed(
    session: AsyncSession,
    catalogue: Catalogue,
    filters: FeedFilters,
    *,
    language: str,
    now: dt.datetime,
    base_url: str,
    calendar_domain: str,
    refresh: dt.timedelta,
    url: str,
    index: FeedIndex,
    fragments: FragmentCache,
    chunks: ChunkCache | None = None,
) -> BuiltFeed:
    """The feed, made from the VEVENT of each event kept per version: after one event changes, one is built.
    Events that left a filtered feed for another city or category follow the events it lists, cancelled."""
    listed, departed = await feed_rows(session, catalogue, filters, now=now, index=index)
    space = f"{language}|{catalogue_fingerprint(catalogue)}|{base_url}|{calendar_domain}"
    parts = [(space, listed), (f"{space}|departed", departed)]
    found = [fragments.lookup((key, filters), key, rows) for key, rows in parts]
    # What to build: each event's place in ``found``, by its id as the driver gave it (text on SQLite).
    missing = {
        uuid.UUID(str(rows[position][0])): (part, position)
        for part, ((_, rows), found_here) in enumerate(zip(parts, found, strict=True))
        for position in holes(found_here)
    }
    batches, built = list(missing), 0
    for start in range(0, len(batches), LOAD_BATCH):
        for event in await load_calendar_events(session, catalogue, batches[start : start + LOAD_BATCH]):
            built += 1
            part, position = missing[event.id]
            key, row = parts[part][0], parts[part][1][position]
            entry = feed_event(event, catalogue, language, base_url=base_url, calendar_domain=calendar_domain)
            text = vevents(entry, status="CANCELLED" if part else None).encode()
            # Kept in ``found`` for this build too, so fragments the cache drops while it fills leave no hole.
            found[part][position] = fragment = fragments.put(key, row, text)
            fragments.remember((key, filters), row, fragment)
    for (key, rows), found_here in zip(parts, found, strict=True):
        fragments.remember_build((key, filters), rows, found_here)
    texts: list[Fragment] = []
    for found_here in found:
        if built < len(missing):  # an event gone between two reads
            found_here = [fragment for fragment in found_here if fragment is not None]
        texts += cast(list[Fragment], found_here)
    head, tail = calendar_frame(feed_header(catalogue, filters, language, refresh, url), _zones(listed, departed))
    last = fragments.last_built((space, filters))
    # Nothing in it changed (the very fragments: compared at C speed): the same feed, not joined again.
    if last is not None and last.head == head and last.tail == tail and last.fragments == texts:
        return last
    body = b"".join([head, *map(itemgetter(0), texts), tail])
    digest = hashlib.blake2b(b"".join([head, *map(itemgetter(1), texts), tail]), digest_size=16)
    last_modified = max((max(map(itemgetter(1), rows)) for rows in (listed, departed) if rows), default=None)
    feed = BuiltFeed(
        body=body,
        etag=f'"{digest.hexdigest()}"',
        last_modified=_as_moment(last_modified) if last_modified is not None else None,
        head=head,
        fragments=texts,
        tail=tail,
        chunks=chunks or ChunkCache(),
    )
    fragments.keep_built((space, filters), feed)
    return feed


def holes(found: list[Fragment | None]) -> list[int]:
    """The positions of the fragments not found, searched at C speed: after one change there is one in 10,000."""
    positions, position = [], -1
    try:
        while True:
            position = found.index(None, position + 1)
            positions.append(position)
    except ValueError:
        return positions


def _zones(*parts: list[FeedRow]) -> set[str]:
    """The time zones the feed's events use (all-day events use none)."""
    used: set[str] = set()
    for rows in parts:
        zones = set(map(itemgetter(3), rows))  # at C speed; then which of them timed events use
        for row in rows:  # both cities' zones are found within the first few events
            if not row[4]:
                used.add(row[3])
                if zones <= used:
                    break
    return used
