"""On a freshly started server, several learners opening the playground at the
same moment each get their live cluster: diagram, controls, and a socket that
goes live (the cold-start race of issue 8 §5; the HTTP-level test with 96
visitors is tests/sandbox/test_wire_cold_start.py)."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

LEARNERS = 6


def test_learners_arriving_together_on_a_cold_server_each_get_a_live_cluster(
        restartable_server, browser, screenshot):
    contexts = [browser.new_context(viewport={"width": 1366, "height": 768})
                for _ in range(LEARNERS)]
    try:
        pages = [context.new_page() for context in contexts]
        for page in pages:
            page.goto("about:blank")
        url = f"{restartable_server.url}/playground/"
        for page in pages:  # every navigation starts before any has finished
            page.evaluate("url => { location.href = url; }", url)
        ids = set()
        for page in pages:
            page.wait_for_url(url)
            sandbox = page.locator("[data-live-sandbox]")
            expect(sandbox).to_have_attribute("data-live-state", "live", timeout=30_000)
            expect(page.locator('svg[data-diagram="cluster"] [data-broker]')).to_have_count(3)
            expect(page.get_by_role("button", name="Produce", exact=True)).to_be_visible()
            ids.add(sandbox.get_attribute("data-sandbox-id"))
        assert len(ids) == LEARNERS  # each learner their own cluster
        screenshot(pages[-1], "last-of-six-cold")
    finally:
        for context in contexts:
            context.close()


@pytest.mark.parametrize("width, height", [(390, 844), (1366, 768), (1920, 1080)])
def test_a_learner_at_the_history_quota_reads_why_and_what_to_do(
        live_url, page, screenshot, width, height):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_url}/playground/")
    sandbox = page.locator("[data-live-sandbox]")
    expect(sandbox).to_have_attribute("data-live-state", "live")
    # 25 batches of 100 fill the quota (2,500 records); the 26th is refused.
    page.evaluate("""() => {
      const handle = document.querySelector("[data-live-sandbox]").liveSandbox;
      for (let i = 0; i < 26; i++) {
        handle.send({type: "command", command: {type: "produce", producer: "A",
                     topic: "orders", value: "v", count: 100}});
      }
    }""")
    error = page.locator("[data-live-error]")
    expect(error).to_contain_text("may produce 2,500 in all", timeout=20_000)
    expect(error).to_contain_text("reset it")
    error.scroll_into_view_if_needed()
    screenshot(page, f"quota-refusal-{width}x{height}")
