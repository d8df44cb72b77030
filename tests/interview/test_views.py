"""The interview pages through Django's test client: start, answer, move on, result, pairing."""

from __future__ import annotations

import json
import re

import pytest

from learnkafka.interview.grading.architecture import REFERENCE
from learnkafka.interview.models import Interview, PhaseAnswer

pytestmark = pytest.mark.django_db


def start(client, **form) -> Interview:
    response = client.post("/interview/start/", {"order": "guide", "timing": "untimed",
                                                 "minutes": "10", **form})
    assert response.status_code == 302
    return Interview.objects.get(public_id=response.url.strip("/").split("/")[-1])


def post(client, interview, question, phase, **data):
    return client.post(f"/interview/{interview.public_id}/answer/",
                       {"question": question, "phase": phase, **data})


def advance(client, interview, question, phase):
    return client.post(f"/interview/{interview.public_id}/continue/",
                       {"question": question, "phase": phase})


def test_index_offers_order_and_timing(client):
    page = client.get("/interview/").content.decode()
    assert 'value="shuffled"' in page and 'value="untimed"' in page
    assert 'href="/interview/"' in page  # the nav link


def test_a_free_text_phase_takes_text_then_pointed_at_words_then_shows_the_model_answer(client):
    interview = start(client)
    page = client.get(f"/interview/{interview.public_id}/").content.decode()
    assert "Say what Kafka is" in page and "Model answer" not in page
    text = "Kafka is a distributed commit log. Producers write to brokers, consumers read."
    assert post(client, interview, "kafka-basics", "definition", stage="text",
                text=text).status_code == 302
    page = client.get(f"/interview/{interview.public_id}/").content.decode()
    assert "Use my selection" in page and "Model answer" not in page
    response = post(client, interview, "kafka-basics", "definition", stage="marks",
                    **{"quote-opens": "Kafka is a distributed commit log", "start-opens": "0",
                       "quote-commit-log": "commit log", "quote-parts": "Producers write to "
                       "brokers, consumers", "quote-distributed": "distributed"})
    assert response.status_code == 302
    answer = PhaseAnswer.objects.get(interview=interview, phase="definition")
    assert answer.state == "graded" and answer.points == 1.0
    page = client.get(f"/interview/{interview.public_id}/").content.decode()
    assert "Model answer" in page and "KRaft controller quorum" in page


def test_words_that_do_not_name_the_point_are_refused_and_nothing_changes(client):
    interview = start(client)
    post(client, interview, "kafka-basics", "definition", stage="text",
         text="It is a thing with producers.")
    response = post(client, interview, "kafka-basics", "definition", stage="marks",
                    **{"quote-commit-log": "a thing"})
    assert response.status_code == 422
    assert "do not say it" in response.content.decode()
    assert PhaseAnswer.objects.get(interview=interview, phase="definition").state == "draft"


def test_the_builder_phase_grades_the_reference_right(client):
    interview = start(client)
    interview.phase_index = 1
    interview.save()
    response = post(client, interview, "kafka-basics", "architecture",
                    diagram=json.dumps(REFERENCE))
    assert response.status_code == 302
    answer = PhaseAnswer.objects.get(interview=interview, phase="architecture")
    assert answer.points == 1.0
    page = client.get(f"/interview/{interview.public_id}/").content.decode()
    assert 'id="iv-diagram-reference"' in page


def test_a_post_for_a_phase_that_is_not_current_changes_nothing(client):
    interview = start(client)
    response = post(client, interview, "kafka-basics", "message-flow",
                    order=["serialize", "send", "append", "replicate", "ack", "consume"])
    assert response.status_code == 302
    assert not PhaseAnswer.objects.filter(interview=interview).exists()


def test_another_learner_cannot_open_or_answer_someone_elses_interview(client, django_user_model):
    from django.test import Client

    interview = start(client)
    stranger = Client()
    assert stranger.get(f"/interview/{interview.public_id}/").status_code == 404
    assert post(stranger, interview, "kafka-basics", "definition", stage="text",
                text="x").status_code == 404
    assert not PhaseAnswer.objects.filter(interview=interview).exists()


def test_the_pair_link_shows_rubric_and_model_answer_but_takes_no_answers(client):
    from django.test import Client

    interview = start(client)
    page = client.get(f"/interview/{interview.public_id}/").content.decode()
    link = re.search(r'value="(http://testserver/interview/pair/[^"]+)"', page).group(1)
    partner = Client()
    pair_page = partner.get(link.replace("http://testserver", "")).content.decode()
    assert "Rubric: what full marks look like" in pair_page
    assert "KRaft controller quorum" in pair_page  # the model answer
    assert partner.post(link.replace("http://testserver", "")).status_code in (403, 405)
    assert partner.get("/interview/pair/not-a-token/").status_code == 404


def test_bad_minutes_are_refused_with_a_message(client):
    response = client.post("/interview/start/", {"timing": "timed", "minutes": "500"})
    assert response.status_code == 422
    assert "minutes a question" in response.content.decode()
    assert not Interview.objects.exists()


def test_the_graded_answer_shows_the_pointed_at_words_marked(client):
    interview = start(client)
    post(client, interview, "kafka-basics", "definition", stage="text",
         text="Kafka is a commit log.")
    post(client, interview, "kafka-basics", "definition", stage="marks",
         **{"quote-commit-log": "commit log", "start-commit-log": "11"})
    page = client.get(f"/interview/{interview.public_id}/").content.decode()
    assert "Kafka is a <mark>commit log</mark>." in page


def test_the_result_groups_weak_points_by_dimension_and_prints(client):
    from datetime import timedelta

    from django.utils import timezone

    from learnkafka.interview import services

    interview = start(client, timing="timed", minutes="1")
    for hours in (1, 2, 3):
        services.interview_tick(interview=interview, now=timezone.now() + timedelta(hours=hours))
    page = client.get(f"/interview/{interview.public_id}/result/").content.decode()
    assert 'class="iv-weak__dim">Kafka fundamentals' in page
    assert 'href="/lessons/kafka-basics/architecture/"' in page
    assert "data-iv-print" in page and "<svg" in page  # the printable page, the chart


def test_every_lesson_step_a_check_links_exists_when_its_lesson_is_here():
    """Links to lessons 2 and 3 point at their real steps once those lessons are merged
    (learnkafka/lessons/content/<slug>/lesson.yaml); lesson 1 is always here."""
    from learnkafka.interview import phase_grading
    from learnkafka.interview.grading.practical import CAUSE_STEPS
    from learnkafka.interview.questions import QUESTIONS
    from learnkafka.lessons.content import load_lesson

    pairs = {(c.lesson, c.step) for q in QUESTIONS.values() for p in q.phases
             for c in phase_grading.reference_checks(p)}
    pairs |= {("debug-consumer", step) for _, step in CAUSE_STEPS}
    checked = 0
    for lesson_slug, step in sorted(pairs):
        lesson = load_lesson(lesson_slug)
        if lesson is None:
            continue
        assert step == "" or lesson.step(step) is not None, (lesson_slug, step)
        checked += 1
    assert checked >= 7  # lesson 1: the seven steps it teaches are linked
