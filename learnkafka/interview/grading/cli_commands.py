"""Grade the CLI commands a candidate names for Q2, by running them.

Each line is run through the simulator's own command line
(``simulator.tools.cli.run_cli``) against the study guide's first symptom
(a new group on ``auto.offset.reset=latest``), so a command counts only
if Kafka's tool would accept it: the real option names, the required
options, ``--bootstrap-server`` (not ``--broker-list``). The lines are
then sorted by what they check, following the guide's order: the
producer's data, the group and its lag, the topic, the ACLs, the fix.
"""

from __future__ import annotations

import re
import shlex

from simulator.simulation import Simulation
from simulator.tools.cli import run_cli
from simulator.tools.debugging import symptom, symptom_scenario

from . import Check, InvalidAnswer

MAX_LINES = 20
MAX_LINE_CHARS = 300
STAGE = "lag-zero-no-messages"
# What the simulator's CLI prints when the tool itself refuses the line
# (tests/interview/test_grading_rubric_cli.py checks each against run_cli): a
# usage error prints its message and then the tool's help table (jopt's
# CommandLineUtils.printUsageAndExit); the rest are the shell's or the JVM's.
REFUSALS = (
    "bash: ", "# a command line", "# cannot parse", "Error: Could not find or load main class",
    "Error occurred:", "# no broker answers",
)
HELP_TABLE = re.compile(r"^Option\s+Description\s*\n-+\s+-+", re.MULTILINE)


def refused(output: str) -> bool:
    """Whether Kafka's tool (or the shell) refused the line rather than running it."""
    return (output.startswith(REFUSALS) or bool(HELP_TABLE.search(output))
            or "java.lang.IllegalArgumentException" in output)


LESSON = "debug-consumer"

PURPOSES: tuple[tuple[str, str, str], ...] = (
    ("producer", "Checks the producer's data is there (console consumer --from-beginning "
     "or kafka-get-offsets)", "verify-producer"),
    ("group", "Describes the consumer group: members, offsets, LAG", "lag"),
    ("topic", "Describes the topic (a typo in its name, its partitions)", "assignment"),
    ("acls", "Lists the topic's ACLs", "acls-network"),
    ("reset", "Fixes the offsets: --reset-offsets --to-earliest", "auto-offset-reset"),
)


def _world():
    entry = symptom(STAGE)
    sim = Simulation(symptom_scenario(STAGE), seed=1)
    sim.advance(entry["observe_at_ms"])
    return sim.world


def _purpose(argv: list[str]) -> str | None:
    tool = argv[0].rsplit("/", 1)[-1].removesuffix(".sh")
    flags = {a.split("=", 1)[0] for a in argv[1:] if a.startswith("--")}
    if tool == "kafka-console-consumer" and "--from-beginning" in flags:
        return "producer"
    if tool == "kafka-get-offsets":
        return "producer"
    if tool == "kafka-consumer-groups" and "--reset-offsets" in flags:
        return "reset"
    if tool == "kafka-consumer-groups" and {"--describe", "--group"} <= flags:
        return "group"
    if tool == "kafka-topics" and "--describe" in flags:
        return "topic"
    if tool == "kafka-acls" and "--list" in flags:
        return "acls"
    return None


def parse_lines(text) -> list[str]:
    if not isinstance(text, str) or not text.strip():
        raise InvalidAnswer("Write the commands you would run, one a line.")
    lines = [ln.strip().removeprefix("$ ").strip() for ln in text.splitlines()]
    lines = [ln for ln in lines if ln and not ln.startswith("#")]
    if len(lines) > MAX_LINES or any(len(ln) > MAX_LINE_CHARS for ln in lines):
        raise InvalidAnswer(f"At most {MAX_LINES} commands of {MAX_LINE_CHARS} characters.")
    if not lines:
        raise InvalidAnswer("Write the commands you would run, one a line.")
    return lines


def run_lines(lines: list[str]) -> list[dict]:
    """Each line with what the simulated tool printed and whether it accepted it."""
    world = _world()
    runs = []
    for line in lines:
        output = run_cli(world, line).output
        accepted = not refused(output)
        try:
            argv = shlex.split(line)
        except ValueError:
            argv = []
        runs.append({"line": line, "output": output[:1500], "accepted": accepted,
                     "purpose": _purpose(argv) if (argv and accepted) else None})
    return runs


def grade_commands(runs: list[dict]) -> list[Check]:
    covered = {r["purpose"] for r in runs if r["purpose"]}
    checks = []
    for purpose, label, step in PURPOSES:
        check = Check(id=f"cli-{purpose}", label=label, passed=True, dimension="cli",
                      lesson=LESSON, step=step)
        checks.append(check if purpose in covered else check.failed(
            "None of your commands did this (or the tool refused the line)."))
    refused = [r["line"] for r in runs if not r["accepted"]]
    base = Check(id="cli-accepted", label="Every command is one Kafka's tools accept",
                 passed=True, dimension="cli", lesson=LESSON, step="verify-producer")
    checks.append(base if not refused else base.failed(
        "Refused: " + "; ".join(refused[:3])
        + ". Since Kafka 3.0 the tools take --bootstrap-server, and GetOffsetShell is "
        "kafka-get-offsets.sh."))
    return checks
