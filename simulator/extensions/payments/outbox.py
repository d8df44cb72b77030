"""The outbox relay: publishes committed outbox rows to ``payment-events``.

With ``outbox`` on, the handler inserts an outbox row in the same
transaction as the deduction, so the event exists exactly when the payment
does. The relay (``relay:outbox``, part of the service process) wakes after
a commit, hands every committed, unpublished row to its producer
(``outbox-relay``) and, when the batch is acknowledged, marks the row
published. If it dies first the row stays unpublished and is sent again
after the restart: the outbox loses nothing, and may publish twice
(at-least-once; consumers dedupe on ``event_id``).
"""

from __future__ import annotations

from simulator import events as ev
from simulator.engine import Actor, on_event
from simulator.extensions.payments import events as pev
from simulator.extensions.payments.state import EVENTS_TOPIC, RELAY_ID, payments

RELAY_PRODUCER = "outbox-relay"


class OutboxRelay(Actor):
    actor_id = RELAY_ID

    def __init__(self, world):
        super().__init__(world)
        self.timer: int | None = None
        self.queued: list[str] = []            # row ids handed to the producer, not yet sent
        self.batches: dict[int, list[str]] = {}  # batch id -> row ids
        self.in_flight: set[str] = set()
        world.add_actor(self)

    def poke(self) -> None:
        st = payments(self.world)
        if self.timer is None and not st.crashed and st.settings["outbox"]:
            self.timer = self.world.schedule(st.settings["relay_interval_ms"], self.actor_id,
                                             "tick")

    def tick(self) -> None:
        self.timer = None
        world = self.world
        st = payments(world)
        if st.crashed:
            return
        rows = st.db.tables["outbox"]
        for row_id, row in rows.items():
            values = row.committed
            if values is None or values["published_at_ms"] is not None or (
                    row_id in self.in_flight):
                continue
            self.in_flight.add(row_id)
            self.queued.append(row_id)
            world.producers[RELAY_PRODUCER].enqueue(EVENTS_TOPIC, [(values["event_id"],
                                                                    values["payload"], (),
                                                                    None)])
            st.events_published[values["event_id"]] = st.events_published.get(
                values["event_id"], 0) + 1
            world.emit(pev.PaymentEventPublished, event_id=values["event_id"],
                       request_id=values["request_id"],
                       via="outbox", producer=RELAY_PRODUCER)

    def batch_sent(self, batch_id: int, count: int) -> None:
        self.batches[batch_id], self.queued = self.queued[:count], self.queued[count:]

    def batch_done(self, batch_id: int, ok: bool, offset: int | None) -> None:
        world = self.world
        st = payments(world)
        for row_id in self.batches.pop(batch_id, []):
            self.in_flight.discard(row_id)
            if ok and st.db.autocommit_update(world, "outbox", row_id,
                                              {"published_at_ms": world.now_ms}):
                world.emit(pev.OutboxRowPublished, row_id=row_id,
                           event_id=st.db.tables["outbox"][row_id].committed["event_id"],
                           offset=offset)
        self.poke_if_left()

    def poke_if_left(self) -> None:
        rows = payments(self.world).db.tables["outbox"]
        if any(r.committed is not None and r.committed["published_at_ms"] is None
               and rid not in self.in_flight for rid, r in rows.items()):
            self.poke()

    def crash(self) -> None:
        """The process died: what it had handed over is forgotten (the rows stay)."""
        self.world.cancel(self.timer)
        self.timer = None
        self.queued = []
        self.batches = {}
        self.in_flight = set()


def _relay(world):
    if "payments" not in world.extensions:
        return None
    return world.actors.get(RELAY_ID)


@on_event(ev.BatchSent)
def _on_batch_sent(world, event) -> None:
    relay = _relay(world)
    if relay is not None and event.producer == RELAY_PRODUCER and event.attempt == 1:
        relay.batch_sent(event.batch_id, event.record_count)


@on_event(ev.ProduceAcknowledged)
def _on_ack(world, event) -> None:
    relay = _relay(world)
    if relay is not None and event.producer == RELAY_PRODUCER:
        relay.batch_done(event.batch_id, True, event.base_offset)


@on_event(ev.ProduceFailed)
def _on_failed(world, event) -> None:
    relay = _relay(world)
    if relay is not None and event.producer == RELAY_PRODUCER and not event.will_retry:
        relay.batch_done(event.batch_id, False, None)
