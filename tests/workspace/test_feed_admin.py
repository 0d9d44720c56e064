"""Admins manage feed sources in the workspace: add (with errors at the fields), sync now, allow registration,
remove; every change is in the audit log; the command line keeps working."""

import datetime as dt
import http.server
import os
import re
import subprocess
import sys
import threading
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import select

from events.accounts.models import Role
from events.audit.models import AuditEntry
from events.audit.service import SYSTEM
from events.catalog.models import Event
from events.clocks import format_moment
from events.database import create_engine, make_sessionmaker, transaction
from events.feeds.models import FeedSource
from events.feeds.sources import COMMAND_LINE, SourceProblem, add_source, allow_registration, remove_source
from tests.conftest import NOW, settings_with
from tests.databases import drop_database, fresh_database
from tests.factories import build_world
from tests.feeds.test_sync import CALENDAR
from tests.workspace.helpers import csrf_of, make_user, post_form, sign_in, world_of


@pytest.fixture
def settings():
    return settings_with(feed_allowed_hosts="museum.example,127.0.0.1")


class Museum:
    """The museum's calendar server, as httpx's MockTransport: what it answers can change during a test."""

    def __init__(self) -> None:
        self.body, self.status, self.calls = CALENDAR, 200, 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        if request.headers.get("if-none-match") == '"v1"' and self.status == 200:
            return httpx.Response(304)
        headers = {"content-type": "text/calendar; charset=utf-8", "etag": '"v1"'}
        return httpx.Response(self.status, content=self.body.encode(), headers=headers)


@pytest.fixture
async def museum(app):
    server = Museum()
    # What the app's lifespan would open: the one HTTP client of the process.
    async with httpx.AsyncClient(transport=httpx.MockTransport(server)) as client:
        app.state.http = client
        yield server


async def admin_signed_in(client, session):
    await make_user(session, "admin@weert.nl", role=Role.ADMIN, language="en")
    await sign_in(client, "admin@weert.nl")


async def museum_source(session, **options) -> FeedSource:
    await world_of(session)
    return await add_source(
        session,
        url="https://museum.example/agenda.ics",
        category_slug="culture",
        city_slug="weert",
        name="Museum W",
        now=NOW,
        **options,
    )


async def actions(session) -> list[str]:
    return list((await session.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all())


async def imported_events(session) -> list[Event]:
    statement = select(Event).where(Event.external_uid.is_not(None)).order_by(Event.external_uid)
    return list((await session.scalars(statement.execution_options(populate_existing=True))).all())


async def test_an_admin_adds_a_source_and_sees_errors_at_the_fields(client, session):
    await world_of(session)
    await admin_signed_in(client, session)
    empty = await client.get("/organiser/feeds?lang=en")
    assert empty.status_code == 200 and "No feed sources yet." in empty.text
    wrong = await post_form(
        client,
        "/organiser/feeds",
        "/organiser/feeds?lang=en",
        {"url": "ftp://museum.example/agenda.ics", "name": "M" * 201, "category": "cooking", "city": "atlantis"},
    )
    assert wrong.status_code == 422
    for field in ("url", "name", "category", "city"):
        assert f'id="{field}-error"' in wrong.text
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true" aria-describedby="[^"]*{field}-error"', wrong.text)
    assert 'value="ftp://museum.example/agenda.ics"' in wrong.text  # what was typed stays
    assert "Enter an http or https address" in wrong.text
    added = await post_form(
        client,
        "/organiser/feeds",
        "/organiser/feeds",
        {
            "url": " https://museum.example/agenda.ics ",
            "name": "Museum W",
            "category": "culture",
            "city": "weert",
            "registration_enabled": "yes",
        },
    )
    assert added.status_code == 303 and added.headers["location"] == "/organiser/feeds?done=feed_added"
    source = await session.scalar(select(FeedSource))
    assert source.url == "https://museum.example/agenda.ics" and source.registration_enabled is True
    [entry] = (await session.scalars(select(AuditEntry))).all()
    assert entry.action == "feed_source.added" and entry.via == "web" and entry.user_id is not None
    assert entry.changes["url"] == [None, source.url] and entry.changes["city"] == [None, "weert"]
    again = await post_form(
        client,
        "/organiser/feeds",
        "/organiser/feeds?lang=en",
        {"url": "https://museum.example/agenda.ics", "category": "culture", "city": "weert"},
    )
    assert again.status_code == 422 and "already a feed source" in again.text
    listing = await client.get("/organiser/feeds?lang=en&done=feed_added")
    card = listing.text.split(f'id="source-{source.id}"')[1].split("</li>")[0]
    assert "Museum W" in card and "https://museum.example/agenda.ics" in card and "Culture" in card
    assert "Weert" in card and "allowed" in card and "never" in card
    assert "The feed source has been added." in listing.text


async def test_sync_now_imports_and_says_how_it_went(client, session, museum):
    source = await museum_source(session)
    await admin_signed_in(client, session)
    synced = await post_form(client, "/organiser/feeds", f"/organiser/feeds/{source.id}/sync?lang=en", {})
    assert synced.status_code == 200
    assert "Museum W is synced: 2 new, 0 changed and 0 cancelled events." in synced.text
    card = synced.text.split(f'id="source-{source.id}"')[1].split("</li>")[0]
    assert re.search(r"Imported events</dt><dd>2</dd>", card)
    assert format_moment(NOW, "Europe/Amsterdam", "en") in card  # the last sync, on the admin's clock
    assert len(await imported_events(session)) == 2
    [entry] = [entry for entry in (await session.scalars(select(AuditEntry))).all() if entry.user_id]
    assert entry.action == "feed_source.synced" and entry.changes["created"] == [0, 2]

    unchanged = await post_form(client, "/organiser/feeds", f"/organiser/feeds/{source.id}/sync?lang=en", {})
    assert "nothing has changed since the last sync" in unchanged.text

    museum.status = 500
    failed = await post_form(client, "/organiser/feeds", f"/organiser/feeds/{source.id}/sync?lang=en", {})
    assert failed.status_code == 200 and 'role="alert"' in failed.text
    assert 'Museum W could not be read: <span lang="en">the source answered HTTP 500</span>' in failed.text
    card = failed.text.split(f'id="source-{source.id}"')[1].split("</li>")[0]
    assert "the source answered HTTP 500" in card
    assert len(await imported_events(session)) == 2  # a failing source changes nothing else


async def test_sync_now_fetches_while_no_write_transaction_is_open(client, session, museum, monkeypatch):
    """On SQLite a write transaction holds the database's one write lock: registrations must not wait for it while
    another server takes its time (up to the fetch timeout). The import is written afterwards."""
    import events.accounts.auth as auth_module
    import events.workspace.feed_sources as feed_sources_module
    from events.web.endpoints import unit_of_work

    writing, seen = 0, []

    @asynccontextmanager
    async def counted(request, *, write=False):
        nonlocal writing
        async with unit_of_work(request, write=write) as unit:
            writing += write
            try:
                yield unit
            finally:
                writing -= write

    answer = Museum.__call__

    def watched(server, request):
        seen.append(writing)
        return answer(server, request)

    monkeypatch.setattr(auth_module, "unit_of_work", counted)
    monkeypatch.setattr(feed_sources_module, "unit_of_work", counted)
    monkeypatch.setattr(Museum, "__call__", watched)
    source = await museum_source(session)
    await admin_signed_in(client, session)
    synced = await post_form(client, "/organiser/feeds", f"/organiser/feeds/{source.id}/sync?lang=en", {})
    assert "Museum W is synced: 2 new, 0 changed and 0 cancelled events." in synced.text
    assert seen == [0]
    assert len(await imported_events(session)) == 2


class Calendar(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
        body = CALENDAR.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *arguments: object) -> None:
        pass


@pytest.fixture
def calendar_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Calendar)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


async def test_sync_now_over_a_real_connection_and_only_to_allowed_private_hosts(client, session, app, calendar_server):
    await world_of(session)
    allowed = await add_source(
        session, url=f"http://127.0.0.1:{calendar_server}/agenda.ics", category_slug="culture", city_slug="weert"
    )
    refused = await add_source(
        session, url=f"http://localhost:{calendar_server}/agenda.ics", category_slug="culture", city_slug="weert"
    )
    await admin_signed_in(client, session)
    async with httpx.AsyncClient() as http:
        app.state.http = http
        synced = await post_form(client, "/organiser/feeds", f"/organiser/feeds/{allowed.id}/sync?lang=en", {})
        assert "127.0.0.1 is synced: 2 new" in synced.text
        private = await post_form(client, "/organiser/feeds", f"/organiser/feeds/{refused.id}/sync?lang=en", {})
        assert "localhost could not be read" in private.text and "EVENTS_FEED_ALLOWED_HOSTS" in private.text


async def test_allowing_registration_changes_the_source_and_its_events_that_have_not_ended(client, session, museum):
    source = await museum_source(session)
    await admin_signed_in(client, session)
    await post_form(client, "/organiser/feeds", f"/organiser/feeds/{source.id}/sync", {})
    events = await imported_events(session)
    assert [event.registration_enabled for event in events] == [False, False]
    on = await post_form(client, "/organiser/feeds", f"/organiser/feeds/{source.id}/registration", {"allow": "yes"})
    assert on.status_code == 303 and on.headers["location"] == "/organiser/feeds?done=feed_registration_on"
    await session.refresh(source)
    assert source.registration_enabled is True
    assert [event.registration_enabled for event in await imported_events(session)] == [True, True]
    logged = (await session.scalars(select(AuditEntry).where(AuditEntry.user_id.is_not(None)))).all()
    assert [entry.action for entry in logged][-3:] == ["feed_source.changed", "event.updated", "event.updated"]
    assert {entry.event_id for entry in logged[-2:]} == {event.id for event in events}
    assert logged[-1].changes == {"registration_enabled": [False, True]}
    page = await client.get("/organiser/feeds?lang=en&done=feed_registration_on")
    assert "Stop registration" in page.text

    # Later, when the exhibition's opening (20 March) has ended but the course (until 26 March) has not, only the
    # course changes: an event that has ended is history.
    later = dt.datetime(2026, 3, 24, tzinfo=dt.UTC)
    assert await allow_registration(session, source, False, actor=SYSTEM, now=later) == 1
    course, expo = await imported_events(session)
    assert (course.registration_enabled, expo.registration_enabled) == (False, True)
    logged_before = len(await actions(session))
    nothing = await post_form(client, "/organiser/feeds", f"/organiser/feeds/{source.id}/registration", {"allow": "no"})
    assert nothing.status_code == 303 and len(await actions(session)) == logged_before  # already so: nothing logged


async def test_removing_asks_first_and_keeps_the_events(client, session, museum):
    source = await museum_source(session)
    await admin_signed_in(client, session)
    await post_form(client, "/organiser/feeds", f"/organiser/feeds/{source.id}/sync", {})
    confirm = await client.get(f"/organiser/feeds/{source.id}/remove?lang=en")
    assert confirm.status_code == 200 and "Stop importing Museum W?" in confirm.text
    assert "The 2 events it brought stay on the platform" in confirm.text
    removed = await client.post(f"/organiser/feeds/{source.id}/remove", data={"csrf_token": csrf_of(confirm.text)})
    assert removed.status_code == 303 and removed.headers["location"] == "/organiser/feeds?done=feed_removed"
    assert await session.scalar(select(FeedSource)) is None
    events = await imported_events(session)
    assert len(events) == 2 and all(event.source_id is None for event in events)
    assert (await actions(session))[-1] == "feed_source.removed"
    [entry] = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "feed_source.removed"))).all()
    assert entry.changes["url"] == ["https://museum.example/agenda.ics", None]
    page = await client.get("/organiser/feeds?lang=en&done=feed_removed")
    assert "The feed source has been removed." in page.text
    assert (await client.get(f"/organiser/feeds/{source.id}/remove")).status_code == 404
    gone = await client.post(f"/organiser/feeds/{source.id}/sync", data={"csrf_token": csrf_of(confirm.text)})
    assert gone.status_code == 404


async def test_only_admins_manage_feed_sources(client, session, app):
    source = await museum_source(session)
    pages = ["/organiser/feeds", f"/organiser/feeds/{source.id}/remove"]
    forms = [
        "/organiser/feeds",
        f"/organiser/feeds/{source.id}/remove",
        f"/organiser/feeds/{source.id}/registration",
        f"/organiser/feeds/{source.id}/sync",
    ]
    for path in pages:
        response = await client.get(path)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    for path in forms:
        response = await client.post(path, data={"url": "https://elsewhere.example/x.ics", "allow": "yes"})
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    for email, city in (("anna@weert.nl", "weert"), ("li@yuhang.gov.cn", "yuhang")):
        await make_user(session, email, city=city)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://testserver") as theirs:
            await sign_in(theirs, email)
            token = csrf_of((await theirs.get("/organiser/tokens")).text)
            for path in pages:
                assert (await theirs.get(path)).status_code == 403, path
            for path in forms:
                response = await theirs.post(
                    path, data={"csrf_token": token, "url": "https://x.example/", "allow": "yes"}
                )
                assert response.status_code == 403, path
    await session.refresh(source)
    assert source.registration_enabled is False and await actions(session) == ["feed_source.added"]
    await admin_signed_in(client, session)
    assert (await client.get("/organiser/feeds/999999/remove")).status_code == 404


async def test_the_command_line_keeps_its_words_and_is_logged(session):
    await world_of(session)
    with pytest.raises(SourceProblem) as problem:
        await add_source(session, url="museum.example", category_slug="cooking", city_slug="weert")
    assert str(problem.value) == (
        "Enter an http or https address, such as https://example.org/agenda.ics; Choose a category"
    )
    source = await add_source(session, url="https://museum.example/a.ics", category_slug="culture", city_slug="weert")
    assert source.name == "museum.example"
    await remove_source(session, source.id)
    with pytest.raises(SourceProblem, match="there is no source"):
        await remove_source(session, source.id)
    entries = (await session.scalars(select(AuditEntry).order_by(AuditEntry.id))).all()
    assert [(entry.action, entry.via, entry.user_id) for entry in entries] == [
        ("feed_source.added", COMMAND_LINE.via, None),
        ("feed_source.removed", COMMAND_LINE.via, None),
    ]


async def test_the_feeds_commands_still_work(tmp_path):
    url = await fresh_database("feedcli")
    try:
        env = {**os.environ, "EVENTS_DATABASE_URL": url, "EVENTS_SECRET_KEY": "cli-test-key"}

        def run(*arguments: str) -> subprocess.CompletedProcess:
            return subprocess.run(
                [sys.executable, "-m", "events", *arguments],
                cwd=tmp_path,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )

        assert run("db", "upgrade").returncode == 0
        engine = create_engine(url)
        async with transaction(make_sessionmaker(engine)) as session:
            await build_world(session)
        await engine.dispose()
        wrong = run("feeds", "add", "museum.example/a.ics", "--category", "culture", "--city", "weert")
        assert wrong.returncode == 1 and "Enter an http or https address" in wrong.stderr
        added = run("feeds", "add", "https://museum.example/a.ics", "--category", "culture", "--city", "weert")
        assert added.returncode == 0 and "Added source 1, museum.example" in added.stdout
        assert "https://museum.example/a.ics" in run("feeds", "list").stdout
        assert run("feeds", "remove", "1").returncode == 0
        assert "there is no source 1" in run("feeds", "remove", "1").stderr
    finally:
        await drop_database(url)
