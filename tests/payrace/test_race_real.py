"""The real race on real PostgreSQL, Redis and SQLite started by the suite (issue 12).

Without UNIQUE (or with a lock that locks nothing) some trial charges more
than once; with UNIQUE, or a lock that works, no trial ever does. The tests
say how many trials it took for the double charge to appear.
"""
import psycopg
import pytest
import redis

from learnkafka.payrace.runner import run_race
from learnkafka.payrace.stores import PostgresStore, SqliteStore, postgres_conninfo_from_url
from learnkafka.payrace.variants import VARIANTS

THREADS = 8
TRIALS = 30


@pytest.fixture
def pg_store(postgres_url):
    return PostgresStore(postgres_conninfo_from_url(f"{postgres_url}/postgres"))


def schemas(postgres_url) -> list[str]:
    with psycopg.connect(f"{postgres_url}/postgres") as conn:
        rows = conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'payrace_%'")
        return [r[0] for r in rows.fetchall()]


def report(result) -> str:
    return (f"{result.variant} on {result.backend}: charges per trial "
            f"{[t.charges for t in result.trials]}, outcomes {result.total_outcomes}")


@pytest.mark.parametrize("variant", ["naive", "for_update_key"])
def test_without_unique_some_trial_double_charges_on_postgresql(pg_store, postgres_url, variant):
    result = run_race(pg_store, variant=VARIANTS[variant], threads=THREADS, trials=TRIALS)
    print(report(result))
    assert result.first_double_charge is not None, report(result)
    print(f"first double charge in trial {result.first_double_charge} of {TRIALS}; "
          f"{result.double_charged_trials} trials double charged")
    doubled = result.trials[result.first_double_charge - 1]
    assert doubled.outcomes.get("charged", 0) == doubled.charges >= 2
    assert doubled.balance == 500 - 100 * doubled.charges
    assert schemas(postgres_url) == [], "the race's schema is dropped afterwards"


def test_with_unique_exactly_one_charge_and_the_others_conflict(pg_store):
    result = run_race(pg_store, variant=VARIANTS["unique"], threads=THREADS, trials=TRIALS)
    print(report(result))
    assert [t.charges for t in result.trials] == [1] * TRIALS, report(result)
    assert all(t.balance == 400 for t in result.trials)
    outcomes = result.total_outcomes
    assert outcomes["charged"] == TRIALS
    # Every other thread was refused: a duplicate key, or (if it came after the
    # commit) the cached reply. Nothing else, and at least some duplicate keys.
    assert set(outcomes) <= {"charged", "duplicate_key", "cached"}, outcomes
    assert outcomes.get("duplicate_key", 0) > 0, outcomes
    assert sum(outcomes.values()) == THREADS * TRIALS


@pytest.mark.parametrize("variant", ["for_update_account", "advisory"])
def test_a_lock_that_exists_serialises_the_threads(pg_store, variant):
    result = run_race(pg_store, variant=VARIANTS[variant], threads=THREADS, trials=TRIALS)
    print(report(result))
    assert [t.charges for t in result.trials] == [1] * TRIALS, report(result)
    # The waiters find the finished key afterwards: a cached reply, no conflict.
    assert result.total_outcomes == {"charged": TRIALS, "cached": (THREADS - 1) * TRIALS}


def test_redis_setnx_lets_one_thread_through_and_tells_the_others(pg_store, redis_url):
    client = redis.Redis.from_url(redis_url)
    result = run_race(pg_store, variant=VARIANTS["redis"], threads=THREADS, trials=TRIALS,
                      redis_client=client)
    print(report(result))
    assert [t.charges for t in result.trials] == [1] * TRIALS, report(result)
    assert result.total_outcomes == {"charged": TRIALS, "already_locked": (THREADS - 1) * TRIALS}
    assert list(client.scan_iter(match="payrace:*")) == [], "its lock keys are removed"


def test_on_sqlite_one_writer_at_a_time_means_no_race_even_without_unique():
    """SQLite's BEGIN IMMEDIATE runs one writer at a time: the naive handler is serialised."""
    store = SqliteStore()
    result = run_race(store, variant=VARIANTS["naive"], threads=THREADS, trials=10)
    print(report(result))
    assert [t.charges for t in result.trials] == [1] * 10
    assert result.total_outcomes == {"charged": 10, "cached": (THREADS - 1) * 10}
    assert not store.folder.exists(), "the throwaway database file is removed"
