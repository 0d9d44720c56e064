"""The organisers' workspace end to end in a real browser.

An organiser signs in, creates a weekly event in three languages, publishes it, finds it on the public pages and in
the calendar feed, cancels one date, and checks a participant in at the door on a phone. Every organiser page passes
axe-core on the whole page (WCAG 2.1 A and AA), in Dutch and in Chinese, at desktop width and on a 360 px phone, with
no sideways scrolling and nothing refused by the Content-Security-Policy. The event form and the check-in page work
by keyboard alone.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
import pytest_asyncio
from playwright.async_api import expect
from sqlalchemy import func, select

from events.accounts.models import LinkPurpose, Role
from events.accounts.service import add_user, create_api_token, issue_link
from events.audit.service import Actor
from events.catalog.models import Event, EventStatus
from events.database import create_engine, make_sessionmaker, transaction, utcnow, write_engine
from events.feeds.sources import add_source
from events.i18n import LANGUAGES, gettext_for, ngettext_for
from events.registrations.check_in_codes import check_in_code
from events.registrations.models import Registration, RegistrationStatus
from tests.browser.test_public_pages import accessibility_violations

pytestmark = pytest.mark.browser

PASSWORD = "a browser test password"
ADMIN = "journey-admin@weert.example"
ORGANISER = "journey-organiser@weert.example"
PARTICIPANT = "Liu Yang 刘洋"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
HTML_LANG = {"nl": "nl", "en": "en", "zh": "zh-Hans"}


# --- The journey: create, publish, find in public and in the feed, cancel a date, check someone in. -------------


@pytest_asyncio.fixture(scope="module")
async def organiser(live_server) -> str:
    """An organiser of the Weert office, who reads the workspace in English."""
    engine = create_engine(live_server.database_url)
    async with transaction(make_sessionmaker(write_engine(engine))) as session:
        await add_user(
            session,
            email=ORGANISER,
            role=Role.ORGANISER,
            city_slug="weert",
            password=PASSWORD,
            display_name="Femke Janssen",
            language="en",
        )
    await engine.dispose()
    return ORGANISER


def feed_events(ics: str, uid: str) -> list[icalendar.Event]:
    return [event for event in icalendar.Calendar.from_ical(ics).walk("VEVENT") if str(event["UID"]) == uid]


async def checked_page(page, language: str, problems: list[str]) -> None:
    """An organiser page as it must always be: in its language, clean for axe-core, nothing refused by the CSP."""
    assert await page.locator("html").get_attribute("lang") == HTML_LANG[language], page.url
    assert await accessibility_violations(page) == [], page.url
    width = page.viewport_size["width"]
    assert await page.evaluate("document.scrollingElement.scrollWidth") <= width, page.url
    assert [problem for problem in problems if "Content Security Policy" in problem] == [], page.url


def console_of(page) -> list[str]:
    problems: list[str] = []
    page.on("console", lambda message: problems.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    return problems


async def test_an_organiser_runs_a_weekly_event_from_creation_to_the_door(browser, live_server, organiser):
    base = live_server.url
    zone = ZoneInfo("Europe/Amsterdam")
    first_day = (dt.datetime.now(zone) + dt.timedelta(days=15)).date()
    starts = dt.datetime.combine(first_day, dt.time(19, 30), zone)
    suffix = secrets.token_hex(3)
    titles = {
        "nl": f"Theeavond met verhalen uit Yuhang {suffix}",
        "en": f"Tea evening with stories from Yuhang {suffix}",
        "zh": f"余杭故事茶会 {suffix}",
    }
    summaries = {
        "nl": "Elke week thee en verhalen over de stedenband.",
        "en": "Tea and stories about the twinning, every week.",
        "zh": "每周一次，品茶聊友城故事。",
    }

    # Sign in at /login, then Events → New event.
    desk = await browser.new_context(viewport=DESKTOP, locale="en-GB")
    desk.set_default_timeout(10_000)
    page = await desk.new_page()
    problems = console_of(page)
    await page.goto(f"{base}/login?lang=en")
    await checked_page(page, "en", problems)
    await page.get_by_label("E-mail address").fill(organiser)
    await page.get_by_label("Password").fill(PASSWORD)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Sign in").click()
    assert page.url == f"{base}/organiser/"
    await checked_page(page, "en", problems)
    workspace_nav = page.get_by_role("navigation", name="Workspace")
    async with page.expect_navigation():
        await workspace_nav.get_by_role("link", name="Events", exact=True).click()
    await checked_page(page, "en", problems)
    async with page.expect_navigation():
        await page.get_by_role("link", name="New event").click()
    assert page.url == f"{base}/organiser/events/new"
    await checked_page(page, "en", problems)

    # The form in three languages, a category and a city, the times on the event's clock, weekly six times.
    for code, language in LANGUAGES.items():
        column = page.get_by_role("group", name=language.name, exact=True)
        await column.get_by_label("Title").fill(titles[code])
        await column.get_by_label("Summary").fill(summaries[code])
    await page.get_by_label("Category").select_option(label="Culture and art")
    await page.get_by_label("City where it takes place").select_option(label="Weert")
    for legend, moment in (("Starts", starts), ("Ends", starts + dt.timedelta(hours=2))):
        group = page.get_by_role("group", name=legend, exact=True)
        await group.get_by_label("Date").fill(moment.date().isoformat())
        await group.get_by_label("Time").fill(moment.strftime("%H:%M"))
    await page.get_by_label(re.compile(r"^Repeat\b")).select_option(label="Every week, or every few weeks")
    await page.get_by_label("Every how many weeks or months").fill("1")
    await page.get_by_label("after a number of times").check()
    await page.get_by_label("How many times in all").fill("6")
    await page.get_by_label("Capacity (places in all)").fill("30")
    hangzhou = starts.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%H:%M")
    await expect(page.locator("#clock-times")).to_contain_text(hangzhou)  # the partner city's time while typing
    async with page.expect_navigation():
        await page.get_by_role("button", name="Save as draft").click()
    slug = page.url.split("/organiser/events/")[1].split("/")[0]
    assert page.url.startswith(f"{base}/organiser/events/{slug}/edit?done=event_created"), page.url
    await expect(page.get_by_role("status")).to_contain_text("saved as a draft")
    await checked_page(page, "en", problems)

    # Publish.
    async with page.expect_navigation():
        await page.get_by_role("button", name="Publish", exact=True).click()
    await expect(page.get_by_role("status")).to_contain_text("The event is published")
    await checked_page(page, "en", problems)

    # The public page in each language, with the time in both cities, seen by a visitor.
    visitor = await browser.new_context(viewport=DESKTOP, locale="nl-NL")
    public = await visitor.new_page()
    public_problems = console_of(public)
    for code in LANGUAGES:
        await public.goto(f"{base}/events/{slug}?lang={code}")
        assert await public.locator("html").get_attribute("lang") == HTML_LANG[code]
        await expect(public.get_by_role("heading", level=1)).to_have_text(titles[code])
        assert await public.get_by_text(summaries[code]).count() == 1
        when = await public.locator("dl.facts ul.clock-list li").all_inner_texts()
        assert len(when) == 2 and starts.strftime("%H:%M") in when[0] and hangzhou in when[1], when
    assert public_problems == []

    # The Chinese feed has the event: its UID, the weekly rule and the Chinese title.
    async with httpx.AsyncClient(base_url=base) as client:
        feed = await client.get("/feeds/events.ics", params={"lang": "zh"})
        assert feed.status_code == 200
        master = next(
            event
            for event in icalendar.Calendar.from_ical(feed.text).walk("VEVENT")
            if str(event["SUMMARY"]) == titles["zh"]
        )
        uid = str(master["UID"])
        assert uuid.UUID(uid.split("@")[0])  # ours: the event's id at the calendar domain
        assert master["RRULE"]["FREQ"] == ["WEEKLY"] and master["RRULE"]["COUNT"] == [6]
        assert "RECURRENCE-ID" not in master
        sequence = int(master["SEQUENCE"])

        # Cancel the third date from the workspace's Dates page.
        async with page.expect_navigation():
            await page.get_by_role("navigation", name="Pages of this event").get_by_role("link", name="Dates").click()
        await checked_page(page, "en", problems)
        dates = page.get_by_role("main").get_by_role("listitem").filter(has=page.get_by_role("heading", level=2))
        assert await dates.count() == 6
        third = dates.nth(2)
        async with page.expect_navigation():
            await third.get_by_role("button", name="Cancel this date").click()
        await expect(page.get_by_role("status")).to_contain_text("The date has been cancelled")
        await expect(third.get_by_text("Cancelled", exact=True)).to_be_visible()
        assert await third.get_by_role("button", name="Cancel this date").count() == 0
        await checked_page(page, "en", problems)

        feed = await client.get("/feeds/events.ics", params={"lang": "zh"})
        instances = feed_events(feed.text, uid)
        override = next(event for event in instances if "RECURRENCE-ID" in event)
        cancelled_start = starts + dt.timedelta(weeks=2)
        assert override["RECURRENCE-ID"].dt == cancelled_start
        assert str(override["STATUS"]) == "CANCELLED"
        assert int(override["SEQUENCE"]) > sequence
        assert str(override["SUMMARY"]) == titles["zh"]

    # A visitor registers in Chinese on the public form.
    await public.goto(f"{base}/events/{slug}?lang=zh")
    async with public.expect_navigation():
        await public.get_by_role("link", name=gettext_for("zh", "Register"), exact=True).click()
    assert await public.locator("html").get_attribute("lang") == "zh-Hans"
    await public.get_by_label(gettext_for("zh", "Your name")).fill(PARTICIPANT)
    await public.get_by_label(gettext_for("zh", "E-mail address")).fill(f"liu-{suffix}@example.cn")
    await public.get_by_label(gettext_for("zh", "Your home city")).select_option("yuhang")
    await public.get_by_label(gettext_for("zh", "Language of our messages to you")).select_option("zh")
    consent = "I have read the privacy statement and agree that my data is used for this registration."
    await public.get_by_label(gettext_for("zh", consent)).check()
    async with public.expect_navigation():
        await public.get_by_role("button", name=gettext_for("zh", "Register"), exact=True).click()
    assert "/r/" in public.url and "done=registered" in public.url, public.url
    assert await public.locator("html").get_attribute("lang") == "zh-Hans"
    await expect(public.locator("dl.facts dd.status")).to_have_class(re.compile(r"\bstatus-confirmed\b"))
    assert public_problems == []
    await visitor.close()

    # At the door on a phone, in Dutch: find the participant, check them in, and a second tap is refused.
    phone = await browser.new_context(
        viewport=PHONE, has_touch=True, is_mobile=True, locale="nl-NL", storage_state=await desk.storage_state()
    )
    await desk.close()
    door = await phone.new_page()
    problems = console_of(door)
    await door.goto(f"{base}/organiser/?lang=nl")
    await checked_page(door, "nl", problems)
    async with door.expect_navigation():
        await door.get_by_role("link", name=gettext_for("nl", "Check-in"), exact=True).tap()
    await checked_page(door, "nl", problems)
    async with door.expect_navigation():
        await door.get_by_role("link", name=titles["nl"]).tap()
    assert door.url == f"{base}/organiser/events/{slug}/check-in"
    await checked_page(door, "nl", problems)

    def attendance(checked: int) -> str:
        singular, plural = "%(checked)s of %(num)s person checked in", "%(checked)s of %(num)s people checked in"
        return ngettext_for("nl", singular, plural, 1, checked=checked)

    await expect(door.locator(".attendance strong")).to_have_text(attendance(0))
    # A second volunteer's screen, opened before the first one checks the participant in.
    other = await phone.new_page()
    other_problems = console_of(other)
    await other.goto(f"{base}/organiser/events/{slug}/check-in")

    await door.get_by_label(gettext_for("nl", "Find a name, e-mail address or number")).fill("liu")
    async with door.expect_navigation():
        await door.get_by_role("button", name=gettext_for("nl", "Search"), exact=True).tap()
    check_in = door.get_by_role("button", name=f"{gettext_for('nl', 'Check in')} {PARTICIPANT}")
    async with door.expect_navigation():
        await check_in.tap()
    await expect(door.get_by_role("status")).to_have_text(gettext_for("nl", "Checked in."))
    await expect(door.locator(".attendance strong")).to_have_text(attendance(1))
    first_time = (await door.locator(".checked-in-at").inner_text()).strip()
    prefix = gettext_for("nl", "Checked in at %(time)s", time="")
    assert first_time.startswith(prefix), first_time
    moment = first_time.removeprefix(prefix)
    await checked_page(door, "nl", problems)

    async with other.expect_navigation() as navigation:
        await other.get_by_role("button", name=f"{gettext_for('nl', 'Check in')} {PARTICIPANT}").tap()
    assert (await navigation.value).status == 409
    refusal = other.get_by_role("alert")
    await expect(refusal).to_contain_text(gettext_for("nl", "Already checked in"))
    await expect(refusal).to_contain_text(moment)
    await checked_page(other, "nl", other_problems)
    await phone.close()


# --- Every organiser page: axe-core on the whole page, no sideways scrolling on a phone, no CSP refusals. ---------


@dataclass
class Watched:
    """A page kept open for the whole module, with what its console reported since the last visit."""

    page: object
    console: list[str] = field(default_factory=list)

    async def visit(self, url: str) -> object:
        self.console.clear()
        return await self.page.goto(url)


def watched(page) -> Watched:
    kept = Watched(page)
    page.on("console", lambda message: kept.console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: kept.console.append(f"page error: {error}"))
    return kept


async def sign_in(page, base_url: str, email: str, *, language: str = "en") -> None:
    """Through the sign-in form, as a person would."""
    await page.goto(f"{base_url}/login?lang={language}")
    await page.get_by_label("E-mail address" if language == "en" else "E-mailadres").fill(email)
    await page.get_by_label("Password" if language == "en" else "Wachtwoord").fill(PASSWORD)
    async with page.expect_navigation():
        await page.get_by_role("button", name="Sign in" if language == "en" else "Inloggen").click()


@pytest_asyncio.fixture(scope="module")
async def pages_to_check(live_server) -> dict[str, str]:
    """An admin to sign in as, and the address of every organiser page, with data that fills them."""
    engine = create_engine(live_server.database_url)
    now = utcnow()
    async with transaction(make_sessionmaker(write_engine(engine))) as session:
        admin = await add_user(
            session, email=ADMIN, role=Role.ADMIN, city_slug="weert", password=PASSWORD, display_name="Lotte Peeters"
        )
        invited = await add_user(
            session,
            email="journey-invited@yuhang.example",
            role=Role.ORGANISER,
            city_slug="yuhang",
            password=None,
            display_name="陈静",
            language="zh",
        )
        invitation = await issue_link(session, invited, LinkPurpose.INVITATION, now)
        await create_api_token(
            session, admin, name="Agenda sync", days=90, now=now, actor=Actor(user_id=admin.id, via="web")
        )
        source = await add_source(
            session,
            url="https://library.example/events.ics",
            category_slug="education",
            city_slug="weert",
            name="Bibliotheek Weert",
        )
        # An upcoming single event with confirmed registrations, and the demo programme's series.
        confirmed = (
            select(Registration.event_id, func.count().label("n"))
            .where(Registration.status == RegistrationStatus.CONFIRMED)
            .group_by(Registration.event_id)
            .subquery()
        )
        event = await session.scalar(
            select(Event)
            .join(confirmed, confirmed.c.event_id == Event.id)
            .where(Event.status == EventStatus.PUBLISHED, Event.deleted_at.is_(None), Event.starts_at > now)
            .where(Event.rrule.is_(None))
            .order_by(confirmed.c.n.desc(), Event.slug)
            .limit(1)
        )
        registration = await session.scalar(
            select(Registration)
            .where(Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED)
            .order_by(Registration.id)
            .limit(1)
        )
        series = await session.scalar(
            select(Event.slug).where(Event.rrule.is_not(None), Event.deleted_at.is_(None)).order_by(Event.slug)
        )
        slug, number, invited_id = event.slug, registration.id, invited.id
    await engine.dispose()
    code = check_in_code("browser-tests", number)
    return {
        "dashboard": "/organiser/",
        "events": "/organiser/events",
        "new-event": "/organiser/events/new",
        "edit": f"/organiser/events/{slug}/edit",
        "preview": f"/organiser/events/{slug}/preview",
        "occurrences": f"/organiser/events/{series}/occurrences",
        "cancel": f"/organiser/events/{slug}/cancel",
        "delete": f"/organiser/events/{slug}/delete",
        "registrations": f"/organiser/events/{slug}/registrations",
        "registration": f"/organiser/events/{slug}/registrations/{number}",
        "message": f"/organiser/events/{slug}/message",
        "check-in-events": "/organiser/check-in",
        "check-in": f"/organiser/events/{slug}/check-in",
        "scan": f"/organiser/check-in/scan?code={code}",
        "users": "/organiser/users",
        "invite": "/organiser/users/new",
        "user": f"/organiser/users/{invited_id}",
        "tokens": "/organiser/tokens",
        "feeds": "/organiser/feeds",
        "feed-remove": f"/organiser/feeds/{source.id}/remove",
        "audit": "/organiser/audit",
        "history": f"/organiser/events/{slug}/history",
        # Without signing in:
        "login": "/login",
        "forgot": "/password/forgot",
        "invitation": f"/invitation/{invitation}",
    }


SIGNED_OUT = ("login", "forgot", "invitation")
PAGE_NAMES = [
    "dashboard",
    "events",
    "new-event",
    "edit",
    "preview",
    "occurrences",
    "cancel",
    "delete",
    "registrations",
    "registration",
    "message",
    "check-in-events",
    "check-in",
    "scan",
    "users",
    "invite",
    "user",
    "tokens",
    "feeds",
    "feed-remove",
    "audit",
    "history",
    *SIGNED_OUT,
]


@pytest_asyncio.fixture(scope="module")
async def tabs(browser, live_server, pages_to_check) -> AsyncIterator[dict[tuple[bool, str], Watched]]:
    """One signed-in browser context and one signed-out one, each with a desktop tab and a phone tab."""
    signed_in = await browser.new_context(viewport=DESKTOP, locale="nl-NL")
    signed_out = await browser.new_context(viewport=DESKTOP, locale="nl-NL")
    sign_in_page = await signed_in.new_page()
    await sign_in(sign_in_page, live_server.url, ADMIN)
    await sign_in_page.close()
    opened = {}
    for anonymous, context in ((False, signed_in), (True, signed_out)):
        for width, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            page = await context.new_page()
            await page.set_viewport_size(viewport)
            opened[(anonymous, width)] = watched(page)
    yield opened
    await signed_in.close()
    await signed_out.close()


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize("language", ["nl", "zh"])
@pytest.mark.parametrize("name", PAGE_NAMES)
async def test_every_organiser_page_passes_axe_and_fits_a_phone(
    live_server, pages_to_check, tabs, name, language, width
):
    tab = tabs[(name in SIGNED_OUT, width)]
    page = tab.page
    path = pages_to_check[name]
    answer = await tab.visit(f"{live_server.url}{path}{'&' if '?' in path else '?'}lang={language}")
    assert answer is not None and answer.status == 200, (path, answer and answer.status)
    assert page.url.split("?")[0] == f"{live_server.url}{path.split('?')[0]}"  # signed in: no detour to /login
    assert await page.locator("html").get_attribute("lang") == HTML_LANG[language]
    assert await accessibility_violations(page) == []
    if width == "phone":
        wide = await page.evaluate(
            "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > innerWidth + 1)"
            ".slice(0, 6).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))"
        )
        assert await page.evaluate("document.scrollingElement.scrollWidth <= innerWidth"), wide
    assert await page.title() != ""
    assert tab.console == []  # nothing refused by the CSP, no page error, nothing fetched from elsewhere


# --- The event form by keyboard alone: every field reached with Tab, a visible focus, saved with Enter. ------------


async def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until `selector` has the focus, as a keyboard user moves through a page; its focus must show."""
    for _ in range(limit):
        await page.keyboard.press("Tab")
        if await page.evaluate("(selector) => document.activeElement.matches(selector)", selector):
            style = await page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
            assert style != "none", f"{selector} has the focus but does not show it"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab on {page.url}")


async def test_an_organiser_signs_in_and_creates_an_event_by_keyboard_alone(browser, live_server, organiser):
    base = live_server.url
    context = await browser.new_context(viewport=DESKTOP, locale="en-GB")
    context.set_default_timeout(10_000)
    page = await context.new_page()
    problems = console_of(page)
    await page.goto(f"{base}/login?lang=en")
    await tab_to(page, "#email")
    await page.keyboard.type(organiser)
    await tab_to(page, "#password")
    await page.keyboard.type(PASSWORD)
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert page.url == f"{base}/organiser/"

    await page.goto(f"{base}/organiser/events/new?lang=en")
    title = f"Keyboard workshop {secrets.token_hex(3)}"
    day = (dt.datetime.now(ZoneInfo("Europe/Amsterdam")) + dt.timedelta(days=40)).date()
    await tab_to(page, "#translations-en-title")
    await page.keyboard.type(title)
    await tab_to(page, "#category")
    await page.keyboard.type("Education")  # a closed select picks the option whose label is typed
    await tab_to(page, "#city")
    await page.keyboard.type("Yuhang")
    for name, clock in (("start", "0930AM"), ("end", "1200PM")):
        await tab_to(page, f"#{name}_date")
        await page.keyboard.type(day.strftime("%m%d%Y"))  # month, day, year (and AM/PM) with --lang=en-US
        await tab_to(page, f"#{name}_time")
        await page.keyboard.type(clock)
    assert await page.locator("#start_date").input_value() == day.isoformat()
    assert await page.locator("#start_time").input_value() == "09:30"
    in_weert = dt.datetime.combine(day, dt.time(9, 30), ZoneInfo("Asia/Shanghai")).astimezone(
        ZoneInfo("Europe/Amsterdam")
    )
    await expect(page.locator("#clock-times")).to_contain_text(in_weert.strftime("%H:%M"))  # the script follows
    await tab_to(page, "#capacity")
    await page.keyboard.type("12")
    await tab_to(page, "button[type=submit][value=save]")
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert "/edit?done=event_created" in page.url, page.url
    await expect(page.get_by_role("status")).to_contain_text("saved as a draft")
    await expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    assert await page.locator("#category").input_value() == "education"
    assert await page.locator("#city").input_value() == "yuhang"
    assert await page.locator("#start_time").input_value() == "09:30"
    assert await page.locator("#capacity").input_value() == "12"
    assert [problem for problem in problems if "Content Security Policy" in problem or "page error" in problem] == []
    await context.close()
