"""The dashboard, the audit log and the feed sources in a real browser: axe-core, a 360 px phone, no inline style
refused by the Content-Security-Policy, and a keyboard."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from events.accounts.models import Role
from events.accounts.service import add_user
from events.catalog.models import Event
from events.database import create_engine, make_sessionmaker, transaction
from events.feeds.sources import add_source
from tests.browser.test_public_pages import AXE_SOURCE, WCAG_TAGS

pytestmark = pytest.mark.browser

EMAIL = "overview-admin@weert.example"
PASSWORD = "a browser test password"
PHONE = {"width": 360, "height": 740}
PAGES = ["/organiser/", "/organiser/audit", "/organiser/feeds", "history", "remove"]


@pytest.fixture(scope="module")
async def admin(live_server) -> dict[str, str]:
    """Signs in as this admin; the pages of an event's history and of removing a feed source are found here."""
    engine = create_engine(live_server.database_url)
    async with transaction(make_sessionmaker(engine)) as session:
        await add_user(session, email=EMAIL, role=Role.ADMIN, city_slug="weert", password=PASSWORD, language="en")
        source = await add_source(
            session, url="https://museum.example/agenda.ics", category_slug="culture", city_slug="weert", name="Museum"
        )
        slug = await session.scalar(select(Event.slug).where(Event.deleted_at.is_(None)).order_by(Event.slug).limit(1))
        paths = {"history": f"/organiser/events/{slug}/history", "remove": f"/organiser/feeds/{source.id}/remove"}
    await engine.dispose()
    return paths


async def serious_violations_in_main(page) -> list[str]:
    """axe-core's serious findings within <main>: what these pages add. (The workspace's navigation is the
    foundation's, and is checked with it.)"""
    await page.evaluate(AXE_SOURCE)
    result = await page.evaluate(
        "async (tags) => await axe.run({include: [['#main']]}, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"][0]) for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


async def signed_in(open_page, path: str, **options):
    watched = await open_page(f"/login?next={path}", **options)
    page = watched.page
    await page.fill("#email", EMAIL)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit] >> text=Sign in")
    await page.wait_for_load_state()
    return watched


@pytest.mark.parametrize("path", PAGES)
async def test_the_overview_pages_pass_axe_and_fit_a_phone(open_page, admin, path):
    path = admin.get(path, path)
    watched = await signed_in(open_page, f"{path}?lang=en", viewport=PHONE)
    page = watched.page
    assert page.url.endswith(f"{path}?lang=en")
    assert await serious_violations_in_main(page) == []
    assert await page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], path
    assert watched.problems == []  # no inline style or script refused, nothing from elsewhere


async def test_the_dashboard_charts_fit_and_their_tables_open_by_keyboard(open_page, admin):
    watched = await signed_in(open_page, "/organiser/?lang=en", viewport=PHONE)
    page = watched.page
    charts = page.locator("svg.chart")
    if await charts.count() == 0:
        pytest.skip("the demo programme has no published event with registrations to draw")
    box = await charts.first.bounding_box()
    assert box["width"] <= PHONE["width"] and box["height"] > 100
    summary = page.locator(".chart-figure summary").first
    await summary.focus()
    await page.keyboard.press("Enter")
    assert await page.locator(".chart-figure details").first.get_attribute("open") is not None
    assert watched.problems == []
