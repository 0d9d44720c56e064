"""The calendars an instance imports. Functions flush and never commit."""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from events.catalog.models import Category, City
from events.feeds.models import FeedSource


class SourceProblem(ValueError):
    """A source cannot be added as asked; the message says why."""


async def add_source(
    session: AsyncSession,
    *,
    url: str,
    category_slug: str,
    city_slug: str,
    name: str | None = None,
    registration_enabled: bool = False,
) -> FeedSource:
    url = url.strip()
    if urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname:
        raise SourceProblem(f"{url!r} is not an http or https address")
    category = await session.scalar(select(Category).where(Category.slug == category_slug))
    city = await session.scalar(select(City).where(City.slug == city_slug))
    if category is None:
        raise SourceProblem(f"there is no category {category_slug!r}")
    if city is None:
        raise SourceProblem(f"there is no city {city_slug!r}")
    if await session.scalar(select(FeedSource.id).where(FeedSource.url == url)) is not None:
        raise SourceProblem(f"{url} is already a source")
    source = FeedSource(
        url=url,
        name=(name or "").strip()[:200] or str(urlsplit(url).hostname),
        category_id=category.id,
        city_id=city.id,
        registration_enabled=registration_enabled,
    )
    session.add(source)
    await session.flush()
    return source


async def list_sources(session: AsyncSession) -> Sequence[FeedSource]:
    return (await session.scalars(select(FeedSource).order_by(FeedSource.id))).all()


async def remove_source(session: AsyncSession, source_id: int) -> None:
    """Stop importing; the events it brought stay, with their registrations."""
    source = await session.get(FeedSource, source_id)
    if source is None:
        raise SourceProblem(f"there is no source {source_id}")
    await session.delete(source)
    await session.flush()
