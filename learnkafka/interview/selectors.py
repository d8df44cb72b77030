"""Reads of the interview app: a candidate's interviews, a phase's view, the result, the chart."""

from __future__ import annotations

from .chart import Chart, progress_chart
from .grading import DIMENSIONS, Check
from .lesson_links import lesson_link
from .models import Interview, PhaseAnswer
from .questions import get_question
from .scoring import interview_scores


def interview_for(*, learner_key: str, public_id) -> Interview | None:
    """The candidate's own interview; another learner's id finds nothing."""
    return Interview.objects.filter(learner_key=learner_key, public_id=public_id).first()


def interview_by_pair_token(*, token: str) -> Interview | None:
    if not token or len(token) > 64:
        return None
    return Interview.objects.filter(pair_token=token).first()


def interviews_of(*, learner_key: str) -> list[Interview]:
    return list(Interview.objects.filter(learner_key=learner_key))


def answers_of(interview: Interview) -> dict[tuple[str, str], PhaseAnswer]:
    return {(a.question, a.phase): a for a in interview.answers.all()}


def previous_timed_out(interview: Interview) -> str | None:
    """The title of the question before the current one if the clock closed it."""
    if interview.question_index == 0:
        return None
    slug = interview.order[min(interview.question_index, len(interview.order)) - 1]
    if interview.answers.filter(question=slug, state=PhaseAnswer.TIMED_OUT).exists():
        return get_question(slug).title
    return None


def checks_with_links(answer: PhaseAnswer | None) -> list[dict]:
    if answer is None:
        return []
    out = []
    for raw in answer.detail.get("checks", []):
        check = Check.from_dict(raw)
        link = lesson_link(check.lesson, check.step)
        out.append({**check.to_dict(), "url": link.url, "lesson_title": link.title,
                    "dimension_label": DIMENSIONS[check.dimension]})
    return out


def result_for(interview: Interview) -> dict:
    scores = interview_scores(interview)
    rows = []
    for key, label in DIMENSIONS.items():
        value = scores["dimensions"][key]
        passed, total = scores["counts"][key]
        rows.append({"key": key, "label": label, "value": value, "passed": passed,
                     "total": total, "percent": None if value is None else round(value * 100)})
    questions = []
    answers = answers_of(interview)
    for slug in interview.order:
        q = get_question(slug)
        questions.append({"question": q, "phases": [
            {"phase": p, "answer": answers.get((slug, p.slug))} for p in q.phases]})
    groups = [{"key": key, "label": label,
               "items": [w for w in scores["weak"] if w["dimension"] == key]}
              for key, label in DIMENSIONS.items()]
    return {**scores, "rows": rows, "questions": questions,
            "weak_groups": [g for g in groups if g["items"]],
            "total_percent": round(scores["total"] * 100)}


def marked_segments(answer: PhaseAnswer | None) -> list[tuple[str, bool]]:
    """A graded free-text answer cut into (text, pointed_at) runs, to show the words used."""
    if answer is None or "marks" not in answer.response:
        return []
    text = answer.response["text"]
    spans = []
    for mark in answer.response["marks"].values():
        quote = mark.get("quote", "")
        start = mark.get("start")
        if not (isinstance(start, int) and text[start:start + len(quote)] == quote):
            start = text.find(quote)
        if quote and start >= 0:
            spans.append((start, start + len(quote)))
    covered = [False] * len(text)
    for a, b in spans:
        for i in range(a, b):
            covered[i] = True
    out: list[tuple[str, bool]] = []
    for ch, on in zip(text, covered, strict=True):
        if out and out[-1][1] == on:
            out[-1] = (out[-1][0] + ch, on)
        else:
            out.append((ch, on))
    return out


def attempts_chart(*, learner_key: str) -> Chart | None:
    finished = [i for i in reversed(interviews_of(learner_key=learner_key)) if i.finished_at]
    if not finished:
        return None
    return progress_chart([{"total": i.score, "dimensions": i.scores} for i in finished])


__all__ = ["answers_of", "attempts_chart", "checks_with_links", "interview_by_pair_token",
           "interview_for", "interviews_of", "lesson_link", "result_for"]
