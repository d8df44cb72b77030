"""Short answer: type a name (a config, a topic), compared after normalising.

YAML: `answer` (the canonical spelling) and optional `aliases`. Case,
surrounding whitespace, inner runs of whitespace and wrapping quotes or
backticks are ignored, so "  Acks " and "`acks`" both count as "acks".
"""

from __future__ import annotations

import re

from .base import ContentError, Grade, InvalidResponse, Question, require_str

NAME = "short_answer"
MAX_LENGTH = 200


def normalize(text: str) -> str:
    # Strip spaces and quotes together so a quote behind a space (' "acks')
    # goes too, and normalising twice changes nothing.
    text = re.sub(r"\s+", " ", text).strip(" `'\"")
    return text.casefold()


def parse(raw: dict, *, where: str) -> dict:
    answer = require_str(raw, "answer", where)
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a.strip() for a in aliases):
        raise ContentError(f"{where}: 'aliases' must be a list of non-empty strings")
    return {"answer": answer, "aliases": aliases}


def present(question: Question, *, seed: int) -> dict:
    return {"max_length": MAX_LENGTH}


def response_from_post(
    question: Question, data, *, seed: int, previous: dict | None = None
) -> dict:
    text = data.get("text", "")
    if not text.strip():
        raise InvalidResponse("Type an answer.")
    if len(text) > MAX_LENGTH:
        raise InvalidResponse(f"Keep it under {MAX_LENGTH} characters.")
    return {"text": text}


def accepted(question: Question) -> set[str]:
    return {normalize(a) for a in [question.spec["answer"], *question.spec["aliases"]]}


def grade(question: Question, response: dict, *, seed: int) -> Grade:
    correct = normalize(response.get("text", "")) in accepted(question)
    return Grade(
        correct=correct,
        points=1.0 if correct else 0.0,
        detail={"expected": [question.spec["answer"]]},
    )
