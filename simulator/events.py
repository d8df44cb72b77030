"""The closed set of events the simulator emits (documented in docs/events.md).

Every event is a slotted dataclass with ``seq`` (strictly increasing), ``at_ms``
(simulated time) and a ``kind`` (snake_case name). Events are state-carrying:
they carry the *new* value of what changed, so a reader can apply them
without knowing Kafka. `event_to_dict` is the one JSON shape used by the
WebSocket, the CLI and the golden transcripts.

Conventions for fields: ``broker`` is an int broker id, ``producer`` a producer
name (``"A"``), ``source``/``target`` are actor ids (``"broker:1"``,
``"producer:A"``). Offsets are ints; a missing leader is ``None``.

Append-friendly: the consumers package adds its events in the marked section
at the end of this file; an extension (simulator/extension.py) defines its
own with ``EXTENSION.event(kind)`` in its own package. `event_class` and
`event_to_dict` work for them too.
Field names ``kind``, ``seq`` and ``at_ms`` are reserved (``kind`` is the class's
wire name: a field of that name would shadow it and make the event unbuildable).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

EVENT_CLASSES: dict[str, type] = {}


def event(kind: str):
    """Register an event class under its wire name."""

    def register(cls):
        cls.kind = kind
        cls._field_names = tuple(f.name for f in fields(cls))
        EVENT_CLASSES[kind] = cls
        return cls

    return register


def event_class(kind: str) -> type:
    return EVENT_CLASSES[kind]


@dataclass(slots=True)
class Event:
    seq: int
    at_ms: int


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    to_dict = getattr(value, "to_dict", None)
    if to_dict is not None:
        return to_dict()
    raise TypeError(f"not JSON-able in an event: {type(value).__name__}")


def event_to_dict(ev: Event) -> dict:
    """``{"kind": ..., "seq": ..., "at_ms": ..., <fields>}`` with plain JSON values."""
    out = {"kind": ev.kind}
    for name in ev._field_names:
        out[name] = _jsonable(getattr(ev, name))
    return out


# ---- simulation and commands -------------------------------------------------


@event("simulation_started")
@dataclass(slots=True)
class SimulationStarted(Event):
    scenario: str
    seed: int


@event("command_applied")
@dataclass(slots=True)
class CommandApplied(Event):
    command: dict


@event("command_rejected")
@dataclass(slots=True)
class CommandRejected(Event):
    """A scenario timeline command that was invalid when its time came."""

    command: dict
    code: str
    message: str


@event("extension_loaded")
@dataclass(slots=True)
class ExtensionLoaded(Event):
    """An extension (simulator/extension.py) was loaded at time 0: its command
    types and event kinds are accepted and emitted from now on."""

    extension: str
    commands: list
    events: list


@event("cap_reached")
@dataclass(slots=True)
class CapReached(Event):
    cap: str
    limit: int
    message: str


# ---- network ------------------------------------------------------------------


@event("message_sent")
@dataclass(slots=True)
class MessageSent(Event):
    message_id: int
    message_kind: str
    source: str
    target: str
    sent_at_ms: int
    arrive_at_ms: int
    summary: dict


@event("message_delivered")
@dataclass(slots=True)
class MessageDelivered(Event):
    message_id: int
    message_kind: str
    source: str
    target: str


@event("message_dropped")
@dataclass(slots=True)
class MessageDropped(Event):
    message_id: int
    message_kind: str
    source: str
    target: str
    reason: str


@event("message_drop_rule_added")
@dataclass(slots=True)
class MessageDropRuleAdded(Event):
    source: str | None
    target: str | None
    message_kind: str | None
    count: int


# ---- controller quorum ----------------------------------------------------------


@event("controller_elected")
@dataclass(slots=True)
class ControllerElected(Event):
    controller: int
    epoch: int
    quorum: list


@event("controller_lost")
@dataclass(slots=True)
class ControllerLost(Event):
    """No active controller: the previous one stopped; an election is pending
    (or impossible while fewer than a majority of voters run)."""

    controller: int | None
    epoch: int
    reason: str


@event("controller_crashed")
@dataclass(slots=True)
class ControllerCrashed(Event):
    controller: int
    state: str


@event("controller_restarted")
@dataclass(slots=True)
class ControllerRestarted(Event):
    controller: int
    state: str


# ---- brokers --------------------------------------------------------------------


@event("broker_crashed")
@dataclass(slots=True)
class BrokerCrashed(Event):
    broker: int
    state: str


@event("broker_restarted")
@dataclass(slots=True)
class BrokerRestarted(Event):
    broker: int
    state: str


@event("broker_isolated")
@dataclass(slots=True)
class BrokerIsolated(Event):
    broker: int
    state: str


@event("broker_reconnected")
@dataclass(slots=True)
class BrokerReconnected(Event):
    broker: int
    state: str


@event("broker_slowed")
@dataclass(slots=True)
class BrokerSlowed(Event):
    broker: int
    slow_ms: int


@event("broker_fenced")
@dataclass(slots=True)
class BrokerFenced(Event):
    broker: int
    state: str
    reason: str


@event("broker_unfenced")
@dataclass(slots=True)
class BrokerUnfenced(Event):
    broker: int
    state: str


@event("broker_added")
@dataclass(slots=True)
class BrokerAdded(Event):
    broker: int
    state: str


# ---- topics and partitions --------------------------------------------------------


@event("topic_created")
@dataclass(slots=True)
class TopicCreated(Event):
    topic: str
    configs: dict
    partitions: list  # [{partition, replicas, leader, leader_epoch, isr, preferred_leader}]


@event("partitions_created")
@dataclass(slots=True)
class PartitionsCreated(Event):
    """A topic grew (kafka-topics --alter --partitions); `partitions` lists the new ones."""

    topic: str
    partitions: list  # [{partition, replicas, leader, leader_epoch, isr, preferred_leader}]


@event("topic_deleted")
@dataclass(slots=True)
class TopicDeleted(Event):
    topic: str


@event("topic_config_changed")
@dataclass(slots=True)
class TopicConfigChanged(Event):
    topic: str
    configs: dict


@event("leader_changed")
@dataclass(slots=True)
class LeaderChanged(Event):
    """The controller chose a new leader (``None``: the partition is offline)."""

    topic: str
    partition: int
    leader: int | None
    previous_leader: int | None
    leader_epoch: int
    isr: list
    election: str  # initial | clean | unclean | preferred | offline


@event("isr_changed")
@dataclass(slots=True)
class IsrChanged(Event):
    """`log_line` is what the broker (shrink/expand) or controller (fenced) logs."""

    topic: str
    partition: int
    isr: list
    leader: int | None
    leader_epoch: int
    reason: str  # shrink | expand | fenced
    log_line: str


# ---- logs -------------------------------------------------------------------------


@event("records_appended")
@dataclass(slots=True)
class RecordsAppended(Event):
    """Records written to one replica's log (`role` leader or follower).

    `records` carries the appended records for a leader append (their
    offsets, keys, values...) and is empty for follower copies, which repeat
    the leader's records: only `base_offset`, `last_offset` and `leo` change.
    """

    broker: int
    topic: str
    partition: int
    role: str
    base_offset: int
    last_offset: int
    leo: int
    records: tuple


@event("high_watermark_changed")
@dataclass(slots=True)
class HighWatermarkChanged(Event):
    broker: int
    topic: str
    partition: int
    high_watermark: int


@event("last_stable_offset_changed")
@dataclass(slots=True)
class LastStableOffsetChanged(Event):
    broker: int
    topic: str
    partition: int
    last_stable_offset: int


@event("log_truncated")
@dataclass(slots=True)
class LogTruncated(Event):
    """A replica cut its log back to `leo` (a returning leader's divergent tail)."""

    broker: int
    topic: str
    partition: int
    leo: int
    removed_records: int
    reason: str


@event("segment_rolled")
@dataclass(slots=True)
class SegmentRolled(Event):
    broker: int
    topic: str
    partition: int
    base_offset: int
    segment_count: int


@event("segments_deleted")
@dataclass(slots=True)
class SegmentsDeleted(Event):
    broker: int
    topic: str
    partition: int
    deleted_segments: int
    deleted_records: int
    log_start_offset: int
    reason: str  # retention.ms | retention.bytes | cap | leader_log_start


@event("replica_added")
@dataclass(slots=True)
class ReplicaAdded(Event):
    broker: int
    topic: str
    partition: int
    role: str
    leader: int | None
    leader_epoch: int


@event("replica_role_changed")
@dataclass(slots=True)
class ReplicaRoleChanged(Event):
    """A broker learnt (through metadata) that it now leads or follows."""

    broker: int
    topic: str
    partition: int
    role: str
    leader: int | None
    leader_epoch: int
    # The HW this replica starts its new role with: a follower learns the HW
    # from fetch answers without an event, so a new leader's HW is known here.
    high_watermark: int


# ---- producers ----------------------------------------------------------------------


@event("producer_added")
@dataclass(slots=True)
class ProducerAdded(Event):
    producer: str
    configs: dict


@event("producer_removed")
@dataclass(slots=True)
class ProducerRemoved(Event):
    producer: str


@event("producer_id_assigned")
@dataclass(slots=True)
class ProducerIdAssigned(Event):
    producer: str
    producer_id: int
    producer_epoch: int


@event("metadata_refreshed")
@dataclass(slots=True)
class MetadataRefreshed(Event):
    producer: str
    broker: int
    leaders: dict  # {"orders-0": 1, ...}


@event("records_queued")
@dataclass(slots=True)
class RecordsQueued(Event):
    """Records handed to a producer: where each went and why.

    Each item: {key, value, partition, reason, murmur2} where reason is
    explicit | key | uniform_sticky | sticky | round_robin and murmur2 the
    key's hash as Kafka's signed int (``None`` without a key). Only the first
    100 records of one command are itemised; `record_count` counts them all.
    """

    producer: str
    topic: str
    record_count: int
    records: list


@event("batch_sent")
@dataclass(slots=True)
class BatchSent(Event):
    producer: str
    batch_id: int
    topic: str
    partition: int
    broker: int
    record_count: int
    size_bytes: int
    compressed_size_bytes: int
    compression: str
    base_sequence: int
    attempt: int


@event("produce_acknowledged")
@dataclass(slots=True)
class ProduceAcknowledged(Event):
    """The producer learnt its batch is written (acks=0: only that it was sent,
    so offsets are ``None``)."""

    producer: str
    batch_id: int
    topic: str
    partition: int
    base_offset: int | None
    last_offset: int | None
    record_count: int
    acks: str
    attempt: int


@event("produce_failed")
@dataclass(slots=True)
class ProduceFailed(Event):
    producer: str
    batch_id: int
    topic: str
    partition: int
    error: str
    message: str
    will_retry: bool
    attempt: int


@event("produce_rejected")
@dataclass(slots=True)
class ProduceRejected(Event):
    """The partition leader refused a produce request (the error code Kafka sends)."""

    broker: int
    producer: str
    topic: str
    partition: int
    error: str
    message: str


@event("duplicate_discarded")
@dataclass(slots=True)
class DuplicateDiscarded(Event):
    """An idempotent retry of an already written batch: not appended again,
    answered with the original offsets."""

    broker: int
    producer: str
    topic: str
    partition: int
    producer_id: int
    base_sequence: int
    base_offset: int
    last_offset: int


@event("transaction_state_changed")
@dataclass(slots=True)
class TransactionStateChanged(Event):
    producer: str
    transactional_id: str
    state: str  # ongoing | prepare_commit | prepare_abort | complete_commit | complete_abort
    partitions: list


@event("transaction_marker_written")
@dataclass(slots=True)
class TransactionMarkerWritten(Event):
    broker: int
    topic: str
    partition: int
    offset: int
    control: str  # commit | abort
    producer_id: int


# ======================================================================================
# Consumer and group events (owned by simulator/consumers). Append below this line.
# ======================================================================================


@event("consumer_added")
@dataclass(slots=True)
class ConsumerAdded(Event):
    consumer: str
    group: str
    client_id: str
    principal: str
    configs: dict
    topics: list


@event("consumer_removed")
@dataclass(slots=True)
class ConsumerRemoved(Event):
    """The consumer closed (it left its group politely) and is gone."""

    consumer: str
    group: str


@event("consumer_crashed")
@dataclass(slots=True)
class ConsumerCrashed(Event):
    """The process died: no LeaveGroup, so the group notices only at session.timeout.ms."""

    consumer: str
    group: str


@event("consumer_restarted")
@dataclass(slots=True)
class ConsumerRestarted(Event):
    consumer: str
    group: str


@event("consumer_subscribed")
@dataclass(slots=True)
class ConsumerSubscribed(Event):
    consumer: str
    group: str
    topics: list


@event("consumer_config_changed")
@dataclass(slots=True)
class ConsumerConfigChanged(Event):
    consumer: str
    configs: dict  # the full effective config after the change


@event("consumer_status_changed")
@dataclass(slots=True)
class ConsumerStatusChanged(Event):
    """status: polling | processing | idle | rebalancing | stuck | crashed | stopped | error."""

    consumer: str
    group: str
    status: str
    previous_status: str


@event("group_coordinator_found")
@dataclass(slots=True)
class GroupCoordinatorFound(Event):
    """FindCoordinator answered: the leader of __consumer_offsets-<offsets_partition>."""

    consumer: str
    group: str
    broker: int
    offsets_partition: int
    log: str  # "Discovered group coordinator broker-2:9092 (id: 2147483645 rack: null)"


@event("group_state_changed")
@dataclass(slots=True)
class GroupStateChanged(Event):
    """The coordinator's view of a group. ``log`` is the broker's INFO line, if any."""

    group: str
    state: str  # Empty | PreparingRebalance | CompletingRebalance | Stable | Dead
    generation: int
    protocol: str | None  # the chosen assignor (range, roundrobin, sticky, cooperative-sticky)
    rebalance_protocol: str | None  # eager | cooperative
    leader: str | None  # leader member id
    members: list  # member ids
    coordinator: int | None
    log: str | None


@event("member_joined")
@dataclass(slots=True)
class MemberJoined(Event):
    """A JoinGroup request reached the coordinator (new member or rejoin)."""

    group: str
    member_id: str
    consumer: str
    topics: list
    owned: list  # [[topic, partition], ...] still held (cooperative) or []


@event("member_removed")
@dataclass(slots=True)
class MemberRemoved(Event):
    """reason: session_timeout | poll_timeout | left | rebalance_timeout."""

    group: str
    member_id: str
    consumer: str
    reason: str
    log: str


@event("assignment_changed")
@dataclass(slots=True)
class AssignmentChanged(Event):
    """A member learnt its assignment from SyncGroup (or lost it)."""

    group: str
    consumer: str
    member_id: str | None
    generation: int
    assignment: list  # [[topic, partition], ...] the consumer's whole new assignment
    added: list
    revoked: list
    log: str | None  # "Adding newly assigned partitions: orders-0, orders-1"


@event("heartbeat_answered")
@dataclass(slots=True)
class HeartbeatAnswered(Event):
    """A heartbeat reached the coordinator; ``error`` is None or REBALANCE_IN_PROGRESS,
    UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, COORDINATOR_NOT_AVAILABLE."""

    group: str
    consumer: str
    member_id: str
    error: str | None
    log: str  # the client's "Attempt to heartbeat failed since ..." line


@event("poll_timeout_expired")
@dataclass(slots=True)
class PollTimeoutExpired(Event):
    """max.poll.interval.ms passed without poll(): the client leaves the group."""

    consumer: str
    group: str
    member_id: str
    since_last_poll_ms: int
    log: str  # the client's WARN line


@event("consumer_position_changed")
@dataclass(slots=True)
class ConsumerPositionChanged(Event):
    """The next offset the consumer will read. reason: poll | reset | seek | committed.

    For ``poll``, ``count`` records were returned to the application and
    ``records`` carries the first few ({offset, key, value}).
    """

    consumer: str
    group: str
    topic: str
    partition: int
    position: int
    previous_position: int | None
    reason: str
    count: int
    records: list
    log: str | None


@event("records_processed")
@dataclass(slots=True)
class RecordsProcessed(Event):
    """The application finished processing what the last poll returned."""

    consumer: str
    group: str
    count: int
    duration_ms: int


@event("offset_committed")
@dataclass(slots=True)
class OffsetCommitted(Event):
    """A committed offset written as a record to __consumer_offsets.

    commit_kind: auto | manual | reset (kafka-consumer-groups --reset-offsets).
    ``record_offset`` is that record's offset in its __consumer_offsets partition.
    """

    group: str
    consumer: str | None
    topic: str
    partition: int
    offset: int
    commit_kind: str
    coordinator: int | None
    offsets_partition: int
    record_offset: int


@event("commit_failed")
@dataclass(slots=True)
class CommitFailed(Event):
    group: str
    consumer: str
    error: str
    message: str


@event("consumer_error")
@dataclass(slots=True)
class ConsumerError(Event):
    """An exception poll() throws, or a connection the client cannot make.

    error: RecordDeserializationException | TopicAuthorizationException |
    GroupAuthorizationException | NoOffsetForPartitionException |
    OffsetOutOfRangeException | ConnectionError. ``broker_log`` is the matching
    broker-side line (e.g. the authorizer's), when there is one.
    """

    consumer: str
    group: str
    error: str
    message: str
    topic: str | None
    partition: int | None
    offset: int | None
    broker_log: str | None


@event("consumer_error_cleared")
@dataclass(slots=True)
class ConsumerErrorCleared(Event):
    consumer: str
    group: str
    error: str


@event("acls_changed")
@dataclass(slots=True)
class AclsChanged(Event):
    """The ACLs of one resource, complete after the change."""

    resource_type: str  # TOPIC | GROUP
    name: str
    acls: list  # [{principal, host, operation, permission}]


@event("offsets_expired")
@dataclass(slots=True)
class OffsetsExpired(Event):
    """An empty group's committed offsets passed ``offsets.retention.minutes`` (7 days
    since 2.0) and were deleted; with no offsets left the group is removed."""

    group: str
    partitions: list  # ["orders-0", ...]
    log: str


# ======================================================================================
# Outside Kafka clients through the wire-protocol gateway (owned by
# simulator/wire_clients; shapes in docs/events.md "Outside clients"). Append below.
# ======================================================================================


@event("wire_client_connected")
@dataclass(slots=True)
class WireClientConnected(Event):
    client: str  # the gateway's name for it (``gw-7``)
    actor_id: str  # ``wire:gw-7``: source/target of its messages
    client_id: str
    software: str
    label: str  # what the diagram shows: ``kafka-python gw-7``


@event("wire_client_closed")
@dataclass(slots=True)
class WireClientClosed(Event):
    client: str
    actor_id: str


@event("wire_response")
@dataclass(slots=True)
class WireResponse(Event):
    """The answer to a ``wire_request``: `response` follows Kafka's response
    schema (kio's snake_case names, Kafka's numeric error codes, bytes as
    base64 text). Emitted in request order per (client, broker) connection."""

    client: str
    broker: int
    correlation_id: int
    api: str
    response: dict


@event("wire_disconnect")
@dataclass(slots=True)
class WireDisconnect(Event):
    """The client's connection to `broker` is gone (the broker crashed, was
    unreachable, or the connection was reset): close that TCP connection. The
    requests unanswered on it (`correlation_ids`) get no answer."""

    client: str
    broker: int
    reason: str  # broker_down | connection_reset
    correlation_ids: list
