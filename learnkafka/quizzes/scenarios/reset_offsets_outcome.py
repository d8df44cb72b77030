"""Predict: what does ``kafka-consumer-groups --reset-offsets`` do to this group?

Random: how many members are running, the target (--to-earliest / --to-latest) and
--dry-run or --execute. The grader runs the very command line with the simulator's
CLI (simulator.tools.cli.run_cli), applies what it asks for through the simulation's
one door, and compares the committed offsets before and after.
"""

from __future__ import annotations

import random
from functools import lru_cache

from . import debugrun

NAME = "reset-offsets-outcome"
KIND = "predict"
CHOICES = [
    {"id": "refused", "text": "It is refused: the group is not inactive"},
    {"id": "plan-only", "text": "It prints the new offsets and changes nothing"},
    {"id": "reset", "text": "It changes the group's committed offsets"},
]


def draw(rng: random.Random) -> dict:
    return {"running": rng.randint(0, 2), "to": rng.choice(["earliest", "latest"]),
            "mode": rng.choice(["dry-run", "execute"])}


def line(params: dict) -> str:
    return (f"kafka-consumer-groups {debugrun.BOOT} --group {debugrun.GROUP} --reset-offsets "
            f"--to-{params['to']} --topic orders --{params['mode']}")


def setup_text(params: dict) -> str:
    running = params["running"]
    who = ("no member is running (the application is stopped)" if running == 0 else
           f"{running} member{'s are' if running > 1 else ' is'} running")
    return (f"payment-service has read part of `orders`; {who}. You run:\n\n"
            f"```\n$ {line(params)}\n```")


def choices(params: dict) -> list[dict]:
    return [dict(c) for c in CHOICES]


@lru_cache(maxsize=64)
def _outcome(running: int, to: str, mode: str, seed: int) -> dict:
    from simulator.tools.cli import run_cli

    configs = {"auto.offset.reset": "earliest", "max.poll.records": 5,
               "processing.ms.per.record": 400}
    timeline = debugrun.produce(1_000, 20)
    for i in range(running + 1, 3):  # the members that are not running were stopped
        timeline.append({"at_ms": 15_000, "command": {"type": "stop_consumer",
                                                      "consumer": f"payment-{i}"}})
    sim = debugrun.simulation(debugrun.orders_scenario(consumers=2, configs=configs,
                                                       timeline=timeline), seed)
    sim.advance(16_000 + (50_000 if running == 0 else 0))
    before = dict((debugrun.group(sim.snapshot()) or {}).get("committed", {}))
    params = {"running": running, "to": to, "mode": mode}
    result = run_cli(sim.world, line(params))
    for command in result.commands:
        sim.apply(command)
    after = dict((debugrun.group(sim.snapshot()) or {}).get("committed", {}))
    return {"output": result.output, "before": before, "after": after}


def run(params: dict, *, seed: int) -> dict:
    seen = _outcome(params["running"], params["to"], params["mode"], seed % 1000)
    if seen["after"] != seen["before"]:
        answer = "reset"
    elif "inactive" in seen["output"]:
        answer = "refused"
    else:
        answer = "plan-only"
    first = seen["output"].strip().splitlines()
    return {"answer": answer,
            "observed": "The simulator's CLI printed: " + (first[0] if first else "(nothing)")}
