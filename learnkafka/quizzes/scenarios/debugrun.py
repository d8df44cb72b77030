"""Shared pieces of the debugging lesson's quiz generators: a staged payment-service
cluster, and Kafka's own tools (simulator.tools.cli.run_cli) run against it.

Each generator (describe_diagnosis.py, offsets_diagnosis.py, ...) builds its
cluster from random parameters, runs it in the simulator and shows the learner
the exact text the CLI prints; its grader reads the answer off the same
simulation. The simulator is imported inside the functions (see simrun.py).
"""

from __future__ import annotations

BOOT = "--bootstrap-server broker-1:9092"
GROUP = "payment-service"
DESCRIBE = f"kafka-consumer-groups {BOOT} --describe --group {GROUP}"
MEMBERS = f"kafka-consumer-groups {BOOT} --describe --group {GROUP} --members"
OFFSETS = f"kafka-get-offsets {BOOT} --topic orders"


def orders_scenario(*, consumers: int = 1, configs: dict | None = None, timeline=(),
                    topic_configs: dict | None = None, producer_configs: dict | None = None
                    ) -> dict:
    """orders (3 partitions, 3 replicas) on 3 brokers, payment-service with `consumers`."""
    topic = {"name": "orders", "partitions": 3, "replication_factor": 3,
             "replica_assignment": [[1, 2, 3], [2, 3, 1], [3, 1, 2]]}
    if topic_configs:
        topic["configs"] = topic_configs
    return {
        "name": "quiz-debug",
        "cluster": {"brokers": 3, "controllers": 1, "network": {"latency_ms": 2}},
        "topics": [topic],
        "producers": [{"name": "shop", "configs": producer_configs or {}}],
        "consumer_groups": [{
            "group": GROUP, "topics": ["orders"], "configs": configs or {},
            "consumers": [{"name": f"payment-{i}"} for i in range(1, consumers + 1)],
        }] if consumers else [],
        "timeline": sorted(timeline, key=lambda e: e["at_ms"]),
    }


def produce(at_ms: int, count: int) -> list[dict]:
    """`count` orders on each partition at `at_ms`."""
    return [{"at_ms": at_ms, "command": {"type": "produce", "producer": "shop",
                                         "topic": "orders", "partition": p,
                                         "value": "{\"amount\": 10}", "count": count}}
            for p in range(3)]


def simulation(scenario: dict, seed: int):
    from simulator import Simulation

    return Simulation(scenario, seed=seed)


def cli(sim, line: str) -> str:
    """What `line` prints on this cluster now, exactly as the terminal shows it."""
    from simulator.tools.cli import run_cli

    return run_cli(sim.world, line).output


def transcript(*pairs: tuple[str, str]) -> str:
    """Markdown: each command and its output, as a terminal session."""
    blocks = []
    for line, output in pairs:
        if line.startswith("#"):  # a note between commands, not a command
            blocks.append(f"*{line.lstrip('# ')}:*")
        else:
            blocks.append(f"```\n$ {line}\n{output.rstrip()}\n```")
    return "\n\n".join(blocks)


def group(snapshot: dict) -> dict | None:
    return next((g for g in snapshot.get("groups", []) if g["group_id"] == GROUP), None)
