"""The fetch waiting room: fetches a leader holds until it has data to give them.

One room per broker holds both kinds of fetch that found nothing to return:
a follower's replication fetch (``fetch``, held up to
``replica.fetch.wait.max.ms``) and a consumer's (``consumer_fetch``, held up
to the request's ``fetch.max.wait.ms``). It is Kafka's
``ReplicaManager.delayedFetchPurgatory``: a purgatory of ``DelayedFetch``
operations (core/src/main/scala/kafka/server/DelayedFetch.scala), watched by
partition (``TopicPartitionOperationKey``). As there, what can complete a
held fetch depends on how far its reader may read (``FetchIsolation``): a
follower reads to the log end (``LOG_END``), so an append wakes it; a
consumer reads to the HW, or read_committed to the LSO (``HIGH_WATERMARK``,
``TXN_COMMITTED``), so a move of those wakes it.

The room only holds and hands back. Answering is the reader's own code
(`simulator.broker.fetch_serving` for followers, `simulator.consumers.fetching`
for consumers), and so is the expiry timer each held fetch carries.
"""

from __future__ import annotations

from dataclasses import dataclass

FOLLOWER = "follower"  # reads up to the log end offset
CONSUMER = "consumer"  # reads up to the HW (read_uncommitted) or the LSO (read_committed)


@dataclass(slots=True)
class DelayedFetch:
    """One held fetch (Kafka's DelayedFetch)."""

    reader: str  # FOLLOWER or CONSUMER
    message: object  # the fetch request, answered later as it came
    timer: int  # its expiry: the fetch's max wait
    partitions: tuple  # ((topic, partition), ...) that can complete it


class FetchWaitingRoom:
    """The fetches one broker holds, by key: a follower's broker id, or a consumer
    fetch's ``(broker id, consumer actor id, fetch id)``."""

    __slots__ = ("held",)

    def __init__(self):
        self.held: dict = {}

    def __len__(self) -> int:
        return len(self.held)

    def hold(self, key, reader: str, message, timer: int, partitions) -> None:
        self.held[key] = DelayedFetch(reader, message, timer, tuple(partitions))

    def get(self, key) -> DelayedFetch | None:
        return self.held.get(key)

    def take(self, key) -> DelayedFetch | None:
        """Remove and return the fetch held under `key` (None if there is none)."""
        return self.held.pop(key, None)

    def waiting_on(self, topic: str, partition: int, reader: str) -> list:
        """Keys of the `reader` fetches this partition can complete, in the order to
        answer them: followers by broker id, consumers as they arrived. Replies leave
        in this order, and in a deterministic run that order is observable."""
        keys = [key for key, held in self.held.items()
                if held.reader == reader and (topic, partition) in held.partitions]
        return sorted(keys) if reader == FOLLOWER else keys

    def clear(self) -> list[DelayedFetch]:
        """Forget every held fetch (the broker crashed); returns them."""
        held, self.held = list(self.held.values()), {}
        return held
