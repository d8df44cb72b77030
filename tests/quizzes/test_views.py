"""Quiz pages over HTTP: without JavaScript (forms + redirects) and with htmx (partials)."""

from __future__ import annotations

import pytest
from django.test import Client

from learnkafka.quizzes.banks import get_bank
from learnkafka.quizzes.models import Answer, Attempt

pytestmark = pytest.mark.django_db
Q = "/quizzes/kafka-basics/acks-default/"
HTMX = {"HTTP_HX_REQUEST": "true"}
TOTAL = len(get_bank("kafka-basics").questions)


def test_index_lists_the_bank_with_progress_and_creates_a_session(client):
    response = client.get("/quizzes/")
    assert response.status_code == 200
    assert b"Kafka basics" in response.content and b"not started" in response.content
    assert "sessionid" in response.cookies


def test_bank_page_lists_every_section_and_question(client):
    response = client.get("/quizzes/kafka-basics/")
    html = response.content.decode()
    assert response.status_code == 200
    for section in (
        "What Kafka is",
        "Draw the architecture",
        "The six steps of message flow",
        "acks, ISR, replication, retention, offsets",
        "Consumer groups",
    ):
        assert section in html
    assert html.count("data-question-id=") == TOTAL


def test_unknown_bank_or_question_is_404(client):
    assert client.get("/quizzes/nope/").status_code == 404
    assert client.get("/quizzes/kafka-basics/nope/").status_code == 404


def test_answer_without_js_redirects_to_the_feedback_which_survives_reload(client):
    client.get(Q)
    response = client.post(Q, {"choice": "one"})
    assert response.status_code == 302 and response["Location"].endswith("#q-acks-default")
    page = client.get(Q).content.decode()
    assert "Not quite." in page and 'data-correct="false"' in page
    assert "since Kafka 3.0" in page  # the explanation, with the dated-guide note
    assert 'href="/lessons/kafka-basics/acks/"' in page
    # A fresh client with the same session cookie (a reload, a restart) sees the same.
    other = Client()
    other.cookies = client.cookies
    assert "Not quite." in other.get(Q).content.decode()


def test_htmx_answer_returns_only_the_card_with_feedback(client):
    client.get(Q)
    response = client.post(Q, {"choice": "all"}, **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<article") and "<html" not in html
    assert "Right." in html and 'data-correct="true"' in html


def test_invalid_submission_shows_the_error_and_stores_nothing(client):
    response = client.post(Q, {"choice": ""})
    assert response.status_code == 422 and b"Choose one answer." in response.content
    htmx = client.post(Q, {"choice": "bogus"}, **HTMX)
    assert htmx.status_code == 200 and b'role="alert"' in htmx.content
    assert not Answer.objects.exists()


def test_second_submission_is_refused_and_keeps_the_first(client):
    client.post(Q, {"choice": "one"})
    response = client.post(Q, {"choice": "all"}, **HTMX)
    # The card shows the stored (first) answer's feedback, not a new verdict.
    assert b"Not quite." in response.content and b"<form" not in response.content
    assert Answer.objects.get().response == {"choice": "one"}


def test_csrf_is_enforced():
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.get(Q)
    assert csrf_client.post(Q, {"choice": "all"}).status_code == 403
    page = csrf_client.get(Q).content.decode()
    assert 'name="csrfmiddlewaretoken"' in page


def test_learner_text_is_escaped_in_feedback(client):
    url = "/quizzes/kafka-basics/acks-config-name/"
    client.post(url, {"text": "<img src=x onerror=alert(1)>"})
    html = client.get(url).content.decode()
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_self_assessed_text_is_escaped_at_both_stages(client):
    url = "/quizzes/kafka-basics/explain-kafka/"
    client.post(url, {"text": "<script>alert(1)</script> a log"})
    stage_two = client.get(url).content.decode()
    assert "<script>alert(1)" not in stage_two and "&lt;script&gt;" in stage_two
    assert 'name="rubric"' in stage_two and "Model answer" in stage_two
    client.post(url, {"rubric_submitted": "1", "rubric": ["0", "1"]})
    final = client.get(url).content.decode()
    assert "You covered 2 of 6 rubric points" in final and "&lt;script&gt;" in final


def test_ordering_moves_work_without_javascript(client):
    url = "/quizzes/kafka-basics/six-steps/"
    page = client.get(url).content.decode()
    import re

    order = re.findall(r'name="order" value="([a-z]+)"', page)
    assert sorted(order) == sorted(["serialize", "send", "append", "replicate", "ack", "consume"])
    moved = client.post(url, {"order": order, "move": f"down:{order[0]}"}).content.decode()
    assert re.findall(r'name="order" value="([a-z]+)"', moved) == [order[1], order[0], *order[2:]]
    assert not Answer.objects.exists()
    right = ["serialize", "send", "append", "replicate", "ack", "consume"]
    client.post(url, {"order": right, "submit": "1"})
    assert Answer.objects.get().correct


def test_restart_opens_a_new_attempt(client):
    client.post(Q, {"choice": "all"})
    response = client.post("/quizzes/kafka-basics/restart/")
    assert response.status_code == 302
    assert Attempt.objects.count() == 2
    assert "Right." not in client.get(Q).content.decode()


def test_next_url_returns_to_the_lesson_and_rejects_other_hosts(client):
    response = client.post(
        Q, {"choice": "all", "next": "/lessons/kafka-basics/acks/", "embedded": "1"}
    )
    assert response["Location"] == "/lessons/kafka-basics/acks/#q-acks-default"
    url = "/quizzes/kafka-basics/acks-all-meaning/"
    response = client.post(url, {"choice": "isr", "next": "https://evil.example/"})
    assert response["Location"] == f"{url}#q-acks-all-meaning"


def test_progress_shows_on_index_and_bank_pages(client):
    client.post(Q, {"choice": "all"})
    client.post("/quizzes/kafka-basics/acks-all-meaning/", {"choice": "leader"})
    assert f"2 of {TOTAL} answered".encode() in client.get("/quizzes/").content
    bank = client.get("/quizzes/kafka-basics/").content.decode()
    assert 'data-question-id="acks-default" data-state="right"' in bank
    assert 'data-question-id="acks-all-meaning" data-state="wrong"' in bank


def test_a_wrong_order_marks_each_step_in_or_out_of_place(client):
    url = "/quizzes/kafka-basics/six-steps/"
    order = ["send", "serialize", "append", "replicate", "ack", "consume"]
    client.post(url, {"order": order, "submit": "1"})
    html = client.get(url).content.decode()
    assert "Not quite." in html
    assert html.count('class="is-misplaced"') == 2 and html.count('class="is-in-place"') == 4


def test_feedback_shows_the_score_so_far(client):
    client.post(Q, {"choice": "all"})
    response = client.post("/quizzes/kafka-basics/acks-all-meaning/", {"choice": "isr"}, **HTMX)
    assert f"Score so far: 2 of {TOTAL}" in " ".join(response.content.decode().split())


@pytest.mark.parametrize(
    "url, data",
    [
        ("/quizzes/kafka-basics/predict-acks-outcome/", {"choice": "everything-is-fine"}),
        ("/quizzes/kafka-basics/click-out-of-isr/", {"target": "orders/0/99"}),
        ("/quizzes/kafka-basics/click-out-of-isr/", {"target": "<script>"}),
        ("/quizzes/kafka-basics/six-steps/", {"order": ["serialize"] * 6}),
        ("/quizzes/kafka-basics/six-steps/", {"order": ["a"], "move": "up:zz"}),
        ("/quizzes/kafka-basics/building-blocks/", {"choices": ["brokers", "nope"]}),
        ("/quizzes/kafka-basics/explain-kafka/", {"rubric_submitted": "1", "rubric": ["0"]}),
        ("/quizzes/kafka-basics/acks-config-name/", {"text": "x" * 10_000}),
    ],
)
def test_hostile_or_broken_submissions_get_a_clear_error_and_store_nothing(client, url, data):
    response = client.post(url, data)
    assert response.status_code in (200, 422)
    assert b'role="alert"' in response.content and b"<script>" not in response.content
    assert not Answer.objects.filter(is_final=True).exists()


def test_a_finished_attempt_says_so_on_the_bank_page(client):
    client.get(Q)
    attempt = Attempt.objects.get()
    bank = get_bank("kafka-basics")
    for q in bank.questions[1:]:
        Answer.objects.create(
            attempt=attempt,
            question_id=q.id,
            question_type=q.type,
            response={},
            correct=False,
            points=0.0,
        )
    first = bank.questions[0]
    client.post(f"/quizzes/kafka-basics/{first.id}/", {"choice": first.spec["answer"]})
    page = client.get("/quizzes/kafka-basics/").content.decode()
    assert "data-quiz-finished" in page and f"1 of {TOTAL} right" in page
