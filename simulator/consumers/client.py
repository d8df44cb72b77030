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

The class is assembled from mixins, one module each: ``client_membership``
(coordinator, join/sync, heartbeats), ``client_offsets`` (commits, resets) and
``client_fetch`` (fetches, buffer, deserialization).

Fetches go to each partition's leader (``consumer_fetch``) and fill a buffer,
as the Java fetcher prefetches. Each message is a hop on the simulated network
(``message_sent``/``message_delivered``) so a diagram can draw it.
"""

from __future__ import annotations

import functools

from simulator import events as ev
from simulator.consumers.acls import topic_authorization_message
from simulator.consumers.client_common import (
    REQUEST_TIMEOUT_MS,
    RETRY_BACKOFF_MS,
    tp_list,
    tp_name,
)
from simulator.consumers.client_fetch import Fetching
from simulator.consumers.client_membership import GroupMembership
from simulator.consumers.client_offsets import Offsets
from simulator.consumers.system import system
from simulator.engine import Actor, broker_lifecycle_hook


# Every poll asks whether bootstrap.servers names a broker of this cluster
# ("broker-<id>:9092", or localhost:9092); a consumer polls several times a
# second, so the config string is split once, not each time.
@functools.lru_cache(maxsize=256)
def _servers(config: str) -> tuple[str, ...]:
    return tuple(s.strip() for s in config.split(",") if s.strip())


@functools.lru_cache(maxsize=256)
def _broker_of(server: str) -> int | None:
    """The broker id a "broker-<id>:9092" address names (exactly as
    f"broker-{id}:9092" spells it), else None."""
    if server.startswith("broker-") and server.endswith(":9092"):
        text = server[len("broker-"):-len(":9092")]
        if text.isdigit() and str(int(text)) == text:
            return int(text)
    return None

RECORDS_IN_EVENT = 5


class ConsumerClient(GroupMembership, Offsets, Fetching, Actor):
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
        self.requests: dict = {}  # request id -> (timeout timer, kind, broker)

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
            timer = self._later(timeout_ms, "request_timed_out", self.next_request, kind, broker)
            self.requests[self.next_request] = (timer, kind, broker)
        self.world.network.send(self.actor_id, f"broker:{broker}", kind, body, summary)
        return self.next_request

    def _answered(self, body: dict) -> bool:
        """Cancel the timeout of the request answered by `body`; False if it was given up."""
        pending = self.requests.pop(body.get("request_id"), None)
        if pending is None:
            return False
        self.world.cancel(pending[0])
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

    def broker_disconnected(self, broker: int) -> None:
        """The broker died: its connection closes, so requests in flight to it fail now
        ("Group coordinator ... is unavailable or invalid ... Rediscovery will be attempted")."""
        if not self.running:
            return
        for request_id, (timer, kind, target) in list(self.requests.items()):
            if target == broker:
                self.world.cancel(timer)
                self.request_timed_out(self.incarnation, request_id, kind, target)
        if self.coordinator == broker:
            self._coordinator_lost()
            self._wake(0)

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
            # ConsumerCoordinator.poll looks the coordinator up (ensureCoordinatorReady
            # sends FindCoordinator) in the same network poll that carries the metadata
            # request; ConsumerNetworkClient.poll throws the metadata's
            # TopicAuthorizationException only after it (metadata.maybeThrowAnyException).
            # So the broker still gets FindCoordinator, and creates __consumer_offsets.
            if self.coordinator is None:
                self._find_coordinator()
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
        servers = _servers(self.cfg("bootstrap.servers"))
        if reachable:  # a loop, not any(<generator>): every poll() asks
            brokers = world.brokers
            for s in servers:
                if s == "localhost:9092" or _broker_of(s) in brokers:
                    return True
        target = servers[0] if servers else "localhost:9092"
        host, _, port = target.partition(":")
        self._error(
            "ConnectionError",
            f"{self.prefix}Connection to node -1 ({host}/{host}:{port or 9092}) could "
            "not be established. Node may not be available.",
        )
        return False

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
    def on_message(self, message) -> None:
        if not self.running:
            return
        handler = getattr(self, "_on_" + message.kind, None)
        if handler is not None:
            handler(message, message.body)


@broker_lifecycle_hook
def _close_connections_of_crashed_broker(world, broker_id: int, what: str) -> None:
    if what == "crashed" and "consumers" in world.ext:
        for client in list(system(world).consumers.values()):
            client.broker_disconnected(broker_id)
