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
from .selectors import answer_can_retry


class UnknownQuestion(LookupError):
    """No such bank or question."""


class AnswerLocked(ValueError):
    """The question already has a final answer in this attempt that cannot be replaced.

    A right answer is final; a wrong one may be tried again, but only by a
    submission that names the next try (`try_number`), so a double click or
    a second tab's stale form never counts as a retry.
    """


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
    # The score counts each question's first final try; retries only teach.
    final = list(attempt.answers.filter(is_final=True))
    attempt.answered_count = len(final)
    attempt.correct_count = sum(1 for a in final if a.first_correct)
    attempt.score = round(sum(a.first_points for a in final), 3)
    if attempt.answered_count == len(bank.questions) and attempt.finished_at is None:
        attempt.finished_at = timezone.now()
    attempt.save(
        update_fields=["answered_count", "correct_count", "score", "finished_at", "updated_at"]
    )


def answer_submit(*, attempt: Attempt, question_id: str, data, try_number: int = 1) -> Answer:
    """Grade a submission (form data) and store it.

    `try_number` is which try this is: 1 for a first answer, n + 1 to try
    again after n wrong tries. Raises `InvalidResponse` (nothing stored) when
    the submission cannot be graded, and `AnswerLocked` when the question
    already has a final answer this submission may not replace (it was
    right, or the submission does not name the next try). The attempt's
    score counts the first final try.
    """
    try:
        return _answer_submit(
            attempt=attempt, question_id=question_id, data=data, try_number=try_number
        )
    except IntegrityError as exc:
        # Two tabs submitting the first answer at once: the unique constraint
        # lets one in; the other is told it was already answered.
        raise AnswerLocked("You already answered this question in this attempt.") from exc


@transaction.atomic
def _answer_submit(*, attempt: Attempt, question_id: str, data, try_number: int) -> Answer:
    bank, question = _question(attempt.bank, question_id)
    module = TYPES[question.type]
    # Lock the attempt row so two tabs submitting at once cannot both count.
    attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
    existing = attempt.answers.filter(question_id=question_id).first()
    retry = existing is not None and existing.is_final
    if retry:
        if existing.correct:
            raise AnswerLocked("You already answered this question right in this attempt.")
        if not answer_can_retry(answer=existing) or try_number != existing.tries + 1:
            raise AnswerLocked("You already answered this question in this attempt.")
    previous = existing.response if existing is not None and not retry else None
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
    # Try 1 is also the first try the score keeps (Answer.save copies it);
    # a retry leaves first_correct and first_points as they were.
    values["tries"] = existing.tries + 1 if retry else 1
    answer, _ = Answer.objects.update_or_create(
        attempt=attempt, question_id=question_id, defaults=values
    )
    _refresh_totals(attempt, bank)
    return answer


__all__ = [
    "AnswerLocked",
    "InvalidResponse",
    "UnknownQuestion",
    "answer_can_retry",
    "answer_submit",
    "attempt_get_or_start",
    "attempt_start",
]
