"""Views of the interview app: validate, call a service, render.

Every page works as plain forms that post and redirect; JavaScript adds the
countdown, the architecture builder, word-pointing for the rubric and
keyboard reordering. Each view first lets the clock act (`interview_tick`),
so a reload after time ran out shows the next question.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from learnkafka.core.learners import learner_key_for

from . import phase_grading, selectors, services
from .grading import InvalidAnswer, architecture, chaos, design, practical
from .models import Interview


def _own_or_404(request: HttpRequest, public_id) -> Interview:
    interview = selectors.interview_for(learner_key=learner_key_for(request), public_id=public_id)
    if interview is None:
        raise Http404("No such interview.")
    return interview


def index(request: HttpRequest) -> HttpResponse:
    learner_key = learner_key_for(request)
    interviews = selectors.interviews_of(learner_key=learner_key)
    return render(request, "interview/index.html", {
        "interviews": interviews,
        "chart": selectors.attempts_chart(learner_key=learner_key),
        "error": request.GET.get("error", "")[:200],
        "min_minutes": services.MIN_MINUTES, "max_minutes": services.MAX_MINUTES,
    })


@require_POST
def start(request: HttpRequest) -> HttpResponse:
    try:
        minutes = int(request.POST.get("minutes", "10"))
    except ValueError:
        minutes = 0
    try:
        interview = services.interview_start(
            learner_key=learner_key_for(request),
            shuffled=request.POST.get("order") == "shuffled",
            timed=request.POST.get("timing", "timed") == "timed",
            minutes_per_question=minutes,
        )
    except InvalidAnswer as exc:
        learner_key = learner_key_for(request)
        return render(request, "interview/index.html", {
            "interviews": selectors.interviews_of(learner_key=learner_key),
            "chart": selectors.attempts_chart(learner_key=learner_key), "error": str(exc),
            "min_minutes": services.MIN_MINUTES, "max_minutes": services.MAX_MINUTES,
        }, status=422)
    return redirect("interview:mock", public_id=interview.public_id)


def phase_context(interview: Interview, *, error: str = "", posted=None) -> dict:
    """What the current phase's page shows (also the interviewer's panel)."""
    here = services.current(interview)
    question, phase = here
    answers = selectors.answers_of(interview)
    answer = answers.get((question.slug, phase.slug))
    checks = selectors.checks_with_links(answer)
    ctx = {
        "interview": interview, "question": question, "phase": phase, "answer": answer,
        "error": error, "remaining_seconds": services.remaining_seconds(interview),
        "question_number": interview.question_index + 1, "question_count": len(interview.order),
        "phase_number": interview.phase_index + 1,
        "phases": [{"phase": p, "answer": answers.get((question.slug, p.slug)),
                    "current": p.slug == phase.slug} for p in question.phases],
        "checks": checks,
        "checks_passed": sum(c["passed"] for c in checks),
        "posted_text": (posted or {}).get("text", ""),
        "segments": selectors.marked_segments(answer),
    }
    if phase.kind in ("ordering", "design"):
        steps = phase_grading.steps_of(phase)
        if answer is not None and "order" in answer.response:
            order = answer.response["order"]
        else:
            order = phase_grading.shuffled_steps(phase, interview.seed, steps)
        ctx["order_items"] = [(s, steps[s]) for s in order]
        ctx["right_items"] = list(steps.values())
    if phase.kind == "design":
        ctx["safeguards"] = design.SAFEGUARDS
        picked = set(answer.response.get("safeguards", [])) if answer else set()
        ctx["picked"] = picked
    if phase.kind == "chaos":
        ctx.update(_chaos_context(answers.get((question.slug, "design")), answer))
    if phase.kind == "practical" and answer is not None:
        r = answer.response
        ctx["staged"] = practical.staged_level(r["level"], r["level_seed"])
        ctx["sandbox_id"] = r["sandbox"]
    if phase.kind == "builder":
        ctx["reference_json"] = architecture.REFERENCE
        ctx["diagram_json"] = answer.response.get("diagram") if answer else None
    return ctx


def _chaos_context(design_answer, answer) -> dict:
    out: dict = {"design_summary": [], "chaos_rows": []}
    if design_answer is not None and design_answer.state == "graded":
        sim = chaos.simulator_design(design_answer.response)
        out["design_summary"] = [
            f"Idempotency key in the database: {sim.variant.replace('_', ' ')}",
            f"Race guard: {sim.safeguard.replace('_', ' ')}",
            f"Transactions: {sim.transaction_scope.replace('_', ' ')}",
            f"Gateway cache {'on' if sim.gateway_cache else 'off'}, producer idempotence "
            f"{'on' if sim.producer_idempotence else 'off'}, outbox "
            f"{'on' if sim.outbox else 'off'}",
        ]
    if answer is not None and "report" in answer.response:
        r = answer.response["report"]
        out["chaos_rows"] = [{"id": rid, "charged": n, "events": r["events"].get(rid, 0),
                              "status": r["client_status"].get(rid)}
                             for rid, n in r["charges"].items()]
    return out


def mock(request: HttpRequest, public_id) -> HttpResponse:
    interview = services.interview_tick(interview=_own_or_404(request, public_id))
    if services.current(interview) is None:
        return redirect("interview:result", public_id=interview.public_id)
    error = ""
    try:
        services.practical_open(interview=interview)  # stages Q2's cluster on arrival
    except InvalidAnswer as exc:
        error = str(exc)
    ctx = phase_context(interview, error=error)
    ctx["time_up_notice"] = request.GET.get("timeup") == "1" and selectors.previous_timed_out(
        interview)
    ctx["pair_url"] = request.build_absolute_uri(
        reverse("interview:pair", kwargs={"token": interview.pair_token}))
    return render(request, "interview/mock.html", ctx)


@require_POST
def answer(request: HttpRequest, public_id) -> HttpResponse:
    interview = _own_or_404(request, public_id)
    try:
        services.phase_submit(interview=interview, question_slug=request.POST.get("question", ""),
                              phase_slug=request.POST.get("phase", ""), data=request.POST)
    except services.PhaseClosed:
        return redirect("interview:mock", public_id=interview.public_id)
    except InvalidAnswer as exc:
        interview.refresh_from_db()
        ctx = phase_context(interview, error=str(exc), posted=request.POST)
        ctx["pair_url"] = request.build_absolute_uri(
            reverse("interview:pair", kwargs={"token": interview.pair_token}))
        return render(request, "interview/mock.html", ctx, status=422)
    return redirect(reverse("interview:mock", kwargs={"public_id": interview.public_id})
                    + "#phase")


@require_POST
def advance(request: HttpRequest, public_id) -> HttpResponse:
    interview = _own_or_404(request, public_id)
    try:
        services.phase_continue(interview=interview,
                                question_slug=request.POST.get("question", ""),
                                phase_slug=request.POST.get("phase", ""))
    except services.PhaseClosed:
        pass  # the page shows the phase still to answer
    return redirect("interview:mock", public_id=interview.public_id)


def result(request: HttpRequest, public_id) -> HttpResponse:
    interview = services.interview_tick(interview=_own_or_404(request, public_id))
    return render(request, "interview/result.html", {
        "interview": interview, "result": selectors.result_for(interview),
        "chart": selectors.attempts_chart(learner_key=interview.learner_key),
        "finished": interview.finished_at is not None,
    })


@require_GET
def pair(request: HttpRequest, token: str) -> HttpResponse:
    """The interviewer's view: rubric, model answers and scores, refreshed while they watch."""
    interview = selectors.interview_by_pair_token(token=token)
    if interview is None:
        raise Http404("No such interview.")
    interview = services.interview_tick(interview=interview)
    ctx = {"interview": interview, "token": token, "result": selectors.result_for(interview)}
    if services.current(interview) is not None:
        ctx.update(phase_context(interview))
        ctx["reference_checks"] = phase_grading.reference_checks(ctx["phase"])
    template = "interview/_pair_panel.html" if request.htmx else "interview/pair.html"
    return render(request, template, ctx)


