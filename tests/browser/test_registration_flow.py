"""Registering, the e-mails, cancelling and the waiting list, end to end in a real browser.

Person A takes the only place of a small event through the JSON API; person B registers in Chinese on a 360 px
phone and lands on the waiting list; A cancels through the manage link of the confirmation e-mail the server's
mail worker delivered to a real SMTP server; B is promoted, gets an invitation and sees it on the manage page.
Statuses are checked by structure (CSS classes, URLs), not by wording, so translations may change freely.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import select

from events.catalog.models import Category, City, EventStatus
from events.catalog.service import EventText, create_event
from events.database import create_engine, make_sessionmaker, transaction, utcnow
from tests.browser.test_public_pages import html_lang, serious_accessibility_violations
from tests.smtp import Inbox, body_text, calendar_part

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
MANAGE_PATH = re.compile(r"/r/[A-Za-z0-9_-]+")


@dataclass
class SmallEvent:
    slug: str
    title_zh: str
    title_en: str


@pytest_asyncio.fixture(scope="module")
async def small_event(live_server) -> SmallEvent:
    """A published event in Yuhang with one place and a waiting list, ten days ahead, in Chinese and English."""
    engine = create_engine(live_server.database_url)
    suffix = secrets.token_hex(3)
    texts = {
        "zh": EventText(title=f"余杭茶艺体验课 {suffix}", summary="一个名额的小型活动。"),
        "en": EventText(title=f"Tea ceremony taster in Yuhang {suffix}", summary="A small event with one place."),
    }
    try:
        async with transaction(make_sessionmaker(engine)) as session:
            yuhang = (await session.scalars(select(City).where(City.slug == "yuhang"))).one()
            culture = (await session.scalars(select(Category).where(Category.slug == "culture"))).one()
            now = utcnow()
            starts_at = (now + dt.timedelta(days=10)).replace(minute=0, second=0, microsecond=0)
            event = await create_event(
                session,
                texts=texts,
                category=culture,
                city=yuhang,
                office=yuhang,
                starts_at=starts_at,
                ends_at=starts_at + dt.timedelta(hours=2),
                capacity=1,
                max_seats_per_registration=1,
                waitlist_enabled=True,
                status=EventStatus.PUBLISHED,
                now=now,
            )
            slug = event.slug
    finally:
        await engine.dispose()
    return SmallEvent(slug, texts["zh"].title, texts["en"].title)


async def mail_to(
    inbox: Inbox, address: str, matches: Callable[[EmailMessage], bool], *, timeout: float = 20
) -> EmailMessage:
    """The first message to ``address`` that ``matches``, waiting for the mail worker to deliver it."""
    deadline = time.monotonic() + timeout
    while True:
        for message in inbox.to(address):
            if matches(message):
                return message
        if time.monotonic() > deadline:
            subjects = [str(message["Subject"]) for message in inbox.to(address)]
            raise AssertionError(f"no matching message to {address} within {timeout} s; got {subjects}")
        await asyncio.sleep(0.1)


def calendar_method(message: EmailMessage) -> str | None:
    calendar = calendar_part(message)
    if calendar is None:
        return None
    found = re.search(r"^METHOD:(\S+)", calendar, re.MULTILINE)
    return found.group(1) if found else None


def calendar_uid(calendar: str) -> str:
    found = re.search(r"^UID:(\S+)", calendar, re.MULTILINE)
    assert found, calendar
    return found.group(1)


def manage_link(message: EmailMessage, base_url: str) -> str:
    found = re.search(re.escape(base_url) + MANAGE_PATH.pattern, body_text(message))
    assert found, body_text(message)
    return found.group(0)


def in_chinese(message: EmailMessage, title_zh: str) -> bool:
    """Written for a Chinese reader: the HTML part says so and the event is named by its Chinese title.
    (Not the Content-Language header: build_email sets it before set_content(), which removes it again.)"""
    html = message.get_body(preferencelist=("html",))
    assert html is not None
    return '<html lang="zh-Hans">' in str(html.get_content()) and title_zh in str(message["Subject"])


async def status_class(page) -> str:
    return await page.locator("dl.facts dd.status").get_attribute("class") or ""


async def assert_fits_a_phone(page) -> None:
    assert await page.evaluate("document.scrollingElement.scrollWidth") <= PHONE["width"], page.url


async def test_register_in_chinese_on_a_phone_cancel_and_promote_from_the_waiting_list(
    open_page, live_server, small_event
):
    inbox = live_server.inbox
    person_a = f"a-{secrets.token_hex(4)}@example.org"
    person_b = f"b-{secrets.token_hex(4)}@example.org"

    # A takes the only place through the JSON API.
    async with httpx.AsyncClient(base_url=live_server.url) as api:
        answer = await api.post(
            f"/api/v1/events/{small_event.slug}/registrations",
            json={"name": "Anna de Vries", "email": person_a, "home_city": "weert", "language": "en", "consent": True},
        )
        assert answer.status_code == 201, answer.text
        assert answer.json()["status"] == "confirmed"
        public_calendar = await api.get(f"/events/{small_event.slug}.ics")
        assert public_calendar.status_code == 200
    event_uid = calendar_uid(public_calendar.text)

    # B registers in Chinese on a 360 px phone and joins the waiting list.
    watched = await open_page(f"/events/{small_event.slug}/register?lang=zh", viewport=PHONE, locale="zh-CN")
    page = watched.page
    assert await html_lang(page) == "zh-Hans"
    assert small_event.title_zh in await page.locator(".event-summary-title").inner_text()
    await assert_fits_a_phone(page)
    assert await serious_accessibility_violations(page) == []
    await page.locator("#name").fill("王小明")
    await page.locator("#email").fill(person_b)
    await page.locator("#home_city").select_option("yuhang")
    assert await page.locator("#language").input_value() == "zh"  # the page's language is the default
    await page.locator("#language").select_option("zh")
    await page.locator("#consent").check()
    async with page.expect_navigation():
        await page.locator("form.registration-form button[type=submit]").click()
    assert MANAGE_PATH.search(page.url) and page.url.startswith(live_server.url), page.url
    assert "done=registered" in page.url
    b_manage = page.url.split("?")[0]
    assert await html_lang(page) == "zh-Hans"
    assert await page.locator(".error-summary").count() == 0
    assert "status-waitlisted" in (await status_class(page)).split()
    assert await page.locator(".notice-ok[role=status]").count() >= 1
    assert "1" in await page.locator("dl.facts dd.status").inner_text()  # number 1 on the waiting list
    await assert_fits_a_phone(page)
    assert await serious_accessibility_violations(page) == []
    assert watched.problems == []

    # A's confirmation: an invitation with the public calendar's UID, and the manage link.
    confirmation = await mail_to(inbox, person_a, lambda message: calendar_method(message) == "REQUEST")
    assert calendar_uid(calendar_part(confirmation) or "") == event_uid
    assert small_event.title_en in str(confirmation["Subject"])
    a_manage = manage_link(confirmation, live_server.url)

    # B's own e-mail says they wait, with no invitation yet.
    waiting = await mail_to(inbox, person_b, lambda message: True)
    assert calendar_part(waiting) is None
    assert in_chinese(waiting, small_event.title_zh)
    assert manage_link(waiting, live_server.url) == b_manage

    # A cancels through the link in the e-mail.
    watched_a = await open_page(a_manage.removeprefix(live_server.url), locale="en-GB")  # the link as it is
    page_a = watched_a.page
    assert await html_lang(page_a) == "en"
    assert "status-confirmed" in (await status_class(page_a)).split()
    assert await serious_accessibility_violations(page_a) == []
    async with page_a.expect_navigation():
        await page_a.get_by_role("button", name="Cancel my registration").click()
    assert "done=cancelled" in page_a.url
    assert "status-cancelled" in (await status_class(page_a)).split()
    assert await page_a.get_by_role("button", name="Cancel my registration").count() == 0
    assert await serious_accessibility_violations(page_a) == []
    assert watched_a.problems == []

    cancellation = await mail_to(inbox, person_a, lambda message: calendar_method(message) == "CANCEL")
    assert calendar_uid(calendar_part(cancellation) or "") == event_uid

    # B moved up: an invitation in Chinese, and the manage page says confirmed.
    promoted = await mail_to(inbox, person_b, lambda message: calendar_method(message) == "REQUEST")
    assert calendar_uid(calendar_part(promoted) or "") == event_uid
    assert in_chinese(promoted, small_event.title_zh)
    # The promoted mail's link is a new one; the link B already had keeps working, and both show the same page.
    for link in (manage_link(promoted, live_server.url), b_manage):
        watched_b = await open_page(link.removeprefix(live_server.url), viewport=PHONE, locale="zh-CN")
        page_b = watched_b.page
        assert await html_lang(page_b) == "zh-Hans"  # a Chinese browser, no ?lang: Accept-Language chooses
        assert "王小明" in await page_b.locator("dl.facts").inner_text()
        assert "status-confirmed" in (await status_class(page_b)).split()
        assert await page_b.locator("#calendar-title").count() == 1  # "add to your calendar" once confirmed
        await assert_fits_a_phone(page_b)
        assert await serious_accessibility_violations(page_b) == []
        assert watched_b.problems == []

    # Each person got exactly the messages of their story, no more.
    assert [calendar_method(message) for message in inbox.to(person_a)] == ["REQUEST", "CANCEL"]
    assert [calendar_method(message) for message in inbox.to(person_b)] == [None, "REQUEST"]
