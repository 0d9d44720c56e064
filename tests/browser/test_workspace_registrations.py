"""Checking someone in at the door by keyboard, without JavaScript, on a 360 px phone. (axe-core and the phone
width on every organiser page: test_workspace_journey.py.)"""

from __future__ import annotations

import pytest
from sqlalchemy import or_, select

from events.accounts.models import Role
from events.accounts.service import add_user
from events.catalog.models import Event, EventStatus
from events.database import create_engine, make_sessionmaker, transaction, utcnow, write_engine
from events.registrations.forms import from_json
from events.registrations.models import Question
from events.registrations.service import Context, register
from tests.browser.test_workspace_overview import PHONE, signed_in

pytestmark = pytest.mark.browser

EMAIL = "door-admin@weert.example"
PASSWORD = "a browser test password"


@pytest.fixture(scope="module")
async def door(live_server) -> dict[str, str]:
    """An admin, and a confirmed delegation with a Chinese name on an upcoming event of the demo programme."""
    engine = create_engine(live_server.database_url)
    async with transaction(make_sessionmaker(write_engine(engine))) as session:
        await add_user(session, email=EMAIL, role=Role.ADMIN, city_slug="weert", password=PASSWORD, language="en")
        event = await session.scalar(
            select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.deleted_at.is_(None), Event.starts_at > utcnow())
            .where(Event.registration_enabled.is_(True), Event.approval_required.is_(False), Event.rrule.is_(None))
            .where(Event.id.not_in(select(Question.event_id).where(Question.required)))
            .where(Event.max_seats_per_registration >= 2, or_(Event.capacity.is_(None), Event.capacity >= 10))
            .order_by(Event.starts_at)
            .limit(1)
        )
        context = Context(live_server.url, "127.0.0.1", utcnow(), secret_key="browser-tests")
        body = {
            "name": "欧阳娜娜 Ouyang Nana",
            "email": "nana@example.cn",
            "home_city": "yuhang",
            "language": "zh",
            "seats": 2,
            "members": ["Joëlle van den Broek-Verhoeven"],
            "consent": True,
        }
        await register(session, event_id=event.id, sent=from_json(body), context=context)
        slug = event.slug
    await engine.dispose()
    return {"desk": f"/organiser/events/{slug}/check-in"}


async def test_a_participant_is_found_and_checked_in_by_keyboard_without_javascript(open_page, door):
    watched = await signed_in(open_page, f"{door['desk']}?lang=en", EMAIL, viewport=PHONE, javascript=False)
    page = watched.page
    await page.fill("#q", "joëlle")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert await page.locator(".check-in-person").count() == 1
    await page.locator("button.button-check-in").focus()
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert "Checked in." in await page.inner_text("main")
    assert "Checked in at" in await page.inner_text(".check-in-list")
    async with page.expect_navigation():
        await page.click("button.link-button >> text=Undo")  # leave the demo as it was for the other tests
    assert await page.locator("button.button-check-in").count() == 1
