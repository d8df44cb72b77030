"""A learner's cluster survives a real server restart, without even reloading the page."""
import pytest
from playwright.sync_api import expect

from simulator.partitioners import partition_for_key

pytestmark = pytest.mark.browser


def test_the_page_reconnects_after_a_server_restart_and_finds_the_same_cluster(
        restartable_server, page):
    page.goto(f"{restartable_server.url}/playground/")
    sandbox = page.locator("[data-live-sandbox]")
    expect(sandbox).to_have_attribute("data-live-state", "live")
    page.locator(".broker-controls li", has_text="Broker 2").get_by_role(
        "button", name="Crash").click()
    page.fill("#pg-key", "before-restart")
    page.fill("#pg-value", "kept")
    page.get_by_role("button", name="Produce", exact=True).click()
    partition, _ = partition_for_key("before-restart", 3)
    written = page.locator(f'[data-replica^="orders/{partition}/"][data-role="leader"]')
    expect(written).to_have_attribute("data-leo", "1", timeout=20_000)
    expect(page.locator('svg [data-broker="2"]')).to_have_class("broker crashed")

    restartable_server.stop()  # every live simulation in memory is gone
    expect(sandbox).not_to_have_attribute("data-live-state", "live", timeout=10_000)
    restartable_server.start()

    expect(sandbox).to_have_attribute("data-live-state", "live", timeout=20_000)
    expect(page.locator('svg [data-broker="2"]')).to_have_class("broker crashed")
    expect(written).to_have_attribute("data-leo", "1")
    expect(written).to_contain_text("before-restart")
