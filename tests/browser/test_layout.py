"""The base layout in a real browser: keyboard users can skip to content, htmx loads."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(live_url, page, screenshot):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(f"{live_url}/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
    # The home page has no hx- attributes, so it ships no htmx; a lesson step
    # fetches it when the learner first reaches for an hx- element.
    assert page.evaluate("typeof htmx === 'undefined'")
    assert errors == [], errors
    screenshot(page, "home")
    page.goto(f"{live_url}/lessons/kafka-basics/acks/")
    page.locator(".try-button").first.hover()
    page.wait_for_function("() => typeof htmx !== 'undefined' && htmx.version.startsWith('2.')",
                           timeout=30_000)
