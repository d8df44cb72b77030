"""The idempotent producer's per-partition sequence book-keeping.

One `PartitionSequences` per partition, after Kafka's
``TxnPartitionEntry`` (clients/.../producer/internals/TxnPartitionEntry.java):
the producer id and epoch the partition's sequence numbers belong to, the
base sequence of the next new batch, the last acknowledged sequence, and the
batches that got a sequence and are not finished yet (sent, or waiting to be
retried), ordered by sequence.

Two more fields stand for TransactionManager's sets:
``unresolved_next`` (``partitionsWithUnresolvedSequences``: a batch that had
been sent was given up, so whether its sequences reached the log is unknown)
and ``bump_from_sequence`` (``partitionsToRewriteSequences``: the partition
needs an epoch bump, and its unfinished batches from that sequence on will be
renumbered from 0 under the new epoch).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class PartitionSequences:
    producer_id: int = -1
    producer_epoch: int = -1
    next_sequence: int = 0
    last_acked_sequence: int = -1
    unresolved_next: int | None = None
    bump_from_sequence: int | None = None
    unfinished: list = field(default_factory=list)  # Batch objects, by base_sequence

    def is_stale(self, producer_id: int, producer_epoch: int) -> bool:
        """True if these sequences belong to an older producer id or epoch."""
        return (self.producer_id, self.producer_epoch) != (producer_id, producer_epoch)

    def add(self, batch) -> None:
        self.unfinished.append(batch)
        self.unfinished.sort(key=lambda b: b.base_sequence)

    def finish(self, batch) -> None:
        if batch in self.unfinished:
            self.unfinished.remove(batch)

    def acknowledged(self, batch) -> None:
        """TxnPartitionEntry.maybeUpdateLastAckedSequence, then the batch is done."""
        if not self.is_stale(batch.producer_id, batch.producer_epoch):
            last = batch.base_sequence + len(batch.records) - 1
            self.last_acked_sequence = max(self.last_acked_sequence, last)
        self.finish(batch)

    def mark_unresolved(self, batch) -> None:
        """TransactionManager.markSequenceUnresolved: a sent batch was given up."""
        after = batch.base_sequence + len(batch.records)
        self.unresolved_next = after if self.unresolved_next is None else max(
            self.unresolved_next, after)

    def start_at_beginning(self, producer_id: int, producer_epoch: int) -> None:
        """TxnPartitionEntry.startSequencesAtBeginning: renumber the unfinished
        batches from 0 under the new id/epoch; new batches follow them."""
        sequence = 0
        for batch in self.unfinished:
            batch.base_sequence = sequence
            batch.producer_id = producer_id
            batch.producer_epoch = producer_epoch
            batch.sequence_reset = True
            sequence += len(batch.records)
        self.producer_id = producer_id
        self.producer_epoch = producer_epoch
        self.next_sequence = sequence
        self.last_acked_sequence = -1
        self.unresolved_next = None
        self.bump_from_sequence = None
