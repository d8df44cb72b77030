"""Lesson 3 (payment idempotency) as content: its steps, scenarios and "try this"
commands on the real simulator, and what each step promises happening on the
engine (the layers matrix, a late retry after the key expired, the outbox)."""
import pytest

from learnkafka.components.diagrams import diagram_files
from learnkafka.lessons.content import lesson_slugs, load_lesson
from simulator import Simulation, SimulationError
from simulator.commands import command_from_dict
from simulator.scenarios import load_scenario, scenario_names

LESSON = load_lesson("payment-idempotency")
SLUGS = ["problem", "solution", "store", "race", "safeguards", "layers", "ttl", "outbox"]
LOST = {"type": "drop_messages", "target": "client:shop", "message_kind": "pay_response"}


def test_the_lesson_is_listed_with_the_eight_steps_h_paysim_links_to():
    assert "payment-idempotency" in lesson_slugs()
    assert [s.slug for s in LESSON.steps] == SLUGS
    assert LESSON.step("race").panel == "payrace_panel"  # the real-database race


@pytest.mark.parametrize("slug", SLUGS)
def test_every_step_teaches_has_a_diagram_beside_the_code_panel_and_buttons(slug):
    step = LESSON.step(slug)
    assert len(step.markdown_text.split()) > 150
    html = diagram_files(step.diagram)["html"].read_text()
    assert f'data-diagram="{step.diagram}"' in html
    assert '{% component "diagram_payment_code"' in html
    assert step.try_this


@pytest.mark.parametrize("slug", SLUGS)
def test_every_scenario_runs_and_every_try_this_is_accepted_in_page_order(slug):
    """Pressed in page order, a few seconds apart. The one refusal a learner can meet is
    the race step's "Switch UNIQUE on" after a double insert (the table refuses a UNIQUE
    index over duplicate keys, as PostgreSQL does); its hint says to Reset, as here."""
    step = LESSON.step(slug)
    assert step.scenario in scenario_names()

    def start():
        sim = Simulation(load_scenario(step.scenario), seed=11)
        events = sim.advance(3000)
        assert not [e for e in events if e.kind == "command_rejected"]
        return sim

    sim = start()
    for prompt in step.try_this:
        for command in prompt.commands:
            try:
                sim.apply(command_from_dict(command))
            except SimulationError as error:
                assert error.code == "unique_violation" and "Reset" in prompt.hint, prompt.label
                sim = start()
                sim.apply(command_from_dict(command))
        sim.advance(12_000)


def run(scenario, script, seed=3):
    sim = Simulation(load_scenario(scenario), seed=seed)
    sim.advance(12_000)  # the consumer group has settled
    for item in script:
        if isinstance(item, int):
            sim.advance(item)
        else:
            sim.apply(command_from_dict(item))
    return sim.snapshot()["payments"]


def configure(**settings):
    return {"type": "payments_configure", "settings": settings}


PAY = {"type": "pay", "amount": 100}
CLIENT_RETRY = [LOST, PAY, 15_000]
PRODUCER_RETRY = [{"type": "drop_messages", "source": "broker:1",
                   "message_kind": "produce_response"}, PAY, 15_000]
# payments-1 owns the partition; crashed before its (60 s) offset commit, the
# group hands the partition to payments-2, which reads the record again.
REDELIVERY = [PAY, 3_000, {"type": "crash_consumer", "consumer": "payments-1"}, 40_000]


@pytest.mark.parametrize("layers_off, failure, charges", [
    ({}, CLIENT_RETRY, 1),
    ({}, PRODUCER_RETRY, 1),
    ({}, REDELIVERY, 1),
    ({"gateway_cache": False}, CLIENT_RETRY, 1),          # layer 3 still catches it
    ({"variant": "no_key"}, CLIENT_RETRY, 2),             # no key: layers 1 and 3 both blind
    ({"variant": "no_key"}, PRODUCER_RETRY, 1),           # layer 2 drops the duplicate batch
    ({"variant": "no_key", "producer_idempotence": False}, PRODUCER_RETRY, 2),
    ({"variant": "no_key"}, REDELIVERY, 2),               # only layer 3 can stop a redelivery
], ids=["all-on-client", "all-on-producer", "all-on-redelivery", "l1-off-client",
        "l3-off-client", "l3-off-producer", "l2-l3-off-producer", "l3-off-redelivery"])
def test_layers_a_failure_gets_through_only_past_the_layers_switched_off(layers_off, failure,
                                                                         charges):
    script = ([configure(**layers_off)] if layers_off else []) + failure
    p = run("lesson-pay-layers", script)
    assert p["charges"] == {"pay-1": charges}


def test_ttl_a_retry_before_expiry_is_cached_and_after_the_cleanup_is_a_new_charge():
    first = [LOST, {"type": "pay", "amount": 100, "request_id": "pay-1", "max_retries": 0},
             10_000]
    early = run("lesson-pay-ttl", first + [{"type": "pay", "amount": 100,
                                            "same_key_as": "pay-1"}, 10_000])
    assert sum(early["charges"].values()) == 1 and early["balances"] == {"alice": 400}
    # The lesson's "Skip 24 hours": keys live a day, the skip jumps the idle
    # cluster, and the cleanup (every 10 s) deletes the key just after.
    skip = {"type": "fast_forward", "by_ms": 86_400_000}
    cached = {"type": "pay", "amount": 100, "same_key_as": "pay-1"}
    late = run("lesson-pay-ttl", first + [cached, 10_000, skip, 10_000, cached, 10_000])
    assert sum(late["charges"].values()) == 2 and late["balances"] == {"alice": 300}
    assert late["idempotency_store"] and all(
        row["expires_at_ms"] > 86_400_000 for row in late["idempotency_store"])


@pytest.mark.parametrize("outbox, delivered", [(False, 0), (True, 1)])
def test_outbox_a_crash_between_commit_and_publish_loses_the_event_only_without_it(
        outbox, delivered):
    p = run("lesson-pay-outbox", [configure(outbox=outbox),
                                  {"type": "crash_payment_service", "when": "after_commit"},
                                  PAY, 10_000, {"type": "restart_payment_service"}, 15_000])
    assert p["charges"] == {"pay-1": 1}
    published = sum(p["events_published"].values())
    assert (published >= 1) == bool(delivered), p["events_published"]
