"""The browser pipeline itself: frame-gap resync, reconnect, static mode, diagram clicks."""
import json
import re

import pytest
from playwright.sync_api import expect

from learnkafka.sandbox.static_mode import static_snapshot_compute

pytestmark = pytest.mark.browser

RECORD_SENT = """
(() => {
  window.__sent = [];
  window.__sockets = [];
  const send = WebSocket.prototype.send;
  WebSocket.prototype.send = function (data) {
    window.__sent.push(JSON.parse(data));
    return send.call(this, data);
  };
  const Original = window.WebSocket;
  window.WebSocket = class extends Original {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();
"""


def open_playground(page, live_url):
    page.add_init_script(RECORD_SENT)
    page.goto(f"{live_url}/playground/")
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live")
    expect(page.locator('svg[data-diagram="cluster"] [data-broker]')).to_have_count(3)


def test_a_gap_in_frames_makes_the_browser_ask_for_a_snapshot_and_carry_on(live_url, page):
    open_playground(page, live_url)
    page.evaluate("""() => {
      window.__snapshots = 0;
      document.querySelector('[data-live-sandbox]').addEventListener('live:message',
        (e) => { if (e.detail.type === 'snapshot') window.__snapshots += 1; });
    }""")
    # A frame from the future (frame numbers skip): something between was lost.
    page.evaluate("""() => document.querySelector('[data-live-sandbox]').liveSandbox.socket
        ._receive(JSON.stringify({type: 'events', frame: 100000, epoch: 1000000, now_ms: 0,
                                  events: []}))""")
    page.wait_for_function("() => window.__snapshots >= 1", timeout=20_000)
    assert {"type": "resync"} in page.evaluate("window.__sent")
    # ...and the page still works: a command goes through and shows.
    page.locator(".broker-controls li", has_text="Broker 1").get_by_role(
        "button", name="Crash").click()
    expect(page.locator('svg [data-broker="1"]')).to_have_class("broker crashed", timeout=20_000)


def test_a_dropped_socket_reconnects_and_starts_from_a_snapshot(live_url, page):
    open_playground(page, live_url)
    page.evaluate("""() => {
      window.__snapshots = 0;
      document.querySelector('[data-live-sandbox]').addEventListener('live:message',
        (e) => { if (e.detail.type === 'snapshot') window.__snapshots += 1; });
      window.__sockets[window.__sockets.length - 1].close();  // as a network failure would
    }""")
    page.wait_for_function("() => window.__snapshots >= 1", timeout=10_000)
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live")
    assert page.evaluate("window.__sockets.length") == 2


def test_static_mode_draws_a_snapshot_without_any_socket(live_url, page):
    snapshot = static_snapshot_compute(scenario="playground", commands=[
        {"at_ms": 100, "command": {"type": "crash_broker", "broker": 2}}], until_ms=20_000)
    page.add_init_script(RECORD_SENT)
    html = page.request.get(f"{live_url}/playground/").text()
    skeleton = re.search(r'<svg[^>]*data-diagram="cluster".*?</svg>', html, re.S).group(0)
    page.goto(f"{live_url}/")
    page.evaluate(
        """([skeleton, snapshot]) => {
          const holder = document.createElement('div');
          holder.dataset.staticState = 'still-state';
          holder.innerHTML = skeleton;  // our own server-rendered skeleton, not learner text
          const data = document.createElement('script');
          data.type = 'application/json';
          data.id = 'still-state';
          data.textContent = JSON.stringify(snapshot);
          document.querySelector('main').append(holder, data);
          return import('/static/js/live/boot.js');
        }""",
        [skeleton, snapshot],
    )
    still = page.locator("[data-static-state]")
    expect(still).to_have_attribute("data-rendered", "true")
    expect(still.locator('[data-broker="2"]')).to_have_class("broker crashed")
    expect(still.locator("[data-broker]")).to_have_count(3)
    assert page.evaluate("window.__sent") == []
    # Clicking a part of a diagram announces what was clicked (quizzes listen).
    page.evaluate("""() => { window.__picked = null;
      document.addEventListener('diagram:select', (e) => { window.__picked = e.detail; }); }""")
    still.locator('[data-replica="orders/0/1"]').click()
    assert page.evaluate("window.__picked") == {"replica": "orders/0/1"}
    still.locator('[data-broker="3"]').focus()
    page.keyboard.press("Enter")
    assert page.evaluate("window.__picked") == {"broker": "3"}
    assert json.dumps(snapshot)  # the snapshot is plain JSON


def test_messages_in_flight_never_block_a_click_on_a_replica(live_url, page):
    page.emulate_media(reduced_motion="reduce")  # hops drawn as still lines across replicas
    open_playground(page, live_url)
    layer = page.locator('svg[data-diagram="cluster"] [data-layer="messages"]')
    assert layer.evaluate("g => getComputedStyle(g).pointerEvents") == "none"
    assert page.locator('svg [data-layer="links"]').evaluate(
        "g => getComputedStyle(g).pointerEvents") == "none"
