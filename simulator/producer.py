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
and a per-partition base sequence that stays the same across retries, as in
Kafka's TransactionManager / RecordAccumulator:

* a retry goes out only when it is the partition's first unfinished batch
  (``RecordAccumulator.shouldStopDrainBatchesForPartition``), so retries keep
  their order;
* OUT_OF_ORDER_SEQUENCE_NUMBER is retried; when the batch is the next one the
  broker should take (a real gap) the producer bumps its epoch
  (``TransactionManager.canRetry``);
* a batch given up after it was sent leaves its sequences *unresolved*: no new
  batch goes to that partition until the unfinished ones are done, and if a
  gap is left the epoch is bumped (``maybeResolveSequences``);
* an epoch bump is local for an idempotent producer
  (``bumpIdempotentProducerEpoch``; a transactional one asks its coordinator);
  the partition that needed it renumbers its unfinished batches from 0
  (``TxnPartitionEntry.startSequencesAtBeginning``), and no new-epoch batch
  goes to a partition while stale-epoch ones are unfinished there.

A lost connection (see `simulator.network`) fails every request in flight to
that broker with NETWORK_EXCEPTION, as Kafka's NetworkClient does on a
disconnect; they are retried in order. A request that times out closes the
connection to its broker the same way (NetworkClient.handleTimedOutRequests).
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
from simulator.producer_sequences import PartitionSequences
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
    producer_id: int = -1  # the id and epoch stamped with the sequence
    producer_epoch: int = -1
    sequence_reset: bool = False  # renumbered by an epoch bump


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
        self.pid_target: str | None = None
        self.metadata_target: str | None = None
        self.end_txn_body: dict | None = None
        self.sequences: dict[tuple[str, int], PartitionSequences] = {}
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
        self.metadata_target = f"broker:{broker}"
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
        self.pid_target = f"broker:{broker}"
        body = {"producer": self.name, "transactional_id": txn}
        summary = {"producer": self.name}
        if self.producer_id >= 0:
            # A transactional producer's epoch bump goes through its coordinator.
            body.update(producer_id=self.producer_id, producer_epoch=self.producer_epoch)
            summary["bump_epoch"] = True
        self.world.network.send(self.actor_id, self.pid_target, "init_producer_id", body,
                                summary)
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

    def on_connection_broken(self, peer: str) -> None:
        """The connection to a broker broke: as Kafka's NetworkClient on a
        disconnect, every request in flight on it fails (NETWORK_EXCEPTION, a
        retriable error) and the client reconnects for the next one."""
        if peer.startswith("broker:"):
            self._disconnected(peer)

    def _disconnected(self, peer: str, timed_out: int | None = None) -> None:
        broker = int(peer.split(":")[1])
        batches = [(batch_id, batch) for batch_id, batch in sorted(self.in_flight.items())
                   if batch.leader == broker]
        backoff = self.configs["retry.backoff.ms"]
        if self.metadata_in_flight and self.metadata_target == peer:
            self.metadata_in_flight = False
            self.bootstrap_index += 1
            self.world.schedule(backoff, self.actor_id, "request_metadata")
        if self.pid_in_flight and self.pid_target == peer:
            self.pid_in_flight = False
            self.bootstrap_index += 1
            self.world.schedule(backoff, self.actor_id, "request_producer_id")
        if self.txn_state == "ending" and self.end_txn_body is not None:
            txn_id = self.configs["transactional.id"]
            if peer == f"broker:{coordinator_for(self.world, txn_id)}":
                self.world.schedule(backoff, self.actor_id, "resend_end_txn", self.end_txn_body)
        # Last: failing a batch asks for metadata again, on a new connection
        # (so only the batches that were in flight on the old one fail).
        for batch_id, batch in batches:
            if batch_id == timed_out:
                self._failed(batch_id, batch.attempt, "REQUEST_TIMED_OUT",
                             f"Expiring request after {self.configs['request.timeout.ms']} ms "
                             "(request.timeout.ms) without a response")
            else:
                self._failed(batch_id, batch.attempt, "NETWORK_EXCEPTION",
                             f"Disconnected from node {broker}", refused=False)

    # ---- messages ----------------------------------------------------------------
    def on_message(self, message) -> None:
        kind = message.kind
        if kind == "produce_response":
            self._on_produce_response(message.body)
        elif kind == "metadata_response":
            self._on_metadata(message.body)
        elif kind == "init_producer_id_response":
            if not self.pid_in_flight:
                return  # an answer to a request given up on (a newer one is out)
            self.pid_in_flight = False
            self._set_producer_id(message.body["producer_id"], message.body["producer_epoch"])
        elif kind == "end_txn_response":
            self._on_end_txn_response(message.body)

    def _set_producer_id(self, producer_id: int, producer_epoch: int) -> None:
        """A new producer id or epoch. Batches that already have sequences keep
        them until their partition is rewritten or drained: a partition whose
        sequences are stale starts again at 0 with its next new batch
        (TransactionManager.maybeUpdateProducerIdAndEpoch)."""
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.world.emit(ev.ProducerIdAssigned, producer=self.name,
                        producer_id=producer_id, producer_epoch=producer_epoch)
        for key in sorted(self.sequences):
            self._maybe_bump(key)
        self.drain()

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
                if self.idempotent and not self._may_send(key, queue[0]):
                    break
                self._send(queue.pop(0), leader)
            if not queue:
                del self.queues[key]

    def _may_send(self, key: tuple, batch: Batch) -> bool:
        """RecordAccumulator.shouldStopDrainBatchesForPartition, inverted."""
        seqs = self.sequences.get(key)
        if seqs is None:
            return True
        if batch.base_sequence < 0:
            # A new batch waits while the partition's earlier sequences are in
            # doubt, an epoch bump is pending, or stale-epoch batches are
            # unfinished (else a new-epoch batch with sequence 0 could be
            # written before them).
            if seqs.unresolved_next is not None or seqs.bump_from_sequence is not None:
                return False
            return not (seqs.unfinished and seqs.is_stale(self.producer_id, self.producer_epoch))
        if seqs.bump_from_sequence is not None and batch.base_sequence >= seqs.bump_from_sequence:
            return False  # will be renumbered under the new epoch first
        # A retry goes out only as the first unfinished batch: retries one at a time.
        return bool(seqs.unfinished) and seqs.unfinished[0] is batch

    def _send(self, batch: Batch, leader: int) -> None:
        world = self.world
        configs = self.configs
        if self.idempotent and batch.base_sequence < 0:
            key = (batch.topic, batch.partition)
            seqs = self.sequences.get(key)
            if seqs is None:
                seqs = self.sequences[key] = PartitionSequences()
            if seqs.is_stale(self.producer_id, self.producer_epoch):
                # Nothing unfinished here (see _may_send): start again at 0.
                seqs.start_at_beginning(self.producer_id, self.producer_epoch)
            batch.base_sequence = seqs.next_sequence
            batch.producer_id = seqs.producer_id
            batch.producer_epoch = seqs.producer_epoch
            seqs.next_sequence += len(batch.records)
            seqs.add(batch)
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
                "producer_id": batch.producer_id if self.idempotent else -1,
                "producer_epoch": batch.producer_epoch if self.idempotent else -1,
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
        key = (batch.topic, batch.partition)
        if self.idempotent and key in self.sequences:
            self.sequences[key].acknowledged(batch)
        self.world.emit(ev.ProduceAcknowledged, producer=self.name, batch_id=batch.batch_id,
                        topic=batch.topic, partition=batch.partition,
                        base_offset=body["base_offset"], last_offset=body["last_offset"],
                        record_count=len(batch.records), acks=self.configs["acks"],
                        attempt=batch.attempt)
        if self.idempotent:
            self._after_batch_done(key)
        self.drain()
        self._maybe_end_txn()

    def request_timed_out(self, batch_id: int, attempt: int) -> None:
        """A request got no answer in request.timeout.ms. Kafka's NetworkClient
        then closes the connection to that broker (handleTimedOutRequests), so
        the other requests in flight on it fail too, as on any disconnect."""
        batch = self.in_flight.get(batch_id)
        if batch is None or batch.attempt != attempt:
            return
        peer = f"broker:{batch.leader}"
        self.world.network.close_connection(self.actor_id, peer)
        self._disconnected(peer, timed_out=batch_id)

    def _failed(self, batch_id: int, attempt: int, error: str, message: str,
                refused: bool = True) -> None:
        batch = self._take_in_flight(batch_id, attempt)
        if batch is None:
            return
        world = self.world
        configs = self.configs
        key = (batch.topic, batch.partition)
        retriable = error in RETRIABLE
        if (error == "OUT_OF_ORDER_SEQUENCE_NUMBER" and self.idempotent
                and configs["transactional.id"] is None):
            # The idempotent producer retries every OUT_OF_ORDER_SEQUENCE_NUMBER
            # (TransactionManager.canRetry); a transactional one fails the batch.
            retriable = True
            self._out_of_order(key, batch)
        deadline = batch.created_ms + configs["delivery.timeout.ms"]
        retry = (retriable and batch.attempt <= configs["retries"]
                 and world.now_ms + configs["retry.backoff.ms"] < deadline)
        world.emit(ev.ProduceFailed, producer=self.name, batch_id=batch_id, topic=batch.topic,
                   partition=batch.partition, error=error,
                   message=ERROR_MESSAGES.get(error, message), will_retry=retry,
                   attempt=batch.attempt)
        if error in ("NOT_LEADER_OR_FOLLOWER", "REQUEST_TIMED_OUT", "NETWORK_EXCEPTION",
                     "UNKNOWN_TOPIC_OR_PARTITION"):
            self.request_metadata()
        backoff = configs["retry.backoff.ms"]
        if error == "NETWORK_EXCEPTION" and refused:
            # Refused connections back off exponentially (reconnect.backoff.*).
            failures = self.refused.get(batch.leader, 0)
            self.refused[batch.leader] = failures + 1
            backoff = min(configs["reconnect.backoff.max.ms"],
                          configs["reconnect.backoff.ms"] * 2 ** failures)
        if retry:
            batch.retry_at_ms = world.now_ms + backoff
            queue = self.queues.setdefault(key, [])
            # Back in creation (= sequence) order, ahead of newer batches.
            at = next((i for i, b in enumerate(queue) if b.batch_id > batch.batch_id), len(queue))
            queue.insert(at, batch)
            world.schedule(backoff, self.actor_id, "drain")
        else:
            self._give_up(key, batch)
            self._maybe_end_txn()
        if self.idempotent:
            self._after_batch_done(key)
        self.drain()

    # ---- sequences and epoch bumps (TransactionManager) ---------------------------
    def _out_of_order(self, key: tuple, batch: Batch) -> None:
        """TransactionManager.canRetry for OUT_OF_ORDER_SEQUENCE_NUMBER: a batch
        that is not the next one expected may just be waiting for an earlier one
        (retry as is); the next one, or the one right after an unresolved
        sequence, means a real gap in the broker's log: bump the epoch."""
        seqs = self.sequences.get(key)
        if seqs is None:
            return
        is_next = batch.base_sequence == seqs.last_acked_sequence + 1
        if seqs.unresolved_next is None and (batch.sequence_reset or not is_next):
            return
        if seqs.unresolved_next is None or batch.base_sequence == seqs.unresolved_next:
            self._request_bump(key, batch.base_sequence)

    def _request_bump(self, key: tuple, from_sequence: int) -> None:
        """TransactionManager.requestEpochBumpForPartition."""
        seqs = self.sequences[key]
        if seqs.bump_from_sequence is None or from_sequence < seqs.bump_from_sequence:
            seqs.bump_from_sequence = from_sequence

    def _give_up(self, key: tuple, batch: Batch) -> None:
        """A batch that was sent and is now given up may or may not be in the
        log: its partition's sequences are unresolved until every other
        unfinished batch there is done (Sender.sendProducerData ->
        TransactionManager.markSequenceUnresolved)."""
        seqs = self.sequences.get(key)
        if not self.idempotent or batch.base_sequence < 0 or seqs is None:
            return
        seqs.finish(batch)
        seqs.mark_unresolved(batch)

    def _after_batch_done(self, key: tuple) -> None:
        """TransactionManager.maybeResolveSequences, then a pending bump."""
        seqs = self.sequences.get(key)
        if seqs is None:
            return
        if seqs.unresolved_next is not None and not seqs.unfinished:
            if seqs.next_sequence == seqs.last_acked_sequence + 1:
                seqs.unresolved_next = None  # the given-up batch was written after all
            else:
                self._request_bump(key, seqs.next_sequence)  # a hole: start again at 0
        self._maybe_bump(key)

    def _maybe_bump(self, key: tuple) -> None:
        """Carry out a partition's pending epoch bump once it is safe: none of
        its batches is on the wire, and every batch before the gap is done (so
        nothing that might already be in the log is renumbered and written
        again). The bump itself is local for an idempotent producer
        (TransactionManager.bumpIdempotentProducerEpoch) and asked of the
        coordinator for a transactional one; the partition's unfinished batches
        are then renumbered from 0 (TxnPartitionEntry.startSequencesAtBeginning)."""
        seqs = self.sequences.get(key)
        if seqs is None or seqs.bump_from_sequence is None:
            return
        if any(b.in_flight or b.base_sequence < seqs.bump_from_sequence
               for b in seqs.unfinished):
            return
        if not seqs.is_stale(self.producer_id, self.producer_epoch):
            if self.configs["transactional.id"] is not None:
                self.request_producer_id()  # the answer calls back here
            else:
                self._set_producer_id(self.producer_id, self.producer_epoch + 1)
            return
        seqs.start_at_beginning(self.producer_id, self.producer_epoch)

    def expire_batch(self, batch_id: int, topic: str, partition: int) -> None:
        key = (topic, partition)
        queue = self.queues.get(key)
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
                self._give_up(key, batch)
                if self.idempotent:
                    self._after_batch_done(key)
                self._maybe_end_txn()
                self.drain()
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
                dropped = [b for b in self.queues[key] if b.transactional]
                self.queues[key] = [b for b in self.queues[key] if not b.transactional]
                if not self.queues[key]:
                    del self.queues[key]
                for batch in dropped:  # a retry waiting here had a sequence
                    self._give_up(key, batch)
                if dropped and self.idempotent:
                    self._after_batch_done(key)
        self._maybe_end_txn()

    def _maybe_end_txn(self) -> None:
        if self.txn_state not in ("committing", "aborting"):
            return
        if self.in_flight or any(b.transactional for q in self.queues.values() for b in q):
            return
        txn_id = self.configs["transactional.id"]
        commit = self.txn_state == "committing"
        self.txn_state = "ending"
        self.end_txn_body = {
            "producer": self.name, "transactional_id": txn_id, "producer_id": self.producer_id,
            "producer_epoch": self.producer_epoch, "commit": commit,
            "partitions": sorted(self.txn_partitions)}
        self.world.network.send(
            self.actor_id, f"broker:{coordinator_for(self.world, txn_id)}", "end_txn",
            self.end_txn_body,
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
            "next_sequences": {f"{t}-{p}": s.next_sequence
                               for (t, p), s in sorted(self.sequences.items())},
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
