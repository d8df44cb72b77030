"""A learner's sandbox as stored: enough to rebuild its simulation after a restart.

The live simulation itself sits in memory (live.py, in the one process holding
its lease); these rows are the recipe for it:

- `Sandbox`: scenario + seed, the clock (`now_ms` + `fired`: the simulated
  millisecond and how many timers had run in it, `speed`, `playing`), who owns
  it (the learner's stable key, core/learners.py, not the session key, which
  Django rotates on login), whether strangers may watch (`shared`), and the
  lease that names the one process allowed to run and write it.
- `SandboxCommand`: one row per accepted command, appended in a transaction
  with its position, so two tabs or two processes can never lose each other's
  commands (the old design rewrote one JSON list per command, with no lock).
- `SandboxMember`: someone the owner let watch or drive.
"""
import secrets

from django.db import models

PUBLIC_ID_BYTES = 18  # 24 url-safe characters, 144 random bits: not guessable


def new_public_id() -> str:
    return secrets.token_urlsafe(PUBLIC_ID_BYTES)


class Sandbox(models.Model):
    public_id = models.CharField(max_length=64, unique=True, default=new_public_id)
    owner_key = models.CharField(max_length=64, db_index=True)
    scenario = models.CharField(max_length=64)
    seed = models.BigIntegerField()
    # The clock: simulated time and timers fired in that millisecond (None: not
    # recorded, an old row), so a rebuild stops exactly where the live one was.
    now_ms = models.BigIntegerField(default=0)
    fired = models.BigIntegerField(null=True, blank=True)
    speed = models.FloatField(default=1.0)
    playing = models.BooleanField(default=True)
    # Anyone holding the link may watch (never drive) a shared sandbox.
    shared = models.BooleanField(default=False)
    # A history that could not be rebuilt is moved to an archived row (kept
    # for an operator, never retried) and the learner starts over.
    archived = models.BooleanField(default=False)
    rebuild_error = models.TextField(blank=True, default="")
    # The lease: which process (its channel-layer name) runs this simulation,
    # until when (unix seconds), and how many times it changed hands.
    lease_holder = models.CharField(max_length=200, blank=True, default="")
    lease_until = models.FloatField(default=0.0)
    lease_epoch = models.IntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        indexes = [models.Index(fields=["owner_key", "scenario"])]

    def __str__(self) -> str:
        return f"sandbox {self.public_id} ({self.scenario})"


class SandboxCommand(models.Model):
    """One accepted command, at its place in the history."""

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="commands")
    position = models.IntegerField()  # 0, 1, 2, ... in the order they were applied
    at_ms = models.BigIntegerField()
    fired = models.BigIntegerField(null=True, blank=True)  # timers fired at at_ms before it
    command = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sandbox", "position"],
                                               name="sandbox_command_position_unique")]
        ordering = ["position"]

    def entry(self) -> dict:
        """As the simulator's history entry dict ({"at_ms", "fired", "command"})."""
        entry = {"at_ms": self.at_ms, "command": self.command}
        if self.fired is not None:
            entry["fired"] = self.fired
        return entry


class SandboxMember(models.Model):
    """A learner the owner let in: as a viewer (watch) or a driver (watch and change)."""

    VIEWER = "viewer"
    DRIVER = "driver"
    ROLES = [(VIEWER, "viewer"), (DRIVER, "driver")]

    sandbox = models.ForeignKey(Sandbox, on_delete=models.CASCADE, related_name="members")
    learner_key = models.CharField(max_length=64)
    role = models.CharField(max_length=8, choices=ROLES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["sandbox", "learner_key"],
                                               name="sandbox_member_unique")]
