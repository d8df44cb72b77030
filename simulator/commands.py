"""Commands: the only way (besides time) to change a simulation.

Each command is a frozen dataclass registered under a wire ``type``
(``{"type": "crash_broker", "broker": 2}``). `command_from_dict` checks the
shape (known type, known fields, required fields present, field types) and
raises ``SimulationError("bad_command", ...)``; whether a command makes sense
*now* (does broker 2 exist?) is checked by its handler when applied.

Handlers live next to the model they drive and register with `handles`:

    @handles(CrashBroker)
    def _apply_crash_broker(world, cmd): ...   # validate first, then mutate

All text of a command (every string, recursively, also in config dicts) must
be valid Unicode scalar values without U+0000: a lone surrogate cannot be
encoded and PostgreSQL cannot store NUL. `command_from_dict` and
`validate_command` check that, and the config ranges of
`simulator.config_ranges`, before anything changes.

A handler must raise `SimulationError` before changing anything. The consumers
package adds its commands in the marked section at the end of this file and
registers handlers with `handles` from its own modules.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable
from dataclasses import MISSING, asdict, dataclass, field, fields

from simulator.config_ranges import check_command_configs
from simulator.errors import SimulationError

COMMAND_CLASSES: dict[str, type] = {}
HANDLERS: dict[type, Callable] = {}


def command(type_name: str):
    def register(cls):
        cls.type = type_name
        COMMAND_CLASSES[type_name] = cls
        return cls

    return register


def handles(command_cls: type) -> Callable:
    """Decorator registering ``fn(world, cmd)`` as the handler of `command_cls`."""

    def register(fn: Callable) -> Callable:
        HANDLERS[command_cls] = fn
        return fn

    return register


@dataclass(frozen=True)
class Command:
    pass


def command_to_dict(cmd: Command) -> dict:
    out = {"type": cmd.type}
    for key, value in asdict(cmd).items():
        out[key] = value
    return out


_SIMPLE = {int: "an integer", str: "a string", bool: "true or false", dict: "an object",
           list: "a list", float: "a number"}


def _check_type(type_name: str, name: str, value, hint) -> object:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, getattr(__import__("types"), "UnionType", None)):
        if value is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        errors = []
        for option in options:
            try:
                return _check_type(type_name, name, value, option)
            except SimulationError as exc:
                errors.append(exc)
        raise errors[0]
    base = origin or hint
    if base is float and isinstance(value, int) and not isinstance(value, bool):
        return value
    if base is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise SimulationError("bad_command", f"{type_name}: '{name}' must be an integer")
    if base is tuple and isinstance(value, list):
        value = tuple(value)
    if not isinstance(value, base):
        what = _SIMPLE.get(base, base.__name__)
        raise SimulationError("bad_command", f"{type_name}: '{name}' must be {what}")
    if base is tuple:
        value = tuple(tuple(v) if isinstance(v, list) else v for v in value)
    return value


# Nesting deeper than this in a command is refused (configs are flat; headers
# are one level): it keeps validation iterative and small.
MAX_NESTING = 16


def check_text(value, where: str = "command", max_depth: int = MAX_NESTING) -> None:
    """Every string in `value` (keys too, recursively) must be valid Unicode
    scalar values (no lone surrogates) without U+0000; raises bad_text (and
    bad_command past `max_depth` levels of nesting)."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise SimulationError("bad_text", f"{where}: text must not contain the NUL "
                                                  "character (U+0000)")
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    raise SimulationError("bad_text", f"{where}: text must be valid Unicode "
                                                      "(a lone surrogate such as \\ud800 is "
                                                      "not)") from None
            continue
        if isinstance(item, (dict, list, tuple)):
            if depth >= max_depth:
                raise SimulationError("bad_command", f"{where}: nested more than "
                                                     f"{max_depth} levels deep")
            if isinstance(item, dict):
                for key, sub in item.items():
                    stack.append((key, depth + 1))
                    stack.append((sub, depth + 1))
            else:
                stack.extend((sub, depth + 1) for sub in item)


def validate_command(cmd: Command) -> Command:
    """Check a built command's text and configs (for commands made in code;
    `command_from_dict` already does this). Raises SimulationError."""
    type_name = getattr(cmd, "type", type(cmd).__name__)
    for f in fields(cmd):
        check_text(getattr(cmd, f.name), f"{type_name}.{f.name}")
    check_command_configs(cmd)
    return cmd


@functools.cache
def _shape(cls: type) -> tuple[dict, frozenset, tuple]:
    """A command class's type hints, field names and fields, worked out once:
    `typing.get_type_hints` evaluates every annotation's string each call, and
    a replay or a busy socket turns thousands of dicts into commands."""
    all_fields = fields(cls)
    return typing.get_type_hints(cls), frozenset(f.name for f in all_fields), all_fields


def command_from_dict(data: dict) -> Command:
    """Build a command from its JSON shape; ``SimulationError("bad_command")`` if
    malformed, ``bad_text`` for text that cannot be stored, ``bad_config`` for a
    config out of range."""
    if not isinstance(data, dict):
        raise SimulationError("bad_command", "a command must be a JSON object")
    check_text(data)
    type_name = data.get("type")
    if not isinstance(type_name, str) or type_name not in COMMAND_CLASSES:
        known = ", ".join(sorted(COMMAND_CLASSES))
        raise SimulationError("bad_command", f"unknown command type {type_name!r}; known: {known}")
    cls = COMMAND_CLASSES[type_name]
    hints, names, all_fields = _shape(cls)
    unknown = sorted(set(data) - names - {"type"})
    if unknown:
        raise SimulationError("bad_command", f"{type_name}: unknown field(s) {', '.join(unknown)}")
    kwargs = {}
    for f in all_fields:
        if f.name in data:
            kwargs[f.name] = _check_type(type_name, f.name, data[f.name], hints[f.name])
        elif f.default is MISSING and f.default_factory is MISSING:
            raise SimulationError("bad_command", f"{type_name}: missing field '{f.name}'")
    cmd = cls(**kwargs)
    check_command_configs(cmd)
    return cmd


# ---- cluster ------------------------------------------------------------------


@command("crash_broker")
@dataclass(frozen=True)
class CrashBroker(Command):
    broker: int


@command("restart_broker")
@dataclass(frozen=True)
class RestartBroker(Command):
    broker: int


@command("isolate_broker")
@dataclass(frozen=True)
class IsolateBroker(Command):
    """Cut a broker off the network; it keeps running (a zombie leader).

    `scope` "all" cuts every link; "cluster" cuts it off from the other brokers
    and the controllers only, so clients still reach it (a split brain: it may
    accept acks=1 writes that are truncated when it rejoins).
    """

    broker: int
    scope: str = "all"


@command("reconnect_broker")
@dataclass(frozen=True)
class ReconnectBroker(Command):
    broker: int


@command("slow_broker")
@dataclass(frozen=True)
class SlowBroker(Command):
    """Delay the broker's replica fetch requests by `slow_ms` (it lags behind its
    leaders but keeps heartbeating); 0 heals."""

    broker: int
    slow_ms: int


@command("add_broker")
@dataclass(frozen=True)
class AddBroker(Command):
    broker: int


@command("crash_controller")
@dataclass(frozen=True)
class CrashController(Command):
    controller: int


@command("restart_controller")
@dataclass(frozen=True)
class RestartController(Command):
    controller: int


@command("drop_messages")
@dataclass(frozen=True)
class DropMessages(Command):
    """Lose the next `count` messages matching the filter (None matches all).

    A loss is a connection reset, as on TCP (see simulator.network): every
    other message in flight between the same two actors, either way, is lost
    with it (reason ``connection_broken``), both ends are told at once, and
    the next message between them opens a new connection.

    Example: lose a produce response after the write succeeded:
    ``{"type": "drop_messages", "source": "broker:1", "target": "producer:A",
    "message_kind": "produce_response"}``.
    """

    source: str | None = None
    target: str | None = None
    message_kind: str | None = None
    count: int = 1


# ---- topics -----------------------------------------------------------------------


@command("create_topic")
@dataclass(frozen=True)
class CreateTopic(Command):
    topic: str
    partitions: int = 1
    replication_factor: int = 1
    configs: dict = field(default_factory=dict)
    # Optional explicit placement: one list of broker ids per partition, the
    # first being the preferred leader (as kafka-topics --replica-assignment).
    replica_assignment: list | None = None


@command("delete_topic")
@dataclass(frozen=True)
class DeleteTopic(Command):
    topic: str


@command("alter_topic_config")
@dataclass(frozen=True)
class AlterTopicConfig(Command):
    """Set topic configs; `delete` names configs to drop back to their defaults
    (kafka-configs --alter --add-config / --delete-config)."""

    topic: str
    configs: dict
    delete: list = field(default_factory=list)


@command("alter_partitions")
@dataclass(frozen=True)
class AlterPartitions(Command):
    """kafka-topics --alter --partitions N: grow a topic to N partitions (never shrink)."""

    topic: str
    partitions: int


@command("elect_leaders")
@dataclass(frozen=True)
class ElectLeaders(Command):
    """kafka-leader-election: `election` preferred or unclean; partition None = all."""

    topic: str
    election: str = "preferred"
    partition: int | None = None


# ---- producers --------------------------------------------------------------------


@command("add_producer")
@dataclass(frozen=True)
class AddProducer(Command):
    producer: str
    configs: dict = field(default_factory=dict)


@command("remove_producer")
@dataclass(frozen=True)
class RemoveProducer(Command):
    producer: str


@command("produce")
@dataclass(frozen=True)
class Produce(Command):
    """Hand records to a producer (`count` copies; with count > 1 keys and values
    get a ``-<i>`` suffix so each record is distinguishable)."""

    producer: str
    topic: str
    value: str | None = None
    key: str | None = None
    headers: dict = field(default_factory=dict)
    partition: int | None = None
    count: int = 1


@command("flush")
@dataclass(frozen=True)
class Flush(Command):
    """Send every batch the producer holds now, without waiting for linger.ms."""

    producer: str


@command("begin_transaction")
@dataclass(frozen=True)
class BeginTransaction(Command):
    producer: str


@command("commit_transaction")
@dataclass(frozen=True)
class CommitTransaction(Command):
    producer: str


@command("abort_transaction")
@dataclass(frozen=True)
class AbortTransaction(Command):
    producer: str


# ======================================================================================
# Consumer and group commands (owned by simulator/consumers). Append below this line.
# ======================================================================================


@command("add_consumer")
@dataclass(frozen=True)
class AddConsumer(Command):
    """Start a KafkaConsumer in `group`, subscribed to `topics`.

    `configs` use Kafka's names (``max.poll.records``, ``enable.auto.commit``,
    ``value.deserializer`` ...) plus the simulator's ``processing.ms.per.record``.
    `principal` is who the client authenticates as (ACLs apply to it).
    """

    consumer: str
    group: str
    topics: list = field(default_factory=list)
    configs: dict = field(default_factory=dict)
    principal: str = "User:ANONYMOUS"


@command("remove_consumer")
@dataclass(frozen=True)
class RemoveConsumer(Command):
    """Close the consumer: it commits (with auto-commit) and leaves its group at once."""

    consumer: str


@command("crash_consumer")
@dataclass(frozen=True)
class CrashConsumer(Command):
    """Kill the process: no LeaveGroup; the group waits for session.timeout.ms."""

    consumer: str


@command("stop_consumer")
@dataclass(frozen=True)
class StopConsumer(Command):
    """Shut the application down cleanly: close() (commit, LeaveGroup at once), but
    the consumer and its configs stay, so `restart_consumer` starts it again (the
    debugging levels stop a group this way to reset its offsets)."""

    consumer: str


@command("restart_consumer")
@dataclass(frozen=True)
class RestartConsumer(Command):
    """Start a crashed or stopped consumer again (a new member, same configs)."""

    consumer: str


@command("subscribe")
@dataclass(frozen=True)
class Subscribe(Command):
    """Replace the consumer's subscription (a misspelt topic is accepted, as in Kafka)."""

    consumer: str
    topics: list


@command("commit_offsets")
@dataclass(frozen=True)
class CommitOffsets(Command):
    """commitSync(): commit the consumer's current positions."""

    consumer: str


@command("seek")
@dataclass(frozen=True)
class Seek(Command):
    """consumer.seek(): move the position of an assigned partition (e.g. past a bad record)."""

    consumer: str
    topic: str
    partition: int
    offset: int


@command("reset_offsets")
@dataclass(frozen=True)
class ResetOffsets(Command):
    """kafka-consumer-groups --reset-offsets --execute (the group must be inactive).

    `to` is earliest, latest or offset (then `offset` is required); `partition`
    None means every partition of the topic.
    """

    group: str
    topic: str
    to: str
    offset: int | None = None
    partition: int | None = None


@command("set_consumer_config")
@dataclass(frozen=True)
class SetConsumerConfig(Command):
    """Change configs of a running consumer (the simulator's stand-in for a redeploy)."""

    consumer: str
    configs: dict


@command("set_consumer_network")
@dataclass(frozen=True)
class SetConsumerNetwork(Command):
    """Cut the consumer off from every broker (a firewall), or reconnect it."""

    consumer: str
    reachable: bool


@command("add_acl")
@dataclass(frozen=True)
class AddAcl(Command):
    """kafka-acls --add: resource_type TOPIC or GROUP; operation READ, DESCRIBE, WRITE, ALL."""

    resource_type: str
    name: str
    principal: str
    operation: str
    permission: str = "ALLOW"


@command("remove_acl")
@dataclass(frozen=True)
class RemoveAcl(Command):
    resource_type: str
    name: str
    principal: str
    operation: str
    permission: str = "ALLOW"


# ======================================================================================
# Outside Kafka clients through the wire-protocol gateway (owned by
# simulator/wire_clients; shapes in docs/events.md "Outside clients"). Append below.
# ======================================================================================


@command("wire_connect")
@dataclass(frozen=True)
class WireConnect(Command):
    """A real Kafka client reached the gateway: it becomes the actor ``wire:<client>``.

    `client` is the gateway's name for it (``gw-7``), `client_id` the Kafka
    request header's client.id (``kafka-python-3.0.1``, ``rdkafka``): the
    diagram labels the client with it. `software` is a short name of the
    client library if the gateway knows it (ApiVersions v3+ tells it).
    `principal` is who ACLs see (not the SASL token), `host` the client's
    address as group descriptions show it (``/10.0.0.5``).
    """

    client: str
    client_id: str = ""
    software: str = ""
    principal: str = "User:ANONYMOUS"
    host: str = "/127.0.0.1"


@command("wire_request")
@dataclass(frozen=True)
class WireRequest(Command):
    """One decoded Kafka request of a connected outside client, to `broker`.

    `api` is the request's name in snake_case (``metadata``, ``produce`` ...;
    simulator.wire_clients.APIS); `request` follows Kafka's request schema
    with kio's snake_case field names, bytes as base64 text. Its answer is a
    ``wire_response`` event with the same `correlation_id` (none for a
    produce with acks=0), or a ``wire_disconnect`` when the connection breaks.
    """

    client: str
    broker: int
    api: str
    correlation_id: int
    request: dict = field(default_factory=dict)
    api_version: int = -1


@command("wire_close")
@dataclass(frozen=True)
class WireClose(Command):
    """The gateway closed the client's TCP connection to `broker` (None: every
    connection, and the client leaves the diagram). Requests still unanswered on
    a closed connection are forgotten, as a broker forgets them; group
    memberships stay until their session times out, as in Kafka."""

    client: str
    broker: int | None = None
