"""Reads: a learner's latest race, and everything the panel shows of it."""
from __future__ import annotations

from .chart import race_chart
from .models import RaceRun
from .stores import store_for_settings
from .variants import OUTCOMES, VARIANTS

SQLITE_NOTE = (
    "This server races on SQLite, the embedded default. SQLite lets one writer in at a "
    "time (BEGIN IMMEDIATE, as the app itself uses), so each request's whole transaction "
    "runs after the previous one: even the naive handler charges once here, and "
    "SELECT ... FOR UPDATE does not exist in SQLite (the variant runs without it). "
    "PostgreSQL or MySQL run the transactions side by side, and that is where the race "
    "bites. pg_advisory_xact_lock needs PostgreSQL."
)


def race_latest(*, learner_key: str) -> RaceRun | None:
    return RaceRun.objects.filter(learner_key=learner_key).first()


def race_summary(run: RaceRun) -> dict:
    result = run.result
    trials = result["trials"]
    doubled = [t for t in trials if t["charges"] > 1]
    totals: dict[str, int] = {}
    for trial in trials:
        for outcome, count in trial["outcomes"].items():
            totals[outcome] = totals.get(outcome, 0) + count
    return {
        "run": run,
        "variant": VARIANTS.get(run.variant),
        "chart": race_chart(result),
        "trial_count": len(trials),
        "doubled_count": len(doubled),
        "first_doubled": doubled[0]["number"] if doubled else None,
        "most_charges": max((t["charges"] for t in trials), default=0),
        "lowest_balance": min((t["balance"] for t in trials), default=500),
        "outcomes": [(OUTCOMES.get(k, k), v) for k, v in sorted(totals.items(),
                                                               key=lambda kv: -kv[1])],
        "duration_ms": result.get("duration_ms", 0),
    }


def panel_context(*, learner_key: str, error: str = "", form: dict | None = None) -> dict:
    """What templates/payrace/_panel.html needs: the form, the backend, the latest result."""
    from django.conf import settings

    backend = store_for_settings().kind
    latest = race_latest(learner_key=learner_key)
    form = form or {}
    return {
        "variants": list(VARIANTS.values()),
        "backend": backend,
        "sqlite_note": SQLITE_NOTE if backend == "sqlite" else "",
        "redis_configured": bool(settings.REDIS_URL),
        "summary": race_summary(latest) if latest else None,
        "error": error,
        "chosen_variant": form.get("variant") or (latest.variant if latest else "naive"),
        "chosen_threads": form.get("threads") or (latest.threads if latest else 8),
        "chosen_trials": form.get("trials") or (latest.trials if latest else 30),
    }
