"""Golden CLI transcripts: command lines -> the exact text Kafka's tools print.

A transcript (tests/simulator/tools/transcripts/*.txt) reads top to bottom::

    # what this case shows
    seed: 7
    scenario: {"cluster": {...}, "topics": [...], ...}      (one JSON line)
    ! advance 6000                      simulated time passes
    ! apply {"type": "produce", ...}    a simulator command, as the playground's controls send
    $ kafka-topics.sh --bootstrap-server broker-1:9092 --list
    __consumer_offsets                  the exact output, byte for byte
    orders
    < key1:value1                       one line typed into the last interactive tool
    < ^C                                Ctrl-C in it: the tool closes (and may wait)
    \\ No newline at end of output      (the output before it ends without one)

Each ``$`` line runs through `run_cli` on a read-only view, and the commands
it returns are applied, as the terminal does, so ``--execute`` then
``--describe`` shows the change. A tool that waits (a console consumer short of
--max-messages) waits as a playing sandbox's does: simulated time passes
(`run_cli_playing`). Output lines keep their trailing spaces.

Regenerate after an intended change, then review the diff against Kafka's
source (the classes cited in simulator/tools/cli.py)::

    .venv/bin/python -m tests.simulator.tools.cli_transcripts
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from simulator import Simulation
from simulator.tools.cli import run_cli, run_cli_playing

HERE = Path(__file__).resolve().parent / "transcripts"
NO_NEWLINE = "\\ No newline at end of output"


def all_transcripts() -> list[Path]:
    return sorted(HERE.glob("*.txt"))


def _is_step(line: str) -> bool:
    return line.startswith(("$ ", "! ", "< "))


def parse(text: str):
    """(header lines, seed, scenario, [(step line, expected output)])."""
    lines = text.split("\n")
    header, seed, scenario, i = [], 7, None, 0
    while i < len(lines) and not _is_step(lines[i]):
        line = lines[i]
        if line.startswith("seed: "):
            seed = int(line[6:])
        elif line.startswith("scenario: "):
            scenario = json.loads(line[10:])
        header.append(line)
        i += 1
    steps = []
    while i < len(lines):
        step = lines[i]
        i += 1
        body = []
        while i < len(lines) and not _is_step(lines[i]):
            body.append(lines[i])
            i += 1
        if body and body[-1] == "" and i >= len(lines):
            body.pop()  # the file's final newline
        text_out = "\n".join(body) + ("\n" if body else "")
        if body and body[-1] == NO_NEWLINE:
            text_out = "\n".join(body[:-1])
        steps.append((step, text_out))
    return header, seed, scenario, steps


def run(seed: int, scenario: dict, steps) -> list[tuple[str, str]]:
    """Run the steps; returns (step line, actual output) for each."""
    sim = Simulation(scenario, seed=seed)
    interactive = None
    actual = []
    for step, _ in steps:
        kind, rest = step[:1], step[2:]
        output = ""
        if kind == "!":
            verb, _, arg = rest.partition(" ")
            if verb == "advance":
                sim.advance(int(arg))
            elif verb == "apply":
                sim.apply(json.loads(arg))
            else:
                raise ValueError(f"unknown directive {verb!r}")
        else:
            if kind == "$":
                result = run_cli_playing(sim, rest)  # a waiting tool waits as time passes
                interactive, typed = (rest if result.interactive else None), 0
            elif rest == "^C":  # Ctrl-C: the tool closes (console-producer flushes)
                if interactive is None:
                    raise ValueError("'< ^C' needs an interactive tool started before it")
                result = run_cli_playing(sim, interactive, close=True)
                interactive = None
            else:
                if interactive is None:
                    raise ValueError("'<' needs an interactive tool started before it")
                typed += 1
                result = run_cli(sim.world, interactive, stdin=rest, stdin_number=typed)
                if not result.interactive:
                    interactive = None  # the tool exited
                for command in result.commands:
                    sim.apply(command)
            output = result.output
        actual.append((step, output))
    return actual


def render(header: list[str], actual) -> str:
    out = ["\n".join(header)]
    for step, output in actual:
        block = step + "\n" + output
        if output and not output.endswith("\n"):
            block += "\n" + NO_NEWLINE + "\n"
        out.append(block.rstrip("\n") if False else block)
    text = out[0] + "\n" + "".join(out[1:])
    return text


def rewrite(path: Path) -> None:
    header, seed, scenario, steps = parse(path.read_text())
    path.write_text(render(header, run(seed, scenario, steps)))


if __name__ == "__main__":
    paths = [Path(p) for p in sys.argv[1:]] or all_transcripts()
    for p in paths:
        rewrite(p)
        print(f"rewrote {p}")
