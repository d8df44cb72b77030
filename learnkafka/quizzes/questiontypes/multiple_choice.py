"""Multiple choice: tick every right answer, and only those.

YAML: `choices` (a list of {id, text}) and `answer` (a list of ids, at least
one). Graded all-or-nothing: partial credit would reward ticking everything.
"""

from __future__ import annotations

from .base import ContentError, Grade, InvalidResponse, Question, require_ids, rng_for

NAME = "multiple_choice"


def parse(raw: dict, *, where: str) -> dict:
    choices = require_ids(raw.get("choices"), where, "choices")
    answer = raw.get("answer")
    if not isinstance(answer, list) or not answer or not all(isinstance(a, str) for a in answer):
        raise ContentError(f"{where}: 'answer' must be a non-empty list of choice ids")
    ids = {c["id"] for c in choices}
    unknown = [a for a in answer if a not in ids]
    if unknown:
        raise ContentError(f"{where}: answer ids {unknown} are not choices")
    if len(set(answer)) != len(answer):
        raise ContentError(f"{where}: 'answer' repeats an id")
    return {"choices": choices, "answer": answer}


def present(question: Question, *, seed: int) -> dict:
    choices = list(question.spec["choices"])
    rng_for(seed, question.id).shuffle(choices)
    return {"choices": choices}


def response_from_post(
    question: Question, data, *, seed: int, previous: dict | None = None
) -> dict:
    picked = data.getlist("choices")
    ids = [c["id"] for c in question.spec["choices"]]
    if not picked:
        raise InvalidResponse("Select at least one answer.")
    if any(p not in ids for p in picked):
        raise InvalidResponse("That answer is not one of the choices.")
    # Keep the YAML's order so stored responses compare equal however sent.
    return {"choices": [i for i in ids if i in set(picked)]}


def grade(question: Question, response: dict, *, seed: int) -> Grade:
    expected = set(question.spec["answer"])
    picked = set(response.get("choices", []))
    correct = picked == expected
    return Grade(
        correct=correct,
        points=1.0 if correct else 0.0,
        detail={
            "expected": [c["id"] for c in question.spec["choices"] if c["id"] in expected],
            "missed": sorted(expected - picked),
            "wrongly_picked": sorted(picked - expected),
        },
    )
