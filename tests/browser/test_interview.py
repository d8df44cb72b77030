"""The mock interview in a real browser: a whole timed mock, the architecture builder graded
right and wrong (by mouse and keyboard), rubric self-grading by selected words, the result
with its chart and print layout, and the interviewer's paired view.

Screenshots (test-artifacts/screenshots/test_*-<name>.png) at 1366x768, and 390x844 for the
builder and the result.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
WAIT_MS = 30_000
FLOW = ["serialize", "send", "append", "replicate", "ack", "consume"]
HANDLER = ["check", "claim", "process", "mark"]
COMMANDS = "\n".join([
    "kafka-get-offsets.sh --bootstrap-server broker-1:9092 --topic orders",
    "kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --describe --group payment-service",
    "kafka-topics.sh --bootstrap-server broker-1:9092 --describe --topic orders",
    "kafka-acls.sh --bootstrap-server broker-1:9092 --list --topic orders",
    "kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --group payment-service "
    "--topic orders --reset-offsets --to-earliest --execute",
])


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def start(page, live_url, *, timed=True, minutes="10"):
    page.goto(f"{live_url}/interview/")
    page.locator(f'input[name=timing][value={"timed" if timed else "untimed"}]').check()
    page.get_by_label("Minutes per question").fill(minutes)
    page.get_by_role("button", name="Start the interview").click()
    expect(page.locator("[data-iv-phase]")).to_be_visible(timeout=WAIT_MS)


def at_phase(page, question: str, phase: str):
    head = page.locator(".iv-head")
    expect(head).to_have_attribute("data-iv-question", question, timeout=WAIT_MS)
    expect(head).to_have_attribute("data-iv-phase", phase, timeout=WAIT_MS)


def select_words(page, quote: str):
    page.evaluate(
        """(quote) => {
          const el = document.querySelector('[data-iv-answer-text]');
          const node = el.firstChild;
          const i = node.textContent.indexOf(quote);
          if (i < 0) throw new Error('not in the answer: ' + quote);
          const r = document.createRange();
          r.setStart(node, i); r.setEnd(node, i + quote.length);
          const s = window.getSelection(); s.removeAllRanges(); s.addRange(r);
        }""",
        quote,
    )


def free_text(page, text: str, points: dict[str, str], screenshot=None, name=""):
    page.locator("textarea[name=text]").fill(text)
    page.get_by_role("button", name="Submit my answer").click()
    expect(page.locator("[data-iv-marking]")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("[data-iv-model-answer]")).to_have_count(0)  # not before submitting
    for point, quote in points.items():
        select_words(page, quote)
        page.locator(f'[data-iv-use-selection="{point}"]').click()
        expect(page.locator(f'[data-iv-quote="{point}"]')).to_have_value(quote)
        expect(page.locator(f'[data-iv-start="{point}"]')).to_have_value(str(text.index(quote)))
    if screenshot:
        screenshot(page, f"{name}-marking")
    page.get_by_role("button", name="Grade my answer").click()
    expect(page.locator("[data-iv-feedback]")).to_be_visible(timeout=WAIT_MS)


def next_phase(page):
    page.locator("[data-iv-continue]").click()


def order_list(page, want: list[str]):
    """Reorder with the ↑ buttons only (what a keyboard user presses)."""
    for target, item in enumerate(want):
        while True:
            ids = page.locator("[data-iv-order] [data-item-id]").evaluate_all(
                "els => els.map(e => e.dataset.itemId)")
            pos = ids.index(item)
            if pos == target:
                break
            page.locator(f'[data-item-id="{item}"] [data-iv-move="up"]').press("Enter")


def node(page, label: str):
    return page.locator(f'[data-iv-canvas] [data-node-id][aria-label="{label}"]')


def connect(page, a: str, b: str):
    """Select a, then b, from the keyboard (Enter on the focused piece)."""
    node(page, a).press("Enter")
    node(page, b).press("Enter")
    expect(page.locator("[data-iv-builder-status]")).to_contain_text("Connected")


def add(page, kind: str, times: int = 1):
    for _ in range(times):
        page.locator(f'[data-add="{kind}"]').click()


def add_replica(page, partition: int, leader: bool, broker: str):
    page.locator("[data-replica-partition]").select_option(str(partition))
    page.locator("[data-replica-role]").select_option("leader" if leader else "follower")
    page.locator("[data-replica-broker]").select_option(label=broker)
    page.locator('[data-add="replica"]').click()


def lead(p, b):
    return f"P{p} leader on Broker {b}"


def follow(p, b):
    return f"P{p} follower on Broker {b}"


def draw_reference(page):
    add(page, "producer", 2)
    add(page, "broker", 3)
    for p, leader_on, follower_on in ((0, 1, 3), (1, 2, 1), (2, 3, 2)):
        add_replica(page, p, True, f"Broker {leader_on}")
        add_replica(page, p, False, f"Broker {follower_on}")
    add(page, "controller", 3)
    add(page, "group", 2)
    connect(page, "Producer A", lead(0, 1))
    connect(page, "Producer A", lead(1, 2))
    connect(page, "Producer B", lead(2, 3))
    for p, leader_on, follower_on in ((0, 1, 3), (1, 2, 1), (2, 3, 2)):
        connect(page, lead(p, leader_on), follow(p, follower_on))
    for i in (1, 2, 3):
        connect(page, f"Controller {i}", f"Broker {i}")
    for g in (1, 2):
        for p, b in ((0, 1), (1, 2), (2, 3)):
            connect(page, lead(p, b), f"Consumer group {g}")


def seconds_left(page) -> int:
    timer = page.locator("[data-iv-timer]")
    expect(timer).to_have_attribute("data-seconds-left", re.compile(r"\d+"), timeout=WAIT_MS)
    return int(timer.get_attribute("data-seconds-left"))


def set_deadline(interview_page_url: str, seconds: float):
    from django.utils import timezone

    from learnkafka.interview.models import Interview

    public_id = interview_page_url.rstrip("/").split("/")[-1].split("#")[0]
    Interview.objects.filter(public_id=public_id).update(
        question_deadline=timezone.now() + timedelta(seconds=seconds))


def test_a_whole_timed_mock_timer_survives_reload_and_time_up_moves_on(
        live_url, page, screenshot):
    errors = console_errors(page)
    page.set_viewport_size({"width": 1366, "height": 768})
    assert page.goto(f"{live_url}/interview/").ok
    screenshot(page, "start")
    start(page, live_url, timed=True, minutes="10")
    mock_url = page.url

    # Q1, phase 1: say what Kafka is, then point at the words meeting each rubric point.
    at_phase(page, "kafka-basics", "definition")
    before = seconds_left(page)
    assert 590 <= before <= 600
    screenshot(page, "q1-definition")
    free_text(page, "Kafka is a distributed commit log. Producers write to topics on "
              "brokers; consumers in groups read them by offset.",
              {"opens": "Kafka is a distributed commit log", "commit-log": "commit log",
               "distributed": "distributed",
               "parts": "Producers write to topics on brokers; consumers"},
              screenshot=screenshot, name="q1-definition")
    expect(page.locator("[data-iv-phase-score]")).to_have_text("4 of 4")
    expect(page.locator("[data-iv-model-answer]")).to_contain_text("KRaft")
    screenshot(page, "q1-definition-graded")

    # The countdown is the server's: a reload does not reset it.
    page.reload()
    after = seconds_left(page)
    assert after <= before and after < 600, (before, after)
    next_phase(page)

    # Q1, phase 2: the architecture, drawn from the keyboard, graded right.
    at_phase(page, "kafka-basics", "architecture")
    draw_reference(page)
    screenshot(page, "q1-architecture-drawn")
    page.locator("[data-iv-builder-submit]").click()
    expect(page.locator("[data-iv-feedback]")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("[data-iv-phase-score]")).to_have_text("12 of 12")
    expect(page.locator('.iv-check[data-passed="false"]')).to_have_count(0)
    screenshot(page, "q1-architecture-graded")
    next_phase(page)

    # Q1, phase 3: the six steps.
    at_phase(page, "kafka-basics", "message-flow")
    screenshot(page, "q1-message-flow")
    order_list(page, FLOW)
    page.get_by_role("button", name="Submit the order").click()
    expect(page.locator("[data-iv-phase-score]")).to_have_text("6 of 6", timeout=WAIT_MS)
    next_phase(page)

    # Q1, phase 4: the concepts, partly met.
    at_phase(page, "kafka-basics", "concepts")
    free_text(page, "acks=all waits for the ISR. Retention keeps records for 7 days. "
              "Each record has an offset.",
              {"acks": "acks=all", "isr": "ISR", "retention": "Retention keeps records",
               "offsets": "offset"})
    expect(page.locator("[data-iv-phase-score]")).to_have_text("4 of 6")
    expect(page.locator('[data-check="replication"] .iv-check__lesson')).to_have_attribute(
        "href", "/lessons/kafka-basics/isr/")
    screenshot(page, "q1-concepts-graded")
    next_phase(page)

    # Q2: a fresh clock. The approach, the practical (checked before fixing anything),
    # then the CLI commands are typed but the time runs out before they are sent.
    at_phase(page, "consumer-not-consuming", "approach")
    assert seconds_left(page) >= 590
    free_text(page, "I'd go systematically: first verify the producer, then the consumer "
              "group's lag.", {"systematic": "systematically", "producer": "producer",
                               "group-lag": "consumer group's lag"})
    screenshot(page, "q2-approach-graded")
    next_phase(page)
    at_phase(page, "consumer-not-consuming", "practical")
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live",
                                                                  timeout=WAIT_MS)
    screenshot(page, "q2-practical")
    page.locator("[data-iv-check-fix]").click()
    expect(page.locator("[data-iv-goal-passed]")).to_have_attribute(
        "data-iv-goal-passed", "false", timeout=60_000)
    next_phase(page)
    at_phase(page, "consumer-not-consuming", "commands")
    page.locator("textarea[name=commands]").fill(COMMANDS)
    screenshot(page, "q2-commands")
    set_deadline(mock_url, 4)
    page.reload()
    assert seconds_left(page) <= 4
    # Nobody clicks: the countdown reaches zero and the server moves on to Q3.
    at_phase(page, "payment-idempotency", "idea")
    expect(page.locator("[data-iv-timeup]")).to_contain_text("Time ran out on")
    assert seconds_left(page) >= 590
    screenshot(page, "q3-after-time-up")

    # Q3: the idea, the design.
    free_text(page, "Every request carries a unique idempotency key made by the client. "
              "We check it first and keep the claim and the charge in one transaction, "
              "with a UNIQUE constraint.",
              {"opens": "Every request carries a unique idempotency key",
               "client-key": "made by the client", "check": "check it first",
               "transaction": "one transaction", "unique": "UNIQUE constraint"})
    expect(page.locator("[data-iv-phase-score]")).to_have_text("5 of 5")
    next_phase(page)
    at_phase(page, "payment-idempotency", "design")
    order_list(page, HANDLER)
    page.get_by_label("Claim, process and mark run in one database transaction").check()
    page.get_by_label("idempotency_key has a UNIQUE constraint", exact=False).check()
    for label in ("SELECT ... FOR UPDATE", "Keys expire after 24 hours",
                  "Outbox: write the event", "Publish the event straight after the commit"):
        page.get_by_label(label, exact=False).check()
    screenshot(page, "q3-design")
    page.get_by_role("button", name="Submit my design").click()
    expect(page.locator("[data-iv-feedback]")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator('[data-check="design-publish-after-commit"]')).to_have_attribute(
        "data-passed", "false")
    screenshot(page, "q3-design-graded")
    next_phase(page)
    at_phase(page, "payment-idempotency", "chaos")
    expect(page.locator("[data-iv-design-summary]")).to_contain_text("key unique")
    screenshot(page, "q3-chaos")
    page.locator("[data-iv-run-chaos]").click()
    expect(page.locator("[data-iv-chaos-result]")).to_be_visible(timeout=WAIT_MS)
    # No gateway cache nor producer idempotence picked, but the outbox and the UNIQUE key:
    # charged once each, no event lost.
    expect(page.locator('[data-iv-count="duplicate_charges"]')).to_have_text("0")
    expect(page.locator('[data-iv-count="lost_events"]')).to_have_text("0")
    screenshot(page, "q3-chaos-run")
    next_phase(page)

    # The result: every dimension, weak points linked to lessons, the chart, print.
    expect(page.locator("[data-iv-result]")).to_be_visible(timeout=WAIT_MS)
    for key in ("fundamentals", "debugging", "cli", "idempotency", "structure"):
        expect(page.locator(f'.iv-dims [data-dimension="{key}"]')).to_be_visible()
    expect(page.locator('[data-dimension="cli"] [data-iv-percent]')).to_have_text("0%")
    expect(page.locator(".iv-phase-list").nth(1)).to_contain_text("Show you know the CLI commands: "
                                                           "time ran out")
    expect(page.locator(".iv-weak a[href='/lessons/kafka-basics/isr/']").first).to_be_visible()
    expect(page.locator("[data-iv-chart] [data-series=total] circle")).to_have_count(1)
    screenshot(page, "result")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "result-390")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    screenshot(page, "result-print")
    assert errors == [], errors


def test_the_builder_grades_a_wrong_drawing_wrong_and_shows_why(live_url, page, screenshot):
    from learnkafka.interview.models import Interview

    errors = console_errors(page)
    page.set_viewport_size({"width": 1366, "height": 768})
    start(page, live_url, timed=False)
    public_id = page.url.rstrip("/").split("/")[-1]
    Interview.objects.filter(public_id=public_id).update(phase_index=1)
    page.reload()
    at_phase(page, "kafka-basics", "architecture")
    add(page, "producer")
    add(page, "broker", 2)
    add_replica(page, 0, True, "Broker 1")
    add_replica(page, 0, False, "Broker 1")  # both copies on one broker
    add(page, "zookeeper")
    connect(page, "Producer A", follow(0, 1))  # to a follower
    connect(page, "ZooKeeper", "Broker 1")
    # Delete from the keyboard, then put it back: the piece and its links go.
    add(page, "group")
    node(page, "Consumer group 1").press("Delete")
    expect(node(page, "Consumer group 1")).to_have_count(0)
    add(page, "group")
    connect(page, lead(0, 1), "Consumer group 1")
    screenshot(page, "wrong-drawn")
    page.reload()  # the draft survives a reload
    expect(page.locator("[data-iv-canvas] [data-node-id]")).to_have_count(7, timeout=WAIT_MS)
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "wrong-drawn-390")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.locator("[data-iv-builder-submit]").click()
    expect(page.locator("[data-iv-feedback]")).to_be_visible(timeout=WAIT_MS)
    for check in ("arch-brokers", "arch-replicas", "arch-writes-leader", "arch-quorum",
                  "arch-no-zookeeper", "arch-metadata", "arch-meaningful"):
        expect(page.locator(f'[data-check="{check}"]')).to_have_attribute("data-passed", "false")
    expect(page.locator('[data-check="arch-no-zookeeper"]')).to_contain_text("Kafka 4.0")
    expect(page.locator("svg[data-source=iv-diagram-reference] [data-kind=controller]")
           ).to_have_count(3)
    screenshot(page, "wrong-graded")
    assert errors == [], errors


def test_the_interviewer_sees_rubric_model_answer_and_scores_follow_the_candidate(
        live_url, page, browser, screenshot):
    page.set_viewport_size({"width": 1366, "height": 768})
    start(page, live_url, timed=True)
    link = page.locator("[data-iv-pair-url]").input_value()
    interviewer = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    interviewer.goto(link)
    panel = interviewer.locator("[data-iv-pair-panel]")
    expect(panel).to_contain_text("Rubric: what full marks look like")
    expect(interviewer.locator("[data-iv-pair-model]")).to_contain_text("KRaft")
    expect(panel).to_contain_text("Still answering")
    # The candidate's own page shows no model answer and no rubric before they write.
    expect(page.locator("[data-iv-model-answer]")).to_have_count(0)
    free_text(page, "Kafka is a distributed commit log.", {"commit-log": "commit log"})
    expect(panel).to_contain_text("Met 1 of 4 checks", timeout=WAIT_MS)  # htmx refresh
    screenshot(interviewer, "interviewer")
    interviewer.context.close()


def _jump_to_q3_design(live_url, page):
    from learnkafka.interview.models import Interview

    start(page, live_url, timed=False)
    public_id = page.url.rstrip("/").split("/")[-1]
    Interview.objects.filter(public_id=public_id).update(question_index=2, phase_index=1)
    page.reload()
    at_phase(page, "payment-idempotency", "design")


@pytest.mark.parametrize("design", ["wrong", "right"])
def test_the_chaos_run_counts_the_charges_of_a_wrong_and_a_right_design(
        live_url, page, screenshot, design):
    errors = console_errors(page)
    page.set_viewport_size({"width": 1366, "height": 768})
    _jump_to_q3_design(live_url, page)
    order_list(page, HANDLER)
    if design == "right":
        page.get_by_label("Claim, process and mark run in one database transaction").check()
        page.get_by_label("idempotency_key has a UNIQUE constraint", exact=False).check()
        for label in ("SELECT ... FOR UPDATE", "API gateway answers repeats",
                      "enable.idempotence=true", "Keys expire after 24 hours", "Outbox:"):
            page.get_by_label(label, exact=False).check()
    else:  # a fresh key per request and publishing straight after the commit
        page.get_by_label("The server makes a fresh key", exact=False).check()
        page.get_by_label("Publish the event straight after the commit", exact=False).check()
    page.get_by_role("button", name="Submit my design").click()
    next_phase(page)
    at_phase(page, "payment-idempotency", "chaos")
    page.locator("[data-iv-run-chaos]").click()
    result = page.locator("[data-iv-chaos-result]")
    expect(result).to_be_visible(timeout=WAIT_MS)
    duplicates = int(page.locator('[data-iv-count="duplicate_charges"]').inner_text())
    lost = int(page.locator('[data-iv-count="lost_charges"]').inner_text())
    lost_events = int(page.locator('[data-iv-count="lost_events"]').inner_text())
    if design == "right":
        expect(result).to_have_attribute("data-safe", "true")
        assert (duplicates, lost, lost_events) == (0, 0, 0)
        expect(page.locator('.iv-check[data-passed="false"]')).to_have_count(0)
    else:
        expect(result).to_have_attribute("data-safe", "false")
        assert duplicates > 0
        expect(page.locator('[data-check="chaos-duplicate-charges"]')).to_have_attribute(
            "data-passed", "false")
        expect(page.locator('[data-check="chaos-duplicate-charges"] a')).to_have_attribute(
            "href", re.compile(r"^/lessons/"))
    expect(page.locator(".iv-faults li")).to_have_count(5)
    screenshot(page, f"chaos-{design}")
    assert errors == [], errors


def _jump_to_practical(live_url, page, seed: int):
    from learnkafka.interview.models import Interview

    start(page, live_url, timed=False)
    public_id = page.url.rstrip("/").split("/")[-1]
    Interview.objects.filter(public_id=public_id).update(seed=seed, question_index=1,
                                                         phase_index=1)
    page.reload()
    at_phase(page, "consumer-not-consuming", "practical")
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live",
                                                                  timeout=WAIT_MS)


def terminal(page, line: str, expect_text: str):
    box = page.locator("[data-terminal-input]")
    box.fill(line)
    box.press("Enter")
    expect(page.locator("[data-terminal-output]")).to_contain_text(expect_text, timeout=WAIT_MS)


@pytest.mark.parametrize("fix", ["fixed", "unfixed"])
def test_the_practical_is_diagnosed_in_the_terminal_and_graded_by_the_simulator(
        live_url, page, screenshot, fix):
    errors = console_errors(page)
    page.set_viewport_size({"width": 1366, "height": 768})
    _jump_to_practical(live_url, page, 108)  # the consumer's principal lacks READ on orders
    expect(page.locator("[data-iv-ticket]")).to_contain_text("stopped consuming orders")
    terminal(page, "kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --describe "
             "--group payment-service", "payment-service")
    terminal(page, "kafka-acls.sh --bootstrap-server broker-1:9092 --list --topic orders",
             "Current ACLs")
    if fix == "fixed":
        terminal(page, "kafka-acls.sh --bootstrap-server broker-1:9092 --add --allow-principal "
                 "User:payments --operation Read --topic orders", "Adding ACLs")
    screenshot(page, f"practical-{fix}")
    page.locator("[data-iv-check-fix]").click()
    expect(page.locator("[data-iv-feedback]")).to_be_visible(timeout=60_000)
    passed = page.locator("[data-iv-goal-passed]")
    expect(passed).to_have_attribute("data-iv-goal-passed",
                                     "true" if fix == "fixed" else "false")
    missed = page.locator('.iv-check[data-passed="false"]')
    if fix == "fixed":
        expect(missed).to_have_count(0)
    else:
        expect(missed.first).to_contain_text("never returned by poll()")
    screenshot(page, f"practical-{fix}-graded")
    assert errors == [], errors


def test_the_cli_phase_runs_each_named_command_on_a_simulated_cluster(live_url, page, screenshot):
    from learnkafka.interview.models import Interview

    errors = console_errors(page)
    page.set_viewport_size({"width": 1366, "height": 768})
    start(page, live_url, timed=False)
    public_id = page.url.rstrip("/").split("/")[-1]
    Interview.objects.filter(public_id=public_id).update(question_index=1, phase_index=2)
    page.reload()
    at_phase(page, "consumer-not-consuming", "commands")
    page.locator("textarea[name=commands]").fill(
        COMMANDS + "\nkafka-run-class kafka.tools.GetOffsetShell --broker-list localhost:9092 "
        "--topic orders")
    page.get_by_role("button", name="Run my commands").click()
    expect(page.locator("[data-iv-feedback]")).to_be_visible(timeout=WAIT_MS)
    for check in ("cli-producer", "cli-group", "cli-topic", "cli-acls", "cli-reset"):
        expect(page.locator(f'[data-check="{check}"]')).to_have_attribute("data-passed", "true")
    expect(page.locator('[data-check="cli-accepted"]')).to_have_attribute("data-passed", "false")
    expect(page.locator('.iv-runs li[data-accepted="false"]')).to_contain_text("GetOffsetShell")
    expect(page.locator(".iv-runs").first).to_contain_text("orders:0:")
    screenshot(page, "cli-graded")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "cli-graded-390")
    assert errors == [], errors
