"""Which replicas a broker holds and in which role, from the controller's metadata.

Metadata arrives pushed (``metadata_update``), in answers to the broker's
registration and heartbeats, and in the answer to its own AlterPartition.
Each partition state ``(topic, partition, replicas, leader, leader_epoch,
partition_epoch, isr)`` newer than the one known creates the replica if
needed and makes it leader (followers' progress starts over, the leader epoch
is noted in the log) or follower (the waiters of a former leader fail), as
Kafka's ReplicaManager.applyDelta / makeLeaders / makeFollowers do. Then the
follower fetchers follow the new leaders. Clients' metadata requests are
answered from this view.
"""

from __future__ import annotations

from simulator import events as ev
from simulator.broker import follower_fetcher, high_watermark
from simulator.broker.replica import FollowerProgress, Replica


def on_metadata_message(broker, message) -> None:
    """``metadata_update``, ``registration_response`` or ``heartbeat_response``."""
    kind = message.kind
    metadata = message.body if kind == "metadata_update" else message.body.get("metadata")
    if metadata is not None:
        apply_metadata(broker, metadata)


def apply_metadata(broker, metadata: dict) -> None:
    for topic in metadata.get("deleted_topics", ()):
        for key in [k for k in broker.replicas if k[0] == topic]:
            del broker.replicas[key]
        for key in [k for k in broker.metadata if k[0] == topic]:
            del broker.metadata[key]
    if metadata.get("full"):
        known = set(metadata.get("topics", ()))
        for key in [k for k in broker.replicas if k[0] not in known]:
            del broker.replicas[key]
        for key in [k for k in broker.metadata if k[0] not in known]:
            del broker.metadata[key]
    for state in metadata["partitions"]:
        topic, partition, replicas, leader, leader_epoch, partition_epoch, isr = state
        key = (topic, partition)
        old = broker.metadata.get(key)
        if old is not None and (old[4], old[5]) > (leader_epoch, partition_epoch):
            continue  # stale
        broker.metadata[key] = state
        if broker.broker_id in replicas:
            sync_replica(broker, state)
    broker.metadata_version = max(broker.metadata_version, metadata["version"])
    follower_fetcher.ensure_fetchers(broker)


def sync_replica(broker, state: tuple) -> None:
    world = broker.world
    topic, partition, replicas, leader, leader_epoch, partition_epoch, isr = state
    key = (topic, partition)
    r = broker.replicas.get(key)
    if r is None:
        r = Replica(topic, partition, world.now_ms)
        broker.replicas[key] = r
        world.emit(ev.ReplicaAdded, broker=broker.broker_id, topic=topic, partition=partition,
                   role="leader" if leader == broker.broker_id else "follower",
                   leader=leader, leader_epoch=leader_epoch)
    r.replicas = replicas
    r.partition_epoch = partition_epoch
    if leader == broker.broker_id:
        if r.role != "leader" or r.leader_epoch != leader_epoch:
            r.role = "leader"
            r.leader = leader
            r.leader_epoch = leader_epoch
            r.log.note_epoch(leader_epoch, r.log.leo)
            r.followers = {
                b: FollowerProgress(leo=0, last_caught_up_ms=world.now_ms if b in isr else 0,
                                    last_fetch_ms=world.now_ms)
                for b in replicas if b != broker.broker_id
            }
            world.emit(ev.ReplicaRoleChanged, broker=broker.broker_id, topic=topic,
                       partition=partition, role="leader", leader=leader,
                       leader_epoch=leader_epoch, high_watermark=r.hw)
        r.isr = isr
        r.isr_pending_since = None
        high_watermark.maybe_advance_hw(broker, r)
    else:
        was_leader = r.role == "leader"
        if r.role != "follower" or r.leader_epoch != leader_epoch or r.leader != leader:
            r.role = "follower"
            r.leader = leader
            r.leader_epoch = leader_epoch
            world.emit(ev.ReplicaRoleChanged, broker=broker.broker_id, topic=topic,
                       partition=partition, role="follower", leader=leader,
                       leader_epoch=leader_epoch, high_watermark=r.hw)
        r.isr = isr
        if was_leader:
            high_watermark.fail_waiters(broker, r)
            r.followers = {}


def on_alter_partition_response(broker, message) -> None:
    """The controller's answer to our AlterPartition: the partition's new state, if any."""
    body = message.body
    r = broker.replicas.get((body["topic"], body["partition"]))
    if r is None:
        return
    r.isr_pending_since = None
    if body["state"] is not None:
        state = body["state"]
        old = broker.metadata.get((r.topic, r.partition))
        if old is None or (old[4], old[5]) <= (state[4], state[5]):
            broker.metadata[(r.topic, r.partition)] = state
            sync_replica(broker, state)


def on_metadata_request(broker, message) -> None:
    """Answer from this broker's view. `partitions` (every partition state) and
    `brokers` (the unfenced brokers, as Kafka's MetadataResponse lists the
    alive ones) are for clients that need Kafka's full answer (outside
    clients, simulator.wire_clients); the simulated producer reads `leaders`."""
    leaders = {}
    counts: dict[str, int] = {}
    partitions = []
    for (topic, partition), state in sorted(broker.metadata.items()):
        leaders[f"{topic}-{partition}"] = state[3]
        counts[topic] = max(counts.get(topic, 0), partition + 1)
        partitions.append(state)
    controller = broker.world.controller
    alive = [b for b in sorted(broker.world.brokers) if not controller.is_fenced(b)]
    broker.reply(message, "metadata_response",
                 {"leaders": leaders, "partition_counts": counts, "broker": broker.broker_id,
                  "partitions": partitions, "brokers": alive},
                 {"topics": sorted(counts)})
