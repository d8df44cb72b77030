"""Single choice: pick exactly one of several answers.

YAML: `choices` (a list of {id, text}) and `answer` (the id of the right one).
Choices are shown in a per-learner shuffled order so the YAML's order gives
nothing away.
"""

from __future__ import annotations

from .base import ContentError, Grade, InvalidResponse, Question, require_ids, require_str, rng_for

NAME = "single_choice"


def parse(raw: dict, *, where: str) -> dict:
    choices = require_ids(raw.get("choices"), where, "choices")
    answer = require_str(raw, "answer", where)
    if answer not in {c["id"] for c in choices}:
        raise ContentError(f"{where}: answer '{answer}' is not one of the choices")
    return {"choices": choices, "answer": answer}


def present(question: Question, *, seed: int) -> dict:
    choices = list(question.spec["choices"])
    rng_for(seed, question.id).shuffle(choices)
    return {"choices": choices}


def response_from_post(
    question: Question, data, *, seed: int, previous: dict | None = None
) -> dict:
    choice = data.get("choice", "")
    if choice not in {c["id"] for c in question.spec["choices"]}:
        raise InvalidResponse("Choose one answer.")
    return {"choice": choice}


def grade(question: Question, response: dict, *, seed: int) -> Grade:
    expected = question.spec["answer"]
    correct = response.get("choice") == expected
    return Grade(correct=correct, points=1.0 if correct else 0.0, detail={"expected": [expected]})
