"""The answer cache: served from memory while true, never after a change commits, in any process."""

import asyncio
import datetime as dt
import gzip
import os
import sqlite3
import time

import httpx
import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import insert, select, update
from sqlalchemy.engine import make_url

from events import migrate
from events.app import create_app
from events.cache import SQLiteCommits
from events.catalog.models import City, Event, EventTranslation
from events.database import create_engine, make_sessionmaker, transaction, utcnow
from events.demo.loader import load_demo
from events.registrations.models import Question, QuestionKind
from events.registrations.service import add_question
from tests.conftest import NOW, settings_with
from tests.databases import drop_database, fresh_database, is_postgresql
from tests.servers import free_port, platform_env, start_server, stop_server


async def _demo_database(now: dt.datetime) -> str:
    url = await fresh_database("cache")
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(migrate.upgrade_connection)
        await connection.commit()
    async with transaction(make_sessionmaker(engine)) as session:
        await load_demo(session, now=now)
    await engine.dispose()
    return url


@pytest.fixture
async def database_url():
    url = await _demo_database(NOW)
    yield url
    await drop_database(url)


@pytest.fixture
async def database_url_now():
    """The demo programme around the real present, for servers that run on the real clock."""
    url = await _demo_database(utcnow())
    yield url
    await drop_database(url)


async def _rename(database_url: str, slug: str, title: str) -> None:
    """A change committed by another process (here: its own engine, as an organiser's request would)."""
    engine = create_engine(database_url)
    async with transaction(make_sessionmaker(engine)) as session:
        event_id = await session.scalar(select(Event.id).where(Event.slug == slug))
        await session.execute(
            update(EventTranslation)
            .where(EventTranslation.event_id == event_id, EventTranslation.language == "en")
            .values(title=title)
        )
    await engine.dispose()


@pytest.fixture
async def cached_app(database_url):
    app = create_app(settings_with(database_url=database_url, page_cache_mb=8, mail_worker=False))
    app.state.clock = lambda: NOW
    transport = httpx.ASGITransport(app=app)
    async with app.router.lifespan_context(app), httpx.AsyncClient(transport=transport, base_url="https://t") as client:
        # On PostgreSQL the cache waits until the process listens for changes; on SQLite the first connection
        # creates the write-ahead log, which changes the file stamps once.
        deadline = time.monotonic() + 10
        while (await client.get("/api/v1/cities")).headers.get("x-cache") != "hit":
            assert time.monotonic() < deadline, "the cache did not turn on"
        yield app, client


async def test_a_hit_is_logged_with_the_template_of_the_route_that_made_it(cached_app, caplog):
    """Hits are answered before routing; under a mount (the API's /api/v1) the log line still names the whole route,
    as the miss's line does, and never the real path."""
    app, client = cached_app
    with caplog.at_level("INFO", logger="events.requests"):
        for _ in range(2):
            await client.get("/api/v1/events/some-slug-that-does-not-exist")  # a 404: not kept
        answers = [(await client.get("/api/v1/categories")).headers["x-cache"] for _ in range(2)]
    assert answers == ["miss", "hit"]
    lines = [record.getMessage().rsplit(" in ", 1)[0] for record in caplog.records if record.name == "events.requests"]
    assert lines == [
        "GET /api/v1/events/{slug} answered 404",
        "GET /api/v1/events/{slug} answered 404",
        "GET /api/v1/categories answered 200",
        "GET /api/v1/categories answered 200",
    ]


async def test_hits_304s_gzip_and_one_entry_per_language(cached_app):
    app, client = cached_app
    first = await client.get("/?lang=en")
    assert first.headers["x-cache"] == "miss"
    second = await client.get("/?lang=en")
    assert second.headers["x-cache"] == "hit" and second.text == first.text
    assert second.headers["etag"] == first.headers["etag"] and second.headers["etag"].startswith('"')
    assert (await client.get("/?lang=nl")).text != first.text  # languages are cached apart
    not_modified = await client.get("/?lang=en", headers={"If-None-Match": first.headers["etag"]})
    assert not_modified.status_code == 304 and not_modified.content == b""
    zipped = await client.get("/api/v1/events", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["vary"]
    assert zipped.json()["items"]  # httpx inflates it
    raw = await client.get("/api/v1/events", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert gzip.decompress(gzip.compress(raw.content)) == raw.content


async def test_a_committed_change_is_seen_at_once(cached_app, database_url):
    app, client = cached_app
    assert "Weert trade mission to Yuhang" in (await client.get("/?lang=en")).text
    assert (await client.get("/?lang=en")).headers["x-cache"] == "hit"
    await _rename(database_url, "trade-mission-weert-to-yuhang", "Renamed mission")
    page = await client.get("/?lang=en")
    assert page.headers["x-cache"] == "miss"
    assert "Renamed mission" in page.text


async def test_a_feed_is_gzipped_from_its_chunks_with_its_own_etag(cached_app, database_url):
    _, client = cached_app
    plain = await client.get("/feeds/events.ics?lang=zh", headers={"Accept-Encoding": "identity"})
    zipped = await client.get("/feeds/events.ics?lang=zh", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == plain.content  # httpx inflates it
    assert zipped.headers["etag"] != plain.headers["etag"]  # two representations, two strong ETags
    assert int(zipped.headers["content-length"]) < len(plain.content)
    for tag in (plain.headers["etag"], zipped.headers["etag"], "W/" + plain.headers["etag"]):
        again = await client.get("/feeds/events.ics?lang=zh", headers={"If-None-Match": tag})
        assert again.status_code == 304, tag
    # Hits are answered before routing, with everything the full way adds.
    hit = await client.get("/feeds/events.ics?lang=zh", headers={"Accept-Encoding": "identity"})
    assert hit.headers["x-cache"] == "hit" and hit.content == plain.content
    assert "content-security-policy" in hit.headers and hit.headers["content-type"].startswith("text/calendar")
    head = await client.head("/feeds/events.ics?lang=zh")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == zipped.headers["etag"]
    await _rename(database_url, "trade-mission-weert-to-yuhang", "Renamed mission")
    changed = await client.get("/feeds/events.ics?lang=en", headers={"Accept-Encoding": "gzip"})
    assert "SUMMARY;LANGUAGE=en:Renamed mission" in changed.text  # the recompressed chunk is right too
    raw = await client.get("/feeds/events.ics?lang=en", headers={"Accept-Encoding": "identity"})
    assert changed.content == raw.content


async def test_requests_that_miss_together_wait_for_one_build(cached_app):
    app, client = cached_app
    import events.feeds.routes as feed_routes

    builds = []
    original = feed_routes.build_feed

    async def counting(*args, **kwargs):
        builds.append(1)
        await asyncio.sleep(0.05)  # long enough for the others to arrive while it builds
        return await original(*args, **kwargs)

    feed_routes.build_feed = counting
    try:
        answers = await asyncio.gather(*(client.get("/feeds/events.ics?lang=nl") for _ in range(8)))
    finally:
        feed_routes.build_feed = original
    assert len(builds) == 1
    assert {answer.status_code for answer in answers} == {200}
    assert len({answer.content for answer in answers}) == 1


async def test_a_cached_page_still_remembers_the_chosen_language(cached_app):
    app, client = cached_app
    await client.get("/?lang=en")
    assert (await client.get("/?lang=en")).headers["x-cache"] == "hit"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://t") as newcomer:
        page = await newcomer.get("/?lang=en")  # a visitor without the cookie yet
        assert page.headers["x-cache"] == "hit" and "lang=en" in page.headers["set-cookie"]


async def test_hits_without_lang_are_in_the_negotiated_language(cached_app):
    """API clients and visitors rarely name their language: their hits are answered early too (ServeFromCache),
    each in the language the full way would have chosen: the cookie, then Accept-Language."""
    app, client = cached_app
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://t") as visitor:
        for accept in ("zh-CN,zh;q=0.9", "nl-NL", "en-GB"):
            await visitor.get("/api/v1/events?limit=5", headers={"Accept-Language": accept})  # fills the cache
        answers = {}
        for accept in ("zh-CN,zh;q=0.9", "nl-NL", "en-GB"):
            answer = await visitor.get("/api/v1/events?limit=5", headers={"Accept-Language": accept})
            assert answer.headers["x-cache"] == "hit" and "content-security-policy" in answer.headers
            answers[accept] = answer.json()["items"][0]["language"]
        assert answers == {"zh-CN,zh;q=0.9": "zh", "nl-NL": "nl", "en-GB": "en"}
        visitor.cookies.set("lang", "zh")
        answer = await visitor.get("/api/v1/events?limit=5", headers={"Accept-Language": "nl"})
        assert answer.headers["x-cache"] == "hit" and answer.json()["items"][0]["language"] == "zh"
        page = await visitor.get("/", headers={"Accept-Language": "nl"})
        assert 'lang="zh-Hans"' in page.text and "set-cookie" not in page.headers
    # An unknown ?lang= still gets its error from the full way.
    assert (await client.get("/api/v1/events?limit=5&lang=xx")).status_code == 400


async def test_errors_are_not_cached(cached_app):
    _, client = cached_app
    for _ in range(2):
        response = await client.get("/?category=nope")
        assert response.status_code == 400 and "x-cache" not in response.headers


async def test_answers_expire_when_time_changes_them(cached_app):
    app, client = cached_app
    assert (await client.get("/events/jingshan-tea-culture-day?lang=en")).headers["x-cache"] == "miss"
    assert (await client.get("/events/jingshan-tea-culture-day?lang=en")).headers["x-cache"] == "hit"
    # Its registration opens in 14 days: from then on the page must say so, so the cached copy may not outlive it.
    app.state.clock = lambda: NOW + dt.timedelta(days=14, minutes=1)
    page = await client.get("/events/jingshan-tea-culture-day?lang=en")
    assert page.headers["x-cache"] == "miss"


async def test_other_processes_never_serve_stale_answers(database_url_now, tmp_path):
    """Two server processes share one database; a change committed elsewhere reaches both."""
    ports = [free_port(), free_port()]
    database_url = database_url_now
    env = platform_env(database_url, secret_key="cache-test")
    servers = [start_server(port, env, tmp_path) for port in ports]
    try:
        async with httpx.AsyncClient(timeout=5) as client:
            for port in ports:
                await _wait_until_cache_is_on(client, port)
            title = "Weert trade mission to Yuhang"
            for port in ports:
                await client.get(f"http://127.0.0.1:{port}/?lang=en")
                cached = await client.get(f"http://127.0.0.1:{port}/?lang=en")
                assert cached.headers["x-cache"] == "hit" and title in cached.text
            await _rename(database_url, "trade-mission-weert-to-yuhang", "Mission renamed elsewhere")
            for port in ports:
                # PostgreSQL delivers the notification within milliseconds of the commit; SQLite needs none.
                deadline = time.monotonic() + 2
                while (
                    "Mission renamed elsewhere"
                    not in (page := await client.get(f"http://127.0.0.1:{port}/?lang=en")).text
                ):
                    assert time.monotonic() < deadline, f"port {port} kept serving the old page"
                assert page.headers["x-cache"] == "miss"
    finally:
        for server in servers:
            stop_server(server)


async def _wait_until_cache_is_on(client, port):
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            await client.get(f"http://127.0.0.1:{port}/api/v1/cities")
            if (await client.get(f"http://127.0.0.1:{port}/api/v1/cities")).headers.get("x-cache") == "hit":
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError(f"the server on port {port} did not start with its cache on")


async def test_a_commit_that_leaves_the_database_files_looking_the_same_is_seen_at_once(cached_app, database_url):
    """After a checkpoint SQLite writes its log again from the start, so the file keeps its size; and a file system
    may stamp two writes within one clock tick alike. The files then look as before a commit, which only the
    database itself can tell (PRAGMA data_version). On PostgreSQL this is simply a change from another process."""
    _, client = cached_app
    sqlite_path = None if is_postgresql(database_url) else make_url(database_url).database
    if sqlite_path is not None:
        with sqlite3.connect(sqlite_path, timeout=5) as connection:
            # A log of many pages, checkpointed: the next commit writes it again from its start.
            connection.execute("CREATE TABLE scratch AS SELECT randomblob(100000) AS filler")
            connection.execute("DROP TABLE scratch")
            connection.commit()
            connection.execute("PRAGMA wal_checkpoint(RESTART)").fetchone()
    assert "Weert trade mission to Yuhang" in (await client.get("/?lang=en")).text
    assert (await client.get("/?lang=en")).headers["x-cache"] == "hit"
    files = [sqlite_path, f"{sqlite_path}-wal"] if sqlite_path is not None else []
    before = {path: os.stat(path) for path in files}
    if sqlite_path is not None:  # as another process would, or plain SQL: nothing in this process hears of it
        with sqlite3.connect(sqlite_path, timeout=5) as connection:
            connection.execute(
                "UPDATE event_translations SET title = 'Renamed mission' WHERE language = 'en' AND event_id = "
                "(SELECT id FROM events WHERE slug = 'trade-mission-weert-to-yuhang')"
            )
    else:
        await _rename(database_url, "trade-mission-weert-to-yuhang", "Renamed mission")
    for path, stat in before.items():  # one clock tick: the same times; the log kept its size
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        assert os.stat(path).st_size == stat.st_size
    page = await client.get("/?lang=en")
    assert page.headers["x-cache"] == "miss"
    assert "Renamed mission" in page.text


async def test_the_sqlite_data_version_is_read_once_per_turn_of_the_loop_and_never_for_a_later_request(tmp_path):
    """Under load one turn of the event loop answers many requests, each in a task of its own: they share one
    reading of PRAGMA data_version. A request that arrives after a commit is answered by a task scheduled after
    it, which runs after the reading is forgotten; the task that read asks again, as a caller in the same process
    may make several requests in one go."""
    path = tmp_path / "shared.sqlite"
    with sqlite3.connect(path) as setup:
        setup.execute("CREATE TABLE changes (n INTEGER)")
    writer = sqlite3.connect(path, isolation_level=None)
    commits = SQLiteCommits(str(path))
    seen: dict[str, tuple[int, ...] | None] = {}

    def commit_elsewhere() -> None:
        writer.execute("INSERT INTO changes VALUES (1)")

    async def first() -> None:
        seen["first"] = commits.version()
        commit_elsewhere()

    async def arrived_before() -> None:
        seen["arrived before"] = commits.version()

    try:
        # Both scheduled before either runs: they run in the same turn, the second after the commit, and share
        # the first one's reading (its request arrived before that reading).
        await asyncio.gather(asyncio.create_task(first()), asyncio.create_task(arrived_before()))
        assert seen["arrived before"] == seen["first"]
        seen["before the commit"] = commits.version()
        commit_elsewhere()
        assert commits.version() != seen["before the commit"]  # the same task, in the same turn: asked again
        seen["before the commit"] = commits.version()
        commit_elsewhere()
        await asyncio.create_task(arrived_before())  # scheduled after the commit
        assert seen["arrived before"] != seen["before the commit"]
        commit_elsewhere()
        assert await asyncio.to_thread(commits.version) != seen["arrived before"]  # outside a loop: each call asks
    finally:
        commits.close()
        writer.close()


async def test_a_request_that_fails_after_reading_the_catalogue_leaves_the_shared_catalogue_usable(
    cached_app, database_url
):
    """The catalogue a request reads is kept for every later request; the request's rollback must not expire it."""
    app, client = cached_app
    kept = app.state.data_version.catalogue_token()
    engine = create_engine(database_url)  # another process changes a city, so the kept catalogue is old
    async with transaction(make_sessionmaker(engine)) as session:
        await session.execute(update(City).where(City.slug == "weert").values(position=City.position))
    await engine.dispose()
    deadline = time.monotonic() + 10
    while app.state.data_version.catalogue_token() == kept:  # PostgreSQL tells this process a moment later
        assert time.monotonic() < deadline, "the change was not heard"
        await asyncio.sleep(0.01)
    refused = await client.post(
        "/api/v1/events/trade-mission-weert-to-yuhang/registrations",
        json={"name": "Anna", "email": "anna@example.org", "home_city": "atlantis", "language": "en", "consent": True},
    )
    assert refused.status_code == 422  # after reading the catalogue afresh, and keeping it
    assert (await client.get("/api/v1/events/trade-mission-weert-to-yuhang")).status_code == 200
    assert (await client.get("/?lang=en")).status_code == 200


async def _add_required_question(sessionmaker, slug: str) -> int:
    async with transaction(sessionmaker) as session:
        event = await session.scalar(select(Event).where(Event.slug == slug))
        question = await add_question(session, event, kind=QuestionKind.YES_NO, label={"en": "Helmet?"}, required=True)
    return question.id


async def _add_required_question_elsewhere(database_url: str, slug: str) -> int:
    """As another process would: an engine of its own, and no session (whose listeners this process shares)."""
    engine = create_engine(database_url)
    async with engine.begin() as connection:
        event_id = await connection.scalar(select(Event.id).where(Event.slug == slug))
        values = {"kind": QuestionKind.YES_NO, "label": {"en": "Visa?"}, "required": True, "choices": []}
        question_id = await connection.scalar(
            insert(Question).values(event_id=event_id, position=9, **values).returning(Question.id)
        )
    await engine.dispose()
    return question_id


async def test_registering_keeps_the_questions_and_sees_a_new_one_at_once(cached_app, database_url):
    """The questions are read once per process and kept until any process changes questions; a question added by
    another process or by this one is asked of the very next registration."""
    app, client = cached_app
    slug = "yuhang-weert-economic-forum"  # open, without questions of its own
    statements: list[str] = []
    sqlalchemy_event.listen(
        app.state.engine.sync_engine, "before_cursor_execute", lambda *call: statements.append(call[2])
    )

    async def register(number: int) -> httpx.Response:
        person = {"name": f"Anna {number}", "email": f"anna{number}@example.org", "home_city": "weert"}
        return await client.post(
            f"/api/v1/events/{slug}/registrations", json={**person, "language": "en", "consent": True}
        )

    assert (await register(1)).status_code == 201
    statements.clear()
    assert (await register(2)).status_code == 201
    asked = [statement for statement in statements if "questions" in statement]
    # On PostgreSQL the first registration's commit leaves the questions' version as it was; on SQLite every
    # commit moves the one version the database file has.
    assert asked == [] if is_postgresql(database_url) else len(asked) == 1

    kept = app.state.data_version.questions_token()
    other = await _add_required_question_elsewhere(database_url, slug)
    deadline = time.monotonic() + 10
    while app.state.data_version.questions_token() == kept:  # PostgreSQL tells this process a moment later
        assert time.monotonic() < deadline, "the change was not heard"
        await asyncio.sleep(0.01)
    refused = await register(3)
    assert refused.status_code == 422 and f"answers.{other}" in refused.text

    own = await _add_required_question(app.state.sessionmaker, slug)  # this process: seen without waiting
    refused = await register(3)
    assert refused.status_code == 422 and f"answers.{own}" in refused.text
