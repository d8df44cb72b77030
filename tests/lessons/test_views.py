"""Lesson pages over HTTP: list, overview, steps, resume, and the "tried" mark."""

import json
import re

import pytest
from django.test import Client
from django.utils.html import escape

from learnkafka.lessons.content import load_lesson
from learnkafka.lessons.models import LessonPlace, StepVisit

pytestmark = pytest.mark.django_db
SLUGS = [
    "architecture",
    "message-flow",
    "partition-log",
    "consumer-groups",
    "isr",
    "acks",
    "config",
]


def test_the_lesson_has_exactly_the_step_slugs_quiz_explanations_link_to():
    assert [s.slug for s in load_lesson("kafka-basics").steps] == SLUGS


def test_the_list_offers_the_lesson_with_no_progress_for_a_newcomer(client):
    page = client.get("/lessons/").content.decode()
    assert "Kafka basics" in page
    assert "0 of 7 steps visited" in page
    assert 'href="/lessons/kafka-basics/architecture/"' in page


@pytest.mark.parametrize("slug", SLUGS)
def test_every_step_page_renders_its_text_diagram_and_navigation(client, slug):
    response = client.get(f"/lessons/kafka-basics/{slug}/")
    assert response.status_code == 200
    page = response.content.decode()
    step = load_lesson("kafka-basics").step(slug)
    assert escape(step.title) in page
    assert f'data-diagram="{step.diagram}"' in page
    index = SLUGS.index(slug)
    if index > 0:
        assert f'rel="prev" href="/lessons/kafka-basics/{SLUGS[index - 1]}/"' in page
    else:
        assert 'rel="prev"' not in page
    if index < len(SLUGS) - 1:
        assert f'rel="next" href="/lessons/kafka-basics/{SLUGS[index + 1]}/"' in page
    else:
        assert 'rel="next"' not in page
    assert 'aria-current="step"' in page


def test_try_this_buttons_carry_the_commands_from_the_content_as_json(client):
    page = client.get("/lessons/kafka-basics/isr/").content.decode()
    raw = re.findall(r'data-command="([^"]*)"', page)
    commands = [json.loads(r.replace("&quot;", '"')) for r in raw]
    expected = [p.command for p in load_lesson("kafka-basics").step("isr").try_this]
    assert commands[: len(expected)] == expected


def test_opening_a_step_records_the_place_and_the_overview_shows_it(client):
    client.get("/lessons/kafka-basics/isr/")
    assert LessonPlace.objects.get().step_slug == "isr"
    overview = client.get("/lessons/kafka-basics/").content.decode()
    assert "1 of 7 steps visited" in overview
    assert "you are here" in overview
    resume = client.get("/lessons/kafka-basics/resume/")
    assert resume.status_code == 302
    assert resume["Location"] == "/lessons/kafka-basics/isr/"


def test_resume_without_progress_starts_at_the_first_step(client):
    response = client.get("/lessons/kafka-basics/resume/")
    assert response["Location"] == "/lessons/kafka-basics/architecture/"


def test_progress_survives_a_new_client_with_the_same_session_cookie(client):
    """The session and the progress live in the database, so a restarted server
    (a fresh process, here a fresh client) still knows the learner."""
    client.get("/lessons/kafka-basics/acks/")
    cookie = client.cookies["sessionid"].value
    other = Client()
    other.cookies["sessionid"] = cookie
    assert other.get("/lessons/kafka-basics/resume/")["Location"] == "/lessons/kafka-basics/acks/"


def test_two_learners_do_not_see_each_others_progress(client):
    client.get("/lessons/kafka-basics/acks/")
    stranger = Client()
    assert "0 of 7 steps visited" in stranger.get("/lessons/kafka-basics/").content.decode()


def test_unknown_lessons_and_steps_are_404(client):
    assert client.get("/lessons/no-such-lesson/").status_code == 404
    assert client.get("/lessons/kafka-basics/no-such-step/").status_code == 404
    assert client.post("/lessons/kafka-basics/no-such-step/tried/").status_code == 404
    assert StepVisit.objects.count() == 0


def test_tried_is_post_only_and_an_htmx_post_returns_the_refreshed_progress(client):
    assert client.get("/lessons/kafka-basics/isr/tried/").status_code == 405
    client.get("/lessons/kafka-basics/isr/")
    response = client.post("/lessons/kafka-basics/isr/tried/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = response.content.decode()
    assert 'id="lesson-progress"' in fragment
    assert "is-tried" in fragment
    assert StepVisit.objects.get(step_slug="isr").tried_at is not None


def test_tried_without_htmx_answers_no_content(client):
    assert client.post("/lessons/kafka-basics/acks/tried/").status_code == 204


def test_tried_is_protected_by_csrf():
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/lessons/kafka-basics/acks/tried/").status_code == 403


def test_the_architecture_step_reuses_the_cluster_diagram_and_says_zookeeper_is_gone(client):
    page = client.get("/lessons/kafka-basics/architecture/").content.decode()
    assert 'data-diagram="cluster"' in page
    assert "since Kafka 4.0 KRaft is the only mode" in page


def test_a_step_page_embeds_a_live_sandbox_for_its_scenario(client):
    from learnkafka.sandbox.models import Sandbox

    page = client.get("/lessons/kafka-basics/acks/").content.decode()
    sandbox = Sandbox.objects.get(scenario="lesson-acks")
    assert f'data-live-sandbox="/ws/sandbox/{sandbox.public_id}/"' in page
    # The same learner coming back gets the same sandbox, so what they did is still there.
    client.get("/lessons/kafka-basics/acks/")
    assert Sandbox.objects.filter(scenario="lesson-acks").count() == 1


def test_a_session_out_of_sandboxes_still_gets_the_step_with_a_clear_message(client, monkeypatch):
    from learnkafka.lessons import views
    from learnkafka.sandbox.services import SandboxLimitReached

    def refuse(**kwargs):
        raise SandboxLimitReached("full")

    monkeypatch.setattr(views, "sandbox_for_request", refuse)
    response = client.get("/lessons/kafka-basics/isr/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "cannot start" in page
    assert "data-live-sandbox" not in page
    assert "Time, not message count." in page.replace("<strong>", "").replace("</strong>", "")
