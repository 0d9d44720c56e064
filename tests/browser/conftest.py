"""Browser tests: Debian's Chromium driven by Playwright against a real server with the demo programme.

The server delivers its mail to a real SMTP server (aiosmtpd, ``tests/smtp.py``) whose inbox the tests read as
``live_server.inbox``; nothing is written to the working folder.

They skip only when no Chromium is installed (and say so); CI installs it with apt-get.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import pytest_asyncio
import uvicorn

from events import migrate
from events.app import create_app
from events.database import create_engine, make_sessionmaker, transaction, utcnow
from events.demo.loader import load_demo
from events.settings import Settings
from tests.databases import drop_database, fresh_database
from tests.servers import free_port
from tests.smtp import Inbox, SMTPServer

CHROMIUM = Path(os.environ.get("EVENTS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--lang=en-US",  # the browser's own locale, which orders the parts of date fields (month, day, year)
]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # Browser tests run last. Their live server lives for the rest of the session in this process, and its
    # commits (the mail worker's among them) count as this process's changes for the answer cache, so beside the
    # tests that watch the cache they would make its hits misses at random.
    items.sort(key=lambda item: "tests/browser" in str(item.fspath))
    if CHROMIUM.exists():
        return
    skip = pytest.mark.skip(reason=f"no Chromium at {CHROMIUM}: install Debian's chromium package to run browser tests")
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(skip)


async def _prepare(url: str) -> None:
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(migrate.upgrade_connection)
        await connection.commit()
    async with transaction(make_sessionmaker(engine)) as session:
        await load_demo(session, now=utcnow())
    await engine.dispose()


@dataclass
class LiveServer:
    url: str
    server: uvicorn.Server
    thread: threading.Thread = field(repr=False)
    database_url: str = ""
    inbox: Inbox = field(default_factory=Inbox, repr=False)  # every message the server's mail worker delivered


@pytest_asyncio.fixture(scope="session")
async def live_server() -> AsyncIterator[LiveServer]:
    database_url = await fresh_database("browser")
    await _prepare(database_url)
    port = free_port()
    with SMTPServer() as smtp:
        settings = Settings(
            database_url=database_url,
            secret_key="browser-tests",
            base_url=f"http://127.0.0.1:{port}",
            smtp_url=smtp.url,
            mail_worker=True,  # the server's own worker delivers the outbox to the SMTP server above
            registration_rate_limit=None,  # every test registers from the same address
        )
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="on"
        )
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the test server did not start"
            time.sleep(0.05)
        yield LiveServer(f"http://127.0.0.1:{port}", server, thread, database_url=database_url, inbox=smtp.inbox)
        server.should_exit = True
        thread.join(timeout=10)
    await drop_database(database_url)


@pytest_asyncio.fixture(scope="session")
async def browser():
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        await browser.close()


@dataclass
class Watched:
    """A page with everything that went wrong on it: console errors, script errors and requests to other hosts."""

    page: object
    problems: list[str]


@pytest_asyncio.fixture
async def open_page(browser, live_server):
    contexts = []

    async def open_page(
        path: str, *, viewport: dict[str, int] | None = None, javascript: bool = True, locale: str = "en-GB"
    ) -> Watched:
        context = await browser.new_context(
            viewport=viewport or {"width": 1280, "height": 900}, java_script_enabled=javascript, locale=locale
        )
        contexts.append(context)
        page = await context.new_page()
        problems: list[str] = []
        page.on(
            "console",
            lambda message: (
                problems.append(f"console {message.type}: {message.text}")
                if message.type in ("error", "warning")
                else None
            ),
        )
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on(
            "request",
            lambda request: (
                problems.append(f"third-party request: {request.url}")
                if not request.url.startswith((live_server.url, "data:"))
                else None
            ),
        )
        await page.goto(live_server.url + path)
        return Watched(page, problems)

    yield open_page
    for context in contexts:
        await context.close()
