"""A broker: replicas of partitions, leader and follower duties, producer state.

Leaders append produce requests, answer follower fetches (long-polling up to
``replica.fetch.wait.max.ms``), track each follower's LEO and last caught-up
time, shrink/expand the ISR through the controller, advance the high
watermark (min LEO over the ISR; frozen while the ISR is smaller than
``min.insync.replicas``) and complete ``acks=all`` requests when it passes
their offsets. Followers fetch from their leader, truncate a divergent tail
(the leader says where their last epoch ended), copy records and follow the
leader's HW and log start offset.

Extension point: other message kinds arriving at a broker (group coordinator
requests, consumer fetches) are dispatched through `BROKER_MESSAGE_HANDLERS`:

    @on_broker_message("join_group")
    def _join(broker, message): ...

and may use `Broker.read_for_consumer`, `Broker.append_as_leader` and
`Broker.when_high_watermark` (all documented below and in docs/events.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulator import events as ev
from simulator import produce_handling, retention, transactions
from simulator.engine import BROKER_LIFECYCLE_HOOKS, Actor
from simulator.limits import MAX_RECORDS_PER_PARTITION
from simulator.log import PartitionLog, Record, record_size
from simulator.produce_handling import ProducerEntry
from simulator.topics import effective_min_isr

BROKER_MESSAGE_HANDLERS: dict[str, Callable] = {}
MAX_FETCH_RECORDS = 2000


def on_broker_message(kind: str) -> Callable:
    """Decorator: handle messages of `kind` arriving at any broker: ``fn(broker, message)``."""

    def register(fn: Callable) -> Callable:
        BROKER_MESSAGE_HANDLERS[kind] = fn
        return fn

    return register


@dataclass(slots=True)
class FollowerProgress:
    leo: int = 0
    last_caught_up_ms: int = 0
    last_fetch_ms: int = 0
    last_fetch_leader_leo: int = 0


@dataclass(slots=True)
class Waiter:
    required_offset: int  # HW must reach this
    actor_id: str
    method: str
    args: tuple


class Replica:
    """One broker's copy of one partition."""

    __slots__ = ("topic", "partition", "log", "hw", "lso", "role", "leader", "leader_epoch",
                 "partition_epoch", "replicas", "isr", "followers", "isr_pending_since",
                 "producers", "ongoing_txns", "aborted", "waiters", "has_markers")

    def __init__(self, topic: str, partition: int, now_ms: int):
        self.topic = topic
        self.partition = partition
        self.log = PartitionLog(now_ms)
        self.hw = 0
        self.lso = 0
        self.role = "none"
        self.leader: int | None = None
        self.leader_epoch = -1
        self.partition_epoch = -1
        self.replicas: tuple = ()
        self.isr: tuple = ()
        self.followers: dict[int, FollowerProgress] = {}
        self.isr_pending_since: int | None = None
        self.producers: dict[int, ProducerEntry] = {}
        self.ongoing_txns: dict[int, int] = {}  # producer id -> first offset
        self.aborted: list[tuple[int, int, int]] = []  # (producer id, first, marker offset)
        self.waiters: list[Waiter] = []
        self.has_markers = False  # any transaction marker in this log (readers skip them)

    @property
    def name(self) -> str:
        return f"{self.topic}-{self.partition}"

    def is_aborted(self, record: Record) -> bool:
        """True if `record` belongs to an aborted transaction (read_committed skips it)."""
        if not record.transactional:
            return False
        for pid, first, marker in self.aborted:
            if pid == record.producer_id and first <= record.offset < marker:
                return True
        return False


class Broker(Actor):
    def __init__(self, world, broker_id: int):
        super().__init__(world)
        self.broker_id = broker_id
        self.actor_id = f"broker:{broker_id}"
        self.crashed = False
        self.incarnation = 0
        self.replicas: dict[tuple[str, int], Replica] = {}
        self.metadata: dict[tuple[str, int], tuple] = {}  # this broker's view
        self.metadata_version = -1
        self.fetchers: dict[int, int | None] = {}  # leader id -> in-flight fetch id
        self.next_fetch_id = 0
        self.parked_fetches: dict[int, tuple] = {}  # follower -> (message, timer id)
        self.newest_fetch_ids: dict[int, int] = {}  # follower -> newest fetch id seen
        self.txn_coordinator: dict[str, dict] = {}

    # ---- state ----------------------------------------------------------------
    @property
    def state(self) -> str:
        if self.crashed:
            return "crashed"
        network = self.world.network
        if self.actor_id in network.isolated or self.actor_id in network.cluster_isolated:
            return "isolated"
        if self.world.controller.is_fenced(self.broker_id):
            return "fenced"
        return "online"

    @property
    def slow_ms(self) -> int:
        return self.world.network.slow_ms.get(self.actor_id, 0)

    def cfg(self, key: str):
        return self.world.config[key]

    def start(self) -> None:
        """(Re)start: register with the controller, start the periodic duties."""
        self.incarnation += 1
        inc = self.incarnation
        self._send_controller("broker_registration", {"broker": self.broker_id})
        world = self.world
        world.schedule(self.cfg("broker.heartbeat.interval.ms"), self.actor_id, "heartbeat", inc)
        world.schedule(self.cfg("replica.lag.time.max.ms") // 2, self.actor_id, "check_isr", inc)
        world.schedule(self.cfg("log.retention.check.interval.ms"), self.actor_id,
                       "check_retention", inc)

    def crash(self) -> None:
        world = self.world
        self.crashed = True
        world.network.down.add(self.actor_id)
        world.remove_actor(self.actor_id)
        # Logs and the HW checkpoint survive on disk; everything in memory is gone.
        for r in self.replicas.values():
            r.role = "none"
            r.leader = None
            r.followers = {}
            r.waiters = []
            r.isr_pending_since = None
        self.fetchers = {}
        self.parked_fetches = {}
        self.newest_fetch_ids = {}
        self.metadata = {}
        self.metadata_version = -1
        self.txn_coordinator = {}
        world.emit(ev.BrokerCrashed, broker=self.broker_id, state="crashed")
        for hook in BROKER_LIFECYCLE_HOOKS:
            hook(world, self.broker_id, "crashed")

    def restart(self) -> None:
        world = self.world
        self.crashed = False
        world.network.down.discard(self.actor_id)
        world.add_actor(self)
        world.emit(ev.BrokerRestarted, broker=self.broker_id, state=self.state)
        for hook in BROKER_LIFECYCLE_HOOKS:
            hook(world, self.broker_id, "restarted")
        self.start()

    # ---- controller link -----------------------------------------------------------
    def _send_controller(self, kind: str, body: dict, summary: dict | None = None) -> None:
        target = self.world.controller.actor
        if target is not None:
            self.world.network.send(self.actor_id, target, kind, body,
                                    summary or {"broker": self.broker_id})

    def heartbeat(self, inc: int) -> None:
        if inc != self.incarnation or self.crashed:
            return
        self._send_controller("broker_heartbeat", {"broker": self.broker_id,
                                                   "metadata_version": self.metadata_version})
        self.world.schedule(self.cfg("broker.heartbeat.interval.ms"), self.actor_id,
                            "heartbeat", inc)

    # ---- message dispatch -----------------------------------------------------------
    def on_message(self, message) -> None:
        kind = message.kind
        if kind == "fetch":
            self._on_fetch(message)
        elif kind == "fetch_response":
            self._on_fetch_response(message)
        elif kind == "produce":
            self._on_produce(message)
        elif kind in ("metadata_update", "registration_response", "heartbeat_response"):
            metadata = message.body if kind == "metadata_update" else message.body.get("metadata")
            if metadata is not None:
                self._apply_metadata(metadata)
        elif kind == "alter_partition_response":
            self._on_alter_partition_response(message)
        elif kind == "metadata_request":
            self._on_metadata_request(message)
        elif kind == "init_producer_id":
            self._on_init_producer_id(message)
        elif kind == "end_txn":
            self._on_end_txn(message)
        elif kind == "write_txn_markers":
            self._on_write_txn_markers(message)
        elif kind == "write_txn_markers_response":
            self._on_write_txn_markers_response(message)
        else:
            handler = BROKER_MESSAGE_HANDLERS.get(kind)
            if handler is not None:
                handler(self, message)

    def reply(self, message, kind: str, body, summary: dict | None = None) -> None:
        self.world.network.send(self.actor_id, message.source, kind, body, summary)

    # ---- metadata -------------------------------------------------------------------
    def _apply_metadata(self, metadata: dict) -> None:
        for topic in metadata.get("deleted_topics", ()):
            for key in [k for k in self.replicas if k[0] == topic]:
                del self.replicas[key]
            for key in [k for k in self.metadata if k[0] == topic]:
                del self.metadata[key]
        if metadata.get("full"):
            known = set(metadata.get("topics", ()))
            for key in [k for k in self.replicas if k[0] not in known]:
                del self.replicas[key]
            for key in [k for k in self.metadata if k[0] not in known]:
                del self.metadata[key]
        for state in metadata["partitions"]:
            topic, partition, replicas, leader, leader_epoch, partition_epoch, isr = state
            key = (topic, partition)
            old = self.metadata.get(key)
            if old is not None and (old[4], old[5]) > (leader_epoch, partition_epoch):
                continue  # stale
            self.metadata[key] = state
            if self.broker_id in replicas:
                self._sync_replica(state)
        self.metadata_version = max(self.metadata_version, metadata["version"])
        self._ensure_fetchers()

    def _sync_replica(self, state: tuple) -> None:
        world = self.world
        topic, partition, replicas, leader, leader_epoch, partition_epoch, isr = state
        key = (topic, partition)
        r = self.replicas.get(key)
        if r is None:
            r = Replica(topic, partition, world.now_ms)
            self.replicas[key] = r
            world.emit(ev.ReplicaAdded, broker=self.broker_id, topic=topic, partition=partition,
                       role="leader" if leader == self.broker_id else "follower",
                       leader=leader, leader_epoch=leader_epoch)
        r.replicas = replicas
        r.partition_epoch = partition_epoch
        if leader == self.broker_id:
            if r.role != "leader" or r.leader_epoch != leader_epoch:
                r.role = "leader"
                r.leader = leader
                r.leader_epoch = leader_epoch
                r.log.note_epoch(leader_epoch, r.log.leo)
                r.followers = {
                    b: FollowerProgress(leo=0, last_caught_up_ms=world.now_ms if b in isr else 0,
                                        last_fetch_ms=world.now_ms)
                    for b in replicas if b != self.broker_id
                }
                world.emit(ev.ReplicaRoleChanged, broker=self.broker_id, topic=topic,
                           partition=partition, role="leader", leader=leader,
                           leader_epoch=leader_epoch)
            r.isr = isr
            r.isr_pending_since = None
            self._maybe_advance_hw(r)
        else:
            was_leader = r.role == "leader"
            if r.role != "follower" or r.leader_epoch != leader_epoch or r.leader != leader:
                r.role = "follower"
                r.leader = leader
                r.leader_epoch = leader_epoch
                world.emit(ev.ReplicaRoleChanged, broker=self.broker_id, topic=topic,
                           partition=partition, role="follower", leader=leader,
                           leader_epoch=leader_epoch)
            r.isr = isr
            if was_leader:
                self._fail_waiters(r)
                r.followers = {}

    def _fail_waiters(self, r: Replica) -> None:
        waiters, r.waiters = r.waiters, []
        for w in waiters:
            actor = self.world.actors.get(w.actor_id)
            if actor is not None:
                getattr(actor, w.method)(*w.args, "NOT_LEADER_OR_FOLLOWER")

    def _on_metadata_request(self, message) -> None:
        leaders = {}
        counts: dict[str, int] = {}
        for (topic, partition), state in sorted(self.metadata.items()):
            leaders[f"{topic}-{partition}"] = state[3]
            counts[topic] = max(counts.get(topic, 0), partition + 1)
        self.reply(message, "metadata_response",
                   {"leaders": leaders, "partition_counts": counts, "broker": self.broker_id},
                   {"topics": sorted(counts)})

    # ---- follower side: fetching ------------------------------------------------------
    def _ensure_fetchers(self) -> None:
        if self.crashed:
            return
        wanted = sorted({r.leader for r in self.replicas.values()
                         if r.role == "follower" and r.leader is not None})
        for leader in wanted:
            if self.fetchers.get(leader) is None:
                self._send_fetch(leader)
        for leader in list(self.fetchers):
            if leader not in wanted and self.fetchers[leader] is None:
                del self.fetchers[leader]

    def _send_fetch(self, leader: int) -> None:
        parts = []
        summary = {}
        for key in sorted(self.replicas):
            r = self.replicas[key]
            if r.role == "follower" and r.leader == leader:
                parts.append((r.topic, r.partition, r.log.leo, r.log.last_epoch(), r.leader_epoch))
                summary[r.name] = r.log.leo
        if not parts:
            self.fetchers.pop(leader, None)
            return
        self.next_fetch_id += 1
        fetch_id = self.next_fetch_id
        self.fetchers[leader] = fetch_id
        self.world.network.send(self.actor_id, f"broker:{leader}", "fetch",
                                {"fetch_id": fetch_id, "replica": self.broker_id, "parts": parts},
                                {"fetch_offsets": summary})
        timeout = self.cfg("replica.fetch.wait.max.ms") + self.cfg("replica.socket.timeout.ms")
        self.world.schedule(timeout, self.actor_id, "fetch_timed_out", leader, fetch_id,
                            self.incarnation)

    def fetch_timed_out(self, leader: int, fetch_id: int, inc: int) -> None:
        if inc != self.incarnation or self.fetchers.get(leader) != fetch_id:
            return
        self.fetchers[leader] = None
        self._ensure_fetchers()

    def on_message_dropped(self, message) -> None:
        if message.kind == "fetch":
            # Connection refused: back off, then try again (replica.fetch.backoff.ms).
            leader = int(message.target.split(":")[1])
            if self.fetchers.get(leader) == message.body["fetch_id"]:
                self.world.schedule(self.cfg("replica.fetch.backoff.ms"), self.actor_id,
                                    "fetch_timed_out", leader, message.body["fetch_id"],
                                    self.incarnation)

    def on_connection_broken(self, peer: str) -> None:
        """A reset connection to a leader fails the fetch outstanding on it at
        once: back off replica.fetch.backoff.ms and fetch again, as Kafka's
        replica fetcher does on a disconnect (see simulator.network)."""
        if self.crashed or not peer.startswith("broker:"):
            return
        leader = int(peer.split(":")[1])
        fetch_id = self.fetchers.get(leader)
        if fetch_id is not None:
            self.world.schedule(self.cfg("replica.fetch.backoff.ms"), self.actor_id,
                                "fetch_timed_out", leader, fetch_id, self.incarnation)

    def _on_fetch_response(self, message) -> None:
        world = self.world
        body = message.body
        leader = int(message.source.split(":")[1])
        if self.fetchers.get(leader) != body["fetch_id"]:
            return
        self.fetchers[leader] = None
        backoff = False
        for topic, partition, error, records, hw, log_start, diverging, state in body["parts"]:
            r = self.replicas.get((topic, partition))
            if r is None or r.role != "follower" or r.leader != leader:
                continue
            if error is not None:
                backoff = True
                continue
            log = r.log
            if diverging is not None:
                removed = log.truncate_to(min(diverging, log.leo))
                if removed:
                    produce_handling.forget_truncated(r, log.leo)
                    world.emit(ev.LogTruncated, broker=self.broker_id, topic=topic,
                               partition=partition, leo=log.leo, removed_records=removed,
                               reason="diverged from the leader's log (leader epoch)")
                if r.hw > log.leo:
                    r.hw = log.leo
                continue
            if log_start > log.leo or (records and records[0].offset != log.leo):
                # Behind the leader's log start: start over from there.
                removed = log.truncate_to(log.start_offset)
                log.advance_start(log_start)
                world.emit(ev.SegmentsDeleted, broker=self.broker_id, topic=topic,
                           partition=partition, deleted_segments=0, deleted_records=removed,
                           log_start_offset=log.start_offset, reason="leader_log_start")
                continue
            if records:
                configs = world.topics[topic]
                segment_bytes = configs.config("segment.bytes")
                segment_ms = configs.config("segment.ms")
                base = records[0].offset
                for rolled in log.append_batch(records, world.now_ms, segment_bytes, segment_ms,
                                               one_batch=False):
                    world.emit(ev.SegmentRolled, broker=self.broker_id, topic=topic,
                               partition=partition, base_offset=rolled,
                               segment_count=len(log.segments))
                if not r.has_markers:
                    r.has_markers = any(rec.control is not None for rec in records)
                world.emit(ev.RecordsAppended, broker=self.broker_id, topic=topic,
                           partition=partition, role="follower", base_offset=base,
                           last_offset=records[-1].offset, leo=log.leo, records=())
                self._enforce_cap(r)
            if state:
                for pid, (epoch, batches) in state.items():
                    for first, last, base_offset, last_offset in batches:
                        produce_handling.remember_batch(r, pid, epoch, first, last - first + 1,
                                                        base_offset, last_offset)
            new_hw = min(hw, log.leo)
            if new_hw != r.hw:
                r.hw = new_hw
            if log_start > log.start_offset:
                before = len(log.segments)
                removed = log.advance_start(log_start)
                world.emit(ev.SegmentsDeleted, broker=self.broker_id, topic=topic,
                           partition=partition, deleted_segments=before - len(log.segments),
                           deleted_records=removed, log_start_offset=log.start_offset,
                           reason="leader_log_start")
        if backoff:
            world.schedule(self.cfg("replica.fetch.backoff.ms"), self.actor_id,
                           "resume_fetch", leader, self.incarnation)
        else:
            self._send_fetch(leader)

    def resume_fetch(self, leader: int, inc: int) -> None:
        if inc == self.incarnation and self.fetchers.get(leader) is None:
            self._ensure_fetchers()

    # ---- leader side: serving fetches ------------------------------------------------
    def _on_fetch(self, message) -> None:
        follower = message.body["replica"]
        fetch_id = message.body["fetch_id"]
        # A follower's fetch ids only grow. An older one is a request the follower
        # gave up on (its socket timed out and it fetched again): in Kafka it died
        # with the old connection. Serving it would replace the current parked
        # fetch, leaving the follower waiting a whole socket timeout.
        if fetch_id < self.newest_fetch_ids.get(follower, 0):
            return
        self.newest_fetch_ids[follower] = fetch_id
        parked = self.parked_fetches.pop(follower, None)
        if parked is not None:
            self.world.cancel(parked[1])
        self._answer_fetch(message, may_wait=True)

    def _answer_fetch(self, message, may_wait: bool) -> None:
        world = self.world
        body = message.body
        follower = body["replica"]
        now = world.now_ms
        out = []
        has_data = False
        for topic, partition, offset, last_epoch, epoch in body["parts"]:
            r = self.replicas.get((topic, partition))
            error = None
            diverging = None
            records = ()
            if r is None or r.role != "leader":
                error = "NOT_LEADER_OR_FOLLOWER"
            elif epoch < r.leader_epoch:
                error = "FENCED_LEADER_EPOCH"
            elif epoch > r.leader_epoch:
                error = "UNKNOWN_LEADER_EPOCH"
            if error is not None:
                out.append((topic, partition, error, (), 0, 0, None, None))
                has_data = True
                continue
            log = r.log
            leo = log.leo
            if last_epoch >= 0 and offset > log.start_offset:
                found, end = log.epoch_end_offset(last_epoch)
                if found != last_epoch or end < offset:
                    diverging = min(end, offset)
            if offset > leo and diverging is None:
                diverging = leo
            if diverging is not None:
                out.append((topic, partition, None, (), r.hw, log.start_offset, diverging,
                            None))
                has_data = True
                continue
            if offset >= log.start_offset:
                progress = r.followers.get(follower)
                if progress is not None:
                    if offset >= leo:
                        progress.last_caught_up_ms = now
                    elif offset >= progress.last_fetch_leader_leo:
                        progress.last_caught_up_ms = progress.last_fetch_ms
                    progress.last_fetch_leader_leo = leo
                    progress.last_fetch_ms = now
                    progress.leo = offset
                    self._maybe_expand_isr(r, follower, progress)
                    self._maybe_advance_hw(r)
                if offset < leo:
                    records = log.read(offset, leo, MAX_FETCH_RECORDS)
                    has_data = True
            else:
                has_data = True  # the follower must move to our log start
            # Followers keep the idempotent producers' state too (Kafka rebuilds it
            # from the batches it replicates, ProducerStateManager), so a new
            # leader still recognises a retry: each batch's metadata travels in
            # the response that carries the batch's last record.
            state = None
            if r.producers and records:
                end = records[-1].offset + 1
                state = {}
                for pid, e in r.producers.items():
                    copied = tuple(b for b in e.batches if offset <= b[3] < end)
                    if copied:
                        state[pid] = (e.producer_epoch, copied)
            out.append((topic, partition, None, records, r.hw, log.start_offset, None, state))
        if not has_data and may_wait:
            timer = world.schedule(self.cfg("replica.fetch.wait.max.ms"), self.actor_id,
                                   "fetch_wait_expired", follower, body["fetch_id"],
                                   self.incarnation)
            self.parked_fetches[follower] = (message, timer)
            return
        summary = {"records": {f"{t}-{p}": len(recs) for t, p, _e, recs, *_ in out if recs},
                   "high_watermarks": {f"{t}-{p}": hw for t, p, _e, _r, hw, *_ in out}}
        self.reply(message, "fetch_response", {"fetch_id": body["fetch_id"], "parts": out},
                   summary)

    def fetch_wait_expired(self, follower: int, fetch_id: int, inc: int) -> None:
        if inc != self.incarnation:
            return
        parked = self.parked_fetches.get(follower)
        if parked is None or parked[0].body["fetch_id"] != fetch_id:
            return
        del self.parked_fetches[follower]
        self._answer_fetch(parked[0], may_wait=False)

    def _wake_parked_fetches(self, r: Replica) -> None:
        for follower in sorted(self.parked_fetches):
            message, timer = self.parked_fetches[follower]
            if any(t == r.topic and p == r.partition for t, p, *_ in message.body["parts"]):
                del self.parked_fetches[follower]
                self.world.cancel(timer)
                self._answer_fetch(message, may_wait=False)

    # ---- ISR and high watermark -------------------------------------------------------
    def _maybe_expand_isr(self, r: Replica, follower: int, progress: FollowerProgress) -> None:
        if follower in r.isr or r.isr_pending_since is not None:
            return
        epoch_start = next((s for e, s in r.log.epochs if e == r.leader_epoch), r.log.leo)
        if progress.leo >= r.hw and progress.leo >= epoch_start:
            self._alter_isr(r, tuple(b for b in r.replicas if b in r.isr or b == follower))

    def _alter_isr(self, r: Replica, new_isr: tuple) -> None:
        r.isr_pending_since = self.world.now_ms
        self._send_controller(
            "alter_partition",
            {"broker": self.broker_id, "topic": r.topic, "partition": r.partition,
             "leader_epoch": r.leader_epoch, "partition_epoch": r.partition_epoch,
             "isr": list(new_isr), "high_watermark": r.hw, "leo": r.log.leo,
             "follower_leos": {b: p.leo for b, p in r.followers.items()},
             "follower_caught_up_ms": {b: p.last_caught_up_ms for b, p in r.followers.items()}},
            {"partition": r.name, "isr": list(new_isr)})

    def _on_alter_partition_response(self, message) -> None:
        body = message.body
        r = self.replicas.get((body["topic"], body["partition"]))
        if r is None:
            return
        r.isr_pending_since = None
        if body["state"] is not None:
            state = body["state"]
            old = self.metadata.get((r.topic, r.partition))
            if old is None or (old[4], old[5]) <= (state[4], state[5]):
                self.metadata[(r.topic, r.partition)] = state
                self._sync_replica(state)

    def check_isr(self, inc: int) -> None:
        """Periodic (every replica.lag.time.max.ms / 2): drop followers that lag."""
        if inc != self.incarnation:
            return
        world = self.world
        lag_max = self.cfg("replica.lag.time.max.ms")
        for key in sorted(self.replicas):
            r = self.replicas[key]
            if r.role != "leader":
                continue
            if r.isr_pending_since is not None and world.now_ms - r.isr_pending_since > 5000:
                r.isr_pending_since = None  # the controller never answered: try again
            if r.isr_pending_since is not None:
                continue
            lagging = [b for b in r.isr if b != self.broker_id
                       and world.now_ms - r.followers[b].last_caught_up_ms > lag_max]
            if lagging:
                self._alter_isr(r, tuple(b for b in r.isr if b not in lagging))
        world.schedule(lag_max // 2, self.actor_id, "check_isr", inc)

    def _maybe_advance_hw(self, r: Replica) -> None:
        """HW = lowest LEO over the ISR and the caught-up eligible followers;
        it does not move while the ISR is below min.insync.replicas (3.7+)."""
        topic = self.world.topics.get(r.topic)
        if topic is None or len(r.isr) < effective_min_isr(topic.config("min.insync.replicas"),
                                                           len(r.replicas)):
            return  # since 3.7 the HW does not advance while the ISR is too small
        hw = r.log.leo
        now = self.world.now_ms
        lag_max = self.cfg("replica.lag.time.max.ms")
        quorum = self.world.controller
        for b, progress in r.followers.items():
            # The ISR, plus followers that are caught up and eligible to join it
            # (Kafka waits for them so they can ever catch up to the HW).
            if progress.leo < hw and (b in r.isr or (
                    now - progress.last_caught_up_ms <= lag_max and not quorum.is_fenced(b))):
                hw = progress.leo
        if hw > r.hw:
            r.hw = hw
            self.world.emit(ev.HighWatermarkChanged, broker=self.broker_id, topic=r.topic,
                            partition=r.partition, high_watermark=hw)
            self._update_lso(r)
            self._enforce_cap(r)
            if r.waiters:
                ready = [w for w in r.waiters if w.required_offset <= hw]
                if ready:
                    r.waiters = [w for w in r.waiters if w.required_offset > hw]
                    for w in ready:
                        actor = self.world.actors.get(w.actor_id)
                        if actor is not None:
                            getattr(actor, w.method)(*w.args, None)

    def _update_lso(self, r: Replica) -> None:
        lso = min([r.hw, *r.ongoing_txns.values()])
        if lso != r.lso:
            r.lso = lso
            self.world.emit(ev.LastStableOffsetChanged, broker=self.broker_id, topic=r.topic,
                            partition=r.partition, last_stable_offset=lso)

    # ---- public helpers for other actors (consumers, coordinators) -----------------------
    def leader_replica(self, topic: str, partition: int) -> Replica | None:
        r = self.replicas.get((topic, partition))
        return r if r is not None and r.role == "leader" else None

    def read_for_consumer(self, topic: str, partition: int, offset: int, max_records: int,
                          isolation_level: str = "read_uncommitted") -> dict:
        """What a consumer fetch from `offset` gets from this broker.

        Returns ``{"error": None | "NOT_LEADER_OR_FOLLOWER" | "OFFSET_OUT_OF_RANGE",
        "records": [...], "high_watermark", "last_stable_offset", "log_start_offset"}``.
        Records stop at the HW (read_uncommitted) or the LSO (read_committed);
        read_committed also leaves out aborted transactional records; control
        markers are never returned (their offsets are still consumed).
        """
        r = self.leader_replica(topic, partition)
        if r is None:
            return {"error": "NOT_LEADER_OR_FOLLOWER", "records": [], "high_watermark": None,
                    "last_stable_offset": None, "log_start_offset": None}
        upper = r.lso if isolation_level == "read_committed" else r.hw
        out = {"error": None, "records": [], "high_watermark": r.hw,
               "last_stable_offset": r.lso, "log_start_offset": r.log.start_offset,
               "next_offset": offset}
        if offset < r.log.start_offset or offset > r.log.leo:
            out["error"] = "OFFSET_OUT_OF_RANGE"
            return out
        records = r.log.read(offset, upper, max_records)
        if records:
            out["next_offset"] = records[-1].offset + 1
        if isolation_level == "read_committed" and r.aborted:
            records = [rec for rec in records if not r.is_aborted(rec)]
        if r.has_markers:
            records = [rec for rec in records if rec.control is None]
        out["records"] = records
        return out

    def append_as_leader(self, topic: str, partition: int, entries: list[dict]) -> tuple[int, int]:
        """Append records (dicts with key, value, headers?) as the leader, as an
        internal client would (e.g. a coordinator writing ``__consumer_offsets``).
        Returns (base_offset, last_offset); raise ValueError if not the leader."""
        r = self.leader_replica(topic, partition)
        if r is None:
            raise ValueError(f"broker {self.broker_id} does not lead {topic}-{partition}")
        batch = []
        for e in entries:
            headers = tuple(sorted((e.get("headers") or {}).items()))
            batch.append((e.get("key"), e.get("value"), headers,
                          record_size(e.get("key"), e.get("value"), headers),
                          e.get("value_format", "json")))
        return self._append(r, batch, -1, -1, -1, False)

    def when_high_watermark(self, topic: str, partition: int, offset: int, actor_id: str,
                            method: str, *args) -> None:
        """Call ``actors[actor_id].<method>(*args, error)`` once the HW reaches
        `offset` (error None) or leadership is lost ("NOT_LEADER_OR_FOLLOWER")."""
        r = self.replicas[(topic, partition)]
        if r.hw >= offset:
            getattr(self.world.actors[actor_id], method)(*args, None)
        else:
            r.waiters.append(Waiter(offset, actor_id, method, args))

    # ---- appends --------------------------------------------------------------------
    def _append(self, r: Replica, batch: list, producer_id: int, producer_epoch: int,
                base_sequence: int, transactional: bool) -> tuple[int, int]:
        """Write a batch of (key, value, headers, size, format) at the LEO as leader."""
        world = self.world
        log = r.log
        topic = world.topics[r.topic]
        segment_bytes = topic.config("segment.bytes")
        segment_ms = topic.config("segment.ms")
        now = world.now_ms
        epoch = r.leader_epoch
        base = log.leo
        offset = base
        appended = []
        seq = base_sequence
        step = 1 if seq >= 0 else 0
        for key, value, headers, size, fmt in batch:
            appended.append(Record(offset, now, key, value, headers, producer_id,
                                   producer_epoch, seq, epoch, size, fmt, transactional))
            offset += 1
            seq += step
        for rolled in log.append_batch(appended, now, segment_bytes, segment_ms, one_batch=True):
            world.emit(ev.SegmentRolled, broker=self.broker_id, topic=r.topic,
                       partition=r.partition, base_offset=rolled,
                       segment_count=len(log.segments))
        if producer_id >= 0 and base_sequence >= 0:
            # Before any follower is answered: the state travels with the records.
            produce_handling.remember_batch(r, producer_id, producer_epoch, base_sequence,
                                            len(appended), base, offset - 1)
        if transactional and producer_id not in r.ongoing_txns:
            r.ongoing_txns[producer_id] = base
        world.emit(ev.RecordsAppended, broker=self.broker_id, topic=r.topic,
                   partition=r.partition, role="leader", base_offset=base,
                   last_offset=offset - 1, leo=log.leo, records=tuple(appended))
        self._maybe_advance_hw(r)
        self._enforce_cap(r)
        if self.parked_fetches:
            self._wake_parked_fetches(r)
        return base, offset - 1

    def _enforce_cap(self, r: Replica) -> None:
        log = r.log
        if len(log.records) <= MAX_RECORDS_PER_PARTITION:
            return
        target = log.leo - MAX_RECORDS_PER_PARTITION // 2
        new_start = min(r.hw, target)
        removed = log.advance_start(new_start) if new_start > log.start_offset else 0
        self.world.emit(ev.CapReached, cap="records_per_partition",
                        limit=MAX_RECORDS_PER_PARTITION,
                        message=f"{r.name} on broker {self.broker_id} holds more than "
                                f"{MAX_RECORDS_PER_PARTITION} records: the oldest {removed} "
                                "were deleted (a simulator cap, not Kafka behaviour)")
        if removed:
            self.world.emit(ev.SegmentsDeleted, broker=self.broker_id, topic=r.topic,
                            partition=r.partition, deleted_segments=0, deleted_records=removed,
                            log_start_offset=log.start_offset, reason="cap")

    # ---- produce -----------------------------------------------------------------------
    def _on_produce(self, message) -> None:
        produce_handling.handle_produce(self, message)

    def produce_completed(self, message_id: int, source: str, response: dict,
                          error: str | None) -> None:
        """Waiter callback: an acks=all produce reached the HW (or lost leadership)."""
        produce_handling.finish_produce(self, message_id, source, response, error)

    def produce_timed_out(self, message_id: int, source: str, response: dict, inc: int) -> None:
        if inc == self.incarnation:
            produce_handling.produce_timeout(self, message_id, source, response)

    # ---- transactions -------------------------------------------------------------------
    def _on_init_producer_id(self, message) -> None:
        transactions.on_init_producer_id(self, message)

    def _on_end_txn(self, message) -> None:
        transactions.on_end_txn(self, message)

    def _on_write_txn_markers(self, message) -> None:
        transactions.on_write_txn_markers(self, message)

    def retry_txn_markers(self, txn_id: str, inc: int) -> None:
        if inc == self.incarnation:
            transactions.retry_txn_markers(self, txn_id)

    def _on_write_txn_markers_response(self, message) -> None:
        transactions.on_write_txn_markers_response(self, message)

    # ---- retention --------------------------------------------------------------------
    def check_retention(self, inc: int) -> None:
        if inc != self.incarnation:
            return
        for key in sorted(self.replicas):
            retention.apply_retention(self, self.replicas[key])
        self.world.schedule(self.cfg("log.retention.check.interval.ms"), self.actor_id,
                            "check_retention", inc)
