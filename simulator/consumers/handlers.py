"""Command handlers for consumers, groups and ACLs, plus the scenario sections.

Each handler validates everything first and raises `SimulationError` before
changing anything, so a refused command leaves no trace.
"""

from __future__ import annotations

from simulator import commands as cmds
from simulator import events as ev
from simulator.commands import handles
from simulator.consumers import coordinator
from simulator.consumers.client import ConsumerClient
from simulator.consumers.config import check_consumer_name, check_name, validate_configs
from simulator.consumers.system import MAX_CONSUMERS, system
from simulator.engine import on_event
from simulator.errors import SimulationError
from simulator.scenarios import scenario_section

MAX_SUBSCRIBED_TOPICS = 32


def _consumer(world, name: str) -> ConsumerClient:
    found = system(world).consumers.get(name)
    if found is None:
        raise SimulationError("unknown_consumer", f"no consumer named {name!r}")
    return found


def _topics(topics) -> list[str]:
    if not isinstance(topics, list) or len(topics) > MAX_SUBSCRIBED_TOPICS:
        raise SimulationError(
            "bad_command", f"topics must be a list of at most {MAX_SUBSCRIBED_TOPICS} names"
        )
    out = []
    for topic in topics:
        check_name("topic", topic)
        if topic not in out:
            out.append(topic)
    return out


def _principal(principal) -> str:
    if not isinstance(principal, str) or not principal.startswith("User:") or len(principal) < 6:
        raise SimulationError("bad_principal", "principal must look like User:alice")
    check_name("principal", principal)
    return principal


@handles(cmds.AddConsumer)
def _apply_add_consumer(world, cmd: cmds.AddConsumer) -> None:
    sys_ = system(world)
    name = check_consumer_name(cmd.consumer)
    group = check_name("group", cmd.group)
    if name in sys_.consumers:
        raise SimulationError("consumer_exists", f"a consumer named {name!r} already exists")
    if len(sys_.consumers) >= MAX_CONSUMERS:
        raise SimulationError("cap_exceeded", f"at most {MAX_CONSUMERS} consumers per cluster")
    topics = _topics(cmd.topics)
    configs = validate_configs(cmd.configs)
    principal = _principal(cmd.principal)
    client_id = configs["client.id"] or sys_.new_client_id(group)
    client = ConsumerClient(
        world, name, group, topics, configs, principal, client_id, sys_.new_host()
    )
    sys_.consumers[name] = client
    world.add_actor(client)
    world.emit(
        ev.ConsumerAdded,
        consumer=name,
        group=group,
        client_id=client_id,
        principal=principal,
        configs=_public_configs(configs),
        topics=list(topics),
    )
    client.start()


def _public_configs(configs: dict) -> dict:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in configs.items()}


@handles(cmds.RemoveConsumer)
def _apply_remove_consumer(world, cmd: cmds.RemoveConsumer) -> None:
    client = _consumer(world, cmd.consumer)
    sys_ = system(world)
    if client.running:
        client.close()
    del sys_.consumers[client.name]
    world.remove_actor(client.actor_id)
    world.network.down.discard(client.actor_id)
    world.emit(ev.ConsumerRemoved, consumer=client.name, group=client.group_id)


@handles(cmds.CrashConsumer)
def _apply_crash_consumer(world, cmd: cmds.CrashConsumer) -> None:
    client = _consumer(world, cmd.consumer)
    if not client.running:
        raise SimulationError("consumer_not_running", f"consumer {client.name!r} is not running")
    client.stop("crashed")
    world.network.down.add(client.actor_id)
    world.emit(ev.ConsumerCrashed, consumer=client.name, group=client.group_id)


@handles(cmds.StopConsumer)
def _apply_stop_consumer(world, cmd: cmds.StopConsumer) -> None:
    client = _consumer(world, cmd.consumer)
    if not client.running:
        raise SimulationError("consumer_not_running", f"consumer {client.name!r} is not running")
    client.close()
    client._set_status("stopped")


@handles(cmds.RestartConsumer)
def _apply_restart_consumer(world, cmd: cmds.RestartConsumer) -> None:
    client = _consumer(world, cmd.consumer)
    if client.running:
        raise SimulationError("consumer_running", f"consumer {client.name!r} is already running")
    world.network.down.discard(client.actor_id)
    world.emit(ev.ConsumerRestarted, consumer=client.name, group=client.group_id)
    client.last_error = None
    client.error_key = None
    client.start()


@handles(cmds.Subscribe)
def _apply_subscribe(world, cmd: cmds.Subscribe) -> None:
    client = _consumer(world, cmd.consumer)
    topics = _topics(cmd.topics)
    client.topics = topics
    world.emit(
        ev.ConsumerSubscribed, consumer=client.name, group=client.group_id, topics=list(topics)
    )
    # A new subscription is new JoinGroup metadata: the group rebalances.
    client.rejoin_needed = True
    client._wake(0)


@handles(cmds.CommitOffsets)
def _apply_commit_offsets(world, cmd: cmds.CommitOffsets) -> None:
    client = _consumer(world, cmd.consumer)
    if not client.running:
        raise SimulationError("consumer_not_running", f"consumer {client.name!r} is not running")
    client.commit_sync()


@handles(cmds.Seek)
def _apply_seek(world, cmd: cmds.Seek) -> None:
    client = _consumer(world, cmd.consumer)
    tp = (cmd.topic, cmd.partition)
    if not client.running:
        raise SimulationError("consumer_not_running", f"consumer {client.name!r} is not running")
    if tp not in client.assignment:
        # Kafka: IllegalStateException("No current assignment for partition t-0").
        raise SimulationError(
            "not_assigned", f"No current assignment for partition {cmd.topic}-{cmd.partition}"
        )
    if cmd.offset < 0:
        raise SimulationError("bad_offset", "the offset must be 0 or more")
    client._set_position(
        tp,
        cmd.offset,
        "seek",
        f"{client.prefix}Seeking to offset {cmd.offset} for partition {cmd.topic}-{cmd.partition}",
    )
    client._wake(0)


@handles(cmds.ResetOffsets)
def _apply_reset_offsets(world, cmd: cmds.ResetOffsets) -> None:
    sys_ = system(world)
    group = sys_.groups.get(cmd.group)
    if group is not None and group.state != "Empty":
        raise SimulationError(
            "group_active",
            f"Error: Assignments can only be reset if the group '{cmd.group}' is inactive, "
            f"but the current state is {group.state}.",
        )
    topic = world.topics.get(cmd.topic)
    if topic is None or topic.internal:
        raise SimulationError("unknown_topic", f"no topic named {cmd.topic!r}")
    if cmd.to not in ("earliest", "latest", "offset"):
        raise SimulationError("bad_command", "to must be earliest, latest or offset")
    if cmd.to == "offset" and (cmd.offset is None or cmd.offset < 0):
        raise SimulationError("bad_command", "--to-offset needs an offset of 0 or more")
    if cmd.partition is not None and not 0 <= cmd.partition < len(topic.partitions):
        raise SimulationError("unknown_partition", f"{cmd.topic} has no partition {cmd.partition}")
    partitions = range(len(topic.partitions)) if cmd.partition is None else [cmd.partition]
    offsets = []
    for p in partitions:
        replica = _leader_replica(world, cmd.topic, p)
        if replica is None:
            raise SimulationError(
                "leader_not_available", f"{cmd.topic}-{p} has no leader right now"
            )
        low, high = replica.log.start_offset, replica.hw
        if cmd.to == "earliest":
            target = low
        elif cmd.to == "latest":
            target = high
        else:
            # As the tool does: an offset outside the log is clamped to its ends.
            target = min(max(cmd.offset, low), high)
        offsets.append([cmd.topic, p, target])
    coordinator.commit(
        world, cmd.group, None, offsets, "reset", sys_.offsets.coordinator(world, cmd.group)
    )


def _leader_replica(world, topic: str, partition: int):
    leader = world.topics[topic].partitions[partition].leader
    broker = world.brokers.get(leader) if leader is not None else None
    return broker.leader_replica(topic, partition) if broker is not None else None


@handles(cmds.SetConsumerConfig)
def _apply_set_consumer_config(world, cmd: cmds.SetConsumerConfig) -> None:
    client = _consumer(world, cmd.consumer)
    configs = validate_configs(cmd.configs, base=client.configs)
    rejoin = (
        configs["partition.assignment.strategy"] != client.configs["partition.assignment.strategy"]
    )
    client.configs = configs
    world.emit(ev.ConsumerConfigChanged, consumer=client.name, configs=_public_configs(configs))
    if rejoin:
        client.rejoin_needed = True
    # A deserializer fix or a new bootstrap list takes effect at the next poll.
    client._wake(0)


@handles(cmds.SetConsumerNetwork)
def _apply_set_consumer_network(world, cmd: cmds.SetConsumerNetwork) -> None:
    client = _consumer(world, cmd.consumer)
    if cmd.reachable:
        world.network.isolated.discard(client.actor_id)
        client._wake(0)
    else:
        world.network.isolated.add(client.actor_id)


def _acl_args(cmd) -> tuple:
    return (cmd.resource_type, cmd.name, cmd.principal, cmd.operation, cmd.permission)


@handles(cmds.AddAcl)
def _apply_add_acl(world, cmd: cmds.AddAcl) -> None:
    store = system(world).acls
    store.validate(*_acl_args(cmd))
    acls = store.add(*_acl_args(cmd))
    world.emit(ev.AclsChanged, resource_type=cmd.resource_type, name=cmd.name, acls=acls)
    _wake_all(world)


@handles(cmds.RemoveAcl)
def _apply_remove_acl(world, cmd: cmds.RemoveAcl) -> None:
    store = system(world).acls
    store.validate(*_acl_args(cmd))
    acls = store.remove(*_acl_args(cmd))
    world.emit(ev.AclsChanged, resource_type=cmd.resource_type, name=cmd.name, acls=acls)
    _wake_all(world)


def _wake_all(world) -> None:
    for client in system(world).consumers.values():
        if client.waiting:
            client._wake(0)


# ------------------------------------------------------------------ topic changes


@on_event(ev.TopicCreated)
def _on_topic_created(world, event) -> None:
    """Subscribers of a topic that now exists rejoin: their leader sees new metadata."""
    if "consumers" not in world.ext:
        return
    for client in system(world).consumers.values():
        if client.running and event.topic in client.topics:
            client.rejoin_needed = True
            client._wake(0)


@on_event(ev.TopicDeleted)
def _on_topic_deleted(world, event) -> None:
    if "consumers" not in world.ext:
        return
    sys_ = system(world)
    sys_.offsets.forget_topic(event.topic)
    for client in sys_.consumers.values():
        if client.running and event.topic in client.topics:
            client.rejoin_needed = True
            client._wake(0)


# ------------------------------------------------------------------ scenarios


@scenario_section("consumer_groups")
def _scenario_consumer_groups(world, groups) -> None:
    """``consumer_groups: [{group, topics, configs?, consumers: [{name, configs?,
    principal?}]}]``."""
    if not isinstance(groups, list):
        raise SimulationError("bad_scenario", "consumer_groups must be a list")
    for entry in groups:
        if not isinstance(entry, dict) or "group" not in entry:
            raise SimulationError("bad_scenario", "each consumer group needs a 'group'")
        shared = entry.get("configs", {})
        for consumer in entry.get("consumers", []):
            if not isinstance(consumer, dict) or "name" not in consumer:
                raise SimulationError("bad_scenario", "each consumer needs a 'name'")
            configs = dict(shared)
            configs.update(consumer.get("configs", {}))
            _apply_add_consumer(
                world,
                cmds.AddConsumer(
                    str(consumer["name"]),
                    str(entry["group"]),
                    list(entry.get("topics", [])),
                    configs,
                    consumer.get("principal", "User:ANONYMOUS"),
                ),
            )


@scenario_section("acls")
def _scenario_acls(world, acls) -> None:
    """``acls: [{resource_type, name, principal, operation, permission?}]``."""
    if not isinstance(acls, list):
        raise SimulationError("bad_scenario", "acls must be a list")
    for entry in acls:
        if not isinstance(entry, dict):
            raise SimulationError("bad_scenario", "each ACL is a mapping")
        _apply_add_acl(
            world,
            cmds.AddAcl(
                entry.get("resource_type", "TOPIC"),
                entry.get("name", ""),
                entry.get("principal", ""),
                entry.get("operation", "READ"),
                entry.get("permission", "ALLOW"),
            ),
        )
