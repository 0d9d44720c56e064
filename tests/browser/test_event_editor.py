"""The event editor in a real browser: axe-core finds nothing serious, a 360 px phone needs no sideways scrolling,
the partner city's time follows the typing, and the form works without JavaScript."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from events.accounts.models import Role, User
from events.accounts.service import add_user
from events.database import create_engine, make_sessionmaker, transaction
from tests.browser.test_public_pages import serious_accessibility_violations
from tests.workspace.helpers import PASSWORD

pytestmark = pytest.mark.browser
PHONE = {"width": 360, "height": 740}


@pytest.fixture
async def organiser_account(live_server):
    """An organiser of Weert in the live server's database (made once: the server lives for the whole run)."""
    email = "editor@weert.nl"
    engine = create_engine(live_server.database_url)
    async with transaction(make_sessionmaker(engine)) as session:
        if await session.scalar(select(User.id).where(User.email == email)) is None:
            await add_user(session, email=email, role=Role.ORGANISER, city_slug="weert", password=PASSWORD)
    await engine.dispose()
    return email


async def signed_in(open_page, email, **options):
    watched = await open_page("/login?lang=en", **options)
    page = watched.page
    await page.fill("#email", email)
    await page.fill("#password", PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_load_state()
    return watched


async def test_the_editor_is_accessible_and_follows_the_typing(open_page, organiser_account):
    watched = await signed_in(open_page, organiser_account)
    page = watched.page
    await page.goto(page.url.split("/organiser")[0] + "/organiser/events/new?lang=en")
    assert await serious_accessibility_violations(page) == []
    await page.select_option("#city", "weert")
    await page.fill("#start_date", "2026-04-18")
    await page.fill("#start_time", "10:00")
    await page.fill("#end_date", "2026-04-18")
    await page.fill("#end_time", "13:00")
    times = page.locator("#clock-times li")
    await times.nth(1).wait_for()
    assert "16:00" in await times.nth(1).inner_text() and "Hangzhou" in await times.nth(1).inner_text()
    await page.check("#all_day")
    assert await page.locator("#start_time").is_hidden()
    # Sent without a title: the errors are at their fields and the summary links to them.
    await page.uncheck("#all_day")
    await page.get_by_role("button", name="Save as draft").click()
    await page.wait_for_load_state()
    assert await page.locator("#translations-en-title").get_attribute("aria-invalid") == "true"
    assert await page.locator("#start_time").input_value() == "10:00"
    assert await serious_accessibility_violations(page) == []
    assert [problem for problem in watched.problems if "(Unprocessable Entity)" not in problem] == []


async def first_event_editor(page) -> None:
    base = page.url.split("/organiser")[0]
    await page.goto(base + "/organiser/events?lang=en")
    await page.locator("table a[href$='/edit']").first.click()
    await page.wait_for_load_state()


async def test_the_editor_fits_a_phone(open_page, organiser_account):
    watched = await signed_in(open_page, organiser_account, viewport=PHONE)
    page = watched.page
    await first_event_editor(page)
    overflow = await page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
    columns = page.locator(".language-column")
    boxes = [await columns.nth(index).bounding_box() for index in range(3)]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"]  # one under the other on a phone
    assert await serious_accessibility_violations(page) == []
    assert watched.problems == []


async def test_the_editor_works_without_javascript(open_page, organiser_account):
    watched = await signed_in(open_page, organiser_account, javascript=False)
    page = watched.page
    await first_event_editor(page)
    await page.fill("#start_time", "09:15")
    await page.get_by_role("button", name="Check the times").click()
    await page.wait_for_load_state()
    times = await page.locator("#clock-times").inner_text()
    assert "09:15" in times and "Hangzhou" in times
    assert await page.locator("#start_time").input_value() == "09:15"  # checked, not saved
