"""What the lessons app remembers about a learner: where they are and what they have seen.

A learner is identified by `learner_key`, an opaque id kept in their session
(anonymous by default), so progress survives reloads and server restarts
without an account. Lesson and step slugs refer to the content files in
`content/`; they are plain strings so an instructor can add a lesson without a
migration.
"""
from django.db import models


class LessonPlace(models.Model):
    """The step a learner last opened in a lesson: where "Resume" takes them."""

    learner_key = models.CharField(max_length=64)
    lesson_slug = models.SlugField(max_length=80)
    step_slug = models.SlugField(max_length=80)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner_key", "lesson_slug"], name="lessons_one_place_per_lesson"
            )
        ]

    def __str__(self) -> str:
        return f"{self.learner_key[:8]} at {self.lesson_slug}/{self.step_slug}"


class StepVisit(models.Model):
    """A step a learner has opened at least once; `tried_at` marks a pressed "try this"."""

    learner_key = models.CharField(max_length=64)
    lesson_slug = models.SlugField(max_length=80)
    step_slug = models.SlugField(max_length=80)
    first_visited_at = models.DateTimeField(auto_now_add=True)
    tried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner_key", "lesson_slug", "step_slug"],
                name="lessons_one_visit_per_step",
            )
        ]
        indexes = [models.Index(fields=["learner_key", "lesson_slug"])]

    def __str__(self) -> str:
        return f"{self.learner_key[:8]} saw {self.lesson_slug}/{self.step_slug}"


class LevelProgress(models.Model):
    """A learner's go at one mystery level of the debugging lesson, for one seed.

    `level_id` and `seed` name the staged cluster exactly (simulator/tools/levels.py);
    the row keeps the score: hints revealed, whether the solution was shown, how many
    cluster-changing commands the solving run used, and when it was solved.
    """

    learner_key = models.CharField(max_length=64)
    level_id = models.SlugField(max_length=80)
    seed = models.BigIntegerField()
    hints_used = models.PositiveSmallIntegerField(default=0)
    solution_shown = models.BooleanField(default=False)
    checks = models.PositiveIntegerField(default=0)
    commands_used = models.PositiveIntegerField(null=True, blank=True)
    solved_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["learner_key", "level_id", "seed"], name="lessons_one_try_per_level_seed"
            )
        ]
        indexes = [models.Index(fields=["learner_key", "level_id"])]

    def __str__(self) -> str:
        return f"{self.learner_key[:8]} on {self.level_id}#{self.seed}"
