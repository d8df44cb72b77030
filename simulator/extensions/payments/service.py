"""The payment service: requests in (HTTP or Kafka records), handler threads out.

Direct route: ``pay_request`` messages from a client start a thread whose
answer goes back as ``pay_response``. Kafka route: the service's consumers
(``payments-1`` ... in group ``payment-service``, subscribed to
``payment-requests``) poll records; every record polled starts a thread (a
record polled again after a rebalance starts another: a redelivery). Events
out: a payment-completed event to ``payment-events`` straight from the
handler (``publish`` lines) or through the outbox relay.

A crash stops every thread (open transactions roll back, Redis locks stay
until they expire), takes the service off the network and, on the Kafka
route, kills its consumers; a restart brings them back.
"""

from __future__ import annotations

import json

from simulator import cluster
from simulator import events as ev
from simulator.commands import CrashConsumer, RestartConsumer
from simulator.engine import Actor, on_event
from simulator.extensions.payments import events as pev
from simulator.extensions.payments.handler import event_payload
from simulator.extensions.payments.state import (
    EVENTS_TOPIC,
    RELAY_ID,
    SERVICE_ID,
    http_connection,
    payments,
)
from simulator.extensions.payments.threads import crash_threads, start_thread

DIRECT_PRODUCER = "payment-service"


class PaymentService(Actor):
    actor_id = SERVICE_ID

    def __init__(self, world, consumers: list[str]):
        super().__init__(world)
        self.consumers = list(consumers)
        self.killed: list[str] = []  # consumers that died with the service (restarted with it)
        world.add_actor(self)

    def on_message(self, message) -> None:
        if message.kind != "pay_request":
            return
        body = message.body
        start_thread(self.world, {"request_id": body["request_id"],
                                  "idempotency_key": body["idempotency_key"],
                                  "account": body["account"], "amount": body["amount"],
                                  "expected_version": body.get("expected_version")},
                     source="http", reply={"to": message.source, "attempt": body["attempt"]})

    def on_records(self, event) -> None:
        for record in event.records:
            try:
                request = json.loads(record["value"])
            except (TypeError, ValueError):
                continue  # not a payment request: the handler would reject it
            if not isinstance(request, dict) or "request_id" not in request:
                continue
            request["partition"] = event.partition
            request["offset"] = record["offset"]
            start_thread(self.world, request, source="kafka")

    def thread_finished(self, t) -> None:
        if t.reply is None:
            return
        self.world.network.send(self.actor_id, t.reply["to"], "pay_response", {
            "request_id": t.request_id, "attempt": t.reply["attempt"],
            "status_code": t.status_code or 500, "body": t.body or {}, "cached": t.cached},
            {"request_id": t.request_id, "status_code": t.status_code, "cached": t.cached},
            connection=http_connection(t.request_id, t.reply["attempt"]))

    def publish_event(self, t) -> None:
        world = self.world
        st = payments(world)
        world.producers[DIRECT_PRODUCER].enqueue(EVENTS_TOPIC, [(t.event_id, event_payload(t),
                                                                 (), None)])
        st.events_published[t.event_id] = st.events_published.get(t.event_id, 0) + 1
        world.emit(pev.PaymentEventPublished, event_id=t.event_id, request_id=t.request_id,
                   via="direct", producer=DIRECT_PRODUCER)

    def crash(self, point: str) -> None:
        world = self.world
        st = payments(world)
        st.crashed = True
        st.incarnation += 1
        stopped = crash_threads(world)
        world.network.down.add(self.actor_id)
        world.emit(pev.PaymentServiceCrashed, service=self.actor_id, point=point,
                   threads=stopped)
        relay = world.actors.get(RELAY_ID)
        if relay is not None:
            relay.crash()
        self.killed = [n for n in self.consumers if world.actors[f"consumer:{n}"].running]
        for name in self.killed:
            cluster.apply_command(world, CrashConsumer(name))

    def restart(self) -> None:
        world = self.world
        st = payments(world)
        st.crashed = False
        world.network.down.discard(self.actor_id)
        world.emit(pev.PaymentServiceRestarted, service=self.actor_id)
        for name in self.killed:
            if not world.actors[f"consumer:{name}"].running:
                cluster.apply_command(world, RestartConsumer(name))
        self.killed = []
        relay = world.actors.get(RELAY_ID)
        if relay is not None:
            relay.poke()


@on_event(ev.ConsumerPositionChanged)
def _on_poll(world, event) -> None:
    if "payments" not in world.extensions or event.reason != "poll" or not event.count:
        return
    service = world.actors.get(SERVICE_ID)
    if service is not None and event.consumer in service.consumers and not payments(
            world).crashed:
        service.on_records(event)
