"""A Kafka producer client: partitioner, accumulator, sender, retries.

Records handed over by ``produce`` get a partition (explicit, murmur2 of the
key, or the configured keyless partitioner) and go into the open batch of
that partition. A batch is sent when it is full (``batch.size``), when
``linger.ms`` has passed since it was opened, or on ``flush``; at most
``max.in.flight.requests.per.connection`` requests are in flight to a broker.
The producer learns leaders from a metadata request and refreshes it on
NOT_LEADER_OR_FOLLOWER, timeouts and refused connections. Retriable errors
are retried after ``retry.backoff.ms`` until ``delivery.timeout.ms`` since the
batch was created. With idempotence each batch carries the producer id, epoch
and a per-partition base sequence that stays the same across retries.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field

from simulator import events as ev
from simulator.engine import Actor
from simulator.errors import SimulationError
from simulator.log import BATCH_OVERHEAD_BYTES, RECORD_OVERHEAD_BYTES, record_size
from simulator.partitioners import (
    PARTITIONERS,
    StickyState,
    choose_round_robin,
    choose_sticky_2_4,
    choose_uniform_sticky,
    partition_for_key,
)
from simulator.produce_handling import ERROR_MESSAGES
from simulator.transactions import coordinator_for

PRODUCER_DEFAULTS: dict = {
    "acks": "all",
    "enable.idempotence": True,
    "retries": 2_147_483_647,
    "delivery.timeout.ms": 120_000,
    "request.timeout.ms": 30_000,
    "retry.backoff.ms": 100,
    "linger.ms": 5,
    "batch.size": 16_384,
    "compression.type": "none",
    "max.in.flight.requests.per.connection": 5,
    "partitioner": "uniform_sticky",
    "value.format": "string",
    "transactional.id": None,
    "metadata.max.age.ms": 300_000,
    "reconnect.backoff.ms": 50,
    "reconnect.backoff.max.ms": 1_000,
}
SERIALIZATION_FORMATS = ("string", "json", "avro", "protobuf")
COMPRESSION_CODECS = ("none", "gzip", "snappy", "lz4", "zstd")
# Relative to gzip's real size (zlib), a typical ratio for text payloads:
# snappy and lz4 trade ratio for speed, zstd compresses a little better.
_CODEC_FACTOR = {"gzip": 1.0, "snappy": 1.35, "lz4": 1.3, "zstd": 0.9}
RETRIABLE = {"NOT_LEADER_OR_FOLLOWER", "NOT_ENOUGH_REPLICAS", "NOT_ENOUGH_REPLICAS_AFTER_APPEND",
             "REQUEST_TIMED_OUT", "UNKNOWN_TOPIC_OR_PARTITION", "NETWORK_EXCEPTION"}
_INT_KEYS = {"retries", "delivery.timeout.ms", "request.timeout.ms", "retry.backoff.ms",
             "linger.ms", "batch.size", "max.in.flight.requests.per.connection",
             "metadata.max.age.ms", "reconnect.backoff.ms", "reconnect.backoff.max.ms"}


def normalize_configs(configs: dict) -> dict:
    """Merge with defaults and check; raise ``SimulationError('bad_config')``."""
    if not isinstance(configs, dict):
        raise SimulationError("bad_config", "producer configs must be an object")
    unknown = sorted(set(configs) - set(PRODUCER_DEFAULTS))
    if unknown:
        raise SimulationError("bad_config", f"unknown producer config(s): {', '.join(unknown)}; "
                                            f"known: {', '.join(sorted(PRODUCER_DEFAULTS))}")
    out = dict(PRODUCER_DEFAULTS)
    out.update(configs)
    acks = str(out["acks"]).lower()
    acks = {"-1": "all", "all": "all", "1": "1", "0": "0"}.get(acks)
    if acks is None:
        raise SimulationError("bad_config", "acks must be 0, 1 or all")
    out["acks"] = acks
    for key in _INT_KEYS:
        value = out[key]
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise SimulationError("bad_config", f"{key} must be a non-negative integer")
    if out["batch.size"] < 1 or not 1 <= out["max.in.flight.requests.per.connection"] <= 100:
        raise SimulationError("bad_config", "batch.size and max.in.flight must be at least 1")
    if out["request.timeout.ms"] < 1:
        raise SimulationError("bad_config", "request.timeout.ms must be at least 1")
    if out["compression.type"] not in COMPRESSION_CODECS:
        raise SimulationError("bad_config", f"compression.type must be one of {COMPRESSION_CODECS}")
    if out["partitioner"] not in PARTITIONERS:
        raise SimulationError("bad_config", f"partitioner must be one of {PARTITIONERS}")
    if out["value.format"] not in SERIALIZATION_FORMATS:
        raise SimulationError("bad_config", f"value.format must be one of {SERIALIZATION_FORMATS}")
    if not isinstance(out["enable.idempotence"], bool):
        raise SimulationError("bad_config", "enable.idempotence must be true or false")
    explicit = "enable.idempotence" in configs
    if out["enable.idempotence"]:
        conflict = None
        if acks != "all":
            conflict = "Must set acks to all in order to use the idempotent producer."
        elif out["retries"] == 0:
            conflict = "Must set retries to non-zero when using the idempotent producer."
        elif out["max.in.flight.requests.per.connection"] > 5:
            conflict = ("Must set max.in.flight.requests.per.connection to at most 5 "
                        "when using the idempotent producer.")
        if conflict:
            if explicit or out["transactional.id"] is not None:
                raise SimulationError("bad_config", conflict)
            out["enable.idempotence"] = False  # implicit default yields, as since 3.2
    txn = out["transactional.id"]
    if txn is not None and (not isinstance(txn, str) or not 0 < len(txn) <= 255):
        raise SimulationError("bad_config", "transactional.id must be a string of 1 to 255 "
                                            "characters")
    return out


@dataclass(slots=True)
class Batch:
    batch_id: int
    topic: str
    partition: int
    created_ms: int
    records: list = field(default_factory=list)  # (key, value, headers, size, format)
    size_bytes: int = BATCH_OVERHEAD_BYTES
    base_sequence: int = -1
    attempt: int = 0
    closed: bool = False
    in_flight: bool = False
    leader: int | None = None
    transactional: bool = False
    retry_at_ms: int = 0


def compressed_size(batch: Batch, codec: str) -> int:
    if codec == "none":
        return batch.size_bytes
    payload = "\n".join(f"{k or ''}\t{v or ''}" for k, v, *_ in batch.records).encode("utf-8")
    gzip_size = len(zlib.compress(payload, 6)) + BATCH_OVERHEAD_BYTES
    return max(BATCH_OVERHEAD_BYTES, min(batch.size_bytes, int(gzip_size * _CODEC_FACTOR[codec])))


class Producer(Actor):
    def __init__(self, world, name: str, configs: dict):
        super().__init__(world)
        self.name = name
        self.actor_id = f"producer:{name}"
        self.configs = configs
        self.idempotent = configs["enable.idempotence"]
        self.leaders: dict[tuple[str, int], int | None] = {}
        self.partition_counts: dict[str, int] = {}
        self.metadata_in_flight = False
        self.metadata_refresh_scheduled = False
        self.last_metadata_ms = -1_000_000
        self.bootstrap_index = 0
        self.producer_id = -1
        self.producer_epoch = -1
        self.pid_in_flight = False
        self.next_sequence: dict[tuple[str, int], int] = {}
        self.queues: dict[tuple[str, int], list[Batch]] = {}
        self.in_flight: dict[int, Batch] = {}
        self.in_flight_by_broker: dict[int, int] = {}
        self.refused: dict[int, int] = {}  # broker -> refused connections in a row
        self.waiting: list[tuple] = []  # records waiting for metadata
        self.sticky: dict[str, StickyState] = {}
        self.next_batch_id = 0
        self.txn_state: str | None = None  # None | ongoing | committing | aborting
        self.txn_partitions: set = set()
        self.closed = False

    # ---- lifecycle ---------------------------------------------------------------
    def start(self) -> None:
        self.request_metadata()
        if self.idempotent:
            self.request_producer_id()
        self.world.schedule(self.configs["metadata.max.age.ms"], self.actor_id, "metadata_age")

    def metadata_age(self) -> None:
        if not self.closed:
            self.request_metadata()
            self.world.schedule(self.configs["metadata.max.age.ms"], self.actor_id,
                                "metadata_age")

    def _bootstrap(self) -> int:
        ids = sorted(self.world.brokers)
        broker = ids[self.bootstrap_index % len(ids)]
        return broker

    def request_metadata(self) -> None:
        if self.metadata_in_flight or self.closed:
            return
        # Refreshes are at least retry.backoff.ms apart (no storm while a
        # partition has no leader).
        due = self.last_metadata_ms + self.configs["retry.backoff.ms"]
        if self.world.now_ms < due:
            if not self.metadata_refresh_scheduled:
                self.metadata_refresh_scheduled = True
                self.world.schedule_at(due, self.actor_id, "scheduled_metadata_refresh")
            return
        self.metadata_in_flight = True
        broker = self._bootstrap()
        message = self.world.network.send(self.actor_id, f"broker:{broker}", "metadata_request",
                                          {"producer": self.name}, {"producer": self.name})
        if message is not None:
            self.world.schedule(self.configs["request.timeout.ms"], self.actor_id,
                                "metadata_timed_out", message.message_id)

    def scheduled_metadata_refresh(self) -> None:
        self.metadata_refresh_scheduled = False
        self.request_metadata()

    def metadata_timed_out(self, message_id: int) -> None:
        if self.metadata_in_flight:
            self.metadata_in_flight = False
            self.bootstrap_index += 1
            self.request_metadata()

    def request_producer_id(self) -> None:
        if self.pid_in_flight or self.closed:
            return
        self.pid_in_flight = True
        txn = self.configs["transactional.id"]
        if txn is not None:
            broker = coordinator_for(self.world, txn)
        else:
            broker = self._bootstrap()
        self.world.network.send(self.actor_id, f"broker:{broker}", "init_producer_id",
                                {"producer": self.name, "transactional_id": txn},
                                {"producer": self.name})
        self.world.schedule(self.configs["request.timeout.ms"], self.actor_id,
                            "producer_id_timed_out")

    def producer_id_timed_out(self) -> None:
        if self.pid_in_flight:
            self.pid_in_flight = False
            self.bootstrap_index += 1
            self.request_producer_id()

    def on_message_dropped(self, message) -> None:
        """A refused connection: try the next bootstrap broker / refresh metadata."""
        if message.kind == "metadata_request":
            self.metadata_in_flight = False
            self.bootstrap_index += 1
            self.world.schedule(self.configs["retry.backoff.ms"], self.actor_id,
                                "request_metadata")
        elif message.kind == "init_producer_id":
            self.pid_in_flight = False
            self.bootstrap_index += 1
            self.world.schedule(self.configs["retry.backoff.ms"], self.actor_id,
                                "request_producer_id")
        elif message.kind == "end_txn":
            # The transaction coordinator is down: ask again later.
            self.world.schedule(self.configs["retry.backoff.ms"] * 10, self.actor_id,
                                "resend_end_txn", message.body)
        elif message.kind == "produce":
            body = message.body
            self._failed(body["batch_id"], body["attempt"], "NETWORK_EXCEPTION",
                         f"Connection to node {message.target} refused")

    # ---- messages ----------------------------------------------------------------
    def on_message(self, message) -> None:
        kind = message.kind
        if kind == "produce_response":
            self._on_produce_response(message.body)
        elif kind == "metadata_response":
            self._on_metadata(message.body)
        elif kind == "init_producer_id_response":
            self.pid_in_flight = False
            self.producer_id = message.body["producer_id"]
            self.producer_epoch = message.body["producer_epoch"]
            self.next_sequence = {}
            for queue in self.queues.values():
                for batch in queue:  # not sent yet under the new epoch: renumber
                    batch.base_sequence = -1
            self.world.emit(ev.ProducerIdAssigned, producer=self.name,
                            producer_id=self.producer_id, producer_epoch=self.producer_epoch)
            self.drain()
        elif kind == "end_txn_response":
            self._on_end_txn_response(message.body)

    def _on_metadata(self, body: dict) -> None:
        self.metadata_in_flight = False
        self.last_metadata_ms = self.world.now_ms
        self.apply_metadata(body["leaders"], body["partition_counts"], body["broker"])

    def apply_metadata(self, leaders: dict, counts: dict, broker: int) -> None:
        self.partition_counts = dict(counts)
        self.leaders = {}
        for name, leader in leaders.items():
            topic, _, p = name.rpartition("-")
            self.leaders[(topic, int(p))] = leader
        self.world.emit(ev.MetadataRefreshed, producer=self.name, broker=broker,
                        leaders=dict(leaders))
        waiting, self.waiting = self.waiting, []
        for topic, items in waiting:
            if topic in self.partition_counts:
                self.enqueue(topic, items)
            else:
                self.world.emit(ev.ProduceFailed, producer=self.name, batch_id=-1, topic=topic,
                                partition=-1, error="UNKNOWN_TOPIC_OR_PARTITION",
                                message=f"Topic {topic} not present in metadata.",
                                will_retry=False, attempt=0)
        self.drain()

    # ---- the accumulator ------------------------------------------------------------
    def enqueue(self, topic: str, items: list[tuple]) -> None:
        """Partition and batch records: items are (key, value, headers, partition)."""
        world = self.world
        if topic not in self.partition_counts:
            self.waiting.append((topic, items))
            self.request_metadata()
            return
        count = self.partition_counts[topic]
        configs = self.configs
        batch_size = configs["batch.size"]
        fmt = configs["value.format"]
        partitioner = configs["partitioner"]
        available = None
        queued = []
        queues = self.queues
        transactional = self.txn_state == "ongoing"
        touched: set = set()

        def sizes_of() -> dict:
            return {p: len(self.queues.get((topic, p), ())) for p in range(count)}

        for key, value, headers, partition in items:
            if headers or key is not None or value is None or not value.isascii():
                size = record_size(key, value, headers)
            else:  # the bulk case, inlined: an ASCII value, no key, no headers
                size = RECORD_OVERHEAD_BYTES + len(value)
            h = None
            if partition is not None:
                reason = "explicit"
            elif key is not None:
                partition, h = partition_for_key(key, count)
                reason = "key"
            else:
                if available is None:
                    leaders = self.leaders
                    available = [p for p in range(count) if leaders.get((topic, p)) is not None]
                    state = self.sticky.setdefault(topic, StickyState())
                if (partitioner == "uniform_sticky" and state.current is not None
                        and state.bytes_in_current < batch_size and state.current in available):
                    partition = state.current  # still sticking: the hot path of bulk sends
                    state.bytes_in_current += size
                elif partitioner == "uniform_sticky":
                    partition = choose_uniform_sticky(state, available, count, size, batch_size,
                                                      sizes_of, world.rng)
                elif partitioner == "sticky":
                    q = self.queues.get((topic, state.current))
                    needs_new = not q or q[-1].closed
                    partition = choose_sticky_2_4(state, available, count, needs_new, world.rng)
                else:
                    partition = choose_round_robin(state, available, count)
                reason = partitioner
            queue = queues.get((topic, partition))
            last = queue[-1] if queue else None
            if (last is not None and not last.closed and last.transactional == transactional
                    and last.size_bytes + size <= batch_size):
                # The common case: the open batch takes the record.
                last.records.append((key, value, headers, size, fmt))
                last.size_bytes += size
                if last.size_bytes >= batch_size:
                    last.closed = True
            else:
                self._add_to_batch(topic, partition, (key, value, headers, size, fmt),
                                   transactional)
            if transactional:
                touched.add((topic, partition))
            if len(queued) < 100:
                queued.append({"key": key, "value": value, "partition": partition,
                               "reason": reason, "murmur2": h})
        world.emit(ev.RecordsQueued, producer=self.name, topic=topic, record_count=len(items),
                   records=queued)
        if transactional:
            self.txn_partitions.update(touched)
        self.drain()

    def _add_to_batch(self, topic: str, partition: int, rec: tuple, transactional: bool) -> None:
        key = (topic, partition)
        queue = self.queues.get(key)
        if queue is None:
            queue = self.queues[key] = []
        batch = queue[-1] if queue and not queue[-1].closed else None
        limit = self.configs["batch.size"]
        if batch is not None and batch.records and (batch.size_bytes + rec[3] > limit
                                                    or batch.transactional != transactional):
            batch.closed = True
            batch = None
        if batch is None:
            self.next_batch_id += 1
            batch = Batch(self.next_batch_id, topic, partition, self.world.now_ms,
                          transactional=transactional)
            queue.append(batch)
            world = self.world
            world.schedule(self.configs["linger.ms"], self.actor_id, "linger_expired",
                           batch.batch_id, topic, partition)
            world.schedule(self.configs["delivery.timeout.ms"], self.actor_id, "expire_batch",
                           batch.batch_id, topic, partition)
        batch.records.append(rec)
        batch.size_bytes += rec[3]
        if batch.size_bytes >= self.configs["batch.size"]:
            batch.closed = True

    def linger_expired(self, batch_id: int, topic: str, partition: int) -> None:
        for batch in self.queues.get((topic, partition), ()):
            if batch.batch_id == batch_id:
                batch.closed = True
                self.drain()
                return

    def flush(self) -> None:
        for queue in self.queues.values():
            for batch in queue:
                batch.closed = True
        self.drain()

    def drain(self) -> None:
        """Send every closed batch whose leader is known, within the in-flight limit."""
        if self.idempotent and self.producer_id < 0:
            return
        limit = self.configs["max.in.flight.requests.per.connection"]
        now = self.world.now_ms
        for key in sorted(self.queues):
            queue = self.queues[key]
            while queue and queue[0].closed and queue[0].retry_at_ms <= now:
                leader = self.leaders.get(key)
                if leader is None:
                    self.request_metadata()
                    break
                if self.in_flight_by_broker.get(leader, 0) >= limit:
                    break
                self._send(queue.pop(0), leader)
            if not queue:
                del self.queues[key]

    def _send(self, batch: Batch, leader: int) -> None:
        world = self.world
        configs = self.configs
        if self.idempotent and batch.base_sequence < 0:
            key = (batch.topic, batch.partition)
            batch.base_sequence = self.next_sequence.get(key, 0)
            self.next_sequence[key] = batch.base_sequence + len(batch.records)
        batch.attempt += 1
        batch.in_flight = True
        batch.leader = leader
        codec = configs["compression.type"]
        wire_size = compressed_size(batch, codec)
        world.emit(ev.BatchSent, producer=self.name, batch_id=batch.batch_id, topic=batch.topic,
                   partition=batch.partition, broker=leader, record_count=len(batch.records),
                   size_bytes=batch.size_bytes, compressed_size_bytes=wire_size,
                   compression=codec, base_sequence=batch.base_sequence, attempt=batch.attempt)
        body = {"producer": self.name, "batch_id": batch.batch_id, "attempt": batch.attempt,
                "topic": batch.topic, "partition": batch.partition, "acks": configs["acks"],
                "producer_id": self.producer_id if self.idempotent else -1,
                "producer_epoch": self.producer_epoch if self.idempotent else -1,
                "base_sequence": batch.base_sequence, "transactional": batch.transactional,
                "records": batch.records, "size_bytes": wire_size,
                "timeout_ms": configs["request.timeout.ms"]}
        summary = {"partition": f"{batch.topic}-{batch.partition}",
                   "records": len(batch.records), "batch_id": batch.batch_id,
                   "attempt": batch.attempt, "size_bytes": wire_size}
        world.network.send(self.actor_id, f"broker:{leader}", "produce", body, summary)
        if configs["acks"] == "0":
            world.emit(ev.ProduceAcknowledged, producer=self.name, batch_id=batch.batch_id,
                       topic=batch.topic, partition=batch.partition, base_offset=None,
                       last_offset=None, record_count=len(batch.records), acks="0",
                       attempt=batch.attempt)
            self._maybe_end_txn()
            return
        self.in_flight[batch.batch_id] = batch
        self.in_flight_by_broker[leader] = self.in_flight_by_broker.get(leader, 0) + 1
        world.schedule(configs["request.timeout.ms"], self.actor_id, "request_timed_out",
                       batch.batch_id, batch.attempt)

    def _take_in_flight(self, batch_id: int, attempt: int) -> Batch | None:
        batch = self.in_flight.get(batch_id)
        if batch is None or batch.attempt != attempt:
            return None
        del self.in_flight[batch_id]
        batch.in_flight = False
        left = self.in_flight_by_broker.get(batch.leader, 1) - 1
        if left:
            self.in_flight_by_broker[batch.leader] = left
        else:
            self.in_flight_by_broker.pop(batch.leader, None)
        return batch

    def _on_produce_response(self, body: dict) -> None:
        if body["error"] is not None:
            self._failed(body["batch_id"], body["attempt"], body["error"], body["error"])
            return
        batch = self._take_in_flight(body["batch_id"], body["attempt"])
        if batch is None:
            return
        self.refused.pop(batch.leader, None)
        self.world.emit(ev.ProduceAcknowledged, producer=self.name, batch_id=batch.batch_id,
                        topic=batch.topic, partition=batch.partition,
                        base_offset=body["base_offset"], last_offset=body["last_offset"],
                        record_count=len(batch.records), acks=self.configs["acks"],
                        attempt=batch.attempt)
        self.drain()
        self._maybe_end_txn()

    def request_timed_out(self, batch_id: int, attempt: int) -> None:
        batch = self.in_flight.get(batch_id)
        if batch is not None and batch.attempt == attempt:
            self._failed(batch_id, attempt, "REQUEST_TIMED_OUT",
                         f"Expiring request after {self.configs['request.timeout.ms']} ms "
                         "(request.timeout.ms) without a response")

    def _failed(self, batch_id: int, attempt: int, error: str, message: str) -> None:
        batch = self._take_in_flight(batch_id, attempt)
        if batch is None:
            return
        world = self.world
        configs = self.configs
        deadline = batch.created_ms + configs["delivery.timeout.ms"]
        retry = (error in RETRIABLE and batch.attempt <= configs["retries"]
                 and world.now_ms + configs["retry.backoff.ms"] < deadline)
        world.emit(ev.ProduceFailed, producer=self.name, batch_id=batch_id, topic=batch.topic,
                   partition=batch.partition, error=error,
                   message=ERROR_MESSAGES.get(error, message), will_retry=retry,
                   attempt=batch.attempt)
        if error in ("NOT_LEADER_OR_FOLLOWER", "REQUEST_TIMED_OUT", "NETWORK_EXCEPTION",
                     "UNKNOWN_TOPIC_OR_PARTITION"):
            self.request_metadata()
        backoff = configs["retry.backoff.ms"]
        if error == "NETWORK_EXCEPTION":
            # Refused connections back off exponentially (reconnect.backoff.*).
            failures = self.refused.get(batch.leader, 0)
            self.refused[batch.leader] = failures + 1
            backoff = min(configs["reconnect.backoff.max.ms"],
                          configs["reconnect.backoff.ms"] * 2 ** failures)
        if retry:
            batch.retry_at_ms = world.now_ms + backoff
            queue = self.queues.setdefault((batch.topic, batch.partition), [])
            # Back in creation (= sequence) order, ahead of newer batches.
            at = next((i for i, b in enumerate(queue) if b.batch_id > batch.batch_id), len(queue))
            queue.insert(at, batch)
            world.schedule(backoff, self.actor_id, "drain")
        else:
            self._given_up(batch)
            self._maybe_end_txn()
        self.drain()

    def _given_up(self, batch: Batch) -> None:
        """A batch that will never be written leaves a hole in the partition's
        sequence numbers: like Kafka since 2.5 (KIP-360), bump the producer epoch
        so sequences start again from 0 instead of failing forever."""
        if not self.idempotent or batch.base_sequence < 0 or self.pid_in_flight:
            return
        self.pid_in_flight = True
        broker = self._bootstrap()
        self.world.network.send(
            self.actor_id, f"broker:{broker}", "init_producer_id",
            {"producer": self.name, "transactional_id": self.configs["transactional.id"],
             "producer_id": self.producer_id, "producer_epoch": self.producer_epoch},
            {"producer": self.name, "bump_epoch": True})
        self.world.schedule(self.configs["request.timeout.ms"], self.actor_id,
                            "producer_id_timed_out")

    def expire_batch(self, batch_id: int, topic: str, partition: int) -> None:
        queue = self.queues.get((topic, partition))
        if not queue:
            return
        for batch in queue:
            if batch.batch_id == batch_id and not batch.in_flight:
                queue.remove(batch)
                self.world.emit(
                    ev.ProduceFailed, producer=self.name, batch_id=batch_id, topic=topic,
                    partition=partition, error="DELIVERY_TIMEOUT",
                    message=f"Expiring {len(batch.records)} record(s) for {topic}-{partition}: "
                            f"{self.configs['delivery.timeout.ms']} ms has passed since batch "
                            "creation", will_retry=False, attempt=batch.attempt)
                self._given_up(batch)
                return

    # ---- transactions ----------------------------------------------------------------
    def begin_transaction(self) -> None:
        self.txn_state = "ongoing"
        self.txn_partitions = set()
        self.world.emit(ev.TransactionStateChanged, producer=self.name,
                        transactional_id=self.configs["transactional.id"], state="ongoing",
                        partitions=[])

    def end_transaction(self, commit: bool) -> None:
        self.txn_state = "committing" if commit else "aborting"
        if commit:
            self.flush()
        else:
            # Abort drops what was not sent yet; what was sent gets an abort marker.
            for key in list(self.queues):
                self.queues[key] = [b for b in self.queues[key] if not b.transactional]
                if not self.queues[key]:
                    del self.queues[key]
        self._maybe_end_txn()

    def _maybe_end_txn(self) -> None:
        if self.txn_state not in ("committing", "aborting"):
            return
        if self.in_flight or any(b.transactional for q in self.queues.values() for b in q):
            return
        txn_id = self.configs["transactional.id"]
        commit = self.txn_state == "committing"
        self.txn_state = "ending"
        self.world.network.send(
            self.actor_id, f"broker:{coordinator_for(self.world, txn_id)}", "end_txn",
            {"producer": self.name, "transactional_id": txn_id, "producer_id": self.producer_id,
             "producer_epoch": self.producer_epoch, "commit": commit,
             "partitions": sorted(self.txn_partitions)},
            {"commit": commit, "partitions": [f"{t}-{p}" for t, p in sorted(self.txn_partitions)]})

    def resend_end_txn(self, body: dict) -> None:
        if self.txn_state == "ending" and not self.closed:
            txn_id = self.configs["transactional.id"]
            self.world.network.send(self.actor_id, f"broker:{coordinator_for(self.world, txn_id)}",
                                    "end_txn", body, {"commit": body["commit"], "retry": True})

    def _on_end_txn_response(self, body: dict) -> None:
        self.txn_state = None
        self.txn_partitions = set()

    def to_dict(self) -> dict:
        return {
            "name": self.name, "actor_id": self.actor_id, "configs": dict(self.configs),
            "idempotent": self.idempotent, "producer_id": self.producer_id,
            "producer_epoch": self.producer_epoch,
            "next_sequences": {f"{t}-{p}": s for (t, p), s in sorted(self.next_sequence.items())},
            "queued_batches": [
                {"batch_id": b.batch_id, "partition": f"{b.topic}-{b.partition}",
                 "records": len(b.records), "size_bytes": b.size_bytes, "closed": b.closed,
                 "attempt": b.attempt}
                for key in sorted(self.queues) for b in self.queues[key]],
            "in_flight_batches": [
                {"batch_id": b.batch_id, "partition": f"{b.topic}-{b.partition}",
                 "records": len(b.records), "broker": b.leader, "attempt": b.attempt,
                 "base_sequence": b.base_sequence}
                for _, b in sorted(self.in_flight.items())],
            "leaders": {f"{t}-{p}": leader for (t, p), leader in sorted(self.leaders.items())},
            "transaction": self.txn_state,
        }
