"""Q2's practical: a mystery level of the debugging lesson, fixed live, judged by the simulator.

The level engine is h/lesson2's ``simulator.tools.levels``: `stage(level,
seed)` builds a broken cluster around a hidden cause (a ticket such as
"payment-service stopped consuming orders at 14:02"), and `check_goal`
replays what the candidate did from the scenario and decides, with the
simulator, whether it is fixed: every order read by the group, committed,
and the group Stable for the level's window. Nothing here judges the fix;
this only picks the level for an interview and turns the simulator's
verdict into checks.
"""

from __future__ import annotations

import re

from simulator.simulation import Simulation
from simulator.tools import levels

from . import Check

LESSON = "debug-consumer"
# Levels whose every cause shows in the CLI and the logs within a mock's minutes.
LEVEL_IDS = tuple(lv.id for lv in levels.LEVELS)


def pick_level(seed: int) -> tuple[str, int]:
    """The level and its seed for an interview: fixed by the interview's seed."""
    level_seed = seed % levels.MAX_SEED
    return LEVEL_IDS[seed % len(LEVEL_IDS)], level_seed


def consumer_names(scenario: dict) -> list[str]:
    """The consumer applications the staged scenario runs, for the application panel."""
    names: list[str] = []
    for group in scenario.get("consumer_groups", []):
        names += [c["name"] for c in group.get("consumers", [])]
    for entry in scenario.get("timeline", []):
        command = entry.get("command", {})
        if command.get("type") == "add_consumer":
            names.append(command["consumer"])
    return list(dict.fromkeys(names))


def staged_level(level_id: str, level_seed: int) -> dict:
    """What the pages show: the ticket (public), and for the interviewer the cause."""
    staged = levels.stage(level_id, level_seed)
    public = levels.public_level(level_id, level_seed)
    return {"level": level_id, "level_seed": level_seed, "scenario": staged.scenario_name,
            "cause_id": staged.cause_id,
            "ticket": public["ticket"], "title": public["title"], "goal": public["goal"],
            "ticket_ms": staged.ticket_ms, "consumers": consumer_names(staged.scenario),
            "explanation": staged.explanation, "solution": [a.how for a in staged.solution]}


def check_fix(level_id: str, level_seed: int, history: list[dict]) -> dict:
    """Replay the candidate's sandbox history and ask the level engine whether it is fixed."""
    staged = levels.stage(level_id, level_seed)
    sim = Simulation.replay(staged.scenario, level_seed, history)
    return levels.check_goal(sim, level_id, level_seed).to_dict()


def _check_id(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]


# The step of lesson 2 that teaches each kind of hidden cause (cause ids are the level
# engine's; matched by what they name, first match wins).
CAUSE_STEPS = (("retention", "retention"), ("deserial", "deserialization"),
               ("acl", "acls-network"), ("bootstrap", "acls-network"),
               ("group-id", "group-id"), ("latest", "auto-offset-reset"),
               ("rebalanc", "rebalancing"), ("topic", "assignment"),
               ("too-many", "assignment"), ("assign", "assignment"))


def cause_step(cause_id: str) -> str:
    return next((step for word, step in CAUSE_STEPS if word in cause_id), "lag")


def grade_fix(goal: dict, cause_id: str = "") -> list[Check]:
    """One check per goal check of the level engine, named as it names them
    ("reads every order", "commits its progress", "stays stable for 30 s").

    The level is fixed only when all of them hold, so a check that held while
    the level is still broken (a group that is Stable because it reads
    nothing) earns nothing: doing nothing never scores."""
    checks = []
    for c in goal["checks"]:
        check = Check(id=f"practical-{_check_id(c['name'])}",
                      label=f"After your fix, payment-service {c['name']}", passed=True,
                      dimension="debugging", lesson=LESSON,
                      step=cause_step(cause_id) if cause_id else "")
        if not c["passed"]:
            check = check.failed(c["detail"])
        elif not goal.get("passed", False):
            check = check.failed(f"{c['detail']}, but the level is not fixed")
        checks.append(check)
    return checks


def model_goal() -> dict:
    return {"passed": True, "checks": [{"name": n, "passed": True, "detail": ""} for n in
                       ("reads every order", "commits its progress",
                        "stays stable for 30 s")]}
