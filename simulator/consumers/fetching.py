"""The leader's side of consumer fetches: records up to the HW (or LSO), held while empty.

A consumer's ``consumer_fetch`` reaches the broker leading each partition (its
own message kind: ``fetch`` is the brokers' replication). The leader reads
with ``Broker.read_for_consumer``, caps each partition at
``max.partition.fetch.bytes`` (1 MiB), checks READ on the topic, and, with
nothing to return, holds the request in the broker's fetch waiting room
(`simulator.broker.fetch_waiting_room`, Kafka's DelayedFetch purgatory, which
holds the followers' fetches too) until an asked-for partition's HW (or LSO)
moves or ``fetch.max.wait.ms`` passes.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.broker import CONSUMER, on_broker_message
from simulator.consumers.acls import denied_log
from simulator.consumers.system import system
from simulator.engine import on_event, timer_function

MAX_PARTITION_FETCH_BYTES = 1_048_576
MAX_FETCH_RECORDS = 2_000


@on_broker_message("consumer_fetch")
def _on_consumer_fetch(broker, message) -> None:
    """A consumer's Fetch: answered now, or parked until there is something to give."""
    _answer_fetch(broker, message, may_park=True)


def _answer_fetch(broker, message, may_park: bool) -> bool:
    world = broker.world
    sys_ = system(world)
    b = message.body
    principal = b.get("principal", "User:ANONYMOUS")
    parts = []
    any_data = False
    for topic, partition, offset in b["parts"]:
        if not sys_.acls.allowed(principal, "TOPIC", topic, "READ"):
            parts.append(
                {
                    "topic": topic,
                    "partition": partition,
                    "offset": offset,
                    "error": "TOPIC_AUTHORIZATION_FAILED",
                    "records": [],
                    "broker_log": denied_log(
                        principal, b.get("host", "*"), "READ", "TOPIC", topic, "Fetch"
                    ),
                }
            )
            any_data = True
            continue
        result = broker.read_for_consumer(
            topic, partition, offset, MAX_FETCH_RECORDS, b["isolation_level"]
        )
        records = []
        size = 0
        next_offset = offset
        for record in result["records"]:
            if records and size + record.size_bytes > MAX_PARTITION_FETCH_BYTES:
                break
            records.append(record)
            size += record.size_bytes
            next_offset = record.offset + 1
        if records and len(records) == len(result["records"]):
            # Everything read was returned: skip past trailing markers/aborted records too.
            next_offset = max(next_offset, result.get("next_offset", next_offset))
        elif not records and result.get("next_offset", offset) > offset:
            next_offset = result["next_offset"]  # only markers or aborted records: move on
        part = {
            "topic": topic,
            "partition": partition,
            "offset": offset,
            "error": result["error"],
            "records": records,
            "next_offset": next_offset,
            "high_watermark": result["high_watermark"],
            "last_stable_offset": result["last_stable_offset"],
            "log_start_offset": result["log_start_offset"],
        }
        if records or result["error"] or next_offset != offset:
            any_data = True
        parts.append(part)
    if not any_data and may_park:
        key = (broker.broker_id, message.source, b["fetch_id"])
        timer = world.schedule_function(b["max_wait_ms"], "consumers.answer_parked_fetch", key)
        broker.fetch_room.hold(key, CONSUMER, message, timer,
                               [(t, p) for t, p, _ in b["parts"]])
        return False
    count = sum(len(p["records"]) for p in parts)
    broker.reply(
        message,
        "consumer_fetch_response",
        {"fetch_id": b["fetch_id"], "parts": parts, "request_id": b.get("request_id")},
        {
            "records": count,
            "parts": [f"{p['topic']}-{p['partition']}@{p['offset']}" for p in parts],
        },
    )
    return True


@timer_function("consumers.answer_parked_fetch")
def answer_parked_fetch(world, key: tuple) -> None:
    """Answer a held consumer fetch with what there is: its wait ran out, or a
    partition it asked for moved. `key` is (broker id, consumer actor, fetch id)."""
    broker = world.brokers.get(key[0])
    held = broker.fetch_room.take(key) if broker is not None else None
    if held is None:
        return  # answered already, or the broker crashed and forgot it
    world.cancel(held.timer)
    _answer_fetch(broker, held.message, may_park=False)


def _wake_fetches(world, broker_id: int, topic: str, partition: int) -> None:
    broker = world.brokers.get(broker_id)
    if broker is None or not broker.fetch_room:
        return
    for key in broker.fetch_room.waiting_on(topic, partition, CONSUMER):
        answer_parked_fetch(world, key)


@on_event(ev.HighWatermarkChanged)
def _on_high_watermark(world, event) -> None:
    _wake_fetches(world, event.broker, event.topic, event.partition)


@on_event(ev.LastStableOffsetChanged)
def _on_last_stable_offset(world, event) -> None:
    _wake_fetches(world, event.broker, event.topic, event.partition)


@on_event(ev.LeaderChanged)
def _on_leader_changed(world, event) -> None:
    # The old leader no longer has data to give: answer held fetches (NOT_LEADER).
    if event.previous_leader is not None:
        _wake_fetches(world, event.previous_leader, event.topic, event.partition)
