"""The public feeds: what every subscribable calendar must say, and how it behaves over HTTP."""

import datetime as dt
import gzip
import os
import subprocess
import sys
import uuid
from email.utils import format_datetime
from pathlib import Path

import icalendar

from events.catalog.queries import load_catalogue, load_events
from events.catalog.service import (
    EventText,
    cancel_event,
    change_occurrence,
    delete_event,
    reschedule_event,
    unpublish_event,
)
from events.feeds.ical import feed_event
from events.feeds.ical import vevents as vevents_text
from events.feeds.loading import load_calendar_events
from tests.conftest import NOW
from tests.factories import build_world, make_event
from tests.workspace.event_helpers import admin, token_of, weert_event

GOLDEN = Path(__file__).parent / "golden"
MARCH_14 = dt.datetime(2026, 3, 14, 13, tzinfo=dt.UTC)


def vevents(body: bytes) -> list:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


def by_uid(body: bytes) -> dict:
    return {str(event["uid"]): event for event in vevents(body) if "recurrence-id" not in event}


async def test_a_feed_says_everything_a_calendar_app_needs(client, session):
    world = await build_world(session)
    event = await make_event(
        session,
        world,
        venue=world.venue,
        starts_at=MARCH_14,
        now=NOW,
        texts={"en": EventText(title="Ink painting", summary="From Yuhang"), "zh": EventText(title="水墨画展")},
    )
    response = await client.get("/feeds/events.ics?lang=zh")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/calendar; charset=utf-8"
    assert response.headers["content-disposition"] == 'inline; filename="stedenband.ics"'
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert response.headers["etag"].startswith('"') and not response.headers["etag"].startswith("W/")
    assert response.headers["last-modified"] == format_datetime(event.updated_at, usegmt=True)
    text = response.content.decode()
    for line in (
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "REFRESH-INTERVAL;VALUE=DURATION:PT1H",
        "X-PUBLISHED-TTL:PT1H",
        "NAME;LANGUAGE=zh:韦尔特—余杭友城交流",
        "X-WR-CALNAME:韦尔特—余杭友城交流",
        "PRODID:-//Stedenband//",
    ):
        assert line in text, line
    calendar = icalendar.Calendar.from_ical(response.content)
    assert [str(zone["tzid"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Amsterdam"]
    [vevent] = vevents(response.content)
    assert str(vevent["uid"]) == f"{event.id}@stedenband.test"
    assert str(vevent["summary"]) == "水墨画展" and vevent["summary"].params["LANGUAGE"] == "zh"
    assert vevent.decoded("dtstart") == dt.datetime(2026, 3, 14, 14, tzinfo=vevent.decoded("dtstart").tzinfo)
    assert vevent["dtstart"].params["TZID"] == "Europe/Amsterdam"
    description = str(vevent["description"])
    assert f"https://stedenband.test/events/{event.slug}" in description and "杭州 (CST)" in description
    assert str(vevent["location"]) == "韦尔特市政厅, Wilhelminasingel 101, 6001 GS Weert"
    assert vevent.decoded("geo") == (51.2517, 5.7069)
    assert str(vevent["organizer"]) == "mailto:stedenband@weert.example"
    assert str(vevent["status"]) == "CONFIRMED" and str(vevent["class"]) == "PUBLIC"
    assert int(vevent["sequence"]) == 0
    for field in ("dtstamp", "created", "last-modified", "url", "categories"):
        assert field in vevent


async def test_feed_lines_are_folded_at_75_octets_without_splitting_characters(client, session):
    world = await build_world(session)
    await make_event(
        session,
        world,
        starts_at=MARCH_14,
        now=NOW,
        texts={
            "zh": EventText(
                title="余杭区良渚古城遗址" * 6, summary="西湖，良渚；韦尔特\n第二行：Kempen~Broek, Limburg" * 5
            )
        },
    )
    body = (await client.get("/feeds/events.ics?lang=zh")).content
    body.decode()  # valid UTF-8 everywhere
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    [vevent] = vevents(body)
    assert str(vevent["summary"]) == "余杭区良渚古城遗址" * 6
    assert "西湖，良渚；韦尔特\n第二行：Kempen~Broek, Limburg" in str(vevent["description"])


async def test_all_day_events_are_dates_with_the_exclusive_end(client, session):
    world = await build_world(session)
    await make_event(
        session,
        world,
        title="Trade mission",
        city=world.yuhang,
        all_day=True,
        starts_at=dt.datetime(2026, 4, 6, 1, tzinfo=dt.UTC),
        hours=24 * 4,
        now=NOW,
    )
    [vevent] = vevents((await client.get("/feeds/events.ics")).content)
    assert vevent.decoded("dtstart") == dt.date(2026, 4, 6)
    assert vevent.decoded("dtend") == dt.date(2026, 4, 11)  # four days and a bit: the 6th to the 10th
    assert vevent["dtstart"].params["VALUE"] == "DATE"


async def test_filters_and_aliases(client, session):
    world = await build_world(session)
    await make_event(session, world, title="Weert culture", category="culture", starts_at=MARCH_14, now=NOW)
    await make_event(
        session, world, title="Yuhang sport", category="sport", city=world.yuhang, starts_at=MARCH_14, now=NOW
    )
    await make_event(session, world, title="Weert economy", category="economy", starts_at=MARCH_14, now=NOW)

    async def titles(path):
        response = await client.get(path)
        assert response.status_code == 200, response.text
        return sorted(str(event["summary"]) for event in vevents(response.content))

    assert await titles("/feeds/events.ics?category=culture&category=sport&lang=en") == [
        "Weert culture",
        "Yuhang sport",
    ]
    assert await titles("/feeds/events.ics?city=yuhang") == ["Yuhang sport"]
    assert await titles("/feeds/cities/weert.ics") == ["Weert culture", "Weert economy"]
    assert await titles("/feeds/categories/economy.ics") == ["Weert economy"]
    body = (await client.get("/feeds/events.ics?category=culture&city=weert&lang=en")).content
    assert "NAME;LANGUAGE=en:Stedenband Weert–Yuhang: Culture\\, Weert" in body.decode()  # TEXT escapes commas
    unknown = await client.get("/feeds/events.ics?category=knitting")
    assert unknown.status_code == 400 and "knitting" in unknown.text
    assert (await client.get("/feeds/cities/atlantis.ics")).status_code == 404


async def test_conditional_requests_head_and_gzip(client, session):
    world = await build_world(session)
    await make_event(session, world, starts_at=MARCH_14, now=NOW)
    first = await client.get("/feeds/events.ics")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert (await client.get("/feeds/events.ics", headers={"If-None-Match": etag})).status_code == 304
    not_modified = await client.get("/feeds/events.ics", headers={"If-Modified-Since": modified})
    assert not_modified.status_code == 304 and not_modified.headers["etag"] == etag
    assert (await client.get("/feeds/events.ics", headers={"If-None-Match": '"other"'})).status_code == 200
    head = await client.head("/feeds/events.ics")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
    zipped = await client.get("/feeds/events.ics", headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip" and zipped.content == first.content
    assert gzip.decompress(gzip.compress(first.content)) == first.content
    assert "Accept-Language" in first.headers["vary"]  # negotiated: shared caches must keep languages apart
    chosen = await client.get("/feeds/events.ics?lang=zh")
    assert "set-cookie" not in chosen.headers  # a public, cacheable answer sets no cookie
    assert "Accept-Language" not in chosen.headers["vary"]


async def test_changes_raise_the_sequence_and_keep_the_uid(client, session):
    world = await build_world(session)
    event = await make_event(session, world, title="Forum", starts_at=MARCH_14, now=NOW)
    uid = f"{event.id}@stedenband.test"
    event.translations["en"].title = "Renamed forum"  # the slug stays, the UID never depended on it
    await reschedule_event(
        session,
        event,
        starts_at=MARCH_14 + dt.timedelta(days=1),
        ends_at=MARCH_14 + dt.timedelta(days=1, hours=2),
        now=NOW,
    )
    moved = by_uid((await client.get("/feeds/events.ics?lang=en")).content)[uid]
    assert int(moved["sequence"]) == 1 and str(moved["summary"]) == "Renamed forum"
    assert moved.decoded("dtstart").day == 15
    await cancel_event(session, event, reasons={"en": "The hall is closed", "zh": "场馆关闭"}, now=NOW)
    cancelled = by_uid((await client.get("/feeds/events.ics?lang=zh")).content)[uid]
    assert str(cancelled["status"]) == "CANCELLED" and int(cancelled["sequence"]) == 2
    assert str(cancelled["description"]).startswith("场馆关闭")


async def test_cancelled_unpublished_and_deleted_events_stay_as_tombstones_for_60_days(client, session, app):
    world = await build_world(session)
    cancelled = await make_event(session, world, title="Cancelled", starts_at=MARCH_14, now=NOW)
    unpublished = await make_event(session, world, title="Unpublished", starts_at=MARCH_14, now=NOW)
    deleted = await make_event(session, world, title="Deleted", starts_at=MARCH_14, now=NOW)
    await cancel_event(session, cancelled, reasons={"en": "Storm"}, now=NOW)
    await unpublish_event(session, unpublished, now=NOW)
    await delete_event(session, deleted, now=NOW)
    feed = by_uid((await client.get("/feeds/events.ics?lang=en")).content)
    assert {str(event["summary"]): str(event["status"]) for event in feed.values()} == {
        "Cancelled": "CANCELLED",
        "Unpublished": "CANCELLED",
        "Deleted": "CANCELLED",
    }
    assert all(int(event["sequence"]) == 1 for event in feed.values())
    # Gone from pages and the API at once.
    assert (await client.get(f"/events/{deleted.slug}")).status_code == 404
    assert (await client.get(f"/api/v1/events/{unpublished.slug}")).status_code == 404
    # 59 days after the end they are still there; after 60 days they are gone.
    app.state.clock = lambda: MARCH_14 + dt.timedelta(days=59)
    assert len(by_uid((await client.get("/feeds/events.ics")).content)) == 3
    app.state.clock = lambda: MARCH_14 + dt.timedelta(days=61)
    assert by_uid((await client.get("/feeds/events.ics")).content) == {}


async def test_a_moved_and_a_cancelled_occurrence_are_recurrence_id_overrides(client, session):
    world = await build_world(session)
    first = dt.datetime(2026, 3, 5, 18, tzinfo=dt.UTC)
    series = await make_event(
        session,
        world,
        title="Course",
        starts_at=first,
        rrule="FREQ=WEEKLY;COUNT=6",
        exdates=[first + dt.timedelta(weeks=5)],
        now=NOW,
    )
    await change_occurrence(session, series, first + dt.timedelta(weeks=1), cancelled=True, now=NOW)
    await change_occurrence(
        session,
        series,
        first + dt.timedelta(weeks=2),
        now=NOW,
        starts_at=first + dt.timedelta(weeks=2, days=1),
        ends_at=first + dt.timedelta(weeks=2, days=1, hours=2),
    )
    body = (await client.get("/feeds/events.ics")).content
    masters = [event for event in vevents(body) if "recurrence-id" not in event]
    overrides = [event for event in vevents(body) if "recurrence-id" in event]
    assert len(masters) == 1 and len(overrides) == 2
    assert str(masters[0]["rrule"].to_ical().decode()) == "FREQ=WEEKLY;COUNT=6"
    assert masters[0]["exdate"].dts[0].dt.astimezone(dt.UTC) == first + dt.timedelta(weeks=5)
    statuses = {override.decoded("recurrence-id").astimezone(dt.UTC): str(override["status"]) for override in overrides}
    assert statuses == {first + dt.timedelta(weeks=1): "CANCELLED", first + dt.timedelta(weeks=2): "CONFIRMED"}
    moved = next(override for override in overrides if str(override["status"]) == "CONFIRMED")
    assert moved.decoded("dtstart").astimezone(dt.UTC) == first + dt.timedelta(weeks=2, days=1)
    assert all(int(event["sequence"]) == 2 for event in vevents(body))
    assert all(str(event["uid"]) == f"{series.id}@stedenband.test" for event in vevents(body))
    # Pages follow too: the cancelled date is not listed, the moved one at its new time.
    page = (await client.get(f"/events/{series.slug}?lang=en")).text
    assert "Thu, 12 March 2026" not in page and "Fri, 20 March 2026 19:00" in page


async def test_no_personal_data_and_no_online_link_in_public_feeds(client, session):
    from tests.registrations.helpers import open_event, person
    from tests.registrations.test_api import post

    event = await open_event(session, online_url="https://meet.example/secret")
    await post(client, event, person(1, name="Private Person"))
    for path in ("/feeds/events.ics", f"/events/{event.slug}.ics", "/feeds/cities/weert.ics"):
        text = (await client.get(path)).text
        assert "Private Person" not in text and "person1@example.org" not in text and "meet.example" not in text


async def test_the_calendar_page_offers_webcal_links_addresses_qr_codes_and_how_tos(client, session):
    await build_world(session)
    for language in ("nl", "en", "zh"):
        page = await client.get(f"/calendar?lang={language}")
        assert page.status_code == 200
        assert f'href="webcal://stedenband.test/feeds/events.ics?lang={language}"' in page.text
        assert f'value="https://stedenband.test/feeds/events.ics?lang={language}"' in page.text
        assert "<svg" in page.text and "/feeds/cities/yuhang.ics" in page.text
        assert "/feeds/categories/culture.ics" in page.text
        assert "Thunderbird" in page.text and "Google" in page.text and "Outlook" in page.text


def test_the_same_data_gives_the_same_bytes_in_every_process(migrated_database, tmp_path):
    """Feed output may not depend on the interpreter's hash seed (VTIMEZONE order, dict order) or the process."""
    script = tmp_path / "feed.py"
    script.write_text(
        "import asyncio, sys, httpx\n"
        "from events.app import create_app\n"
        "from events.settings import Settings\n"
        "async def main():\n"
        "    app = create_app(Settings(database_url=sys.argv[1], secret_key='x', base_url='https://x.test'))\n"
        "    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url='http://t') as c:\n"
        "        for path in ('/feeds/events.ics?lang=zh', '/feeds/events.ics?lang=nl'):\n"
        "            sys.stdout.buffer.write((await c.get(path)).content)\n"
        "    await app.state.engine.dispose()\n"
        "asyncio.run(main())\n"
    )
    subprocess.run(
        [sys.executable, "-m", "events", "demo"],
        check=True,
        capture_output=True,
        env={**os.environ, "EVENTS_DATABASE_URL": migrated_database, "EVENTS_SECRET_KEY": "x"},
    )
    outputs = {
        subprocess.run(
            [sys.executable, str(script), migrated_database],
            check=True,
            capture_output=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            cwd=Path(__file__).parents[2],
        ).stdout
        for seed in ("1", "2", "31337")
    }
    assert len(outputs) == 1 and b"BEGIN:VEVENT" in outputs.pop()


async def test_golden_feed(client, session):
    """The exact bytes of a feed; set UPDATE_GOLDEN=1 to write them again after an intended change."""
    world = await build_world(session)
    fixed = uuid.UUID("0b1f6e0e-8a3c-4d2e-9a47-2f5b8e0c2013")
    await make_event(
        session,
        world,
        event_id=fixed,
        slug="golden-exchange",
        venue=world.venue,
        starts_at=MARCH_14,
        now=NOW,
        texts={
            "nl": EventText(title="Kunstuitwisseling, deel 1; ‘inkt’", summary="Werk uit Yuhang.\nMet lezing."),
            "zh": EventText(title="艺术交流：水墨与油画", summary="余杭艺术家的作品。"),
        },
        rrule="FREQ=WEEKLY;COUNT=3",
    )
    body = (await client.get("/feeds/events.ics?lang=zh")).content
    golden = GOLDEN / "events-zh.ics"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_bytes(body)
    assert body == golden.read_bytes()


async def test_a_registration_leaves_the_public_feed_as_it_was(client, session):
    """Seat counts are not in a feed: registering must not change its bytes, or every subscriber downloads it
    again (LAST-MODIFIED follows what the event says, not how full it is)."""
    from tests.registrations.helpers import open_event, person

    event = await open_event(session)
    await session.commit()
    before = await client.get("/feeds/events.ics")
    answer = await client.post(f"/api/v1/events/{event.slug}/registrations", json=person(1))
    assert answer.status_code == 201
    after = await client.get("/feeds/events.ics")
    assert after.content == before.content
    assert after.headers["etag"] == before.headers["etag"]
    assert (await client.get("/feeds/events.ics", headers={"if-none-match": before.headers["etag"]})).status_code == 304


async def test_an_event_that_moves_to_another_city_or_category_stays_cancelled_in_the_feeds_it_left(
    client, session, app
):
    headers = await token_of(session, await admin(session))
    event = await weert_event(session, category="culture", starts_at=MARCH_14)
    uid, url = f"{event.id}@stedenband.test", f"/api/v1/events/{event.slug}"

    async def seen(path):
        """The event in a feed, as (STATUS, SEQUENCE), or None."""
        found = by_uid((await client.get(path)).content).get(uid)
        return (str(found["status"]), int(found["sequence"])) if found is not None else None

    async def move(**change):
        response = await client.patch(url, json=change, headers=headers)
        assert response.status_code == 200, response.text

    assert await seen("/feeds/cities/weert.ics") == ("CONFIRMED", 0)
    await move(city="yuhang")
    assert await seen("/feeds/cities/weert.ics") == ("CANCELLED", 1)  # its subscribers drop it
    assert await seen("/feeds/events.ics?city=weert&category=culture") == ("CANCELLED", 1)
    assert await seen("/feeds/cities/yuhang.ics") == ("CONFIRMED", 1)
    assert await seen("/feeds/categories/culture.ics") == ("CONFIRMED", 1)
    assert await seen("/feeds/events.ics") == ("CONFIRMED", 1)
    await move(category="sport")
    assert await seen("/feeds/categories/culture.ics") == ("CANCELLED", 2)
    assert await seen("/feeds/cities/weert.ics") == ("CANCELLED", 2)
    assert await seen("/feeds/events.ics?city=yuhang&category=sport") == ("CONFIRMED", 2)
    assert await seen("/feeds/events.ics?city=weert&category=sport") is None  # no feed of it ever showed it
    await move(city="weert")  # back in Weert's feed, and gone from Yuhang's
    assert await seen("/feeds/cities/weert.ics") == ("CONFIRMED", 3)
    assert await seen("/feeds/cities/yuhang.ics") == ("CANCELLED", 3)
    assert await seen("/feeds/events.ics?city=weert&category=culture") == ("CANCELLED", 3)
    [only] = [item for item in vevents((await client.get("/feeds/cities/weert.ics")).content) if item["uid"] == uid]
    assert str(only["status"]) == "CONFIRMED"  # listed once, never beside its own tombstone
    # Like every tombstone, kept for 60 days after the event's end.
    app.state.clock = lambda: event.ends_at + dt.timedelta(days=59)
    assert await seen("/feeds/cities/yuhang.ics") == ("CANCELLED", 3)
    app.state.clock = lambda: event.ends_at + dt.timedelta(days=61)
    assert await seen("/feeds/cities/yuhang.ics") is None


async def test_a_whole_feed_read_as_plain_rows_says_what_the_models_say(session):
    """Feeds read their events without the ORM (feeds.loading); every calendar text must come out the same."""
    world = await build_world(session)
    texts = {
        "nl": EventText("Cursus", "Zes avonden", "Over thee, met pauzes; en vragen."),
        "en": EventText("Course", "Six evenings"),
        "zh": EventText("课程", "六个晚上"),
    }
    first = dt.datetime(2026, 3, 5, 18, tzinfo=dt.UTC)
    series = await make_event(
        session,
        world,
        texts=texts,
        starts_at=first,
        rrule="FREQ=WEEKLY;COUNT=6",
        exdates=[first + dt.timedelta(weeks=5)],
        venue=world.venue,
        now=NOW,
    )
    await change_occurrence(session, series, first + dt.timedelta(weeks=1), cancelled=True, now=NOW)
    moved = first + dt.timedelta(weeks=2, days=1)
    await change_occurrence(
        session, series, first + dt.timedelta(weeks=2), starts_at=moved, ends_at=moved + dt.timedelta(hours=2), now=NOW
    )
    cancelled = await make_event(session, world, title="Storm", city=world.yuhang, starts_at=MARCH_14, now=NOW)
    await cancel_event(session, cancelled, reasons={"zh": "台风", "en": "Typhoon"}, now=NOW)
    all_day = await make_event(session, world, title="Fair", starts_at=MARCH_14, all_day=True, hours=48, now=NOW)
    deleted = await make_event(session, world, title="Gone", starts_at=MARCH_14, now=NOW)
    await delete_event(session, deleted, now=NOW)
    catalogue = await load_catalogue(session)
    ids = [series.id, cancelled.id, all_day.id, deleted.id]
    models = {event.id: event for event in await load_events(session, catalogue, ids)}
    rows = {event.id: event for event in await load_calendar_events(session, catalogue, ids)}
    assert set(rows) == set(ids)
    for language in ("nl", "en", "zh"):
        for event_id in ids:
            options = {"base_url": "https://stedenband.test", "calendar_domain": "stedenband.test"}
            from_model = vevents_text(feed_event(models[event_id], catalogue, language, **options))
            assert vevents_text(feed_event(rows[event_id], catalogue, language, **options)) == from_model
