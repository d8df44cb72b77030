"""The kafka route: client -> API gateway -> payment-requests -> consumers -> service.

Layer 1 (the gateway's Redis cache) answers a client's retry without producing
again; without it the retry becomes a second record, which layer 3 (the key
with UNIQUE) refuses to charge; a producer without idempotence writes a
duplicate record after a lost produce response, and again layer 3 catches it.
"""

from __future__ import annotations

from simulator import Simulation

SETTLE_MS = 8_000


def _sim(**settings) -> Simulation:
    scenario = {"name": "pay-kafka", "cluster": {"brokers": 3, "controllers": 1},
                "extensions": ["payments"], "payments": {"route": "kafka", **settings}}
    sim = Simulation(scenario, seed=4, checkpoint_interval_ms=None)
    sim.advance(SETTLE_MS)
    return sim


def _records(sim) -> int:
    topic = next(t for t in sim.snapshot()["topics"] if t["name"] == "payment-requests")
    return topic["partitions"][0]["high_watermark"]


def test_the_gateway_cache_answers_the_retry_without_a_second_record():
    sim = _sim(gateway_cache=True)
    sim.apply({"type": "drop_messages", "target": "client:shop", "message_kind": "pay_response"})
    events = sim.apply({"type": "pay"}) + sim.advance(20_000)
    checks = [(e.hit, e.cached_status_code) for e in events if e.kind == "gateway_cache_checked"]
    assert checks == [(False, None), (True, 202)]
    answers = [(e.status_code, e.cached) for e in events if e.kind == "payment_response_received"]
    assert answers == [(202, True)]
    assert _records(sim) == 1
    assert sim.snapshot()["payments"]["charges"] == {"pay-1": 1}


def test_without_the_cache_the_retry_is_a_second_record_and_the_database_refuses_it():
    sim = _sim(gateway_cache=False, variant="key_unique")
    sim.apply({"type": "drop_messages", "target": "client:shop", "message_kind": "pay_response"})
    events = sim.apply({"type": "pay"}) + sim.advance(20_000)
    assert _records(sim) == 2
    started = [e for e in events if e.kind == "payment_thread_started"]
    assert [e.source for e in started] == ["kafka", "kafka"] and started[1].offset == 1
    assert sim.snapshot()["payments"]["charges"] == {"pay-1": 1}


def test_a_producer_without_idempotence_duplicates_the_record_and_no_key_pays_twice():
    for variant, charges in (("no_key", 2), ("key_unique", 1)):
        sim = _sim(producer_idempotence=False, variant=variant)
        sim.apply({"type": "drop_messages", "target": "producer:gw-plain",
                   "message_kind": "produce_response"})
        sim.apply({"type": "pay", "timeout_ms": 30_000})
        sim.advance(30_000)
        assert _records(sim) == 2, variant
        assert sim.snapshot()["payments"]["charges"] == {"pay-1": charges}, variant


def test_the_idempotent_producer_keeps_one_record_after_a_lost_produce_response():
    sim = _sim(producer_idempotence=True, variant="no_key")
    sim.apply({"type": "drop_messages", "target": "producer:gw-idempotent",
               "message_kind": "produce_response"})
    sim.apply({"type": "pay", "timeout_ms": 30_000})
    sim.advance(30_000)
    assert _records(sim) == 1
    assert sim.snapshot()["payments"]["charges"] == {"pay-1": 1}


def test_the_kafka_route_replays_exactly():
    import json

    from simulator.events import event_to_dict

    live = _sim(gateway_cache=True, producer_idempotence=False, outbox=True,
                publish_events=True)
    live.apply({"type": "drop_messages", "target": "client:shop", "message_kind": "pay_response"})
    live.apply({"type": "pay"})
    live.advance(1_500)
    live.apply({"type": "crash_consumer", "consumer": "payments-1"})
    live.advance(3_000)
    copy = Simulation.replay(live.scenario, live.seed, [e.to_dict() for e in live.history],
                             live.position, checkpoint_interval_ms=None)
    assert json.dumps(copy.snapshot(), sort_keys=True) == json.dumps(live.snapshot(),
                                                                     sort_keys=True)
    a = [event_to_dict(e) for e in live.advance(60_000)]
    b = [event_to_dict(e) for e in copy.advance(60_000)]
    assert a == b and any(e["kind"].startswith("payment_") for e in a)
