"""One fetch waiting room per broker holds follower and consumer fetches alike
(Kafka's DelayedFetch purgatory), and wakes each kind when what it reads to moves."""

from __future__ import annotations

from simulator.broker import CONSUMER, FOLLOWER, FetchWaitingRoom

from .simhelpers import of_kind, produce, sim_with


def _idle_cluster_with_a_consumer():
    sim = sim_with(partitions=1, producer_configs={"linger.ms": 0})
    sim.apply({"type": "add_consumer", "consumer": "C", "group": "g", "topics": ["t"],
               "configs": {"fetch.max.wait.ms": 25_000}})
    sim.advance(10_000)  # the group settles; every fetch is now long-polling on empty logs
    return sim


def _leader(sim):
    snap = sim.snapshot()
    leader_id = snap["topics"][0]["partitions"][0]["leader"]
    return sim.world.brokers[leader_id]


def test_the_leader_holds_follower_and_consumer_fetches_in_one_room():
    sim = _idle_cluster_with_a_consumer()
    leader = _leader(sim)
    held = leader.fetch_room.held.values()
    readers = sorted(h.reader for h in held if ("t", 0) in h.partitions)
    assert readers == [CONSUMER, FOLLOWER, FOLLOWER]
    assert not hasattr(sim.world.ext["consumers"], "parked")  # no second room


def test_an_append_answers_the_followers_and_the_hw_move_answers_the_consumer():
    sim = _idle_cluster_with_a_consumer()
    leader = _leader(sim)
    events = produce(sim, "hello", partition=0) + sim.advance(500)
    assert of_kind(events, "high_watermark_changed", broker=leader.broker_id,
                   high_watermark=1)
    got = of_kind(events, "consumer_records_received") or of_kind(
        events, "consumer_position_changed", consumer="C")
    assert got, "the held consumer fetch was answered when the HW moved"
    # Well before fetch.max.wait.ms (25 s): the room woke it, not its timer.
    assert sim.now_ms < 12_000
    delivered = [e for e in events if e.kind == "message_sent"
                 and e.message_kind == "consumer_fetch_response" and e.source == leader.actor_id]
    assert delivered and delivered[0].summary["records"] == 1


def test_a_crash_empties_the_room_and_cancels_the_consumer_fetch_timer():
    sim = _idle_cluster_with_a_consumer()
    leader = _leader(sim)
    consumer_timers = [h.timer for h in leader.fetch_room.held.values() if h.reader == CONSUMER]
    assert consumer_timers
    sim.apply({"type": "crash_broker", "broker": leader.broker_id})
    assert len(leader.fetch_room) == 0
    assert all(t in sim.world._cancelled for t in consumer_timers)


def test_followers_wake_in_broker_order_consumers_in_arrival_order():
    room = FetchWaitingRoom()
    room.hold(3, FOLLOWER, "m3", 1, [("t", 0)])
    room.hold((1, "consumer:B", 4), CONSUMER, "mb", 2, [("t", 0)])
    room.hold(2, FOLLOWER, "m2", 3, [("t", 0), ("t", 1)])
    room.hold((1, "consumer:A", 9), CONSUMER, "ma", 4, [("t", 0)])
    room.hold(4, FOLLOWER, "m4", 5, [("t", 1)])
    assert room.waiting_on("t", 0, FOLLOWER) == [2, 3]
    assert room.waiting_on("t", 0, CONSUMER) == [(1, "consumer:B", 4), (1, "consumer:A", 9)]
    assert room.waiting_on("t", 1, FOLLOWER) == [2, 4]
    assert room.waiting_on("t", 1, CONSUMER) == []
    assert room.take(2).message == "m2" and room.take(2) is None
    assert room.waiting_on("t", 1, FOLLOWER) == [4]
    assert len(room.clear()) == 4 and len(room) == 0
