"""Golden scenario transcripts: commands -> the exact events they cause.

A transcript file in tests/simulator/golden/ reads::

    # what this case shows
    seed: 7
    until_ms: 200
    scenario: {"cluster": {...}, "topics": [...], ...}     (one JSON line)
    commands:
    @0 {"type": "produce", ...}
    events:
    {"kind": "simulation_started", ...}                  (one JSON line each)

Regenerate after an intended change, then review the diff:

    .venv/bin/python tests/simulator/golden_transcripts.py          # rewrite all
    GOLDEN_REWRITE=1 .venv/bin/python -m pytest tests/simulator/test_sim_golden.py
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

GOLDEN_DIR = Path(__file__).parent / "golden"


def parse(path: Path) -> dict:
    header, commands, events, comments = {}, [], [], []
    section = "header"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#"):
            comments.append(line)
        elif line == "commands:":
            section = "commands"
        elif line == "events:":
            section = "events"
        elif not line.strip():
            continue
        elif section == "header":
            key, _, value = line.partition(": ")
            header[key] = json.loads(value)
        elif section == "commands":
            at, _, data = line.partition(" ")
            commands.append((int(at.lstrip("@")), json.loads(data)))
        else:
            events.append(line)
    return {"comments": comments, "header": header, "commands": commands, "events": events}


def run(case: dict) -> list[str]:
    from simulator import Simulation
    from simulator.events import event_to_dict

    header = case["header"]
    sim = Simulation(header["scenario"], seed=header["seed"])
    events = list(sim.setup_events)
    for at, command in case["commands"]:
        events += sim.advance(at - sim.now_ms)
        events += sim.apply(command)
    events += sim.advance(header["until_ms"] - sim.now_ms)
    return [json.dumps(event_to_dict(e), separators=(",", ":")) for e in events]


def render(case: dict, events: list[str]) -> str:
    h = case["header"]
    lines = list(case["comments"])
    lines += [f"seed: {json.dumps(h['seed'])}", f"until_ms: {json.dumps(h['until_ms'])}",
              f"scenario: {json.dumps(h['scenario'], separators=(',', ':'))}", "commands:"]
    lines += [f"@{at} {json.dumps(cmd, separators=(',', ':'))}" for at, cmd in case["commands"]]
    lines += ["events:", *events]
    return "\n".join(lines) + "\n"


def rewrite_all() -> None:
    for path in sorted(GOLDEN_DIR.glob("*.txt")):
        case = parse(path)
        path.write_text(render(case, run(case)), encoding="utf-8")
        print(f"rewrote {path.name}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    rewrite_all()
