"""A classroom as stored: rooms, their students, polls and answers, and who is connected.

The room's simulation is an ordinary sandbox (learnkafka/sandbox), owned by a
key of the room's own; the instructor's browser is granted the driver role and
every student the viewer role, so the live layer's policy (policy.py) is what
stops a student from driving. Everything a class needs after a server restart
is in these rows: the room's state and step, the roster (name and the
learner key that lets a browser rejoin), every poll and every answer.
"""
import secrets

from django.conf import settings
from django.db import models

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B: a code read off a projector cannot be misread.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6  # 25**6 = 244 million codes


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class Room(models.Model):
    LOBBY, LIVE, ENDED = "lobby", "live", "ended"
    STATES = [(LOBBY, "lobby"), (LIVE, "live"), (ENDED, "ended")]

    code = models.CharField(max_length=CODE_LENGTH, unique=True, default=new_code)
    instructor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                   related_name="rooms")
    title = models.CharField(max_length=120)
    lesson_slug = models.CharField(max_length=64, blank=True, default="")  # "": the playground
    step_index = models.IntegerField(default=0)
    state = models.CharField(max_length=8, choices=STATES, default=LOBBY)
    sandbox_id = models.CharField(max_length=64)  # the public id of the room's Sandbox
    leaderboard = models.BooleanField(default=True)
    notes = models.TextField(blank=True, default="")
    # +1 on every change a student sees: a browser ignores an older state.
    version = models.IntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"room {self.code} ({self.title})"


class Student(models.Model):
    """One browser in a room: its learner key (core/learners.py) is how it rejoins."""

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="students")
    learner_key = models.CharField(max_length=64)
    name = models.CharField(max_length=40)
    fork_id = models.CharField(max_length=64, blank=True, default="")  # break-away sandbox
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["room", "learner_key"], name="student_once_per_room"),
            models.UniqueConstraint(fields=["room", "name"], name="student_name_unique"),
        ]
        ordering = ["joined_at", "id"]

    def __str__(self) -> str:
        return f"{self.name} in {self.room.code}"


class Poll(models.Model):
    """A question pushed to the room: from a quiz bank, or a prediction about the live state."""

    BANK, PREDICT = "bank", "predict"
    OPEN, REVEALED = "open", "revealed"

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="polls")
    number = models.IntegerField()  # 1, 2, ... within the room
    kind = models.CharField(max_length=8, choices=[(BANK, "bank"), (PREDICT, "predict")])
    source = models.CharField(max_length=120, blank=True, default="")  # bank/question id
    prompt = models.TextField()
    choices = models.JSONField()  # [{"id": "a", "text": "..."}, ...]
    correct = models.CharField(max_length=64, blank=True, default="")  # "" until known
    explanation = models.TextField(blank=True, default="")
    then_commands = models.JSONField(null=True, blank=True)  # what the instructor runs after
    state = models.CharField(max_length=8, default=OPEN,
                             choices=[(OPEN, "open"), (REVEALED, "revealed")])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "number"], name="poll_number")]
        ordering = ["number"]


class Answer(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="answers")
    student = models.ForeignKey(Student, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=64)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "student"], name="one_answer")]


class Presence(models.Model):
    """One open room socket. Its process refreshes `seen_at` every few seconds and
    deletes the row when the socket closes; a row whose process died goes stale."""

    channel_name = models.CharField(max_length=200, unique=True)
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="presences")
    student = models.ForeignKey(Student, null=True, blank=True, on_delete=models.CASCADE)
    node = models.CharField(max_length=200)
    seen_at = models.FloatField()


class JoinAttempt(models.Model):
    """A wrong join code, by address: too many in a window and joining pauses."""

    address = models.CharField(max_length=64, db_index=True)
    at = models.FloatField(db_index=True)
