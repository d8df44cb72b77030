"""The API gateway (layer 1): an optional idempotency cache, then Kafka.

POST /pay arrives from the client. With ``gateway_cache`` on and a key, the
gateway first claims ``gw:<key>`` with ``SET gw:<key> in_flight NX EX 86400``
(TTL 24 h): refused means it has seen the key, so it answers from the cache
(or 409 while the first is still in flight) without producing again. Then it
hands the request to its Kafka producer for topic ``payment-requests``
(``gw-idempotent`` with enable.idempotence=true or ``gw-plain`` without,
switched by ``producer_idempotence``), and answers 202 Accepted once the
producer's batch is acknowledged (503 if it finally fails), caching that
answer. Batches are matched to requests through ``batch_sent`` and
``produce_acknowledged`` (the topic has one partition, so batches go out in
order).
"""

from __future__ import annotations

import json

from simulator import events as ev
from simulator.engine import Actor, on_event
from simulator.extensions.payments import events as pev
from simulator.extensions.payments.state import (
    GATEWAY_ID,
    REQUESTS_TOPIC,
    http_connection,
    payments,
)

PRODUCERS = {True: "gw-idempotent", False: "gw-plain"}


class Gateway(Actor):
    actor_id = GATEWAY_ID

    def __init__(self, world):
        super().__init__(world)
        self.queued: dict[str, list[dict]] = {name: [] for name in PRODUCERS.values()}
        self.batches: dict[str, dict[int, list[dict]]] = {n: {} for n in PRODUCERS.values()}
        world.add_actor(self)

    def on_message(self, message) -> None:
        if message.kind != "pay_request":
            return
        world = self.world
        st = payments(world)
        body = message.body
        key = body["idempotency_key"]
        pending = {"request_id": body["request_id"], "attempt": body["attempt"],
                   "client": message.source, "key": key}
        if st.settings["gateway_cache"] and key is not None:
            ttl = st.settings["key_ttl_ms"]
            if st.redis.set_nx(world, self.actor_id, f"gw:{key}", "in_flight", ttl) is None:
                cached = st.redis.get(world, self.actor_id, f"gw:{key}")
                hit = isinstance(cached, dict)
                world.emit(pev.GatewayCacheChecked, gateway=self.actor_id,
                           request_id=body["request_id"], idempotency_key=key, hit=True,
                           cached_status_code=cached["status_code"] if hit else 409)
                if hit:
                    self._reply(pending, cached["status_code"], cached["body"], cached=True)
                else:
                    self._reply(pending, 409, {"error": "A request with this key is in "
                                                        "progress. Retry later."}, cached=False)
                return
            world.emit(pev.GatewayCacheChecked, gateway=self.actor_id,
                       request_id=body["request_id"], idempotency_key=key, hit=False,
                       cached_status_code=None)
        name = PRODUCERS[st.settings["producer_idempotence"]]
        value = json.dumps({"request_id": body["request_id"], "idempotency_key": key,
                            "account": body["account"], "amount": body["amount"],
                            "expected_version": body.get("expected_version")},
                           sort_keys=True)
        self.queued[name].append(pending)
        world.producers[name].enqueue(REQUESTS_TOPIC, [(key or body["request_id"], value, (),
                                                        None)])
        world.emit(pev.PaymentRequestPublished, gateway=self.actor_id,
                   request_id=body["request_id"], idempotency_key=key, topic=REQUESTS_TOPIC,
                   producer=name)

    def batch_sent(self, producer: str, batch_id: int, count: int) -> None:
        queue = self.queued[producer]
        self.batches[producer][batch_id], self.queued[producer] = queue[:count], queue[count:]

    def batch_done(self, producer: str, batch_id: int, ok: bool) -> None:
        world = self.world
        st = payments(world)
        for pending in self.batches[producer].pop(batch_id, []):
            key = pending["key"]
            if ok:
                body = {"status": "accepted", "request_id": pending["request_id"]}
                if st.settings["gateway_cache"] and key is not None:
                    st.redis.set(world, self.actor_id, f"gw:{key}",
                                 {"status_code": 202, "body": body}, st.settings["key_ttl_ms"])
                self._reply(pending, 202, body, cached=False)
            else:
                if st.settings["gateway_cache"] and key is not None:
                    st.redis.delete(world, self.actor_id, f"gw:{key}")
                self._reply(pending, 503, {"error": "could not enqueue the payment"},
                            cached=False)

    def _reply(self, pending: dict, code: int, body: dict, cached: bool) -> None:
        self.world.network.send(self.actor_id, pending["client"], "pay_response", {
            "request_id": pending["request_id"], "attempt": pending["attempt"],
            "status_code": code, "body": body, "cached": cached},
            {"request_id": pending["request_id"], "status_code": code, "cached": cached},
            connection=http_connection(pending["request_id"], pending["attempt"]))

    def to_dict(self) -> dict:
        return {"actor_id": self.actor_id,
                "waiting_for_ack": sum(len(q) for q in self.queued.values())
                + sum(len(b) for p in self.batches.values() for b in p.values())}


def _gateway(world):
    if "payments" not in world.extensions:
        return None
    return world.actors.get(GATEWAY_ID)


@on_event(ev.BatchSent)
def _on_batch_sent(world, event) -> None:
    gateway = _gateway(world)
    if gateway is not None and event.producer in gateway.queued and event.attempt == 1:
        gateway.batch_sent(event.producer, event.batch_id, event.record_count)


@on_event(ev.ProduceAcknowledged)
def _on_ack(world, event) -> None:
    gateway = _gateway(world)
    if gateway is not None and event.producer in gateway.batches:
        gateway.batch_done(event.producer, event.batch_id, True)


@on_event(ev.ProduceFailed)
def _on_failed(world, event) -> None:
    gateway = _gateway(world)
    if gateway is not None and event.producer in gateway.batches and not event.will_retry:
        gateway.batch_done(event.producer, event.batch_id, False)
