"""The study guide's Q3 story on the simulator clock, and the handler's answers:
the double deduction without a key (500 -> 400 -> 300), the cached reply with
one (400), 409 while PROCESSING, 422 for a key reused with other parameters,
the saved error after a failure, TTL expiry, and the Redis lock outlasted."""

from __future__ import annotations

from simulator.events import event_to_dict

from .helpers import balance, ledger, payments_sim

DAY_MS = 24 * 3600 * 1000


def _kinds(events, kind):
    return [event_to_dict(e) for e in events if e.kind == kind]


def _lost_first_response(variant):
    sim = payments_sim(variant=variant)
    events = sim.apply({"type": "drop_messages", "target": "client:shop",
                        "message_kind": "pay_response"})
    events += sim.apply({"type": "pay", "amount": 100})
    events += sim.advance(10_000)
    return sim, events


def test_without_a_key_the_retry_after_a_lost_response_deducts_twice():
    sim, events = _lost_first_response("no_key")
    charged = _kinds(events, "payment_charged")
    assert [c["balance"] for c in charged] == [400, 300]
    assert charged[1]["double_charge"] and charged[1]["charge_count"] == 2
    assert balance(sim) == 300 and ledger(sim) == {"pay-1": 2}
    assert [e["attempt"] for e in _kinds(events, "payment_requested")] == [1, 2]
    assert _kinds(events, "payment_timed_out")[0]["attempt"] == 1
    assert _kinds(events, "payment_requested")[0]["idempotency_key"] is None


def test_with_the_key_the_retry_gets_the_cached_response_and_400_stays():
    sim, events = _lost_first_response("key_unique")
    assert balance(sim) == 400 and ledger(sim) == {"pay-1": 1}
    requested = _kinds(events, "payment_requested")
    assert requested[0]["idempotency_key"] == requested[1]["idempotency_key"]
    answer = _kinds(events, "payment_response_received")
    assert len(answer) == 1 and answer[0]["status_code"] == 200 and answer[0]["cached"]
    steps = [e["line"] for e in _kinds(events, "payment_handler_stepped")]
    assert steps[:10] == ["begin", "check", "claim", "commit_claim", "validate", "deduct",
                          "record", "mark_success", "commit", "respond"]
    assert steps[10:] == ["begin", "check", "return_cached", "respond"]
    store = sim.snapshot()["payments"]["idempotency_store"]
    assert [(r["status"], r["response_code"]) for r in store] == [("SUCCESS", 200)]
    assert store[0]["expires_at_ms"] - 0 >= DAY_MS


def test_a_repeat_while_the_first_is_processing_gets_409_then_the_cached_reply():
    sim = payments_sim(variant="key_unique", process_ms=2_000)
    sim.apply({"type": "pay", "request_id": "first"})
    sim.advance(10)
    events = sim.apply({"type": "pay", "request_id": "again", "same_key_as": "first"})
    events += sim.advance(20_000)
    answers = [(a["request_id"], a["status_code"], a["cached"])
               for a in _kinds(events, "payment_response_received")]
    assert ("again", 409, False) in answers
    assert answers[-1] == ("again", 200, True)
    assert balance(sim) == 400
    assert any(s["outcome"] == "found_processing" for s in _kinds(events,
                                                                  "payment_handler_stepped"))


def test_the_same_key_with_other_parameters_is_refused_with_422():
    sim = payments_sim(variant="key_unique")
    sim.apply({"type": "pay", "request_id": "first", "amount": 100})
    sim.advance(1_000)
    events = sim.apply({"type": "pay", "request_id": "other", "same_key_as": "first",
                        "amount": 250})
    events += sim.advance(1_000)
    answer = _kinds(events, "payment_response_received")
    assert answer[0]["status_code"] == 422
    assert balance(sim) == 400


def test_a_failed_payment_is_saved_and_its_retry_gets_the_same_error():
    sim = payments_sim(variant="key_unique", accounts={"alice": 50})
    sim.apply({"type": "pay", "request_id": "first", "amount": 100})
    sim.advance(1_000)
    events = sim.apply({"type": "pay", "request_id": "again", "same_key_as": "first"})
    events += sim.advance(1_000)
    assert _kinds(events, "payment_response_received")[0]["status_code"] == 402
    assert sim.snapshot()["payments"]["idempotency_store"][0]["status"] == "FAILED"
    assert balance(sim) == 50


def test_after_the_ttl_the_cleanup_deletes_the_key_and_a_retry_is_a_new_charge():
    # A checkpoint every simulated hour: the default (5 s) would deep-copy the
    # world 17,280 times on the way to 24 h.
    sim = payments_sim(variant="key_unique", checkpoint_interval_ms=3_600_000)
    sim.apply({"type": "pay", "request_id": "first"})
    sim.advance(DAY_MS - 60_000)
    sim.apply({"type": "pay", "request_id": "before", "same_key_as": "first"})
    sim.advance(1_000)
    assert balance(sim) == 400
    events = sim.advance(2 * 60_000)
    expired = _kinds(events, "idempotency_key_expired")
    assert len(expired) == 1 and expired[0]["expires_at_ms"] <= sim.now_ms
    sim.apply({"type": "pay", "request_id": "after", "same_key_as": "first"})
    sim.advance(1_000)
    assert balance(sim) == 300


def test_a_redis_lock_that_expires_before_processing_ends_lets_a_second_charge_through():
    """SETNX ... EX 30 with processing that takes 31 s, no UNIQUE, one transaction:
    the retry takes the expired lock, sees no committed row, and pays again."""
    sim = payments_sim(variant="key_no_unique", safeguard="redis_setnx",
                       transaction_scope="one_transaction", process_ms=31_000,
                       timeout_ms=40_000, max_retries=0)
    sim.apply({"type": "pay", "request_id": "first"})
    sim.advance(1_000)
    early = sim.apply({"type": "pay", "request_id": "early", "same_key_as": "first"})
    early += sim.advance(1_000)
    assert [a["status_code"] for a in _kinds(early, "payment_response_received")] == [409]
    events = sim.advance(28_500)  # 30.5 s: the lock is gone, processing is not done
    assert _kinds(events, "redis_key_expired")
    sim.apply({"type": "pay", "request_id": "late", "same_key_as": "first"})
    sim.advance(80_000)
    assert balance(sim) == 300
    assert ledger(sim) == {"first": 1, "late": 1}


def test_with_unique_the_expired_redis_lock_is_caught_by_the_constraint():
    sim = payments_sim(variant="key_unique", safeguard="redis_setnx",
                       transaction_scope="one_transaction", process_ms=31_000,
                       timeout_ms=40_000, max_retries=0)
    sim.apply({"type": "pay", "request_id": "first"})
    sim.advance(30_500)
    sim.apply({"type": "pay", "request_id": "late", "same_key_as": "first"})
    sim.advance(80_000)
    assert balance(sim) == 400
