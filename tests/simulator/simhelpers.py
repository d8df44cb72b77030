"""Small builders shared by the simulator tests."""

from __future__ import annotations

from simulator import Simulation
from simulator.checks import check_invariants


def scenario(brokers: int = 3, partitions: int = 1, rf: int = 3, topic_configs: dict | None = None,
             producer_configs: dict | None = None, assignment: list | None = None,
             cluster_configs: dict | None = None, producers: tuple = ("P",),
             timeline: list | None = None) -> dict:
    if assignment is None and rf == brokers:
        assignment = [[(p + i) % brokers + 1 for i in range(rf)] for p in range(partitions)]
    topic = {"name": "t", "partitions": partitions, "replication_factor": rf,
             "configs": topic_configs or {}}
    if assignment is not None:
        topic["replica_assignment"] = assignment
    return {
        "name": "test",
        "cluster": {"brokers": brokers, "configs": cluster_configs or {}},
        "topics": [topic],
        "producers": [{"name": name, "configs": dict(producer_configs or {})}
                      for name in producers],
        "timeline": timeline or [],
    }


def sim_with(seed: int = 1, **kwargs) -> Simulation:
    return Simulation(scenario(**kwargs), seed=seed)


def of_kind(events: list, kind: str, **match) -> list:
    return [e for e in events if e.kind == kind
            and all(getattr(e, k) == v for k, v in match.items())]


def partition(sim: Simulation, index: int = 0, topic: str = "t") -> dict:
    snap = sim.snapshot()
    t = next(t for t in snap["topics"] if t["name"] == topic)
    return t["partitions"][index]


def produce(sim: Simulation, value: str = "v", producer: str = "P", topic: str = "t",
            **fields) -> list:
    return sim.apply({"type": "produce", "producer": producer, "topic": topic, "value": value,
                      **fields})


def advance_checked(sim: Simulation, ms: int, memory: dict | None = None,
                    step_ms: int = 50) -> list:
    """Advance in steps, asserting the invariants after each."""
    memory = {} if memory is None else memory
    events = []
    left = ms
    while left > 0:
        n = min(step_ms, left)
        events += sim.advance(n)
        left -= n
        problems = check_invariants(sim.world, memory)
        assert not problems, problems
    return events


def leader_log_values(sim: Simulation, index: int = 0, topic: str = "t") -> list:
    """Values of the records below the HW on the current leader."""
    p = partition(sim, index, topic)
    hw = p["high_watermark"]
    return [r["value"] for r in p["records"] if r["offset"] < hw and r["control"] is None]
