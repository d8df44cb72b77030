"""The playground in a real Chromium against a real Daphne: a learner's own live cluster."""
import re

import pytest
from playwright.sync_api import expect

from simulator.partitioners import partition_for_key

pytestmark = pytest.mark.browser

TOPIC = "orders"
PARTITIONS = 3
SLOW = 15_000  # ms: generous waits for a shared, busy 2-core machine


def open_playground(page, live_url):
    page.set_viewport_size({"width": 1280, "height": 1000})
    page.goto(f"{live_url}/playground/")
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live")
    expect(page.locator('svg[data-diagram="cluster"] [data-broker]')).to_have_count(3)


def leader_of(page, partition: int) -> str:
    leader = page.locator(f'[data-replica^="{TOPIC}/{partition}/"][data-role="leader"]')
    expect(leader).to_have_count(1)
    return leader.get_attribute("data-replica").rsplit("/", 1)[1]


def produce(page, *, key: str = "", value: str = "hello", producer: str = "A"):
    page.select_option("#pg-producer", producer)
    page.fill("#pg-key", key)
    page.fill("#pg-value", value)
    page.get_by_role("button", name="Produce", exact=True).click()


def test_a_keyed_record_lands_in_the_partition_murmur2_picks(live_url, page, screenshot):
    open_playground(page, live_url)
    key = "customer-42"
    expected, _hash = partition_for_key(key, PARTITIONS)
    leader = leader_of(page, expected)
    produce(page, key=key, value="first order")
    target = page.locator(f'[data-replica="{TOPIC}/{expected}/{leader}"]')
    expect(target).to_have_attribute("data-leo", "1", timeout=SLOW)
    expect(target).to_contain_text("customer-42")
    for other in set(range(PARTITIONS)) - {expected}:
        other_leader = leader_of(page, other)
        expect(page.locator(f'[data-replica="{TOPIC}/{other}/{other_leader}"]')).to_have_attribute(
            "data-leo", "0")
    # The followers copy it too: every replica of that partition reaches LEO 1.
    expect(page.locator(f'[data-replica^="{TOPIC}/{expected}/"][data-leo="1"]')).to_have_count(
        3, timeout=SLOW)
    screenshot(page, "keyed-record")


def test_crashing_the_leaders_broker_moves_leadership(live_url, page, screenshot):
    open_playground(page, live_url)
    page.select_option("#pg-speed", "8")
    old_leader = leader_of(page, 0)
    row = page.locator(".broker-controls li", has_text=f"Broker {old_leader}")
    row.get_by_role("button", name="Crash").click()
    broker = page.locator(f'svg [data-broker="{old_leader}"]')
    expect(broker).to_have_class(re.compile(r"\bcrashed\b"), timeout=SLOW)
    new_leader = page.locator(f'[data-replica^="{TOPIC}/0/"][data-role="leader"]')
    expect(new_leader).not_to_have_attribute(
        "data-replica", f"{TOPIC}/0/{old_leader}", timeout=SLOW)
    expect(new_leader).to_have_count(1)
    assert leader_of(page, 0) != old_leader
    screenshot(page, "leader-moved")


def test_a_hostile_value_is_shown_as_text_and_runs_nothing(live_url, page):
    open_playground(page, live_url)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    hostile = "<img src=x onerror=alert(1)>"
    key = "k"
    expected, _ = partition_for_key(key, PARTITIONS)
    leader = leader_of(page, expected)
    produce(page, key=key, value=hostile)
    target = page.locator(f'[data-replica="{TOPIC}/{expected}/{leader}"]')
    expect(target).to_have_attribute("data-leo", "1", timeout=SLOW)
    title = target.locator("title")
    expect(title).to_have_text(f"Last record: #0 k: {hostile}")
    assert page.locator("svg img, main img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []


def test_a_reload_finds_the_same_cluster(live_url, page):
    open_playground(page, live_url)
    sandbox_id = page.locator("[data-live-sandbox]").get_attribute("data-sandbox-id")
    old_leader = leader_of(page, 1)
    page.locator(".broker-controls li", has_text="Broker 3").get_by_role(
        "button", name="Slow broker 3", exact=True).click()
    key = "survivor"
    expected, _ = partition_for_key(key, PARTITIONS)
    produce(page, key=key, value="still here")
    target = page.locator(f'[data-replica="{TOPIC}/{expected}/{leader_of(page, expected)}"]')
    expect(target).to_have_attribute("data-leo", "1", timeout=SLOW)
    expect(page.locator('svg [data-broker="3"]')).to_have_class(re.compile(r"\bslow\b"))

    page.reload()
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-sandbox-id", sandbox_id)
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live")
    expect(target).to_have_attribute("data-leo", "1", timeout=SLOW)
    expect(target).to_contain_text("still here")
    expect(page.locator('svg [data-broker="3"]')).to_have_class(re.compile(r"\bslow\b"))
    assert leader_of(page, 1) == old_leader


def test_every_control_works_from_the_keyboard(live_url, page):
    open_playground(page, live_url)
    pause = page.locator("[data-control=pause]")
    pause.focus()
    page.keyboard.press("Enter")
    expect(pause).to_have_attribute("aria-pressed", "true")
    page.locator("#pg-key").focus()
    page.keyboard.type("kb")
    page.keyboard.press("Tab")  # to the value input
    page.keyboard.press("Control+A")
    page.keyboard.type("typed")
    page.keyboard.press("Tab")  # to the Produce button
    expect(page.get_by_role("button", name="Produce", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expected, _ = partition_for_key("kb", PARTITIONS)
    # Paused: the record waits in the producer until time moves; Step moves it.
    step = page.locator("[data-control=step]")
    target = page.locator(f'[data-replica^="{TOPIC}/{expected}/"][data-role="leader"]')
    for _ in range(30):
        if target.get_attribute("data-leo") == "1":
            break
        step.focus()
        page.keyboard.press("Enter")
        page.wait_for_timeout(100)
    expect(target).to_have_attribute("data-leo", "1")
    # Diagram parts are reachable by Tab and say what they are.
    broker = page.locator('svg [data-broker="1"]')
    broker.focus()
    expect(broker).to_be_focused()
    assert broker.get_attribute("aria-label").startswith("Broker 1")


def test_reduced_motion_draws_hops_as_still_lines(live_url, page):
    """With reduced motion nothing glides: a hop is a still dashed line with a
    still marker at its end (and a caption for records), never a moving dot."""
    page.emulate_media(reduced_motion="reduce")
    open_playground(page, live_url)
    page.locator("[data-control=pause]").click()
    produce(page, key="still", value="v")
    step = page.locator("[data-control=step]")
    for _ in range(30):
        if page.locator("svg line.message").count():
            break
        step.click()
        page.wait_for_timeout(100)
    assert page.locator("svg line.message").count() > 0
    still_markers = page.locator("svg circle.message.still-marker").count()
    assert page.locator("svg circle.message").count() == still_markers


def test_the_narrator_tells_screen_readers_what_happened(live_url, page):
    open_playground(page, live_url)
    page.select_option("#pg-speed", "8")
    page.locator(".broker-controls li", has_text="Broker 2").get_by_role(
        "button", name="Crash").click()
    narrator = page.locator("[data-narrator]")
    expect(narrator).to_have_attribute("aria-live", "polite")
    expect(narrator).to_contain_text("Broker 2 crashed", timeout=SLOW)


def test_more_consumers_than_partitions_leaves_one_idle_and_removing_one_rebalances(
        live_url, page, screenshot):
    open_playground(page, live_url)
    page.select_option("#pg-speed", "8")
    group = page.locator('svg [data-group="1"]')
    add = page.locator(".group-controls li", has_text="Group 1").get_by_role(
        "button", name="Add consumer")
    for _ in range(3):
        add.click()
    expect(group.locator("[data-consumer]")).to_have_count(4, timeout=SLOW)
    # After the rebalance: 3 partitions, 4 consumers, so exactly one has nothing to read.
    expect(group.locator("[data-consumer].idle")).to_have_count(1, timeout=SLOW)
    idle_label = group.locator("[data-consumer].idle").get_attribute("aria-label")
    assert "idle" in idle_label
    screenshot(page, "idle-consumer")
    page.locator(".group-controls li", has_text="Group 1").get_by_role(
        "button", name="Remove consumer").click()
    expect(group.locator("[data-consumer]")).to_have_count(3, timeout=SLOW)
    expect(group.locator("[data-consumer].idle")).to_have_count(0, timeout=SLOW)


def test_changing_acks_reconfigures_both_producers(live_url, page):
    open_playground(page, live_url)
    button = page.get_by_role("button", name="acks=1")
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    for name in ("A", "B"):
        expect(page.locator(f'svg [data-producer="producer:{name}"]')).to_contain_text("acks=1")
    expect(page.get_by_role("button", name="acks=all")).to_have_attribute("aria-pressed", "false")
