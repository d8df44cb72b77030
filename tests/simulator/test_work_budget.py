"""The work budget: no command, config or schedule can stop simulated time
from advancing or take unbounded work. Work is counted (timers run, events
emitted), never timed, so a replay stops exactly where the live run did."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation, SimulationError
from simulator.errors import WorkBudgetExceeded
from simulator.events import event_to_dict
from simulator.limits import DEFAULT_BUDGET, WorkBudget

from .simhelpers import scenario


def _state(sim: Simulation) -> tuple:
    return (json.dumps(sim.snapshot(), sort_keys=True), sim.world.last_seq, sim.position)


def _events(events) -> list:
    return [event_to_dict(e) for e in events]


def _looping_sim(**kwargs) -> Simulation:
    """A producer whose metadata refresh has a 0 ms period: the validation that
    refuses it is bypassed, to prove the budget alone keeps time moving."""
    sim = Simulation(scenario(), seed=2, **kwargs)
    sim.advance(100)
    sim.world.producers["P"].configs["metadata.max.age.ms"] = 0
    sim.world.schedule(0, "producer:P", "metadata_age")
    return sim


def test_a_zero_delay_loop_stops_at_a_timer_boundary_with_the_events_so_far():
    sim = _looping_sim()
    with pytest.raises(WorkBudgetExceeded) as err:
        sim.advance(1_000)
    exc = err.value
    assert exc.code == "over_budget" and exc.reason == "per_ms" and exc.at_ms == 100
    assert exc.events and all(e.at_ms == 100 for e in exc.events)
    assert exc.events[-1].seq == sim.world.last_seq, "every emitted event is handed over"
    assert "100 ms" in exc.message
    # The state is consistent: the loop's timers are still due, the clock did not move.
    assert sim.now_ms == 100 and sim.world.next_timer_ms() == 100
    with pytest.raises(WorkBudgetExceeded):  # and it never loops: stopping again at once
        sim.advance(1_000)


def test_the_default_budget_runs_a_busy_cluster_without_stopping():
    sim = Simulation(scenario(partitions=6, producer_configs={"linger.ms": 0}), seed=1)
    assert sim.budget == DEFAULT_BUDGET
    for _ in range(20):
        sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v",
                   "count": 1_000})
        sim.advance(500)
    assert sim.now_ms == 10_000


def test_a_command_over_its_budget_is_refused_and_changes_nothing():
    sim = Simulation(scenario(partitions=3, producer_configs={"linger.ms": 0,
                                                              "batch.size": 100}),
                     seed=3, budget=WorkBudget(per_command=10))
    twin = Simulation(scenario(partitions=3, producer_configs={"linger.ms": 0,
                                                               "batch.size": 100}), seed=3)
    sim.advance(700)
    twin.advance(700)
    state = _state(sim)
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v" * 50,
                   "count": 200})
    assert err.value.code == "over_budget" and "nothing changed" in err.value.message
    assert _state(sim) == state and sim.history == []
    assert _events(sim.advance(3_000)) == _events(twin.advance(3_000))


def test_advance_over_its_per_call_budget_stops_and_continues_identically():
    small = Simulation(scenario(), seed=8, budget=WorkBudget(per_call=25, per_call_per_ms=0))
    big = Simulation(scenario(), seed=8, budget=None)
    small.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 9})
    big.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 9})
    collected, stops = [], 0
    while small.now_ms < 5_000:
        try:
            collected.extend(small.advance(5_000 - small.now_ms))
        except WorkBudgetExceeded as exc:
            assert exc.reason == "per_call" and len(exc.events) <= 25 + 40
            collected.extend(exc.events)
            stops += 1
    assert stops > 3
    assert _events(collected) == _events(big.advance(5_000))
    assert _state(small) == _state(big)


def test_a_history_that_cannot_be_replayed_within_the_budget_raises_and_never_loops():
    sc = scenario(partitions=6, producer_configs={"linger.ms": 0, "batch.size": 1})
    live = Simulation(sc, seed=5, budget=None)
    live.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 300})
    live.advance(2_000)
    history = [e.to_dict() for e in live.history]
    with pytest.raises(WorkBudgetExceeded) as err:
        Simulation.replay(sc, 5, history, live.position, budget=WorkBudget(per_ms=100))
    assert err.value.code == "over_budget"
    # The same history replays under the budget it was recorded with.
    again = Simulation.replay(sc, 5, history, live.position, budget=None)
    assert _state(again) == _state(live)


def test_a_replay_stops_where_the_live_run_stopped():
    sc = scenario(partitions=6, producer_configs={"linger.ms": 0, "batch.size": 1})
    budget = WorkBudget(per_ms=100)
    live = Simulation(sc, seed=5, budget=budget)
    live.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 300})
    with pytest.raises(WorkBudgetExceeded) as err:
        live.advance(2_000)
    assert err.value.reason == "per_ms"
    history = [e.to_dict() for e in live.history]
    again = Simulation.replay(sc, 5, history, live.position, budget=budget)
    assert _state(again) == _state(live)
    with pytest.raises(WorkBudgetExceeded):  # one ms further: the same stop, no loop
        Simulation.replay(sc, 5, history, live.now_ms + 1, budget=budget)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks=st.lists(st.integers(0, 400), min_size=1, max_size=12),
       per_call=st.integers(5, 60), seed=st.integers(0, 100))
def test_how_time_is_chunked_never_changes_what_happens(chunks, per_call, seed):
    sc = scenario(partitions=2, producer_configs={"linger.ms": 0})
    chunked = Simulation(sc, seed=seed, budget=WorkBudget(per_call=per_call,
                                                          per_call_per_ms=0))
    whole = Simulation(sc, seed=seed, budget=None)
    for sim in (chunked, whole):
        sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 4})
    got = []
    for ms in chunks:
        target = chunked.now_ms + ms
        while True:
            try:
                got.extend(chunked.advance(target - chunked.now_ms))
                break
            except WorkBudgetExceeded as exc:
                got.extend(exc.events)
    assert _events(got) == _events(whole.advance(chunked.now_ms))
    assert _state(chunked) == _state(whole)


def test_the_budget_is_validated():
    with pytest.raises(ValueError):
        WorkBudget(per_ms=0)
    with pytest.raises(SimulationError):
        Simulation(scenario(), budget="lots")


def test_a_replay_can_be_bounded_in_total_work():
    sim = Simulation(scenario(), seed=1)
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v"})
    sim.advance(60_000)
    history = [e.to_dict() for e in sim.history]
    with pytest.raises(WorkBudgetExceeded) as err:
        Simulation.replay(scenario(), 1, history, 60_000, max_work=500)
    assert err.value.reason == "per_replay" and err.value.at_ms < 60_000
    again = Simulation.replay(scenario(), 1, history, 60_000, max_work=10_000_000)
    assert _state(again) == _state(sim)


def test_the_per_call_allowance_grows_with_the_simulated_span():
    # An idle cluster does about one unit of work per simulated ms: a long
    # advance (a rebuild over a long pause) stays inside base + rate x ms.
    sim = Simulation(scenario(), seed=1, budget=WorkBudget(per_call=100, per_call_per_ms=1))
    assert len(sim.advance(60_000)) > 100
    flat = Simulation(scenario(), seed=1, budget=WorkBudget(per_call=100, per_call_per_ms=0))
    with pytest.raises(WorkBudgetExceeded):
        flat.advance(60_000)
    assert DEFAULT_BUDGET.call_allowance(3_600_000) > 3_600_000_000
