"""Public pages in a real browser: every language, the switcher, a phone, a keyboard, no JavaScript, axe-core."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest

pytestmark = pytest.mark.browser

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = {"nl": "nl", "en": "en", "zh": "zh-Hans"}


async def accessibility_violations(
    page, impacts: tuple[str, ...] = ("minor", "moderate", "serious", "critical")
) -> list[str]:
    """The WCAG 2.1 A and AA violations axe-core finds on the whole page, of the given impacts."""
    # evaluate() runs outside the page's Content-Security-Policy, which (rightly) forbids injected scripts.
    await page.evaluate(AXE_SOURCE)
    result = await page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(str(node["target"][0]) for node in violation["nodes"][:4])
        for violation in result["violations"]
        if violation["impact"] in impacts
    ]


async def serious_accessibility_violations(page) -> list[str]:
    return await accessibility_violations(page, ("serious", "critical"))


async def html_lang(page) -> str | None:
    return await page.locator("html").get_attribute("lang")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_home_and_an_event_in_each_language(open_page, language):
    watched = await open_page(f"/?lang={language}")
    page = watched.page
    assert await html_lang(page) == LANGUAGES[language]
    assert await page.locator(".event-card").count() >= 5
    assert await serious_accessibility_violations(page) == []
    await page.locator(".event-card-title a").first.click()
    await page.wait_for_load_state()
    assert "/events/" in page.url
    assert await html_lang(page) == LANGUAGES[language]
    assert (await page.locator("h1").inner_text()).strip()
    assert await page.locator(".facts").count() == 1
    assert await serious_accessibility_violations(page) == []
    assert watched.problems == []


async def test_switching_language_with_the_switcher_is_remembered(open_page):
    watched = await open_page("/", locale="nl-NL")  # a Dutch browser: Accept-Language chooses Dutch
    page = watched.page
    assert await html_lang(page) == "nl"
    await page.get_by_role("navigation", name="Taal").get_by_role("link", name="中文").click()
    await page.wait_for_load_state()
    assert await html_lang(page) == "zh-Hans"
    await page.locator(".event-card-title a").first.click()  # a link without ?lang: the cookie keeps Chinese
    await page.wait_for_load_state()
    assert await html_lang(page) == "zh-Hans"
    await page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
    await page.wait_for_load_state()
    assert await html_lang(page) == "en"
    assert "/events/" in page.url  # the switcher stays on the same page
    assert watched.problems == []


async def test_a_360_pixel_phone_needs_no_sideways_scrolling(open_page):
    for path in ("/?lang=zh", "/?lang=nl", "/archive?lang=en"):
        watched = await open_page(path, viewport={"width": 360, "height": 740})
        page = watched.page
        assert await page.evaluate("document.scrollingElement.scrollWidth") <= 360, path
        await page.locator(".event-card-title a").first.click()
        await page.wait_for_load_state()
        assert await page.evaluate("document.scrollingElement.scrollWidth") <= 360, page.url
        assert await serious_accessibility_violations(page) == []
        assert watched.problems == []


async def test_keyboard_reaches_the_content_first(open_page):
    page = (await open_page("/?lang=en")).page
    await page.keyboard.press("Tab")
    assert (await page.evaluate("document.activeElement.textContent")).strip() == "Skip to main content"
    await page.keyboard.press("Enter")
    await page.keyboard.press("Tab")
    assert await page.evaluate("document.activeElement.id") == "filter-q"  # the first control of the content


async def test_filters_work_without_javascript(open_page):
    watched = await open_page("/?lang=en", javascript=False)
    page = watched.page
    await page.select_option("#filter-category", "sport")
    await page.get_by_role("button", name="Show events").click()
    await page.wait_for_load_state()
    assert "category=sport" in page.url
    badges = await page.locator(".event-card .badge-sport").count()
    assert badges >= 1
    assert await page.locator(".event-card").count() == badges
    assert watched.problems == []
