"""Reads of the quizzes app: a learner's attempts, answers and progress."""

from __future__ import annotations

from dataclasses import dataclass

from .banks import Bank, all_banks, get_bank
from .models import Answer, Attempt


@dataclass(frozen=True)
class BankProgress:
    """How far a learner is through one bank, from their latest attempt."""

    bank: Bank
    attempt: Attempt | None
    total: int
    answered: int
    correct: int
    score: float
    previous_attempts: int

    @property
    def percent_answered(self) -> int:
        return round(100 * self.answered / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return self.answered > 0


def attempt_latest(*, learner_key: str, bank_slug: str) -> Attempt | None:
    return Attempt.objects.filter(learner_key=learner_key, bank=bank_slug).first()


def answers_by_question(*, attempt: Attempt | None) -> dict[str, Answer]:
    if attempt is None:
        return {}
    return {a.question_id: a for a in attempt.answers.all()}


def answer_for(*, attempt: Attempt | None, question_id: str) -> Answer | None:
    if attempt is None:
        return None
    return attempt.answers.filter(question_id=question_id).first()


# Self-assessed answers are graded by the learner's own rubric ticks: there is
# nothing to get "wrong" and try again, so they are final once ticked.
NOT_RETRYABLE = frozenset({"self_assessed"})


def answer_can_retry(*, answer: Answer | None) -> bool:
    """A final, wrong answer to a question the learner can try again."""
    return (
        answer is not None
        and answer.is_final
        and not answer.correct
        and answer.question_type not in NOT_RETRYABLE
    )


def bank_progress(*, learner_key: str, bank: Bank) -> BankProgress:
    attempts = list(Attempt.objects.filter(learner_key=learner_key, bank=bank.slug)[:50])
    latest = attempts[0] if attempts else None
    return BankProgress(
        bank=bank,
        attempt=latest,
        total=len(bank.questions),
        answered=latest.answered_count if latest else 0,
        correct=latest.correct_count if latest else 0,
        score=latest.score if latest else 0.0,
        previous_attempts=max(len(attempts) - 1, 0),
    )


def progress_for_session(*, learner_key: str) -> list[BankProgress]:
    """Progress through every bank, in bank order (banks never tried show zero)."""
    return [bank_progress(learner_key=learner_key, bank=bank) for bank in all_banks()]


def progress_for_bank(*, learner_key: str, bank_slug: str) -> BankProgress | None:
    bank = get_bank(bank_slug)
    return bank_progress(learner_key=learner_key, bank=bank) if bank else None
