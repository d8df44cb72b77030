"""Turn a phase's form post into a response, and a response into checks.

One function per phase kind, so services.py stays a sequence of steps and
each grader stays pure (learnkafka/interview/grading/). `reference_checks`
grades the model answer of a phase: it names what full marks look like,
and with every check failed it is what a phase the clock ran out on scores.
"""

from __future__ import annotations

import json
import random

from .grading import (
    Check,
    InvalidAnswer,
    architecture,
    chaos,
    cli_commands,
    design,
    practical,
    rubric,
)
from .grading.ordering import grade_order, parse_order
from .questions import Phase

MAX_POST_CHARS = 20_000



def shuffled_steps(phase: Phase, seed: int, steps: dict[str, str] | None = None) -> list[str]:
    """The order a candidate first sees the steps in: shuffled, never already right."""
    ids = list(steps or phase.steps)
    rng = random.Random(f"{seed}:{phase.slug}")
    order = ids[:]
    while order == ids and len(ids) > 1:
        rng.shuffle(order)
    return order


def steps_of(phase: Phase) -> dict[str, str]:
    """The steps an ordering phase (or the design's handler) puts in order, right order."""
    return design.STEPS if phase.kind == "design" else phase.steps


def response_from_post(phase: Phase, data, *, previous: dict | None,
                       context: dict | None = None) -> dict:
    """Validate a form post for `phase`; raises InvalidAnswer, changing nothing.

    `context` carries what a phase needs from earlier ones: the chaos run
    takes the design phase's answer (``design``) and the interview's ``seed``.
    """
    context = context or {}
    if phase.kind == "free_text":
        if data.get("stage") == "marks":
            if not previous or "text" not in previous:
                raise InvalidAnswer("Write your answer first.")
            marks = {}
            for point in phase.rubric:
                quote = data.get(f"quote-{point.id}", "")
                if quote.strip():
                    start = data.get(f"start-{point.id}", "")
                    marks[point.id] = {"quote": quote,
                                       "start": int(start) if start.isdigit() else None}
            return {"text": previous["text"], "marks": marks}
        return {"text": rubric.clean_answer(data.get("text", ""))}
    if phase.kind == "builder":
        raw = data.get("diagram", "")
        if not raw or len(raw) > MAX_POST_CHARS:
            raise InvalidAnswer("Draw the architecture first.")
        try:
            diagram = json.loads(raw)
        except ValueError as exc:
            raise InvalidAnswer("The drawing did not arrive whole; try again.") from exc
        return {"diagram": architecture.parse_diagram(diagram)}
    if phase.kind == "ordering":
        return {"order": parse_order(data.getlist("order"), list(phase.steps))}
    if phase.kind == "design":
        return design.parse_design(
            data.getlist("order"), data.get("one_transaction") == "on",
            data.get("unique_key") == "on", data.getlist("safeguard"),
        )
    if phase.kind == "cli":
        lines = cli_commands.parse_lines(data.get("commands", ""))
        return {"runs": cli_commands.run_lines(lines)}
    if phase.kind == "chaos":
        if not context.get("design"):
            raise InvalidAnswer("Design the handler first: the chaos run runs your design.")
        return {"report": chaos.run_chaos(context["design"], seed=context.get("seed", 0))}
    if phase.kind == "practical":
        staged = context.get("practical")
        if not staged:
            raise InvalidAnswer("Open the practical first: its cluster is not staged yet.")
        goal = practical.check_fix(staged["level"], staged["level_seed"],
                                   context.get("history", []))
        return {**staged, "goal": goal}
    raise InvalidAnswer("This phase is not answered with a form.")


def is_final(phase: Phase, response: dict) -> bool:
    """A free-text answer is final once marked, a practical once checked; others at once."""
    if phase.kind == "practical":
        return "goal" in response
    return phase.kind != "free_text" or "marks" in response


def grade(phase: Phase, response: dict) -> list[Check]:
    if phase.kind == "free_text":
        return rubric.grade_marks(response["text"], response["marks"], list(phase.rubric))
    if phase.kind == "builder":
        return architecture.grade_diagram(response["diagram"])
    if phase.kind == "ordering":
        base = Check(id=f"flow-{phase.slug}", label="", passed=True, dimension="fundamentals",
                     lesson="kafka-basics", step="message-flow")
        return grade_order(response["order"], list(phase.steps), labels=phase.steps,
                           check_base=base)
    if phase.kind == "design":
        return design.grade_design(response)
    if phase.kind == "cli":
        return cli_commands.grade_commands(response["runs"])
    if phase.kind == "chaos":
        return chaos.grade_chaos(response["report"])
    if phase.kind == "practical":
        cause = ""
        if "level" in response:  # which step teaches it: the hidden cause's (server side)
            cause = practical.staged_level(response["level"], response["level_seed"])["cause_id"]
        return practical.grade_fix(response["goal"], cause)
    raise InvalidAnswer(f"No grader for {phase.kind} phases.")


def model_response(phase: Phase) -> dict | None:
    """The full-marks answer of a phase, in the shape its grader takes."""
    if phase.kind == "free_text":
        return None  # the candidate's own words: reference_checks lists the rubric
    if phase.kind == "builder":
        return {"diagram": architecture.REFERENCE}
    if phase.kind == "ordering":
        return {"order": list(phase.steps)}
    if phase.kind == "design":
        return {"order": list(design.STEPS), "one_transaction": True, "unique_key": True,
                "safeguards": [s.id for s in design.SAFEGUARDS if s.good]}
    if phase.kind == "cli":
        return {"runs": [{"line": "", "output": "", "accepted": True, "purpose": p}
                         for p, _, _ in cli_commands.PURPOSES]}
    if phase.kind == "chaos":
        return {"report": chaos.model_report()}
    if phase.kind == "practical":
        return {"goal": practical.model_goal()}
    return None


def reference_checks(phase: Phase) -> list[Check]:
    """The checks of a phase graded on its model answer (all passed)."""
    if phase.kind == "free_text":
        return [Check(id=p.id, label=p.text, passed=True, dimension=p.dimension,
                      lesson=p.lesson, step=p.step, note=p.note) for p in phase.rubric]
    response = model_response(phase)
    return grade(phase, response) if response is not None else []


def timed_out_checks(phase: Phase) -> list[Check]:
    return [c.failed("Time ran out before you answered.") for c in reference_checks(phase)]


__all__ = ["InvalidAnswer", "grade", "is_final", "reference_checks", "response_from_post",
           "shuffled_steps", "steps_of", "timed_out_checks"]
