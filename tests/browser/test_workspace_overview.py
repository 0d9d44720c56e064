"""The dashboard's charts on a 360 px phone, their tables opened by keyboard, nothing refused by the
Content-Security-Policy. (axe-core and the phone width on every organiser page: test_workspace_journey.py.)"""

from __future__ import annotations

import pytest

from events.accounts.models import Role
from events.accounts.service import add_user
from events.database import create_engine, make_sessionmaker, transaction

pytestmark = pytest.mark.browser

EMAIL = "overview-admin@weert.example"
PASSWORD = "a browser test password"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
async def admin(live_server) -> str:
    engine = create_engine(live_server.database_url)
    async with transaction(make_sessionmaker(engine)) as session:
        await add_user(session, email=EMAIL, role=Role.ADMIN, city_slug="weert", password=PASSWORD, language="en")
    await engine.dispose()
    return EMAIL


async def signed_in(open_page, path: str, email: str = EMAIL, **options):
    """A page opened at the sign-in form that leads to ``path``, signed in there as ``email``."""
    watched = await open_page(f"/login?next={path}", **options)
    page = watched.page
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.click("button[type=submit] >> text=Sign in")
    await page.wait_for_load_state()
    return watched


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
