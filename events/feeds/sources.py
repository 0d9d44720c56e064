"""The calendars an instance imports, as admins manage them from the command line or the workspace. Every change
is written to the audit log (settings count as changes). Functions flush and never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from events.audit.service import Actor, differences, record
from events.catalog.models import Category, City, Event
from events.database import utcnow
from events.errors import FieldError, InvalidFields, NotFound
from events.feeds.models import FeedSource
from events.feeds.sync import Fetched, SyncResult, sync_source
from events.i18n import N_

# The command line has no signed-in user: its changes are logged as made there.
COMMAND_LINE = Actor(None, "cli")


class SourceProblem(ValueError):
    """A source cannot be added or found as asked; the message says why (for the command line)."""


class InvalidSource(InvalidFields, SourceProblem):
    """What is wrong with a new source, field by field: field errors in a form, a sentence on the command line."""

    def __str__(self) -> str:
        return "; ".join((error.message % error.params).rstrip(".") for error in self.errors)


def _described(source: FeedSource, category: str, city: str) -> dict[str, Any]:
    return {
        "url": source.url,
        "name": source.name,
        "category": category,
        "city": city,
        "registration_enabled": source.registration_enabled,
    }


async def _checked(
    session: AsyncSession, *, url: str, category_slug: str, city_slug: str, name: str
) -> tuple[Category, City]:
    errors = []
    parts = urlsplit(url)
    if len(url) > 2000 or parts.scheme not in ("http", "https") or not parts.hostname:
        errors.append(FieldError("url", N_("Enter an http or https address, such as https://example.org/agenda.ics.")))
    elif await session.scalar(select(FeedSource.id).where(FeedSource.url == url)) is not None:
        errors.append(FieldError("url", N_("This address is already a feed source.")))
    if len(name) > 200:
        errors.append(FieldError("name", N_("Use at most %(count)s characters."), {"count": 200}))
    category = await session.scalar(select(Category).where(Category.slug == category_slug))
    if category is None:
        errors.append(FieldError("category", N_("Choose a category.")))
    city = await session.scalar(select(City).where(City.slug == city_slug))
    if city is None:
        errors.append(FieldError("city", N_("Choose a city.")))
    if errors:
        raise InvalidSource(errors)
    assert category is not None and city is not None
    return category, city


async def add_source(
    session: AsyncSession,
    *,
    url: str,
    category_slug: str,
    city_slug: str,
    name: str | None = None,
    registration_enabled: bool = False,
    actor: Actor = COMMAND_LINE,
    now: dt.datetime | None = None,
) -> FeedSource:
    """A new source to import; InvalidSource names each field that is wrong."""
    url, name = url.strip(), (name or "").strip()
    category, city = await _checked(session, url=url, category_slug=category_slug, city_slug=city_slug, name=name)
    moment = now or utcnow()
    source = FeedSource(
        url=url,
        name=name or str(urlsplit(url).hostname),
        category_id=category.id,
        city_id=city.id,
        registration_enabled=registration_enabled,
        created_at=moment,
    )
    try:
        async with session.begin_nested():  # two admins adding the same address at once: the second is told so
            session.add(source)
            await session.flush()
    except IntegrityError:
        raise InvalidSource([FieldError("url", N_("This address is already a feed source."))]) from None
    changes = differences({}, _described(source, category.slug, city.slug))
    await record(
        session, actor, "feed_source.added", entity_type="feed_source", entity_id=source.id, now=moment, changes=changes
    )
    return source


async def list_sources(session: AsyncSession) -> Sequence[FeedSource]:
    return (await session.scalars(select(FeedSource).order_by(FeedSource.id))).all()


async def get_source(session: AsyncSession, source_id: int) -> FeedSource:
    source = await session.get(FeedSource, source_id)
    if source is None:
        raise NotFound()
    return source


async def imported_counts(session: AsyncSession) -> dict[int, int]:
    """How many events (not deleted) each source has brought in."""
    rows = await session.execute(
        select(Event.source_id, func.count())
        .where(Event.source_id.is_not(None), Event.deleted_at.is_(None))
        .group_by(Event.source_id)
    )
    return {source_id: count for source_id, count in rows if source_id is not None}


async def _slugs(session: AsyncSession, source: FeedSource) -> tuple[str, str]:
    category = await session.get(Category, source.category_id)
    city = await session.get(City, source.city_id)
    assert category is not None and city is not None
    return category.slug, city.slug


async def remove_source(
    session: AsyncSession, source_id: int, *, actor: Actor = COMMAND_LINE, now: dt.datetime | None = None
) -> None:
    """Stop importing; the events it brought stay, with their registrations."""
    source = await session.get(FeedSource, source_id)
    if source is None:
        raise SourceProblem(f"there is no source {source_id}")
    before = _described(source, *await _slugs(session, source))
    await session.delete(source)
    await session.flush()
    await record(
        session,
        actor,
        "feed_source.removed",
        entity_type="feed_source",
        entity_id=source_id,
        now=now or utcnow(),
        changes=differences(before, {}),
    )


async def allow_registration(
    session: AsyncSession, source: FeedSource, allowed: bool, *, actor: Actor, now: dt.datetime
) -> int:
    """Let people register for the source's events, or stop them, from now on: the source's events that have not
    ended change with it, each logged. Returns how many events changed."""
    if source.registration_enabled == allowed:
        return 0
    source.registration_enabled = allowed
    await record(
        session,
        actor,
        "feed_source.changed",
        entity_type="feed_source",
        entity_id=source.id,
        now=now,
        changes={"registration_enabled": [not allowed, allowed]},
    )
    changing = (
        await session.scalars(
            select(Event.id).where(
                Event.source_id == source.id,
                Event.deleted_at.is_(None),
                Event.registration_enabled != allowed,
                (Event.series_ends_at.is_(None)) | (Event.series_ends_at > now),
            )
        )
    ).all()
    if changing:
        await session.execute(
            update(Event)
            .where(Event.id.in_(changing))
            # An edit like an organiser's: a form opened before it must not quietly undo it.
            .values(registration_enabled=allowed, updated_at=now, edit_version=Event.edit_version + 1)
            .execution_options(synchronize_session=False)
        )
    for event_id in changing:
        await record(
            session,
            actor,
            "event.updated",
            entity_type="event",
            entity_id=event_id,
            event_id=event_id,
            now=now,
            changes={"registration_enabled": [not allowed, allowed]},
        )
    return len(changing)


async def sync_by_hand(
    session: AsyncSession, source: FeedSource, fetched: Fetched, *, own_domain: str, actor: Actor, now: dt.datetime
) -> SyncResult:
    """Import one source now, as an admin asked: like the worker's sync (from what the source answered when it
    was fetched before this transaction began), and logged with its outcome."""
    before = {"last_synced_at": source.last_synced_at, "last_error": source.last_error}
    result = await sync_source(session, source, fetched, own_domain=own_domain, now=now)
    after = {"last_synced_at": source.last_synced_at, "last_error": source.last_error}
    counts = {"created": result.created, "updated": result.updated, "cancelled": result.cancelled}
    changes = {**differences(before, after), **{name: [0, count] for name, count in counts.items() if count}}
    await record(
        session, actor, "feed_source.synced", entity_type="feed_source", entity_id=source.id, now=now, changes=changes
    )
    return result
