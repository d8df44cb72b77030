"""The consumer's fetcher: fetch requests to leaders, the buffer, deserialization.

A mixin of `ConsumerClient` (see ``client.py``). One ``consumer_fetch`` per
leader broker for assigned partitions with nothing buffered; ``poll()`` takes
up to ``max.poll.records`` from the buffer and stops at the first record the
configured ``value.deserializer`` cannot read.
"""

from __future__ import annotations

import json

from simulator.consumers.acls import topic_authorization_message
from simulator.consumers.client_common import RETRY_BACKOFF_MS, tp_name


def deserialization_error(expected: str, record) -> bool:
    """True if a ``value.deserializer`` for `expected` cannot read `record`'s value.

    StringDeserializer reads any bytes (garbage in, garbage out, but no error).
    The JSON deserializer needs text that parses as JSON; the Avro and
    Protobuf (Schema Registry) deserializers need their own framing.
    """
    if record.value is None or expected == "string":
        return False
    if expected == "json":
        if record.value_format == "json":
            return False
        if record.value_format == "string":
            try:
                json.loads(record.value)
            except ValueError:
                return True
            return False
        return True
    return record.value_format != expected


class Fetching:
    """Fetching half of the consumer client (mixed into ConsumerClient)."""

    def _take_records(self) -> list | None:
        """Up to max.poll.records buffered records, partition by partition.

        Returns None when the very next record cannot be deserialized: poll()
        throws RecordDeserializationException and the loop is stuck on it.
        """
        limit = self.cfg("max.poll.records")
        expected = self.cfg("value.deserializer")
        batch = []
        # max.poll.records caps the records of one poll() over all partitions (the Java
        # client's FetchCollector counts recordsRemaining down across partitions).
        total = 0
        for tp in list(self.assignment):
            if total >= limit:
                break
            buffered = self.buffer.get(tp)
            if not buffered:
                continue
            records, next_offset = buffered
            taken = []
            for record in records:
                if total + len(taken) >= limit:
                    break
                if deserialization_error(expected, record):
                    if not batch and not taken:
                        self._error(
                            "RecordDeserializationException",
                            f"Error deserializing VALUE for partition {tp_name(tp)} at offset "
                            f"{record.offset}. If needed, please seek past the record to "
                            "continue consumption.",
                            tp[0],
                            tp[1],
                            record.offset,
                            status="stuck",
                        )
                        return None
                    break
                taken.append(record)
            if not taken:
                continue
            rest = records[len(taken) :]
            if rest:
                self.buffer[tp] = (rest, next_offset)
            else:
                # Drained: no entry at all (None once stayed behind, and the
                # fast_forward quiet check read it as records still held).
                del self.buffer[tp]
            new_position = next_offset if not rest else rest[0].offset
            batch.append((tp, taken, new_position))
            total += len(taken)
        if batch and self.error_key and self.error_key[0] == "RecordDeserializationException":
            self._clear_error()
        return batch

    def _send_fetches(self) -> None:
        """One fetch per leader for assigned partitions with nothing buffered."""
        world = self.world
        by_leader: dict[int, list] = {}
        for tp in self.assignment:
            if tp not in self.positions or self.buffer.get(tp):
                continue
            topic = world.topics.get(tp[0])
            if topic is None or tp[1] >= len(topic.partitions):
                continue
            leader = topic.partitions[tp[1]].leader
            if leader is None or leader in self.fetch_inflight:
                continue
            by_leader.setdefault(leader, []).append([tp[0], tp[1], self.positions[tp]])
        for leader, parts in sorted(by_leader.items()):
            request = self._send(
                leader,
                "consumer_fetch",
                {
                    "fetch_id": self.next_request + 1,
                    "parts": parts,
                    "isolation_level": self.cfg("isolation.level"),
                    "max_wait_ms": self.cfg("fetch.max.wait.ms"),
                },
                {"parts": [f"{t}-{p}@{o}" for t, p, o in parts]},
            )
            self.fetch_inflight[leader] = request

    def _on_consumer_fetch_response(self, message, body) -> None:
        self._answered(body)
        broker = int(message.source.split(":")[1])
        if self.fetch_inflight.get(broker) == body.get("request_id"):
            del self.fetch_inflight[broker]
        for part in body["parts"]:
            tp = (part["topic"], part["partition"])
            if tp not in self.assignment or self.positions.get(tp) != part["offset"]:
                continue  # stale: reassigned or moved (seek/reset) meanwhile
            error = part["error"]
            if error == "TOPIC_AUTHORIZATION_FAILED":
                self._error(
                    "TopicAuthorizationException",
                    topic_authorization_message([tp[0]]),
                    tp[0],
                    tp[1],
                    broker_log=part.get("broker_log"),
                )
                continue
            if error == "OFFSET_OUT_OF_RANGE":
                self._reset_position(
                    tp,
                    f"{self.prefix}Fetch position "
                    f"{self._fetch_position(tp, part['offset'])} is out of range for "
                    f"partition {tp_name(tp)}, resetting offset",
                    part["offset"],
                )
                continue
            if error is not None:
                continue  # NOT_LEADER_OR_FOLLOWER: metadata will point at the new leader
            if part["records"]:
                self.buffer[tp] = (list(part["records"]), part["next_offset"])
            elif part["next_offset"] != part["offset"]:
                self.positions[tp] = part["next_offset"]  # past markers / aborted records
        if self.waiting:
            self._wake(0)
        elif not self.processing and self.running:
            self._wake(RETRY_BACKOFF_MS if any(p["error"] for p in body["parts"]) else 0)
