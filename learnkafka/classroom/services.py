"""Writes of the classroom. Views call these with plain data; each checks what it is
asked and raises Refused (learnkafka/sandbox/policy.py) with plain words, changing nothing.

After a write that students or the instructor must see, the caller publishes
it (broadcast.py) once the transaction has committed.
"""
from __future__ import annotations

import secrets
import time
import unicodedata

from django.db import IntegrityError, transaction
from django.db.models import F

from learnkafka.sandbox import services as sandboxes
from learnkafka.sandbox.policy import DRIVER, VIEWER, Refused

from . import content
from .models import Answer, JoinAttempt, Poll, Presence, Room, Student, new_code

MAX_NAME = 30
MAX_CHOICES = 6
MAX_PROMPT = 500
JOIN_WINDOW_S = 300       # wrong codes are counted over this window...
MAX_WRONG_CODES = 10      # ...and past this many, an address may not try for a while
POINTS_PER_CORRECT = 100


def room_owner_key(room_token: str) -> str:
    return f"room-{room_token}"


def room_create(*, instructor, lesson_slug: str) -> Room:
    if lesson_slug and lesson_slug not in dict(content.sources()):
        raise Refused("bad_lesson", "There is no such lesson.")
    step = content.step_at(lesson_slug, 0)
    sandbox = sandboxes.sandbox_create(owner_key=room_owner_key(secrets.token_hex(12)),
                                       scenario=step.scenario)
    for _ in range(10):  # a clash among 244 million codes is rare; try another
        try:
            with transaction.atomic():
                return Room.objects.create(instructor=instructor, code=new_code(),
                                           title=content.title_of(lesson_slug),
                                           lesson_slug=lesson_slug, sandbox_id=sandbox.public_id)
        except IntegrityError:
            continue
    raise Refused("busy", "Could not find a free join code; try again.")


def _bump(room: Room, **fields) -> None:
    Room.objects.filter(pk=room.pk).update(version=F("version") + 1, **fields)
    room.refresh_from_db()


def presenter_attach(*, room: Room, learner_key: str) -> None:
    """The instructor's browser drives the room's simulation (whichever browser it is)."""
    sandboxes.member_set_role(public_id=room.sandbox_id, learner_key=learner_key, role=DRIVER)


def room_set_state(*, room: Room, state: str) -> None:
    allowed = {Room.LOBBY: {Room.LIVE, Room.ENDED}, Room.LIVE: {Room.ENDED}, Room.ENDED: set()}
    if state not in allowed[room.state]:
        raise Refused("bad_state", f"A room that is {room.state} cannot become {state}.")
    _bump(room, state=state)


def room_set_step(*, room: Room, index: int) -> None:
    _bump(room, step_index=index)


def room_check_step(*, room: Room, index) -> int:
    steps = content.steps_of(room.lesson_slug)
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(steps):
        raise Refused("bad_step", f"Steps go from 1 to {len(steps)}.")
    if room.state == Room.ENDED:
        raise Refused("room_ended", "This room has ended.")
    return index


def room_set_leaderboard(*, room: Room, on: bool) -> None:
    _bump(room, leaderboard=on)


def room_set_notes(*, room: Room, notes: str) -> None:
    Room.objects.filter(pk=room.pk).update(notes=clean_text(notes, 5000, "Notes"))


# ---- students ------------------------------------------------------------------


def clean_text(value, limit: int, what: str) -> str:
    """Plain text: trimmed, no control characters, at most `limit` characters.
    (Always shown escaped; this only keeps it printable.)"""
    if not isinstance(value, str):
        raise Refused("bad_text", f"{what} must be text.")
    text = "".join(ch for ch in value if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    text = " ".join(text.split()) if "\n" not in value else text.strip()
    if not text:
        raise Refused("bad_text", f"{what} cannot be empty.")
    if len(text) > limit:
        raise Refused("bad_text", f"{what} may have at most {limit} characters.")
    return text


def join_allowed(*, address: str) -> bool:
    since = time.time() - JOIN_WINDOW_S
    JoinAttempt.objects.filter(at__lt=since).delete()
    return JoinAttempt.objects.filter(address=address, at__gte=since).count() < MAX_WRONG_CODES


def join_wrong_code(*, address: str) -> None:
    JoinAttempt.objects.create(address=address, at=time.time())


def student_join(*, room: Room, learner_key: str, name: str) -> Student:
    """Join, or rejoin: a browser already in the room keeps its name, answers and score."""
    existing = Student.objects.filter(room=room, learner_key=learner_key).first()
    if existing:
        return existing
    if room.state == Room.ENDED:
        raise Refused("room_ended", "This room has ended.")
    name = clean_text(name, MAX_NAME, "Your name")
    try:
        with transaction.atomic():
            student = Student.objects.create(room=room, learner_key=learner_key, name=name)
    except IntegrityError as err:
        raise Refused("name_taken", "Someone in this room already has that name; "
                                    "add an initial.") from err
    sandboxes.member_set_role(public_id=room.sandbox_id, learner_key=learner_key, role=VIEWER)
    return student


def student_break_away(*, student: Student) -> str:
    """A private sandbox forked from the room's simulation as it is now (its last
    stored clock); the student's previous fork is replaced. Returns its public id."""
    old = student.fork_id
    fork = sandboxes.sandbox_fork(public_id=student.room.sandbox_id,
                                  owner_key=student.learner_key)
    Student.objects.filter(pk=student.pk).update(fork_id=fork.public_id)
    student.fork_id = fork.public_id
    if old:
        sandboxes.sandbox_delete(public_id=old)
    return fork.public_id


# ---- polls ---------------------------------------------------------------------


def _open_poll(room: Room) -> Poll | None:
    return room.polls.filter(state=Poll.OPEN).first()


def _new_poll(room: Room, **fields) -> Poll:
    if room.state != Room.LIVE:
        raise Refused("not_live", "Start the room before asking a question.")
    if _open_poll(room):
        raise Refused("poll_open", "Reveal the open question first.")
    number = (room.polls.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    poll = Poll.objects.create(room=room, number=number, **fields)
    _bump(room)
    return poll


def poll_push_bank(*, room: Room, ref: str) -> Poll:
    question = content.poll_question(ref)
    if question is None:
        raise Refused("bad_question", "No such question in the quiz banks.")
    return _new_poll(room, kind=Poll.BANK, source=ref, prompt=question["prompt"],
                     choices=question["choices"], correct=question["answer"],
                     explanation=question["explanation"])


def poll_push_predict(*, room: Room, prompt, choices, then_commands=None) -> Poll:
    """A prediction about the live simulation; the right answer is the instructor's to
    say at the reveal (after or before running `then_commands`)."""
    prompt = clean_text(prompt, MAX_PROMPT, "The question")
    if not isinstance(choices, list):
        raise Refused("bad_choices", "Give the answers as a list.")
    texts = [clean_text(c, 200, "An answer") for c in choices if isinstance(c, str) and c.strip()]
    if not 2 <= len(texts) <= MAX_CHOICES:
        raise Refused("bad_choices", f"Give between 2 and {MAX_CHOICES} answers.")
    if then_commands is not None and not (
            isinstance(then_commands, list) and all(isinstance(c, dict) for c in then_commands)):
        raise Refused("bad_command", "The command to run must be a list of commands.")
    return _new_poll(room, kind=Poll.PREDICT, prompt=prompt,
                     choices=[{"id": chr(ord("a") + i), "text": t} for i, t in enumerate(texts)],
                     then_commands=then_commands)


def poll_answer(*, student: Student, poll_id, choice) -> Answer:
    """The student's own answer (a student is only ever the session's own: views
    never take a student from the request). Changeable until the reveal."""
    room = Room.objects.get(pk=student.room_id)
    if room.state == Room.ENDED:
        raise Refused("room_ended", "This room has ended; it takes no more answers.")
    poll = Poll.objects.filter(room=room, pk=poll_id if isinstance(poll_id, int) else -1).first()
    if poll is None:
        raise Refused("bad_poll", "No such question in this room.")
    if poll.state != Poll.OPEN:
        raise Refused("poll_closed", "This question is closed.")
    if choice not in {c["id"] for c in poll.choices}:
        raise Refused("bad_choice", "Choose one of the answers.")
    answer, _ = Answer.objects.update_or_create(poll=poll, student=student,
                                                defaults={"choice": choice})
    return answer


def poll_reveal(*, room: Room, poll_id, correct: str = "") -> Poll:
    poll = Poll.objects.filter(room=room, pk=poll_id if isinstance(poll_id, int) else -1).first()
    if poll is None:
        raise Refused("bad_poll", "No such question in this room.")
    if poll.state != Poll.OPEN:
        raise Refused("poll_closed", "This question was already revealed.")
    if poll.kind == Poll.PREDICT:
        if correct and correct not in {c["id"] for c in poll.choices}:
            raise Refused("bad_choice", "Mark one of the answers as right.")
        poll.correct = correct  # may stay "": a prediction with no one right answer
    Poll.objects.filter(pk=poll.pk).update(state=Poll.REVEALED, correct=poll.correct)
    poll.refresh_from_db()
    _bump(room)
    return poll


# ---- presence -------------------------------------------------------------------


def presence_open(*, channel_name: str, room: Room, student: Student | None, node: str) -> None:
    Presence.objects.update_or_create(channel_name=channel_name, defaults={
        "room": room, "student": student, "node": node, "seen_at": time.time()})


def presence_close(*, channel_name: str) -> None:
    Presence.objects.filter(channel_name=channel_name).delete()


def presence_refresh(*, channel_names: list[str]) -> None:
    if channel_names:
        Presence.objects.filter(channel_name__in=channel_names).update(seen_at=time.time())
