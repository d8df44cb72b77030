"""The deterministic core: timers fire in (time, insertion) order, cancelled
timers never fire, the clock only moves forward, the rng is the seeded one."""

import copy

from simulator.engine import Actor, World


class Recorder(Actor):
    actor_id = "rec"

    def __init__(self, world):
        super().__init__(world)
        self.calls = []

    def note(self, label):
        self.calls.append((self.world.now_ms, label))


def _world():
    world = World(seed=3)
    rec = Recorder(world)
    world.add_actor(rec)
    return world, rec


def test_timers_fire_by_time_then_by_insertion_order():
    world, rec = _world()
    world.schedule(10, "rec", "note", "b")
    world.schedule(5, "rec", "note", "a")
    world.schedule(10, "rec", "note", "c")
    world.run_until(20)
    assert rec.calls == [(5, "a"), (10, "b"), (10, "c")]
    assert world.now_ms == 20


def test_a_cancelled_timer_never_fires():
    world, rec = _world()
    keep = world.schedule(1, "rec", "note", "kept")
    gone = world.schedule(1, "rec", "note", "cancelled")
    world.cancel(gone)
    world.run_until(5)
    assert rec.calls == [(1, "kept")] and keep != gone


def test_a_timer_in_the_past_runs_now_not_back_in_time():
    world, rec = _world()
    world.run_until(100)
    world.schedule_at(50, "rec", "note", "late")
    world.run_until(100)
    assert rec.calls == [(100, "late")]


def test_a_deep_copied_world_replays_the_same_future():
    world, rec = _world()
    for i in range(5):
        world.schedule(world.rng.randrange(100), "rec", "note", i)
    twin = copy.deepcopy(world)
    world.run_until(200)
    twin.run_until(200)
    assert twin.actors["rec"].calls == rec.calls
    assert twin.rng.random() == world.rng.random()


def test_events_get_consecutive_seqs_and_the_current_time():
    from simulator.events import BrokerSlowed

    world, _ = _world()
    world.run_until(7)
    first = world.emit(BrokerSlowed, broker=1, slow_ms=5)
    second = world.emit(BrokerSlowed, broker=1, slow_ms=0)
    assert (first.seq, second.seq, second.at_ms) == (1, 2, 7)
    assert world.take_events() == [first, second] and world.take_events() == []
