"""Lesson pages: the list, a lesson's overview, one step, and the "tried" mark.

Views hold no business logic: they look the content up, call a service or a
selector, and render. Every link is a real href; keyboard navigation is
progressive enhancement in static/js/lessons/navigation.js.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from learnkafka.components.diagrams import diagram_component
from learnkafka.core.learners import learner_key_for
from learnkafka.sandbox.services import SandboxLimitReached, sandbox_for_learner

from .content import lesson_slugs, load_lesson
from .selectors import checkpoint_results, lesson_progress
from .services import step_mark_tried, step_visit


def _lesson_or_404(lesson_slug: str):
    lesson = load_lesson(lesson_slug)
    if lesson is None:
        raise Http404("No such lesson")
    return lesson


@require_GET
def lesson_list(request):
    key = learner_key_for(request)
    entries = []
    for slug in lesson_slugs():
        lesson = load_lesson(slug)
        entries.append(
            {"lesson": lesson, "progress": lesson_progress(learner_key=key, lesson=lesson)}
        )
    return render(request, "lessons/lesson_list.html", {"entries": entries})


@require_GET
def lesson_overview(request, lesson_slug: str):
    lesson = _lesson_or_404(lesson_slug)
    key = learner_key_for(request)
    progress = lesson_progress(learner_key=key, lesson=lesson)
    checkpoints = checkpoint_results(learner_key=key, lesson=lesson)
    rows = [(item, checkpoints.get(item.slug)) for item in progress.steps]
    context = {"lesson": lesson, "progress": progress, "rows": rows}
    return render(request, "lessons/lesson_overview.html", context)


@require_GET
def lesson_resume(request, lesson_slug: str):
    """Take the learner to where they left off (or to the first step)."""
    lesson = _lesson_or_404(lesson_slug)
    progress = lesson_progress(learner_key=learner_key_for(request), lesson=lesson)
    target = progress.place_slug or lesson.steps[0].slug
    return redirect("lessons:step", lesson_slug=lesson.slug, step_slug=target)


@require_GET
def lesson_step(request, lesson_slug: str, step_slug: str):
    lesson = _lesson_or_404(lesson_slug)
    step = lesson.step(step_slug)
    if step is None:
        raise Http404("No such step")
    key = learner_key_for(request)
    step_visit(learner_key=key, lesson_slug=lesson.slug, step_slug=step.slug)
    previous, following = lesson.neighbours(step.slug)
    try:
        sandbox = sandbox_for_learner(learner_key=key, scenario=step.scenario)
    except SandboxLimitReached:
        sandbox = None  # the page still teaches; the stage says why nothing is live
    context = {
        "lesson": lesson,
        "step": step,
        "sandbox": sandbox,
        "diagram_component": diagram_component(step.diagram),
        "previous": previous,
        "following": following,
        "progress": lesson_progress(learner_key=key, lesson=lesson),
    }
    return render(request, "lessons/lesson_step.html", context)


@require_POST
def step_tried(request, lesson_slug: str, step_slug: str):
    """A "try this" was pressed: mark the step and answer with the refreshed progress bar."""
    lesson = _lesson_or_404(lesson_slug)
    step = lesson.step(step_slug)
    if step is None:
        raise Http404("No such step")
    key = learner_key_for(request)
    step_mark_tried(learner_key=key, lesson_slug=lesson.slug, step_slug=step.slug)
    if request.htmx:
        progress = lesson_progress(learner_key=key, lesson=lesson)
        return render(
            request,
            "lessons/_progress.html",
            {"lesson": lesson, "progress": progress, "current": step.slug},
        )
    return HttpResponse(status=204)
