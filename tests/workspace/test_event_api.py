"""The write API for events: create, read and change with ETags, publish, cancel and delete, with a Bearer token;
its errors as problem details; and If-Match holding when requests really run at the same time."""

import asyncio
import datetime as dt
import uuid

import httpx
import icalendar
import pytest
from sqlalchemy import func, select

from events.accounts.models import Role
from events.accounts.service import add_user, create_api_token
from events.audit.models import AuditEntry
from events.audit.service import SYSTEM
from events.catalog.models import Event, EventStatus
from events.database import create_engine, make_sessionmaker, transaction, utcnow
from events.registrations.forms import from_json
from events.registrations.service import Context, register
from tests.conftest import NOW
from tests.factories import build_world, make_event
from tests.openapi_check import DOCUMENT, assert_matches_schema
from tests.registrations.helpers import add_questions, outbox, person
from tests.servers import platform_env, running_server
from tests.workspace.event_helpers import (
    admin,
    audit_entries,
    fresh_event,
    new_event_body,
    organiser,
    token_of,
    weert_event,
)
from tests.workspace.test_event_editor import PNG

CONTEXT = Context("https://stedenband.test", "stedenband.test", NOW)


async def create(client, headers, **changes):
    return await client.post("/api/v1/events", json=new_event_body(**changes), headers=headers)


async def test_an_integration_creates_an_event(client, session):
    headers = await token_of(session, await organiser(session))
    response = await create(client, headers, questions=[{"kind": "yes_no", "labels": {"en": "Helmet?"}}])
    assert response.status_code == 201, response.text
    body = response.json()
    assert_matches_schema(body, "Event")
    assert response.headers["location"] == f"https://stedenband.test/api/v1/events/{body['slug']}"
    assert response.headers["etag"].startswith('"1-') and response.headers["cache-control"] == "no-store"
    assert body["status"] == "draft" and body["office"] == "weert" and body["edit_version"] == 1
    assert body["start"] == "2026-04-18T10:00:00+02:00" and body["translations"]["zh"]["title"] == "肯彭骑行"
    assert body["questions"][0]["labels"] == {"en": "Helmet?"}
    [entry] = await audit_entries(session, uuid.UUID(body["id"]))
    assert entry.action == "event.created" and entry.via == "api"
    # A draft is not public, but its organisers read it with their token.
    assert (await client.get(f"/api/v1/events/{body['slug']}")).status_code == 404
    managed = await client.get(f"/api/v1/events/{body['slug']}", headers=headers)
    assert managed.status_code == 200 and managed.headers["etag"] == response.headers["etag"]


async def test_the_etag_is_the_same_in_every_language_and_changes_with_every_edit(client, session):
    headers = await token_of(session, await organiser(session))
    event = await weert_event(session)
    url = f"/api/v1/events/{event.slug}"
    answers = [await client.get(f"{url}?lang={code}") for code in ("nl", "en", "zh")]
    assert len({answer.text for answer in answers}) == 3
    assert len({answer.headers["etag"] for answer in answers}) == 1
    etag = answers[0].headers["etag"]
    assert etag.startswith('"1-')
    assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 304
    # A registration changes the answer (places left), so the ETag changes; its edit version does not.
    await register(session, event_id=event.id, sent=from_json(person(1)), context=CONTEXT)
    after_registering = (await client.get(url)).headers["etag"]
    assert after_registering != etag and after_registering.startswith('"1-')
    assert (await client.get(url, headers={"If-None-Match": etag})).status_code == 200
    # ...and a PATCH with the ETag read before the registration still applies.
    patched = await client.patch(url, json={"capacity": 30}, headers={**headers, "If-Match": etag})
    assert patched.status_code == 200, patched.text
    assert patched.headers["etag"].startswith('"2-')
    plain = await client.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.headers["etag"] == patched.headers["etag"]
    # The compressed answer is another representation with a tag of its own, naming the same edit version.
    assert (await client.get(url)).headers["etag"] == patched.headers["etag"][:-1] + '-gzip"'


async def test_what_get_shows_can_be_sent_back_with_one_field_changed(client, session):
    headers = await token_of(session, await organiser(session))
    world_event = await weert_event(session, rrule="FREQ=WEEKLY;COUNT=5", online_url="https://meet.example/tea")
    await add_questions(session, world_event)
    url = f"/api/v1/events/{world_event.slug}"
    read = await client.get(url, headers=headers)
    body = read.json()
    assert body["online_url"] == "https://meet.example/tea" and body["recurrence"]["rule"] == "FREQ=WEEKLY;COUNT=5"
    # Everything sent back as it was changes nothing: no new version, nothing in the log.
    same = await client.patch(url, json=body, headers={**headers, "If-Match": read.headers["etag"]})
    assert same.status_code == 200, same.text
    assert same.json()["edit_version"] == 1 and len(await audit_entries(session, world_event.id)) == 0
    body["capacity"] = 12
    body["translations"]["nl"]["title"] = "Theeceremonie in Weert"
    changed = await client.patch(url, json=body, headers={**headers, "If-Match": read.headers["etag"]})
    assert changed.status_code == 200, changed.text
    answer = changed.json()
    assert answer["capacity"] == 12 and answer["translations"]["nl"]["title"] == "Theeceremonie in Weert"
    assert answer["questions"] == body["questions"] and answer["recurrence"]["rule"] == body["recurrence"]["rule"]
    [entry] = await audit_entries(session, world_event.id)
    assert entry.changes == {
        "capacity": [20, 12],
        "edit_version": [1, 2],
        "translations.nl.title": ["Theeceremonie", "Theeceremonie in Weert"],
    }


async def test_a_stale_if_match_is_refused_and_no_if_match_is_applied(client, session):
    anna = await organiser(session, name="Anna")
    headers = await token_of(session, anna)
    event = await weert_event(session)
    url = f"/api/v1/events/{event.slug}"
    etag = (await client.get(url)).headers["etag"]
    first = await client.patch(url, json={"capacity": 25}, headers={**headers, "If-Match": etag})
    assert first.status_code == 200
    stale = await client.patch(url, json={"capacity": 40}, headers={**headers, "If-Match": etag})
    assert stale.status_code == 412 and stale.headers["content-type"] == "application/problem+json"
    problem = stale.json()
    assert problem["type"] == "https://stedenband.test/problems/precondition-failed" and problem["edit_version"] == 2
    assert problem["changes"] == [
        {"field": "capacity", "old": 20, "new": 25, "by": "Anna", "at": "2026-03-02T09:00:00+00:00"}
    ]
    assert (await fresh_event(session, event.id)).capacity == 25
    weak = await client.patch(url, json={"capacity": 40}, headers={**headers, "If-Match": "W/" + first.headers["etag"]})
    assert weak.status_code == 412
    gzip_tag = first.headers["etag"][:-1] + '-gzip"'  # the compressed answer's tag names the same version
    compressed = await client.patch(url, json={"capacity": 26}, headers={**headers, "If-Match": gzip_tag})
    assert compressed.status_code == 200
    blind = await client.patch(url, json={"capacity": 40}, headers=headers)
    assert blind.status_code == 200 and blind.json()["capacity"] == 40 and blind.json()["edit_version"] == 4


async def test_an_integration_sets_and_removes_the_image(client, session, settings):
    headers = await token_of(session, await organiser(session))
    event = await weert_event(session)
    url = f"/api/v1/events/{event.slug}/image"
    png = {**headers, "Content-Type": "image/png"}
    undescribed = await client.put(url, content=PNG, headers=png)
    assert undescribed.status_code == 422 and undescribed.headers["content-type"] == "application/problem+json"
    fields = {error["field"] for error in undescribed.json()["errors"]}
    assert fields == {f"translations.{code}.image_alt" for code in ("nl", "en", "zh")}
    alts = {code: {"image_alt": "Twee kopjes thee"} for code in ("nl", "en", "zh")}
    described = await client.patch(f"/api/v1/events/{event.slug}", json={"translations": alts}, headers=headers)
    assert described.status_code == 200, described.text
    stale = await client.put(url, content=PNG, headers={**png, "If-Match": '"1-0"'})
    assert stale.status_code == 412
    answer = await client.put(url, content=PNG, headers={**png, "If-Match": described.headers["etag"]})
    assert answer.status_code == 200, answer.text
    assert_matches_schema(answer.json(), "Event")
    image = answer.json()["image"]
    served = await client.get(image["url"].removeprefix("https://stedenband.test"))
    assert served.status_code == 200 and served.content == PNG
    assert [entry.action for entry in await audit_entries(session, event.id)][-1] == "event.updated"
    # Not an image, or too large: refused at the field, nothing changed.
    text = await client.put(url, content=b"<svg onload=alert(1)>", headers={**headers, "Content-Type": "image/svg+xml"})
    assert text.status_code == 422 and text.json()["errors"][0]["field"] == "image"
    large = PNG + b"\x00" * settings.max_image_size
    assert (await client.put(url, content=large, headers=png)).json()["errors"][0]["field"] == "image"
    assert (await fresh_event(session, event.id)).image_path == image["url"].removeprefix("https://stedenband.test")
    # Only its organisers, with a token.
    assert (await client.put(url, content=PNG, headers={"Content-Type": "image/png"})).status_code == 401
    theirs = await token_of(session, await organiser(session, "li@yuhang.cn", city="yuhang"))
    refused = await client.put(url, content=PNG, headers={**theirs, "Content-Type": "image/png"})
    assert refused.status_code == 403
    removed = await client.delete(url, headers=headers)
    assert removed.status_code == 200 and removed.json()["image"] is None
    assert (await fresh_event(session, event.id)).image_path is None


async def test_a_patch_changes_only_what_it_sends(client, session):
    headers = await token_of(session, await organiser(session))
    event = await weert_event(session)
    url = f"/api/v1/events/{event.slug}"
    response = await client.patch(url, json={"translations": {"zh": {"summary": "一起泡龙井茶"}}}, headers=headers)
    assert response.status_code == 200
    body = response.json()
    zh = {"title": "茶道", "summary": "一起泡龙井茶", "description": "", "image_alt": ""}
    assert body["translations"]["zh"] == zh
    assert body["translations"]["nl"]["title"] == "Theeceremonie" and body["capacity"] == 20
    assert body["start"] == "2026-03-14T10:00:00+01:00"
    dropped = await client.patch(url, json={"translations": {"nl": None}}, headers=headers)
    assert set(dropped.json()["translations"]) == {"en", "zh"}


async def test_invalid_fields_are_named_in_a_problem(client, session):
    headers = await token_of(session, await organiser(session))
    response = await create(
        client,
        headers,
        translations={"zh": {"summary": "只有摘要"}},
        start="2026-03-29T02:30",
        end="2026-03-29T05:00",
        capacity=0,
        capcity=5,
        recurrence={"frequency": "weekly", "until": "2026-03-01"},
        category="music",
    )
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"].endswith("/problems/invalid-fields")
    fields = {error["field"] for error in problem["errors"]}
    assert {"translations.zh.title", "start", "capacity", "capcity", "category"} <= fields
    zh = await client.post("/api/v1/events?lang=zh", json={"start": "tomorrow"}, headers=headers)
    assert zh.json()["title"] != problem["title"]  # the problem speaks the request's language
    until = await create(client, headers, recurrence={"frequency": "weekly", "until": "2026-04-01"})
    assert [error["field"] for error in until.json()["errors"]] == ["recurrence.until"]
    assert (await client.post("/api/v1/events", content=b"[1]", headers=headers)).json()["errors"][0]["field"] == "body"
    assert await session.scalar(select(func.count()).select_from(Event)) == 0


async def test_a_new_time_tells_the_participants_unless_asked_not_to(client, session):
    headers = await token_of(session, await organiser(session))
    event = await weert_event(session)
    await register(session, event_id=event.id, sent=from_json(person(1, language="zh")), context=CONTEXT)
    url = f"/api/v1/events/{event.slug}"
    quiet = await client.patch(url, json={"start": "2026-03-14T11:00", "notify_participants": False}, headers=headers)
    assert quiet.status_code == 200 and not [m for m in await outbox(session) if m.kind == "event_changed"]
    told = await client.patch(url, json={"end": "2026-03-14T14:00:00+01:00"}, headers=headers)
    assert told.status_code == 200 and told.json()["sequence"] == 2
    [message] = [m for m in await outbox(session) if m.kind == "event_changed"]
    assert message.language == "zh" and "茶道" in message.subject


async def test_publish_cancel_and_delete(client, session):
    headers = await token_of(session, await organiser(session))
    slug = (await create(client, headers)).json()["slug"]
    published = await client.post(f"/api/v1/events/{slug}/publish", headers=headers)
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert (await client.get(f"/api/v1/events/{slug}")).status_code == 200
    no_reason = await client.post(f"/api/v1/events/{slug}/cancel", json={}, headers=headers)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    cancelled = await client.post(f"/api/v1/events/{slug}/cancel?lang=en", json={"reason": "Storm"}, headers=headers)
    assert cancelled.status_code == 200 and cancelled.json()["cancellation_reason"] == "Storm"
    again = await client.post(f"/api/v1/events/{slug}/cancel", json={"reason": {"zh": "暴风雨"}}, headers=headers)
    assert again.status_code == 409 and again.json()["type"].endswith("/problems/not-possible")
    republish = await client.post(f"/api/v1/events/{slug}/publish", headers=headers)
    assert republish.status_code == 409
    deleted = await client.delete(f"/api/v1/events/{slug}", headers=headers)
    assert deleted.status_code == 204
    assert (await client.get(f"/api/v1/events/{slug}")).status_code == 404
    assert (await client.get(f"/api/v1/events/{slug}", headers=headers)).status_code == 404
    feed = icalendar.Calendar.from_ical((await client.get("/feeds/events.ics")).content)
    assert [str(vevent["status"]) for vevent in feed.walk("VEVENT")] == ["CANCELLED"]
    event = await session.scalar(select(Event).where(Event.slug == slug).execution_options(populate_existing=True))
    assert event.deleted_at == NOW and event.status is EventStatus.CANCELLED
    actions = [entry.action for entry in await audit_entries(session, event.id)]
    assert actions == ["event.created", "event.published", "event.cancelled", "event.deleted"]


async def test_cancel_with_a_reason_per_language_and_unpublish(client, session):
    headers = await token_of(session, await organiser(session))
    event = await weert_event(session)
    unpublished = await client.post(f"/api/v1/events/{event.slug}/unpublish", headers=headers)
    assert unpublished.status_code == 200 and unpublished.json()["status"] == "draft"
    reasons = {"reason": {"nl": "Storm", "zh": "暴风雨"}}
    cancelled = await client.post(f"/api/v1/events/{event.slug}/cancel?lang=zh", json=reasons, headers=headers)
    assert cancelled.json()["cancellation_reason"] == "暴风雨"
    bad = await client.post(f"/api/v1/events/{event.slug}/cancel", json={"reason": {"fr": "x"}}, headers=headers)
    assert bad.status_code == 422


async def test_401_403_and_404_are_problem_details(client, session):
    headers = await token_of(session, await organiser(session))
    theirs = await weert_event(session, office="yuhang")
    for method, path, body in (
        ("POST", "/api/v1/events", new_event_body()),
        ("PATCH", f"/api/v1/events/{theirs.slug}", {"capacity": 3}),
        ("DELETE", f"/api/v1/events/{theirs.slug}", None),
        ("POST", f"/api/v1/events/{theirs.slug}/publish", None),
        ("POST", f"/api/v1/events/{theirs.slug}/unpublish", None),
        ("POST", f"/api/v1/events/{theirs.slug}/cancel", {"reason": "x"}),
    ):
        for auth in ({}, {"Authorization": "Bearer stb_not-a-token"}, {"Authorization": "Basic YTpi"}):
            anonymous = await client.request(method, path, json=body, headers=auth)
            assert anonymous.status_code == 401, (method, path)
            assert anonymous.headers["content-type"] == "application/problem+json"
            assert anonymous.headers["www-authenticate"].startswith("Bearer")
        if path != "/api/v1/events":
            other = await client.request(method, path, json=body, headers=headers)
            assert other.status_code == 403 and other.json()["type"].endswith("/problems/forbidden"), (method, path)
            unknown = path.replace(theirs.slug, "no-such-event")
            missing = await client.request(method, unknown, json=body, headers=headers)
            assert missing.status_code == 404 and missing.json()["type"].endswith("/problems/not-found")
    assert (await client.get(f"/api/v1/events/{theirs.slug}", headers=headers)).status_code == 403
    assert (await client.get(f"/api/v1/events/{theirs.slug}")).status_code == 200  # public without the token
    not_ours = await create(client, headers, office="yuhang")
    assert not_ours.status_code == 403
    assert (await fresh_event(session, theirs.id)).capacity == 20


async def test_an_admin_creates_for_any_office_and_a_co_organiser_changes_a_joint_event(client, session):
    boss = await token_of(session, await admin(session))
    created = await create(client, boss, office="yuhang", co_organisers=["weert"], city="yuhang")
    assert created.status_code == 201 and created.json()["co_organisers"] == ["weert"]
    assert created.json()["timezone"] == "Asia/Shanghai" and created.json()["start"] == "2026-04-18T10:00:00+08:00"
    anna = await token_of(session, await organiser(session))
    changed = await client.patch(f"/api/v1/events/{created.json()['slug']}", json={"capacity": 8}, headers=anna)
    assert changed.status_code == 200
    handed_over = await client.patch(f"/api/v1/events/{created.json()['slug']}", json={"office": "weert"}, headers=anna)
    assert handed_over.status_code == 403


def test_every_write_endpoint_is_in_the_openapi_document():
    paths = DOCUMENT["paths"]
    assert {"post"} <= set(paths["/events"]) and {"get", "patch", "delete"} <= set(paths["/events/{slug}"])
    for action in ("publish", "unpublish", "cancel"):
        assert paths[f"/events/{{slug}}/{action}"]["post"]["security"] == [{"bearerToken": []}]
    assert "EventWrite" in DOCUMENT["components"]["schemas"]
    assert "412" in paths["/events/{slug}"]["patch"]["responses"]


# --- Really at the same time, through server processes -----------------------------------------------------------

PARALLEL = 8


@pytest.fixture
async def shared_event(migrated_database):
    engine = create_engine(migrated_database)
    async with transaction(make_sessionmaker(engine)) as session:
        world = await build_world(session)
        user = await add_user(session, email="anna@weert.nl", role=Role.ORGANISER, city_slug="weert", password=None)
        _, token = await create_api_token(session, user, name="sync", days=30, now=utcnow(), actor=SYSTEM)
        event = await make_event(
            session, world, title="Tea ceremony", capacity=20, now=utcnow(), starts_at=utcnow() + dt.timedelta(days=9)
        )
        slug, event_id = event.slug, event.id
    await engine.dispose()
    return migrated_database, token, slug, event_id


@pytest.fixture
def server(shared_event, tmp_path):
    env = platform_env(
        shared_event[0],
        secret_key="concurrency",
        mail_worker="off",
        log_level="WARNING",
        media_dir=str(tmp_path / "media"),
    )
    with running_server(env, tmp_path, "--workers", "2") as url:
        yield url


async def test_patches_at_the_same_moment_with_the_same_if_match_only_one_wins(shared_event, server):
    database_url, token, slug, event_id = shared_event
    url = f"{server}/api/v1/events/{slug}"
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=PARALLEL, max_keepalive_connections=PARALLEL)
    async with httpx.AsyncClient(timeout=60, limits=limits) as client:
        etag = (await client.get(url)).headers["etag"]
        start = asyncio.Event()

        async def change(number: int) -> httpx.Response:
            await start.wait()
            return await client.patch(url, json={"capacity": 30 + number}, headers={**headers, "If-Match": etag})

        tasks = [asyncio.create_task(change(number)) for number in range(PARALLEL)]
        await asyncio.sleep(0.2)
        start.set()
        answers = await asyncio.gather(*tasks)
    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [200] + [412] * (PARALLEL - 1), [answer.text for answer in answers]
    [winner] = [answer.json() for answer in answers if answer.status_code == 200]
    engine = create_engine(database_url)
    async with make_sessionmaker(engine)() as session:
        event = await session.get(Event, event_id)
        assert event.edit_version == 2 and event.capacity == winner["capacity"]
        updates = await session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "event.updated")
        )
        assert updates == 1
    await engine.dispose()


async def test_an_organisers_read_never_comes_from_the_public_cache(app, client, session):
    from events.cache import AnswerCache

    app.state.answer_cache = AnswerCache(8 * 1024 * 1024)  # the page cache on, as in production
    # On PostgreSQL the cache is used only while the process listens for changes; nothing else writes here.
    app.state.data_version.listening = True
    headers = await token_of(session, await organiser(session))
    event = await weert_event(session, online_url="https://meet.example/tea")
    url = f"/api/v1/events/{event.slug}?lang=en"
    await client.get(url)
    assert (await client.get(url)).headers["x-cache"] == "hit"
    managed = await client.get(url, headers=headers)
    assert managed.status_code == 200 and "x-cache" not in managed.headers
    assert managed.json()["online_url"] == "https://meet.example/tea" and managed.headers["cache-control"] == "no-store"
    assert "online_url" not in (await client.get(url)).json()


async def test_a_series_changes_its_rule_or_only_the_dates_left_out(client, session):
    headers = await token_of(session, await organiser(session))
    event = await weert_event(session, rrule="FREQ=WEEKLY;COUNT=5")
    url = f"/api/v1/events/{event.slug}"
    left_out = await client.patch(url, json={"recurrence": {"exdates": ["2026-03-21"]}}, headers=headers)
    assert left_out.status_code == 200, left_out.text
    recurrence = left_out.json()["recurrence"]
    assert recurrence["rule"] == "FREQ=WEEKLY;COUNT=5" and recurrence["exdates"] == ["2026-03-21T10:00:00+01:00"]
    monthly = {"frequency": "monthly", "interval": 2, "count": 3}
    changed = await client.patch(url, json={"recurrence": monthly}, headers=headers)
    assert changed.json()["recurrence"]["rule"] == "FREQ=MONTHLY;INTERVAL=2;COUNT=3"
    assert changed.json()["recurrence"]["exdates"] == []
    not_a_date = await client.patch(url, json={"recurrence": {**monthly, "exdates": ["2026-03-15"]}}, headers=headers)
    assert [error["field"] for error in not_a_date.json()["errors"]] == ["recurrence.exdates"]
    single = await client.patch(url, json={"recurrence": None}, headers=headers)
    assert single.json()["recurrence"] is None
    nothing = await client.patch(url, json={"recurrence": {"exdates": []}}, headers=headers)
    assert nothing.status_code == 422 and nothing.json()["errors"][0]["field"] == "recurrence.rule"
