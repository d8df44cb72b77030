"""What every quiz simulation shares: build a small cluster, drive it, read its snapshot.

Each generator module (acks_outcome.py, leader_crash.py, ...) holds its own
simulation beside its question: it builds a scenario dict with `cluster` and
`topic`, runs `simulator.Simulation` with the attempt's seed through
`simulation`, `apply` and `produce`, and reads the answer off the events or
the snapshot with the readers below. Nothing knows the "right" answer in
advance: that is the point of predict-the-outcome and click-on-the-diagram
questions.

The simulator is imported inside the functions so loading quiz content never
depends on it; only grading and drawing do.
"""

from __future__ import annotations

# How long to let the cluster settle after a crash: beyond the broker session
# timeout (fencing) and replica.lag.time.max.ms (ISR shrink), both defaults.
SETTLE_MS = 45_000


def topic(name: str, *, partitions: int = 1, replication_factor: int = 3,
          configs: dict | None = None) -> dict:
    """One topic of a scenario dict."""
    spec = {"name": name, "partitions": partitions, "replication_factor": replication_factor}
    if configs:
        spec["configs"] = configs
    return spec


def cluster(brokers: int, topics: list[dict], producers: list[dict] | None = None) -> dict:
    """A scenario dict: `brokers` brokers, one controller, these topics and producers."""
    return {
        "name": "quiz",
        "cluster": {"brokers": brokers, "controllers": 1},
        "topics": topics,
        "producers": producers or [],
    }


def simulation(scenario: dict, seed: int):
    from simulator import Simulation

    return Simulation(scenario, seed=seed)


def apply(sim, command: dict) -> list[dict]:
    """Apply one command (as the socket would send it); its events as dicts."""
    from simulator.commands import command_from_dict

    return event_dicts(sim.apply(command_from_dict(command)))


def produce(sim, *, topic: str, partition: int, value: str, key: str | None = None,
            producer: str = "A") -> list[dict]:
    """Producer `producer` sends one record; the events of sending it, as dicts."""
    command = {"type": "produce", "producer": producer, "topic": topic, "partition": partition}
    if key is not None:
        command["key"] = key
    command["value"] = value
    return apply(sim, command)


def event_dicts(events) -> list[dict]:
    from simulator.events import event_to_dict

    return [event_to_dict(e) for e in events]


def topic_state(snapshot: dict, name: str) -> dict:
    topics = snapshot["topics"]
    if isinstance(topics, dict):
        topics = list(topics.values())
    return next(t for t in topics if (t.get("name") or t.get("topic")) == name)


def partitions_of(topic: dict) -> list[dict]:
    partitions = topic["partitions"]
    if isinstance(partitions, dict):
        partitions = list(partitions.values())
    return sorted(partitions, key=lambda p: p["partition"])


def partition_state(snapshot: dict, topic: str, partition: int) -> dict:
    """{replicas, leader, isr} of one partition, with broker ids as ints."""
    p = next(p for p in partitions_of(topic_state(snapshot, topic)) if p["partition"] == partition)
    return {
        "partition": partition,
        "replicas": [int(b) for b in p["replicas"]],
        "leader": None if p.get("leader") is None else int(p["leader"]),
        "isr": [int(b) for b in p["isr"]],
        "logs": p.get("replicas_state") or p.get("logs") or [],
    }


def followers(snapshot: dict, topic: str, partition: int) -> list[int]:
    """The replicas of one partition other than its leader, in assignment order."""
    state = partition_state(snapshot, topic, partition)
    return [b for b in state["replicas"] if b != state["leader"]]


def log_end_offsets(snapshot: dict, topic: str, partition: int) -> dict[int, int]:
    logs = partition_state(snapshot, topic, partition)["logs"]
    if isinstance(logs, dict):
        return {int(b): int(v.get("leo", 0)) for b, v in logs.items()}
    return {int(entry["broker"]): int(entry.get("leo", 0)) for entry in logs}


def partition_word(partition: int) -> str:
    """How feedback names a partition: as the diagrams label it (cluster.js,
    consumer-groups.js draw "P0"), so the words and the picture agree."""
    return f"P{partition}"


def group_members(snapshot: dict, group: str) -> dict[str, list[str]]:
    """{consumer name: ["P0", ...]} for one group of a one-topic snapshot."""
    g = next(g for g in snapshot.get("groups", []) if g["group_id"] == group)
    return {
        m["client"]: [partition_word(partition) for _topic, partition in m["assignment"]]
        for m in g["members"]
    }


def group_state(snapshot: dict, group: str) -> str:
    return next(g for g in snapshot.get("groups", []) if g["group_id"] == group)["state"]
