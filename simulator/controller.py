"""The KRaft controller quorum: one active controller owns the cluster metadata.

Voters are actors ``controller:1..n``. One is active (``controller_elected``
with a new epoch). When it stops, the others notice after
``controller.quorum.election.timeout.ms`` (plus a random part, as Raft) and one
of the running voters wins if a majority runs; without a majority no
controller is active and metadata freezes.

The active controller:
* registers brokers and takes their heartbeats
  (``broker.heartbeat.interval.ms`` 2000); a broker silent for
  ``broker.session.timeout.ms`` (9000) is **fenced**: it leaves every ISR
  (unless it is the last member) and loses its leaderships;
* elects leaders from the ISR in replica order (clean), or from any live
  replica when ``unclean.leader.election.enable`` is true and no ISR member
  lives; a partition with no eligible replica goes offline (leader ``None``);
* accepts ``alter_partition`` (ISR shrink/expand) from leaders with the
  current leader epoch;
* pushes every change to brokers as ``metadata_update`` messages.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.engine import Actor
from simulator.topics import PartitionMeta, effective_min_isr


def _ids(brokers) -> str:
    return ",".join(str(b) for b in brokers)


def _isr_log_line(pm: PartitionMeta, old_isr: list, reason: str, body: dict,
                  min_isr: int) -> str:
    """The leader's log line, worded as Kafka 4.x's Partition.scala words it.

    A shrink is logged when the leader proposes it ("Shrinking ISR from ...",
    one "(brokerId: .., endOffset: .., lastCaughtUpTimeMs: ..)" per replica
    dropped, space-separated, since 3.6); an expansion has had no line of its
    own since 2.8, only the one every accepted change gets: "ISR updated to
    1,2,3 <(under-min-isr)> and version updated to N" (Partition.handleAlterPartitionUpdate;
    without the flag Kafka's template leaves two spaces before "and").
    """
    prefix = f"[Partition {pm.topic}-{pm.partition} broker={pm.leader}] "
    if reason == "expand":
        under = len(pm.isr) < effective_min_isr(min_isr, len(pm.replicas))
        flag = "(under-min-isr)" if under else ""
        return (f"{prefix}ISR updated to {_ids(pm.isr)} {flag} "
                f"and version updated to {pm.partition_epoch}")
    leos = body.get("follower_leos", {})
    caught_up = body.get("follower_caught_up_ms", {})
    out = " ".join(f"(brokerId: {b}, endOffset: {leos.get(b, 'unknown')}, "
                   f"lastCaughtUpTimeMs: {caught_up.get(b, 'unknown')})"
                   for b in old_isr if b not in pm.isr)
    return (f"{prefix}Shrinking ISR from {_ids(old_isr)} to {_ids(pm.isr)}. Leader: "
            f"(highWatermark: {body.get('high_watermark')}, endOffset: {body.get('leo')}). "
            f"Out of sync replicas: {out}.")


class ControllerNode(Actor):
    """One voter of the quorum; the quorum object does the work."""

    def __init__(self, world, controller_id: int):
        super().__init__(world)
        self.controller_id = controller_id
        self.actor_id = f"controller:{controller_id}"

    def on_message(self, message) -> None:
        quorum = self.world.controller
        if quorum.active != self.controller_id:
            return  # not the active controller: the broker retries with the new one
        quorum.handle(message)


class ControllerQuorum(Actor):
    actor_id = "quorum"

    def __init__(self, world, voters: list[int]):
        super().__init__(world)
        self.voters = voters
        self.running = {v: True for v in voters}
        self.active: int | None = None
        self.epoch = 0
        self.registered: dict[int, dict] = {}  # broker -> {fenced, last_heartbeat_ms}
        self.metadata_version = 0
        self.next_producer_id = 1000
        self._election_timer = None
        world.add_actor(self)
        for v in voters:
            world.add_actor(ControllerNode(world, v))

    # ---- quorum ----------------------------------------------------------------
    @property
    def actor(self) -> str | None:
        return f"controller:{self.active}" if self.active is not None else None

    def start(self) -> None:
        self.active = self.voters[0]
        self.epoch = 1
        self.world.emit(ev.ControllerElected, controller=self.active, epoch=self.epoch,
                        quorum=list(self.voters))
        self.world.schedule(1000, self.actor_id, "check_sessions", self.epoch)
        self.world.schedule(self._imbalance_interval_ms(), self.actor_id, "check_imbalance")

    def _imbalance_interval_ms(self) -> int:
        return self.world.config["leader.imbalance.check.interval.seconds"] * 1000

    def check_imbalance(self) -> None:
        """auto.leader.rebalance.enable: move leadership back to preferred leaders
        of any broker whose share of "not led by me although preferred" partitions
        is above leader.imbalance.per.broker.percentage."""
        world = self.world
        world.schedule(self._imbalance_interval_ms(), self.actor_id, "check_imbalance")
        if self.active is None or not world.config["auto.leader.rebalance.enable"]:
            return
        threshold = world.config["leader.imbalance.per.broker.percentage"] / 100
        changed = []
        for broker in sorted(world.brokers):
            preferred = [(t, pm) for t in world.topics.values() for pm in t.partitions
                         if pm.replicas[0] == broker]
            if not preferred:
                continue
            off = [(t, pm) for t, pm in preferred if pm.leader != broker]
            if len(off) / len(preferred) > threshold:
                for t, pm in off:
                    if self.elect_preferred(pm, t):
                        changed.append(pm)
        self.publish(changed)

    def majority_running(self) -> bool:
        return sum(1 for v in self.voters if self.running[v]) * 2 > len(self.voters)

    def crash(self, controller_id: int) -> None:
        world = self.world
        self.running[controller_id] = False
        world.network.down.add(f"controller:{controller_id}")
        world.emit(ev.ControllerCrashed, controller=controller_id, state="crashed")
        if self.active == controller_id:
            self.active = None
            world.emit(ev.ControllerLost, controller=controller_id, epoch=self.epoch,
                       reason="active controller crashed")
            self._schedule_election()

    def restart(self, controller_id: int) -> None:
        self.running[controller_id] = True
        self.world.network.down.discard(f"controller:{controller_id}")
        self.world.emit(ev.ControllerRestarted, controller=controller_id, state="running")
        if self.active is None:
            self._schedule_election()

    def _schedule_election(self) -> None:
        if self._election_timer is not None:
            return
        timeout = self.world.config["controller.quorum.election.timeout.ms"]
        delay = timeout + self.world.rng.randrange(timeout)
        self._election_timer = self.world.schedule(delay, self.actor_id, "elect")

    def elect(self) -> None:
        self._election_timer = None
        world = self.world
        if self.active is not None:
            return
        if not self.majority_running():
            world.emit(ev.ControllerLost, controller=None, epoch=self.epoch,
                       reason="no majority of controllers running: no election possible")
            return
        candidates = [v for v in self.voters if self.running[v]]
        self.active = candidates[world.rng.randrange(len(candidates))]
        self.epoch += 1
        # A new controller gives every broker a fresh session instead of fencing
        # all of them for silence it could not have heard.
        for reg in self.registered.values():
            reg["last_heartbeat_ms"] = world.now_ms
        world.emit(ev.ControllerElected, controller=self.active, epoch=self.epoch,
                   quorum=list(self.voters))
        world.schedule(1000, self.actor_id, "check_sessions", self.epoch)

    # ---- messages from brokers -----------------------------------------------------
    def handle(self, message) -> None:
        kind = message.kind
        if kind == "broker_heartbeat":
            self._on_heartbeat(message)
        elif kind == "broker_registration":
            self._on_registration(message)
        elif kind == "alter_partition":
            self._on_alter_partition(message)

    def _reply(self, message, kind: str, body: dict, summary: dict | None = None) -> None:
        self.world.network.send(self.actor, message.source, kind, body, summary)

    def _on_registration(self, message) -> None:
        broker = message.body["broker"]
        reg = self.registered.get(broker)
        if reg is not None and not reg["fenced"]:
            # A new incarnation of a broker we thought alive: its old state is gone.
            self.fence(broker, "re-registered after a restart")
        self.registered[broker] = {"fenced": True, "last_heartbeat_ms": self.world.now_ms}
        self._reply(message, "registration_response", {"metadata": self.full_metadata()},
                    {"broker": broker})
        self.unfence(broker)

    def _on_heartbeat(self, message) -> None:
        broker = message.body["broker"]
        reg = self.registered.get(broker)
        if reg is None:
            return
        reg["last_heartbeat_ms"] = self.world.now_ms
        body = {"fenced": reg["fenced"]}
        if message.body["metadata_version"] < self.metadata_version:
            body["metadata"] = self.full_metadata()
        self._reply(message, "heartbeat_response", body, {"broker": broker})
        if reg["fenced"]:
            self.unfence(broker)

    def _on_alter_partition(self, message) -> None:
        body = message.body
        topic = self.world.topics.get(body["topic"])
        error = None
        pm = None
        if topic is None or body["partition"] >= len(topic.partitions):
            error = "UNKNOWN_TOPIC_OR_PARTITION"
        else:
            pm = topic.partitions[body["partition"]]
            new_isr = body["isr"]
            if pm.leader != body["broker"] or pm.leader_epoch != body["leader_epoch"]:
                error = "FENCED_LEADER_EPOCH"
            elif pm.partition_epoch != body["partition_epoch"]:
                error = "INVALID_UPDATE_VERSION"
            elif any(self.registered.get(b, {"fenced": True})["fenced"]
                     for b in new_isr if b not in pm.isr):
                error = "INELIGIBLE_REPLICA"
        if error is None:
            reason = "expand" if len(body["isr"]) > len(pm.isr) else "shrink"
            old_isr = list(pm.isr)
            pm.isr = [b for b in pm.replicas if b in body["isr"]]
            pm.partition_epoch += 1
            self.world.emit(ev.IsrChanged, topic=pm.topic, partition=pm.partition,
                            isr=list(pm.isr), leader=pm.leader, leader_epoch=pm.leader_epoch,
                            reason=reason,
                            log_line=_isr_log_line(pm, old_isr, reason, body,
                                                   topic.config("min.insync.replicas")))
            self.publish([pm])
        reply = {"topic": body["topic"], "partition": body["partition"], "error": error,
                 "state": pm.state() if pm is not None else None}
        self._reply(message, "alter_partition_response", reply,
                    {"topic": body["topic"], "partition": body["partition"], "error": error})

    # ---- sessions and fencing ---------------------------------------------------------
    def check_sessions(self, epoch: int) -> None:
        """Every second while `epoch` is the active controller's: fence the silent."""
        world = self.world
        if self.active is None or epoch != self.epoch:
            return
        timeout = world.config["broker.session.timeout.ms"]
        for broker in sorted(self.registered):
            reg = self.registered[broker]
            if not reg["fenced"] and world.now_ms - reg["last_heartbeat_ms"] > timeout:
                self.fence(broker, f"no heartbeat for {timeout} ms (broker.session.timeout.ms)")
        world.schedule(1000, self.actor_id, "check_sessions", epoch)

    def is_fenced(self, broker: int) -> bool:
        reg = self.registered.get(broker)
        return reg is None or reg["fenced"]

    def fence(self, broker: int, reason: str) -> None:
        world = self.world
        self.registered.setdefault(broker, {"last_heartbeat_ms": world.now_ms})["fenced"] = True
        world.emit(ev.BrokerFenced, broker=broker, state=world.brokers[broker].state,
                   reason=reason)
        changed = []
        for topic in world.topics.values():
            for pm in topic.partitions:
                if broker not in pm.replicas:
                    continue
                touched = False
                if broker in pm.isr and len(pm.isr) > 1:
                    pm.isr = [b for b in pm.isr if b != broker]
                    pm.partition_epoch += 1
                    touched = True
                    if pm.leader != broker:
                        world.emit(ev.IsrChanged, topic=pm.topic, partition=pm.partition,
                                   isr=list(pm.isr), leader=pm.leader,
                                   leader_epoch=pm.leader_epoch, reason="fenced",
                                   log_line=f"Removing fenced broker {broker} from the ISR of "
                                            f"{pm.topic}-{pm.partition}: ISR is now "
                                            f"{_ids(pm.isr)}")
                if pm.leader == broker:
                    self._elect(pm, topic, "clean")
                    touched = True
                if touched:
                    changed.append(pm)
        self.publish(changed)

    def unfence(self, broker: int) -> None:
        world = self.world
        reg = self.registered[broker]
        if not reg["fenced"]:
            return
        reg["fenced"] = False
        world.emit(ev.BrokerUnfenced, broker=broker, state=world.brokers[broker].state)
        changed = []
        for topic in world.topics.values():
            for pm in topic.partitions:
                if pm.leader is None and broker in pm.replicas:
                    if broker in pm.isr or topic.config("unclean.leader.election.enable"):
                        self._elect(pm, topic, "clean")
                        changed.append(pm)
        self.publish(changed)

    # ---- elections ------------------------------------------------------------------
    def live(self, broker: int) -> bool:
        return not self.is_fenced(broker)

    def _elect(self, pm: PartitionMeta, topic, election: str) -> None:
        """Choose a leader for `pm` (clean first, unclean if allowed)."""
        world = self.world
        previous = pm.leader
        leader = next((b for b in pm.replicas if b in pm.isr and self.live(b)), None)
        kind = "clean"
        if leader is None and (election == "unclean"
                               or topic.config("unclean.leader.election.enable")):
            leader = next((b for b in pm.replicas if self.live(b)), None)
            if leader is not None:
                kind = "unclean"
                pm.isr = [leader]
        if leader is None:
            kind = "offline"
        if leader == previous and kind != "unclean":
            return
        pm.leader = leader
        pm.leader_epoch += 1
        pm.partition_epoch += 1
        world.emit(ev.LeaderChanged, topic=pm.topic, partition=pm.partition, leader=leader,
                   previous_leader=previous, leader_epoch=pm.leader_epoch, isr=list(pm.isr),
                   election=kind if election != "preferred" or kind != "clean" else "preferred")

    def elect_preferred(self, pm: PartitionMeta, topic) -> bool:
        preferred = pm.replicas[0]
        if pm.leader == preferred or preferred not in pm.isr or not self.live(preferred):
            return False
        previous = pm.leader
        pm.leader = preferred
        pm.leader_epoch += 1
        pm.partition_epoch += 1
        self.world.emit(ev.LeaderChanged, topic=pm.topic, partition=pm.partition,
                        leader=preferred, previous_leader=previous,
                        leader_epoch=pm.leader_epoch, isr=list(pm.isr), election="preferred")
        return True

    def elect_unclean(self, pm: PartitionMeta, topic) -> bool:
        if pm.leader is not None:
            return False
        self._elect(pm, topic, "unclean")
        return pm.leader is not None

    # ---- metadata propagation ----------------------------------------------------------
    def full_metadata(self) -> dict:
        return {"version": self.metadata_version,
                "partitions": [pm.state() for t in self.world.topics.values()
                               for pm in t.partitions],
                "topics": sorted(self.world.topics), "full": True}

    def publish(self, changed: list, deleted_topics: tuple = ()) -> None:
        """Send changed partition states to every broker (those cut off miss them
        and catch up through their next heartbeat)."""
        if not changed and not deleted_topics:
            return
        self.metadata_version += 1
        world = self.world
        body = {"version": self.metadata_version, "partitions": [pm.state() for pm in changed],
                "deleted_topics": list(deleted_topics), "full": False}
        summary = {"partitions": [f"{pm.topic}-{pm.partition}" for pm in changed]}
        if deleted_topics:
            summary["deleted_topics"] = list(deleted_topics)
        source = self.actor or "quorum"
        for broker_id in sorted(world.brokers):
            if world.brokers[broker_id].state != "crashed":
                world.network.send(source, f"broker:{broker_id}", "metadata_update", body,
                                   summary)
