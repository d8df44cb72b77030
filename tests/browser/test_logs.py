"""The log panel beside the diagram: the lines Kafka writes, as the simulator does the thing;
selecting one lights the part of the diagram it is about (learnkafka/components/log_panel)."""
import pytest
from playwright.sync_api import expect

from tests.browser.test_terminal import SLOW, open_playground, patient_waits  # noqa: F401

pytestmark = pytest.mark.browser


def test_a_rebalance_writes_client_and_broker_lines_and_a_line_lights_its_consumer(
        live_url, page, screenshot):
    open_playground(page, live_url)
    page.get_by_role("button", name="Add consumer to group 1", exact=True).click()
    lines = page.locator("[data-log-lines] li")
    assigned = lines.filter(has_text="Adding newly assigned partitions:")
    expect(assigned.first).to_be_visible(timeout=SLOW)
    expect(lines.filter(has_text="Preparing to rebalance group 1").first).to_be_visible()
    expect(lines.filter(has_text="Stabilized group 1 generation").first).to_be_visible(
        timeout=SLOW)

    line = assigned.first
    consumer = line.get_attribute("data-client")
    selected = []
    page.evaluate("document.addEventListener('diagram:select', e => "
                  "window.__selected = e.detail)")
    line.click()
    expect(line).to_have_attribute("aria-selected", "true")
    part = page.locator(f'svg[data-diagram="cluster"] [data-consumer="consumer:{consumer}"]')
    expect(part).to_have_attribute("data-log-lit", "")
    selected.append(page.evaluate("window.__selected"))
    assert selected == [{"consumer": f"consumer:{consumer}"}]
    screenshot(page, "lit-consumer")

    # A broker line lights its broker.
    broker_line = lines.filter(has_text="Stabilized group 1 generation").first
    broker_line.click()
    broker = broker_line.get_attribute("data-client").removeprefix("broker-")
    expect(page.locator(f'svg[data-diagram="cluster"] [data-broker="{broker}"]')
           ).to_have_attribute("data-log-lit", "")
    expect(part).not_to_have_attribute("data-log-lit", "")


def _rows(page):
    """Every line's (source, level, client, shown), read in one go."""
    return page.evaluate("""[...document.querySelectorAll('[data-log-lines] li')].map(li =>
        [li.dataset.source, li.dataset.level, li.dataset.client, !li.hidden])""")


def test_filters_by_log_level_and_client(live_url, page):
    open_playground(page, live_url)
    page.get_by_role("button", name="Add consumer to group 1", exact=True).click()
    lines = page.locator("[data-log-lines] li")
    expect(lines.filter(has_text="Stabilized group 1").first).to_be_visible(timeout=SLOW)
    page.get_by_role("button", name="Pause").first.click()  # no new lines while we look
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live")

    page.select_option("[data-log-filter=source]", "broker")
    rows = _rows(page)
    assert any(shown for _, _, _, shown in rows)
    assert all(shown == (source == "broker") for source, _, _, shown in rows)

    page.select_option("[data-log-filter=source]", "")
    page.select_option("[data-log-filter=client]", "1a")
    rows = _rows(page)
    assert any(shown for *_, shown in rows)
    assert all(shown == (client == "1a") for _, _, client, shown in rows)

    page.select_option("[data-log-filter=client]", "")
    page.select_option("[data-log-filter=level]", "WARN")
    assert all(shown == (level in ("WARN", "ERROR")) for _, level, _, shown in _rows(page))
    page.select_option("[data-log-filter=level]", "")
    assert all(shown for *_, shown in _rows(page))
