"""Waking this process's mail worker the moment a transaction that queued mail commits."""

from __future__ import annotations

import asyncio

_events: set[asyncio.Event] = set()


def subscribe() -> asyncio.Event:
    event = asyncio.Event()
    _events.add(event)
    return event


def unsubscribe(event: asyncio.Event) -> None:
    _events.discard(event)


async def wake_workers() -> None:
    for event in _events:
        event.set()
