"""A learner's sandbox as stored: enough to rebuild its simulation after a restart.

The live simulation itself sits in memory (runtime.py); this row is the recipe
for it: scenario + seed + the commands the learner sent, each stamped with the
simulated time it was applied at, plus where the clock had got to.
"""
import secrets

from django.db import models

PUBLIC_ID_BYTES = 18  # 24 url-safe characters, 144 random bits: not guessable


def new_public_id() -> str:
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


class Sandbox(models.Model):
    public_id = models.CharField(max_length=64, unique=True, default=new_public_id)
    owner_session_key = models.CharField(max_length=64, db_index=True)
    scenario = models.CharField(max_length=64)
    seed = models.BigIntegerField()
    # [{"at_ms": int, "command": {...simulator command dict...}}, ...] in order.
    command_log = models.JSONField(default=list)
    now_ms = models.BigIntegerField(default=0)
    speed = models.FloatField(default=1.0)
    playing = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["owner_session_key", "scenario"])]

    def __str__(self) -> str:
        return f"sandbox {self.public_id} ({self.scenario})"
