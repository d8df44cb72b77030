"""Property tests over fault schedules on the clock: payments, lost responses,
slow processing, retries and crashes at random times.

* direct route, key with UNIQUE (any safeguard, either transaction scope): no
  logical payment is ever charged twice, whatever is lost or crashes;
* the outbox: every charged payment's event reaches payment-events, however
  the service crashes (after a commit, or at any moment) and restarts;
  without it a crash between commit and publish loses the event;
* determinism: the same seed and commands give the same events.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import SimulationError

from .helpers import ledger, payments_sim

ACTIONS = st.lists(st.one_of(
    st.tuples(st.just("pay"), st.integers(1, 3)),                 # a new payment (amount x 10)
    st.tuples(st.just("repeat"), st.integers(0, 5)),              # reuse an earlier request's key
    st.tuples(st.just("lose_response"), st.just(0)),
    st.tuples(st.just("crash_now"), st.just(0)),
    st.tuples(st.just("crash_after_commit"), st.just(0)),
    st.tuples(st.just("wait"), st.integers(1, 4_000)),
), min_size=1, max_size=14)


def _play(sim, actions) -> None:
    made: list[str] = []
    for kind, arg in actions:
        snap = sim.snapshot()["payments"]
        try:
            if kind == "pay":
                sim.apply({"type": "pay", "amount": 10 * arg})
                made.append(sim.snapshot()["payments"]["payments"][-1]["request_id"])
            elif kind == "repeat" and made:
                sim.apply({"type": "pay", "same_key_as": made[arg % len(made)]})
            elif kind == "lose_response":
                sim.apply({"type": "drop_messages", "target": "client:shop",
                           "message_kind": "pay_response"})
            elif kind == "crash_now" and not snap["service_down"]:
                sim.apply({"type": "crash_payment_service"})
            elif kind == "crash_after_commit" and not snap["service_down"] and not snap[
                    "crash_after_commit"]:
                sim.apply({"type": "crash_payment_service", "when": "after_commit"})
            elif kind == "wait":
                sim.advance(arg)
        except SimulationError as exc:  # a refusal is fine (e.g. a key of no_key)
            assert exc.code in ("unknown_request", "cap_exceeded"), exc
        if sim.snapshot()["payments"]["service_down"] and kind == "wait":
            sim.apply({"type": "restart_payment_service"})
    for _ in range(6):  # let retries and the relay finish, restarting the service
        sim.advance(20_000)
        if sim.snapshot()["payments"]["service_down"]:
            sim.apply({"type": "restart_payment_service"})


@pytest.mark.parametrize("scope", ["claim_committed_first", "one_transaction"])
@pytest.mark.parametrize("safeguard", ["none", "for_update", "advisory_lock", "redis_setnx"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS, process_ms=st.integers(1, 2_500))
def test_with_unique_no_payment_is_charged_twice_whatever_fails(safeguard, scope, actions,
                                                                 process_ms):
    sim = payments_sim(variant="key_unique", safeguard=safeguard, transaction_scope=scope,
                       process_ms=process_ms, accounts={"alice": 10_000},
                       checkpoint_interval_ms=None)
    _play(sim, actions)
    # Requests that share a key are one payment: count charges per key.
    snap = sim.snapshot()["payments"]
    key_of = {p["request_id"]: p["idempotency_key"] for p in snap["payments"]}
    per_key: dict = {}
    for request_id, n in snap["charges"].items():
        per_key[key_of[request_id]] = per_key.get(key_of[request_id], 0) + n
    assert all(n <= 1 for n in per_key.values()), per_key
    spent = sum(row["values"]["amount"] for row in snap["transactions"])
    assert snap["balances"]["alice"] == 10_000 - spent


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS, process_ms=st.integers(1, 2_500),
       scope=st.sampled_from(["claim_committed_first", "one_transaction"]))
def test_with_the_outbox_no_charged_payment_loses_its_event(actions, process_ms, scope):
    sim = payments_sim(variant="key_unique", outbox=True, publish_events=True,
                       process_ms=process_ms, transaction_scope=scope,
                       accounts={"alice": 10_000}, checkpoint_interval_ms=None)
    _play(sim, actions)
    in_topic = _events_in_topic(sim)
    charged = {rid for rid, n in ledger(sim).items() if n}
    assert charged <= set(in_topic), (charged, in_topic)
    outbox = sim.snapshot()["payments"]["outbox"]
    assert all(row["values"]["published_at_ms"] is not None for row in outbox)


def _events_in_topic(sim) -> dict:
    snap = sim.snapshot()
    topic = next(t for t in snap["topics"] if t["name"] == "payment-events")
    counts: dict = {}
    for record in topic["partitions"][0]["records"]:
        rid = json.loads(record["value"])["request_id"]
        counts[rid] = counts.get(rid, 0) + 1
    return counts


@pytest.mark.parametrize("outbox,lost", [(False, True), (True, False)])
def test_a_crash_between_commit_and_publish_loses_the_event_only_without_the_outbox(outbox,
                                                                                     lost):
    sim = payments_sim(variant="key_unique", outbox=outbox, publish_events=True)
    sim.apply({"type": "crash_payment_service", "when": "after_commit"})
    events = sim.apply({"type": "pay"})
    events += sim.advance(2_000)
    crashed = [e for e in events if e.kind == "payment_service_crashed"]
    assert crashed and crashed[0].point == "after_commit"
    sim.apply({"type": "restart_payment_service"})
    sim.advance(20_000)
    assert ledger(sim) == {"pay-1": 1}
    assert ("pay-1" not in _events_in_topic(sim)) is lost


def test_publishing_before_the_commit_and_crashing_publishes_an_event_for_no_payment():
    sim = payments_sim(variant="key_unique", publish_events=True,
                       publish_order="publish_then_commit", process_ms=10)
    sim.apply({"type": "pay", "max_retries": 0})
    events = []
    while not any(e.kind == "payment_event_published" for e in events):
        events = sim.advance(1)  # one ms at a time: stop right after the send
    assert not any(e.kind == "db_transaction_committed" and e.tx == 2 for e in events)
    sim.apply({"type": "crash_payment_service"})
    sim.advance(5_000)
    assert ledger(sim) == {} and _events_in_topic(sim) == {"pay-1": 1}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(actions=ACTIONS, seed=st.integers(0, 10))
def test_the_same_seed_and_commands_give_the_same_events(actions, seed):
    runs = []
    for _ in range(2):
        sim = payments_sim(seed=seed, variant="key_no_unique", process_ms=700,
                           checkpoint_interval_ms=None)
        _play(sim, actions)
        runs.append(json.dumps(sim.snapshot(), sort_keys=True))
    assert runs[0] == runs[1]
