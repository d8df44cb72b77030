"""The extension point: a simulation loads the extensions it names, and only those;
an extension's state snapshots, checkpoints, replays exactly and stays within
the work budget like the core's."""

from __future__ import annotations

import json

import pytest

from simulator import Simulation, SimulationError
from simulator.events import event_to_dict
from simulator.extension import REGISTRY
from simulator.limits import WorkBudget
from simulator.scenarios import load_scenario, validate_scenario

from .helpers import payments_scenario, payments_sim


def _dump(sim) -> str:
    return json.dumps(sim.snapshot(), sort_keys=True)


def test_a_simulation_without_the_extension_refuses_its_commands_and_changes_nothing():
    sim = Simulation(load_scenario("playground"), seed=3)
    before = _dump(sim)
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "pay"})
    assert err.value.code == "extension_not_loaded"
    assert "payments" in err.value.message
    assert _dump(sim) == before and sim.history == []
    assert "payments" not in sim.snapshot() and sim.snapshot()["extensions"] == []


def test_the_constructor_argument_loads_it_and_writes_it_into_the_scenario():
    sim = Simulation(load_scenario("playground"), seed=3, extensions=["payments"])
    assert sim.scenario["extensions"] == ["payments"]
    loaded = [e for e in sim.setup_events if e.kind == "extension_loaded"]
    assert len(loaded) == 1 and loaded[0].extension == "payments"
    assert "pay" in loaded[0].commands and "payment_charged" in loaded[0].events
    snap = sim.snapshot()
    assert snap["extensions"] == ["payments"] and snap["payments"]["balances"] == {"alice": 500}
    sim.apply({"type": "pay"})  # accepted now


def test_scenarios_name_extensions_and_own_their_section():
    validate_scenario(payments_scenario(variant="no_key"))
    with pytest.raises(SimulationError, match="needs extensions"):
        validate_scenario({"name": "x", "payments": {}})
    with pytest.raises(SimulationError, match="unknown extension"):
        validate_scenario({"name": "x", "extensions": ["bank"]})
    with pytest.raises(SimulationError, match="variant is one of"):
        validate_scenario(payments_scenario(variant="sometimes"))
    with pytest.raises(SimulationError, match="listed twice"):
        validate_scenario({"name": "x", "extensions": ["payments", "payments"]})


def test_extension_commands_and_events_are_not_in_the_core_files():
    from simulator import commands, events
    core_commands = open(commands.__file__, encoding="utf-8").read()
    core_events = open(events.__file__, encoding="utf-8").read()
    ext = REGISTRY["payments"]
    assert ext.command_types and ext.event_kinds
    assert not [t for t in ext.command_types if f'"{t}"' in core_commands]
    assert not [k for k in ext.event_kinds if f'"{k}"' in core_events]


def _session(sim):
    sim.apply({"type": "drop_messages", "target": "client:shop", "message_kind": "pay_response"})
    sim.apply({"type": "pay"})
    sim.advance(1)
    sim.apply({"type": "pay", "amount": 50})  # same ms as a handler line of pay-1
    sim.advance(2_500)
    sim.apply({"type": "race_start"})
    sim.apply({"type": "race_step", "thread": sim.snapshot()["payments"]["race"][0]})
    sim.advance(4_000)


@pytest.mark.parametrize("variant", ["no_key", "key_no_unique", "key_unique"])
def test_replay_of_the_history_equals_the_live_simulation(variant):
    live = payments_sim(seed=11, variant=variant, safeguard="none")
    _session(live)
    copy = Simulation.replay(live.scenario, live.seed, [e.to_dict() for e in live.history],
                             live.position)
    assert _dump(copy) == _dump(live)
    assert copy.world.last_seq == live.world.last_seq
    a = [event_to_dict(e) for s in (live,) for e in s.apply({"type": "pay"}) + s.advance(10_000)]
    b = [event_to_dict(e) for s in (copy,) for e in s.apply({"type": "pay"}) + s.advance(10_000)]
    assert a == b and any(e["kind"] == "payment_response_received" for e in a)


def test_a_rewind_from_checkpoints_equals_the_state_it_had():
    sim = payments_sim(seed=5, variant="no_key")
    sim.apply({"type": "drop_messages", "target": "client:shop", "message_kind": "pay_response"})
    sim.apply({"type": "pay"})
    sim.advance(3_001)
    at = sim.position
    middle = _dump(sim)
    sim.advance(9_000)
    assert _dump(sim) != middle
    fork = sim.rewind_to(at)
    assert _dump(fork) == middle


def test_a_command_over_the_work_budget_is_refused_and_changes_nothing():
    sim = Simulation(payments_scenario(), seed=2, budget=WorkBudget(per_command=20))
    before = _dump(sim)
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "race_preset", "preset": "serial"})
    assert err.value.code == "over_budget"
    assert _dump(sim) == before and sim.history == []
