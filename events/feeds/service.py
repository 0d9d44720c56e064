"""Building the public calendar feeds, one VEVENT text per event kept per process.

A feed lists every public event that has not ended more than KEEP_ENDED ago, including cancelled ones and the
tombstones of unpublished or deleted ones (as CANCELLED), so subscribed calendars remove them instead of keeping
a ghost. For the same reason a feed filtered by city or category keeps, cancelled, the events that moved to
another city or category (feeds.departures). Building a feed reads only the ids and versions of its events; the
text of an event is made once per version, language and catalogue, so after one event changes the feed is whole
again after one event's work.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import struct
import uuid
import zlib
from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy import ColumnElement, String, and_, not_, or_, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from events.catalog.models import Event
from events.catalog.queries import Catalogue
from events.feeds.ical import CalendarHeader, calendar_frame, feed_event, vevents
from events.feeds.loading import load_calendar_events
from events.feeds.models import FeedDeparture
from events.i18n import N_, gettext_for, pick_text

KEEP_ENDED = dt.timedelta(days=60)
LOAD_BATCH = 500


@dataclass(frozen=True)
class FeedFilters:
    categories: tuple[str, ...] = ()
    cities: tuple[str, ...] = ()


class FeedRow(NamedTuple):
    """An event in a feed as the light query reads it: raw values straight from the driver (a UUID or its hex
    text, a timestamp or its text), enough to find its text in the fragment cache without building anything."""

    event_id: object
    updated_at: object
    sequence: int
    timezone: str
    all_day: bool


Fragment = tuple[bytes, bytes]  # a VEVENT's bytes, and a digest of them for the ETag


class ChunkCache:
    """Gzip for large feeds without compressing 10 MB on every change.

    The feed's VEVENTs are cut into chunks at content-defined places (after a fragment whose digest starts with
    a small byte: about every 64 fragments, and the cuts stay put when an event is added or removed). Each chunk
    is deflated on its own and kept by the digests of its fragments; a whole gzip member is the chunks joined
    between sync flushes, then a final empty block, the CRC and the length (RFC 1951 and RFC 1952). After one
    event changes, one chunk is compressed again.
    """

    CUT_BELOW = 4  # of 256: one fragment in 64 ends a chunk

    def __init__(self, max_bytes: int = 32 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._chunks: OrderedDict[bytes, bytes] = OrderedDict()
        self._bytes = 0

    def gzip(self, head: bytes, fragments: list[Fragment], tail: bytes, body: bytes) -> bytes:
        parts = [GZIP_HEADER, _deflate(head)]
        start = 0
        for index, (_, digest) in enumerate(fragments):
            if digest[0] < self.CUT_BELOW or index == len(fragments) - 1:
                parts.append(self._chunk(fragments[start : index + 1]))
                start = index + 1
        parts += [_deflate(tail), FINAL_BLOCK, struct.pack("<II", zlib.crc32(body), len(body) & 0xFFFFFFFF)]
        return b"".join(parts)

    def _chunk(self, fragments: list[Fragment]) -> bytes:
        key = hashlib.blake2b(b"".join(digest for _, digest in fragments), digest_size=16).digest()
        deflated = self._chunks.get(key)
        if deflated is None:
            deflated = _deflate(b"".join(text for text, _ in fragments))
            self._chunks[key] = deflated
            self._bytes += len(deflated)
            while self._bytes > self.max_bytes and len(self._chunks) > 1:
                _, dropped = self._chunks.popitem(last=False)
                self._bytes -= len(dropped)
        else:
            self._chunks.move_to_end(key)
        return deflated


GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time: the same bytes everywhere
FINAL_BLOCK = b"\x03\x00"  # an empty final block with fixed codes


def _deflate(data: bytes) -> bytes:
    """Raw deflate of one piece, ended by a sync flush so the next piece may follow it in the same stream."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)


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


class FragmentCache:
    """VEVENT bytes by event version and by everything else that shapes them (language, catalogue, addresses),
    bounded by their total size; the least recently used go first."""

    def __init__(self, max_bytes: int = 128 * 2**20) -> None:
        self.max_bytes = max_bytes
        self._fragments: OrderedDict[tuple[str, object, object, int], Fragment] = OrderedDict()
        self._bytes = 0

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


def in_feeds(now: dt.datetime) -> ColumnElement[bool]:
    """Published at some time (unpublished and deleted events stay as tombstones), and not ended more than
    KEEP_ENDED ago."""
    return and_(
        Event.published_at.is_not(None),
        or_(Event.series_ends_at.is_(None), Event.series_ends_at > now - KEEP_ENDED),
    )


class FeedRows(NamedTuple):
    listed: list[FeedRow]  # the events the feed's filters match, by start
    departed: list[FeedRow]  # events that left the filtered feed (another city or category): tombstones


async def feed_rows(session: AsyncSession, catalogue: Catalogue, filters: FeedFilters, *, now: dt.datetime) -> FeedRows:
    # Raw values (type_coerce): turning 10,000 ids into UUIDs and timestamps into datetimes costs more than the
    # query itself, and the rows only serve as cache keys.
    statement = select(
        type_coerce(Event.id, String),
        type_coerce(Event.updated_at, String),
        Event.sequence,
        Event.timezone,
        Event.all_day,
    ).where(in_feeds(now))
    matches = _matching(catalogue, filters, Event)
    # Through the connection: the ORM's result machinery would cost more than these plain rows.
    connection = await session.connection()
    listed = (await connection.execute(statement.where(*matches).order_by(Event.starts_at, Event.id))).all()
    if not matches:
        return FeedRows(listed, [])  # type: ignore[arg-type]  # the same fields, in FeedRow's order
    left = select(FeedDeparture.event_id).where(
        FeedDeparture.event_id == Event.id, *_matching(catalogue, filters, FeedDeparture)
    )
    departed = statement.where(left.exists(), not_(and_(*matches)))
    gone = (await connection.execute(departed.order_by(Event.starts_at, Event.id))).all()
    return FeedRows(listed, gone)  # type: ignore[arg-type]


def _matching(
    catalogue: Catalogue, filters: FeedFilters, table: type[Event] | type[FeedDeparture]
) -> list[ColumnElement[bool]]:
    """The filters' conditions on a table's category and city (an event's own, or the pair it left)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.categories:
        conditions.append(table.category_id.in_([catalogue.category_by_slug[slug].id for slug in filters.categories]))
    if filters.cities:
        conditions.append(table.city_id.in_([catalogue.city_by_slug[slug].id for slug in filters.cities]))
    return conditions


def _as_moment(raw: object) -> dt.datetime:
    """A raw timestamp from the light query as an aware UTC datetime (SQLite gives text, PostgreSQL datetimes)."""
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
        return self.chunks.gzip(self.head, self.fragments, self.tail, self.body)


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
    fragments: FragmentCache,
    chunks: ChunkCache | None = None,
) -> BuiltFeed:
    """The feed, made from the VEVENT of each event kept per version: after one event changes, one is built.
    Events that left a filtered feed for another city or category follow the events it lists, cancelled."""
    listed, departed = await feed_rows(session, catalogue, filters, now=now)
    space = f"{language}|{catalogue_fingerprint(catalogue)}|{base_url}|{calendar_domain}"
    departed_space = f"{space}|departed"
    rows = [(space, row) for row in listed] + [(departed_space, row) for row in departed]
    found = fragments.get_all(rows)
    missing = {row[0]: (key, row) for (key, row), fragment in zip(rows, found, strict=True) if fragment is None}
    # Kept here for this build too, so fragments the cache drops while it fills can never leave a hole.
    built: dict[object, Fragment] = {}
    wanted = {uuid.UUID(str(raw)): raw for raw in missing}  # ids as the driver gave them (text on SQLite)
    batches = list(wanted)
    for start in range(0, len(batches), LOAD_BATCH):
        for event in await load_calendar_events(session, catalogue, batches[start : start + LOAD_BATCH]):
            raw = wanted[event.id]
            key, row = missing[raw]
            entry = feed_event(event, catalogue, language, base_url=base_url, calendar_domain=calendar_domain)
            text = vevents(entry, status="CANCELLED" if key == departed_space else None).encode()
            built[raw] = fragments.put(key, row, text)
    chosen = (fragment or built.get(row[0]) for (_, row), fragment in zip(rows, found, strict=True))
    texts = [fragment for fragment in chosen if fragment is not None]  # None: an event gone between the two reads
    head, tail = calendar_frame(feed_header(catalogue, filters, language, refresh, url), _zones(listed + departed))
    body = b"".join([head, *(text for text, _ in texts), tail])
    digests = b"".join([head, *(fragment_digest for _, fragment_digest in texts), tail])
    digest = hashlib.blake2b(digests, digest_size=16)
    last_modified = max((row[1] for _, row in rows), default=None)  # type: ignore[type-var]
    return BuiltFeed(
        body=body,
        etag=f'"{digest.hexdigest()}"',
        last_modified=_as_moment(last_modified) if last_modified is not None else None,
        head=head,
        fragments=texts,
        tail=tail,
        chunks=chunks or ChunkCache(),
    )


def _zones(rows: list[FeedRow]) -> set[str]:
    return {row[3] for row in rows if not row[4]}
