"""Issue 9, as a learner meets it in Chromium: one frame per command of a
multi-command button, a hop on screen long enough to follow, the right HW on a
new leader, a time slider, failures drawn in the diagram, reduced motion that
still shows a record, keyboard names and a skip link."""
import json
import re

import pytest
from playwright.sync_api import expect

from simulator.partitioners import partition_for_key
from tests.browser.test_playground import SLOW, leader_of, open_playground, produce

pytestmark = pytest.mark.browser

LAPTOP = {"width": 1366, "height": 768}
MIN_HOP_MS = 400  # static/js/live/model.js


def sent_commands(page):
    """Record every command frame the page sends on its sandbox socket."""
    frames = []

    def on_socket(ws):
        ws.on("framesent", lambda payload: frames.append(json.loads(payload)))
    page.on("websocket", on_socket)
    return frames


def test_a_multi_command_button_sends_each_command_once(live_url, page):
    frames = sent_commands(page)
    open_playground(page, live_url)
    button = page.locator("[data-acks='1'][data-command-sequence]")
    expected = json.loads(button.get_attribute("data-command-sequence"))
    assert len(expected) > 1
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true", timeout=SLOW)
    page.wait_for_timeout(500)
    commands = [f["command"] for f in frames if f.get("type") == "command"]
    assert commands == expected


def test_a_lesson_try_this_with_two_commands_sends_two_frames(live_url, page):
    frames = sent_commands(page)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_url}/lessons/kafka-basics/consumer-groups/")
    sandbox = page.locator("[data-live-sandbox]")
    expect(sandbox).to_have_attribute("data-live-state", "live", timeout=SLOW)
    buttons = page.locator("[data-command-sequence]")
    if buttons.count() == 0:
        pytest.skip("this lesson step has no multi-command prompt")
    # Lessons get the time slider too, beside their own controls.
    expect(page.locator(".stage-controls input[data-control=timeline]")).to_have_count(1)
    button = buttons.first
    expected = json.loads(button.get_attribute("data-command-sequence"))
    button.click()
    page.wait_for_timeout(800)
    commands = [f["command"] for f in frames if f.get("type") == "command"]
    assert commands == expected


FLIGHT_WATCH = """
(ms) => { window.__flights = (async () => {
  const seen = {};
  const frames = [];
  const start = performance.now();
  await new Promise((done) => {
    function look(now) {
      frames.push(now);
      const dots = document.querySelectorAll('svg[data-diagram=cluster] circle.carries-records');
      for (const dot of dots) {
        const key = dot.dataset.key;
        seen[key] = seen[key] || { first: now, last: now };
        seen[key].last = now;
      }
      if (now - start < ms) requestAnimationFrame(look); else done();
    }
    requestAnimationFrame(look);
  });
  // A dot seen from frame `first` to frame `last` was on screen for that long
  // plus up to one frame more (frames are sparse on a busy machine).
  const gaps = frames.slice(1).map((t, i) => t - frames[i]).sort((a, b) => a - b);
  const frame = gaps.length ? gaps[Math.floor(gaps.length / 2)] : 0;
  return Object.values(seen).map((s) => s.last - s.first + frame);
})(); }
"""


def test_a_record_in_flight_stays_on_screen_long_enough_to_follow(live_url, page, screenshot):
    open_playground(page, live_url)
    page.select_option("#pg-speed", "1")
    page.locator("[data-control=play]").click()
    # Watch from before the click, so the whole hop is seen however busy the machine is.
    page.evaluate(FLIGHT_WATCH, 3000)
    produce(page, key="follow-me", value="v")
    durations = page.evaluate("() => window.__flights")
    assert durations, "no record was drawn in flight"
    # The produce hop is a 40 ms network hop; it is drawn over MIN_HOP_MS.
    assert max(durations) >= MIN_HOP_MS * 0.85, durations


def test_a_new_leader_shows_the_same_hw_as_a_fresh_tab(live_url, page, context):
    """Issue 9 bug 1: after a leader change the new leader showed HW 0 until the
    next write, while a freshly opened tab showed the right HW."""
    open_playground(page, live_url)
    page.select_option("#pg-speed", "8")
    page.locator("[data-control=play]").click()
    written, _ = partition_for_key("customer-42", 3)
    for i in range(3):
        produce(page, key="customer-42", value=f"v{i}")
    old = leader_of(page, written)
    old_leader = page.locator(f'[data-replica="orders/{written}/{old}"]')
    expect(old_leader).to_have_attribute("data-hw", "3", timeout=SLOW)
    page.get_by_role("button", name=f"Crash broker {old}", exact=True).click()
    new_leader = page.locator(f'[data-replica^="orders/{written}/"][data-role="leader"]'
                              f':not([data-replica$="/{old}"])')
    expect(new_leader).to_have_count(1, timeout=30_000)
    # No write since: the HW it shows is the one it learnt as a follower.
    expect(new_leader).to_have_attribute("data-hw", "3", timeout=SLOW)
    page.locator("[data-control=pause]").click()
    fresh = context.new_page()
    open_playground(fresh, live_url)
    there = fresh.locator(f'[data-replica="{new_leader.get_attribute("data-replica")}"]')
    expect(there).to_have_attribute("data-role", "leader")
    expect(there).to_have_attribute("data-hw", "3")
    fresh.close()


def test_the_time_slider_goes_back_to_a_recent_moment(live_url, page):
    open_playground(page, live_url)
    page.select_option("#pg-speed", "8")
    page.locator("[data-control=play]").click()
    slider = page.locator("input[data-control=timeline]")
    expect(slider).to_have_count(1)
    page.wait_for_function(
        "() => Number(document.querySelector('input[data-control=timeline]').max) > 8000",
        timeout=SLOW)
    page.locator("[data-control=pause]").click()
    page.wait_for_timeout(300)
    now = int(slider.get_attribute("max"))
    target = max(int(slider.get_attribute("min")), now - 5000)
    slider.evaluate("""(el, v) => { el.value = String(v);
        el.dispatchEvent(new Event('change', {bubbles: true})); }""", target)
    sandbox = page.locator("[data-live-sandbox]")
    page.wait_for_function(
        "(t) => Math.abs(document.querySelector('[data-live-sandbox]')"
        ".liveSandbox.state.now_ms - t) < 200",
        arg=target, timeout=SLOW)
    assert sandbox.evaluate("el => el.liveSandbox.state.now_ms") < now


def test_failures_show_in_the_diagram(live_url, page, screenshot):
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_url}/playground/")
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live")
    page.select_option("#pg-speed", "4")
    page.locator("[data-control=play]").click()
    # A slowed broker says how much, in words a person reads.
    page.get_by_role("button", name="Slow broker 3", exact=True).click()
    expect(page.locator('svg [data-broker="3"]')).to_contain_text("slowed 40 s", timeout=SLOW)
    # Two brokers down: acks=all writes are refused (min.insync.replicas=2) and retried.
    for b in (2, 3):
        page.get_by_role("button", name=f"Crash broker {b}", exact=True).click()
    expect(page.locator('svg [data-broker="2"].crashed')).to_have_count(1, timeout=SLOW)
    page.wait_for_function("""() => Object.values(document.querySelector('[data-live-sandbox]')
        .liveSandbox.state.topics.orders.partitions).every((p) => p.isr.length === 1)""",
        timeout=30_000)
    produce(page, key="customer-42", value="refused")
    producer = page.locator('svg [data-producer="producer:A"]')
    expect(producer).to_have_attribute("data-status", re.compile("retrying|failed"), timeout=30_000)
    expect(producer).to_contain_text("NOT_ENOUGH_REPLICAS")
    assert re.search(r"attempt \d", producer.text_content())
    # A dead consumer counts down to its session timeout.
    page.locator("[data-live-sandbox]").evaluate(
        "el => el.liveSandbox.send({type: 'command',"
        " command: {type: 'crash_consumer', consumer: '2a'}})")
    member = page.locator('svg [data-consumer="consumer:2a"]')
    expect(member).to_contain_text(re.compile(r"timeout in \d+ s"), timeout=SLOW)
    # Members show positions and lag; groups their committed offsets.
    expect(page.locator('svg [data-consumer="consumer:1a"]')).to_contain_text("lag")
    expect(page.locator('svg [data-group="1"]')).to_contain_text(
        re.compile("committed|nothing committed"))
    screenshot(page, "failures-1366")
    sizes = (("1920", {"width": 1920, "height": 1080}), ("390", {"width": 390, "height": 844}))
    for name, size in sizes:
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
        screenshot(page, f"failures-{name}")


def test_reduced_motion_shows_a_still_marker_and_says_where_a_record_goes(
        live_url, page, screenshot):
    page.emulate_media(reduced_motion="reduce")
    open_playground(page, live_url)
    page.locator("[data-control=pause]").click()
    produce(page, key="still", value="v")
    caption = page.locator("svg .still-caption")
    step = page.locator("[data-control=step]")
    for _ in range(30):
        if "record" in (caption.text_content() or ""):
            break
        step.click()
        page.wait_for_timeout(100)
    assert re.search(r"record.*producer A → broker \d", caption.text_content())
    expect(page.locator("svg circle.still-marker.carries-records").first).to_be_attached()
    expect(page.locator("[data-narrator]")).to_contain_text("On its way", timeout=SLOW)
    screenshot(page, "reduced-motion")


def test_keyboard_reaches_the_controls_and_every_button_has_its_own_name(live_url, page,
                                                                         screenshot):
    open_playground(page, live_url)
    for b in (1, 2, 3):
        for verb in ("Crash", "Restart", "Slow"):
            name = f"{verb} broker {b}"
            expect(page.get_by_role("button", name=name, exact=True)).to_have_count(1)
    expect(page.get_by_role("button", name="Add consumer to group 1", exact=True)).to_have_count(1)
    # The first Tab stop in the sandbox is a skip link past the diagram's parts.
    skip = page.locator("[data-skip-to-controls]")
    # Until a keyboard reaches it, it covers nothing (it once sat over the step list).
    assert skip.bounding_box()["width"] <= 1, skip.bounding_box()
    skip.focus()
    expect(skip).to_be_focused()
    # Shown at the top of the sandbox it belongs to, not somewhere off screen.
    box = skip.bounding_box()
    sandbox = page.locator("[data-live-sandbox]").bounding_box()
    assert sandbox["y"] <= box["y"] <= sandbox["y"] + 60, (box, sandbox)
    screenshot(page, "skip-link")
    page.keyboard.press("Enter")
    focused = page.evaluate("document.activeElement.closest('.controls') !== null")
    assert focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('svg') === null")


def test_labels_name_groups_and_consumers_one_way(live_url, page):
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_url}/lessons/kafka-basics/architecture/")
    svg = page.locator('svg[data-diagram="cluster"]')
    expect(svg.locator("[data-group]")).to_have_count(2, timeout=SLOW)
    titles = svg.locator("[data-group] > text[data-key=title]").all_text_contents()
    assert all(t.startswith("group-") for t in titles), titles
    assert not any("Group group" in t for t in titles)
    open_playground(page, live_url)
    page.get_by_role("button", name="Add consumer to group 1", exact=True).click()
    expect(page.locator('svg [data-consumer="consumer:1b"]')).to_have_count(1, timeout=SLOW)


STEPS = ["architecture", "message-flow", "partition-log", "consumer-groups", "isr", "acks",
         "config"]


@pytest.mark.parametrize("reduced", [False, True], ids=["motion", "reduced-motion"])
def test_no_page_raises_a_script_error_while_it_runs(live_url, page, reduced):
    """Every diagram renders every frame without throwing (a throwing render
    stops the whole sandbox's drawing loop), with and without motion."""
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if reduced:
        page.emulate_media(reduced_motion="reduce")
    page.set_viewport_size(LAPTOP)
    for path in ["/playground/", *(f"/lessons/kafka-basics/{s}/" for s in STEPS)]:
        page.goto(f"{live_url}{path}")
        sandbox = page.locator("[data-live-sandbox]")
        expect(sandbox).to_have_attribute("data-live-state", "live", timeout=SLOW)
        expect(sandbox).to_have_attribute("data-rendered-seq", re.compile(r"\d+"), timeout=SLOW)
        page.locator("[data-control=play]").first.click()
        page.wait_for_timeout(1500)
        assert errors == [], (path, errors)
