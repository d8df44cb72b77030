"""Writes of the lessons app: remembering what a learner opened and tried."""
from django.db import transaction
from django.utils import timezone

from .models import LessonPlace, StepVisit


@transaction.atomic
def step_visit(*, learner_key: str, lesson_slug: str, step_slug: str) -> StepVisit:
    """Record that the learner opened a step; it becomes their place in the lesson."""
    visit, _ = StepVisit.objects.get_or_create(
        learner_key=learner_key, lesson_slug=lesson_slug, step_slug=step_slug
    )
    LessonPlace.objects.update_or_create(
        learner_key=learner_key, lesson_slug=lesson_slug, defaults={"step_slug": step_slug}
    )
    return visit


@transaction.atomic
def step_mark_tried(*, learner_key: str, lesson_slug: str, step_slug: str) -> StepVisit:
    """Record that the learner pressed a "try this" prompt on a step (first time counts)."""
    visit, _ = StepVisit.objects.get_or_create(
        learner_key=learner_key, lesson_slug=lesson_slug, step_slug=step_slug
    )
    if visit.tried_at is None:
        visit.tried_at = timezone.now()
        visit.save(update_fields=["tried_at"])
    return visit
