"""A candidate's mock interviews and their answers, kept in the database.

Candidates are anonymous, like quiz takers: `learner_key` comes from their
session (learnkafka/core/learners.py). The countdown lives here too
(`question_deadline`), so a reload, a second tab or a server restart shows
the same remaining time, and time up is decided by the server's clock.
"""

import uuid

from django.db import models
from django.utils import timezone


class Interview(models.Model):
    """One mock interview: three questions in an order, timed or not.

    `question_index` and `phase_index` point at where the candidate is;
    services move them (an answered phase, or the clock running out).
    `pair_token` is the secret in the interviewer's link. `scores` holds the
    per-dimension result once finished, so the attempts chart needs no regrading.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    pair_token = models.CharField(max_length=43, unique=True)
    learner_key = models.CharField(max_length=64, db_index=True)
    order = models.JSONField()  # question slugs
    shuffled = models.BooleanField(default=False)
    seed = models.PositiveIntegerField()
    timed = models.BooleanField(default=True)
    seconds_per_question = models.PositiveIntegerField(default=600)
    question_index = models.PositiveSmallIntegerField(default=0)
    phase_index = models.PositiveSmallIntegerField(default=0)
    question_deadline = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(default=0.0)
    scores = models.JSONField(default=dict)  # dimension -> share passed (0..1)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["learner_key", "-started_at"])]

    def __str__(self) -> str:
        return f"interview {self.public_id} ({self.learner_key[:8]})"


class PhaseAnswer(models.Model):
    """What the candidate did in one phase and how it graded.

    `state`: "draft" (a free-text answer written, the rubric marking still
    to do), "graded", or "timed_out" (the clock ran out first; every check
    of the phase counts as missed). `detail["checks"]` holds the graded
    checks (grading/__init__.py), `points` their share passed.
    """

    DRAFT, GRADED, TIMED_OUT = "draft", "graded", "timed_out"
    STATES = [(DRAFT, "draft"), (GRADED, "graded"), (TIMED_OUT, "timed out")]

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="answers")
    question = models.SlugField(max_length=64)
    phase = models.SlugField(max_length=64)
    state = models.CharField(max_length=12, choices=STATES)
    response = models.JSONField(default=dict)
    detail = models.JSONField(default=dict)
    points = models.FloatField(default=0.0)
    submitted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["submitted_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "question", "phase"],
                                    name="one_answer_per_interview_phase")
        ]

    def __str__(self) -> str:
        return f"{self.question}/{self.phase}: {self.state}"

    @property
    def final(self) -> bool:
        return self.state in (self.GRADED, self.TIMED_OUT)
