"""Exact replay: a simulation rebuilt from `sim.history` up to `sim.position`
equals the live one byte for byte (snapshot, `last_seq`, and every event from
there on), also when several commands share one millisecond, when a budget
stop left timers of a millisecond unrun, and across rewinds."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation, SimulationError
from simulator.events import event_to_dict
from simulator.limits import WorkBudget
from simulator.simulation import HistoryEntry

from .simhelpers import scenario

BROKERS = st.integers(1, 3)
COMMANDS = st.one_of(
    st.builds(lambda n, k: {"type": "produce", "producer": "P", "topic": "t", "value": "v",
                            "key": k, "count": n},
              st.integers(1, 30), st.one_of(st.none(), st.sampled_from(["a", "b", "c"]))),
    st.builds(lambda: {"type": "flush", "producer": "P"}),
    st.builds(lambda b: {"type": "crash_broker", "broker": b}, BROKERS),
    st.builds(lambda b: {"type": "restart_broker", "broker": b}, BROKERS),
    st.builds(lambda b: {"type": "isolate_broker", "broker": b}, BROKERS),
    st.builds(lambda b: {"type": "reconnect_broker", "broker": b}, BROKERS),
    st.builds(lambda c: {"type": "add_consumer", "consumer": f"c{c}", "group": "g",
                         "topics": ["t"], "configs": {"auto.offset.reset": "earliest"}},
              st.integers(1, 3)),
    st.builds(lambda c: {"type": "crash_consumer", "consumer": f"c{c}"}, st.integers(1, 3)),
    st.builds(lambda: {"type": "drop_messages", "message_kind": "produce_response"}),
    st.builds(lambda: {"type": "elect_leaders", "topic": "t"}),
)
# One action of a live session: a command, a burst of commands in one ms, time
# running (advance or step), or a rewind to an earlier time (the session goes on
# from the fork).
ACTIONS = st.one_of(
    st.tuples(st.just("apply"), COMMANDS),
    st.tuples(st.just("burst"), st.lists(COMMANDS, min_size=2, max_size=5)),
    st.tuples(st.just("advance"), st.sampled_from([0, 0, 1, 2, 3, 7, 40, 250, 1_000, 6_000])),
    st.tuples(st.just("step"), st.integers(1, 4)),
    st.tuples(st.just("rewind"), st.floats(0, 1)),
)


def _scenario() -> dict:
    # linger.ms 0 and latency 1: commands schedule timers at the very ms they are
    # given, so same-ms commands really interleave with timers.
    sc = scenario(partitions=2, producer_configs={"linger.ms": 0})
    sc["cluster"]["network"] = {"latency_ms": 1, "jitter_ms": 1}
    return sc


def _dump(sim: Simulation) -> str:
    return json.dumps(sim.snapshot(), sort_keys=True)


def _events(events) -> str:
    return json.dumps([event_to_dict(e) for e in events], sort_keys=True)


def _future(sim: Simulation) -> str:
    """The event stream from here on: a few steps, then two seconds."""
    out = []
    for _ in range(3):
        out.extend(sim.step())
    out.extend(sim.advance(2_000))
    return _events(out)


def _run_session(sim: Simulation, actions) -> Simulation:
    for kind, arg in actions:
        try:
            if kind == "apply":
                sim.apply(arg)
            elif kind == "burst":
                for command in arg:
                    try:
                        sim.apply(command)
                    except SimulationError:
                        pass
            elif kind == "advance":
                sim.advance(arg)
            elif kind == "step":
                for _ in range(arg):
                    sim.step()
            elif kind == "rewind":
                sim = sim.rewind_to(int(sim.now_ms * arg))
        except SimulationError as err:
            # Refused commands change nothing; a budget stop leaves time at a
            # timer boundary inside a millisecond: both are part of the session.
            assert err.code in {"over_budget"} or not err.code.startswith("internal")
    return sim


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=st.lists(ACTIONS, min_size=1, max_size=14), seed=st.integers(0, 1_000),
       per_call=st.sampled_from([None, 7, 40]), interval=st.sampled_from([None, 500]))
def test_a_replay_of_the_history_equals_the_live_session_byte_for_byte(actions, seed, per_call,
                                                                      interval):
    budget = WorkBudget(per_call=per_call, per_call_per_ms=0)  # stops mid-ms
    live = Simulation(_scenario(), seed=seed, checkpoint_interval_ms=interval, budget=budget)
    live = _run_session(live, actions)
    stored = json.loads(json.dumps([e.to_dict() for e in live.history]))  # as a database has it
    again = Simulation.replay(_scenario(), seed, stored, live.position,
                              checkpoint_interval_ms=interval, budget=budget)
    assert again.position == live.position
    assert again.world.last_seq == live.world.last_seq
    assert _dump(again) == _dump(live)
    assert [e.to_dict() for e in again.history] == stored
    unlimited = WorkBudget(per_call=None)
    live.budget = again.budget = unlimited  # compare the futures without stops
    assert _future(again) == _future(live)


def test_commands_in_one_millisecond_replay_between_the_same_timers():
    # A produce with linger.ms=0 sends at once; the second produce in the same
    # ms comes after the first one's timers ran (a step in between): the old
    # at_ms-only rebuild put every timer of that ms before the second command.
    sim = Simulation(_scenario(), seed=3)
    sim.advance(100)
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "x", "key": "a"})
    sim.apply({"type": "crash_broker", "broker": 1})
    at = sim.position
    assert sim.history[1].at_ms == sim.history[0].at_ms == 100
    again = Simulation.replay(_scenario(), 3, [e.to_dict() for e in sim.history], at)
    assert _dump(again) == _dump(sim) and again.world.last_seq == sim.world.last_seq
    assert _future(again) == _future(sim)


def test_a_budget_stop_inside_a_millisecond_replays_to_the_same_timer():
    sim = Simulation(_scenario(), seed=5, budget=WorkBudget(per_call=3, per_call_per_ms=0))
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "x", "count": 5})
    crashed = False
    while sim.now_ms < 50:
        try:
            sim.advance(50 - sim.now_ms)
        except SimulationError as err:
            assert err.code == "over_budget" and err.reason == "per_call"
            if not crashed and sim.world.next_timer_ms() == sim.now_ms:
                # In the middle of a millisecond: some of its timers are still due.
                sim.apply({"type": "crash_broker", "broker": 2})
                crashed = True
                at = sim.position
    assert crashed
    old = Simulation.rebuild(_scenario(), 5, sim.command_log, at[0])
    exact = Simulation.replay(_scenario(), 5, sim.history, at)
    live_then = sim.rewind_to(at)
    assert _dump(exact) == _dump(live_then) and exact.position == at
    assert exact.world.last_seq == live_then.world.last_seq
    assert (old.world.last_seq, _dump(old)) != (live_then.world.last_seq, _dump(live_then)), \
        "the at_ms-only rebuild ran the rest of that ms's timers before the crash"


def test_rewind_to_now_is_an_exact_copy_and_to_a_position_exact_too():
    sim = Simulation(_scenario(), seed=9, budget=WorkBudget(per_call=5, per_call_per_ms=0))
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "x", "count": 3})
    positions = []
    for _ in range(6):
        try:
            sim.advance(30)
        except SimulationError:
            pass
        positions.append((sim.position, _dump(sim), sim.world.last_seq))
    copy_now = sim.rewind_to(sim.now_ms)
    assert copy_now.position == sim.position and _dump(copy_now) == _dump(sim)
    for position, dump, last_seq in positions:
        fork = sim.rewind_to(position)
        assert fork.position == position and _dump(fork) == dump
        assert fork.world.last_seq == last_seq


def test_history_entries_round_trip_and_old_entries_without_fired_still_replay():
    sim = Simulation(_scenario(), seed=1)
    sim.advance(20)
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "x"})
    entry = sim.history[0]
    assert entry == HistoryEntry.from_dict(entry.to_dict())
    assert entry.to_dict() == {"at_ms": 20, "fired": entry.fired,
                               "command": {"type": "produce", "producer": "P", "topic": "t",
                                           "value": "x", "key": None, "headers": {},
                                           "partition": None, "count": 1}}
    assert sim.command_log == [(20, entry.command)]
    old = {"at_ms": 20, "command": entry.to_dict()["command"]}
    assert HistoryEntry.from_dict(old).fired is None
    again = Simulation.replay(_scenario(), 1, [old], 500)
    sim.advance(480)
    assert _dump(again) == _dump(sim)
    assert again.history[0].fired is not None, "a replay records the exact position"


@pytest.mark.parametrize("bad", [
    "nope", [{"at_ms": -1, "command": {"type": "flush", "producer": "P"}}],
    [{"at_ms": 1, "fired": True, "command": {"type": "flush", "producer": "P"}}],
    [{"at_ms": 1, "command": {"type": "flush", "producer": "P"}, "extra": 1}],
    [{"at_ms": 5, "fired": 10_000, "command": {"type": "flush", "producer": "P"}}],
    [{"at_ms": 9, "command": {"type": "flush", "producer": "P"}},
     {"at_ms": 3, "command": {"type": "flush", "producer": "P"}}],
    [{"at_ms": 9, "command": {"type": "crash_broker", "broker": 7}}],
    [{"at_ms": 9, "command": {"type": "add_producer", "producer": "Z",
                              "configs": {"metadata.max.age.ms": 0}}}],
])
def test_a_history_that_does_not_fit_is_refused_plainly(bad):
    with pytest.raises(SimulationError) as err:
        Simulation.replay(_scenario(), 1, bad)
    assert err.value.code in ("bad_history", "bad_command", "bad_config")
