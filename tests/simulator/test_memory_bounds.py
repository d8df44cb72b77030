"""What a long-running simulation keeps: a bounded number of checkpoints and
no record of timers that already fired (issue 8 §4, memory per sandbox)."""

from simulator import Simulation
from simulator.scenarios import load_scenario


def test_cancelled_timers_that_already_fired_are_forgotten():
    sim = Simulation(load_scenario("playground"), seed=3, checkpoint_interval_ms=None)
    for _ in range(20):
        sim.advance(60_000)
    world = sim.world
    # Actors cancel timers that already fired; only queued ones may be remembered.
    assert len(world._cancelled) <= 2 * len(world._queue) + 64
    queued = {entry[1] for entry in world._queue}
    assert world.pending_timers() == len(queued - world._cancelled)


def test_max_checkpoints_bounds_the_copies_and_rewind_stays_exact():
    scenario = load_scenario("playground")
    few = Simulation(scenario, seed=5, checkpoint_interval_ms=5_000, max_checkpoints=6)
    many = Simulation(scenario, seed=5, checkpoint_interval_ms=5_000)
    for sim in (few, many):
        sim.apply({"type": "produce", "producer": "A", "topic": "orders", "key": "k",
                   "value": "v", "count": 3})
        sim.advance(200_000)
    assert len(few._checkpoints) <= 6 < len(many._checkpoints)
    assert few.rewind_to(123_456).snapshot() == many.rewind_to(123_456).snapshot()
    assert few.snapshot() == many.snapshot()
