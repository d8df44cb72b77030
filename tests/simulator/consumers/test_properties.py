"""Properties over random schedules: groups settle with one owner per partition,
consumers never read past the HW (or LSO), and everything replays byte for byte."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import simulator.consumers.checks  # noqa: F401  (registers the consumer invariants)
from simulator import Simulation
from simulator.checks import check_invariants
from simulator.events import event_to_dict

from .consumer_helpers import scenario

NAMES = ["A", "B", "C", "D"]
STRATEGIES = [
    ["range"],
    ["roundrobin"],
    ["sticky"],
    ["cooperative-sticky"],
    ["range", "cooperative-sticky"],
]

steps = st.lists(
    st.one_of(
        st.tuples(st.just("produce"), st.integers(1, 30)),
        st.tuples(st.just("add"), st.sampled_from(NAMES)),
        st.tuples(st.just("remove"), st.sampled_from(NAMES)),
        st.tuples(st.just("crash"), st.sampled_from(NAMES)),
        st.tuples(st.just("restart"), st.sampled_from(NAMES)),
        st.tuples(st.just("slow"), st.sampled_from(NAMES)),
        st.tuples(st.just("commit"), st.sampled_from(NAMES)),
        st.tuples(st.just("crash_broker"), st.integers(1, 3)),
        st.tuples(st.just("restart_broker"), st.integers(1, 3)),
        st.tuples(st.just("advance"), st.integers(1, 20_000)),
    ),
    max_size=14,
)


def _command(step, strategy):
    kind, arg = step
    if kind == "produce":
        return {"type": "produce", "producer": "P", "topic": "orders", "value": "v", "count": arg}
    if kind == "add":
        return {
            "type": "add_consumer",
            "consumer": arg,
            "group": "g",
            "topics": ["orders"],
            "configs": {
                "partition.assignment.strategy": (
                    strategy[arg] if isinstance(strategy, dict) else strategy
                ),
                "auto.offset.reset": "earliest",
            },
        }
    if kind == "slow":
        return {
            "type": "set_consumer_config",
            "consumer": arg,
            "configs": {"processing.ms.per.record": 500, "max.poll.records": 50},
        }
    if kind == "commit":
        return {"type": "commit_offsets", "consumer": arg}
    if kind in ("crash_broker", "restart_broker"):
        return {"type": kind, "broker": arg}
    return {"type": f"{kind}_consumer", "consumer": arg}


def _run(schedule, strategy, seed):
    sim = Simulation(scenario([], partitions=4), seed=seed)
    memory: dict = {}
    events = []
    for step in schedule:
        if step[0] == "advance":
            events += sim.advance(step[1])
        else:
            try:
                events += sim.apply(_command(step, strategy))
            except Exception as exc:  # refused commands are part of random schedules
                assert getattr(exc, "code", None), exc
        problems = [
            p for p in check_invariants(sim.world, memory) if "owned by" in p or "beyond" in p
        ]
        assert not problems, problems
    return sim, events, memory


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps, st.sampled_from(STRATEGIES), st.integers(0, 5))
def test_random_schedules_keep_the_consumer_invariants(schedule, strategy, seed):
    sim, _events, memory = _run(schedule, strategy, seed)
    # Then let things settle (brokers back, no more faults): one owner per partition.
    for broker in (1, 2, 3):
        if sim.world.brokers[broker].state == "crashed":
            sim.apply({"type": "restart_broker", "broker": broker})
    sim.advance(120_000)
    assert not check_invariants(sim.world, memory)
    groups = sim.snapshot()["groups"]
    running = [c for c in sim.snapshot()["consumers"] if c["status"] != "crashed"]
    if running and groups:
        owned = sorted(tuple(tp) for m in groups[0]["members"] for tp in m["assignment"])
        assert groups[0]["state"] == "Stable"
        assert owned == [("orders", p) for p in range(4)]


@settings(max_examples=5, deadline=None)
@given(steps, st.sampled_from(STRATEGIES))
def test_same_seed_and_commands_give_byte_identical_events(schedule, strategy):
    _, first, _ = _run(schedule, strategy, 3)
    _, second, _ = _run(schedule, strategy, 3)
    dump = [json.dumps(event_to_dict(e), sort_keys=True) for e in first]
    assert dump == [json.dumps(event_to_dict(e), sort_keys=True) for e in second]


def test_rewind_and_rebuild_reproduce_a_consumer_session():
    sim = Simulation(
        scenario(
            [
                {
                    "group": "g",
                    "topics": ["orders"],
                    "configs": {"auto.offset.reset": "earliest"},
                    "consumers": [{"name": "A"}, {"name": "B"}],
                }
            ]
        ),
        seed=5,
    )
    sim.advance(5_000)
    sim.apply({"type": "produce", "producer": "P", "topic": "orders", "value": "v", "count": 40})
    sim.advance(20_000)
    sim.apply({"type": "crash_consumer", "consumer": "B"})
    sim.advance(60_000)
    end = sim.snapshot()
    rebuilt = Simulation.rebuild(sim.scenario, sim.seed, sim.command_log, sim.now_ms)
    assert rebuilt.snapshot() == end
    earlier = sim.rewind_to(30_000)
    assert earlier.now_ms == 30_000
    earlier.advance(sim.now_ms - 30_000)
    assert earlier.snapshot() == end


def test_every_event_and_the_snapshot_are_plain_json():
    """Busy run over every debugging story: all events and snapshots survive json.dumps."""
    from simulator.tools.debugging import SYMPTOMS, symptom_scenario

    kinds = set()
    for entry in SYMPTOMS:
        sim = Simulation(symptom_scenario(entry["id"]), seed=1)
        events = list(sim.setup_events) + sim.advance(entry["observe_at_ms"])
        for step in entry["fix_steps"]:
            events += sim.advance(step["after_ms"]) + sim.apply(step["command"])
        events += sim.advance(5_000)
        for event in events:
            json.dumps(event_to_dict(event))
            kinds.add(event.kind)
        json.dumps(sim.snapshot())
    assert {
        "group_state_changed",
        "assignment_changed",
        "consumer_error",
        "offset_committed",
        "poll_timeout_expired",
        "acls_changed",
    } <= kinds


def test_the_consumer_invariants_catch_violations():
    """The checks can fail: a forged poll past the HW and a doubly owned partition."""
    from simulator import events as ev

    sim = Simulation(
        scenario(
            [{"group": "g", "topics": ["orders"], "consumers": [{"name": "A"}, {"name": "B"}]}]
        ),
        seed=2,
    )
    sim.advance(6_000)
    assert not check_invariants(sim.world, {})
    system = sim.world.ext["consumers"]
    group = system.groups["g"]
    first, second = list(group.members.values())
    stolen = first.assignment[0]
    second.assignment = [*second.assignment, stolen]
    system.consumers[second.consumer].assignment = list(second.assignment)
    problems = check_invariants(sim.world, {})
    assert any("owned by" in p for p in problems)
    sim.world.emit(
        ev.ConsumerPositionChanged,
        consumer="A",
        group="g",
        topic="orders",
        partition=0,
        position=99,
        previous_position=0,
        reason="poll",
        count=99,
        records=[],
        log=None,
    )
    assert any("beyond HW" in p for p in check_invariants(sim.world, {}))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps, st.fixed_dictionaries({n: st.sampled_from(STRATEGIES) for n in NAMES}))
def test_members_with_mixed_assignors_never_break_the_group(schedule, strategies):
    """Members that share no assignor are refused; the group itself always settles."""
    sim, _events, memory = _run(schedule, strategies, 1)
    for broker in (1, 2, 3):
        if sim.world.brokers[broker].state == "crashed":
            sim.apply({"type": "restart_broker", "broker": broker})
    sim.advance(120_000)
    assert not check_invariants(sim.world, memory)
    groups = sim.snapshot()["groups"]
    if groups and groups[0]["members"]:
        owned = sorted(tuple(tp) for m in groups[0]["members"] for tp in m["assignment"])
        assert groups[0]["state"] == "Stable"
        assert owned == [("orders", p) for p in range(4)]
