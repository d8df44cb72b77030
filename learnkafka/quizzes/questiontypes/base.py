"""What every question type shares: the question record, a grade, and errors.

A question type is a small module with four functions (see `__init__.py`):
`parse` checks the YAML and returns the type's spec, `present` builds what the
template shows for one learner (seeded, so a reload shows the same thing),
`response_from_post` turns form data into a JSON-able response, and `grade`
judges a response.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

# One error and one field check for content at fault, shared with the lessons
# (re-exported here for the question types).
from learnkafka.core.content_files import ContentError, require_str


class InvalidResponse(ValueError):
    """The learner's submission cannot be graded (nothing chosen, unknown id...).

    It changes nothing: the question is shown again with this message.
    """


@dataclass(frozen=True)
class Question:
    """One question of a bank, as loaded from the YAML."""

    bank: str
    lesson: str
    id: str
    type: str
    section: str
    step: str
    prompt: str
    explanation: str
    spec: dict[str, Any]
    number: int = 0

    @property
    def lesson_url(self) -> str:
        return f"/lessons/{self.lesson}/{self.step}/"


@dataclass(frozen=True)
class Grade:
    """The verdict on one response.

    `final` is False for a self-assessed answer whose rubric is not ticked
    yet; `detail` keeps whatever the feedback needs to show (the expected
    answer, the simulator's outcome...).
    """

    correct: bool
    points: float
    final: bool = True
    detail: dict[str, Any] = field(default_factory=dict)


def rng_for(seed: int, question_id: str) -> random.Random:
    """The learner's private random stream for one question.

    Derived from the attempt's seed and the question id, so a reload (or a
    server restart) shows the same shuffle and the same scenario parameters.
    A string seed goes through SHA-512, stable across processes.
    """
    return random.Random(f"{seed}:{question_id}")


def require_ids(items: Any, where: str, what: str) -> list[dict[str, str]]:
    """A list of {id, text} entries with unique string ids.

    Ids must be strings: YAML reads bare `yes`/`no` as booleans, which would
    silently break matching against form values.
    """
    if not isinstance(items, list) or len(items) < 2:
        raise ContentError(f"{where}: '{what}' must list at least two entries")
    seen: set[str] = set()
    cleaned = []
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise ContentError(f"{where}: {what}[{i}] must be a mapping with id and text")
        item_id = require_str(item, "id", f"{where}: {what}[{i}]")
        text = require_str(item, "text", f"{where}: {what}[{i}]")
        if item_id in seen:
            raise ContentError(f"{where}: duplicate {what} id '{item_id}'")
        seen.add(item_id)
        cleaned.append({"id": item_id, "text": text})
    return cleaned
