"""Building a world from a scenario, and the handlers of the core commands.

`build_world(scenario, seed)` creates the controller quorum, the brokers, the
topics and the producers *already settled* at time 0 (registered, leaders
known, metadata everywhere), so a lesson starts from a calm cluster; the
scenario's timeline is scheduled on the clock. Each ``_apply_<command>``
checks everything first and raises `SimulationError` before changing anything.
"""

from __future__ import annotations

import re

from simulator import events as ev
from simulator import limits
from simulator.broker import Broker
from simulator.cluster_configs import CLUSTER_DEFAULTS
from simulator.commands import (
    HANDLERS,
    AbortTransaction,
    AddBroker,
    AddProducer,
    AlterPartitions,
    AlterTopicConfig,
    BeginTransaction,
    CommitTransaction,
    CrashBroker,
    CrashController,
    CreateTopic,
    DeleteTopic,
    DropMessages,
    ElectLeaders,
    Flush,
    IsolateBroker,
    Produce,
    ReconnectBroker,
    RemoveProducer,
    RestartBroker,
    RestartController,
    SlowBroker,
    command_from_dict,
    command_to_dict,
    handles,
)
from simulator.controller import ControllerQuorum
from simulator.engine import World
from simulator.errors import SimulationError
from simulator.network import Network
from simulator.producer import Producer, normalize_configs
from simulator.scenarios import SCENARIO_SECTIONS
from simulator.topics import PartitionMeta, TopicMeta, assign_replicas, validate_topic_configs

_TOPIC_NAME = re.compile(r"^[a-zA-Z0-9._-]{1,249}$")
_CLIENT_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,40}$")


def apply_command(world: World, cmd) -> None:
    handler = HANDLERS.get(type(cmd))
    if handler is None:
        raise SimulationError("bad_command", f"no handler for command {cmd.type!r}")
    handler(world, cmd)


class Timeline:
    """Fires the scenario's timed commands (rejections become events)."""

    actor_id = "timeline"

    def __init__(self, world: World, entries: list[dict]):
        self.world = world
        self.entries = entries
        world.add_actor(self)
        for index, entry in enumerate(entries):
            world.schedule_at(entry["at_ms"], self.actor_id, "fire", index)

    def fire(self, index: int) -> None:
        data = self.entries[index]["command"]
        try:
            cmd = command_from_dict(data)
            self.world.emit(ev.CommandApplied, command=command_to_dict(cmd))
            apply_command(self.world, cmd)
        except SimulationError as exc:
            self.world.emit(ev.CommandRejected, command=data, code=exc.code, message=exc.message)


def build_world(scenario: dict, seed: int) -> World:
    world = World(seed)
    cluster = scenario.get("cluster", {})
    world.config = dict(CLUSTER_DEFAULTS)
    world.config.update(cluster.get("configs", {}))
    network = cluster.get("network", {})
    world.network = Network(world, network.get("latency_ms", 2), network.get("jitter_ms", 0))
    world.emit(ev.SimulationStarted, scenario=scenario.get("name", "custom"), seed=seed)
    quorum = ControllerQuorum(world, list(range(1, cluster.get("controllers", 3) + 1)))
    world.controller = quorum
    quorum.start()
    broker_ids = cluster.get("brokers", 3)
    if isinstance(broker_ids, int):
        broker_ids = list(range(1, broker_ids + 1))
    for broker_id in broker_ids:
        _add_broker(world, broker_id, settled=True)
    for topic in scenario.get("topics", []):
        cmd = CreateTopic(topic["name"], topic.get("partitions", 1),
                          topic.get("replication_factor", 1), topic.get("configs", {}),
                          topic.get("replica_assignment"))
        _create_topic(world, cmd, settled=True)
    for producer in scenario.get("producers", []):
        _add_producer(world, AddProducer(producer["name"], producer.get("configs", {})),
                      settled=True)
    for name, fn in SCENARIO_SECTIONS.items():
        if name in scenario:
            fn(world, scenario[name])
    Timeline(world, scenario.get("timeline", []))
    return world


# ---- brokers -------------------------------------------------------------------------


def _broker(world: World, broker_id: int) -> Broker:
    broker = world.brokers.get(broker_id)
    if broker is None:
        known = ", ".join(str(b) for b in sorted(world.brokers))
        raise SimulationError("unknown_broker",
                              f"there is no broker {broker_id} (brokers: {known})")
    return broker


def _add_broker(world: World, broker_id: int, settled: bool) -> Broker:
    broker = Broker(world, broker_id)
    world.brokers[broker_id] = broker
    world.add_actor(broker)
    if settled:
        world.controller.registered[broker_id] = {"fenced": False, "last_heartbeat_ms": 0}
        world.emit(ev.BrokerAdded, broker=broker_id, state="online")
        broker.incarnation += 1
        inc = broker.incarnation
        world.schedule(world.rng.randrange(world.config["broker.heartbeat.interval.ms"]),
                       broker.actor_id, "heartbeat", inc)
        world.schedule(world.config["replica.lag.time.max.ms"] // 2, broker.actor_id,
                       "check_isr", inc)
        world.schedule(world.config["log.retention.check.interval.ms"], broker.actor_id,
                       "check_retention", inc)
    else:
        world.emit(ev.BrokerAdded, broker=broker_id, state="fenced")
        broker.start()
    return broker


@handles(AddBroker)
def _apply_add_broker(world: World, cmd: AddBroker) -> None:
    if cmd.broker in world.brokers:
        raise SimulationError("broker_exists", f"broker {cmd.broker} already exists")
    if not 1 <= cmd.broker <= 99:
        raise SimulationError("bad_command", "broker ids go from 1 to 99")
    if len(world.brokers) >= limits.MAX_BROKERS:
        raise SimulationError("cap_exceeded",
                              f"a simulated cluster has at most {limits.MAX_BROKERS} brokers")
    _add_broker(world, cmd.broker, settled=False)


@handles(CrashBroker)
def _apply_crash_broker(world: World, cmd: CrashBroker) -> None:
    broker = _broker(world, cmd.broker)
    if broker.crashed:
        raise SimulationError("already_crashed", f"broker {cmd.broker} is already down")
    broker.crash()


@handles(RestartBroker)
def _apply_restart_broker(world: World, cmd: RestartBroker) -> None:
    broker = _broker(world, cmd.broker)
    if not broker.crashed:
        raise SimulationError("not_crashed", f"broker {cmd.broker} is running; crash it first")
    broker.restart()


@handles(IsolateBroker)
def _apply_isolate_broker(world: World, cmd: IsolateBroker) -> None:
    broker = _broker(world, cmd.broker)
    if broker.crashed:
        raise SimulationError("already_crashed", f"broker {cmd.broker} is down")
    network = world.network
    if broker.actor_id in network.isolated or broker.actor_id in network.cluster_isolated:
        raise SimulationError("already_isolated", f"broker {cmd.broker} is already cut off")
    if cmd.scope not in ("all", "cluster"):
        raise SimulationError("bad_command", "scope must be 'all' or 'cluster'")
    (network.isolated if cmd.scope == "all" else network.cluster_isolated).add(broker.actor_id)
    world.emit(ev.BrokerIsolated, broker=cmd.broker, state=broker.state)


@handles(ReconnectBroker)
def _apply_reconnect_broker(world: World, cmd: ReconnectBroker) -> None:
    broker = _broker(world, cmd.broker)
    network = world.network
    if broker.actor_id not in network.isolated and broker.actor_id not in network.cluster_isolated:
        raise SimulationError("not_isolated", f"broker {cmd.broker} is not cut off")
    network.isolated.discard(broker.actor_id)
    network.cluster_isolated.discard(broker.actor_id)
    world.emit(ev.BrokerReconnected, broker=cmd.broker, state=broker.state)


@handles(SlowBroker)
def _apply_slow_broker(world: World, cmd: SlowBroker) -> None:
    _broker(world, cmd.broker)
    if not 0 <= cmd.slow_ms <= 120_000:
        raise SimulationError("bad_command", "slow_ms must be between 0 and 120000")
    actor = f"broker:{cmd.broker}"
    if cmd.slow_ms:
        world.network.slow_ms[actor] = cmd.slow_ms
    else:
        world.network.slow_ms.pop(actor, None)
    world.emit(ev.BrokerSlowed, broker=cmd.broker, slow_ms=cmd.slow_ms)


@handles(CrashController)
def _apply_crash_controller(world: World, cmd: CrashController) -> None:
    quorum = world.controller
    if cmd.controller not in quorum.running:
        raise SimulationError("unknown_controller", f"there is no controller {cmd.controller}")
    if not quorum.running[cmd.controller]:
        raise SimulationError("already_crashed", f"controller {cmd.controller} is already down")
    quorum.crash(cmd.controller)


@handles(RestartController)
def _apply_restart_controller(world: World, cmd: RestartController) -> None:
    quorum = world.controller
    if cmd.controller not in quorum.running:
        raise SimulationError("unknown_controller", f"there is no controller {cmd.controller}")
    if quorum.running[cmd.controller]:
        raise SimulationError("not_crashed", f"controller {cmd.controller} is running")
    quorum.restart(cmd.controller)


@handles(DropMessages)
def _apply_drop_messages(world: World, cmd: DropMessages) -> None:
    if not 1 <= cmd.count <= 1000:
        raise SimulationError("bad_command", "count must be between 1 and 1000")
    if len(world.network.rules) >= limits.MAX_DROP_RULES:
        raise SimulationError("cap_exceeded", f"at most {limits.MAX_DROP_RULES} drop rules "
                                              "waiting at a time")
    for value in (cmd.source, cmd.target):
        if value is not None and value not in world.actors and not value.startswith(
                ("broker:", "producer:", "controller:", "consumer:")):
            raise SimulationError("bad_command", f"unknown actor {value!r}")
    world.network.add_rule(cmd.source, cmd.target, cmd.message_kind, cmd.count)
    world.emit(ev.MessageDropRuleAdded, source=cmd.source, target=cmd.target,
               message_kind=cmd.message_kind, count=cmd.count)


# ---- topics --------------------------------------------------------------------------


def _require_controller(world: World) -> None:
    if world.controller.active is None:
        raise SimulationError("no_controller",
                              "no active controller: cluster metadata cannot change right now")


def _topic(world: World, name: str) -> TopicMeta:
    topic = world.topics.get(name)
    if topic is None:
        raise SimulationError("unknown_topic", f"topic {name!r} does not exist")
    return topic


def _create_topic(world: World, cmd: CreateTopic, settled: bool = False,
                  internal: bool = False) -> TopicMeta:
    quorum = world.controller
    _require_controller(world)
    if not isinstance(cmd.topic, str) or not _TOPIC_NAME.match(cmd.topic):
        raise SimulationError("bad_topic_name", "topic names use letters, digits, '.', '_' and "
                                                "'-' (at most 249 characters)")
    if cmd.topic.startswith("__") and not internal:
        raise SimulationError("bad_topic_name", "names starting with '__' are internal topics")
    if cmd.topic in world.topics:
        raise SimulationError("topic_exists", f"Topic '{cmd.topic}' already exists.")
    if len(world.topics) >= limits.MAX_TOPICS:
        raise SimulationError("cap_exceeded", f"at most {limits.MAX_TOPICS} topics per cluster")
    if not 1 <= cmd.partitions <= limits.MAX_PARTITIONS_PER_TOPIC:
        raise SimulationError("cap_exceeded" if cmd.partitions > 0 else "bad_command",
                              f"partitions must be between 1 and "
                              f"{limits.MAX_PARTITIONS_PER_TOPIC} (a simulator cap)")
    live = sorted(b for b in world.brokers if not quorum.is_fenced(b))
    if cmd.replication_factor < 1:
        raise SimulationError("bad_command", "replication factor must be at least 1")
    if cmd.replication_factor > len(live):
        raise SimulationError("invalid_replication_factor",
                              f"Replication factor: {cmd.replication_factor} larger than "
                              f"available brokers: {len(live)}.")
    configs = validate_topic_configs(cmd.configs, cmd.replication_factor)
    if cmd.replica_assignment is not None:
        assignment = cmd.replica_assignment
        if len(assignment) != cmd.partitions:
            raise SimulationError("bad_command", "replica_assignment needs one list per partition")
        for replicas in assignment:
            if (not isinstance(replicas, list) or len(replicas) != cmd.replication_factor
                    or len(set(replicas)) != len(replicas)):
                raise SimulationError("bad_command", "each replica list must have "
                                                     "replication_factor distinct brokers")
            for b in replicas:
                if b not in world.brokers:
                    raise SimulationError("unknown_broker", f"there is no broker {b}")
        assignment = [list(r) for r in assignment]
    else:
        start = world.rng.randrange(len(live))
        shift = world.rng.randrange(len(live))
        assignment = assign_replicas(live, cmd.partitions, cmd.replication_factor, start, shift)
    partitions = []
    for p, replicas in enumerate(assignment):
        isr = [b for b in replicas if not quorum.is_fenced(b)]
        leader = isr[0] if isr else None
        partitions.append(PartitionMeta(cmd.topic, p, replicas, leader, 0, 0, isr or replicas[:1]))
    topic_id = f"{world.rng.getrandbits(64):016x}"
    topic = TopicMeta(cmd.topic, topic_id, configs, partitions, internal)
    world.topics[cmd.topic] = topic
    world.emit(ev.TopicCreated, topic=cmd.topic, configs=topic.effective_configs(),
               partitions=[pm.to_dict() for pm in partitions])
    if settled:
        quorum.metadata_version += 1
        update = {"version": quorum.metadata_version,
                  "partitions": [pm.state() for pm in partitions], "full": False}
        for broker_id in sorted(world.brokers):
            broker = world.brokers[broker_id]
            if not broker.crashed:
                broker._apply_metadata(update)
    else:
        quorum.publish(partitions)
    return topic


def ensure_internal_topic(world: World, name: str, partitions: int,
                          replication_factor: int) -> TopicMeta:
    """Create an internal topic (e.g. ``__consumer_offsets``) if missing, as Kafka
    does on first use; the replication factor shrinks to the live brokers."""
    topic = world.topics.get(name)
    if topic is not None:
        return topic
    live = sum(1 for b in world.brokers if not world.controller.is_fenced(b))
    rf = max(1, min(replication_factor, live))
    return _create_topic(world, CreateTopic(name, partitions, rf, {}), internal=True)


@handles(CreateTopic)
def _apply_create_topic(world: World, cmd: CreateTopic) -> None:
    _create_topic(world, cmd)


@handles(DeleteTopic)
def _apply_delete_topic(world: World, cmd: DeleteTopic) -> None:
    _require_controller(world)
    topic = _topic(world, cmd.topic)
    if topic.internal:
        raise SimulationError("bad_command", f"{cmd.topic} is an internal topic")
    del world.topics[cmd.topic]
    world.emit(ev.TopicDeleted, topic=cmd.topic)
    world.controller.publish([], deleted_topics=(cmd.topic,))


@handles(AlterTopicConfig)
def _apply_alter_topic_config(world: World, cmd: AlterTopicConfig) -> None:
    _require_controller(world)
    topic = _topic(world, cmd.topic)
    rf = len(topic.partitions[0].replicas)
    merged = dict(topic.configs)
    merged.update(cmd.configs)
    for key in cmd.delete:
        if not isinstance(key, str) or key not in merged:
            raise SimulationError("bad_config", f"Invalid config(s): {key}")
        del merged[key]
    topic.configs = validate_topic_configs(merged, rf)
    world.emit(ev.TopicConfigChanged, topic=cmd.topic, configs=topic.effective_configs())


@handles(AlterPartitions)
def _apply_alter_partitions(world: World, cmd: AlterPartitions) -> None:
    """CreatePartitions: only growing is allowed, with the broker's own error texts
    (ReplicationControlManager.createPartitions). New partitions are placed by the
    same rack-unaware rule as at creation, continuing from partition 0's first
    replica (AdminUtils.assignReplicasToBrokers with a fixed start index)."""
    _require_controller(world)
    quorum = world.controller
    topic = _topic(world, cmd.topic)
    have = len(topic.partitions)
    if topic.internal:
        raise SimulationError("bad_command", f"{cmd.topic} is an internal topic")
    if not isinstance(cmd.partitions, int) or cmd.partitions < have:
        raise SimulationError("invalid_partitions", f"Topic currently has {have} partitions, "
                                                    f"which is higher than the requested "
                                                    f"{cmd.partitions}.")
    if cmd.partitions == have:
        raise SimulationError("invalid_partitions", f"Topic already has {have} partitions.")
    if cmd.partitions > limits.MAX_PARTITIONS_PER_TOPIC:
        raise SimulationError("cap_exceeded", "partitions must be between 1 and "
                                              f"{limits.MAX_PARTITIONS_PER_TOPIC} "
                                              "(a simulator cap)")
    live = sorted(b for b in world.brokers if not quorum.is_fenced(b))
    rf = len(topic.partitions[0].replicas)
    if rf > len(live):
        raise SimulationError("invalid_replication_factor",
                              f"Replication factor: {rf} larger than available brokers: "
                              f"{len(live)}.")
    first = topic.partitions[0].replicas[0]
    start = live.index(first) if first in live else 0
    placement = assign_replicas(live, cmd.partitions, rf, start, 0)
    added = []
    for p in range(have, cmd.partitions):
        replicas = placement[p]
        isr = [b for b in replicas if not quorum.is_fenced(b)]
        pm = PartitionMeta(cmd.topic, p, replicas, isr[0] if isr else None, 0, 0,
                           isr or replicas[:1])
        topic.partitions.append(pm)
        added.append(pm)
    world.emit(ev.PartitionsCreated, topic=cmd.topic, partitions=[pm.to_dict() for pm in added])
    quorum.publish(added)


@handles(ElectLeaders)
def _apply_elect_leaders(world: World, cmd: ElectLeaders) -> None:
    _require_controller(world)
    topic = _topic(world, cmd.topic)
    if cmd.election not in ("preferred", "unclean"):
        raise SimulationError("bad_command", "election must be 'preferred' or 'unclean'")
    if cmd.partition is not None and not 0 <= cmd.partition < len(topic.partitions):
        raise SimulationError("unknown_partition", f"{cmd.topic} has no partition {cmd.partition}")
    chosen = [pm for pm in topic.partitions if cmd.partition in (None, pm.partition)]
    quorum = world.controller
    changed = []
    for pm in chosen:
        done = (quorum.elect_preferred(pm, topic) if cmd.election == "preferred"
                else quorum.elect_unclean(pm, topic))
        if done:
            changed.append(pm)
    quorum.publish(changed)


# ---- producers ---------------------------------------------------------------------


def _producer(world: World, name: str) -> Producer:
    producer = world.producers.get(name)
    if producer is None:
        raise SimulationError("unknown_producer", f"there is no producer {name!r}")
    return producer


def _add_producer(world: World, cmd: AddProducer, settled: bool = False) -> Producer:
    if not isinstance(cmd.producer, str) or not _CLIENT_NAME.match(cmd.producer):
        raise SimulationError("bad_name", "producer names use letters, digits, '_' and '-' "
                                          "(at most 40 characters)")
    if cmd.producer in world.producers:
        raise SimulationError("producer_exists", f"producer {cmd.producer!r} already exists")
    if len(world.producers) >= limits.MAX_PRODUCERS:
        raise SimulationError("cap_exceeded", f"at most {limits.MAX_PRODUCERS} producers")
    configs = normalize_configs(cmd.configs)
    producer = Producer(world, cmd.producer, configs)
    world.producers[cmd.producer] = producer
    world.add_actor(producer)
    world.emit(ev.ProducerAdded, producer=cmd.producer, configs=dict(configs))
    if settled:
        leaders = {}
        counts = {}
        for topic in world.topics.values():
            counts[topic.name] = len(topic.partitions)
            for pm in topic.partitions:
                leaders[f"{pm.topic}-{pm.partition}"] = pm.leader
        producer.apply_metadata(leaders, counts, min(world.brokers))
        if producer.idempotent and configs["transactional.id"] is None:
            world.controller.next_producer_id += 1
            producer.producer_id = world.controller.next_producer_id
            producer.producer_epoch = 0
            world.emit(ev.ProducerIdAssigned, producer=cmd.producer,
                       producer_id=producer.producer_id, producer_epoch=0)
        elif producer.idempotent:
            producer.request_producer_id()
        world.schedule(configs["metadata.max.age.ms"], producer.actor_id, "metadata_age")
    else:
        producer.start()
    return producer


@handles(AddProducer)
def _apply_add_producer(world: World, cmd: AddProducer) -> None:
    _add_producer(world, cmd)


@handles(RemoveProducer)
def _apply_remove_producer(world: World, cmd: RemoveProducer) -> None:
    producer = _producer(world, cmd.producer)
    producer.closed = True
    del world.producers[cmd.producer]
    world.remove_actor(producer.actor_id)
    world.emit(ev.ProducerRemoved, producer=cmd.producer)


@handles(Produce)
def _apply_produce(world: World, cmd: Produce) -> None:
    producer = _producer(world, cmd.producer)
    topic = _topic(world, cmd.topic)
    if cmd.partition is not None and not 0 <= cmd.partition < len(topic.partitions):
        raise SimulationError("unknown_partition",
                              f"{cmd.topic} has partitions 0..{len(topic.partitions) - 1}")
    if not 1 <= cmd.count <= limits.MAX_RECORDS_PER_PRODUCE:
        raise SimulationError("cap_exceeded" if cmd.count > 0 else "bad_command",
                              f"count must be between 1 and {limits.MAX_RECORDS_PER_PRODUCE}")
    if cmd.key is not None and len(cmd.key) > limits.MAX_KEY_CHARS:
        raise SimulationError("cap_exceeded", f"keys are at most {limits.MAX_KEY_CHARS} characters")
    if cmd.value is not None and len(cmd.value) > limits.MAX_VALUE_CHARS:
        raise SimulationError("cap_exceeded",
                              f"values are at most {limits.MAX_VALUE_CHARS} characters")
    if len(cmd.headers) > limits.MAX_HEADERS or not all(
            isinstance(k, str) and isinstance(v, str) and len(k) <= limits.MAX_KEY_CHARS
            and len(v) <= limits.MAX_KEY_CHARS for k, v in cmd.headers.items()):
        raise SimulationError("bad_command", f"headers: at most {limits.MAX_HEADERS} "
                                             f"string names with string values (each at most "
                                             f"{limits.MAX_KEY_CHARS} characters)")
    if producer.configs["transactional.id"] is not None and producer.txn_state != "ongoing":
        raise SimulationError("illegal_state", "Cannot call send outside a transaction: "
                                               "begin_transaction first")
    headers = tuple(sorted(cmd.headers.items()))
    if cmd.count == 1:
        items = [(cmd.key, cmd.value, headers, cmd.partition)]
    else:
        key, value = cmd.key, cmd.value
        items = [(None if key is None else f"{key}-{i}", None if value is None else f"{value}-{i}",
                  headers, cmd.partition) for i in range(cmd.count)]
    producer.enqueue(cmd.topic, items)


@handles(Flush)
def _apply_flush(world: World, cmd: Flush) -> None:
    _producer(world, cmd.producer).flush()


def _transactional(world: World, name: str) -> Producer:
    producer = _producer(world, name)
    if producer.configs["transactional.id"] is None:
        raise SimulationError("illegal_state", f"producer {name!r} has no transactional.id")
    if producer.producer_id < 0:
        raise SimulationError("illegal_state", "the producer has no producer id yet "
                                               "(initTransactions has not completed)")
    return producer


@handles(BeginTransaction)
def _apply_begin_transaction(world: World, cmd: BeginTransaction) -> None:
    producer = _transactional(world, cmd.producer)
    if producer.txn_state is not None:
        raise SimulationError("illegal_state", f"a transaction is already {producer.txn_state}")
    producer.begin_transaction()


@handles(CommitTransaction)
def _apply_commit_transaction(world: World, cmd: CommitTransaction) -> None:
    producer = _transactional(world, cmd.producer)
    if producer.txn_state != "ongoing":
        raise SimulationError("illegal_state", "no ongoing transaction to commit")
    producer.end_transaction(commit=True)


@handles(AbortTransaction)
def _apply_abort_transaction(world: World, cmd: AbortTransaction) -> None:
    producer = _transactional(world, cmd.producer)
    if producer.txn_state != "ongoing":
        raise SimulationError("illegal_state", "no ongoing transaction to abort")
    producer.end_transaction(commit=False)
