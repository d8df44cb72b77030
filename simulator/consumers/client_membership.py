"""The consumer's group membership: coordinator, JoinGroup/SyncGroup, heartbeats.

A mixin of `ConsumerClient` (see ``client.py``): it finds the coordinator,
gives partitions up as the rebalance protocol says (eager: all of them before
joining; cooperative: only those that move, after SyncGroup), runs the
assignor when this member is the leader, sends heartbeats from the
"background thread", and leaves the group when ``max.poll.interval.ms`` runs
out inside processing.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.consumers.assignors import ASSIGNORS, COOPERATIVE, MemberSubscription
from simulator.consumers.client_common import (
    REQUEST_TIMEOUT_MS,
    RETRY_BACKOFF_MS,
    tp_list,
)

POLL_TIMEOUT_WARNING = (
    "consumer poll timeout has expired. This means the time between subsequent calls to "
    "poll() was longer than the configured max.poll.interval.ms, which typically implies that "
    "the poll loop is spending too much time processing messages. You can address this either "
    "by increasing max.poll.interval.ms or by reducing the maximum size of batches returned in "
    "poll() with max.poll.records."
)


INCONSISTENT_PROTOCOL = (
    "The group member's supported protocols are incompatible with those of existing members "
    "or first group member tried to join with empty protocol type or empty protocol list."
)


def coordinator_node(broker: int) -> str:
    """How the Java client prints the coordinator: its id is Integer.MAX_VALUE - broker id,
    so the coordinator connection is separate from the broker's other connections."""
    return f"broker-{broker}:9092 (id: {2_147_483_647 - broker} rack: null)"


class GroupMembership:
    """Membership half of the consumer client (mixed into ConsumerClient)."""

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

    def _coordinator_lost(self) -> None:
        self.coordinator = None
        if self.joining:
            self.joining = False
            self.rejoin_needed = True

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
            log=f"{self.prefix}Discovered group coordinator {coordinator_node(body['broker'])}",
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
        elif error == "INCONSISTENT_GROUP_PROTOCOL":
            self._error("InconsistentGroupProtocolException", INCONSISTENT_PROTOCOL)
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
            refused = body.get("error") in (
                "GROUP_AUTHORIZATION_FAILED",
                "INCONSISTENT_GROUP_PROTOCOL",
            )
            self._wake(RETRY_BACKOFF_MS if refused else 0)
            return
        if self.error_key and self.error_key[0] == "InconsistentGroupProtocolException":
            self._clear_error()
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

    def _heartbeat_failure(self, error: str) -> str:
        """AbstractCoordinator's INFO line for a failed heartbeat."""
        if error == "REBALANCE_IN_PROGRESS":
            return "Attempt to heartbeat failed since group is rebalancing"
        if error == "UNKNOWN_MEMBER_ID":
            # (sic: Kafka's own wording)
            return f"Attempt to heartbeat failed for since member id {self.member_id} is not valid."
        if error == "ILLEGAL_GENERATION":
            return f"Attempt to heartbeat failed since generation {self.generation} is not current"
        node = coordinator_node(self.coordinator) if self.coordinator is not None else "null"
        return (
            f"Attempt to heartbeat failed since coordinator {node} is either not started or "
            "not valid"
        )

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
            log=self.prefix + self._heartbeat_failure(error),
        )
        if error == "REBALANCE_IN_PROGRESS":
            self.rejoin_needed = True
        elif error in ("UNKNOWN_MEMBER_ID", "ILLEGAL_GENERATION"):
            self._fenced(error)
        elif error in ("NOT_COORDINATOR", "COORDINATOR_NOT_AVAILABLE"):
            self._coordinator_lost()
        if self.waiting:
            self._wake(0)
