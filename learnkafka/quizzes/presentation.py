"""What a question card shows: shared by the quiz pages and the `quiz_question` component.

`card_context` builds everything `templates/quizzes/_card.html` needs for one
question and one learner: the question as that learner sees it (seeded), the
stored answer if any, the feedback (right or wrong, why, the expected answer,
the link to the lesson step), and where the form posts.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.urls import reverse

from .banks import Bank, step_title
from .models import Answer, Attempt
from .questiontypes import TYPES, Question
from .selectors import answer_can_retry


def _choice_texts(choices: list[dict], ids: list[str]) -> list[str]:
    by_id = {c["id"]: c["text"] for c in choices}
    return [by_id[i] for i in ids if i in by_id]


def feedback_rows(question: Question, answer: Answer, shown: dict) -> dict:
    """`given` and `expected` as lists of content strings (Markdown, from the repo)
    plus `learner_text` (the learner's own words, always escaped when shown)."""
    response, detail = answer.response, answer.detail
    kind = question.type
    rows: dict = {"given": [], "expected": [], "learner_text": None}
    if kind in ("single_choice", "predict"):
        rows["given"] = _choice_texts(shown["choices"], [response.get("choice", "")])
        rows["expected"] = _choice_texts(shown["choices"], detail.get("expected", []))
        rows["observed"] = detail.get("observed")
    elif kind == "multiple_choice":
        rows["given"] = _choice_texts(question.spec["choices"], response.get("choices", []))
        rows["expected"] = _choice_texts(question.spec["choices"], detail.get("expected", []))
        # What was wrong, item by item: each pick right or not, and how many were missed.
        expected = set(detail.get("expected", []))
        picked = response.get("choices", [])
        by_id = {c["id"]: c["text"] for c in question.spec["choices"]}
        rows["given_checked"] = [(by_id[c], c in expected) for c in picked if c in by_id]
        rows["missed_count"] = len(expected - set(picked))
    elif kind == "ordering":
        rows["given"] = _choice_texts(question.spec["items"], response.get("order", []))
        rows["expected"] = _choice_texts(question.spec["items"], detail.get("expected", []))
        rows["ordered"] = True
        # Mark each step of the learner's order as in or out of place.
        rows["given_marked"] = list(
            zip(rows["given"], detail.get("right_positions", []), strict=False)
        )
    elif kind == "short_answer":
        rows["learner_text"] = response.get("text", "")
        rows["expected"] = [f"`{question.spec['answer']}`"]
    elif kind == "diagram_click":
        rows["learner_text"] = detail.get("given_label", "")
        rows["expected"] = detail.get("expected_labels", [])
    elif kind == "self_assessed":
        rows["learner_text"] = response.get("text", "")
        ticks = set(response.get("ticks", []))
        rows["rubric"] = [(point, i in ticks) for i, point in enumerate(question.spec["rubric"])]
        rows["model_answer"] = question.spec["model_answer"]
        rows["covered"] = detail.get("covered")
        rows["total"] = detail.get("total")
    return rows


def card_context(
    *,
    bank: Bank,
    question: Question,
    attempt: Attempt,
    answer: Answer | None,
    error: str | None = None,
    order: list[str] | None = None,
    embedded: bool = False,
    next_url: str = "",
    retrying: bool = False,
) -> dict:
    """Everything the card template needs. `retrying`: the learner asked to try
    a wrong answer again, so the card shows the form for the next try."""

    module = TYPES[question.type]
    if question.type == "ordering":
        shown = module.present(question, seed=attempt.seed, order=order)
    else:
        shown = module.present(question, seed=attempt.seed)
    can_retry = answer_can_retry(answer=answer)
    retrying = retrying and can_retry
    final = answer is not None and answer.is_final and not retrying
    post_url = reverse("quizzes:question", args=[bank.slug, question.id])
    retry_query = {"retry": "1"}
    if embedded:
        retry_query["embedded"] = "1"
    if next_url:
        retry_query["next"] = next_url
    section_title = next(s.title for s in bank.sections if s.id == question.section)
    following = bank.next_after(question.id)
    preceding = bank.previous_before(question.id)
    return {
        "bank": bank,
        "question": question,
        "attempt": attempt,
        "answer": answer,
        "final": final,
        "awaiting_rubric": answer is not None and not answer.is_final,
        "can_retry": can_retry,
        "retrying": retrying,
        # The try this form submits: 1, or the next one after the wrong tries so far.
        "try_number": (answer.tries + 1) if retrying else 1,
        "retry_url": f"{post_url}?{urlencode(retry_query)}",
        "shown": shown,
        "feedback": feedback_rows(question, answer, shown) if final else None,
        "error": error,
        "embedded": embedded,
        "next_url": next_url,
        "section_title": section_title,
        "total": len(bank.questions),
        "step_title": step_title(question.lesson, question.step),
        # A checkpoint on the very step that teaches it needs no link to itself.
        "on_lesson_step": next_url.split("#")[0].split("?")[0] == question.lesson_url,
        "post_url": post_url,
        "bank_url": reverse("quizzes:bank", args=[bank.slug]),
        "next_question": following,
        "next_question_url": (
            reverse("quizzes:question", args=[bank.slug, following.id]) if following else None
        ),
        "previous_question_url": (
            reverse("quizzes:question", args=[bank.slug, preceding.id]) if preceding else None
        ),
        "type_template": f"quizzes/types/{question.type}.html",
    }
