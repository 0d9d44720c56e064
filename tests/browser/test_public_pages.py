"""Public pages in a real browser: every language, the switcher, a phone, a keyboard, no JavaScript, axe-core."""

from __future__ import annotations

from pathlib import Path

import axe_playwright_python
import pytest

pytestmark = pytest.mark.browser

AXE_SOURCE = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
LANGUAGES = {"nl": "nl", "en": "en", "zh": "zh-Hans"}


def serious_accessibility_violations(page) -> list[str]:
    # evaluate() runs outside the page's Content-Security-Policy, which (rightly) forbids injected scripts.
    page.evaluate(AXE_SOURCE)
    result = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS)
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} at "
        + ", ".join(node["target"][0] for node in violation["nodes"][:3])
        for violation in result["violations"]
        if violation["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_and_an_event_in_each_language(open_page, language):
    watched = open_page(f"/?lang={language}")
    page = watched.page
    assert page.locator("html").get_attribute("lang") == LANGUAGES[language]
    assert page.locator(".event-card").count() >= 5
    assert serious_accessibility_violations(page) == []
    page.locator(".event-card-title a").first.click()
    page.wait_for_load_state()
    assert "/events/" in page.url
    assert page.locator("html").get_attribute("lang") == LANGUAGES[language]
    assert page.locator("h1").inner_text().strip()
    assert page.locator(".clock-list li").count() >= 1 or page.locator(".facts").count() == 1
    assert serious_accessibility_violations(page) == []
    assert watched.problems == []


def test_switching_language_with_the_switcher_is_remembered(open_page):
    watched = open_page("/")
    page = watched.page
    assert page.locator("html").get_attribute("lang") == "nl"
    page.get_by_role("navigation", name="Taal").get_by_role("link", name="中文").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.locator(".event-card-title a").first.click()  # a link without ?lang: the cookie keeps Chinese
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.get_by_role("navigation", name="语言").get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "/events/" in page.url  # the switcher stays on the same page
    assert watched.problems == []


def test_a_360_pixel_phone_needs_no_sideways_scrolling(open_page):
    for path in ("/?lang=zh", "/?lang=nl", "/archive?lang=en"):
        watched = open_page(path, viewport={"width": 360, "height": 740})
        page = watched.page
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360, path
        page.locator(".event-card-title a").first.click()
        page.wait_for_load_state()
        assert page.evaluate("document.scrollingElement.scrollWidth") <= 360, page.url
        assert serious_accessibility_violations(page) == []
        assert watched.problems == []


def test_keyboard_reaches_the_content_first(open_page):
    page = open_page("/?lang=en").page
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent").strip() == "Skip to main content"
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.id")
    assert focused == "filter-q"  # the first control in the main content


def test_filters_work_without_javascript(open_page):
    watched = open_page("/?lang=en", javascript=False)
    page = watched.page
    page.select_option("#filter-category", "sport")
    page.get_by_role("button", name="Show events").click()
    page.wait_for_load_state()
    assert "category=sport" in page.url
    badges = page.locator(".event-card .badge-sport")
    assert badges.count() >= 1
    assert page.locator(".event-card").count() == badges.count()
    assert watched.problems == []
