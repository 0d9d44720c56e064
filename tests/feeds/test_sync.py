"""Importing other calendars: safe fetching, upserts by UID, vanished events cancelled, and two platforms that
subscribe to each other."""

import asyncio
import datetime as dt
import subprocess
import sys
from contextlib import asynccontextmanager

import httpx
import pytest
from sqlalchemy import select

from events.catalog.models import Category, City, Event, EventStatus
from events.database import create_engine, make_sessionmaker, transaction, utcnow, write_engine
from events.feeds.models import FeedSource
from events.feeds.sources import add_source
from events.feeds.sync import FetchPolicy, SourceError, check_host, fetch_answer, sync_source
from tests.conftest import NOW
from tests.databases import drop_database, fresh_database
from tests.factories import build_world
from tests.servers import free_port, platform_env, start_server, stop_server

CALENDAR = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Museum//EN\r
BEGIN:VEVENT\r
UID:expo-1@museum.example\r
SEQUENCE:4\r
DTSTAMP:20260301T100000Z\r
DTSTART;TZID=Europe/Amsterdam:20260320T150000\r
DTEND;TZID=Europe/Amsterdam:20260320T170000\r
SUMMARY;LANGUAGE=nl:Opening expositie\r
DESCRIPTION:Welkom\r
LOCATION:Museum W\\, Weert\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:course@museum.example\r
DTSTAMP:20260301T100000Z\r
DTSTART;TZID=Europe/Amsterdam:20260305T190000\r
DTEND;TZID=Europe/Amsterdam:20260305T200000\r
RRULE:FREQ=WEEKLY;COUNT=4\r
SUMMARY:Drawing course\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:course@museum.example\r
RECURRENCE-ID;TZID=Europe/Amsterdam:20260312T190000\r
DTSTAMP:20260301T100000Z\r
DTSTART;TZID=Europe/Amsterdam:20260312T190000\r
DTEND;TZID=Europe/Amsterdam:20260312T200000\r
STATUS:CANCELLED\r
SUMMARY:Drawing course\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:echo@stedenband.test\r
DTSTAMP:20260301T100000Z\r
DTSTART:20260401T100000Z\r
SUMMARY:Our own event coming back\r
END:VEVENT\r
END:VCALENDAR\r
"""


def client_for(handler):
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


def serve(body: str, *, content_type="text/calendar; charset=utf-8", status=200, headers=None):
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        if request.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(
            status, content=body.encode(), headers={"content-type": content_type, "etag": '"v1"', **(headers or {})}
        )

    return handler, calls


POLICY = FetchPolicy(allowed_hosts=frozenset({"museum.example"}))


async def make_source(session) -> FeedSource:
    await build_world(session)
    return await add_source(
        session, url="https://museum.example/agenda.ics", category_slug="culture", city_slug="weert"
    )


async def imported(session) -> dict[str, Event]:
    from sqlalchemy.orm import selectinload

    statement = (
        select(Event)
        .where(Event.source_id.is_not(None))
        .options(selectinload(Event.translations), selectinload(Event.changes))
        .execution_options(populate_existing=True)
    )
    return {event.external_uid: event for event in (await session.scalars(statement)).all()}


async def synced(session, source, client, policy=POLICY):
    """Fetch the source, then import what it answered, as sync_all does."""
    fetched = await fetch_answer(client, source, policy)
    return await sync_source(session, source, fetched, own_domain="stedenband.test", now=NOW)


async def test_import_upserts_by_uid_keeps_sequence_skips_our_own_and_cancels_what_vanishes(session):
    source = await make_source(session)
    handler, calls = serve(CALENDAR)
    async with client_for(handler) as client:
        result = await synced(session, source, client)
    assert (result.outcome, result.created, result.updated) == ("imported", 2, 0)
    events = await imported(session)
    assert set(events) == {"expo-1@museum.example", "course@museum.example"}  # never our own UID
    expo = events["expo-1@museum.example"]
    assert expo.sequence == 4 and expo.translations["nl"].title == "Opening expositie"
    assert expo.starts_at == dt.datetime(2026, 3, 20, 14, tzinfo=dt.UTC) and expo.location == "Museum W, Weert"
    assert expo.registration_enabled is False  # unless an admin turns it on
    course = events["course@museum.example"]
    assert [change.cancelled for change in course.changes] == [True]
    assert source.etag == '"v1"' and source.last_error is None

    async with client_for(handler) as client:  # nothing new: a conditional request, nothing changes
        again = await synced(session, source, client)
    assert again.outcome == "unchanged" and calls[-1].headers["if-none-match"] == '"v1"'

    source.etag = None
    shorter = CALENDAR.replace("UID:expo-1@museum.example", "UID:gone@museum.example").replace(
        "Opening expositie", "Other"
    )
    handler, _ = serve(shorter.split("BEGIN:VEVENT\r\nUID:gone")[0] + "END:VCALENDAR\r\n")
    async with client_for(handler) as client:
        await synced(session, source, client)
    events = await imported(session)
    assert events["expo-1@museum.example"].status is EventStatus.CANCELLED  # vanished: cancelled, not deleted


UNTIL_FORMS = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Club//EN\r
BEGIN:VEVENT\r
UID:training@club.example\r
DTSTAMP:20260301T100000Z\r
DTSTART;TZID=Europe/Amsterdam:20260317T190000\r
DTEND;TZID=Europe/Amsterdam:20260317T200000\r
RRULE:FREQ=WEEKLY;UNTIL=20260407\r
SUMMARY:Training\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:market@club.example\r
DTSTAMP:20260301T100000Z\r
DTSTART;VALUE=DATE:20260317\r
DTEND;VALUE=DATE:20260318\r
RRULE:FREQ=WEEKLY;UNTIL=20260406T220000Z\r
SUMMARY:Market\r
END:VEVENT\r
END:VCALENDAR\r
"""


async def test_sources_are_fetched_outside_any_transaction(migrated_database, monkeypatch):
    """On SQLite a write transaction holds the database's one write lock: registrations must not wait for it while
    a partner's server takes its time (up to the fetch timeout). The periodic and command-line sync fetch first."""
    import events.feeds.sync as sync_module

    engine = create_engine(migrated_database)
    sessions = make_sessionmaker(write_engine(engine))
    async with transaction(sessions) as session:
        source_id = (await make_source(session)).id
    open_transactions = 0

    @asynccontextmanager
    async def counted_transaction():
        nonlocal open_transactions
        async with transaction(sessions) as session:
            open_transactions += 1
            try:
                yield session
            finally:
                open_transactions -= 1

    seen = []

    async def answering(client, source, policy):
        seen.append(open_transactions)
        return CALENDAR.encode(), httpx.Headers({"etag": '"v1"'})

    monkeypatch.setattr(sync_module, "fetch", answering)
    [result] = await sync_module.sync_all(
        counted_transaction, [source_id], policy=POLICY, own_domain="stedenband.test", now=lambda: NOW
    )
    assert seen == [0]
    assert (result.outcome, result.created) == ("imported", 2)
    async with transaction(sessions) as session:
        assert set(await imported(session)) == {"expo-1@museum.example", "course@museum.example"}
        assert (await session.get(FeedSource, source_id)).etag == '"v1"'
    await engine.dispose()


async def test_an_imported_until_of_the_wrong_value_type_is_stored_as_rfc_5545_requires(session):
    """Other calendars write UNTIL as a date for a timed series or in UTC for an all-day one; the platform keeps
    what it means (the end of that day; midnight in Weert is 7 April) in the form every calendar reads alike."""
    source = await make_source(session)
    handler, _ = serve(UNTIL_FORMS)
    async with client_for(handler) as client:
        await synced(session, source, client)
    events = await imported(session)
    training, market = events["training@club.example"], events["market@club.example"]
    assert training.rrule == "FREQ=WEEKLY;UNTIL=20260407T215959Z"
    assert training.series_ends_at == dt.datetime(2026, 4, 7, 18, tzinfo=dt.UTC)  # 7 April, 19:00 to 20:00
    assert (market.all_day, market.rrule) == (True, "FREQ=WEEKLY;UNTIL=20260407")
    assert market.series_ends_at == dt.datetime(2026, 4, 7, 22, tzinfo=dt.UTC)  # the end of 7 April in Weert


@pytest.mark.parametrize(
    ("body", "content_type", "status", "message"),
    [
        ("BEGIN:VCALENDAR\r\nnot a calendar", "text/calendar", 200, "cannot be read"),
        (CALENDAR, "text/html", 200, "not text/calendar"),
        (CALENDAR, "text/calendar", 500, "HTTP 500"),
        (CALENDAR + "X" * 2000, "text/calendar", 200, "larger than"),
    ],
)
async def test_a_bad_source_changes_nothing_and_keeps_its_error(session, body, content_type, status, message):
    source = await make_source(session)
    handler, _ = serve(body, content_type=content_type, status=status)
    policy = FetchPolicy(allowed_hosts=frozenset({"museum.example"}), max_bytes=len(CALENDAR) + 100)
    async with client_for(handler) as client:
        result = await synced(session, source, client, policy)
    assert result.outcome == "failed" and message in result.error
    assert message in source.last_error and source.last_error_at == NOW
    assert await imported(session) == {}


async def test_timeouts_are_errors_too(session):
    source = await make_source(session)

    def slow(request):
        raise httpx.ReadTimeout("too slow", request=request)

    async with client_for(slow) as client:
        result = await synced(session, source, client)
    assert result.outcome == "failed" and "in time" in result.error


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/feed.ics",
        "http://localhost:8000/feed.ics",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/feed.ics",
        "http://[::1]/feed.ics",
        "file:///etc/passwd",
        "ftp://museum.example/feed.ics",
    ],
)
async def test_private_addresses_and_other_schemes_are_refused(url):
    with pytest.raises(SourceError):
        await check_host(url, FetchPolicy())
    if url.startswith("http://127.0.0.1"):
        await check_host(url, FetchPolicy(allowed_hosts=frozenset({"127.0.0.1"})))  # unless the admin allows it


async def test_a_redirect_to_a_private_address_is_refused(session):
    source = await make_source(session)

    def redirect(request):
        return httpx.Response(302, headers={"location": "http://127.0.0.1:5432/"})

    async with client_for(redirect) as client:
        result = await synced(session, source, client)
    assert result.outcome == "failed" and "private" in result.error


class Platform:
    """One city's platform: its own database, port and calendar domain, served by a real process."""

    def __init__(self, name: str, database_url: str, tmp_path) -> None:
        self.name, self.database_url, self.port = name, database_url, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = platform_env(
            database_url,
            secret_key=name,
            base_url=self.url,
            calendar_domain=f"{name}.test",
            feed_allowed_hosts="127.0.0.1",
            mail_worker="off",
        )
        self.folder = tmp_path / name
        self.folder.mkdir()
        self.process: subprocess.Popen | None = None

    def run(self, *arguments: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "events", *arguments],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    def start(self) -> None:
        self.process = start_server(self.port, self.env, self.folder)

    def stop(self) -> None:
        if self.process:
            stop_server(self.process)

    async def events(self) -> dict[str, Event]:
        engine = create_engine(self.database_url)
        async with make_sessionmaker(engine)() as session:
            found = {
                event.external_uid or str(event.id): event for event in (await session.scalars(select(Event))).all()
            }
        await engine.dispose()
        return found


@pytest.fixture
async def platforms(tmp_path):
    urls = [await fresh_database("weert"), await fresh_database("yuhang")]
    weert, yuhang = Platform("weert", urls[0], tmp_path), Platform("yuhang", urls[1], tmp_path)
    for platform in (weert, yuhang):
        assert platform.run("db", "upgrade").returncode == 0
        engine = create_engine(platform.database_url)
        async with transaction(make_sessionmaker(engine)) as session:
            await build_world(session)
        await engine.dispose()
        platform.start()
    yield weert, yuhang
    for platform in (weert, yuhang):
        platform.stop()
    for url in urls:
        await drop_database(url)


async def test_two_platforms_that_subscribe_to_each_other(platforms):
    weert, yuhang = platforms
    assert (
        weert.run(
            "feeds", "add", f"{yuhang.url}/feeds/events.ics?lang=en", "--category", "culture", "--city", "yuhang"
        ).returncode
        == 0
    )
    assert (
        yuhang.run(
            "feeds",
            "add",
            f"{weert.url}/feeds/events.ics?lang=en",
            "--category",
            "culture",
            "--city",
            "weert",
            "--name",
            "Gemeente Weert",
        ).returncode
        == 0
    )

    from events.catalog.service import EventText, cancel_event, create_event, reschedule_event

    engine = create_engine(weert.database_url)
    sessions = make_sessionmaker(engine)
    start = utcnow().replace(microsecond=0) + dt.timedelta(days=20)

    async def publish_in_weert(title: str, starts_at: dt.datetime, hours: int) -> Event:
        async with transaction(sessions) as session:
            city = await session.scalar(select(City).where(City.slug == "weert"))
            category = await session.scalar(select(Category).where(Category.slug == "culture"))
            return await create_event(
                session,
                texts={"en": EventText(title=title)},
                category=category,
                city=city,
                office=city,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=hours),
                status=EventStatus.PUBLISHED,
                now=utcnow(),
            )

    event = await publish_in_weert("Carillon concert", start, 1)
    uid = f"{event.id}@weert.test"

    async def sync_both():
        for platform in (yuhang, weert, yuhang, weert):  # repeated syncs must not duplicate anything
            result = platform.run("feeds", "sync")
            assert result.returncode == 0, result.stdout + result.stderr
            await asyncio.sleep(0.2)  # let the other platform's cache hear of the change

    await sync_both()
    there = await yuhang.events()
    assert list(there) == [uid] and there[uid].starts_at == start
    assert [key for key in await weert.events() if "@" in key] == []  # no echo back to Weert
    page = httpx.get(f"{yuhang.url}/events/{there[uid].slug}?lang=en")
    assert "Imported from the calendar of Gemeente Weert" in page.text  # marked with its source
    listing = httpx.get(f"{yuhang.url}/?lang=en")
    assert "from the calendar of Gemeente Weert" in listing.text
    feed = httpx.get(f"{yuhang.url}/feeds/events.ics?lang=en")
    assert "Imported from the calendar of Gemeente Weert." in feed.text.replace("\r\n ", "")

    async with transaction(sessions) as session:
        event = await session.get(Event, event.id)
        await reschedule_event(
            session,
            event,
            starts_at=start + dt.timedelta(days=1),
            ends_at=start + dt.timedelta(days=1, hours=1),
            now=utcnow(),
        )
    await sync_both()
    there = await yuhang.events()
    assert there[uid].starts_at == start + dt.timedelta(days=1) and there[uid].sequence >= 1

    async with transaction(sessions) as session:
        from sqlalchemy.orm import selectinload

        event = (
            await session.scalars(select(Event).where(Event.id == event.id).options(selectinload(Event.translations)))
        ).one()
        await cancel_event(session, event, reasons={"en": "Rain"}, now=utcnow())
    await sync_both()
    there = await yuhang.events()
    assert list(there) == [uid] and there[uid].status is EventStatus.CANCELLED
    assert len(await weert.events()) == 1

    # An event the organisers delete (or unpublish) departs: Weert's feed keeps a cancelled tombstone of it, and
    # Yuhang's copy is marked cancelled, never deleted.
    from events.catalog.service import delete_event

    departing = await publish_in_weert("Lantern workshop", start + dt.timedelta(days=3), 2)
    departing_uid = f"{departing.id}@weert.test"
    await sync_both()
    there = await yuhang.events()
    assert sorted(there) == sorted([uid, departing_uid])
    assert there[departing_uid].status is EventStatus.PUBLISHED
    async with transaction(sessions) as session:
        await delete_event(session, await session.get_one(Event, departing.id), now=utcnow())
    await sync_both()
    there = await yuhang.events()
    assert sorted(there) == sorted([uid, departing_uid])  # no duplicate, nothing deleted
    assert there[departing_uid].status is EventStatus.CANCELLED
    assert len(await weert.events()) == 2
    await engine.dispose()
    listing = weert.run("feeds", "list")
    assert "synced:" in listing.stdout and "last error" not in listing.stdout
