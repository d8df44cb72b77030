"""Timers that name a registered function: for state that is no actor's (engine.timer_function).

They fire in the same (time, insertion) order as actor timers, interleaved
with them, can be cancelled, and a deep-copied world replays them the same.
"""

import copy

import pytest

from simulator.engine import World, timer_function

from .test_engine import Recorder


@timer_function("tests.note_via_function")
def _note_via_function(world, label):
    world.actors["rec"].calls.append((world.now_ms, f"fn:{label}"))


def _world():
    world = World(seed=5)
    world.add_actor(Recorder(world))
    return world, world.actors["rec"]


def test_function_timers_and_actor_timers_fire_in_one_time_then_insertion_order():
    world, rec = _world()
    world.schedule(10, "rec", "note", "b")
    world.schedule_function(5, "tests.note_via_function", "a")
    world.schedule_function(10, "tests.note_via_function", "c")
    world.run_until(20)
    assert rec.calls == [(5, "fn:a"), (10, "b"), (10, "fn:c")]


def test_a_cancelled_function_timer_never_fires():
    world, rec = _world()
    gone = world.schedule_function(1, "tests.note_via_function", "cancelled")
    world.cancel(gone)
    world.run_until(5)
    assert rec.calls == [] and world.pending_timers() == 0


def test_a_deep_copied_world_replays_its_function_timers():
    world, rec = _world()
    for i in range(5):
        world.schedule_function(world.rng.randrange(100), "tests.note_via_function", i)
    twin = copy.deepcopy(world)
    world.run_until(200)
    twin.run_until(200)
    assert twin.actors["rec"].calls == rec.calls and len(rec.calls) == 5


def test_naming_an_unregistered_function_fails_when_scheduled():
    world, _ = _world()
    with pytest.raises(KeyError, match="no-such-function"):
        world.schedule_function(1, "no-such-function")
    assert world.pending_timers() == 0


def test_the_consumer_timers_are_registered_functions():
    import simulator.consumers  # noqa: F401  (registers them)
    from simulator.engine import TIMER_FUNCTIONS

    assert {
        "consumers.expire_session",
        "consumers.expire_pending",
        "consumers.expire_offsets",
        "consumers.complete_join",
        "consumers.answer_parked_fetch",
    } <= set(TIMER_FUNCTIONS)
