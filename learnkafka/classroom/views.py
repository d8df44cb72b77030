"""Classroom pages. Instructor pages need a logged-in instructor who owns the room;
student pages need only the join code and a name. Views hold no rules: they
read the request, call a service or a selector, publish what changed, render.

Actions answer JSON when asked for it (`Accept: application/json`, as the
presenter's keyboard shortcuts do) and otherwise redirect back, so every form
also works without JavaScript. Every POST carries Django's CSRF token.
"""
from __future__ import annotations

import csv
import io
import json
from functools import wraps

import segno
from asgiref.sync import async_to_sync
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from learnkafka.components.diagrams import diagram_component
from learnkafka.core.learners import learner_key_for
from learnkafka.sandbox.policy import Refused
from learnkafka.sandbox.selectors import sandbox_get
from learnkafka.sandbox.services import SandboxLimitReached

from . import broadcast, content, fragments, selectors, services
from .driving import drive
from .models import Poll, Room

INSTRUCTORS_GROUP = "Instructors"


def is_instructor(user) -> bool:
    return user.is_authenticated and (
        user.is_superuser or user.groups.filter(name=INSTRUCTORS_GROUP).exists())


def instructor_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_instructor(request.user):
            return HttpResponse("Only instructors may open this page.", status=403)
        return view(request, *args, **kwargs)
    return wrapped


def _my_room(request, code: str) -> Room:
    room = selectors.room_by_code(code)
    if room is None or room.instructor_id != request.user.id:
        raise Http404("No such room of yours")
    return room


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _done(request, room: Room, *, back: str = "classroom:room", **extra):
    if _wants_json(request):
        return JsonResponse({"ok": True, **extra})
    return redirect(back, code=room.code)


def _refused(request, room: Room | None, err: Refused, status: int = 400):
    if _wants_json(request) or room is None:
        return JsonResponse({"code": err.code, "message": err.message}, status=status)
    request.session["classroom_error"] = err.message
    return redirect("classroom:room", code=room.code)


def _join_url(request, room: Room) -> str:
    return request.build_absolute_uri(reverse("classroom:join_code", args=[room.code]))


# ---- the instructor ---------------------------------------------------------------


@instructor_required
@require_GET
def home(request):
    return render(request, "classroom/home.html", {
        "rooms": selectors.rooms_of(request.user), "sources": content.sources()})


@instructor_required
@require_POST
def room_create(request):
    try:
        room = services.room_create(instructor=request.user,
                                    lesson_slug=request.POST.get("lesson", ""))
    except (Refused, SandboxLimitReached) as err:
        return JsonResponse({"code": getattr(err, "code", "busy"),
                             "message": getattr(err, "message", "Try again.")}, status=400)
    return redirect("classroom:room", code=room.code)


@instructor_required
@require_GET
def room_detail(request, code):
    room = _my_room(request, code)
    return render(request, "classroom/room.html", {
        "room": room, "join_url": _join_url(request, room),
        "error": request.session.pop("classroom_error", ""),
        "students": room.students.count()})


@instructor_required
@require_GET
def room_qr(request, code):
    room = _my_room(request, code)
    out = io.BytesIO()  # a whole SVG document (with its namespace), for an <img>
    segno.make(_join_url(request, room), error="m").save(out, kind="svg", scale=8, border=2)
    return HttpResponse(out.getvalue(), content_type="image/svg+xml")


@instructor_required
@require_POST
def room_state(request, code):
    room = _my_room(request, code)
    try:
        services.room_set_state(room=room, state=request.POST.get("state", ""))
    except Refused as err:
        return _refused(request, room, err, status=409)
    broadcast.publish(room.id, broadcast.CHANGED)
    return _done(request, room, state=room.state)


@instructor_required
@require_GET
def presenter(request, code):
    room = _my_room(request, code)
    services.presenter_attach(room=room, learner_key=learner_key_for(request))
    step = content.step_at(room.lesson_slug, room.step_index)
    steps = content.steps_of(room.lesson_slug)
    return render(request, "classroom/presenter.html", {
        "room": room, "step": step, "steps": steps, "join_url": _join_url(request, room),
        "diagram_component": diagram_component(step.diagram),
        "questions": content.poll_questions(room.lesson_slug),
        "poll": room.polls.order_by("-number").first(),
    })


@instructor_required
@require_POST
def room_goto(request, code):
    """Follow me: the room moves to a step, and its simulation to that step's scenario."""
    room = _my_room(request, code)
    try:
        index = services.room_check_step(room=room, index=_int(request.POST.get("step")))
        step = content.step_at(room.lesson_slug, index)
        async_to_sync(drive)(room.sandbox_id, {"type": "load_scenario", "name": step.scenario})
    except Refused as err:
        return _refused(request, room, err, status=409)
    services.room_set_step(room=room, index=index)
    broadcast.publish(room.id, broadcast.CHANGED, step=True)
    return _done(request, room, back="classroom:presenter", step=index)


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@instructor_required
@require_POST
def poll_push(request, code):
    room = _my_room(request, code)
    try:
        if request.POST.get("kind") == Poll.PREDICT:
            then = request.POST.get("then", "")
            poll = services.poll_push_predict(
                room=room, prompt=request.POST.get("prompt", ""),
                choices=request.POST.getlist("choice"),
                then_commands=json.loads(then) if then else None)
        else:
            poll = services.poll_push_bank(room=room, ref=request.POST.get("ref", ""))
    except ValueError:
        return _refused(request, room, Refused("bad_command", "The command is not JSON."))
    except Refused as err:
        return _refused(request, room, err, status=409)
    broadcast.publish(room.id, broadcast.CHANGED)
    return _done(request, room, back="classroom:presenter", poll=poll.id)


@instructor_required
@require_POST
def poll_reveal(request, code):
    room = _my_room(request, code)
    try:
        poll = services.poll_reveal(room=room, poll_id=_int(request.POST.get("poll")),
                                    correct=request.POST.get("correct", ""))
    except Refused as err:
        return _refused(request, room, err, status=409)
    broadcast.publish(room.id, broadcast.CHANGED, scores=True)
    return _done(request, room, back="classroom:presenter", poll=poll.id,
                 then=poll.then_commands)


@instructor_required
@require_POST
def room_leaderboard(request, code):
    room = _my_room(request, code)
    services.room_set_leaderboard(room=room, on=request.POST.get("on") == "1")
    broadcast.publish(room.id, broadcast.CHANGED)
    return _done(request, room, leaderboard=room.leaderboard)


@instructor_required
@require_POST
def room_notes(request, code):
    room = _my_room(request, code)
    try:
        services.room_set_notes(room=room, notes=request.POST.get("notes", "") or " ")
    except Refused as err:
        return _refused(request, room, err)
    return _done(request, room, back="classroom:presenter")


@instructor_required
@require_GET
def dashboard(request, code):
    room = _my_room(request, code)
    template = "classroom/_dashboard.html" if request.GET.get("part") else \
        "classroom/dashboard.html"
    return render(request, template, {"room": room, **selectors.results(room)})


@instructor_required
@require_GET
def dashboard_csv(request, code):
    room = _my_room(request, code)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="room-{room.code}.csv"'
    writer = csv.writer(response)
    for row in selectors.results_csv_rows(room):
        # A cell starting with = + - @ is a formula to a spreadsheet: quote it as text.
        writer.writerow([f"'{c}" if isinstance(c, str) and c[:1] in "=+-@" else c for c in row])
    return response


# ---- students -----------------------------------------------------------------------


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def join(request, code: str = ""):
    """The join form (code + display name). Wrong codes are counted per address."""
    error = ""
    status = 200
    if request.method == "POST":
        code = request.POST.get("code", "")
        address = _client_address(request)
        if not services.join_allowed(address=address):
            error, status = "Too many wrong codes from here; wait a few minutes.", 429
        else:
            room = selectors.room_by_code(code)
            if room is None:
                services.join_wrong_code(address=address)
                error, status = "No room has that code. Check it on the screen.", 404
            else:
                try:
                    services.student_join(room=room, learner_key=learner_key_for(request),
                                          name=request.POST.get("name", ""))
                    return redirect("classroom:student", code=room.code)
                except Refused as err:
                    error, status = err.message, 400
    else:
        room = selectors.room_by_code(code) if code else None
        if room and selectors.student_for(room=room, learner_key=learner_key_for(request)):
            return redirect("classroom:student", code=room.code)  # rejoin: nothing to type
    return render(request, "classroom/join.html", {
        "code": (code or "").strip().upper()[:6], "error": error,
        "name": request.POST.get("name", "")}, status=status)


def _student_or_none(request, code):
    room = selectors.room_by_code(code)
    if room is None:
        raise Http404("No such room")
    return room, selectors.student_for(room=room, learner_key=learner_key_for(request))


@require_GET
def student_room(request, code):
    room, student = _student_or_none(request, code)
    if student is None:
        return redirect("classroom:join_code", code=room.code)
    return render(request, "classroom/student.html", {
        "room": room, "student": student,
        **fragments.step_context(room.lesson_slug, room.step_index)})


@require_GET
def student_step(request, code):
    """The room's current step as a fragment, for a page that missed the step's push
    (it was reconnecting): the same cached text the room socket sends."""
    room, student = _student_or_none(request, code)
    if student is None:
        return JsonResponse({"code": "forbidden", "message": "Join the room first."}, status=403)
    return HttpResponse(fragments.step_fragment(room.lesson_slug, room.step_index))


@require_POST
def answer(request, code):
    """A student's own answer: the student is always this browser's, never the request's."""
    room, student = _student_or_none(request, code)
    if student is None:
        return JsonResponse({"code": "forbidden", "message": "Join the room first."}, status=403)
    try:
        services.poll_answer(student=student, poll_id=_int(request.POST.get("poll")),
                             choice=request.POST.get("choice", ""))
    except Refused as err:
        return JsonResponse({"code": err.code, "message": err.message}, status=409)
    broadcast.publish(room.id, broadcast.ANSWERED)
    if _wants_json(request):
        return JsonResponse({"ok": True, **selectors.student_state(student)})
    return redirect("classroom:student", code=room.code)


@require_POST
def break_away(request, code):
    room, student = _student_or_none(request, code)
    if student is None:
        return redirect("classroom:join_code", code=room.code)
    try:
        services.student_break_away(student=student)
    except SandboxLimitReached:
        return JsonResponse({"code": "too_many_sandboxes",
                             "message": "This browser has too many sandboxes."}, status=429)
    return redirect("classroom:own", code=room.code)


@require_GET
def own(request, code):
    """The student's private fork of the room's simulation, one click from the room."""
    room, student = _student_or_none(request, code)
    if student is None or not student.fork_id or sandbox_get(public_id=student.fork_id) is None:
        return redirect("classroom:student", code=room.code)
    step = content.step_at(room.lesson_slug, room.step_index)
    return render(request, "classroom/own.html", {
        "room": room, "student": student, "step": step, "sandbox_id": student.fork_id,
        "diagram_component": diagram_component(step.diagram)})
