"""Progress services and selectors: a learner's place and marks, kept in the database."""
import pytest

from learnkafka.lessons.content import load_lesson
from learnkafka.lessons.models import LessonPlace, StepVisit
from learnkafka.lessons.selectors import lesson_progress
from learnkafka.lessons.services import step_mark_tried, step_visit

pytestmark = pytest.mark.django_db
LESSON = "kafka-basics"


def test_visiting_a_step_records_it_once_and_makes_it_the_place():
    step_visit(learner_key="k1", lesson_slug=LESSON, step_slug="isr")
    step_visit(learner_key="k1", lesson_slug=LESSON, step_slug="isr")
    assert StepVisit.objects.filter(learner_key="k1").count() == 1
    assert LessonPlace.objects.get(learner_key="k1").step_slug == "isr"


def test_the_place_follows_the_last_step_opened_even_backwards():
    step_visit(learner_key="k1", lesson_slug=LESSON, step_slug="acks")
    step_visit(learner_key="k1", lesson_slug=LESSON, step_slug="architecture")
    assert LessonPlace.objects.get(learner_key="k1").step_slug == "architecture"
    assert LessonPlace.objects.filter(learner_key="k1").count() == 1


def test_tried_is_stamped_the_first_time_only():
    first = step_mark_tried(learner_key="k1", lesson_slug=LESSON, step_slug="isr")
    stamp = first.tried_at
    assert stamp is not None
    again = step_mark_tried(learner_key="k1", lesson_slug=LESSON, step_slug="isr")
    assert again.tried_at == stamp


def test_progress_counts_visits_and_tries_per_learner_without_mixing_learners():
    lesson = load_lesson(LESSON)
    step_visit(learner_key="k1", lesson_slug=LESSON, step_slug="architecture")
    step_visit(learner_key="k1", lesson_slug=LESSON, step_slug="message-flow")
    step_mark_tried(learner_key="k1", lesson_slug=LESSON, step_slug="message-flow")
    step_visit(learner_key="other", lesson_slug=LESSON, step_slug="config")

    mine = lesson_progress(learner_key="k1", lesson=lesson)
    assert mine.visited_count == 2
    assert mine.total == 7
    assert mine.percent == 29
    assert mine.place_slug == "message-flow"
    marks = {s.slug: (s.visited, s.tried) for s in mine.steps}
    assert marks["architecture"] == (True, False)
    assert marks["message-flow"] == (True, True)
    assert marks["config"] == (False, False)

    fresh = lesson_progress(learner_key="nobody", lesson=lesson)
    assert (fresh.visited_count, fresh.place_slug, fresh.started) == (0, None, False)


def test_a_place_on_a_step_removed_from_the_content_is_ignored():
    lesson = load_lesson(LESSON)
    step_visit(learner_key="k1", lesson_slug=LESSON, step_slug="a-step-since-deleted")
    progress = lesson_progress(learner_key="k1", lesson=lesson)
    assert progress.place_slug is None
    assert progress.visited_count == 0
