"""What a learner did in a quiz: attempts and their answers, kept in the database.

Learners are anonymous: `learner_key` is a random key kept in their session
(see `learnkafka/core/learners.py`), so answers and scores survive a reload and a server
restart. Starting over opens a new attempt; old attempts stay as history.
"""

from django.db import models
from django.utils import timezone


class Attempt(models.Model):
    """One run through one bank by one learner.

    `seed` drives everything random the learner sees (shuffles, the
    parameters of predict-the-outcome scenarios, which broker lags in a
    diagram), so the attempt looks the same after a reload and can be graded
    again. `score` and `answered_count` are kept up to date by the services
    so progress pages need no aggregation.
    """

    learner_key = models.CharField(max_length=64, db_index=True)
    bank = models.SlugField(max_length=64)
    seed = models.PositiveIntegerField()
    score = models.FloatField(default=0.0)
    answered_count = models.PositiveIntegerField(default=0)
    correct_count = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["learner_key", "bank", "-started_at"])]
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.bank} attempt {self.pk} ({self.learner_key[:8]})"


class Answer(models.Model):
    """The learner's answer to one question in one attempt.

    `response` is what they submitted (JSON: a choice id, an order, their
    text and rubric ticks); `detail` what the grader worked out (the
    expected answer, the simulator's outcome). A self-assessed answer is
    stored with `is_final=False` until the rubric is ticked.

    A wrong final answer may be tried again (`tries` counts the graded
    tries): `response`, `detail`, `correct` and `points` are the latest try,
    while `first_correct` and `first_points` keep the first final try, which
    is what the attempt's score counts, so retrying teaches without
    rewriting the score.
    """

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question_id = models.SlugField(max_length=64)
    question_type = models.CharField(max_length=32)
    response = models.JSONField()
    detail = models.JSONField(default=dict)
    is_final = models.BooleanField(default=True)
    correct = models.BooleanField(default=False)
    points = models.FloatField(default=0.0)
    tries = models.PositiveIntegerField(default=1)
    first_correct = models.BooleanField(default=False)
    first_points = models.FloatField(default=0.0)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "question_id"], name="one_answer_per_question"
            )
        ]
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.question_id}: {'right' if self.correct else 'wrong'} (try {self.tries})"

    @property
    def retried(self) -> bool:
        return self.tries > 1

    def save(self, *args, **kwargs):
        # Until a retry, the answer is its own first try (so the score, which
        # counts first tries, is right whoever writes the row).
        if self.tries <= 1:
            self.first_correct, self.first_points = self.correct, self.points
            if kwargs.get("update_fields") is not None:  # update_or_create names its fields
                fields = {*kwargs["update_fields"], "first_correct", "first_points"}
                kwargs["update_fields"] = fields
        super().save(*args, **kwargs)
