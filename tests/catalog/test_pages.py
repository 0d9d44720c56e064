"""The public pages: the list with its filters and paging, the archive, one event, in every language."""

import datetime as dt
import re

from events.catalog.models import EventStatus
from events.catalog.service import EventText, cancel_event
from tests.conftest import NOW
from tests.factories import build_world, make_event

MARCH_14 = dt.datetime(2026, 3, 14, 13, tzinfo=dt.UTC)  # 14:00 in Weert, 21:00 in Hangzhou


async def test_event_times_are_shown_in_both_cities_in_each_language(client, session):
    world = await build_world(session)
    await make_event(session, world, title="Art exchange", starts_at=MARCH_14, now=NOW)
    expected = {
        "nl": ["za 14 maart 14:00", "Weert (CET)", "21:00", "Hangzhou (CST)"],
        "en": ["Sat 14 March 14:00", "Weert (CET)", "21:00", "Hangzhou (CST)"],
        "zh": ["3月14日周六 14:00", "韦尔特 (CET)", "21:00", "杭州 (CST)"],
    }
    for language, fragments in expected.items():
        page = (await client.get(f"/?lang={language}")).text
        for fragment in fragments:
            assert fragment in page, (language, fragment)


async def test_partner_city_shows_its_own_date_when_it_differs(client, session):
    world = await build_world(session)
    late = dt.datetime(2026, 3, 14, 19, 30, tzinfo=dt.UTC)  # 20:30 Saturday in Weert, 03:30 Sunday in Hangzhou
    await make_event(session, world, title="Late lecture", starts_at=late, now=NOW)
    page = (await client.get("/?lang=nl")).text
    assert "za 14 maart 20:30" in page
    assert "zo 15 maart 03:30" in page


async def test_times_follow_summer_time_in_weert_only(client, session):
    world = await build_world(session)
    summer = dt.datetime(2026, 6, 6, 12, tzinfo=dt.UTC)  # 14:00 CEST, 20:00 CST: six hours apart in summer
    await make_event(session, world, title="Summer fair", starts_at=summer, now=NOW)
    page = (await client.get("/?lang=nl")).text
    assert "za 6 juni 14:00" in page and "Weert (CEST)" in page and "20:00" in page


async def test_html_lang_matches_the_language(client, session):
    for language, tag in (("nl", "nl"), ("en", "en"), ("zh", "zh-Hans")):
        page = (await client.get(f"/?lang={language}")).text
        assert f'<html lang="{tag}"' in page


async def test_language_choice_order_query_then_cookie_then_accept_language_then_default(client):
    response = await client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"})
    assert '<html lang="zh-Hans"' in response.text
    response = await client.get("/", headers={"Accept-Language": "fr-FR, en;q=0.5"})
    assert '<html lang="en"' in response.text
    response = await client.get("/", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="nl"' in response.text  # the default

    response = await client.get("/?lang=en", headers={"Accept-Language": "zh"})
    assert '<html lang="en"' in response.text
    assert "lang=en" in response.headers["set-cookie"]
    assert "SameSite=Lax" in response.headers["set-cookie"]
    # The cookie now wins over Accept-Language.
    response = await client.get("/", headers={"Accept-Language": "zh"})
    assert '<html lang="en"' in response.text


async def test_language_switcher_links_keep_the_filters(client, session):
    await build_world(session)
    page = (await client.get("/?lang=nl&category=sport&q=fiets")).text
    assert 'href="/?category=sport&amp;q=fiets&amp;lang=zh"' in page
    assert 'aria-current="true"' in page


async def test_unknown_language_is_a_clear_400_in_the_visitors_language(client):
    response = await client.get("/?lang=fr", headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "There is no language “fr” here" in response.text
    assert '<html lang="en"' in response.text


async def test_filters_by_category_city_text_and_dates(client, session):
    world = await build_world(session)
    await make_event(
        session,
        world,
        title="Trade mission",
        category="economy",
        city=world.yuhang,
        office=world.weert,
        starts_at=dt.datetime(2026, 4, 1, 1, tzinfo=dt.UTC),
        now=NOW,
    )
    await make_event(
        session,
        world,
        title="Cycling tour",
        category="sport",
        starts_at=dt.datetime(2026, 5, 2, 8, tzinfo=dt.UTC),
        now=NOW,
    )
    await make_event(
        session,
        world,
        title="Tea ceremony",
        category="culture",
        city=world.yuhang,
        texts={"zh": EventText(title="径山茶会"), "nl": EventText(title="Theeceremonie")},
        starts_at=dt.datetime(2026, 6, 1, 6, tzinfo=dt.UTC),
        now=NOW,
    )

    async def titles(query):
        page = (await client.get(f"/?lang=en&{query}")).text
        return set(re.findall(r'<a href="/events/[^"]+"[^>]*>([^<]+)</a>', page))

    assert await titles("category=economy") == {"Trade mission"}
    assert await titles("city=yuhang") == {"Trade mission", "Theeceremonie"}  # en falls back to nl before zh
    assert await titles("q=CYCLING") == {"Cycling tour"}
    assert await titles("q=径山") == {"Theeceremonie"}  # search covers titles in every language
    assert await titles("from=2026-05-01&to=2026-05-31") == {"Cycling tour"}
    assert await titles("to=2026-04-01") == {"Trade mission"}  # 09:00 on 1 April in Yuhang


async def test_a_date_filter_means_the_day_where_the_event_takes_place(client, session):
    world = await build_world(session)
    # 1 April 01:00 in Yuhang is still 31 March (19:00) in Weert: it belongs to 1 April.
    await make_event(
        session,
        world,
        title="Early forum",
        city=world.yuhang,
        starts_at=dt.datetime(2026, 3, 31, 17, tzinfo=dt.UTC),
        now=NOW,
    )
    on_first = (await client.get("/?lang=en&from=2026-04-01&to=2026-04-01")).text
    on_last = (await client.get("/?lang=en&from=2026-03-31&to=2026-03-31")).text
    assert "Early forum" in on_first
    assert "Early forum" not in on_last


async def test_invalid_filters_show_the_form_again_with_messages(client, session):
    await build_world(session)
    response = await client.get("/?lang=en&category=knitting&city=atlantis&from=14-03-2026&to=2026-01-01&q=x")
    assert response.status_code == 400
    page = response.text
    assert "Unknown category “knitting”" in page
    assert "Unknown city “atlantis”" in page
    assert "“14-03-2026” is not a date" in page
    assert 'value="14-03-2026"' in page  # what the visitor typed is kept
    assert 'aria-invalid="true"' in page
    response = await client.get("/?lang=nl&from=2026-05-01&to=2026-04-01")
    assert response.status_code == 400
    assert "De einddatum ligt vóór de begindatum." in response.text


async def test_paging_walks_forward_and_back_without_gaps(client, session):
    world = await build_world(session)
    for day in range(45):
        await make_event(
            session,
            world,
            title=f"Lesson {day:02d}",
            starts_at=dt.datetime(2026, 4, 1, 10, tzinfo=dt.UTC) + dt.timedelta(days=day),
            now=NOW,
        )
    seen = []
    url = "/?lang=en"
    pages = []
    while url:
        page = (await client.get(url)).text
        pages.append(url)
        seen += re.findall(r">(Lesson \d\d)</a>", page)
        found = re.search(r'href="([^"]+)" rel="next"', page)
        url = found.group(1).replace("&amp;", "&") if found else None
    assert seen == [f"Lesson {day:02d}" for day in range(45)]
    assert len(pages) == 3
    last = (await client.get(pages[-1])).text
    previous = re.search(r'href="([^"]+)" rel="prev"', last).group(1).replace("&amp;", "&")
    back = (await client.get(previous)).text
    assert re.findall(r">(Lesson \d\d)</a>", back) == [f"Lesson {day:02d}" for day in range(20, 40)]


async def test_past_events_are_in_the_archive_newest_first(client, session):
    world = await build_world(session)
    await make_event(session, world, title="Old reception", starts_at=NOW - dt.timedelta(days=300), now=NOW)
    await make_event(session, world, title="Recent visit", starts_at=NOW - dt.timedelta(days=3), now=NOW)
    await make_event(session, world, title="Coming fair", starts_at=NOW + dt.timedelta(days=3), now=NOW)
    upcoming = (await client.get("/?lang=en")).text
    archive = (await client.get("/archive?lang=en")).text
    assert "Coming fair" in upcoming and "Recent visit" not in upcoming
    assert "Coming fair" not in archive
    assert archive.index("Recent visit") < archive.index("Old reception")


async def test_drafts_are_never_shown(client, session):
    world = await build_world(session)
    draft = await make_event(
        session, world, title="Secret plan", status=EventStatus.DRAFT, starts_at=NOW + dt.timedelta(days=3), now=NOW
    )
    assert "Secret plan" not in (await client.get("/?lang=en")).text
    assert (await client.get(f"/events/{draft.slug}")).status_code == 404


async def test_event_page_shows_everything_a_visitor_needs(client, session):
    world = await build_world(session)
    event = await make_event(
        session,
        world,
        title="Ink painting exhibition",
        city=world.weert,
        office=world.yuhang,
        venue=world.venue,
        capacity=40,
        starts_at=MARCH_14,
        hours=3,
        now=NOW,
        texts={
            "en": EventText(
                title="Ink painting exhibition",
                summary="Works from Yuhang.",
                description="First paragraph.\n\nSecond paragraph.",
            ),
            "zh": EventText(title="水墨画展"),
        },
    )
    response = await client.get(f"/events/{event.slug}?lang=en")
    assert response.status_code == 200
    page = response.text
    assert "<h1>Ink painting exhibition</h1>" in page
    assert "Sat, 14 March 2026 14:00–17:00" in page and "Weert (CET)" in page
    assert "21:00–00:00" not in page  # crossing midnight in Hangzhou shows the end's date
    assert "21:00 – Sun, 15 March 2026 00:00</time> Hangzhou (CST)" in page
    assert "Weert City Hall" in page and "Wilhelminasingel 101" in page
    assert "openstreetmap.org/?mlat=51.2517&amp;mlon=5.7069" in page
    assert "uri.amap.com/marker?position=5.7069%2C51.2517" in page
    assert "Yuhang District" in page  # organised by the other city's office
    assert "40 places left of 40" in page
    assert "<p>First paragraph.</p>" in page and "<p>Second paragraph.</p>" in page
    assert f"/events/{event.slug}.ics" in page
    assert 'property="og:title" content="Ink painting exhibition"' in page
    assert f'property="og:url" content="https://stedenband.test/events/{event.slug}"' in page
    assert 'hreflang="zh-Hans">中文</a>' in page


async def test_missing_translation_falls_back_and_says_so(client, session):
    world = await build_world(session)
    event = await make_event(
        session, world, texts={"nl": EventText(title="Fietstocht door Kempen~Broek")}, starts_at=MARCH_14, now=NOW
    )
    page = (await client.get(f"/events/{event.slug}?lang=zh")).text
    assert "Fietstocht door Kempen~Broek" in page
    assert '<article class="event" lang="nl">' in page  # the text's own language is marked for screen readers
    assert "Nederlands" in page


async def test_cancelled_event_shows_its_reason(client, session):
    world = await build_world(session)
    event = await make_event(
        session,
        world,
        title="Football match",
        starts_at=MARCH_14,
        now=NOW,
        texts={"en": EventText(title="Football match"), "nl": EventText(title="Voetbalwedstrijd")},
    )
    await cancel_event(
        session, event, reasons={"en": "The pitch is flooded.", "nl": "Het veld staat onder water."}, now=NOW
    )
    page = (await client.get(f"/events/{event.slug}?lang=nl")).text
    assert "Dit evenement is geannuleerd" in page
    assert "Het veld staat onder water." in page
    listing = (await client.get("/?lang=nl")).text
    assert "Geannuleerd" in listing


async def test_recurring_event_lists_its_next_dates_without_the_exception(client, session):
    world = await build_world(session)
    first = dt.datetime(2026, 3, 5, 18, tzinfo=dt.UTC)  # Thursdays 19:00 in Weert
    event = await make_event(
        session,
        world,
        title="Chinese course",
        starts_at=first,
        rrule="FREQ=WEEKLY;COUNT=6",
        exdates=[first + dt.timedelta(weeks=2)],
        now=NOW,
    )
    page = (await client.get(f"/events/{event.slug}?lang=en")).text
    assert "Thu, 5 March 2026 19:00" in page
    assert "Thu, 19 March 2026" not in page  # the exception date
    assert "Thu, 2 April 2026 19:00" in page  # summer time: still 19:00 in Weert
    assert "Fri, 3 April 2026 01:00" in page  # and 01:00 the next day in Hangzhou


async def test_registration_not_yet_open_says_when_it_opens(client, session):
    world = await build_world(session)
    event = await make_event(
        session,
        world,
        title="Student exchange",
        starts_at=NOW + dt.timedelta(days=60),
        registration_opens_at=dt.datetime(2026, 3, 16, 8, tzinfo=dt.UTC),
        now=NOW,
    )
    page = (await client.get(f"/events/{event.slug}?lang=en")).text
    assert "Opens on Mon, 16 March 2026 09:00" in page


async def test_unknown_event_is_a_404_page_in_the_language(client):
    response = await client.get("/events/does-not-exist?lang=nl")
    assert response.status_code == 404
    assert "Deze pagina bestaat niet" in response.text
    assert '<html lang="nl"' in response.text
