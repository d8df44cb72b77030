"""Writes of the quizzes app: start an attempt, submit an answer.

Views call these and nothing else to change quiz state. Every function takes
keyword-only arguments. Grading happens here, through the question's type
module, so a checkpoint embedded in a lesson and the quiz page grade alike.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from .banks import Bank, get_bank
from .models import Answer, Attempt
from .questiontypes import TYPES, InvalidResponse, Question


class UnknownQuestion(LookupError):
    """No such bank or question."""


class AnswerLocked(ValueError):
    """The question already has a final answer in this attempt; start over to retry."""


def attempt_start(*, learner_key: str, bank_slug: str) -> Attempt:
    """Open a new attempt with a fresh seed (the previous ones are kept as history)."""
    if get_bank(bank_slug) is None:
        raise UnknownQuestion(f"no quiz bank '{bank_slug}'")
    return Attempt.objects.create(
        learner_key=learner_key, bank=bank_slug, seed=secrets.randbelow(2**31)
    )


def attempt_get_or_start(*, learner_key: str, bank_slug: str) -> Attempt:
    """The learner's current (latest) attempt at a bank, opened on first visit."""
    attempt = Attempt.objects.filter(learner_key=learner_key, bank=bank_slug).first()
    return attempt or attempt_start(learner_key=learner_key, bank_slug=bank_slug)


def _question(bank_slug: str, question_id: str) -> tuple[Bank, Question]:
    bank = get_bank(bank_slug)
    question = bank.question(question_id) if bank else None
    if question is None:
        raise UnknownQuestion(f"no question '{question_id}' in bank '{bank_slug}'")
    return bank, question


def _refresh_totals(attempt: Attempt, bank: Bank) -> None:
    final = list(attempt.answers.filter(is_final=True))
    attempt.answered_count = len(final)
    attempt.correct_count = sum(1 for a in final if a.correct)
    attempt.score = round(sum(a.points for a in final), 3)
    if attempt.answered_count == len(bank.questions) and attempt.finished_at is None:
        attempt.finished_at = timezone.now()
    attempt.save(
        update_fields=["answered_count", "correct_count", "score", "finished_at", "updated_at"]
    )


def answer_submit(*, attempt: Attempt, question_id: str, data) -> Answer:
    """Grade a submission (form data) and store it.

    Raises `InvalidResponse` (nothing stored) when the submission cannot be
    graded, and `AnswerLocked` when the question already has a final answer:
    a quiz answer counts once per attempt.
    """
    try:
        return _answer_submit(attempt=attempt, question_id=question_id, data=data)
    except IntegrityError as exc:
        # Two tabs submitting the first answer at once: the unique constraint
        # lets one in; the other is told it was already answered.
        raise AnswerLocked("You already answered this question in this attempt.") from exc


@transaction.atomic
def _answer_submit(*, attempt: Attempt, question_id: str, data) -> Answer:
    bank, question = _question(attempt.bank, question_id)
    module = TYPES[question.type]
    # Lock the attempt row so two tabs submitting at once cannot both count.
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    existing = attempt.answers.filter(question_id=question_id).first()
    if existing is not None and existing.is_final:
        raise AnswerLocked("You already answered this question in this attempt.")
    previous = existing.response if existing is not None else None
    response = module.response_from_post(question, data, seed=attempt.seed, previous=previous)
    grade = module.grade(question, response, seed=attempt.seed)
    values = {
        "question_type": question.type,
        "response": response,
        "detail": grade.detail,
        "is_final": grade.final,
        "correct": grade.correct,
        "points": grade.points,
        "submitted_at": timezone.now(),
    }
    answer, _ = Answer.objects.update_or_create(
        attempt=attempt, question_id=question_id, defaults=values
    )
    _refresh_totals(attempt, bank)
    return answer


__all__ = [
    "AnswerLocked",
    "InvalidResponse",
    "UnknownQuestion",
    "answer_submit",
    "attempt_get_or_start",
    "attempt_start",
]
