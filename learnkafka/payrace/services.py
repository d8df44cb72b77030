"""Starting a race: check the request, keep the limits, run it, store the result.

Limits, so one learner can neither exhaust the server nor another's race:
at most 16 threads and 100 trials per run, 5 runs per learner per minute
(counted from the stored runs, so every process agrees), and at most 2 races
at once in a process (the others are told to try again, never queued).
"""
from __future__ import annotations

import threading
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from .models import RaceRun
from .runner import run_race
from .stores import store_for_settings
from .variants import VARIANTS

MAX_THREADS = 16
MIN_THREADS = 2
MAX_TRIALS = 100
RUNS_PER_MINUTE = 5
_RUNNING = threading.BoundedSemaphore(2)


class RaceRefused(Exception):
    """A race that does not start: a code and a sentence for the learner."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _whole_number(raw, name: str, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        raise RaceRefused("bad_input", f"{name} must be a whole number from {low} to {high}; "
                                       f"got {str(raw)[:20]!r}.") from None
    if not low <= value <= high:
        raise RaceRefused("bad_input", f"{name} must be from {low} to {high}; got {value}.")
    return value


def _infrastructure_errors() -> tuple[type[BaseException], ...]:
    import sqlite3

    import psycopg
    import redis

    return (psycopg.Error, sqlite3.Error, redis.RedisError)


def redis_client():
    """A client for the configured Redis (REDIS_URL), or None when there is none."""
    if not settings.REDIS_URL:
        return None
    import redis

    return redis.Redis.from_url(settings.REDIS_URL, socket_timeout=10)


def race_start(*, learner_key: str, variant: str, threads, trials) -> RaceRun:
    """Run one race for `learner_key` and store it; RaceRefused (nothing stored) otherwise."""
    chosen = VARIANTS.get(str(variant))
    if chosen is None:
        raise RaceRefused("bad_input", f"Unknown variant {str(variant)[:40]!r}; choose one of "
                                       + ", ".join(VARIANTS) + ".")
    thread_count = _whole_number(threads, "Threads", MIN_THREADS, MAX_THREADS)
    trial_count = _whole_number(trials, "Trials", 1, MAX_TRIALS)
    store = store_for_settings()
    if chosen.needs == "postgresql" and store.kind != "postgresql":
        raise RaceRefused("unavailable", "pg_advisory_xact_lock is PostgreSQL's: this server "
                          "races on SQLite. Set DATABASE_URL (or PAYRACE_DATABASE_URL) to a "
                          "PostgreSQL database to run it.")
    client = redis_client() if chosen.needs == "redis" else None
    if chosen.needs == "redis" and client is None:
        raise RaceRefused("unavailable", "No Redis is configured on this server (REDIS_URL), "
                          "so the SETNX variant cannot run here.")
    since = timezone.now() - timedelta(minutes=1)
    if RaceRun.objects.filter(learner_key=learner_key, created_at__gte=since).count() \
            >= RUNS_PER_MINUTE:
        raise RaceRefused("rate_limited", f"At most {RUNS_PER_MINUTE} races a minute: "
                                          "wait a little and run again.")
    if not _RUNNING.acquire(blocking=False):
        raise RaceRefused("busy", "Two races are already running on this server; "
                                  "try again in a few seconds.")
    try:
        result = run_race(store, variant=chosen, threads=thread_count, trials=trial_count,
                          redis_client=client)
    except _infrastructure_errors() as error:
        # The race database or Redis refused (no CREATE SCHEMA right, too many
        # connections, Redis down): say so; nothing was stored.
        raise RaceRefused("unavailable", f"The race could not run on this server's "
                          f"{store.kind} database or Redis: {str(error).strip()[:200]}") from error
    finally:
        _RUNNING.release()
        if client is not None:
            client.close()
    return RaceRun.objects.create(learner_key=learner_key, variant=chosen.slug,
                                  backend=result.backend, threads=thread_count,
                                  trials=trial_count, result=result.to_dict())
