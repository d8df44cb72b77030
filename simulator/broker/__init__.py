"""A broker: replicas of partitions, leader and follower duties, producer state.

Leaders append produce requests, answer follower fetches (long-polling up to
``replica.fetch.wait.max.ms``), track each follower's LEO and last caught-up
time, shrink/expand the ISR through the controller, advance the high
watermark (min LEO over the ISR; frozen while the ISR is smaller than
``min.insync.replicas``) and complete ``acks=all`` requests when it passes
their offsets. Followers fetch from their leader, truncate a divergent tail
(the leader says where their last epoch ended), copy records and follow the
leader's HW and log start offset.

The package, one duty a module (each imports only those listed above it)::

  replica.py            Replica, FollowerProgress, Waiter: the data
  record_cap.py         the simulator's records-per-partition cap
  fetch_waiting_room.py follower and consumer fetches held for data (DelayedFetch)
  high_watermark.py     ISR expand/shrink, HW, LSO, HW waiters
  fetch_serving.py      the leader answering follower fetches
  leader_log.py         appends; reads and writes for other actors
  follower_fetcher.py   the follower's fetchers: fetch, truncate, copy
  replica_manager.py    metadata -> replicas and roles; metadata requests
  dispatch.py           the one table: message kind -> handler
  actor.py              Broker: state, lifecycle, timers, the doors above

Produce and transaction requests are handled by `simulator.produce_handling`
and `simulator.transactions`, retention by `simulator.retention` (listed in
the dispatch table and called from the actor).

Plug-in API (stable; see simulator/__init__.py): other message kinds
arriving at a broker (group coordinator requests, consumer fetches) go
through the same dispatch table::

    @on_broker_message("join_group")
    def _join(broker, message): ...

and may use `Broker.reply`, `Broker.read_for_consumer`,
`Broker.append_as_leader`, `Broker.when_high_watermark` and the broker's
`fetch_room` (documented in their modules and in docs/events.md).
"""

from simulator.broker.actor import Broker
from simulator.broker.dispatch import BROKER_MESSAGE_HANDLERS, on_broker_message
from simulator.broker.fetch_serving import MAX_FETCH_RECORDS
from simulator.broker.fetch_waiting_room import CONSUMER, FOLLOWER, DelayedFetch, FetchWaitingRoom
from simulator.broker.replica import FollowerProgress, Replica, Waiter

__all__ = [
    "BROKER_MESSAGE_HANDLERS",
    "CONSUMER",
    "FOLLOWER",
    "MAX_FETCH_RECORDS",
    "Broker",
    "DelayedFetch",
    "FetchWaitingRoom",
    "FollowerProgress",
    "Replica",
    "Waiter",
    "on_broker_message",
]
