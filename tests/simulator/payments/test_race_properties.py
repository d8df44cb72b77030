"""Property tests over the race: any interleaving of two or three retries with one
key, chosen line by line as a learner would with ``race_step``.

With the UNIQUE constraint, or any of the guide's safeguards, no interleaving
charges more than once; without them (a key but no UNIQUE, no safeguard) a
double charge exists, and hypothesis finds one; with no key every
interleaving charges every thread. Every race ends (no thread waits forever).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, find, given, settings
from hypothesis import strategies as st

from simulator import SimulationError

from .helpers import ledger, payments_sim

SAFE = [("key_unique", "none"), ("key_unique", "for_update"),
        ("key_no_unique", "for_update"), ("key_no_unique", "redis_setnx"),
        ("key_no_unique", "advisory_lock"), ("key_no_unique", "optimistic_version"),
        ("key_unique", "advisory_lock"), ("key_unique", "optimistic_version"),
        ("key_unique", "for_update_key_row")]
SCOPES = ["claim_committed_first", "one_transaction"]
CHOICES = st.lists(st.integers(0, 2), min_size=0, max_size=60)


def run_race(variant: str, safeguard: str, scope: str, threads: int, choices: list[int],
             amounts: int = 100):
    """Start a race and step it: each choice picks among the threads that can run
    (ready ones); when choices run out, the rest run in order. Returns the sim."""
    sim = payments_sim(variant=variant, safeguard=safeguard, transaction_scope=scope,
                       checkpoint_interval_ms=None)
    sim.apply({"type": "race_start", "threads": threads, "amount": amounts})
    names = sim.snapshot()["payments"]["race"]
    pending = list(choices)
    for _ in range(400):
        states = {t["thread"]: t["state"] for t in sim.snapshot()["payments"]["threads"]
                  if t["thread"] in names}
        ready = [n for n in names if states[n] == "ready"]
        if not ready:
            break
        pick = ready[pending.pop(0) % len(ready)] if pending else ready[0]
        sim.apply({"type": "race_step", "thread": pick})
    return sim


def _states(sim) -> set:
    return {t["state"] for t in sim.snapshot()["payments"]["threads"]}


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("variant,safeguard", SAFE)
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(choices=CHOICES, threads=st.integers(2, 3))
def test_with_unique_or_a_safeguard_no_interleaving_charges_twice(variant, safeguard, scope,
                                                                   choices, threads):
    sim = run_race(variant, safeguard, scope, threads, choices)
    assert _states(sim) == {"done"}, "every thread of the race finishes"
    charges = sum(ledger(sim).values())
    assert charges == 1
    assert sim.snapshot()["payments"]["balances"]["alice"] == 400
    answers = sorted(t["status_code"] for t in sim.snapshot()["payments"]["threads"])
    assert answers.count(200) >= 1 and set(answers) <= {200, 409}


@pytest.mark.parametrize("scope", SCOPES)
def test_without_unique_or_a_safeguard_some_interleaving_charges_twice(scope):
    def double(choices):
        return sum(ledger(run_race("key_no_unique", "none", scope, 2, choices)).values()) > 1

    found = find(CHOICES, double, settings=settings(max_examples=300, deadline=None))
    sim = run_race("key_no_unique", "none", scope, 2, found)
    assert ledger(sim) == {"race-1": 2}
    assert sim.snapshot()["payments"]["balances"]["alice"] == 300
    assert sim.snapshot()["payments"]["double_charges"] == ["race-1"]


def test_the_guides_interleaving_both_check_before_either_claims():
    """A check, B check, A claim, B claim: without UNIQUE both rows go in and both
    pay; with UNIQUE B's INSERT raises DuplicateKeyException and B gets 409."""
    for variant, charges, b_answer in (("key_no_unique", 2, 200), ("key_unique", 1, 409)):
        sim = payments_sim(variant=variant)
        events = sim.apply({"type": "race_preset", "preset": "guide"})
        assert sum(ledger(sim).values()) == charges
        b = [t for t in sim.snapshot()["payments"]["threads"] if t["thread"] == "B"][0]
        assert b["status_code"] == b_answer
        outcomes = [(e.thread, e.line, e.outcome) for e in events
                    if e.kind == "payment_handler_stepped"]
        assert ("A", "check", "not_found") in outcomes and ("B", "check", "not_found") in outcomes
        if variant == "key_unique":
            assert ("B", "claim", "duplicate_key") in outcomes


@settings(max_examples=20, deadline=None)
@given(choices=CHOICES)
def test_without_a_key_every_interleaving_charges_every_retry(choices):
    sim = run_race("no_key", "none", "claim_committed_first", 2, choices)
    assert ledger(sim) == {"race-1": 2}
    assert sim.snapshot()["payments"]["balances"]["alice"] == 300


def test_one_transaction_makes_the_second_insert_wait_for_the_first():
    sim = payments_sim(variant="key_unique", transaction_scope="one_transaction")
    sim.apply({"type": "race_start"})
    for thread in ["A", "A", "B", "B", "A"]:  # begin, check / begin, check / A claims
        sim.apply({"type": "race_step", "thread": thread})
    events = sim.apply({"type": "race_step", "thread": "B"})  # B's INSERT waits
    waiting = [e for e in events if e.kind == "db_lock_waiting"]
    assert waiting and waiting[0].holder_thread == "A"
    with pytest.raises(SimulationError) as err:
        sim.apply({"type": "race_step", "thread": "B"})
    assert err.value.code == "thread_waiting" and "step A" in err.value.message
    while [t for t in sim.snapshot()["payments"]["threads"] if t["thread"] == "A"][0][
            "state"] != "done":
        sim.apply({"type": "race_step", "thread": "A"})
    events = sim.apply({"type": "race_step", "thread": "B"})
    assert [e.outcome for e in events if e.kind == "payment_handler_stepped"] == [
        "duplicate_key"]


def test_for_update_makes_the_second_thread_wait_for_the_account_row():
    sim = payments_sim(variant="key_no_unique", safeguard="for_update")
    sim.apply({"type": "race_start"})
    for thread in ["A", "A", "B"]:  # A: begin, lock / B: begin
        sim.apply({"type": "race_step", "thread": thread})
    events = sim.apply({"type": "race_step", "thread": "B"})
    step = [e for e in events if e.kind == "payment_handler_stepped"][0]
    assert step.line == "lock_account" and step.outcome == "waiting" and step.waiting_for == "A"


def test_for_update_on_the_missing_key_row_is_a_trap_without_unique():
    """SELECT ... FROM idempotency_store ... FOR UPDATE finds no row for a new key,
    so it locks nothing: without UNIQUE both first attempts pay; with it, one."""
    sim = payments_sim(variant="key_no_unique", safeguard="for_update_key_row")
    events = sim.apply({"type": "race_preset", "preset": "guide"})
    assert ledger(sim) == {"race-1": 2}
    assert [e.outcome for e in events if e.kind == "payment_handler_stepped"
            and e.line == "lock_key_row"] == ["not_found", "not_found"]
    safe = run_race("key_unique", "for_update_key_row", "claim_committed_first", 2, [1, 0, 1])
    assert sum(ledger(safe).values()) == 1
