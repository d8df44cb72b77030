"""What each lesson step tells the learner they will see, checked on the real
simulator with the step's own scenario and "try this" commands (no browser)."""
import pytest

from learnkafka.lessons.content import load_lesson
from simulator import Simulation
from simulator.commands import command_from_dict

LESSON = load_lesson("kafka-basics")


def prompt(step_slug: str, label_start: str):
    step = LESSON.step(step_slug)
    return next(p for p in step.try_this if p.label.startswith(label_start))


def press(sim, step_slug: str, label_start: str) -> list:
    events = []
    for command in prompt(step_slug, label_start).commands:
        events += sim.apply(command_from_dict(dict(command)))
    return events


def start(step_slug: str, seed: int = 5) -> Simulation:
    from simulator.scenarios import load_scenario

    return Simulation(load_scenario(LESSON.step(step_slug).scenario), seed=seed)


def partition(sim, topic: str, number: int) -> dict:
    snap = sim.snapshot()
    t = next(t for t in snap["topics"] if t["name"] == topic)
    return next(p for p in t["partitions"] if p["partition"] == number)


def leo(sim, topic, number, broker) -> int:
    p = partition(sim, topic, number)
    return next(r["leo"] for r in p["replicas_state"] if r["broker"] == broker)


@pytest.mark.parametrize("seed", [1, 5, 9])
def test_isr_broker3_stuck_at_85_leaves_for_lag_and_broker2_leaves_then_rejoins(seed):
    sim = start("isr", seed)
    events = sim.advance(20_000)
    assert leo(sim, "orders", 0, 1) == 100
    assert leo(sim, "orders", 0, 3) == 85
    shrinks = [e for e in events if e.kind == "isr_changed" and e.reason == "shrink"]
    assert shrinks and shrinks[0].isr == [1, 2], "broker 3 leaves for lagging, not fencing"
    press(sim, "isr", "Slow broker 2")
    press(sim, "isr", "Produce 5 records")
    events = sim.advance(15_000)
    assert [e.isr for e in events if e.kind == "isr_changed"] == [[1]]
    press(sim, "isr", "Heal broker 2")
    events = sim.advance(30_000)
    assert [e.isr for e in events if e.kind == "isr_changed"] == [[1, 2]]
    assert partition(sim, "orders", 0)["high_watermark"] == 105


def ack_then_crash(sim):
    """Write on the acks=1 and acks=all lanes, run until acks=1 is answered, crash the leader."""
    press(sim, "acks", "Write with acks=1")
    press(sim, "acks", "Write with acks=all")
    for _ in range(1000):
        events = sim.step()
        if any(e.kind == "produce_acknowledged" and e.producer == "one" for e in events):
            break
    else:
        pytest.fail("acks=1 was never acknowledged")
    press(sim, "acks", "Crash broker 1")


@pytest.mark.parametrize("settle_ms", [3000, 4200, 6100, 9000])
def test_acks1_loses_its_acknowledged_record_and_acks_all_keeps_its_own(settle_ms):
    sim = start("acks")
    sim.advance(settle_ms)
    ack_then_crash(sim)
    events = sim.advance(40_000)
    acked_all = [e for e in events if e.kind == "produce_acknowledged" and e.producer == "all"]
    assert acked_all, "acks=all is acknowledged by the new leader"
    new_leader = partition(sim, "payments", 1)["leader"]
    assert new_leader in (2, 3)
    assert leo(sim, "payments", 1, new_leader) == 0, "the acks=1 record is not on the new leader"
    p2 = partition(sim, "payments", 2)
    assert [r["value"] for r in p2["records"]] == ["pay-all"], "acks=all: written exactly once"


def test_acks_all_is_refused_with_not_enough_replicas_when_the_isr_is_too_small():
    sim = start("acks")
    sim.advance(3000)
    ack_then_crash(sim)
    sim.advance(40_000)
    press(sim, "acks", "Crash broker 3 too")
    sim.advance(20_000)
    assert partition(sim, "payments", 2)["isr"] == [2]
    press(sim, "acks", "Write with acks=all")
    events = sim.advance(5000)
    assert any(
        e.kind == "produce_failed" and e.producer == "all" and e.error == "NOT_ENOUGH_REPLICAS"
        for e in events
    )


def assignment(events, group):
    latest = {}
    for e in events:
        if e.kind == "assignment_changed" and e.group == group:
            latest[e.consumer] = sorted(p for _, p in e.assignment)
    return latest


def test_consumer_groups_idle_member_rebalance_and_assignors_as_the_lesson_says():
    sim = start("consumer-groups")
    events = sim.advance(8000)
    assert assignment(events, "payment-service") == {"A": [0], "B": [1], "C": [2]}
    assert assignment(events, "analytics-service") == {"X": [0, 1], "Y": [2]}
    press(sim, "consumer-groups", "Add consumer D")
    events = sim.advance(8000)
    assert assignment(events, "payment-service")["D"] == [], "the fourth member sits idle"
    press(sim, "consumer-groups", "Remove consumer B")
    events = sim.advance(8000)
    after = assignment(events, "payment-service")
    assert "B" not in after and sorted(p for ps in after.values() for p in ps) == [0, 1, 2]
    press(sim, "consumer-groups", "analytics-service: use RoundRobin")
    events = sim.advance(8000)
    assert assignment(events, "analytics-service") == {"X": [0, 2], "Y": [1]}
    press(sim, "consumer-groups", "analytics-service: back to Range")
    events = sim.advance(8000)
    assert assignment(events, "analytics-service") == {"X": [0, 1], "Y": [2]}


def test_partition_log_retention_deletes_whole_segments_below_the_hw():
    sim = start("partition-log")
    sim.advance(5000)
    before = partition(sim, "orders", 0)
    assert before["log_end_offset"] == 12 and len(before["segments"]) > 1
    press(sim, "partition-log", "Shorten retention.ms")
    events = sim.advance(15_000)
    deleted = [e for e in events if e.kind == "segments_deleted" and e.broker == 1]
    assert deleted and deleted[0].reason == "retention.ms"
    after = partition(sim, "orders", 0)
    assert after["log_start_offset"] == after["segments"][0]["base_offset"] > 0


def test_architecture_crashing_the_active_controller_elects_another_and_brokers_keep_leading():
    sim = start("architecture")
    sim.advance(5000)
    assert sim.snapshot()["controller"]["active"] == 1
    press(sim, "architecture", "Crash controller 1")
    events = sim.advance(10_000)
    elected = [e for e in events if e.kind == "controller_elected"]
    assert elected and elected[-1].controller in (2, 3)
    assert all(partition(sim, "orders", p)["leader"] is not None for p in range(3))
    press(sim, "architecture", "Crash broker 1")
    events = sim.advance(15_000)
    moved = [e for e in events if e.kind == "leader_changed" and e.partition == 0]
    assert moved and moved[-1].leader in moved[-1].isr and moved[-1].leader != 1
