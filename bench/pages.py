"""Requests per second of the event list API, the home page and an event page, against a bare endpoint.

    python bench/pages.py [--events 10000] [--postgresql URL] [--seconds 4] [--rounds 3]

Loads the events into a fresh database, starts one uvicorn process serving the platform with a bare Starlette
endpoint (a fixed body, no middleware, no database) beside it, and measures all of them with wrk, side by side,
interleaved over several rounds. Prints each page's rate as a ratio of the bare endpoint's (target: >= 0.3).
Needs wrk (Debian: apt-get install wrk).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import IO

from sqlalchemy import insert, select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from events import migrate  # noqa: E402
from events.catalog.models import City, Event, EventStatus, EventTranslation  # noqa: E402
from events.database import create_engine, make_sessionmaker, transaction  # noqa: E402
from events.demo.loader import ensure_categories, ensure_cities  # noqa: E402

TITLES = {
    "nl": "Uitwisseling nummer {n}: {topic}",
    "en": "Exchange number {n}: {topic}",
    "zh": "第{n}号交流活动：{topic}",
}
TOPICS = ["handelsmissie", "kunst", "fietstocht", "Liangzhu", "West Lake", "school"]


def progress(done: int, total: int, what: str) -> None:
    filled = 30 * done // total
    print(
        f"\r{what:<16} [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}",
        end="\n" if done == total else "",
        flush=True,
    )


async def load_events(database_url: str, count: int) -> str:
    """Insert ``count`` published events spread over two years; returns the slug of one upcoming event."""
    engine = create_engine(database_url)
    async with engine.connect() as connection:
        await connection.run_sync(migrate.upgrade_connection)
        await connection.commit()
    now = dt.datetime.now(dt.UTC)
    rng = random.Random(2013)
    async with transaction(make_sessionmaker(engine)) as session:
        cities = list((await ensure_cities(session)).values())
        categories = list((await ensure_categories(session)).values())
    batch = 1000
    sample_slug = ""
    for start in range(0, count, batch):
        events, texts = [], []
        for n in range(start, min(start + batch, count)):
            city = cities[n % len(cities)]
            starts_at = now + dt.timedelta(days=rng.uniform(-365, 365), minutes=rng.randrange(0, 60 * 24, 15))
            event_id = uuid.uuid4()
            slug = f"exchange-{n}"
            ends_at = starts_at + dt.timedelta(hours=2)
            events.append(
                {
                    "id": event_id,
                    "slug": slug,
                    "category_id": categories[n % len(categories)].id,
                    "city_id": city.id,
                    "office_id": cities[(n // 3) % len(cities)].id,
                    "venue_id": None,
                    "starts_at": starts_at,
                    "ends_at": ends_at,
                    "series_ends_at": ends_at,
                    "timezone": city.timezone,
                    "all_day": False,
                    "long_running": False,
                    "exdates": [],
                    "capacity": rng.choice([None, 20, 50, 120]),
                    "status": EventStatus.PUBLISHED,
                    "published_at": now,
                    "sequence": 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
            for language, pattern in TITLES.items():
                topic = TOPICS[n % len(TOPICS)]
                texts.append(
                    {
                        "event_id": event_id,
                        "language": language,
                        "title": pattern.format(n=n, topic=topic),
                        "summary": f"{topic} {n}",
                        "description": "Lorem " * 40,
                        "image_alt": "",
                        "cancellation_reason": "",
                    }
                )
            if not sample_slug and starts_at > now + dt.timedelta(days=7):
                sample_slug = slug
        async with transaction(make_sessionmaker(engine)) as session:
            await session.execute(insert(Event), events)
            await session.execute(insert(EventTranslation), texts)
        progress(min(start + batch, count), count, "Loading events")
    async with engine.connect() as connection:
        assert (await connection.scalar(select(City.id).limit(1))) is not None
    await engine.dispose()
    return sample_slug


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(database_url: str, port: int, log_file: IO[bytes], cache_mb: int = 64) -> subprocess.Popen[bytes]:
    # The platform runs as in production: one log line per request (into a file here, as a service's would go).
    env = {
        **os.environ,
        "EVENTS_DATABASE_URL": database_url,
        "EVENTS_SECRET_KEY": "bench",
        "EVENTS_LOG_LEVEL": "INFO",
        "EVENTS_PAGE_CACHE_MB": str(cache_mb),
        "EVENTS_BASE_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.server:app",
            "--factory",
            "--port",
            str(port),
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stderr=log_file,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("the server did not start")


def wrk(url: str, seconds: float, connections: int, headers: tuple[str, ...] = ()) -> float:
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds:g}s", "-H", "Accept-Language: nl"]
    for header in headers:
        command += ["-H", header]
    output = subprocess.run([*command, url], check=True, capture_output=True, text=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"{url} answered errors:\n{output}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    assert found, output
    return float(found.group(1))


GZIP = ("Accept-Encoding: gzip",)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--postgresql", help="URL of an empty PostgreSQL database to use instead of SQLite")
    parser.add_argument("--seconds", type=float, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    arguments = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("bench/pages.py needs wrk: apt-get install wrk")
    folder = Path(tempfile.mkdtemp(prefix="stedenband-bench-"))
    database_url = arguments.postgresql or f"sqlite+aiosqlite:///{folder / 'bench.db'}"
    print(f"Database: {'PostgreSQL' if arguments.postgresql else 'SQLite'}; {arguments.events} events")
    slug = asyncio.run(load_events(database_url, arguments.events))
    cached_port, uncached_port = free_port(), free_port()
    log_path = folder / "server.log"
    servers = [
        start_server(database_url, cached_port, log_path.open("wb")),
        start_server(database_url, uncached_port, (folder / "uncached.log").open("wb"), cache_mb=0),
    ]
    cached, uncached = f"http://127.0.0.1:{cached_port}", f"http://127.0.0.1:{uncached_port}"
    pages = {
        "GET /api/v1/events?limit=50": "/api/v1/events?limit=50",
        "GET /": "/",
        "GET /events/{slug}": f"/events/{slug}",
    }
    # (what, url, extra headers); the bare endpoint answers the same whatever the client accepts.
    targets = [("bare endpoint", f"{cached}/__bare", ())]
    targets += [(f"{name}  [gzip]", cached + path, GZIP) for name, path in pages.items()]
    targets += [(f"{name}  [identity]", cached + path, ()) for name, path in pages.items()]
    targets += [(f"{name}  [cache off]", uncached + path, GZIP) for name, path in pages.items()]
    rates: dict[str, list[float]] = {name: [] for name, _, _ in targets}
    try:
        for _, url, headers in targets:  # warm up caches and connection pools
            wrk(url, 1, arguments.connections, headers)
        total = arguments.rounds * len(targets)
        done = 0
        for _ in range(arguments.rounds):
            for name, url, headers in targets:
                rates[name].append(wrk(url, arguments.seconds, arguments.connections, headers))
                done += 1
                progress(done, total, "Measuring")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    bare = statistics.median(rates["bare endpoint"])
    print(f"\n{'endpoint':<46} {'req/s (median)':>15} {'ratio to bare':>14}")
    for name, values in rates.items():
        rate = statistics.median(values)
        print(f"{name:<46} {rate:>15.0f} {rate / bare:>13.2f}x")
    print(
        f"\n{arguments.rounds} interleaved rounds of {arguments.seconds:g} s, wrk -c{arguments.connections}, "
        "one uvicorn worker per server, logging every request as in production.\n"
        "[gzip]: the client accepts gzip, as browsers and HTTP libraries do; [identity]: it does not;\n"
        "[cache off]: a second server with EVENTS_PAGE_CACHE_MB=0 renders every answer from the database.\n"
        f"Target: every page >= 0.30x the bare endpoint. Server log: {log_path}"
    )


if __name__ == "__main__":
    main()
