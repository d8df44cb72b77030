"""The leader's side of a produce request.

Checks in Kafka's order: leadership (NOT_LEADER_OR_FOLLOWER), ``acks=all``
with an ISR below ``min.insync.replicas`` (capped at the replication factor,
3.7+; NOT_ENOUGH_REPLICAS, nothing
written), the idempotent producer's epoch and sequence (an exact repeat of one
of the last 5 batches is answered with its original offsets; a gap is
OUT_OF_ORDER_SEQUENCE; an old epoch INVALID_PRODUCER_EPOCH; a producer the
partition holds no state for may start at any sequence). Then the batch is
appended and answered: ``acks=0`` never, ``acks=1`` at once, ``acks=all`` when
the HW passes the batch (NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR has
meanwhile shrunk below the minimum, REQUEST_TIMED_OUT after the request
timeout — the records stay written either way).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from simulator import events as ev
from simulator.topics import effective_min_isr

IDEMPOTENT_BATCHES_KEPT = 5


@dataclass(slots=True)
class ProducerEntry:
    """Broker-side state of one idempotent producer on one partition."""

    producer_epoch: int
    last_sequence: int = -1
    batches: list = field(default_factory=list)  # [[first_seq, last_seq, base_off, last_off]]


def remember_batch(replica, producer_id: int, producer_epoch: int, base_sequence: int,
                   count: int, base_offset: int, last_offset: int) -> None:
    """Record an idempotent batch in the partition's producer state (last 5 kept)."""
    entry = replica.producers.get(producer_id)
    if entry is None or entry.producer_epoch != producer_epoch:
        entry = ProducerEntry(producer_epoch)
        replica.producers[producer_id] = entry
    entry.last_sequence = base_sequence + count - 1
    entry.batches.append([base_sequence, entry.last_sequence, base_offset, last_offset])
    if len(entry.batches) > IDEMPOTENT_BATCHES_KEPT:
        del entry.batches[0]


def forget_truncated(replica, leo: int) -> None:
    """After a truncation, forget batches that are no longer in the log."""
    for pid in list(replica.producers):
        entry = replica.producers[pid]
        entry.batches = [b for b in entry.batches if b[3] < leo]
        if entry.batches:
            entry.last_sequence = entry.batches[-1][1]
        else:
            del replica.producers[pid]

ERROR_MESSAGES = {
    "NOT_LEADER_OR_FOLLOWER": "This server is not the leader for that topic-partition.",
    "NOT_ENOUGH_REPLICAS": "Messages are rejected since there are fewer in-sync replicas "
                           "than required.",
    "NOT_ENOUGH_REPLICAS_AFTER_APPEND": "Messages are written to the log, but to fewer in-sync "
                                        "replicas than required.",
    "OUT_OF_ORDER_SEQUENCE_NUMBER": "The broker received an out of order sequence number.",
    "INVALID_PRODUCER_EPOCH": "Producer attempted to produce with an old epoch.",
    "REQUEST_TIMED_OUT": "The request timed out.",
    "UNKNOWN_TOPIC_OR_PARTITION": "This server does not host this topic-partition.",
    "MESSAGE_TOO_LARGE": "The request included a message larger than the max message size "
                         "the server will accept.",
}


def check_sequence(entry: ProducerEntry | None, epoch: int, first_seq: int,
                   last_seq: int) -> tuple[str | None, tuple[int, int] | None]:
    """Validate an idempotent batch against the partition's producer state.

    Returns (error, None), (None, (base_offset, last_offset)) for an exact
    repeat of one of the last 5 batches, or (None, None) to append. As Kafka:
    the duplicate check looks only at batches of the same epoch
    (ProducerStateEntry.findDuplicateBatch); an older epoch is fenced; with no
    state for the producer any first sequence is taken, since its earlier
    batches may have been removed by retention or never reached this replica;
    a newer epoch must start at 0; the same epoch must continue at last + 1
    (ProducerAppendInfo.checkProducerEpoch / checkSequence).
    """
    if entry is None:
        return None, None
    if epoch < entry.producer_epoch:
        return "INVALID_PRODUCER_EPOCH", None
    if epoch > entry.producer_epoch:
        return (None if first_seq == 0 else "OUT_OF_ORDER_SEQUENCE_NUMBER"), None
    for first, last, base_offset, last_offset in entry.batches:
        if first == first_seq and last == last_seq:
            return None, (base_offset, last_offset)
    if first_seq != entry.last_sequence + 1:
        return "OUT_OF_ORDER_SEQUENCE_NUMBER", None
    return None, None


def _respond(broker, message, body: dict, error: str | None, base: int | None = None,
             last: int | None = None) -> None:
    b = message.body
    if error is not None:
        broker.world.emit(ev.ProduceRejected, broker=broker.broker_id, producer=b["producer"],
                          topic=b["topic"], partition=b["partition"], error=error,
                          message=ERROR_MESSAGES.get(error, error))
    if b["acks"] == "0":
        return
    response = {"batch_id": b["batch_id"], "attempt": b["attempt"], "topic": b["topic"],
                "partition": b["partition"], "error": error, "base_offset": base,
                "last_offset": last}
    summary = {"partition": f"{b['topic']}-{b['partition']}", "error": error,
               "base_offset": base, "last_offset": last}
    broker.world.network.send(broker.actor_id, message.source, "produce_response", response,
                              summary)


def handle_produce(broker, message) -> None:
    world = broker.world
    b = message.body
    r = broker.replicas.get((b["topic"], b["partition"]))
    topic = world.topics.get(b["topic"])
    if topic is None:
        return _respond(broker, message, b, "UNKNOWN_TOPIC_OR_PARTITION")
    if r is None or r.role != "leader":
        return _respond(broker, message, b, "NOT_LEADER_OR_FOLLOWER")
    records = b["records"]
    min_isr = effective_min_isr(topic.config("min.insync.replicas"), len(r.replicas))
    if b["acks"] == "all" and len(r.isr) < min_isr:
        return _respond(broker, message, b, "NOT_ENOUGH_REPLICAS")
    if b["size_bytes"] > topic.config("max.message.bytes"):
        return _respond(broker, message, b, "MESSAGE_TOO_LARGE")
    pid = b["producer_id"]
    base_seq = b["base_sequence"]
    if pid >= 0 and base_seq >= 0:
        error, duplicate = check_sequence(r.producers.get(pid), b["producer_epoch"], base_seq,
                                          base_seq + len(records) - 1)
        if error is not None:
            return _respond(broker, message, b, error)
        if duplicate is not None:
            base_offset, last_offset = duplicate
            world.emit(ev.DuplicateDiscarded, broker=broker.broker_id,
                       producer=b["producer"], topic=r.topic, partition=r.partition,
                       producer_id=pid, base_sequence=base_seq,
                       base_offset=base_offset, last_offset=last_offset)
            # The original offsets; acks=all still waits for them to be
            # replicated, exactly as for a first write.
            return _complete(broker, message, r, base_offset, last_offset)
    base, last = broker.append_batch(r, records, pid, b["producer_epoch"], base_seq,
                                     b["transactional"])
    return _complete(broker, message, r, base, last)


def _complete(broker, message, r, base: int, last: int) -> None:
    """Answer now (acks=1), never (acks=0) or once the HW passes `last` (acks=all)."""
    world = broker.world
    b = message.body
    if b["acks"] == "0":
        return None
    if b["acks"] == "1":
        return _respond(broker, message, b, None, base, last)
    state = {"done": False, "base": base, "last": last, "message": message}
    broker.when_high_watermark(r.topic, r.partition, last + 1, broker.actor_id,
                               "produce_completed", message.message_id, message.source, state)
    if not state["done"]:
        world.schedule(b["timeout_ms"], broker.actor_id, "produce_timed_out",
                       message.message_id, message.source, state, broker.incarnation)
    return None


def finish_produce(broker, message_id: int, source: str, state: dict, error: str | None) -> None:
    if state["done"]:
        return
    state["done"] = True
    message = state["message"]
    b = message.body
    if error is None:
        topic = broker.world.topics.get(b["topic"])
        r = broker.replicas.get((b["topic"], b["partition"]))
        if topic is not None and r is not None and len(r.isr) < effective_min_isr(
                topic.config("min.insync.replicas"), len(r.replicas)):
            error = "NOT_ENOUGH_REPLICAS_AFTER_APPEND"
    if error is None:
        _respond(broker, message, b, None, state["base"], state["last"])
    else:
        _respond(broker, message, b, error)


def produce_timeout(broker, message_id: int, source: str, state: dict) -> None:
    if state["done"]:
        return
    state["done"] = True
    message = state["message"]
    r = broker.replicas.get((message.body["topic"], message.body["partition"]))
    if r is not None:
        r.waiters = [w for w in r.waiters if w.args[2] is not state]
    _respond(broker, message, message.body, "REQUEST_TIMED_OUT")
