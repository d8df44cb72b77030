"""Reads of the lessons app: a learner's progress through a lesson."""
from dataclasses import dataclass

from .content import Lesson
from .models import LessonPlace, StepVisit


@dataclass(frozen=True)
class StepProgress:
    slug: str
    title: str
    number: int
    visited: bool
    tried: bool


@dataclass(frozen=True)
class LessonProgress:
    """How far a learner has got: per-step marks, their place, and a summary count."""

    lesson_slug: str
    steps: tuple[StepProgress, ...]
    place_slug: str | None

    @property
    def visited_count(self) -> int:
        return sum(1 for s in self.steps if s.visited)

    @property
    def total(self) -> int:
        return len(self.steps)

    @property
    def percent(self) -> int:
        return round(100 * self.visited_count / self.total) if self.total else 0

    @property
    def started(self) -> bool:
        return self.place_slug is not None


def lesson_progress(*, learner_key: str, lesson: Lesson) -> LessonProgress:
    """The learner's marks on every step of `lesson`; steps no longer in the content are ignored."""
    visits = {
        v.step_slug: v
        for v in StepVisit.objects.filter(learner_key=learner_key, lesson_slug=lesson.slug)
    }
    place = (
        LessonPlace.objects.filter(learner_key=learner_key, lesson_slug=lesson.slug)
        .values_list("step_slug", flat=True)
        .first()
    )
    if place is not None and lesson.step(place) is None:
        place = None
    return LessonProgress(
        lesson_slug=lesson.slug,
        steps=tuple(
            StepProgress(
                slug=step.slug,
                title=step.title,
                number=step.number,
                visited=step.slug in visits,
                tried=step.slug in visits and visits[step.slug].tried_at is not None,
            )
            for step in lesson.steps
        ),
        place_slug=place,
    )


def checkpoint_results(*, learner_key: str, lesson: Lesson) -> dict[str, bool]:
    """{step slug: answered right?} for the steps whose checkpoint the learner has answered.

    Checkpoint answers are the quiz app's (one bank per lesson, same slug); this
    only reads them, and a learner who never answered one has none.
    """
    from learnkafka.quizzes import selectors as quiz_selectors

    attempt = quiz_selectors.attempt_latest(learner_key=learner_key, bank_slug=lesson.slug)
    answers = quiz_selectors.answers_by_question(attempt=attempt)
    return {
        step.slug: answers[step.checkpoint].correct
        for step in lesson.steps
        if step.checkpoint and step.checkpoint in answers
    }
