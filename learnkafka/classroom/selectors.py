"""Reads of the classroom: what a student may see, what the instructor sees, results.

`public_state` is the one view every student gets (the same text for all, so a
process serialises it once per change). It never holds an open poll's answers
or counts, nor its right answer: those appear only once the poll is revealed.
"""
from __future__ import annotations

import time
from collections import Counter

from django.db.models import Count, F, Q

from . import content
from .models import Answer, Poll, Presence, Room, Student

PRESENCE_STALE_S = 15  # a socket's row not refreshed for this long: its process is gone
LEADERBOARD_SIZE = 5


def room_by_code(code: str) -> Room | None:
    if not isinstance(code, str):
        return None
    return Room.objects.filter(code=code.strip().upper()).first()


def student_for(*, room: Room, learner_key: str) -> Student | None:
    return Student.objects.filter(room=room, learner_key=learner_key).first()


def _poll_public(poll: Poll) -> dict:
    out = {"id": poll.id, "number": poll.number, "kind": poll.kind, "prompt": poll.prompt,
           "choices": poll.choices, "state": poll.state}
    if poll.state == Poll.REVEALED:
        counts = Counter(poll.answers.values_list("choice", flat=True))
        out.update(correct=poll.correct, explanation=poll.explanation,
                   counts={c["id"]: counts.get(c["id"], 0) for c in poll.choices},
                   answered=sum(counts.values()))
    return out


def scores(room: Room) -> dict[int, int]:
    """Points per student id: 100 for each right answer to a revealed poll."""
    from .services import POINTS_PER_CORRECT

    rows = (Answer.objects.filter(poll__room=room, poll__state=Poll.REVEALED)
            .exclude(poll__correct="")
            .values("student_id", "choice", "poll__correct"))
    out: dict[int, int] = {}
    for row in rows:
        if row["choice"] == row["poll__correct"]:
            out[row["student_id"]] = out.get(row["student_id"], 0) + POINTS_PER_CORRECT
    return out


def public_state(room: Room) -> dict:
    step = content.step_at(room.lesson_slug, room.step_index)
    steps = content.steps_of(room.lesson_slug)
    poll = room.polls.order_by("-number").first()
    state = {"type": "room", "version": room.version, "state": room.state,
             "code": room.code, "title": room.title, "step": room.step_index,
             "step_slug": step.slug, "step_title": step.title, "steps": len(steps),
             "poll": _poll_public(poll) if poll else None, "leaderboard": None}
    if room.leaderboard and room.polls.filter(state=Poll.REVEALED).exists():
        points = scores(room)
        names = dict(room.students.values_list("id", "name"))
        top = sorted(points.items(), key=lambda kv: (-kv[1], names.get(kv[0], "")))
        state["leaderboard"] = [{"name": names[s], "score": p} for s, p in
                                top[:LEADERBOARD_SIZE] if s in names]
    return state


def student_state(student: Student) -> dict:
    """What only this student sees: their name, score and their own answers."""
    answers = dict(Answer.objects.filter(student=student).values_list("poll_id", "choice"))
    return {"type": "me", "name": student.name, "score": scores(student.room).get(student.id, 0),
            "answers": {str(k): v for k, v in answers.items()}}


def connected_ids(room: Room) -> set[int]:
    fresh = time.time() - PRESENCE_STALE_S
    return set(Presence.objects.filter(room=room, seen_at__gte=fresh, student__isnull=False)
               .values_list("student_id", flat=True))


def tally(poll: Poll) -> dict:
    counts = Counter(poll.answers.values_list("choice", flat=True))
    return {c["id"]: counts.get(c["id"], 0) for c in poll.choices}


def presenter_state(room: Room) -> dict:
    """The instructor's extra view: the live histogram of the open poll (answers
    before the reveal), the roster with presence, and scores."""
    online = connected_ids(room)
    points = scores(room)
    poll = room.polls.order_by("-number").first()
    roster = [{"id": s.id, "name": s.name, "connected": s.id in online,
               "score": points.get(s.id, 0)} for s in room.students.all()]
    return {"type": "presenter", "version": room.version,
            "tally": ({"poll": poll.id, "counts": tally(poll), "correct": poll.correct,
                       "answered": poll.answers.count()} if poll else None),
            "roster": roster, "connected": len(online), "students": len(roster)}


def results(room: Room) -> dict:
    """The dashboard: every student's answer per poll, and a summary per poll."""
    right = Count("answers", filter=Q(answers__choice=F("correct")))
    polls = list(room.polls.annotate(n=Count("answers"), right=right))
    students = list(room.students.all())
    answers = {(a.poll_id, a.student_id): a.choice
               for a in Answer.objects.filter(poll__room=room)}
    points = scores(room)
    online = connected_ids(room)
    rows = [{"student": s, "connected": s.id in online, "score": points.get(s.id, 0),
             "answers": [_cell(p, answers.get((p.id, s.id))) for p in polls]} for s in students]
    summary = []
    for p in polls:
        counts = tally(p)
        summary.append({"poll": p, "answered": p.n, "of": len(students),
                        "right": p.right if p.correct else None,
                        "choices": [{**c, "count": counts[c["id"]],
                                     "is_right": c["id"] == p.correct} for c in p.choices]})
    return {"polls": polls, "rows": rows, "summary": summary}


def _cell(poll: Poll, choice: str | None) -> dict:
    text = next((c["text"] for c in poll.choices if c["id"] == choice), "")
    right = None if not choice or not poll.correct or poll.state != Poll.REVEALED \
        else choice == poll.correct
    return {"choice": choice or "", "text": text, "right": right}


def results_csv_rows(room: Room) -> list[list]:
    data = results(room)
    header = ["student", "score"] + [f"Q{p.number}: {p.prompt[:60]}" for p in data["polls"]]
    out = [header]
    for row in data["rows"]:
        cells = []
        for cell in row["answers"]:
            mark = "" if cell["right"] is None else (" (right)" if cell["right"] else " (wrong)")
            cells.append(f"{cell['choice']}{mark}" if cell["choice"] else "")
        out.append([row["student"].name, row["score"], *cells])
    return out


def rooms_of(user) -> list[Room]:
    return list(Room.objects.filter(instructor=user).order_by("-created_at"))
