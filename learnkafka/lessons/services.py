"""Writes of the lessons app: remembering what a learner opened and tried.

Each write is one short statement (an UPDATE, or an INSERT when the row is
new) rather than a read-then-write transaction: on SQLite, upgrading a read
lock to a write lock fails at once with "database is locked" while the live
sandbox is saving its clock, whereas a plain write waits its turn.
"""
from django.db import IntegrityError
from django.utils import timezone

from .models import LessonPlace, StepVisit


def _visit_get_or_create(*, learner_key: str, lesson_slug: str, step_slug: str) -> StepVisit:
    try:
        visit, _ = StepVisit.objects.get_or_create(
            learner_key=learner_key, lesson_slug=lesson_slug, step_slug=step_slug
        )
    except IntegrityError:  # the same learner's other tab inserted it first
        visit = StepVisit.objects.get(
            learner_key=learner_key, lesson_slug=lesson_slug, step_slug=step_slug
        )
    return visit


def step_visit(*, learner_key: str, lesson_slug: str, step_slug: str) -> StepVisit:
    """Record that the learner opened a step; it becomes their place in the lesson."""
    visit = _visit_get_or_create(
        learner_key=learner_key, lesson_slug=lesson_slug, step_slug=step_slug
    )
    moved = LessonPlace.objects.filter(learner_key=learner_key, lesson_slug=lesson_slug).update(
        step_slug=step_slug, updated_at=timezone.now()
    )
    if not moved:
        try:
            LessonPlace.objects.create(
                learner_key=learner_key, lesson_slug=lesson_slug, step_slug=step_slug
            )
        except IntegrityError:  # created meanwhile by another request: move it instead
            LessonPlace.objects.filter(learner_key=learner_key, lesson_slug=lesson_slug).update(
                step_slug=step_slug, updated_at=timezone.now()
            )
    return visit


def step_mark_tried(*, learner_key: str, lesson_slug: str, step_slug: str) -> StepVisit:
    """Record that the learner pressed a "try this" prompt on a step (first time counts)."""
    _visit_get_or_create(learner_key=learner_key, lesson_slug=lesson_slug, step_slug=step_slug)
    StepVisit.objects.filter(
        learner_key=learner_key,
        lesson_slug=lesson_slug,
        step_slug=step_slug,
        tried_at__isnull=True,
    ).update(tried_at=timezone.now())
    return StepVisit.objects.get(
        learner_key=learner_key, lesson_slug=lesson_slug, step_slug=step_slug
    )
