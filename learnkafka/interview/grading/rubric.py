"""Grade a free-text answer against a rubric, by the candidate's own pointing.

The candidate does the grading: for each rubric point they claim, they
point at (select) the words in their own answer that meet it. A claim is
taken only when it holds up: the words are really in the answer, and they
name the point (at least `min_terms` of its accepted terms, so pointing at
"the" for "mentions the ISR" is refused with a message rather than scored).
A point marked `opening` must be met in the answer's first sentence: the
guide's answer structure leads with the one-line idea.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import Check, InvalidAnswer

MAX_ANSWER_CHARS = 4000
MAX_QUOTE_CHARS = 600


@dataclass(frozen=True)
class RubricPoint:
    id: str
    text: str
    terms: tuple[str, ...]
    dimension: str
    lesson: str
    step: str = ""
    min_terms: int = 1
    opening: bool = False  # must be met in the first sentence
    note: str = ""  # what today's Kafka does, shown when the point is missed


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[-_]", " ", text.lower()))


def clean_answer(text) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidAnswer("Write your answer first.")
    if len(text) > MAX_ANSWER_CHARS:
        raise InvalidAnswer(f"Keep your answer under {MAX_ANSWER_CHARS} characters.")
    return text.replace("\r\n", "\n")


def first_sentence_end(text: str) -> int:
    """Index just past the answer's first sentence (a full stop, ?, ! or line break)."""
    match = re.search(r"[.!?](\s|$)|\n", text.strip())
    lead = len(text) - len(text.lstrip())
    return lead + (match.end() if match else len(text.strip()))


def terms_named(quote: str, point: RubricPoint) -> list[str]:
    said = _normal(quote)
    return [t for t in point.terms if _normal(t) in said]


def locate(text: str, quote: str, start: int | None) -> int:
    """Where `quote` sits in `text`: at `start` when given and right, else its first place."""
    if start is not None and 0 <= start and text[start : start + len(quote)] == quote:
        return start
    found = text.find(quote)
    if found < 0:
        raise InvalidAnswer(f"The words {quote[:60]!r} are not in your answer.")
    return found


def grade_marks(text: str, marks: dict, points: list[RubricPoint]) -> list[Check]:
    """`marks`: point id -> {"quote": words, "start": offset or None}, claimed points only."""
    text = clean_answer(text)
    known = {p.id for p in points}
    unknown = sorted(set(marks) - known)
    if unknown:
        raise InvalidAnswer(f"There is no rubric point {unknown[0]!r}.")
    checks = []
    for point in points:
        base = Check(id=point.id, label=point.text, passed=False, dimension=point.dimension,
                     lesson=point.lesson, step=point.step, note=point.note)
        mark = marks.get(point.id)
        if not mark or not str(mark.get("quote", "")).strip():
            checks.append(base.failed(point.note or "Not in your answer."))
            continue
        quote = str(mark["quote"])
        if len(quote) > MAX_QUOTE_CHARS:
            raise InvalidAnswer(f"Point at fewer words for {point.text!r}.")
        at = locate(text, quote, mark.get("start"))
        named = terms_named(quote, point)
        if len(named) < point.min_terms:
            looking_for = ", ".join(f"“{t}”" for t in point.terms[:6])
            raise InvalidAnswer(
                f"The words you pointed at for {point.text!r} do not say it "
                f"(it needs {point.min_terms} of: {looking_for}). Point at other words, "
                "or leave that point unclaimed."
            )
        if point.opening and at >= first_sentence_end(text):
            raise InvalidAnswer(
                f"{point.text!r} must be met in your first sentence; the words you "
                "pointed at come later. Leave it unclaimed if your answer did not open so."
            )
        checks.append(Check(**{**base.to_dict(), "passed": True,
                               "note": f"You said: “{quote.strip()[:160]}”"}))
    return checks
