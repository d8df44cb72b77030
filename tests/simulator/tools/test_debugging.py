"""Every row of the guide's symptom table is staged, shows its symptom, and its fix works."""

import pytest

from simulator import Simulation
from simulator.scenarios import validate_scenario
from simulator.tools.debugging import SYMPTOMS, symptom_scenario


def _group(sim):
    groups = sim.snapshot()["groups"]
    return groups[0] if groups else None


def _consumer(sim, name="A"):
    return next(c for c in sim.snapshot()["consumers"] if c["id"] == name)


def _total_lag(sim):
    group = _group(sim)
    return sum(group["lag"].values()) if group else None


def _stage(symptom_id):
    entry = next(s for s in SYMPTOMS if s["id"] == symptom_id)
    sim = Simulation(symptom_scenario(symptom_id), seed=4)
    events = sim.advance(entry["observe_at_ms"])
    return entry, sim, events


def _fix(entry, sim):
    events = []
    for step in entry["fix_steps"]:
        if step["after_ms"]:
            events += sim.advance(step["after_ms"])
        events += sim.apply(step["command"])
    return events


def _kinds(events, kind):
    return [e for e in events if e.kind == kind]


def _polled(events, name="A"):
    return sum(
        e.count
        for e in _kinds(events, "consumer_position_changed")
        if e.reason == "poll" and e.consumer == name
    )


@pytest.mark.parametrize("entry", SYMPTOMS, ids=[s["id"] for s in SYMPTOMS])
def test_every_symptom_scenario_is_a_valid_scenario(entry):
    validate_scenario(symptom_scenario(entry["id"]))
    assert entry["symptom"] and entry["cause"] and entry["fix"] and entry["fix_steps"]


def test_lag_zero_no_messages_then_reset_to_earliest():
    entry, sim, events = _stage("lag-zero-no-messages")
    assert _total_lag(sim) == 0 and _polled(events) == 0
    events = _fix(entry, sim) + sim.advance(10_000)
    assert _polled(events) == 30


def test_lag_growing_with_an_active_consumer_then_faster_processing():
    entry, sim, events = _stage("lag-growing-consumer-active")
    assert _consumer(sim)["status"] == "processing"
    lag_before = _total_lag(sim)
    assert lag_before > 50
    _fix(entry, sim)
    sim.advance(30_000)
    assert _total_lag(sim) == 0


def test_lag_growing_without_a_consumer_then_restart():
    entry, sim, events = _stage("lag-growing-no-consumer")
    assert _group(sim)["state"] == "Empty" and _total_lag(sim) == 20
    _fix(entry, sim)
    sim.advance(15_000)
    assert _total_lag(sim) == 0


def test_too_many_consumers_leaves_one_idle_then_scale_down():
    entry, sim, events = _stage("assigned-zero-partitions-too-many-consumers")
    assert _consumer(sim, "D")["assignment"] == [] and _consumer(sim, "D")["status"] == "idle"
    _fix(entry, sim)
    sim.advance(10_000)
    assert len(_group(sim)["members"]) == 3
    assert all(m["assignment"] for m in _group(sim)["members"])


def test_misspelt_topic_gets_nothing_then_subscribe_right():
    entry, sim, events = _stage("assigned-zero-partitions-wrong-topic")
    assert _consumer(sim)["assignment"] == []
    assert _consumer(sim)["last_error"]["error"] == "UNKNOWN_TOPIC_OR_PARTITION"
    _fix(entry, sim)
    sim.advance(10_000)
    assert len(_consumer(sim)["assignment"]) == 3


def test_constant_rebalancing_then_smaller_batches():
    entry, sim, events = _stage("constant-rebalancing")
    assert len(_kinds(events, "poll_timeout_expired")) >= 2
    assert _total_lag(sim) == 100
    _fix(entry, sim)
    sim.advance(400_000)
    assert _total_lag(sim) == 0


def test_deserialization_errors_then_aligned_deserializer():
    entry, sim, events = _stage("deserialization-errors")
    assert _consumer(sim)["status"] == "stuck"
    assert _kinds(events, "consumer_error")[0].error == "RecordDeserializationException"
    _fix(entry, sim)
    sim.advance(10_000)
    assert _total_lag(sim) == 0


def test_acl_denied_then_granted():
    entry, sim, events = _stage("reads-nothing-acl")
    assert _consumer(sim)["last_error"]["error"] == "TopicAuthorizationException"
    _fix(entry, sim)
    events = sim.advance(10_000)
    assert _polled(events) == 10


def test_wrong_bootstrap_then_fixed():
    entry, sim, events = _stage("reads-nothing-bootstrap")
    assert _consumer(sim)["last_error"]["error"] == "ConnectionError"
    assert _group(sim) is None  # it never reached a coordinator
    _fix(entry, sim)
    events = sim.advance(10_000)
    assert _polled(events) == 10


def test_retention_deleted_the_position_then_reset_on_restart():
    entry, sim, events = _stage("retention-deleted-offsets")
    _fix(entry, sim)
    events = sim.advance(10_000)
    resets = [e for e in _kinds(events, "consumer_position_changed") if e.reason == "reset"]
    assert resets and "is out of range for partition orders-0" in resets[0].log


def test_a_failing_producer_leaves_a_healthy_consumer_idle_until_the_replica_returns():
    entry, sim, events = _stage("producer-not-writing")
    assert _group(sim)["state"] == "Stable" and _total_lag(sim) == 0 and _polled(events) == 0
    events = _fix(entry, sim) + sim.advance(15_000)
    assert _polled(events) == 10


def test_a_wrong_group_id_reads_nothing_while_the_real_group_waits_then_the_right_id():
    entry, sim, events = _stage("wrong-group-id")
    groups = {g["group_id"]: g for g in sim.snapshot()["groups"]}
    assert groups["payment-service"]["state"] == "Empty"
    assert sum(groups["payment-service"]["lag"].values()) == 18
    assert sum(groups["payment-service-v2"]["lag"].values()) == 0
    events = _fix(entry, sim) + sim.advance(15_000)
    assert _polled(events) == 18


def test_symptom_scenarios_load_by_name_through_the_provider():
    from simulator.scenarios import load_scenario, register_scenario_provider, scenario_names
    from simulator.tools import debugging

    register_scenario_provider(debugging.symptom_scenario_names, debugging.scenario_for_name)
    assert "symptom-constant-rebalancing" in scenario_names()
    assert load_scenario("symptom-constant-rebalancing")["name"] == "symptom-constant-rebalancing"
    assert debugging.scenario_for_name("symptom-nope") is None
