"""The engine's counters behind exact replay and the work budget: timers_fired
counts the timers that ran, run_until can stop at a position inside a
millisecond, and the per-ms budget stops before a timer, never inside one."""

from __future__ import annotations

import pytest

from simulator.engine import Actor, World
from simulator.errors import WorkBudgetExceeded


class Looper(Actor):
    actor_id = "loop"

    def __init__(self, world):
        super().__init__(world)
        self.calls = 0

    def tick(self, delay):
        self.calls += 1
        self.world.schedule(delay, self.actor_id, "tick", delay)


def _world(per_ms=None):
    world = World(seed=1)
    looper = Looper(world)
    world.add_actor(looper)
    world.per_ms_work = per_ms
    return world, looper


def test_timers_fired_counts_timers_that_ran_not_cancelled_ones():
    world, looper = _world()
    world.schedule(5, "loop", "tick", 10)
    world.cancel(world.schedule(5, "loop", "tick", 10))
    world.run_until(26)
    assert looper.calls == 3 and world.timers_fired == 3  # at 5, 15, 25


def test_run_until_stops_at_a_position_inside_a_millisecond():
    world, looper = _world()
    for _ in range(4):
        world.schedule(7, "loop", "tick", 100)
    assert world.run_until(7, until_fired=2) is True
    assert (world.now_ms, world.timers_fired, looper.calls) == (7, 2, 2)
    world.run_until(7)
    assert (world.timers_fired, looper.calls) == (4, 4)


def test_max_work_stops_between_timers_and_reports_it():
    world, looper = _world()
    world.schedule(1, "loop", "tick", 1)
    assert world.run_until(1_000, max_work=10) is False
    assert looper.calls == 10 and world.now_ms == 10
    assert world.run_until(1_000) is True and world.now_ms == 1_000


def test_a_zero_delay_loop_is_stopped_by_the_per_ms_budget_before_a_timer():
    world, looper = _world(per_ms=50)
    world.schedule(3, "loop", "tick", 0)
    with pytest.raises(WorkBudgetExceeded) as err:
        world.run_until(10)
    assert err.value.reason == "per_ms" and err.value.at_ms == 3
    assert looper.calls == 50 == world.timers_fired
    assert world.now_ms == 3 and world.next_timer_ms() == 3, "the next timer is still due"


def test_timers_of_a_removed_actor_cost_no_budget():
    world, looper = _world(per_ms=5)
    for _ in range(20):
        world.schedule(2, "loop", "tick", 1_000)
    world.remove_actor("loop")
    world.run_until(10)
    assert world.timers_fired == 20 and world.now_ms == 10
