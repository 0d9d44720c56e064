"""The read API: shapes, filters, paging, languages and errors (all checked against the OpenAPI document)."""

import datetime as dt

import pytest

from events.catalog.models import EventStatus
from events.catalog.service import EventText, cancel_event
from tests.conftest import NOW
from tests.factories import build_world, make_event
from tests.openapi_check import assert_matches_schema

MARCH_14 = dt.datetime(2026, 3, 14, 13, tzinfo=dt.UTC)


async def test_event_json_has_every_documented_field(client, session):
    world = await build_world(session)
    event = await make_event(
        session,
        world,
        city=world.yuhang,
        office=world.weert,
        venue=world.venue,
        capacity=30,
        starts_at=MARCH_14,
        now=NOW,
        texts={
            "nl": EventText(title="Handelsmissie", summary="Naar Yuhang", description="Lang verhaal"),
            "zh": EventText(title="贸易代表团", summary="去余杭", description="长故事"),
        },
    )
    response = await client.get(f"/api/v1/events/{event.slug}?lang=zh")
    assert response.status_code == 200
    body = response.json()
    assert_matches_schema(body, "Event")
    assert body["id"] == str(event.id)
    assert body["language"] == "zh" and body["title"] == "贸易代表团"
    assert body["translations"] == {
        "nl": {"title": "Handelsmissie", "summary": "Naar Yuhang", "description": "Lang verhaal", "image_alt": ""},
        "zh": {"title": "贸易代表团", "summary": "去余杭", "description": "长故事", "image_alt": ""},
    }
    assert (body["category"], body["city"], body["office"]) == ("culture", "yuhang", "weert")
    assert body["city_name"] == "余杭" and body["office_name"] == "韦尔特市政府"
    assert body["start"] == "2026-03-14T21:00:00+08:00"  # in the event's own zone, with its offset
    assert body["timezone"] == "Asia/Shanghai"
    assert [local["timezone"] for local in body["times"]] == ["Asia/Shanghai", "Europe/Amsterdam"]
    assert body["capacity"] == body["seats_left"] == 30
    assert body["registration_open"] is True
    assert body["url"] == f"https://stedenband.test/events/{event.slug}"
    assert body["ics_url"] == f"https://stedenband.test/events/{event.slug}.ics"
    assert body["sequence"] == 0 and body["status"] == "published"


async def test_fallback_language_is_named(client, session):
    world = await build_world(session)
    event = await make_event(
        session, world, texts={"nl": EventText(title="Alleen Nederlands")}, starts_at=MARCH_14, now=NOW
    )
    body = (await client.get(f"/api/v1/events/{event.slug}?lang=en")).json()
    assert body["language"] == "nl" and body["title"] == "Alleen Nederlands"


async def test_accept_language_chooses_the_answer_language(client, session):
    world = await build_world(session)
    await make_event(session, world, starts_at=MARCH_14, now=NOW)
    body = (await client.get("/api/v1/cities", headers={"Accept-Language": "zh-CN"})).json()
    assert [city["name"] for city in body["items"]] == ["韦尔特", "余杭"]
    assert_matches_schema(body, "CityList")
    body = (await client.get("/api/v1/categories?lang=en")).json()
    assert [category["slug"] for category in body["items"]] == ["economy", "culture", "sport", "tourism", "education"]
    assert_matches_schema(body, "CategoryList")


async def test_list_filters_and_cursor_paging(client, session):
    world = await build_world(session)
    for day in range(7):
        await make_event(
            session,
            world,
            title=f"Day {day}",
            category="sport" if day % 2 else "culture",
            starts_at=MARCH_14 + dt.timedelta(days=day),
            now=NOW,
        )
    seen, cursor = [], None
    while True:
        url = "/api/v1/events?limit=3&category=sport&category=culture" + (f"&cursor={cursor}" if cursor else "")
        body = (await client.get(url)).json()
        assert_matches_schema(body, "EventList")
        seen += [item["title"] for item in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert seen == [f"Day {day}" for day in range(7)]
    sport = (await client.get("/api/v1/events?category=sport")).json()["items"]
    assert [item["title"] for item in sport] == ["Day 1", "Day 3", "Day 5"]


async def test_list_shows_published_and_cancelled_never_drafts_and_not_ended_by_default(client, session):
    world = await build_world(session)
    await make_event(session, world, title="Draft", status=EventStatus.DRAFT, starts_at=MARCH_14, now=NOW)
    cancelled = await make_event(session, world, title="Called off", starts_at=MARCH_14, now=NOW)
    await cancel_event(session, cancelled, reasons={"en": "Storm"}, now=NOW)
    await make_event(session, world, title="Last week", starts_at=NOW - dt.timedelta(days=7), now=NOW)
    await make_event(session, world, title="Soon", starts_at=MARCH_14, now=NOW)
    titles = [item["title"] for item in (await client.get("/api/v1/events")).json()["items"]]
    assert sorted(titles) == ["Called off", "Soon"]
    called_off = (await client.get(f"/api/v1/events/{cancelled.slug}")).json()
    assert called_off["status"] == "cancelled" and called_off["cancellation_reason"] == "Storm"
    assert called_off["sequence"] == 1 and called_off["registration_open"] is False
    reaching_back = (await client.get("/api/v1/events?from=2026-02-01")).json()["items"]
    assert "Last week" in [item["title"] for item in reaching_back]


async def test_datetime_bounds_with_offsets(client, session):
    world = await build_world(session)
    await make_event(session, world, title="Morning", starts_at=dt.datetime(2026, 4, 1, 7, tzinfo=dt.UTC), now=NOW)
    await make_event(session, world, title="Evening", starts_at=dt.datetime(2026, 4, 1, 18, tzinfo=dt.UTC), now=NOW)
    # "+" arrives as a space when a client forgets to encode it; both work.
    for offset in ("%2B08:00", "+08:00"):
        body = (await client.get(f"/api/v1/events?from=2026-04-01T20:00:00{offset}")).json()
        assert [item["title"] for item in body["items"]] == ["Evening"]
    body = (await client.get("/api/v1/events?to=2026-04-01T12:00:00Z")).json()
    assert [item["title"] for item in body["items"]] == ["Morning"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("category=knitting", "category"),
        ("city=atlantis", "city"),
        ("from=yesterday", "from"),
        ("to=2026-13-40", "to"),
        ("from=2026-04-01T10:00:00", "from"),  # no offset: ambiguous between the two cities
        ("from=2026-05-01&to=2026-04-01", "to"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("limit=ten", "limit"),
        ("cursor=not-a-cursor", "cursor"),
        ("q=" + "x" * 101, "q"),
    ],
)
async def test_bad_input_is_a_problem_naming_the_field(client, session, query, field):
    await build_world(session)
    response = await client.get(f"/api/v1/events?{query}&lang=en")
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert_matches_schema(body, "Problem")
    assert body["status"] == 400
    assert body["type"] == "https://stedenband.test/problems/invalid-input"
    assert field in [error["field"] for error in body["errors"]]


async def test_unknown_language_unknown_slug_and_wrong_method_are_problems(client):
    response = await client.get("/api/v1/events?lang=xx")
    assert response.status_code == 400
    assert response.json()["type"].endswith("/problems/unknown-language")
    response = await client.get("/api/v1/events/nope")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"]
    response = await client.delete("/api/v1/events")
    assert response.status_code == 405
    assert response.headers["content-type"] == "application/problem+json"
    response = await client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"


async def test_problem_messages_are_translated(client, session):
    await build_world(session)
    body = (await client.get("/api/v1/events?category=x&lang=zh")).json()
    assert body["errors"][0]["message"].startswith("未知类别")


async def test_problem_types_are_documented(client):
    response = await client.get("/problems/invalid-input?lang=en")
    assert response.status_code == 200
    assert "400" in response.text


async def test_body_too_large_is_a_413_problem(client):
    response = await client.post("/api/v1/events", content=b"x" * 2_000_000)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    response = await client.post("/", content=b"x" * 2_000_000)
    assert response.status_code == 413
    assert response.headers["content-type"].startswith("text/html")
