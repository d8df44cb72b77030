"""A KafkaConsumer: the application's poll loop plus the client's background duties.

One actor ``consumer:<name>`` plays both threads of Kafka's Java consumer:

* the **application thread** calls ``poll()``: it finds the coordinator, joins
  the group when needed, fetches committed offsets (or applies
  ``auto.offset.reset``), returns up to ``max.poll.records`` buffered records,
  then "processes" them for ``processing.ms.per.record`` each before polling
  again. Auto-commit happens inside poll, every ``auto.commit.interval.ms``.
* the **heartbeat thread** sends a heartbeat every ``heartbeat.interval.ms``
  and watches ``max.poll.interval.ms``: when processing runs past it, the
  client logs the WARN line and leaves the group. The partitions are lost,
  the uncommitted progress with them, and the next poll rejoins — which, if
  a batch always takes too long, is the endless rebalance loop of the guide.

Fetches go to each partition's leader (``consumer_fetch``) and fill a buffer,
as the Java fetcher prefetches. Each message is a hop on the simulated network
(``message_sent``/``message_delivered``) so a diagram can draw it.
"""

from __future__ import annotations

import json

from simulator import events as ev
from simulator.consumers.acls import topic_authorization_message
from simulator.consumers.assignors import ASSIGNORS, COOPERATIVE, MemberSubscription
from simulator.consumers.system import system
from simulator.engine import Actor

REQUEST_TIMEOUT_MS = 30_000
RETRY_BACKOFF_MS = 1_000  # how often a failing application loop tries poll() again
RECORDS_IN_EVENT = 5

POLL_TIMEOUT_WARNING = (
    "consumer poll timeout has expired. This means the time between subsequent calls to "
    "poll() was longer than the configured max.poll.interval.ms, which typically implies that "
    "the poll loop is spending too much time processing messages. You can address this either "
    "by increasing max.poll.interval.ms or by reducing the maximum size of batches returned in "
    "poll() with max.poll.records."
)
COMMIT_FAILED_REBALANCED = (
    "Commit cannot be completed since the group has already rebalanced and assigned the "
    "partitions to another member. This means that the time between subsequent calls to poll() "
    "was longer than the configured max.poll.interval.ms, which typically implies that the poll "
    "loop is spending too much time message processing. You can address this either by "
    "increasing max.poll.interval.ms or by reducing the maximum size of batches returned in "
    "poll() with max.poll.records."
)
COMMIT_FAILED_NOT_MEMBER = (
    "Offset commit cannot be completed since the consumer is not part of an active group for "
    "auto partition assignment; it is likely that the consumer was kicked out of the group."
)


def tp_name(tp) -> str:
    return f"{tp[0]}-{tp[1]}"


def tp_list(tps) -> str:
    return ", ".join(tp_name(tp) for tp in tps)


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


class ConsumerClient(Actor):
    """One consumer process (see the module docstring)."""

    def __init__(
        self,
        world,
        name: str,
        group: str,
        topics: list,
        configs: dict,
        principal: str,
        client_id: str,
        host: str,
    ):
        super().__init__(world)
        self.name = name
        self.actor_id = f"consumer:{name}"
        self.group_id = group
        self.topics = list(topics)
        self.configs = configs
        self.principal = principal
        self.client_id = client_id
        self.host = host
        self.status = "rebalancing"
        self.running = False
        self.incarnation = 0
        self._reset_membership_state()
        self.last_error: dict | None = None
        self.error_key = None

    def _reset_membership_state(self) -> None:
        self.coordinator: int | None = None
        self.finding_coordinator = False
        self.member_id = ""
        self.generation = -1
        self.joining = False
        self.rejoin_needed = True
        self.is_leader = False
        self.protocol: str | None = None
        self.assignment: list = []
        self.positions: dict = {}
        self.buffer: dict = {}  # tp -> (records, next_offset)
        self.fetch_inflight: dict = {}  # broker -> fetch id
        self.next_request = 0
        self.offset_fetch_pending = False
        self.processing = False
        self.waiting = False
        self.poll_seq = 0
        self.last_poll_ms = self.world.now_ms
        self.last_auto_commit_ms = self.world.now_ms
        self.committed: dict = {}  # what this client last committed, per tp
        self.autocommit_timer: int | None = None
        self.requests: dict = {}  # request id -> timeout timer

    # ---- helpers ------------------------------------------------------------------
    def cfg(self, key: str):
        return self.configs[key]

    @property
    def prefix(self) -> str:
        return f"[Consumer clientId={self.client_id}, groupId={self.group_id}] "

    def _set_status(self, status: str) -> None:
        if status != self.status:
            previous, self.status = self.status, status
            self.world.emit(
                ev.ConsumerStatusChanged,
                consumer=self.name,
                group=self.group_id,
                status=status,
                previous_status=previous,
            )

    def _error(
        self,
        error: str,
        message: str,
        topic=None,
        partition=None,
        offset=None,
        broker_log=None,
        status: str = "error",
    ) -> None:
        """Record an error once (a retrying loop does not repeat the event)."""
        key = (error, message, topic, partition, offset)
        self.last_error = {
            "error": error,
            "message": message,
            "topic": topic,
            "partition": partition,
            "offset": offset,
        }
        if key != self.error_key:
            self.error_key = key
            self.world.emit(
                ev.ConsumerError,
                consumer=self.name,
                group=self.group_id,
                error=error,
                message=message,
                topic=topic,
                partition=partition,
                offset=offset,
                broker_log=broker_log,
            )
        if status:
            self._set_status(status)

    def _clear_error(self) -> None:
        if self.error_key is not None:
            error = self.error_key[0]
            self.error_key = None
            self.world.emit(
                ev.ConsumerErrorCleared, consumer=self.name, group=self.group_id, error=error
            )

    def _later(self, delay_ms: int, method: str, *args) -> int:
        return self.world.schedule(delay_ms, self.actor_id, method, self.incarnation, *args)

    def _send(
        self,
        broker: int,
        kind: str,
        body: dict,
        summary: dict,
        timeout: bool = True,
        timeout_ms: int = REQUEST_TIMEOUT_MS,
    ):
        self.next_request += 1
        body = dict(
            body,
            request_id=self.next_request,
            group=self.group_id,
            principal=self.principal,
            host=self.host,
        )
        if timeout:
            self.requests[self.next_request] = self._later(
                timeout_ms, "request_timed_out", self.next_request, kind, broker
            )
        self.world.network.send(self.actor_id, f"broker:{broker}", kind, body, summary)
        return self.next_request

    def _answered(self, body: dict) -> bool:
        """Cancel the timeout of the request answered by `body`; False if it was given up."""
        timer = self.requests.pop(body.get("request_id"), None)
        if timer is None:
            return False
        self.world.cancel(timer)
        return True

    # ---- lifecycle ------------------------------------------------------------------
    def start(self) -> None:
        self.incarnation += 1
        self.running = True
        self._reset_membership_state()
        self._set_status("rebalancing")
        self._later(0, "poll")
        self._later(self.cfg("heartbeat.interval.ms"), "heartbeat")

    def stop(self, status: str | None) -> None:
        self.running = False
        self.incarnation += 1  # every pending timer of the old run is now stale
        if status is not None:
            self._set_status(status)

    def close(self) -> None:
        """consumer.close(): commit (with auto-commit) and leave the group at once."""
        if self.member_id and self.coordinator is not None:
            if self.cfg("enable.auto.commit"):
                self._commit(self._changed_positions(), "auto", quiet=True)
            self._send(
                self.coordinator,
                "leave_group",
                {
                    "member_id": self.member_id,
                    "reason": "the consumer is being closed",
                    "reason_code": "left",
                },
                {"member_id": self.member_id},
                timeout=False,
            )
        self.stop(None)  # gone for good: consumer_removed says so

    def on_message_dropped(self, message) -> None:
        """A request to a broker that is down: forget that broker as coordinator."""
        body = message.body or {}
        self._answered(body)
        if message.kind == "consumer_fetch":
            broker = int(message.target.split(":")[1])
            self.fetch_inflight.pop(broker, None)
        elif message.kind in ("find_coordinator",):
            self.finding_coordinator = False
        elif self.coordinator is not None and message.target == f"broker:{self.coordinator}":
            self._coordinator_lost()
        self._wake(RETRY_BACKOFF_MS)

    def request_timed_out(self, inc: int, request_id: int, kind: str, broker: int) -> None:
        if inc != self.incarnation or self.requests.pop(request_id, None) is None:
            return
        if kind == "consumer_fetch":
            self.fetch_inflight.pop(broker, None)
        elif kind == "find_coordinator":
            self.finding_coordinator = False
        else:
            if kind in ("join_group", "sync_group"):
                self.joining = False
                self.rejoin_needed = True
            if kind == "offset_fetch":
                self.offset_fetch_pending = False
            self._coordinator_lost()
        self._wake(0)

    def _coordinator_lost(self) -> None:
        self.coordinator = None
        if self.joining:
            self.joining = False
            self.rejoin_needed = True

    def _wake(self, delay_ms: int = 0) -> None:
        """Run poll() soon if the application is blocked waiting inside it."""
        if self.running and not self.processing:
            self.waiting = False
            self._later(delay_ms, "poll")

    # ---- the application's poll loop ------------------------------------------------
    def poll(self, inc: int) -> None:
        if inc != self.incarnation or not self.running or self.processing:
            return
        world = self.world
        self.poll_seq += 1
        self.last_poll_ms = world.now_ms
        self.waiting = False
        if not self._bootstrap_reachable():
            self._later(RETRY_BACKOFF_MS, "poll")
            return
        if not self.topics:
            self._unsubscribed()
            return
        sys_ = system(world)
        denied = [
            t
            for t in self.topics
            if t in world.topics and not sys_.acls.allowed(self.principal, "TOPIC", t, "READ")
        ]
        if denied:
            self._error("TopicAuthorizationException", topic_authorization_message(denied))
            self._later(RETRY_BACKOFF_MS, "poll")
            return
        unknown = [t for t in self.topics if t not in world.topics]
        if unknown and self.error_key is None:
            warning = ", ".join(f"{t}=UNKNOWN_TOPIC_OR_PARTITION" for t in unknown)
            self._error(
                "UNKNOWN_TOPIC_OR_PARTITION",
                f"{self.prefix}Error while fetching metadata with correlation id "
                f"{self.next_request + 1} : {{{warning}}}",
                status="",
            )
        if self.error_key is not None and self.error_key[0] in (
            "IllegalStateException",
            "TopicAuthorizationException",
            "ConnectionError",
        ):
            # (GroupAuthorizationException clears when FindCoordinator succeeds.)
            self._clear_error()
        if not unknown and self.error_key and self.error_key[0] == "UNKNOWN_TOPIC_OR_PARTITION":
            self._clear_error()
        if self.coordinator is None:
            self._find_coordinator()
            return
        if self.rejoin_needed or not self.member_id:
            if not self.joining:
                self._join()
            return
        if self.joining:
            return
        self._maybe_auto_commit()
        missing = [tp for tp in self.assignment if tp not in self.positions]
        if missing:
            if not self.offset_fetch_pending:
                self.offset_fetch_pending = True
                self._send(
                    self.coordinator,
                    "offset_fetch",
                    {"partitions": [list(tp) for tp in missing]},
                    {"partitions": [tp_name(tp) for tp in missing]},
                )
            return
        batch = self._take_records()
        self._send_fetches()
        if batch is None:  # stuck on a record poll() cannot deserialize
            self._later(RETRY_BACKOFF_MS, "poll")
            return
        if batch:
            self._process(batch)
        else:
            self.waiting = True
            self._set_status("polling" if self.assignment else "idle")
            self._schedule_autocommit()

    def _unsubscribed(self) -> None:
        """No subscription: leave the group (unsubscribe) and poll() throws."""
        if self.member_id and self.coordinator is not None:
            if self.cfg("enable.auto.commit"):
                self._commit(self._changed_positions(), "auto")
            self._send(
                self.coordinator,
                "leave_group",
                {
                    "member_id": self.member_id,
                    "reason": "the consumer unsubscribed from all topics",
                    "reason_code": "left",
                },
                {"member_id": self.member_id},
                timeout=False,
            )
        if self.assignment:
            self._change_assignment(
                [], f"{self.prefix}Revoke previously assigned partitions {tp_list(self.assignment)}"
            )
        self.member_id = ""
        self.generation = -1
        self.joining = False
        self.rejoin_needed = True
        self._error(
            "IllegalStateException",
            "Consumer is not subscribed to any topics or assigned any partitions",
        )
        self._later(RETRY_BACKOFF_MS, "poll")

    def _bootstrap_reachable(self) -> bool:
        world = self.world
        reachable = self.actor_id not in world.network.isolated
        servers = [s.strip() for s in self.cfg("bootstrap.servers").split(",") if s.strip()]
        known = {f"broker-{b}:9092" for b in world.brokers} | {"localhost:9092"}
        if reachable and any(s in known for s in servers):
            return True
        target = servers[0] if servers else "localhost:9092"
        host, _, port = target.partition(":")
        self._error(
            "ConnectionError",
            f"{self.prefix}Connection to node -1 ({host}/{host}:{port or 9092}) could "
            "not be established. Node may not be available.",
        )
        return False

    def _live_broker(self) -> int | None:
        for broker_id in sorted(self.world.brokers):
            if self.world.brokers[broker_id].state == "online":
                return broker_id
        return None

    def _find_coordinator(self) -> None:
        self._set_status("rebalancing")
        if self.finding_coordinator:
            return
        broker = self._live_broker()
        if broker is None:
            self._later(RETRY_BACKOFF_MS, "poll")
            return
        self.finding_coordinator = True
        self._send(broker, "find_coordinator", {"consumer": self.name}, {"group": self.group_id})

    def _join(self) -> None:
        """JoinGroup, after giving up partitions the way the rebalance protocol says."""
        cooperative = self._cooperative()
        if self.assignment and self.generation == -1:
            # Kicked out (or fenced): the partitions are lost, nothing is committed.
            self._change_assignment(
                [], f"{self.prefix}Lost previously assigned partitions {tp_list(self.assignment)}"
            )
        elif self.assignment and not cooperative:
            if self.cfg("enable.auto.commit"):
                self._commit(self._changed_positions(), "auto")
            self._change_assignment(
                [], f"{self.prefix}Revoke previously assigned partitions {tp_list(self.assignment)}"
            )
        self.joining = True
        self.rejoin_needed = False
        self._set_status("rebalancing")
        owned = [list(tp) for tp in self.assignment] if cooperative else []
        self._send(
            self.coordinator,
            "join_group",
            {
                "consumer": self.name,
                "member_id": self.member_id,
                "client_id": self.client_id,
                "topics": list(self.topics),
                "owned": owned,
                "strategies": list(self.cfg("partition.assignment.strategy")),
                "session_timeout_ms": self.cfg("session.timeout.ms"),
                "rebalance_timeout_ms": self.cfg("max.poll.interval.ms"),
                # Static membership (group.instance.id) is not modelled: dynamic only.
                "instance_id": None,
            },
            {"member_id": self.member_id or None, "topics": list(self.topics)},
            # The coordinator holds a JoinGroup until the whole group has joined:
            # Kafka waits max.poll.interval.ms + 5 s for it, not request.timeout.ms.
            timeout_ms=max(REQUEST_TIMEOUT_MS, self.cfg("max.poll.interval.ms") + 5_000),
        )

    def _cooperative(self) -> bool:
        strategies = self.cfg("partition.assignment.strategy")
        return all(COOPERATIVE in ASSIGNORS[s].protocols for s in strategies)

    def _change_assignment(self, new: list, log: str | None, added=None, revoked=None) -> None:
        old = list(self.assignment)
        revoked = [tp for tp in old if tp not in new] if revoked is None else revoked
        added = [tp for tp in new if tp not in old] if added is None else added
        self.assignment = list(new)
        for tp in revoked:
            self.positions.pop(tp, None)
            self.buffer.pop(tp, None)
        self.world.emit(
            ev.AssignmentChanged,
            group=self.group_id,
            consumer=self.name,
            member_id=self.member_id or None,
            generation=self.generation,
            assignment=[list(tp) for tp in self.assignment],
            added=[list(tp) for tp in added],
            revoked=[list(tp) for tp in revoked],
            log=log,
        )

    def _take_records(self) -> list | None:
        """Up to max.poll.records buffered records, partition by partition.

        Returns None when the very next record cannot be deserialized: poll()
        throws RecordDeserializationException and the loop is stuck on it.
        """
        limit = self.cfg("max.poll.records")
        expected = self.cfg("value.deserializer")
        batch = []
        for tp in list(self.assignment):
            if len(batch) >= limit:
                break
            buffered = self.buffer.get(tp)
            if not buffered:
                continue
            records, next_offset = buffered
            taken = []
            for record in records:
                if len(batch) + len(taken) >= limit:
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
            self.buffer[tp] = (rest, next_offset) if rest else None
            new_position = next_offset if not rest else rest[0].offset
            batch.append((tp, taken, new_position))
        if batch and self.error_key and self.error_key[0] == "RecordDeserializationException":
            self._clear_error()
        return batch

    def _process(self, batch: list) -> None:
        world = self.world
        count = 0
        for tp, records, new_position in batch:
            previous = self.positions.get(tp)
            self.positions[tp] = new_position
            count += len(records)
            world.emit(
                ev.ConsumerPositionChanged,
                consumer=self.name,
                group=self.group_id,
                topic=tp[0],
                partition=tp[1],
                position=new_position,
                previous_position=previous,
                reason="poll",
                count=len(records),
                records=[
                    {"offset": r.offset, "key": r.key, "value": r.value}
                    for r in records[:RECORDS_IN_EVENT]
                ],
                log=None,
            )
        duration = count * self.cfg("processing.ms.per.record")
        self.processing = True
        self._set_status("processing")
        self._later(duration, "finish_processing", self.poll_seq, count, duration)
        deadline = self.last_poll_ms + self.cfg("max.poll.interval.ms")
        if world.now_ms + duration > deadline:
            self._later(deadline - world.now_ms, "poll_timeout", self.poll_seq)

    def finish_processing(self, inc: int, seq: int, count: int, duration: int) -> None:
        if inc != self.incarnation or seq != self.poll_seq:
            return
        self.processing = False
        self.world.emit(
            ev.RecordsProcessed,
            consumer=self.name,
            group=self.group_id,
            count=count,
            duration_ms=duration,
        )
        self.poll(self.incarnation)

    # ---- the heartbeat thread --------------------------------------------------------
    def heartbeat(self, inc: int) -> None:
        if inc != self.incarnation or not self.running:
            return
        if self.member_id and self.coordinator is not None and not self.joining:
            self._send(
                self.coordinator,
                "heartbeat",
                {"member_id": self.member_id, "generation": self.generation},
                {"member_id": self.member_id, "generation": self.generation},
                timeout=False,
            )
        self._later(self.cfg("heartbeat.interval.ms"), "heartbeat")

    def poll_timeout(self, inc: int, seq: int) -> None:
        """max.poll.interval.ms passed inside processing: leave the group (KIP-62)."""
        if inc != self.incarnation or seq != self.poll_seq or not self.processing:
            return
        if not self.member_id:
            return
        self.world.emit(
            ev.PollTimeoutExpired,
            consumer=self.name,
            group=self.group_id,
            member_id=self.member_id,
            since_last_poll_ms=self.world.now_ms - self.last_poll_ms,
            log=f"{self.prefix}{POLL_TIMEOUT_WARNING}",
        )
        if self.coordinator is not None:
            self._send(
                self.coordinator,
                "leave_group",
                {
                    "member_id": self.member_id,
                    "reason": "consumer poll timeout has expired.",
                    "reason_code": "poll_timeout",
                },
                {"member_id": self.member_id},
                timeout=False,
            )
        self.member_id = ""
        self.generation = -1
        self.rejoin_needed = True

    # ---- commits ----------------------------------------------------------------------
    def _changed_positions(self) -> list:
        return [
            [tp[0], tp[1], pos]
            for tp, pos in self.positions.items()
            if tp in self.assignment and self.committed.get(tp) != pos
        ]

    def _maybe_auto_commit(self) -> None:
        if not self.cfg("enable.auto.commit"):
            return
        if self.world.now_ms - self.last_auto_commit_ms >= self.cfg("auto.commit.interval.ms"):
            self.last_auto_commit_ms = self.world.now_ms
            self._commit(self._changed_positions(), "auto")

    def _schedule_autocommit(self) -> None:
        """While blocked in poll(), the client still auto-commits on schedule."""
        if not self.cfg("enable.auto.commit") or not self._changed_positions():
            return
        due = self.last_auto_commit_ms + self.cfg("auto.commit.interval.ms") - self.world.now_ms
        self.world.cancel(self.autocommit_timer)
        self.autocommit_timer = self._later(max(0, due), "auto_commit_due")

    def auto_commit_due(self, inc: int) -> None:
        if inc != self.incarnation or not self.running or not self.waiting:
            return
        self.autocommit_timer = None
        self._maybe_auto_commit()

    def commit_sync(self) -> None:
        """consumer.commitSync() of the current positions (command ``commit_offsets``)."""
        if not self.member_id or self.coordinator is None:
            self.world.emit(
                ev.CommitFailed,
                group=self.group_id,
                consumer=self.name,
                error="CommitFailedException",
                message=COMMIT_FAILED_NOT_MEMBER,
            )
            return
        self._commit(
            [[tp[0], tp[1], pos] for tp, pos in self.positions.items() if tp in self.assignment],
            "manual",
        )

    def _commit(self, offsets: list, kind: str, quiet: bool = False) -> None:
        if not offsets or self.coordinator is None:
            return
        self._send(
            self.coordinator,
            "offset_commit",
            {
                "consumer": self.name,
                "member_id": self.member_id,
                "generation": self.generation,
                "offsets": offsets,
                "kind": kind,
            },
            {"offsets": {f"{t}-{p}": o for t, p, o in offsets}},
            timeout=not quiet,
        )

    # ---- fetching ---------------------------------------------------------------------
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

    # ---- responses -------------------------------------------------------------------
    def on_message(self, message) -> None:
        if not self.running:
            return
        handler = getattr(self, "_on_" + message.kind, None)
        if handler is not None:
            handler(message, message.body)

    def _on_find_coordinator_response(self, message, body) -> None:
        if not self._answered(body):
            return
        self.finding_coordinator = False
        if body["error"] == "GROUP_AUTHORIZATION_FAILED":
            self._error(
                "GroupAuthorizationException", body["message"], broker_log=body.get("broker_log")
            )
            self._wake(RETRY_BACKOFF_MS)
            return
        if body["error"] is not None:
            self._wake(RETRY_BACKOFF_MS)
            return
        if self.error_key and self.error_key[0] == "GroupAuthorizationException":
            self._clear_error()
        self.coordinator = body["broker"]
        self.world.emit(
            ev.GroupCoordinatorFound,
            consumer=self.name,
            group=self.group_id,
            broker=body["broker"],
            offsets_partition=body["offsets_partition"],
        )
        self._wake(0)

    def _group_error(self, body) -> bool:
        """Common handling of coordinator errors; True if the response is unusable."""
        error = body.get("error")
        if error is None:
            return False
        if error == "NOT_COORDINATOR":
            self._coordinator_lost()
        elif error == "GROUP_AUTHORIZATION_FAILED":
            self._error(
                "GroupAuthorizationException", body["message"], broker_log=body.get("broker_log")
            )
            self.joining = False
            self.rejoin_needed = True
        elif error in ("UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION"):
            self._fenced(error)
            self.joining = False
        elif error == "REBALANCE_IN_PROGRESS":
            self.joining = False
            self.rejoin_needed = True
        return True

    def _fenced(self, error: str) -> None:
        """The coordinator no longer knows us (UNKNOWN_MEMBER_ID: forget the member id)
        or our generation is over (ILLEGAL_GENERATION): our partitions are lost."""
        if error == "UNKNOWN_MEMBER_ID":
            self.member_id = ""
        self.generation = -1
        self.rejoin_needed = True

    def _on_join_group_response(self, message, body) -> None:
        if not self._answered(body):
            return
        if body.get("error") == "MEMBER_ID_REQUIRED":
            # KIP-394: join again at once, now with the id the coordinator gave us.
            self.member_id = body["member_id"]
            self.joining = False
            self._join()
            return
        if self._group_error(body):
            self._wake(0 if body.get("error") != "GROUP_AUTHORIZATION_FAILED" else RETRY_BACKOFF_MS)
            return
        self.member_id = body["member_id"]
        self.generation = body["generation"]
        self.protocol = body["protocol"]
        self.is_leader = body["leader"] == self.member_id
        assignments = {}
        if self.is_leader:
            assignments = self._assign(body["members"], body["protocol"])
        self._send(
            self.coordinator,
            "sync_group",
            {
                "member_id": self.member_id,
                "generation": self.generation,
                "assignments": assignments,
            },
            {"member_id": self.member_id, "generation": self.generation, "leader": self.is_leader},
        )

    def _assign(self, members: list, protocol: str) -> dict:
        """The leader runs the assignor over every member's subscription."""
        world = self.world
        topics = {t for m in members for t in m["topics"]}
        sizes = {
            t: len(world.topics[t].partitions)
            for t in sorted(topics)
            if t in world.topics and not getattr(world.topics[t], "internal", False)
        }
        subscriptions = [
            MemberSubscription(
                m["member_id"],
                tuple(m["topics"]),
                tuple(tuple(tp) for tp in m["owned"]),
                None,
                m["instance_id"],
            )
            for m in members
        ]
        result = ASSIGNORS[protocol].assign(sizes, subscriptions)
        return {member_id: [list(tp) for tp in tps] for member_id, tps in result.items()}

    def _on_sync_group_response(self, message, body) -> None:
        if not self._answered(body):
            return
        if self._group_error(body):
            self._wake(0)
            return
        self.joining = False
        new = [tuple(tp) for tp in body["assignment"]]
        old = list(self.assignment)
        revoked = [tp for tp in old if tp not in new]
        added = [tp for tp in new if tp not in old]
        if revoked:
            # Cooperative: give up only what moves, then join again so it can be handed over.
            if self.cfg("enable.auto.commit"):
                self._commit(
                    [
                        [t, p, self.positions[(t, p)]]
                        for t, p in revoked
                        if (t, p) in self.positions
                        and self.committed.get((t, p)) != self.positions[(t, p)]
                    ],
                    "auto",
                )
            self._change_assignment(
                [tp for tp in old if tp in new],
                f"{self.prefix}Revoke previously assigned partitions {tp_list(revoked)}",
                added=[],
                revoked=revoked,
            )
            self.rejoin_needed = True
        self._change_assignment(
            new,
            f"{self.prefix}Adding newly assigned partitions: {tp_list(added)}",
            added=added,
            revoked=[],
        )
        self._wake(0)

    def _on_heartbeat_response(self, message, body) -> None:
        error = body.get("error")
        if error is None:
            return
        self.world.emit(
            ev.HeartbeatAnswered,
            group=self.group_id,
            consumer=self.name,
            member_id=self.member_id,
            error=error,
        )
        if error == "REBALANCE_IN_PROGRESS":
            self.rejoin_needed = True
        elif error in ("UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION"):
            self._fenced(error)
        elif error in ("NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE"):
            self._coordinator_lost()
        if self.waiting:
            self._wake(0)

    def _on_offset_fetch_response(self, message, body) -> None:
        if not self._answered(body):
            return
        self.offset_fetch_pending = False
        if self._group_error(body):
            self._wake(0)
            return
        for topic, partition, committed in body["offsets"]:
            tp = (topic, partition)
            if tp not in self.assignment or tp in self.positions:
                continue
            if committed is not None:
                self.committed[tp] = committed
                self._set_position(
                    tp,
                    committed,
                    "committed",
                    f"{self.prefix}Setting offset for partition {tp_name(tp)} to "
                    f"the committed offset {self._fetch_position(tp, committed)}",
                )
            else:
                self._reset_position(
                    tp, f"{self.prefix}Found no committed offset for partition {tp_name(tp)}"
                )
        self._wake(0)

    def _fetch_position(self, tp, offset: int) -> str:
        meta = self.world.topics[tp[0]].partitions[tp[1]]
        leader = meta.leader
        leader_text = (
            f"Optional[broker-{leader}:9092 (id: {leader} rack: null)]"
            if leader is not None
            else "Optional.empty"
        )
        return (
            f"FetchPosition{{offset={offset}, offsetEpoch=Optional.empty, "
            f"currentLeader=LeaderAndEpoch{{leader={leader_text}, "
            f"epoch={meta.leader_epoch}}}}}"
        )

    def _set_position(self, tp, position: int, reason: str, log: str | None) -> None:
        previous = self.positions.get(tp)
        self.positions[tp] = position
        self.buffer.pop(tp, None)
        self.world.emit(
            ev.ConsumerPositionChanged,
            consumer=self.name,
            group=self.group_id,
            topic=tp[0],
            partition=tp[1],
            position=position,
            previous_position=previous,
            reason=reason,
            count=0,
            records=[],
            log=log,
        )

    def _reset_position(self, tp, why: str, out_of_range_offset: int | None = None) -> None:
        """Apply auto.offset.reset (ListOffsets to the leader, shortened to a lookup)."""
        policy = self.cfg("auto.offset.reset")
        if policy == "none":
            if out_of_range_offset is None:
                self._error(
                    "NoOffsetForPartitionException",
                    f"Undefined offset with no reset policy for partitions: [{tp_name(tp)}]",
                    tp[0],
                    tp[1],
                )
            else:
                self._error(
                    "OffsetOutOfRangeException",
                    f"Offsets out of range with no configured reset policy for "
                    f"partitions: {{{tp_name(tp)}={out_of_range_offset}}}",
                    tp[0],
                    tp[1],
                    out_of_range_offset,
                )
            return
        meta = self.world.topics[tp[0]].partitions[tp[1]]
        broker = self.world.brokers.get(meta.leader) if meta.leader is not None else None
        replica = broker.leader_replica(tp[0], tp[1]) if broker is not None else None
        if replica is None:
            return  # no leader now: the next poll tries again
        if policy == "earliest":
            position = replica.log.start_offset
        elif self.cfg("isolation.level") == "read_committed":
            position = replica.lso
        else:
            position = replica.hw
        self._set_position(
            tp,
            position,
            "reset",
            f"{why}; Resetting offset for partition {tp_name(tp)} to position "
            f"{self._fetch_position(tp, position)}.",
        )

    def _on_offset_commit_response(self, message, body) -> None:
        self._answered(body)
        error = body.get("error")
        if error is None:
            for topic, partition, offset in body["offsets"]:
                self.committed[(topic, partition)] = offset
            return
        message_text = (
            COMMIT_FAILED_REBALANCED
            if error in ("UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION", "REBALANCE_IN_PROGRESS")
            else f"Offset commit failed: {error}"
        )
        self.world.emit(
            ev.CommitFailed,
            group=self.group_id,
            consumer=self.name,
            error="CommitFailedException",
            message=message_text,
        )
        self._group_error(body)

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
