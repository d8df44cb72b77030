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


# ---- mystery levels (the debugging lesson) ------------------------------------------


def level_progress_get_or_create(*, learner_key: str, level_id: str, seed: int):
    """The learner's row for (level, seed), made on first visit."""
    from .models import LevelProgress

    try:
        row, _ = LevelProgress.objects.get_or_create(
            learner_key=learner_key, level_id=level_id, seed=seed)
    except IntegrityError:  # the learner's other tab made it first
        row = LevelProgress.objects.get(learner_key=learner_key, level_id=level_id, seed=seed)
    return row


def level_reveal_hint(*, learner_key: str, level_id: str, seed: int, hint_count: int) -> int:
    """Reveal one more hint (up to `hint_count`); returns how many are now shown."""
    from django.db.models import F

    from .models import LevelProgress

    level_progress_get_or_create(learner_key=learner_key, level_id=level_id, seed=seed)
    LevelProgress.objects.filter(
        learner_key=learner_key, level_id=level_id, seed=seed, hints_used__lt=hint_count
    ).update(hints_used=F("hints_used") + 1)
    return LevelProgress.objects.get(
        learner_key=learner_key, level_id=level_id, seed=seed).hints_used


def level_show_solution(*, learner_key: str, level_id: str, seed: int) -> None:
    from .models import LevelProgress

    level_progress_get_or_create(learner_key=learner_key, level_id=level_id, seed=seed)
    LevelProgress.objects.filter(
        learner_key=learner_key, level_id=level_id, seed=seed).update(solution_shown=True)


def level_record_check(*, learner_key: str, level_id: str, seed: int, passed: bool,
                       commands_used: int) -> None:
    """Count a goal check; the first passing one marks the level solved with its score."""
    from django.db.models import F

    from .models import LevelProgress

    level_progress_get_or_create(learner_key=learner_key, level_id=level_id, seed=seed)
    rows = LevelProgress.objects.filter(learner_key=learner_key, level_id=level_id, seed=seed)
    rows.update(checks=F("checks") + 1)
    if passed:
        rows.filter(solved_at__isnull=True).update(
            solved_at=timezone.now(), commands_used=commands_used)
