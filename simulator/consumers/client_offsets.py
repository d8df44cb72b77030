"""The consumer's offsets: commits (auto and manual), committed offsets, resets.

A mixin of `ConsumerClient` (see ``client.py``). Positions are the next
offset to read; commits write them to the group's ``__consumer_offsets``
partition through the coordinator; with no committed offset (or one that
retention deleted) ``auto.offset.reset`` decides where to start.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.consumers.client_common import RETRY_BACKOFF_MS, tp_name
from simulator.tools.java_order import hash_map_order, topic_partition_hash

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


class Offsets:
    """Offsets half of the consumer client (mixed into ConsumerClient)."""

    def _changed_positions(self) -> list:
        return [
            [tp[0], tp[1], pos]
            for tp, pos in self.positions.items()
            if tp in self.assignment and self.committed.get(tp) != pos
        ]

    def _any_changed_position(self) -> bool:
        """`_changed_positions()` is not empty (every blocked poll() asks; no list built)."""
        committed, assignment = self.committed, self.assignment
        for tp, pos in self.positions.items():
            if tp in assignment and committed.get(tp) != pos:
                return True
        return False

    def _maybe_auto_commit(self) -> None:
        if not self.cfg("enable.auto.commit"):
            return
        if self.world.now_ms - self.last_auto_commit_ms >= self.cfg("auto.commit.interval.ms"):
            self.last_auto_commit_ms = self.world.now_ms
            self._commit(self._changed_positions(), "auto")

    def _schedule_autocommit(self) -> None:
        """While blocked in poll(), the client still auto-commits on schedule."""
        if not self.cfg("enable.auto.commit") or not self._any_changed_position():
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

    def _on_offset_fetch_response(self, message, body) -> None:
        if not self._answered(body):
            return
        self.offset_fetch_pending = False
        if self._group_error(body):
            self._wake(0)
            return
        no_offset = []
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
            elif self.cfg("auto.offset.reset") == "none":
                no_offset.append(tp)
            else:
                self._reset_position(
                    tp, f"{self.prefix}Found no committed offset for partition {tp_name(tp)}"
                )
        if no_offset:
            # SubscriptionState.resetInitializingPositions collects every such partition
            # in a HashSet and throws one NoOffsetForPartitionException out of poll().
            # The simulated application's loop catches it and polls again after a pause
            # (as for TopicAuthorizationException), so it never spins: one error event,
            # one OffsetFetch a RETRY_BACKOFF_MS, until an offset is committed or reset.
            names = ", ".join(tp_name(tp) for tp in hash_map_order(no_offset,
                                                                   topic_partition_hash))
            one = no_offset[0] if len(no_offset) == 1 else (None, None)
            self._error("NoOffsetForPartitionException",
                        f"Undefined offset with no reset policy for partitions: [{names}]",
                        one[0], one[1])
            self._wake(RETRY_BACKOFF_MS)
            return
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
                # Since 3.0 the fetcher raises the error with its own message
                # (FetchCollector.handleInitializeErrors; before: Fetcher's
                # "Offsets out of range with no configured reset policy ...").
                self._error(
                    "OffsetOutOfRangeException",
                    f"Fetch position {self._fetch_position(tp, out_of_range_offset)} "
                    f"is out of range for partition {tp_name(tp)}",
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
