"""The dashboard: the right events and numbers for each user, in a fixed number of statements, with a chart that is
well-formed SVG and says in words what it draws."""

import datetime as dt
import re
import xml.etree.ElementTree as ElementTree

import pytest

from events.accounts.models import Role
from events.catalog.models import EventCoOrganiser, EventStatus
from events.catalog.service import EventText
from events.registrations.forms import from_json
from events.registrations.service import Context, register
from events.workspace.chart import LineChart, draw_line_chart, nice_ceiling
from events.workspace.overview import Confirmation, places_per_day
from tests.conftest import NOW
from tests.factories import make_event
from tests.registrations.helpers import person
from tests.workspace.helpers import make_user, sign_in, world_of

SVG = "{http://www.w3.org/2000/svg}"
PUBLISHED = NOW - dt.timedelta(days=10)
FULL_TEXTS = {
    "en": EventText(title="Tea day", summary="Tea", description="All about tea"),
    "nl": EventText(title="Theedag", summary="Thee", description="Alles over thee"),
}


def context(moment):
    return Context(base_url="https://stedenband.test", calendar_domain="stedenband.test", now=moment)


async def sign_up(session, event, number, *, at, **changes):
    outcome = await register(session, event_id=event.id, sent=from_json(person(number, **changes)), context=context(at))
    return outcome.registration


async def programme(session):
    """Weert's events, one Yuhang co-organises with Weert, one of Yuhang alone, a draft and one that has ended."""
    world = await world_of(session)
    tea = await make_event(
        session, world, texts=FULL_TEXTS, starts_at=NOW + dt.timedelta(days=5), now=PUBLISHED, capacity=10
    )
    await sign_up(session, tea, 1, at=NOW - dt.timedelta(days=3), seats=2)
    await sign_up(session, tea, 2, at=NOW - dt.timedelta(days=1))
    await sign_up(session, tea, 3, at=NOW)
    trade = await make_event(
        session,
        world,
        title="Trade mission",
        starts_at=NOW + dt.timedelta(days=8),
        now=PUBLISHED,
        approval_required=True,
    )
    for number in (4, 5):
        await sign_up(session, trade, number, at=NOW - dt.timedelta(hours=number))
    lantern = await make_event(
        session,
        world,
        title="Lantern festival",
        city=world.yuhang,
        starts_at=NOW + dt.timedelta(days=3),
        now=PUBLISHED,
        capacity=1,
    )
    session.add(EventCoOrganiser(event_id=lantern.id, city_id=world.weert.id))
    await sign_up(session, lantern, 6, at=NOW - dt.timedelta(days=2))
    await sign_up(session, lantern, 7, at=NOW - dt.timedelta(days=2))  # waits
    await make_event(
        session, world, title="Yuhang alone", city=world.yuhang, starts_at=NOW + dt.timedelta(days=4), now=PUBLISHED
    )
    await make_event(
        session,
        world,
        title="Draft plan",
        starts_at=NOW + dt.timedelta(days=20),
        now=PUBLISHED,
        status=EventStatus.DRAFT,
    )
    await make_event(
        session, world, title="Long gone", starts_at=NOW - dt.timedelta(days=2), now=PUBLISHED - dt.timedelta(days=9)
    )
    await session.flush()
    return {"tea": tea, "trade": trade, "lantern": lantern}


def rows_of(page: str) -> dict[str, str]:
    """Each row of the events table by the event's title."""
    table = page.split('class="data-table dashboard-table"')[1].split("</table>")[0]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)[1:]:
        title = re.search(r'<a href="/organiser/events/[^"]+"[^>]*>([^<]+)</a>', row).group(1)
        rows[title] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    return rows


async def test_an_organiser_sees_their_office_and_co_organised_events_with_their_numbers(client, session):
    await programme(session)
    await make_user(session, "anna@weert.nl", language="en")
    await sign_in(client, "anna@weert.nl")
    page = await client.get("/organiser/?lang=en")
    assert page.status_code == 200
    rows = rows_of(page.text)
    assert list(rows) == ["Lantern festival", "Tea day", "Trade mission", "Draft plan"]  # soonest first
    assert "4 of 10 (40%)" in rows["Tea day"] and "nobody waiting" in rows["Tea day"]
    assert "Chinese: title, summary, description" in rows["Tea day"]
    assert "1 of 1 (100%)" in rows["Lantern festival"] and "1 waiting" in rows["Lantern festival"]
    assert "Dutch: title, summary, description" in rows["Trade mission"]
    assert "0, no limit" in rows["Trade mission"] and "2 to approve" in rows["Trade mission"]
    assert "Draft" in rows["Draft plan"]
    assert 'href="/organiser/events/trade-mission/registrations?status=pending"' in page.text
    # Both clocks: Weert's event at 10:00 in Weert is 17:00 in Hangzhou.
    assert "Weert (CET)" in rows["Tea day"] and "Hangzhou (CST)" in rows["Tea day"]
    assert "2 registrations await approval" in page.text and "1 draft" in page.text
    assert 'id="office"' not in page.text  # the office filter is for admins


async def test_an_organiser_of_the_other_office_sees_only_theirs(client, session):
    await programme(session)
    await make_user(session, "li@yuhang.gov.cn", city="yuhang", language="en")
    await sign_in(client, "li@yuhang.gov.cn")
    rows = rows_of((await client.get("/organiser/?lang=en")).text)
    assert list(rows) == ["Lantern festival", "Yuhang alone"]


async def test_an_admin_sees_every_office_and_may_choose_one(client, session):
    await programme(session)
    await make_user(session, "admin@weert.nl", role=Role.ADMIN, language="en")
    await sign_in(client, "admin@weert.nl")
    everything = rows_of((await client.get("/organiser/?lang=en")).text)
    assert list(everything) == ["Lantern festival", "Yuhang alone", "Tea day", "Trade mission", "Draft plan"]
    yuhang = await client.get("/organiser/?lang=en&office=yuhang")
    assert list(rows_of(yuhang.text)) == ["Lantern festival", "Yuhang alone"]
    assert '<option value="yuhang" selected>' in yuhang.text
    unknown = await client.get("/organiser/?lang=en&office=atlantis")
    assert unknown.status_code == 400 and 'id="office-error"' in unknown.text


async def test_the_chart_is_well_formed_svg_that_says_what_it_draws(client, session):
    await programme(session)
    await make_user(session, "anna@weert.nl", language="en")
    await sign_in(client, "anna@weert.nl")
    page = (await client.get("/organiser/?lang=en")).text
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 3  # the published events; the draft has no registrations to draw
    tea = next(svg for svg in svgs if "Tea day" in svg)
    root = ElementTree.fromstring(tea)
    assert root.get("role") == "img"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Tea day"
    assert desc.text.startswith("Confirmed places per day from 20 February to 2 March: 0 on the first day, 4 now.")
    assert "The event has 10 places." in desc.text
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert "Confirmed places" in texts and "Day" in texts and "capacity 10" in texts
    # The same numbers in a table: eleven days since publication; 2 places from three days ago, 3 yesterday, 4 now.
    table = page.split("Confirmed places per day: Tea day")[1].split("</table>")[0]
    values = [int(value) for value in re.findall(r"<td>(\d+)</td>", table)]
    assert values == [0] * 7 + [2, 2, 3, 4]
    assert "style=" not in tea  # the Content-Security-Policy allows no inline styles


async def test_the_dashboard_takes_the_same_number_of_statements_for_many_events(client, session, count_statements):
    world = await world_of(session)
    await make_user(session, "admin@weert.nl", role=Role.ADMIN, language="en")
    await sign_in(client, "admin@weert.nl")

    async def add_events(first: int, count: int) -> None:
        for number in range(first, first + count):
            event = await make_event(
                session,
                world,
                title=f"Event {number}",
                starts_at=NOW + dt.timedelta(days=number + 1),
                now=PUBLISHED,
                capacity=50,
                approval_required=number % 2 == 0,
            )
            await sign_up(session, event, number, at=NOW - dt.timedelta(days=1))
        await session.flush()

    await add_events(1, 2)
    counter = count_statements()
    assert (await client.get("/organiser/")).status_code == 200
    few = counter.count
    await add_events(3, 10)
    counter = count_statements()
    assert (await client.get("/organiser/")).status_code == 200
    assert counter.count == few, counter.statements


async def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = await client.get("/organiser/")
    assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")


def test_the_chart_drawing_escapes_text_and_scales_to_round_numbers():
    chart = LineChart(
        key="chart-x",
        title="Tea & <cakes>",
        description="Places per day",
        x_label="Day",
        y_label="Confirmed places",
        points=[("1 Mar", 0), ("2 Mar", 3), ("3 Mar", 7)],
        capacity=12,
        capacity_label="capacity 12",
    )
    svg = draw_line_chart(chart)
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img" and root.get("viewBox") == "0 0 320 184"
    assert root.find(f"{SVG}title").text == "Tea & <cakes>"
    assert root.find(f"{SVG}desc").text == "Places per day"
    [line] = root.findall(f"{SVG}polyline")
    assert len(line.get("points").split()) == 3
    assert any(element.get("stroke-dasharray") for element in root.iter(f"{SVG}line"))  # capacity: dashed, not only red
    texts = [element.text for element in root.iter(f"{SVG}text")]
    assert texts[-1] == "7"  # the last value, written at the line's end
    assert {"0", "10", "20", "1 Mar", "3 Mar", "capacity 12"} <= set(texts)  # 12 places: the axis goes to 20
    single = ElementTree.fromstring(draw_line_chart(LineChart("one", "t", "d", "x", "y", [("today", 0)])))
    assert single.find(f"{SVG}polyline") is not None
    with pytest.raises(ValueError):
        draw_line_chart(LineChart("none", "t", "d", "x", "y", []))
    assert [nice_ceiling(value) for value in (1, 3, 7, 12, 51, 180)] == [1, 5, 10, 20, 100, 200]


def test_places_per_day_count_what_was_confirmed_at_the_end_of_each_day():
    day = dt.timedelta(days=1)
    confirmations = [
        Confirmation(NOW - 40 * day, None, 1),  # long before the chart
        Confirmation(NOW - 2 * day, NOW - day, 3),  # cancelled a day later
        Confirmation(NOW - dt.timedelta(hours=1), None, 2),
    ]
    days = places_per_day(confirmations, since=NOW - 100 * day, now=NOW, zone="Europe/Amsterdam")
    assert len(days) == 30 and days[-1] == (dt.date(2026, 3, 2), 3)
    assert [places for _, places in days[-3:]] == [4, 1, 3]
    recent = places_per_day(confirmations, since=NOW - 2 * day, now=NOW, zone="Europe/Amsterdam")
    assert [day for day, _ in recent] == [dt.date(2026, 2, 28), dt.date(2026, 3, 1), dt.date(2026, 3, 2)]
