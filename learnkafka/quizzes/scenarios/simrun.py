"""Running the simulator for quiz questions: build a small cluster, drive it, read it.

Every function here builds a scenario dict, runs `simulator.Simulation` with
the attempt's seed, and reads the answer off the simulator's events or
snapshot. Nothing in here knows the "right" answer in advance: that is the
point of predict-the-outcome and click-on-the-diagram questions.

The simulator is imported inside the functions so loading quiz content never
depends on it; only grading and drawing do.
"""

from __future__ import annotations

from functools import lru_cache

# How long to let the cluster settle after a crash: beyond the broker session
# timeout (fencing) and replica.lag.time.max.ms (ISR shrink), both defaults.
SETTLE_MS = 45_000
# How long a produce may take to show its outcome (a NotEnoughReplicas retry
# shows within the first request; delivery.timeout.ms is much longer).
PRODUCE_WINDOW_MS = 5_000


def _simulation(scenario: dict, seed: int):
    from simulator import Simulation

    return Simulation(scenario, seed=seed)


def _apply(sim, command: dict) -> list:
    from simulator.commands import command_from_dict

    return sim.apply(command_from_dict(command))


def _kinds(events) -> list[dict]:
    from simulator.events import event_to_dict

    return [event_to_dict(e) for e in events]


def _topic(snapshot: dict, name: str) -> dict:
    topics = snapshot["topics"]
    if isinstance(topics, dict):
        topics = list(topics.values())
    return next(t for t in topics if (t.get("name") or t.get("topic")) == name)


def _partitions(topic: dict) -> list[dict]:
    partitions = topic["partitions"]
    if isinstance(partitions, dict):
        partitions = list(partitions.values())
    return sorted(partitions, key=lambda p: p["partition"])


def _cluster(brokers: int, topics: list[dict], producers: list[dict] | None = None) -> dict:
    return {
        "name": "quiz",
        "cluster": {"brokers": brokers, "controllers": 1},
        "topics": topics,
        "producers": producers or [],
    }


def partition_state(snapshot: dict, topic: str, partition: int) -> dict:
    """{replicas, leader, isr} of one partition, with broker ids as ints."""
    p = next(p for p in _partitions(_topic(snapshot, topic)) if p["partition"] == partition)
    return {
        "partition": partition,
        "replicas": [int(b) for b in p["replicas"]],
        "leader": None if p.get("leader") is None else int(p["leader"]),
        "isr": [int(b) for b in p["isr"]],
        "logs": p.get("replicas_state") or p.get("logs") or [],
    }


@lru_cache(maxsize=256)
def produce_with_brokers_down(
    *, replication_factor: int, min_insync_replicas: int, brokers_down: int, acks: str, seed: int
) -> dict:
    """Crash `brokers_down` followers of orders-0, let the ISR settle, produce once.

    Returns {"answer": acks-outcome choice id, "observed": what happened}.
    """
    sim = _simulation(
        _cluster(
            replication_factor,
            [
                {
                    "name": "orders",
                    "partitions": 1,
                    "replication_factor": replication_factor,
                    "configs": {"min.insync.replicas": min_insync_replicas},
                }
            ],
            [{"name": "A", "configs": {"acks": acks, "linger.ms": 0}}],
        ),
        seed,
    )
    state = partition_state(sim.snapshot(), "orders", 0)
    followers = [b for b in state["replicas"] if b != state["leader"]]
    for broker in followers[:brokers_down]:
        _apply(sim, {"type": "crash_broker", "broker": broker})
    sim.advance(SETTLE_MS)
    isr_before = partition_state(sim.snapshot(), "orders", 0)["isr"]
    events = _kinds(
        _apply(
            sim,
            {
                "type": "produce",
                "producer": "A",
                "topic": "orders",
                "partition": 0,
                "key": "quiz",
                "value": "order-1",
            },
        )
    )
    events += _kinds(sim.advance(PRODUCE_WINDOW_MS))
    outcome = _classify_produce(events, acks=acks, isr=isr_before, min_insync=min_insync_replicas)
    if outcome["answer"] in ("acknowledged", "no-response"):
        # What consumers can see is a separate question: the HW follows the ISR
        # (and, since Kafka 3.7, stays put while the ISR is below min.insync.replicas).
        # The topic is fresh, so the record is offset 0 and visible once the HW passes 0.
        topic = _topic(sim.snapshot(), "orders")
        hw = _partitions(topic)[0]["high_watermark"]
        visible = "so consumers can read it" if hw > 0 else "so consumers cannot read it yet"
        outcome["observed"] += f" The high watermark is {hw}, {visible}."
    return outcome


def _classify_produce(events: list[dict], *, acks: str, isr: list[int], min_insync: int) -> dict:
    isr_text = f"the ISR was {{{', '.join(map(str, sorted(isr)))}}}"
    for e in events:
        if e["kind"] == "produce_acknowledged" and e.get("producer") in ("A", "producer:A"):
            if e.get("base_offset") is None:
                return {
                    "answer": "no-response",
                    "observed": f"The record was sent; acks=0 gets no response ({isr_text}).",
                }
            return {
                "answer": "acknowledged",
                "observed": f"Acknowledged at offset {e['base_offset']} with acks={acks} "
                f"({isr_text}, min.insync.replicas={min_insync}).",
            }
        if e["kind"] in ("produce_failed", "produce_rejected"):
            error = str(e.get("error", ""))
            if "NOT_ENOUGH_REPLICAS" in error.upper():
                return {
                    "answer": "not-enough-replicas",
                    "observed": f"The leader answered {error}: {isr_text}, fewer than "
                    f"min.insync.replicas={min_insync}.",
                }
            if "NOT_LEADER" in error.upper():
                return {"answer": "not-leader", "observed": f"The producer got {error}."}
    # Never guess: a question the simulator cannot answer must fail loudly (the
    # content test runs many draws), not grade a learner against a made-up outcome.
    raise RuntimeError(f"the simulator showed no produce outcome within {PRODUCE_WINDOW_MS} ms")


@lru_cache(maxsize=256)
def leader_crash_after_write(*, acks: str, payment: str, seed: int) -> dict:
    """payments-0 on three brokers, followers slow to fetch; the leader crashes right
    after writing (and, if acks allows, acknowledging) one record. A minute later:
    was the producer told it succeeded, and does the new leader hold the record?

    Returns {"answer": leader-crash choice id, "observed": what happened}.
    """
    sim = _simulation(
        _cluster(
            3,
            [
                {
                    "name": "payments",
                    "partitions": 1,
                    "replication_factor": 3,
                    "configs": {"min.insync.replicas": 2},
                }
            ],
            [{"name": "A", "configs": {"acks": acks, "linger.ms": 0}}],
        ),
        seed,
    )
    before = partition_state(sim.snapshot(), "payments", 0)
    old_leader = before["leader"]
    followers = [b for b in before["replicas"] if b != old_leader]
    # Slow followers widen the window between the leader's write and their copy,
    # which real Kafka has too (it is only shorter).
    for broker in followers:
        _apply(sim, {"type": "slow_broker", "broker": broker, "slow_ms": 5_000})
    sim.advance(1_000)
    _apply(
        sim,
        {
            "type": "produce",
            "producer": "A",
            "topic": "payments",
            "partition": 0,
            "key": payment,
            "value": payment,
        },
    )
    acked_before_crash = False
    deadline_ms = sim.now_ms + 3_000
    while sim.now_ms < deadline_ms and not acked_before_crash:
        acked_before_crash = any(e["kind"] == "produce_acknowledged" for e in _kinds(sim.step()))
    _apply(sim, {"type": "crash_broker", "broker": old_leader})
    for broker in followers:
        _apply(sim, {"type": "slow_broker", "broker": broker, "slow_ms": 0})
    later = _kinds(sim.advance(60_000))
    acked_later = any(e["kind"] == "produce_acknowledged" for e in later)
    snapshot = sim.snapshot()
    after = partition_state(snapshot, "payments", 0)
    topic = _topic(snapshot, "payments")
    records = _partitions(topic)[0].get("records", [])
    copies = sum(1 for r in records if r.get("value") == payment)
    where = f"the new leader is broker {after['leader']}" if after["leader"] else "no leader"
    told = (
        "acknowledged before the crash"
        if acked_before_crash
        else (
            "acknowledged only after a retry to the new leader"
            if acked_later
            else "never acknowledged"
        )
    )
    observed = (
        f"{payment} was {told}; {where}, holding {copies} cop{'y' if copies == 1 else 'ies'}."
    )
    if copies > 1:
        return {"answer": "duplicated", "observed": observed}
    if acked_before_crash and copies == 0:
        return {"answer": "lost", "observed": observed}
    if acked_before_crash and copies == 1:
        return {"answer": "kept-acked", "observed": observed}
    if not acked_before_crash and copies == 1:
        return {"answer": "kept-after-retry", "observed": observed}
    raise RuntimeError(f"unexpected outcome for the leader-crash question: {observed}")


@lru_cache(maxsize=256)
def consumer_back_after_retention(*, offline_ms: int, auto_offset_reset: str, seed: int) -> dict:
    """A group commits offset 5 on orders-0 (retention.ms one minute), its consumer goes
    offline for `offline_ms` while records keep coming, then returns with
    `auto_offset_reset`. Read off the events what its first poll does.

    Returns {"answer": retention-reset choice id, "observed": what happened}.
    """
    sim = _simulation(
        _cluster(
            3,
            [
                {
                    "name": "orders",
                    "partitions": 1,
                    "replication_factor": 3,
                    "configs": {"retention.ms": 60_000, "segment.ms": 10_000},
                }
            ],
            [{"name": "A", "configs": {"linger.ms": 0}}],
        ),
        seed,
    )
    # Start with earliest so the group reads and commits; the learner's setting
    # applies when the consumer comes back.
    _apply(
        sim,
        {
            "type": "add_consumer",
            "consumer": "C1",
            "group": "billing",
            "topics": ["orders"],
            "configs": {"auto.offset.reset": "earliest"},
        },
    )
    sim.advance(10_000)
    for i in range(5):
        _apply(
            sim,
            {
                "type": "produce",
                "producer": "A",
                "topic": "orders",
                "partition": 0,
                "value": f"order-{i}",
            },
        )
        sim.advance(2_000)
    sim.advance(8_000)  # past auto.commit.interval.ms: offset 5 is committed
    _apply(sim, {"type": "crash_consumer", "consumer": "C1"})
    _apply(
        sim,
        {
            "type": "set_consumer_config",
            "consumer": "C1",
            "configs": {"auto.offset.reset": auto_offset_reset},
        },
    )
    steps = 10
    for i in range(steps):
        _apply(
            sim,
            {
                "type": "produce",
                "producer": "A",
                "topic": "orders",
                "partition": 0,
                "value": f"order-{i + 5}",
            },
        )
        sim.advance(offline_ms // steps)
    events = _kinds(_apply(sim, {"type": "restart_consumer", "consumer": "C1"}))
    events += _kinds(sim.advance(15_000))
    partition = _partitions(_topic(sim.snapshot(), "orders"))[0]
    start, end = partition["log_start_offset"], partition["high_watermark"]
    kept = f"the log now starts at offset {start} and ends at {end}"
    for e in events:
        if e["kind"] == "consumer_error" and e.get("consumer") in ("C1", "consumer:C1"):
            return {
                "answer": "error",
                "observed": f"poll() threw {e['error']}: {e['message']} ({kept}).",
            }
        if e["kind"] == "consumer_position_changed" and e.get("reason") == "reset":
            position = e["position"]
            answer = "earliest" if position == start else "latest" if position == end else None
            if answer is None:
                break
            return {
                "answer": answer,
                "observed": f"Offset 5 was out of range ({kept}); the "
                f"consumer reset to {position} and carried on.",
            }
    for e in events:
        if e["kind"] == "consumer_position_changed" and e.get("reason") == "committed":
            if e["position"] >= start:
                return {
                    "answer": "resume",
                    "observed": f"It resumed at the committed offset {e['position']} ({kept}).",
                }
    raise RuntimeError("the simulator showed no outcome for the returning consumer")


@lru_cache(maxsize=256)
def idle_members_after_rebalance(*, partitions: int, consumers: int, seed: int) -> dict:
    """Start `consumers` members of one group on a topic, settle, count the idle ones."""
    sim = _simulation(
        _cluster(3, [{"name": "orders", "partitions": partitions, "replication_factor": 3}]), seed
    )
    names = [f"C{i + 1}" for i in range(consumers)]
    for name in names:
        _apply(
            sim,
            {
                "type": "add_consumer",
                "consumer": name,
                "group": "payment-service",
                "topics": ["orders"],
            },
        )
    sim.advance(SETTLE_MS)
    snapshot = sim.snapshot()
    if group_state(snapshot, "payment-service") != "Stable":
        raise RuntimeError("the group did not settle; the quiz cannot read an assignment")
    members = group_members(snapshot, "payment-service")
    idle = sorted(m for m, assignment in members.items() if not assignment)
    busy = {m: a for m, a in members.items() if a}
    detail = "; ".join(f"{m} reads {', '.join(a)}" for m, a in sorted(busy.items()))
    return {
        "answer": str(len(idle)),
        "observed": f"After the rebalance: {detail}. Idle: {', '.join(idle) or 'none'}.",
    }


def group_members(snapshot: dict, group: str) -> dict[str, list[str]]:
    """{consumer name: ["orders-0", ...]} for one group of a snapshot."""
    g = next(g for g in snapshot.get("groups", []) if g["group_id"] == group)
    return {
        m["client"]: [f"{topic}-{partition}" for topic, partition in m["assignment"]]
        for m in g["members"]
    }


def group_state(snapshot: dict, group: str) -> str:
    return next(g for g in snapshot.get("groups", []) if g["group_id"] == group)["state"]


@lru_cache(maxsize=64)
def lagging_follower_snapshot(*, slow_follower_index: int, records: int, seed: int) -> dict:
    """orders-0 on three brokers; one follower slowed while records arrive, out of the ISR."""
    sim = _simulation(
        _cluster(
            3,
            [{"name": "orders", "partitions": 1, "replication_factor": 3}],
            [{"name": "A", "configs": {"acks": "1", "linger.ms": 0}}],
        ),
        seed,
    )
    state = partition_state(sim.snapshot(), "orders", 0)
    followers = [b for b in state["replicas"] if b != state["leader"]]
    slow = followers[slow_follower_index % len(followers)]
    for i in range(3):
        _apply(
            sim,
            {
                "type": "produce",
                "producer": "A",
                "topic": "orders",
                "partition": 0,
                "key": f"order-{i}",
                "value": "paid",
            },
        )
    sim.advance(2_000)
    _apply(sim, {"type": "slow_broker", "broker": slow, "slow_ms": 120_000})
    # Keep writing so the slow follower really falls behind, past replica.lag.time.max.ms.
    for i in range(records):
        _apply(
            sim,
            {
                "type": "produce",
                "producer": "A",
                "topic": "orders",
                "partition": 0,
                "key": f"order-{i + 3}",
                "value": "paid",
            },
        )
        sim.advance(SETTLE_MS // records)
    snapshot = sim.snapshot()
    return {
        "snapshot": snapshot,
        "partition": partition_state(snapshot, "orders", 0),
        "leo_by_broker": log_end_offsets(snapshot, "orders", 0),
        "now_ms": sim.now_ms,
    }


def log_end_offsets(snapshot: dict, topic: str, partition: int) -> dict[int, int]:
    logs = partition_state(snapshot, topic, partition)["logs"]
    if isinstance(logs, dict):
        return {int(b): int(v.get("leo", 0)) for b, v in logs.items()}
    return {int(entry["broker"]): int(entry.get("leo", 0)) for entry in logs}


@lru_cache(maxsize=64)
def three_partition_snapshot(*, seed: int) -> dict:
    """orders with 3 partitions, RF 3, on 3 brokers, settled, a few records written."""
    sim = _simulation(
        _cluster(
            3,
            [{"name": "orders", "partitions": 3, "replication_factor": 3}],
            [{"name": "A", "configs": {"linger.ms": 0}}],
        ),
        seed,
    )
    for i in range(3):
        _apply(
            sim,
            {
                "type": "produce",
                "producer": "A",
                "topic": "orders",
                "partition": i,
                "key": f"order-{i}",
                "value": "paid",
            },
        )
    sim.advance(2_000)
    snapshot = sim.snapshot()
    return {
        "snapshot": snapshot,
        "partitions": [partition_state(snapshot, "orders", p) for p in range(3)],
    }
