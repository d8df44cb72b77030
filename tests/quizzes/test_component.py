"""The `quiz_question` component: a checkpoint question embedded in any page."""

from __future__ import annotations

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from learnkafka.core.learners import learner_key_for
from learnkafka.quizzes import services

pytestmark = pytest.mark.django_db

TEMPLATE = '{% component "quiz_question" bank="kafka-basics" question_id="acks-default" / %}'


def lesson_request(path="/lessons/kafka-basics/acks/"):
    request = RequestFactory().get(path)
    SessionMiddleware(lambda r: None).process_request(request)
    return request


def render(request, source=TEMPLATE):
    return Template(source).render(RequestContext(request, {}))


def test_renders_the_question_form_posting_to_the_quiz_with_a_way_back():
    html = render(lesson_request())
    assert 'action="/quizzes/kafka-basics/acks-default/"' in html
    assert 'hx-post="/quizzes/kafka-basics/acks-default/"' in html
    assert 'name="next" value="/lessons/kafka-basics/acks/"' in html
    assert 'name="embedded" value="1"' in html and "Checkpoint" in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert "css/quizzes.css" in html and "js/quizzes/quiz.js" in html


def test_a_lazy_card_leaves_its_css_and_quiz_js_to_the_on_demand_loader():
    source = TEMPLATE.replace(" / %}", " lazy=True / %}")
    html = render(lesson_request(), source)
    assert 'data-quiz-css="/static/css/quizzes.css"' in html and "quiz-on-demand.js" in html
    # The card's CSS is fetched as the card nears the viewport, not linked.
    assert '<link rel="stylesheet" href="/static/css/quizzes.css">' not in html
    assert "data-quiz-lazy=\"/static/js/quizzes/quiz.js\"" in html
    assert "<script type=\"module\" src=\"/static/js/quizzes/quiz.js\"" not in html


def test_shows_the_stored_feedback_once_answered():
    request = lesson_request("/lessons/kafka-basics/config/")
    attempt = services.attempt_get_or_start(
        learner_key=learner_key_for(request), bank_slug="kafka-basics"
    )
    from django.http import QueryDict

    services.answer_submit(
        attempt=attempt, question_id="acks-default", data=QueryDict("choice=all")
    )
    html = render(request)
    assert "Right." in html and "<form" not in html
    assert 'href="/lessons/kafka-basics/acks/"' in html


def test_an_unknown_question_renders_nothing():
    source = '{% component "quiz_question" bank="kafka-basics" question_id="typo" / %}'
    assert render(lesson_request(), source).strip() == ""


def test_assets_can_be_left_out():
    source = (
        '{% component "quiz_question" bank="kafka-basics" question_id="acks-default"'
        " assets=False / %}"
    )
    assert "quizzes.css" not in render(lesson_request(), source)


def test_without_a_request_it_renders_nothing():
    assert Template(TEMPLATE).render(Context({})).strip() == ""


def test_feedback_links_to_the_lesson_step_unless_it_is_on_that_step():
    request = lesson_request("/lessons/kafka-basics/architecture/")
    attempt = services.attempt_get_or_start(
        learner_key=learner_key_for(request), bank_slug="kafka-basics"
    )
    from django.http import QueryDict

    services.answer_submit(
        attempt=attempt, question_id="acks-default", data=QueryDict("choice=all")
    )
    services.answer_submit(
        attempt=attempt, question_id="metadata-home", data=QueryDict("choice=kraft")
    )
    elsewhere = render(request)
    assert 'class="quiz-lesson-link" href="/lessons/kafka-basics/acks/"' in elsewhere
    source = '{% component "quiz_question" bank="kafka-basics" question_id="metadata-home" / %}'
    here = render(request, source)
    assert "Right." in here and "quiz-lesson-link" not in here
