"""The registration rate limit, counted per process or shared through Redis."""

import socket
import uuid

import pytest

from events.settings import Settings
from events.web.ratelimit import MemoryRateLimiter, RedisRateLimiter, limiter_for


def redis_is_running() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5):
            return True
    except OSError:
        return False


# Inside one window of a minute, 45 seconds before its end: counts made at the real time could straddle two windows.
PINNED = 1_800_000_015.0


async def test_memory_limiter_counts_per_address():
    limiter = MemoryRateLimiter(2, 60, clock=lambda: PINNED)
    assert [await limiter.hit("a"), await limiter.hit("a"), await limiter.hit("b")] == [None, None, None]
    assert await limiter.hit("a") == 45


async def test_memory_limiter_starts_a_new_window_each_period():
    now = [PINNED]
    limiter = MemoryRateLimiter(1, 60, clock=lambda: now[0])
    assert [await limiter.hit("a"), await limiter.hit("a")] == [None, 45]
    now[0] += 45
    assert await limiter.hit("a") is None


@pytest.mark.skipif(not redis_is_running(), reason="no Redis on 127.0.0.1:6379")
async def test_redis_limiter_is_shared_by_every_process():
    key = f"test-{uuid.uuid4()}"
    first, second = (  # two processes
        RedisRateLimiter("redis://127.0.0.1:6379/0", 3, 60, clock=lambda: PINNED) for _ in range(2)
    )
    results = [await first.hit(key), await second.hit(key), await first.hit(key), await second.hit(key)]
    assert results[:3] == [None, None, None] and results[3] is not None
    await first.redis.aclose()
    await second.redis.aclose()


async def test_redis_that_is_away_lets_registrations_through():
    limiter = RedisRateLimiter("redis://127.0.0.1:1/0", 1, 60)
    assert await limiter.hit("x") is None and await limiter.hit("x") is None
    await limiter.redis.aclose()


def test_settings_choose_the_limiter():
    assert limiter_for(Settings(registration_rate_limit=None)) is None
    assert isinstance(limiter_for(Settings()), MemoryRateLimiter)
    assert isinstance(limiter_for(Settings(redis_url="redis://127.0.0.1:6379/0")), RedisRateLimiter)
