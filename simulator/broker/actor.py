"""The broker actor: its state, its lifecycle, and the doors into its duties.

`Broker` holds what one broker knows (its replicas, its metadata view, its
follower fetchers, its fetch waiting room, the transactions it coordinates),
starts, crashes and restarts, talks to the controller, and hands every
incoming message to the one dispatch table (`simulator.broker.dispatch`).
The duties themselves live in their own modules; the methods here are the
names timers and other actors call (a timer names an actor's method, so the
world stays deep-copyable).
"""

from __future__ import annotations

from simulator import events as ev
from simulator import produce_handling, retention, transactions
from simulator.broker import (
    fetch_serving,
    follower_fetcher,
    high_watermark,
    leader_log,
    replica_manager,
)
from simulator.broker.dispatch import dispatch
from simulator.broker.fetch_waiting_room import CONSUMER, FetchWaitingRoom
from simulator.broker.replica import Replica
from simulator.engine import BROKER_LIFECYCLE_HOOKS, Actor


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
        # Follower and consumer fetches held until there is data (DelayedFetch).
        self.fetch_room = FetchWaitingRoom()
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

    # ---- lifecycle --------------------------------------------------------------
    def start(self) -> None:
        """(Re)start: register with the controller, start the periodic duties."""
        self.incarnation += 1
        inc = self.incarnation
        self.send_controller("broker_registration", {"broker": self.broker_id})
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
        for held in self.fetch_room.clear():
            # A follower fetch's expiry timer checks the incarnation and is left to
            # run out; a consumer fetch's is cancelled. Both were so before the two
            # rooms became one, and fired timers count in an exact replay position.
            if held.reader == CONSUMER:
                world.cancel(held.timer)
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
    def send_controller(self, kind: str, body: dict, summary: dict | None = None) -> None:
        target = self.world.controller.actor
        if target is not None:
            self.world.network.send(self.actor_id, target, kind, body,
                                    summary or {"broker": self.broker_id})

    def heartbeat(self, inc: int) -> None:
        if inc != self.incarnation or self.crashed:
            return
        self.send_controller("broker_heartbeat", {"broker": self.broker_id,
                                                  "metadata_version": self.metadata_version})
        self.world.schedule(self.cfg("broker.heartbeat.interval.ms"), self.actor_id,
                            "heartbeat", inc)

    def apply_metadata(self, metadata: dict) -> None:
        """Apply a metadata update as if the controller had pushed it."""
        replica_manager.apply_metadata(self, metadata)

    # ---- messages ---------------------------------------------------------------------
    def on_message(self, message) -> None:
        dispatch(self, message)

    def reply(self, message, kind: str, body, summary: dict | None = None) -> None:
        self.world.network.send(self.actor_id, message.source, kind, body, summary)

    def on_message_dropped(self, message) -> None:
        if message.kind == "fetch":
            follower_fetcher.fetch_refused(self, message)

    def on_connection_broken(self, peer: str) -> None:
        follower_fetcher.connection_broken(self, peer)

    # ---- timers (each checks it belongs to this incarnation) -------------------------
    def fetch_timed_out(self, leader: int, fetch_id: int, inc: int) -> None:
        if inc == self.incarnation:
            follower_fetcher.fetch_timed_out(self, leader, fetch_id)

    def resume_fetch(self, leader: int, inc: int) -> None:
        if inc == self.incarnation:
            follower_fetcher.resume_fetch(self, leader)

    def fetch_wait_expired(self, follower: int, fetch_id: int, inc: int) -> None:
        if inc == self.incarnation:
            fetch_serving.fetch_wait_expired(self, follower, fetch_id)

    def check_isr(self, inc: int) -> None:
        """Periodic (every replica.lag.time.max.ms / 2): drop followers that lag."""
        if inc != self.incarnation:
            return
        high_watermark.shrink_lagging_isrs(self)
        self.world.schedule(self.cfg("replica.lag.time.max.ms") // 2, self.actor_id,
                            "check_isr", inc)

    def check_retention(self, inc: int) -> None:
        if inc != self.incarnation:
            return
        for key in sorted(self.replicas):
            retention.apply_retention(self, self.replicas[key])
        self.world.schedule(self.cfg("log.retention.check.interval.ms"), self.actor_id,
                            "check_retention", inc)

    def produce_completed(self, message_id: int, source: str, response: dict,
                          error: str | None) -> None:
        """Waiter callback: an acks=all produce reached the HW (or lost leadership)."""
        produce_handling.finish_produce(self, message_id, source, response, error)

    def produce_timed_out(self, message_id: int, source: str, response: dict, inc: int) -> None:
        if inc == self.incarnation:
            produce_handling.produce_timeout(self, message_id, source, response)

    def retry_txn_markers(self, txn_id: str, inc: int) -> None:
        if inc == self.incarnation:
            transactions.retry_txn_markers(self, txn_id)

    # ---- the leader's log, for request handlers and other actors ---------------------
    def leader_replica(self, topic: str, partition: int) -> Replica | None:
        r = self.replicas.get((topic, partition))
        return r if r is not None and r.role == "leader" else None

    def append_batch(self, r: Replica, batch: list, producer_id: int, producer_epoch: int,
                     base_sequence: int, transactional: bool) -> tuple[int, int]:
        """Write a batch of (key, value, headers, size, format) at the LEO as leader."""
        return leader_log.append(self, r, batch, producer_id, producer_epoch, base_sequence,
                                 transactional)

    def marker_written(self, r: Replica) -> None:
        """A transaction marker was appended: move the LSO and HW, feed the followers."""
        leader_log.marker_written(self, r)

    def read_for_consumer(self, topic: str, partition: int, offset: int, max_records: int,
                          isolation_level: str = "read_uncommitted") -> dict:
        """What a consumer fetch from `offset` gets from this broker.

        Returns ``{"error": None | "NOT_LEADER_OR_FOLLOWER" | "OFFSET_OUT_OF_RANGE",
        "records": [...], "high_watermark", "last_stable_offset", "log_start_offset"}``.
        Records stop at the HW (read_uncommitted) or the LSO (read_committed);
        read_committed also leaves out aborted transactional records; control
        markers are never returned (their offsets are still consumed).
        """
        return leader_log.read_for_consumer(self, topic, partition, offset, max_records,
                                            isolation_level)

    def append_as_leader(self, topic: str, partition: int, entries: list[dict]) -> tuple[int, int]:
        """Append records (dicts with key, value, headers?) as the leader, as an
        internal client would (e.g. a coordinator writing ``__consumer_offsets``).
        Returns (base_offset, last_offset); raise ValueError if not the leader."""
        return leader_log.append_as_leader(self, topic, partition, entries)

    def when_high_watermark(self, topic: str, partition: int, offset: int, actor_id: str,
                            method: str, *args) -> None:
        """Call ``actors[actor_id].<method>(*args, error)`` once the HW reaches
        `offset` (error None) or leadership is lost ("NOT_LEADER_OR_FOLLOWER")."""
        leader_log.when_high_watermark(self, topic, partition, offset, actor_id, method, args)
