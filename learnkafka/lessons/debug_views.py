"""Pages of the debugging lesson beyond its steps: the symptom table, a lab per symptom,
and the mystery levels (list, level, goal check, hints, solution).

Views validate, call a service or the level engine (simulator/tools/levels.py), and
render. A level's hidden cause never reaches a template before the level is solved or
its solution asked for: the page gets `levels.public_level`, and the solution and the
explanation only on those two conditions.
"""

from __future__ import annotations

import json
import secrets

from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from learnkafka.core.learners import learner_key_for
from learnkafka.sandbox.selectors import sandbox_history, sandbox_latest_for_owner
from learnkafka.sandbox.services import SandboxLimitReached, sandbox_create, sandbox_for_learner
from learnkafka.sandbox.session import build_simulation
from simulator import SimulationError
from simulator.tools import debugging, levels

from .selectors import level_progress_for, level_statuses
from .services import (
    level_progress_get_or_create,
    level_record_check,
    level_reveal_hint,
    level_show_solution,
)

LESSON_SLUG = "debug-consumer"
# The instance names the application panel offers (the same on every level, so the
# list says nothing about the cause).
APP_INSTANCES = [f"payment-{i}" for i in range(1, 6)]
APP_SETTINGS = ["auto.offset.reset", "max.poll.records", "max.poll.interval.ms",
                "value.deserializer", "enable.auto.commit", "bootstrap.servers",
                "session.timeout.ms", "topic", "group.id"]


def _symptom_rows() -> list[dict]:
    rows = []
    for entry in debugging.SYMPTOMS:
        rows.append({"id": entry["id"], "symptom": entry["symptom"], "cause": entry["cause"],
                     "fix": entry["fix"],
                     "lab_url": reverse("lessons:debug_lab", args=[entry["id"]])})
    return rows


@require_GET
def symptom_table(request):
    return render(request, "lessons/debug/symptoms.html",
                  {"rows": _symptom_rows(), "lesson_slug": LESSON_SLUG})


@require_GET
def symptom_lab(request, symptom_id: str):
    try:
        entry = debugging.symptom(symptom_id)
    except KeyError:
        raise Http404("No such symptom") from None
    key = learner_key_for(request)
    try:
        sandbox = sandbox_for_learner(learner_key=key,
                                      scenario=debugging.SCENARIO_PREFIX + symptom_id)
    except SandboxLimitReached:
        sandbox = None
    fix = [step["command"] for step in entry["fix_steps"]]
    context = {"entry": entry, "sandbox": sandbox, "fix_json": json.dumps(fix),
               "lesson_slug": LESSON_SLUG, "observe_s": entry["observe_at_ms"] // 1000}
    return render(request, "lessons/debug/lab.html", context)


@require_GET
def level_list(request):
    key = learner_key_for(request)
    ids = [lv.id for lv in levels.LEVELS]
    statuses = level_statuses(learner_key=key, level_ids=ids)
    entries = [{"level": lv, "status": statuses[lv.id]} for lv in levels.LEVELS]
    solved = sum(1 for e in entries if e["status"].solved)
    return render(request, "lessons/debug/level_list.html",
                  {"entries": entries, "solved": solved, "lesson_slug": LESSON_SLUG})


def _level_or_404(level_id: str):
    try:
        return levels.level(level_id)
    except KeyError:
        raise Http404("No such level") from None


def _seed_from(value) -> int | None:
    if not isinstance(value, str) or not value.isdigit() or len(value) > 10:
        return None
    seed = int(value)
    return seed if seed <= levels.MAX_SEED else None


def _level_sandbox(*, learner_key: str, level_id: str, seed: int):
    """The learner's sandbox for (level, seed): the simulation seed is the level's seed
    too, so a share link stages exactly the same cluster."""
    name = levels.scenario_name(level_id, seed)
    existing = sandbox_latest_for_owner(owner_key=learner_key, scenario=name)
    return existing or sandbox_create(owner_key=learner_key, scenario=name, seed=seed)


def _base_configs(staged) -> dict:
    groups = staged.scenario.get("consumer_groups") or []
    return dict(groups[0].get("configs", {})) if groups else {}


def _level_context(request, level_id: str, seed: int, key: str) -> dict:
    lv = _level_or_404(level_id)
    public = levels.public_level(level_id, seed)
    row = level_progress_for(learner_key=key, level_id=level_id, seed=seed)
    hints = levels.hints(level_id, seed)
    shown = row.hints_used if row else 0
    solved = bool(row and row.solved_at)
    reveal = solved or bool(row and row.solution_shown)
    context = {
        "level": lv, "public": public, "seed": seed, "row": row, "solved": solved,
        "hints": hints[:shown], "hints_left": len(hints) - shown,
        "share_url": request.build_absolute_uri(
            reverse("lessons:debug_level", args=[level_id]) + f"?seed={seed}"),
        "new_seed_url": reverse("lessons:debug_level", args=[level_id])
        + f"?seed={secrets.randbelow(levels.MAX_SEED)}",
        "lesson_slug": LESSON_SLUG,
    }
    if reveal:  # only now does anything about the cause reach the page
        staged = levels.stage(level_id, seed)
        context["solution"] = [a.how for a in staged.solution]
        context["explanation"] = staged.explanation
    return context


@require_GET
def level_page(request, level_id: str):
    _level_or_404(level_id)
    key = learner_key_for(request)
    seed = _seed_from(request.GET.get("seed"))
    if seed is None:
        # No seed (or a bad one): the learner's latest for this level, else a new draw.
        from .models import LevelProgress

        latest = (LevelProgress.objects.filter(learner_key=key, level_id=level_id)
                  .order_by("-started_at").values_list("seed", flat=True).first())
        seed = latest if latest is not None else secrets.randbelow(levels.MAX_SEED)
        return redirect(reverse("lessons:debug_level", args=[level_id]) + f"?seed={seed}")
    level_progress_get_or_create(learner_key=key, level_id=level_id, seed=seed)
    try:
        sandbox = _level_sandbox(learner_key=key, level_id=level_id, seed=seed)
    except SandboxLimitReached:
        sandbox = None
    staged = levels.stage(level_id, seed)
    context = _level_context(request, level_id, seed, key)
    context.update({
        "sandbox": sandbox, "instances": APP_INSTANCES, "settings": APP_SETTINGS,
        "app_json": json.dumps({"group": levels.GROUP, "topic": levels.TOPIC,
                                "principal": levels.PRINCIPAL,
                                "configs": _base_configs(staged)}),
    })
    return render(request, "lessons/debug/level.html", context)


def _posted_seed(request):
    seed = _seed_from(request.POST.get("seed"))
    if seed is None:
        return None
    return seed


@require_POST
def level_check(request, level_id: str):
    """Run the goal check with the simulator on the learner's stored sandbox."""
    _level_or_404(level_id)
    seed = _posted_seed(request)
    if seed is None:
        return HttpResponseBadRequest("seed must be an integer from 0 to 2147483647")
    key = learner_key_for(request)
    box = sandbox_latest_for_owner(owner_key=key, scenario=levels.scenario_name(level_id, seed))
    result, error = None, None
    if box is None:
        error = "This level has no running cluster yet: open the level first."
    else:
        try:
            sim = build_simulation(box.scenario, box.seed,
                                   sandbox_history(public_id=box.public_id),
                                   (box.now_ms, box.fired))
            result = levels.check_goal(sim, level_id, seed)
        except SimulationError as err:
            error = f"The cluster could not be rebuilt for the check ({err.message})."
    if result is not None:
        level_record_check(learner_key=key, level_id=level_id, seed=seed,
                           passed=result.passed, commands_used=result.applied_commands)
    context = _level_context(request, level_id, seed, key)
    context.update({"result": result, "error": error})
    return render(request, "lessons/debug/_level_result.html", context)


@require_POST
def level_hint(request, level_id: str):
    _level_or_404(level_id)
    seed = _posted_seed(request)
    if seed is None:
        return HttpResponseBadRequest("seed must be an integer from 0 to 2147483647")
    key = learner_key_for(request)
    level_reveal_hint(learner_key=key, level_id=level_id, seed=seed,
                      hint_count=len(levels.hints(level_id, seed)))
    return _panel_or_redirect(request, level_id, seed, key)


@require_POST
def level_solution(request, level_id: str):
    _level_or_404(level_id)
    seed = _posted_seed(request)
    if seed is None:
        return HttpResponseBadRequest("seed must be an integer from 0 to 2147483647")
    key = learner_key_for(request)
    level_show_solution(learner_key=key, level_id=level_id, seed=seed)
    return _panel_or_redirect(request, level_id, seed, key)


def _panel_or_redirect(request, level_id: str, seed: int, key: str):
    if request.htmx:
        return render(request, "lessons/debug/_level_help.html",
                      _level_context(request, level_id, seed, key))
    return redirect(reverse("lessons:debug_level", args=[level_id]) + f"?seed={seed}")
