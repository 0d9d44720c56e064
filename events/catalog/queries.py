"""Reading the catalogue: the event list with its filters and keyset paging, one event, cities and categories.

Every query here is index-backed and loads what the caller will show in a fixed number of statements,
whatever the number of events (a test counts them).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Select, and_, bindparam, exists, func, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.event import listens_for
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction, joinedload, make_transient_to_detached, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from events.cache import KeptWhileCurrent
from events.catalog.filters import Cursor, EventFilters
from events.catalog.models import LONG_SPAN, Category, City, Event, EventStatus, EventTranslation
from events.catalog.recurrence import event_occurrences
from events.database import keep_out_of_session
from events.errors import NotFound

# Drafts are the organisers' business; cancelled events stay visible so nobody travels to them in vain.
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.CANCELLED)


@dataclass(frozen=True)
class Catalogue:
    """The cities and categories every page needs, in display order, with lookups by slug and id."""

    cities: Sequence[City]
    categories: Sequence[Category]
    city_by_slug: dict[str, City] = field(init=False)
    category_by_slug: dict[str, Category] = field(init=False)
    city_by_id: dict[int, City] = field(init=False)
    category_by_id: dict[int, Category] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "city_by_slug", {city.slug: city for city in self.cities})
        object.__setattr__(self, "category_by_slug", {category.slug: category for category in self.categories})
        object.__setattr__(self, "city_by_id", {city.id: city for city in self.cities})
        object.__setattr__(self, "category_by_id", {category.id: category for category in self.categories})


# Cities and categories kept per process while their own version holds (events/cache.py); one entry.
CatalogueCache = KeptWhileCurrent[str, Catalogue]
THE_CATALOGUE = "catalogue"


def use_catalogue_cache(session: AsyncSession, cache: CatalogueCache) -> None:
    """Let this session read cities and categories from the process's cache."""
    session.info["catalogue_cache"] = cache


async def load_catalogue(session: AsyncSession) -> Catalogue:
    """Cities and categories, read once per session, or taken from the process's cache when the session has one.

    The cached objects are shared by sessions: they are only read, and the relationships that point at them are
    view-only, so no session ever writes through them.
    """
    cached: Catalogue | None = session.info.get("catalogue")
    if cached is not None:
        return cached
    shared: CatalogueCache | None = session.info.get("catalogue_cache")
    token, catalogue = shared.get(THE_CATALOGUE) if shared is not None else (None, None)
    if catalogue is None:
        cities = (await session.scalars(select(City).order_by(City.position, City.slug))).all()
        categories = (await session.scalars(select(Category).order_by(Category.position, Category.slug))).all()
        catalogue = Catalogue(cities, categories)
        if shared is not None and token is not None:
            keep_out_of_session(session, [*cities, *categories])
            shared.keep(token, THE_CATALOGUE, catalogue)
    session.info["catalogue"] = catalogue
    return catalogue


def forget_catalogue(session: AsyncSession) -> None:
    """Call after adding or changing a city or category, so the next read in this session sees it."""
    session.info.pop("catalogue", None)
    session.info.pop("catalogue_cache", None)


async def public_event_id(session: AsyncSession, slug: str) -> uuid.UUID:
    """The id of a published or cancelled event, without loading it."""
    event_id = await session.scalar(
        select(Event.id).where(Event.slug == slug, Event.status.in_(PUBLIC_STATUSES), Event.deleted_at.is_(None))
    )
    if event_id is None:
        raise NotFound()
    return event_id


@dataclass(frozen=True)
class EventPage:
    events: list[Event]
    next_cursor: Cursor | None
    previous_cursor: Cursor | None


def _with_everything_shown(statement: Select[Event], *, single: bool = False) -> Select[Event]:
    # The venue and the source come joined to each event's row. For a list, translations and changed dates come
    # in one more statement each (joined, they would multiply its rows); a single event takes its few joined to
    # its row, in the same statement. Cities and categories are already loaded (the Catalogue) and attached
    # without asking the database again.
    collection = joinedload if single else selectinload
    return statement.options(
        joinedload(Event.venue),
        joinedload(Event.source),
        collection(Event.translations),
        collection(Event.changes),
    )


def _attach(events: Sequence[Event], catalogue: Catalogue) -> None:
    for event in events:
        set_committed_value(event, "category", catalogue.category_by_id[event.category_id])
        set_committed_value(event, "city", catalogue.city_by_id[event.city_id])
        set_committed_value(event, "office", catalogue.city_by_id[event.office_id])


def lock_in_session(session: AsyncSession, event_id: uuid.UUID) -> None:
    """Note that this transaction holds the event's lock, so nobody takes it twice (events.registrations).

    Not inside a savepoint: rolling back to one can release the locks taken after it."""
    if not session.in_nested_transaction():
        session.info.setdefault("locked_events", set()).add(event_id)


@listens_for(Session, "after_transaction_end")
def _forget_locks(session: Session, ended: SessionTransaction) -> None:
    if ended.parent is None:  # the transaction's end releases its locks
        session.info.pop("locked_events", None)


def holds_lock(session: AsyncSession, event_id: uuid.UUID) -> bool:
    return event_id in session.info.get("locked_events", ())


# Built once (on first use, when every mapper is known) and run with parameters: putting a statement and its
# loader options together costs more than running it, and these run on every registration and event page.
@cache
def _public_event_statement() -> Select[Event]:
    # Not a draft: a plain comparison, which SQLAlchemy compiles once, where an IN list is expanded every time.
    return _with_everything_shown(
        select(Event).where(
            Event.slug == bindparam("slug"), Event.status != EventStatus.DRAFT, Event.deleted_at.is_(None)
        ),
        single=True,
    )


@cache
def _event_statement() -> Select[Event]:
    statement = _with_everything_shown(select(Event).where(Event.id == bindparam("event_id")), single=True)
    return statement.execution_options(populate_existing=True)


async def get_public_event(session: AsyncSession, catalogue: Catalogue, slug: str) -> Event:
    """A published or cancelled event by its slug; drafts and unknown slugs are simply not found."""
    event = (await session.scalars(_public_event_statement(), {"slug": slug})).unique().one_or_none()
    if event is None:
        raise NotFound()
    _attach([event], catalogue)
    return event


def detached_copy(loaded: Event, catalogue: Catalogue) -> Event:
    """A copy of a fully loaded event, in no session, for one unit of work: attributes of its own (registering sets
    the seat counts it read under the lock; JSON values are shared, and only read), the very same translations,
    venue, source and changed dates (only read), and the cities and categories of ``catalogue``."""
    mapper = sa_inspect(Event)
    copy = mapper.class_manager.new_instance()  # as the ORM makes the objects it loads: no constructor, no events
    copy.__dict__.update({key: loaded.__dict__[key] for key in mapper.column_attrs.keys()})
    make_transient_to_detached(copy)  # as if loaded: every column is set, and nothing counts as changed
    for name in ("venue", "source", "changes"):
        set_committed_value(copy, name, getattr(loaded, name))
    set_committed_value(copy, "translations", list(loaded.translations.values()))  # a collection keyed by language
    _attach([copy], catalogue)
    return copy


async def load_event(session: AsyncSession, catalogue: Catalogue, event_id: uuid.UUID) -> Event:
    """An event in any state, fully loaded and read afresh from the database (as after taking its lock)."""
    event = (await session.scalars(_event_statement(), {"event_id": event_id})).unique().one_or_none()
    if event is None:
        raise NotFound()
    _attach([event], catalogue)
    return event


async def load_events(session: AsyncSession, catalogue: Catalogue, event_ids: Sequence[uuid.UUID]) -> list[Event]:
    """Several events in any state, fully loaded, in one round of queries."""
    statement = _with_everything_shown(select(Event).where(Event.id.in_(event_ids)))
    events = list((await session.scalars(statement)).unique().all())
    _attach(events, catalogue)
    return events


async def list_events(
    session: AsyncSession,
    catalogue: Catalogue,
    filters: EventFilters,
    *,
    now: dt.datetime,
    limit: int,
    past: bool = False,
    after: Cursor | None = None,
    before: Cursor | None = None,
) -> EventPage:
    """A page of public events: upcoming ones soonest first, or (``past``) ended ones latest first.

    ``after`` continues from a page's end; ``before`` goes back from a page's start.
    """
    sources = _sources(catalogue, filters, now=now, past=past)
    backwards = before is not None
    found = await _collect(
        session, sources, filters, now=now, past=past, limit=limit + 1, cursor=before or after, reverse=backwards
    )
    _attach(found, catalogue)
    more = len(found) > limit
    found = found[:limit]
    if backwards:
        found.reverse()
    next_cursor = _cursor(found[-1]) if found and (more or backwards) else None
    previous_cursor = _cursor(found[0]) if found and (after is not None or (backwards and more)) else None
    return EventPage(found, next_cursor, previous_cursor)


def _cursor(event: Event) -> Cursor:
    return Cursor(event.starts_at, event.id)


def _sources(catalogue: Catalogue, filters: EventFilters, *, now: dt.datetime, past: bool) -> list[Select[Event]]:
    """The statements whose merged results are the list. Events that have not ended at a bound either run long
    or started less than LONG_SPAN before it, so that case is two index range scans instead of one long one."""
    statement = _filtered(catalogue, filters, now=now, past=past)
    lower = filters.start.earliest_start_utc() if filters.start else (None if past else now)
    if lower is None:
        return [statement]
    return [
        statement.where(Event.long_running.is_(False), Event.starts_at > lower - LONG_SPAN),
        statement.where(Event.long_running.is_(True)),
    ]


def _filtered(catalogue: Catalogue, filters: EventFilters, *, now: dt.datetime, past: bool) -> Select[Event]:
    statement = select(Event).where(Event.status.in_(PUBLIC_STATUSES), Event.deleted_at.is_(None))
    if filters.categories:
        ids = [catalogue.category_by_slug[slug].id for slug in filters.categories]
        statement = statement.where(Event.category_id.in_(ids))
    if filters.cities:
        ids = [catalogue.city_by_slug[slug].id for slug in filters.cities]
        statement = statement.where(Event.city_id.in_(ids))
    if past:
        statement = statement.where(Event.series_ends_at <= now)
    lower = filters.start.earliest_start_utc() if filters.start else (None if past else now)
    if lower is not None:
        statement = statement.where(or_(Event.series_ends_at.is_(None), Event.series_ends_at > lower))
    if filters.end:
        statement = statement.where(Event.starts_at < filters.end.latest_end_utc())
    if filters.text:
        pattern = "%" + _escape_like(filters.text.lower()) + "%"
        statement = statement.where(
            exists().where(
                EventTranslation.event_id == Event.id,
                or_(
                    func.lower(EventTranslation.title).like(pattern, escape="\\"),
                    func.lower(EventTranslation.summary).like(pattern, escape="\\"),
                ),
            )
        )
    return statement


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def _collect(
    session: AsyncSession,
    sources: list[Select[Event]],
    filters: EventFilters,
    *,
    now: dt.datetime,
    past: bool,
    limit: int,
    cursor: Cursor | None,
    reverse: bool,
) -> list[Event]:
    """Merge the sources in list order, batch by batch, until ``limit`` events pass the exact check (local days,
    occurrences of a series)."""
    descending = past != reverse
    found: list[Event] = []
    while len(found) < limit:
        batches = []
        for source in sources:
            statement = _ordered(_after(source, cursor, descending), descending).limit(limit)
            batches.append(list((await session.scalars(_with_everything_shown(statement))).unique().all()))
        # Past the last row of a full batch, that source may hold rows not fetched yet: stop the merge there.
        full_ends = [_key(batch[-1]) for batch in batches if len(batch) == limit]
        boundary = (max(full_ends) if descending else min(full_ends)) if full_ends else None
        merged = sorted(
            (event for batch in batches for event in batch if boundary is None or _within(event, boundary, descending)),
            key=_key,
            reverse=descending,
        )
        found.extend(event for event in merged if _matches(event, filters, now=now, past=past))
        if boundary is None:
            break
        cursor = Cursor(*boundary)
    return found[:limit]


def _key(event: Event) -> tuple[dt.datetime, uuid.UUID]:
    return (event.starts_at, event.id)


def _within(event: Event, boundary: tuple[dt.datetime, uuid.UUID], descending: bool) -> bool:
    return _key(event) >= boundary if descending else _key(event) <= boundary


def _ordered(statement: Select[Event], descending: bool) -> Select[Event]:
    if descending:
        return statement.order_by(Event.starts_at.desc(), Event.id.desc())
    return statement.order_by(Event.starts_at, Event.id)


def _after(statement: Select[Event], cursor: Cursor | None, descending: bool) -> Select[Event]:
    if cursor is None:
        return statement
    if descending:
        return statement.where(
            or_(
                Event.starts_at < cursor.starts_at,
                and_(Event.starts_at == cursor.starts_at, Event.id < cursor.event_id),
            )
        )
    return statement.where(
        or_(Event.starts_at > cursor.starts_at, and_(Event.starts_at == cursor.starts_at, Event.id > cursor.event_id))
    )


def _matches(event: Event, filters: EventFilters, *, now: dt.datetime, past: bool) -> bool:
    """The exact test the database narrowed down for: does any occurrence fall within the bounds?"""
    lower = filters.start.start_utc(event.timezone) if filters.start else (None if past else now)
    upper = filters.end.end_utc(event.timezone) if filters.end else None
    return bool(event_occurrences(event, after=lower, before=upper, limit=1))
