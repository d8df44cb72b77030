"""fast_forward skips quiet time honestly: same observable state as advance,
refused (nothing changed) while non-routine work is pending, replayed exactly."""

from __future__ import annotations

import copy

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation, SimulationError
from simulator.fast_forward import quiet_reason
from simulator.scenarios import load_scenario

TTL_SCENARIO = "learnkafka/lessons/content/payment-idempotency/scenarios/lesson-pay-ttl.yaml"
DAY = 86_400_000


def _ttl_scenario(**payments) -> dict:
    with open(TTL_SCENARIO) as f:
        scenario = yaml.safe_load(f)
    scenario["payments"] = {**scenario["payments"], **payments}
    return scenario


RETENTION = {
    "name": "ff-retention",
    "cluster": {"brokers": 2, "configs": {"log.retention.check.interval.ms": 7_000}},
    "topics": [{"name": "clicks", "partitions": 2, "replication_factor": 2,
                "configs": {"segment.ms": 3_000, "retention.ms": 40_000}}],
    "producers": [{"name": "A"}],
}


def observable(sim: Simulation) -> dict:
    """Everything a learner can see change, without the routine counters
    (message and timer ids, heartbeat counts, the rng's position)."""
    w = sim.world
    logs = {}
    for broker_id, broker in sorted(w.brokers.items()):
        for (topic, partition), r in sorted(broker.replicas.items()):
            log = r.log
            logs[(broker_id, topic, partition)] = (
                r.role, r.leader, sorted(r.isr), r.hw, log.start_offset, log.leo,
                [(x.offset, x.key, x.value) for x in log.read(log.start_offset, log.leo, 10**6)],
                {pid: (e.producer_epoch, e.last_sequence, [list(b) for b in e.batches])
                 for pid, e in sorted(r.producers.items())})
    producers = {name: (p.producer_id, p.producer_epoch,
                        {tp: (s.next_sequence, s.last_acked_sequence)
                         for tp, s in sorted(p.sequences.items())})
                 for name, p in sorted(w.producers.items())}
    out = {"now": w.now_ms, "logs": logs, "producers": producers}
    system = w.ext.get("consumers")
    if system is not None:
        out["groups"] = {g: (x.state, x.generation, x.leader,
                             {m: (mm.consumer, sorted(map(tuple, mm.owned)))
                              for m, mm in sorted(x.members.items())})
                         for g, x in sorted(system.groups.items())}
        out["committed"] = {g: system.offsets.committed(g) for g in sorted(system.groups)}
        out["consumers"] = {a: (c.status, c.member_id, c.generation, sorted(c.positions.items()))
                            for a, c in sorted(w.actors.items()) if a.startswith("consumer:")}
    snap = sim.snapshot()
    if "payments" in snap:
        out["payments"] = snap["payments"]
    out["brokers"] = [(b["id"], b["state"], b["fenced"]) for b in snap["brokers"]]
    return out


def _settle(sim: Simulation, most_ms: int = 60_000) -> bool:
    """Advance until the simulation is quiet (True) or `most_ms` went by."""
    for _ in range(most_ms // 1_000):
        if quiet_reason(sim.world) is None:
            return True
        sim.advance(1_000)
    return quiet_reason(sim.world) is None


def _fork(sim: Simulation) -> Simulation:
    return sim.rewind_to(sim.position)


def _compare(sim: Simulation, by: int) -> None:
    simulated, skipped = _fork(sim), _fork(sim)
    simulated.advance(by)
    skipped.apply({"type": "fast_forward", "by_ms": by})
    assert observable(skipped) == observable(simulated)


# ---- the property: random quiet states, spans short enough to simulate -------------

@st.composite
def payments_state(draw):
    sim = Simulation(_ttl_scenario(), seed=draw(st.integers(0, 50)))
    for i in range(draw(st.integers(0, 3))):
        if draw(st.booleans()):
            sim.apply({"type": "drop_messages", "target": "client:shop",
                       "message_kind": "pay_response"})
        command = {"type": "pay", "amount": draw(st.sampled_from([50, 100])),
                   "request_id": f"p-{i}", "max_retries": 0}
        if i and draw(st.booleans()):
            command = {"type": "pay", "amount": 100, "same_key_as": "p-0"}
        sim.apply(command)
        sim.advance(draw(st.integers(1_000, 90_000)))
    return sim


@st.composite
def retention_state(draw):
    sim = Simulation(copy.deepcopy(RETENTION), seed=draw(st.integers(0, 50)))
    sim.advance(3_000)
    for _ in range(draw(st.integers(0, 4))):
        sim.apply({"type": "produce", "producer": "A", "topic": "clicks", "value": "c",
                   "count": draw(st.integers(1, 4))})
        sim.advance(draw(st.integers(500, 20_000)))
    return sim


@st.composite
def group_state(draw):
    sim = Simulation(load_scenario("playground"), seed=draw(st.integers(0, 20)))
    for _ in range(draw(st.integers(0, 2))):
        sim.apply({"type": "produce", "producer": draw(st.sampled_from(["A", "B"])),
                   "topic": "orders", "key": draw(st.sampled_from(["a", "b", "c"])),
                   "value": "v"})
        sim.advance(draw(st.integers(100, 5_000)))
    return sim


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payments_state(), st.integers(1_000, 300_000))
def test_fast_forward_matches_advance_payments(sim, by):
    if _settle(sim):
        _compare(sim, by)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(retention_state(), st.integers(1_000, 120_000))
def test_fast_forward_matches_advance_retention(sim, by):
    if _settle(sim):
        _compare(sim, by)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(group_state(), st.integers(1_000, 30_000))
def test_fast_forward_matches_advance_consumer_groups(sim, by):
    assert _settle(sim), quiet_reason(sim.world)
    _compare(sim, by)


# ---- the day, the rules, replay ------------------------------------------------------

def test_a_day_expires_the_key_and_a_late_retry_charges_again():
    sim = Simulation(_ttl_scenario(key_ttl_ms=DAY), seed=4)
    sim.apply({"type": "drop_messages", "target": "client:shop", "message_kind": "pay_response"})
    sim.apply({"type": "pay", "amount": 100, "request_id": "pay-1", "max_retries": 0})
    assert _settle(sim)
    assert len(sim.snapshot()["payments"]["idempotency_store"]) == 1
    events = sim.apply({"type": "fast_forward", "by_ms": DAY + 60_000})
    kinds = [e.kind for e in events]
    assert "idempotency_key_expired" in kinds
    assert sim.snapshot()["payments"]["idempotency_store"] == []
    sim.apply({"type": "pay", "amount": 100, "same_key_as": "pay-1"})
    sim.advance(20_000)
    assert sum(sim.snapshot()["payments"]["charges"].values()) == 2


def test_an_expired_segment_goes_at_the_check_inside_the_span():
    scenario = copy.deepcopy(RETENTION)
    scenario["topics"][0]["configs"]["retention.ms"] = 3_600_000
    sim = Simulation(scenario, seed=1)
    for _ in range(3):
        sim.apply({"type": "produce", "producer": "A", "topic": "clicks", "value": "c",
                   "partition": 0})
        sim.advance(4_000)
    assert _settle(sim)
    start = observable(sim)["logs"][(1, "clicks", 0)][4]
    events = sim.apply({"type": "fast_forward", "by_ms": 2 * 3_600_000})
    deleted = [e for e in events if e.kind == "segments_deleted"]
    assert deleted and all(e.at_ms < sim.now_ms for e in deleted)
    assert observable(sim)["logs"][(1, "clicks", 0)][4] > start


def test_a_fast_forward_replays_identically():
    sim = Simulation(_ttl_scenario(key_ttl_ms=DAY), seed=2)
    sim.apply({"type": "pay", "amount": 100, "request_id": "pay-1"})
    assert _settle(sim)
    sim.apply({"type": "fast_forward", "by_ms": DAY + 5})
    sim.advance(3_000)
    again = Simulation.replay(sim.scenario, sim.seed,
                              [e.to_dict() for e in sim.history], sim.position)
    assert again.snapshot() == sim.snapshot()
    assert again.history[-1].command.type == "fast_forward"


def _refused(sim: Simulation, code: str = "not_quiet", by: int = 60_000) -> str:
    before, history = sim.snapshot(), list(sim.history)
    with pytest.raises(SimulationError) as info:
        sim.apply({"type": "fast_forward", "by_ms": by})
    assert info.value.code == code
    assert sim.snapshot() == before and sim.history == history
    return info.value.message


def test_a_consumer_that_read_everything_is_quiet():
    """Found by test_fast_forward_matches_advance_consumer_groups: a consumer
    that had taken every buffered record kept an empty entry in its buffer, so
    fast_forward called it busy ("holding fetched records") for ever and
    refused every skip."""
    sim = Simulation(load_scenario("playground"), seed=0)
    for _ in range(2):
        sim.apply({"type": "produce", "producer": "A", "topic": "orders", "key": "a",
                   "value": "v"})
        sim.advance(5_000)
    assert _settle(sim), quiet_reason(sim.world)
    consumer = sim.world.actors["consumer:1a"]
    assert dict(consumer.positions)[("orders", 1)] == 2  # both records were read
    _compare(sim, 10_000)


def test_refused_while_a_payment_is_in_flight():
    sim = Simulation(_ttl_scenario(), seed=1)
    sim.apply({"type": "pay", "amount": 100, "request_id": "pay-1"})
    assert "payment request in flight" in _refused(sim)


def test_refused_while_a_produce_is_in_flight():
    sim = Simulation(copy.deepcopy(RETENTION), seed=1)
    sim.advance(3_000)
    sim.apply({"type": "produce", "producer": "A", "topic": "clicks", "value": "c"})
    assert "producer A" in _refused(sim)


def test_refused_during_a_rebalance_and_with_a_crashed_broker():
    sim = Simulation(load_scenario("playground"), seed=1)
    sim.advance(100)
    assert "rebalancing" in _refused(sim) or "joining" in _refused(sim)
    assert _settle(sim)
    sim.apply({"type": "crash_broker", "broker": 3})
    sim.advance(1)
    assert "crashed" in _refused(sim)


def test_refused_with_a_scheduled_fault_pending():
    sim = Simulation(load_scenario("retention"), seed=1)  # its timeline produces until 15 s
    sim.advance(12_600)
    reason = quiet_reason(sim.world)
    while "timeline" not in reason and sim.now_ms < 14_900:
        sim.advance(50)
        reason = quiet_reason(sim.world)
    assert "timeline" in _refused(sim)


def test_refused_when_a_rule_inside_the_span_starts_work():
    # A preferred-leader election is due: the imbalance check would move a leader.
    sim = Simulation(load_scenario("playground"), seed=1)
    assert _settle(sim)
    sim.apply({"type": "crash_broker", "broker": 1})
    sim.advance(20_000)
    sim.apply({"type": "restart_broker", "broker": 1})
    assert _settle(sim)
    message = _refused(sim, by=DAY)
    assert "time rule" in message


def test_bad_spans_are_refused():
    sim = Simulation(_ttl_scenario(), seed=1)
    _refused(sim, code="bad_command", by=0)
    _refused(sim, code="bad_command", by=8 * DAY)
    with pytest.raises(SimulationError):
        sim.apply({"type": "fast_forward", "by_ms": "soon"})


def test_the_work_budget_bounds_a_fast_forward():
    # A cleanup every second for a week is 604,800 timers: more than
    # limits.FAST_FORWARD_WORK, so the jump is refused and nothing changes.
    sim = Simulation(_ttl_scenario(cleanup_interval_ms=1_000), seed=1)
    assert _settle(sim)
    assert "at most" in _refused(sim, code="over_budget", by=7 * DAY)
    assert sim.apply({"type": "fast_forward", "by_ms": DAY})  # 86,400 timers: fine


def test_rewind_into_a_skipped_span_is_refused_clearly_and_to_its_start_works():
    sim = Simulation(_ttl_scenario(key_ttl_ms=DAY), seed=1)
    sim.advance(20_000)
    before = observable(sim)
    sim.apply({"type": "fast_forward", "by_ms": DAY})
    sim.advance(5_000)
    assert observable(sim.rewind_to(20_000)) == before  # the skip's own time: just before it
    with pytest.raises(SimulationError) as info:
        sim.rewind_to(40_000_000)
    assert info.value.code == "skipped_time" and "20000" in info.value.message
    assert sim.rewind_to(10_000).now_ms == 10_000
    assert sim.rewind_to(DAY + 21_000).now_ms == DAY + 21_000
