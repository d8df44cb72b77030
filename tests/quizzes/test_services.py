"""Services and selectors: attempts, answers, scores and progress in the database."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from learnkafka.quizzes import selectors, services
from learnkafka.quizzes.banks import get_bank
from learnkafka.quizzes.models import Answer, Attempt

pytestmark = pytest.mark.django_db
BANK = "kafka-basics"


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def test_attempt_get_or_start_opens_one_attempt_and_reuses_it():
    first = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    again = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    assert first.pk == again.pk and Attempt.objects.count() == 1
    assert 0 <= first.seed < 2**31


def test_attempt_start_rejects_an_unknown_bank():
    with pytest.raises(services.UnknownQuestion):
        services.attempt_start(learner_key="L1", bank_slug="no-such-bank")


def test_a_right_answer_is_stored_with_score_and_timestamps():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    answer = services.answer_submit(
        attempt=attempt, question_id="acks-default", data=form(choice="all")
    )
    assert answer.correct and answer.points == 1.0 and answer.is_final
    assert answer.response == {"choice": "all"} and answer.submitted_at is not None
    attempt.refresh_from_db()
    assert (attempt.answered_count, attempt.correct_count, attempt.score) == (1, 1, 1.0)


def test_a_wrong_answer_scores_nothing_and_cannot_be_resubmitted():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    answer = services.answer_submit(
        attempt=attempt, question_id="acks-default", data=form(choice="one")
    )
    assert not answer.correct and answer.detail["expected"] == ["all"]
    with pytest.raises(services.AnswerLocked):
        services.answer_submit(attempt=attempt, question_id="acks-default", data=form(choice="all"))
    attempt.refresh_from_db()
    assert (attempt.answered_count, attempt.correct_count, attempt.score) == (1, 0, 0.0)


def test_an_invalid_submission_stores_nothing():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    with pytest.raises(services.InvalidResponse):
        services.answer_submit(
            attempt=attempt, question_id="acks-default", data=form(choice="bogus")
        )
    assert not Answer.objects.exists()


def test_an_unknown_question_is_refused():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    with pytest.raises(services.UnknownQuestion):
        services.answer_submit(attempt=attempt, question_id="nope", data=form(choice="a"))


def test_self_assessed_counts_only_once_the_rubric_is_ticked():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    draft = services.answer_submit(
        attempt=attempt, question_id="explain-kafka", data=form(text="A distributed log.")
    )
    assert not draft.is_final
    attempt.refresh_from_db()
    assert attempt.answered_count == 0
    final = services.answer_submit(
        attempt=attempt,
        question_id="explain-kafka",
        data=form(rubric_submitted="1", rubric=["0", "1", "2", "3"]),
    )
    assert final.pk == draft.pk and final.is_final and final.correct
    assert final.response["text"] == "A distributed log." and final.response["ticks"] == [
        0,
        1,
        2,
        3,
    ]
    attempt.refresh_from_db()
    assert attempt.answered_count == 1 and attempt.score == pytest.approx(4 / 6, abs=1e-3)


def test_starting_over_keeps_history_and_progress_follows_the_latest_attempt():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    services.answer_submit(attempt=attempt, question_id="acks-default", data=form(choice="all"))
    progress = selectors.progress_for_bank(learner_key="L1", bank_slug=BANK)
    assert (progress.answered, progress.correct, progress.previous_attempts) == (1, 1, 0)
    fresh = services.attempt_start(learner_key="L1", bank_slug=BANK)
    assert services.attempt_get_or_start(learner_key="L1", bank_slug=BANK).pk == fresh.pk
    progress = selectors.progress_for_bank(learner_key="L1", bank_slug=BANK)
    assert (progress.answered, progress.previous_attempts) == (0, 1)
    assert Answer.objects.filter(attempt=attempt).count() == 1


def test_progress_is_per_learner():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    services.answer_submit(attempt=attempt, question_id="acks-default", data=form(choice="all"))
    # Every bank is listed (kafka-basics, debug-consumer, ...); only this one was answered.
    mine = {p.bank.slug: p for p in selectors.progress_for_session(learner_key="L1")}
    theirs = {p.bank.slug: p for p in selectors.progress_for_session(learner_key="L2")}
    assert {s: p.answered for s, p in mine.items()} == {s: int(s == BANK) for s in mine}
    assert all(p.answered == 0 for p in theirs.values())
    assert mine[BANK].total == len(get_bank(BANK).questions)


def test_answering_every_question_finishes_the_attempt():
    bank = get_bank(BANK)
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    # Store final answers directly for all but one, then submit the last one.
    for q in bank.questions[1:]:
        Answer.objects.create(
            attempt=attempt,
            question_id=q.id,
            question_type=q.type,
            response={},
            correct=True,
            points=1.0,
        )
    first = bank.questions[0]
    assert first.type == "single_choice"
    services.answer_submit(
        attempt=attempt, question_id=first.id, data=form(choice=first.spec["answer"])
    )
    attempt.refresh_from_db()
    assert attempt.finished_at is not None and attempt.score == len(bank.questions)


def test_a_concurrent_duplicate_insert_is_reported_as_already_answered(monkeypatch):
    """If another request inserted the answer between our read and our write,
    the unique constraint wins and the learner is told it is answered."""
    from django.db import IntegrityError

    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)

    def collide(**kwargs):
        raise IntegrityError("UNIQUE constraint failed")

    monkeypatch.setattr(Answer.objects, "update_or_create", collide)
    with pytest.raises(services.AnswerLocked):
        services.answer_submit(attempt=attempt, question_id="acks-default", data=form(choice="all"))
