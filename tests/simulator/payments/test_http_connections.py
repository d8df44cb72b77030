"""An HTTP client gives each request in flight its own connection (simulator/network.py).

Kafka clients multiplex one connection per broker, so a reset loses everything
in flight between the two actors. An HTTP client does not pipeline: a second
payment sent while the first is unanswered goes out on a second connection.
Losing the first reply (a drop rule, a reset) or timing the first request out
(the client closes its connection) must not lose the second payment's reply.
Lesson 3's TTL step found it: a learner who sent the same payment again while
the first reply was still on the wire lost both replies, and never saw the
cached reply the step is about.
"""

from __future__ import annotations

from simulator import Simulation

# Lesson 3's TTL step (lesson-pay-ttl.yaml): 300 ms a hop, 250 ms a handler line,
# a 4 s client timeout, no retries.
SCENARIO = {"name": "http-connections", "extensions": ["payments"],
            "cluster": {"brokers": 1, "controllers": 1,
                        "network": {"latency_ms": 300, "jitter_ms": 0}},
            "payments": {"variant": "key_unique", "step_ms": 250, "timeout_ms": 4_000,
                         "max_retries": 0}}


def payments_sim() -> Simulation:
    return Simulation(SCENARIO, seed=1)


def _kinds(events, kind):
    return [e for e in events if e.kind == kind]


def _start(sim, gap_ms: int) -> list:
    """Pay (its reply will be lost, no retry), then the same payment `gap_ms` later."""
    sim.advance(1_000)
    events = sim.apply({"type": "drop_messages", "target": "client:shop",
                        "message_kind": "pay_response"})
    events += sim.apply({"type": "pay", "amount": 100, "request_id": "pay-1",
                         "max_retries": 0})
    events += sim.advance(gap_ms)
    events += sim.apply({"type": "pay", "amount": 100, "same_key_as": "pay-1"})
    return events + sim.advance(8_000)


def test_a_lost_reply_does_not_lose_a_concurrent_payments_reply():
    # Late enough that pay-1's reply is the next one out (an earlier pay-2 gets
    # its 409 first, and the drop rule takes that instead), soon enough that
    # both replies are on the wire when pay-1's is lost.
    for gap in (1_600, 2_000, 2_400, 2_800):
        events = _start(payments_sim(), gap)
        dropped = _kinds(events, "message_dropped")
        assert [(d.message_kind, d.reason) for d in dropped] == [("pay_response", "drop_rule")], gap
        answers = {e.request_id: e for e in _kinds(events, "payment_response_received")}
        # The second payment heard back: the cached reply, or 409 while the
        # first was still being processed; never silence.
        assert set(answers) == {"pay-2"}, gap
        assert (answers["pay-2"].status_code, answers["pay-2"].cached) in {(200, True),
                                                                          (409, False)}, gap
        assert not [t for t in _kinds(events, "payment_timed_out") if t.request_id == "pay-2"]


def test_the_cached_reply_arrives_although_the_first_reply_is_lost_on_the_wire_beside_it():
    cached = [gap for gap in range(1_200, 4_000, 200)
              if any(e.cached for e in _kinds(_start(payments_sim(), gap),
                                              "payment_response_received"))]
    # Every second payment sent once the first is processed gets the cached reply.
    assert cached and cached == list(range(cached[0], 4_000, 200))


def test_a_timeout_closes_only_its_own_requests_connection():
    sim = payments_sim()
    sim.advance(1_000)
    # pay-1's reply is lost with nothing else on the wire: it times out at 5 s,
    # and the client closes that request's connection.
    sim.apply({"type": "drop_messages", "target": "client:shop", "message_kind": "pay_response"})
    sim.apply({"type": "pay", "amount": 100, "request_id": "pay-1", "max_retries": 0})
    sim.advance(3_990)
    # pay-2 (a new key) leaves 10 ms before that timeout closes pay-1's connection.
    events = sim.apply({"type": "pay", "amount": 50, "request_id": "pay-2", "max_retries": 0})
    events += sim.advance(8_000)
    assert [t.request_id for t in _kinds(events, "payment_timed_out")] == ["pay-1"]
    assert not _kinds(events, "message_dropped")
    answers = _kinds(events, "payment_response_received")
    assert [(a.request_id, a.status_code) for a in answers] == [("pay-2", 200)]
