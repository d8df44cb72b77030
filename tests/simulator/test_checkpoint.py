"""Checkpoints (simulator/checkpoint.py): every world the app ships is frozen
by pickling, with its records shared rather than copied; a thawed world is
independent of the checkpoint; a world pickle cannot write is still frozen
(by deepcopy) and rewinds exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from simulator import Simulation
from simulator.checkpoint import Frozen
from simulator.scenarios import load_scenario, scenario_names

from .payments.helpers import payments_sim

REPO = Path(__file__).resolve().parents[2]
LESSON_SCENARIOS = sorted(REPO.glob("learnkafka/lessons/content/*/scenarios/*.yaml"))


def _dump(sim) -> str:
    return json.dumps(sim.snapshot(), sort_keys=True)


def _records(world) -> list:
    return [record for broker in world.brokers.values() for replica in broker.replicas.values()
            for record in replica.log.records]


@pytest.mark.parametrize("name", scenario_names() + [str(p) for p in LESSON_SCENARIOS])
def test_every_shipped_scenario_is_checkpointed_by_pickling(name):
    sim = Simulation(load_scenario(name), seed=4)
    producers = [p for p in sim.snapshot()["producers"]
                 if p["configs"].get("transactional.id") is None]
    topics = sim.snapshot()["topics"]
    if producers and topics:  # records in the logs, so sharing them is exercised
        sim.apply({"type": "produce", "producer": producers[0]["name"],
                   "topic": topics[0]["name"], "key": "k", "value": "v", "count": 3})
    sim.advance(12_000)
    assert len(sim._checkpoints) >= 3
    assert all(frozen.pickled for *_, frozen in sim._checkpoints)


def test_the_payments_extension_is_checkpointed_by_pickling():
    sim = payments_sim(seed=2, variant="no_key")
    sim.apply({"type": "pay"})
    sim.advance(12_000)
    assert all(frozen.pickled for *_, frozen in sim._checkpoints)


def test_a_thawed_world_shares_the_records_and_is_independent_of_its_checkpoint():
    sim = Simulation(load_scenario("playground"), seed=7, checkpoint_interval_ms=None)
    sim.apply({"type": "produce", "producer": "A", "topic": "orders", "key": "k",
               "value": "v", "count": 6})
    sim.advance(3_000)
    records = _records(sim.world)
    assert records
    frozen = Frozen(sim.world)
    first = frozen.thaw()
    # The same Record objects, not copies: checkpoints cost no memory per record.
    assert {id(r) for r in _records(first)} == {id(r) for r in records}
    first.now_ms += 1
    first.brokers[1].replicas.clear()
    second = frozen.thaw()
    assert second.now_ms == sim.world.now_ms and second.brokers[1].replicas
    assert second is not first and second.actors is not sim.world.actors


def test_a_world_pickle_cannot_write_is_frozen_by_deepcopy_and_rewinds_exactly():
    sim = Simulation(load_scenario("playground"), seed=9, checkpoint_interval_ms=2_000)
    sim.world.ext["kept_by_an_extension"] = lambda: "not picklable"
    sim.apply({"type": "produce", "producer": "B", "topic": "orders", "key": "x",
               "value": "y", "count": 2})
    sim.advance(5_000)
    frozen = [f for *_, f in sim._checkpoints]
    assert not frozen[-1].pickled
    at = sim.position
    middle = _dump(sim)
    sim.advance(7_000)
    fork = sim.rewind_to(at)
    assert _dump(fork) == middle
    assert callable(fork.world.ext["kept_by_an_extension"])
