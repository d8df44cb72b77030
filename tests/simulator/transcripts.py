"""The one golden-transcript runner: commands -> the exact events they cause, shown as chosen.

A transcript is a text file in a `golden/` folder below tests/simulator/
(`golden/*.txt`, `consumers/golden/*.txt`), read top to bottom like
etcd-io/raft's data-driven `testdata/*.txt`::

    # what this case shows
    seed: 7
    until_ms: 200
    show: ["broker_*", "leader_changed", "message_*:produce*"]   (optional, one JSON line)
    scenario: {"cluster": {...}, "topics": [...], ...}           (one JSON line)
    commands:
    @0 {"type": "produce", ...}
    events:
    {"kind": "simulation_started", ...}                        (one JSON line each)

`show:` says what the case is about, so a failover reads as a failover and
not as a hundred heartbeats. It is a list of patterns, tried in order; the
last one that matches an event decides (like .gitignore):

- `kind` glob (fnmatch): `leader_changed`, `broker_*`, `*`.
- `kind:message_kind` globs, for the network's events: `message_*:produce*`
  matches message_sent/delivered/dropped of produce requests and responses.
- a leading `!` hides what the rest matches: `["*", "!message_*:*heartbeat*"]`.

Without `show:` every event is listed. The simulation runs the same either
way; `seq` keeps each shown event's place in the whole run.

tests/simulator/test_golden.py replays every transcript. After an intended
change, regenerate and review the diff::

    .venv/bin/python -m tests.simulator.transcripts              # rewrite all
    .venv/bin/python -m tests.simulator.transcripts tests/simulator/golden/leader_failover.txt
    GOLDEN_REWRITE=1 .venv/bin/python -m pytest tests/simulator/test_golden.py
"""

from __future__ import annotations

import json
import sys
from fnmatch import fnmatchcase
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER_ORDER = ("seed", "until_ms", "show", "scenario")


def all_transcripts() -> list[Path]:
    """Every transcript below tests/simulator/, in path order."""
    return sorted(HERE.glob("**/golden/*.txt"))


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
            if key not in HEADER_ORDER:
                raise ValueError(f"{path.name}: unknown header '{key}' (known: {HEADER_ORDER})")
            header[key] = json.loads(value)
        elif section == "commands":
            at, _, data = line.partition(" ")
            commands.append((int(at.lstrip("@")), json.loads(data)))
        else:
            events.append(line)
    if "show" in header:
        check_show(header["show"], where=path.name)
    return {"comments": comments, "header": header, "commands": commands, "events": events}


def check_show(patterns, *, where: str) -> None:
    if not isinstance(patterns, list) or not all(isinstance(p, str) and p for p in patterns):
        raise ValueError(f"{where}: show must be a list of non-empty pattern strings")


def shown(event: dict, patterns: list[str] | None) -> bool:
    """Whether `show:` lists this event (no patterns: every event)."""
    if patterns is None:
        return True
    verdict = False
    for pattern in patterns:
        hide = pattern.startswith("!")
        kind_glob, _, message_glob = pattern.lstrip("!").partition(":")
        if not fnmatchcase(event["kind"], kind_glob):
            continue
        if message_glob and not fnmatchcase(str(event.get("message_kind")), message_glob):
            continue
        verdict = not hide
    return verdict


def run(case: dict) -> list[str]:
    """The case's events, as the JSON lines a transcript lists, filtered by its `show:`."""
    from simulator import Simulation
    from simulator.events import event_to_dict

    header = case["header"]
    sim = Simulation(header["scenario"], seed=header["seed"])
    events = list(sim.setup_events)
    for at, command in case["commands"]:
        events += sim.advance(at - sim.now_ms)
        events += sim.apply(command)
    events += sim.advance(header["until_ms"] - sim.now_ms)
    as_dicts = (event_to_dict(e) for e in events)
    return [json.dumps(e, separators=(",", ":")) for e in as_dicts if shown(e, header.get("show"))]


def render(case: dict, events: list[str]) -> str:
    h = case["header"]
    lines = list(case["comments"])
    lines += [f"{key}: {json.dumps(h[key], separators=(',', ':'))}"
              for key in HEADER_ORDER if key in h]
    lines.append("commands:")
    lines += [f"@{at} {json.dumps(cmd, separators=(',', ':'))}" for at, cmd in case["commands"]]
    lines += ["events:", *events]
    return "\n".join(lines) + "\n"


def rewrite(paths: list[Path]) -> None:
    for path in paths:
        case = parse(path)
        path.write_text(render(case, run(case)), encoding="utf-8")
        print(f"rewrote {path}")


if __name__ == "__main__":
    rewrite([Path(p) for p in sys.argv[1:]] or all_transcripts())
