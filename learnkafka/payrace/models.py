"""What the race remembers: each learner's runs and their charges per trial.

Rows are the per-learner rate limit (runs in the last minute) and what the
page shows after a reload. The race's own tables never live here: they are
created and dropped per run in a schema or file of their own (stores.py).
"""
from django.db import models


class RaceRun(models.Model):
    learner_key = models.CharField(max_length=64, db_index=True)
    variant = models.CharField(max_length=40)
    backend = models.CharField(max_length=20)
    threads = models.PositiveSmallIntegerField()
    trials = models.PositiveSmallIntegerField()
    result = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.learner_key[:8]} {self.variant} x{self.threads} ({self.trials} trials)"
