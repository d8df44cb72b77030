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


# ---- mystery levels (the debugging lesson) ------------------------------------------


@dataclass(frozen=True)
class LevelStatus:
    """What the level list shows for one level: solved (on any seed), best score."""

    level_id: str
    solved: bool
    best_commands: int | None
    hints_used: int | None
    with_solution: bool


def level_statuses(*, learner_key: str, level_ids: list[str]) -> dict[str, LevelStatus]:
    """{level id: status} over every seed the learner played; unplayed levels are unsolved."""
    from .models import LevelProgress

    rows = LevelProgress.objects.filter(learner_key=learner_key, level_id__in=level_ids)
    out = {i: LevelStatus(i, False, None, None, False) for i in level_ids}
    for row in rows.order_by("solved_at"):
        if row.solved_at is None:
            continue
        best = out[row.level_id]
        if not best.solved or (row.commands_used or 0) < (best.best_commands or 0):
            out[row.level_id] = LevelStatus(row.level_id, True, row.commands_used,
                                            row.hints_used, row.solution_shown)
    return out


def level_progress_for(*, learner_key: str, level_id: str, seed: int):
    from .models import LevelProgress

    return LevelProgress.objects.filter(
        learner_key=learner_key, level_id=level_id, seed=seed).first()
