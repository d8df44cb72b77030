"""The in-browser command line: Kafka's tools run against a simulated cluster.

``run_cli(world, line)`` parses one command line as a learner would type it
(``kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --describe --group
payment-service``; the ``.sh`` is optional, as in Confluent's packaging) and
returns a `CliResult`: the text the tool prints (`cli_output` makes it exact)
and, for a tool that changes the cluster (``--reset-offsets --execute``), the
simulator command to apply. The caller applies it through the simulation's one
door, so the change is logged and replayable like any other.

Supported: kafka-consumer-groups (--list, --describe, --reset-offsets),
kafka-topics (--list, --describe), kafka-get-offsets, kafka-console-consumer
(reads what a fresh or named group would see; it does not join the group),
kafka-acls (--list). Lines starting with ``# `` in the output are the
simulator's own notes, never Kafka's.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from simulator.consumers.snapshot import describe_group
from simulator.tools.cli_output import (
    AclEntry,
    DescribedPartition,
    DescribedTopic,
    acls_list,
    console_consumer,
    console_consumer_group_id,
    consumer_groups_describe,
    consumer_groups_members,
    consumer_groups_state,
    get_offsets,
    reset_offsets_plan,
    reset_offsets_refused,
    topics_describe,
)

MAX_LINE_CHARS = 1_000
MAX_CONSOLE_MESSAGES = 1_000


@dataclass(frozen=True)
class CliResult:
    output: str
    command: dict | None = None  # a simulator command the caller should apply


class _Usage(Exception):
    """A line the tool itself would refuse (bad or missing options)."""


def run_cli(world, line: str) -> CliResult:
    if not isinstance(line, str) or len(line) > MAX_LINE_CHARS:
        return CliResult(f"# a command line is at most {MAX_LINE_CHARS} characters\n")
    try:
        argv = shlex.split(line)
    except ValueError as exc:
        return CliResult(f"# cannot parse the line: {exc}\n")
    if not argv:
        return CliResult("")
    tool = argv[0].rsplit("/", 1)[-1].removesuffix(".sh")
    handler = _TOOLS.get(tool)
    if tool == "kafka-run-class" and len(argv) > 1 and argv[1].endswith("GetOffsetShell"):
        return CliResult(
            f"Error: Could not find or load main class {argv[1]}\n"
            f"Caused by: java.lang.ClassNotFoundException: {argv[1]}\n"
            "# GetOffsetShell is kafka-get-offsets.sh since Kafka 3.0: "
            "kafka-get-offsets.sh --bootstrap-server broker-1:9092 --topic orders\n"
        )
    if handler is None:
        known = ", ".join(f"{t}.sh" for t in sorted(_TOOLS))
        return CliResult(f"# unknown tool {argv[0]!r}; the simulator has {known}\n")
    try:
        options = _parse(argv[1:])
        unreachable = _check_bootstrap(world, options)
        if unreachable:
            return CliResult(unreachable)
        return handler(world, options)
    except _Usage as exc:
        return CliResult(f"{exc}\n")


def _parse(args: list[str]) -> dict:
    """``--name value`` pairs and bare ``--flags``; ``--property k=v`` may repeat."""
    options: dict = {"property": []}
    i = 0
    while i < len(args):
        arg = args[i]
        if not arg.startswith("--"):
            raise _Usage(f"Found non argument parameters: {arg}")
        name = arg[2:]
        value = None
        if "=" in name:
            name, value = name.split("=", 1)
        elif i + 1 < len(args) and not args[i + 1].startswith("--"):
            value = args[i + 1]
            i += 1
        if name == "property":
            options["property"].append(value or "")
        else:
            options[name] = True if value is None else value
        i += 1
    return options


def _check_bootstrap(world, options: dict) -> str | None:
    server = options.get("bootstrap-server")
    if server is None or server is True:
        raise _Usage('Missing required argument "[bootstrap-server]"')
    known = {f"broker-{b}:9092" for b in world.brokers} | {"localhost:9092"}
    servers = [s.strip() for s in str(server).split(",")]
    if any(s in known for s in servers):
        return None
    return (
        "# no broker answers at " + server + ": the tool would wait and then fail with "
        "org.apache.kafka.common.errors.TimeoutException: Timed out waiting for a node "
        "assignment.\n# this cluster's brokers: " + ", ".join(sorted(known)) + "\n"
    )


def _required(options: dict, name: str) -> str:
    value = options.get(name)
    if value is None or value is True:
        raise _Usage(f'Missing required argument "[{name}]"')
    return str(value)


def _consumers(world):
    return world.ext.get("consumers")


# --------------------------------------------------------------------- tools


def _consumer_groups(world, options: dict) -> CliResult:
    system = _consumers(world)
    groups = system.groups if system is not None else {}
    if options.get("list"):
        return CliResult("".join(f"{g}\n" for g in sorted(groups)))
    if options.get("describe"):
        group_id = _required(options, "group")
        described = describe_group(world, group_id, members_while_rebalancing=True)
        if options.get("members"):
            return CliResult(consumer_groups_members(described, group_id))
        if options.get("state"):
            group = groups.get(group_id)
            coordinator = system.offsets.coordinator(world, group_id) if system else None
            return CliResult(
                consumer_groups_state(
                    described, group_id, coordinator, group.protocol if group else None
                )
            )
        return CliResult(consumer_groups_describe(describe_group(world, group_id), group_id))
    if options.get("reset-offsets"):
        return _reset_offsets(world, options)
    raise _Usage(
        "Command must include exactly one action: --list, --describe, --delete, "
        "--reset-offsets, --delete-offsets"
    )


def _reset_offsets(world, options: dict) -> CliResult:
    group_id = _required(options, "group")
    topic_arg = _required(options, "topic")
    topic, _, partition_text = topic_arg.partition(":")
    if options.get("to-earliest"):
        to, offset = "earliest", None
    elif options.get("to-latest"):
        to, offset = "latest", None
    elif options.get("to-offset") not in (None, True):
        to, offset = "offset", _int(options["to-offset"], "to-offset")
    else:
        raise _Usage(
            "Option [reset-offsets] takes one of these options: --to-earliest, "
            "--to-latest, --to-offset (the simulator supports these three)"
        )
    meta = world.topics.get(topic)
    if meta is None or meta.internal:
        return CliResult(
            "Error: Executing consumer group command failed due to "
            "org.apache.kafka.common.errors.UnknownTopicOrPartitionException: "
            "This server does not host this topic-partition.\n"
        )
    partitions = (
        range(len(meta.partitions)) if not partition_text else [_int(partition_text, "partition")]
    )
    system = _consumers(world)
    group = system.groups.get(group_id) if system is not None else None
    if group is not None and group.state != "Empty":
        return CliResult(reset_offsets_refused(group_id, group.state))
    rows = []
    for p in partitions:
        if not 0 <= p < len(meta.partitions):
            raise _Usage(f"Error: partition {p} does not exist in {topic}")
        low, high = _log_bounds(world, topic, p)
        target = {"earliest": low, "latest": high}.get(to)
        if target is None:
            target = min(max(offset, low), high)
        rows.append((group_id, topic, p, target))
    text = reset_offsets_plan(rows)
    if not options.get("execute"):
        return CliResult(
            text + "# a dry run (Kafka's default): add --execute to change the group's offsets\n"
        )
    command = {"type": "reset_offsets", "group": group_id, "topic": topic, "to": to}
    if to == "offset":
        command["offset"] = offset
    if partition_text:
        command["partition"] = int(partition_text)
    return CliResult(text, command)


def _int(text, what: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise _Usage(f"Error: {what} must be a number, not {text!r}") from None


def _leader_replica(world, topic: str, partition: int):
    leader = world.topics[topic].partitions[partition].leader
    broker = world.brokers.get(leader) if leader is not None else None
    return broker.leader_replica(topic, partition) if broker is not None else None


def _log_bounds(world, topic: str, partition: int) -> tuple[int, int]:
    replica = _leader_replica(world, topic, partition)
    if replica is None:
        return (0, 0)
    return (replica.log.start_offset, replica.hw)


def _topics(world, options: dict) -> CliResult:
    visible = sorted(t for t, meta in world.topics.items() if not meta.internal)
    if options.get("list"):
        return CliResult("".join(f"{t}\n" for t in visible))
    if options.get("describe"):
        names = [_required(options, "topic")] if "topic" in options else visible
        out = []
        for name in names:
            meta = world.topics.get(name)
            described = None
            if meta is not None and not meta.internal:
                described = DescribedTopic(
                    name,
                    meta.topic_id,
                    tuple(
                        DescribedPartition(
                            pm.partition, pm.leader, tuple(pm.replicas), tuple(pm.isr)
                        )
                        for pm in meta.partitions
                    ),
                    {
                        k: str(v).lower() if isinstance(v, bool) else str(v)
                        for k, v in meta.configs.items()
                    },
                )
            out.append(topics_describe(described, name))
        return CliResult("".join(out))
    raise _Usage(
        "Command must include exactly one action: --list, --describe, --create, --alter or --delete"
    )


def _get_offsets(world, options: dict) -> CliResult:
    topic = _required(options, "topic")
    meta = world.topics.get(topic)
    if meta is None or meta.internal:
        return CliResult(get_offsets(topic, None))
    time = str(options.get("time", "latest"))
    earliest = time in ("-2", "earliest")
    if not earliest and time not in ("-1", "latest"):
        raise _Usage("# the simulator supports --time latest (-1) and earliest (-2)")
    offsets = {
        p: _log_bounds(world, topic, p)[0 if earliest else 1] for p in range(len(meta.partitions))
    }
    return CliResult(get_offsets(topic, offsets))


def _console_consumer(world, options: dict) -> CliResult:
    topic = _required(options, "topic")
    meta = world.topics.get(topic)
    if meta is None or meta.internal:
        return CliResult(
            f"[WARN] Error while fetching metadata with correlation id 2 : "
            f"{{{topic}=UNKNOWN_TOPIC_OR_PARTITION}}\n"
            "# it would wait for the topic; nothing to read\n" + console_consumer([])
        )
    props = dict(p.split("=", 1) for p in options["property"] if "=" in p)
    print_key = props.get("print.key", "false").lower() == "true"
    limit = MAX_CONSOLE_MESSAGES
    if options.get("max-messages") not in (None, True):
        limit = min(limit, _int(options["max-messages"], "max-messages"))
    system = _consumers(world)
    group_id = options.get("group")
    committed = {}
    if group_id not in (None, True):
        group = system.groups.get(group_id) if system is not None else None
        if group is not None and group.members:
            return CliResult(
                f"# group {group_id!r} has active members: a console consumer "
                "would join it and share its partitions; describe the group "
                "instead, or read with a fresh group (no --group)\n"
            )
        committed = system.offsets.committed(group_id) if system is not None else {}
    note = ""
    if group_id in (None, True):
        existing = system.groups if system is not None else {}
        group_id = console_consumer_group_id(existing, world.now_ms)
        note = f"# a fresh group {group_id}: no committed offsets\n"
    records = []
    for p in range(len(meta.partitions)):
        low, high = _log_bounds(world, topic, p)
        start = committed.get((topic, p))
        if start is None:
            start = low if options.get("from-beginning") else high
        replica = _leader_replica(world, topic, p)
        if replica is None:
            continue
        for record in replica.log.read(max(start, low), high, limit):
            if record.control is None:
                records.append((record.key, record.value))
    return CliResult(note + console_consumer(records[:limit], print_key=print_key))


def _acls(world, options: dict) -> CliResult:
    if not options.get("list"):
        raise _Usage(
            "# the simulator's kafka-acls supports --list; use the ACL controls to "
            "add or remove ACLs"
        )
    system = _consumers(world)
    resources = system.acls.by_resource if system is not None else {}
    wanted = None
    if "topic" in options:
        wanted = ("TOPIC", _required(options, "topic"))
    elif "group" in options:
        wanted = ("GROUP", _required(options, "group"))
    out = []
    for (resource_type, name), entries in sorted(resources.items()):
        if wanted is not None and (resource_type, name) != wanted:
            continue
        out.append(
            acls_list(
                resource_type,
                name,
                [
                    AclEntry(e["principal"], e["operation"], e["permission"], e["host"])
                    for e in entries
                ],
            )
        )
    return CliResult("".join(out))


_TOOLS = {
    "kafka-consumer-groups": _consumer_groups,
    "kafka-topics": _topics,
    "kafka-get-offsets": _get_offsets,
    "kafka-console-consumer": _console_consumer,
    "kafka-acls": _acls,
}
