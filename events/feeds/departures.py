"""Where events left filtered feeds, so those feeds keep a cancelled tombstone instead of a ghost (see models)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from events.catalog.models import Event
from events.feeds.models import FeedDeparture


async def note_departure(
    session: AsyncSession, event: Event, *, city_id: int, category_id: int, now: dt.datetime
) -> None:
    """The event, now in its new city and category, left the feeds of (city_id, category_id). Call it under the
    event's lock. A departure from the pair it is back in is forgotten: those feeds list it again."""
    if event.published_at is None or (city_id, category_id) == (event.city_id, event.category_id):
        return  # never in a feed, or it did not leave
    pairs = [(city_id, category_id), (event.city_id, event.category_id)]  # the one it left is noted anew below
    await session.execute(
        delete(FeedDeparture).where(
            FeedDeparture.event_id == event.id,
            tuple_(FeedDeparture.city_id, FeedDeparture.category_id).in_(pairs),
        )
    )
    session.add(FeedDeparture(event_id=event.id, city_id=city_id, category_id=category_id, departed_at=now))
    await session.flush()
