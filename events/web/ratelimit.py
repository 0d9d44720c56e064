"""How many registrations one client address may send: counted in memory, or in Redis when several processes
or servers must share the count."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Protocol

from events.settings import Settings, parse_rate

log = logging.getLogger("events.ratelimit")


class RateLimiter(Protocol):
    async def hit(self, key: str) -> int | None:
        """Count one request; None when it is allowed, else the seconds until the next one is."""
        ...


class MemoryRateLimiter:
    """Fixed windows per key, in this process only. ``clock``: the time in seconds (tests pin it, so that a count
    never straddles two windows)."""

    def __init__(self, limit: int, period: int, *, clock: Callable[[], float] = time.time) -> None:
        self.limit, self.period, self.clock = limit, period, clock
        self._counts: dict[tuple[str, int], int] = {}

    async def hit(self, key: str) -> int | None:
        now = self.clock()
        window = int(now // self.period)
        if len(self._counts) > 10_000:
            self._counts = {k: v for k, v in self._counts.items() if k[1] == window}
        count = self._counts.get((key, window), 0) + 1
        self._counts[(key, window)] = count
        if count <= self.limit:
            return None
        return max(1, int((window + 1) * self.period - now + 0.999))


class RedisRateLimiter:
    """The same fixed windows, counted in Redis so every process sees one count."""

    def __init__(self, url: str, limit: int, period: int, *, clock: Callable[[], float] = time.time) -> None:
        import redis.asyncio

        self.redis = redis.asyncio.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.limit, self.period, self.clock = limit, period, clock

    async def hit(self, key: str) -> int | None:
        import redis.exceptions

        now = self.clock()
        window = int(now // self.period)
        name = f"stedenband:registrations:{key}:{window}"
        try:
            pipeline = self.redis.pipeline()
            pipeline.incr(name)
            pipeline.expire(name, self.period + 1)
            count, _ = await pipeline.execute()
        except (redis.exceptions.RedisError, OSError) as error:
            # A registration must not fail because the counter is away; it is logged and let through.
            log.warning("Redis could not count a registration (%s); letting it through", type(error).__name__)
            return None
        if int(count) <= self.limit:
            return None
        return max(1, int((window + 1) * self.period - now + 0.999))


def limiter_for(settings: Settings) -> RateLimiter | None:
    if not settings.registration_rate_limit:
        return None
    limit, period = parse_rate(settings.registration_rate_limit)
    if settings.redis_url:
        return RedisRateLimiter(settings.redis_url, limit, period)
    return MemoryRateLimiter(limit, period)
