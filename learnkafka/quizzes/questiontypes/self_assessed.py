"""Explain in your own words, then grade yourself against a rubric.

YAML: `rubric` (the points a good answer covers), `model_answer`.
Two stages, one stored answer: the learner writes their text (stage 1, not
final: the rubric stays hidden so it does not write the answer for them),
then sees the model answer and ticks the rubric points their text covered
(stage 2, final). Points are the share of rubric points ticked; the answer
counts as correct when at least two thirds are covered.
"""

from __future__ import annotations

import math

from .base import ContentError, Grade, InvalidResponse, Question, require_str

NAME = "self_assessed"
MAX_LENGTH = 4000


def parse(raw: dict, *, where: str) -> dict:
    rubric = raw.get("rubric")
    if not isinstance(rubric, list) or len(rubric) < 2:
        raise ContentError(f"{where}: 'rubric' must list at least two points")
    if not all(isinstance(r, str) and r.strip() for r in rubric):
        raise ContentError(f"{where}: every rubric point must be a non-empty string")
    return {"rubric": rubric, "model_answer": require_str(raw, "model_answer", where)}


def present(question: Question, *, seed: int) -> dict:
    return {
        "rubric": list(enumerate(question.spec["rubric"])),
        "max_length": MAX_LENGTH,
    }


def pass_mark(question: Question) -> int:
    return math.ceil(len(question.spec["rubric"]) * 2 / 3)


def response_from_post(
    question: Question, data, *, seed: int, previous: dict | None = None
) -> dict:
    """Stage 1 posts `text`; stage 2 posts `rubric_submitted` and ticked `rubric`."""
    if data.get("rubric_submitted"):
        if not previous or "text" not in previous:
            raise InvalidResponse("Write your answer first.")
        count = len(question.spec["rubric"])
        try:
            ticks = sorted({int(t) for t in data.getlist("rubric")})
        except ValueError as exc:
            raise InvalidResponse("That rubric point does not exist.") from exc
        if any(t < 0 or t >= count for t in ticks):
            raise InvalidResponse("That rubric point does not exist.")
        return {"text": previous["text"], "ticks": ticks}
    text = data.get("text", "")
    if not text.strip():
        raise InvalidResponse("Write your answer first.")
    if len(text) > MAX_LENGTH:
        raise InvalidResponse(f"Keep it under {MAX_LENGTH} characters.")
    return {"text": text}


def grade(question: Question, response: dict, *, seed: int) -> Grade:
    if "ticks" not in response:
        return Grade(correct=False, points=0.0, final=False)
    covered = len(response["ticks"])
    total = len(question.spec["rubric"])
    return Grade(
        correct=covered >= pass_mark(question),
        points=round(covered / total, 3),
        detail={"covered": covered, "total": total},
    )
