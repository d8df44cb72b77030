"""Trying a wrong answer again: allowed once per named try, and the score keeps the first."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from learnkafka.quizzes import services
from learnkafka.quizzes.models import Answer

pytestmark = pytest.mark.django_db
BANK = "kafka-basics"
Q = "/quizzes/kafka-basics/acks-default/"
HTMX = {"HTTP_HX_REQUEST": "true"}


def form(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def test_a_wrong_answer_retried_as_the_next_try_is_graded_and_the_score_keeps_try_one():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    services.answer_submit(attempt=attempt, question_id="acks-default", data=form(choice="one"))
    again = services.answer_submit(
        attempt=attempt, question_id="acks-default", data=form(choice="all"), try_number=2
    )
    assert again.correct and again.tries == 2 and again.response == {"choice": "all"}
    assert not again.first_correct and again.first_points == 0.0
    attempt.refresh_from_db()
    assert (attempt.answered_count, attempt.correct_count, attempt.score) == (1, 0, 0.0)
    assert Answer.objects.count() == 1


def test_a_retry_must_name_the_next_try_so_a_stale_form_does_not_count():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    services.answer_submit(attempt=attempt, question_id="acks-default", data=form(choice="one"))
    for stale in (1, 3, 0):
        with pytest.raises(services.AnswerLocked):
            services.answer_submit(
                attempt=attempt, question_id="acks-default", data=form(choice="all"),
                try_number=stale,
            )
    assert Answer.objects.get().response == {"choice": "one"}


def test_a_wrong_retry_can_be_tried_again_and_a_right_answer_is_final():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    services.answer_submit(attempt=attempt, question_id="acks-default", data=form(choice="one"))
    services.answer_submit(
        attempt=attempt, question_id="acks-default", data=form(choice="zero"), try_number=2
    )
    third = services.answer_submit(
        attempt=attempt, question_id="acks-default", data=form(choice="all"), try_number=3
    )
    assert third.correct and third.tries == 3
    with pytest.raises(services.AnswerLocked):
        services.answer_submit(
            attempt=attempt, question_id="acks-default", data=form(choice="one"), try_number=4
        )


def test_a_first_right_answer_counts_and_cannot_be_retried():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    services.answer_submit(attempt=attempt, question_id="acks-default", data=form(choice="all"))
    with pytest.raises(services.AnswerLocked):
        services.answer_submit(
            attempt=attempt, question_id="acks-default", data=form(choice="one"), try_number=2
        )
    attempt.refresh_from_db()
    assert (attempt.correct_count, attempt.score) == (1, 1.0)


def test_an_ungradable_retry_stores_nothing_and_keeps_the_first_try():
    attempt = services.attempt_get_or_start(learner_key="L1", bank_slug=BANK)
    services.answer_submit(attempt=attempt, question_id="acks-default", data=form(choice="one"))
    with pytest.raises(services.InvalidResponse):
        services.answer_submit(
            attempt=attempt, question_id="acks-default", data=form(choice="bogus"), try_number=2
        )
    answer = Answer.objects.get()
    assert answer.tries == 1 and answer.response == {"choice": "one"}


def test_the_card_hides_the_answer_offers_try_again_and_says_which_try_counted(client):
    client.get(Q)
    wrong = client.post(Q, {"choice": "one"}, **HTMX).content.decode()
    assert "Not quite." in wrong and "Try again" in wrong
    assert "<details" in wrong and "Show the answer and why" in wrong
    retry = client.get(Q + "?retry=1", **HTMX).content.decode()
    assert "<form" in retry and 'name="try" value="2"' in retry and "Try 2." in retry
    right = client.post(Q, {"choice": "all", "try": "2"}, **HTMX).content.decode()
    assert "Right. (try 2)" in right and "Try again" not in right
    assert "your score keeps try 1 (wrong)" in right
    assert "the first try at each question counts" in right


def test_asking_to_retry_a_right_answer_just_shows_its_feedback(client):
    client.post(Q, {"choice": "all"})
    page = client.get(Q + "?retry=1").content.decode()
    assert "Right." in page and "<form" not in page.split('id="q-acks-default"')[1].split(
        "</article>")[0]


def test_a_retry_without_javascript_returns_to_the_lesson(client):
    lesson = "/lessons/kafka-basics/acks/"
    client.post(Q, {"choice": "one", "next": lesson, "embedded": "1"})
    response = client.post(Q, {"choice": "all", "try": "2", "next": lesson, "embedded": "1"})
    assert response.status_code == 302 and response["Location"].startswith(lesson)
    assert Answer.objects.get().correct


def test_a_bad_try_field_is_refused_and_the_stored_answer_stays(client):
    client.post(Q, {"choice": "one"})
    response = client.post(Q, {"choice": "all", "try": "two"})
    assert response.status_code == 422 and b"Not quite." in response.content
    assert Answer.objects.get().response == {"choice": "one"}


def test_the_bank_page_says_which_try_the_score_counted(client):
    client.post(Q, {"choice": "one"})
    client.post(Q, {"choice": "all", "try": "2"})
    page = client.get("/quizzes/kafka-basics/").content.decode()
    assert "right on try 2; the score counts try 1 (wrong)" in page
    assert "the first try at each question counts" in page


def test_a_wrong_multiple_choice_marks_each_pick_and_counts_what_was_left_out(client):
    url = "/quizzes/kafka-basics/partition-truths/"
    html = client.post(url, {"choices": ["offsets", "edit"]}, **HTMX).content.decode()
    given = html.split("data-quiz-given")[1].split("</dd>")[0]
    assert given.count('class="is-in-place"') == 1 and given.count('class="is-misplaced"') == 1
    assert "you left out 2 that belong." in html
