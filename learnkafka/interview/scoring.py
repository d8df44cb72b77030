"""Add an interview's checks up: a score per dimension, the weak points, and links to the lessons.

Every phase stored its checks (grading/). This adds, per question, one
"structure" check: every phase answered in time, as the guide's answer
structure walks them all. The totals are shares of checks passed, so a
phase with many checks (the architecture) weighs more than a short one,
which is what an interviewer would do too.
"""

from __future__ import annotations

from collections import defaultdict

from .grading import DIMENSIONS, Check
from .lesson_links import lesson_link
from .questions import get_question

QUESTION_LESSON = {"kafka-basics": "kafka-basics", "consumer-not-consuming": "debug-consumer",
                   "payment-idempotency": "payment-idempotency"}


def question_checks(interview, answers: dict) -> dict[str, list[Check]]:
    """Question slug -> its checks so far (phases answered or timed out, plus structure)."""
    out: dict[str, list[Check]] = {}
    for slug in interview.order:
        question = get_question(slug)
        checks: list[Check] = []
        states = []
        for phase in question.phases:
            answer = answers.get((slug, phase.slug))
            if answer is None or not answer.final:
                continue
            states.append(answer.state)
            checks += [Check.from_dict(c) for c in answer.detail.get("checks", [])]
        if len(states) == len(question.phases):
            structure = Check(
                id=f"{slug}-complete", label=f"Q{question.number}: every phase of the answer, "
                "in time", passed=all(s == "graded" for s in states), dimension="structure",
                lesson=QUESTION_LESSON[slug])
            checks.append(structure if structure.passed else structure.failed(
                "The clock ran out before the end of this question: keep each phase short."))
        out[slug] = checks
    return out


def interview_scores(interview) -> dict:
    answers = {(a.question, a.phase): a for a in interview.answers.all()}
    by_question = question_checks(interview, answers)
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    weak = []
    seen_weak = set()
    for slug, checks in by_question.items():
        for check in checks:
            tally[check.dimension][1] += 1
            tally[check.dimension][0] += check.passed
            if not check.passed and (check.id, slug) not in seen_weak:
                seen_weak.add((check.id, slug))
                link = lesson_link(check.lesson, check.step)
                weak.append({"question": slug, "label": check.label, "note": check.note,
                             "dimension": check.dimension, "url": link.url,
                             "lesson_title": link.title})
    dimensions = {d: round(tally[d][0] / tally[d][1], 4) if tally[d][1] else None
                  for d in DIMENSIONS}
    passed = sum(t[0] for t in tally.values())
    total = sum(t[1] for t in tally.values())
    return {
        "dimensions": dimensions,
        "counts": {d: tuple(tally[d]) for d in DIMENSIONS},
        "total": round(passed / total, 4) if total else 0.0,
        "weak": weak,
        "by_question": {s: [c.to_dict() for c in cs] for s, cs in by_question.items()},
    }
