"""Predict the outcome: a scenario with random parameters, graded by the simulator.

YAML: `scenario`, the name of a generator in `learnkafka.quizzes.scenarios`
(e.g. `acks-outcome`). The generator draws parameters from the learner's
seeded random stream (the seed is stored with the attempt, so a reload or a
restart shows the same numbers), describes the setup, offers the choices, and
*runs the simulator* to find out what really happens. The right answer is
whatever the simulator produced, never a rule written down here.
"""

from __future__ import annotations

from .. import scenarios
from .base import ContentError, Grade, InvalidResponse, Question, require_str, rng_for

NAME = "predict"


def parse(raw: dict, *, where: str) -> dict:
    name = require_str(raw, "scenario", where)
    generator = scenarios.get(name)
    if generator is None or generator.KIND != "predict":
        raise ContentError(f"{where}: '{name}' is not a predict scenario")
    return {"scenario": name}


def params_for(question: Question, *, seed: int) -> dict:
    return scenarios.get(question.spec["scenario"]).draw(rng_for(seed, question.id))


def present(question: Question, *, seed: int) -> dict:
    generator = scenarios.get(question.spec["scenario"])
    params = params_for(question, seed=seed)
    return {
        "setup": generator.setup_text(params),
        "choices": generator.choices(params),
        "params": params,
    }


def response_from_post(
    question: Question, data, *, seed: int, previous: dict | None = None
) -> dict:
    # Choices are re-derived from the stored seed, so a forged id is refused here.
    generator = scenarios.get(question.spec["scenario"])
    valid = {c["id"] for c in generator.choices(params_for(question, seed=seed))}
    choice = data.get("choice", "")
    if choice not in valid:
        raise InvalidResponse("Choose one answer.")
    return {"choice": choice}


def grade(question: Question, response: dict, *, seed: int) -> Grade:
    generator = scenarios.get(question.spec["scenario"])
    params = params_for(question, seed=seed)
    outcome = generator.run(params, seed=seed)
    correct = response["choice"] == outcome["answer"]
    return Grade(
        correct=correct,
        points=1.0 if correct else 0.0,
        detail={"expected": [outcome["answer"]], "params": params, "observed": outcome["observed"]},
    )
