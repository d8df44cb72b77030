"""Text exactly as Kafka's command-line tools print it, for the in-browser CLI.

Pure functions from plain data (the shapes ``snapshot()`` uses) to the text a
learner would see in a terminal, stdout and stderr interleaved as a terminal
shows them. They follow Apache Kafka 4.x's ``ConsumerGroupCommand``,
``TopicCommand``, ``GetOffsetShell``, ``ConsoleConsumer`` and ``AclCommand``:
column widths, the ``-`` for a missing value, the messages for an empty or
rebalancing group. A learner who later runs the real tools sees the same lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from simulator.java_hash import java_string_hash
from simulator.tools.java_order import hash_map_order, topic_partition_hash

MISSING = "-"


def _kafka_member_order(members):
    """The coordinator keeps a classic group's members in a HashMap by member id
    (ClassicGroup.members), and DescribeGroups lists them in its iteration order."""
    return hash_map_order(list(members), lambda m: java_string_hash(m.consumer_id))


def _kafka_partition_order(tps):
    """A member's partitions (a HashSet<TopicPartition>) as ConsumerGroupCommand
    lists them: sorted by partition number only (collectConsumerAssignment), ties in
    the set's iteration order."""
    return sorted(hash_map_order(list(tps), topic_partition_hash), key=lambda tp: tp[1])


# ------------------------------------------------------- kafka-consumer-groups.sh


@dataclass(frozen=True)
class DescribedMember:
    """One group member as ``--describe`` sees it."""

    consumer_id: str  # the member id, e.g. "consumer-payment-service-1-3f2a..."
    client_id: str
    host: str  # Kafka prints "/" + the client's address
    assignment: tuple[tuple[str, int], ...] = ()


@dataclass(frozen=True)
class DescribedGroup:
    """What ``kafka-consumer-groups.sh --describe --group G`` needs to know."""

    group_id: str
    # Kafka's states: Empty, PreparingRebalance, CompletingRebalance, Stable, Dead.
    state: str
    members: tuple[DescribedMember, ...] = ()
    committed: Mapping[tuple[str, int], int] = field(default_factory=dict)
    # LOG-END-OFFSET column: the partition's high watermark (what ListOffsets returns).
    log_end_offsets: Mapping[tuple[str, int], int] = field(default_factory=dict)


_REBALANCING = {"PreparingRebalance", "CompletingRebalance", "Assigning", "Reconciling"}


def consumer_groups_describe(group: DescribedGroup | None, group_id: str) -> str:
    """``kafka-consumer-groups.sh --bootstrap-server B --describe --group G``.

    Rows: members holding partitions, most partitions first, each member's
    partitions by topic then partition; then partitions the group has committed
    offsets for but nobody holds, with ``-`` for consumer, host and client.
    """
    if group is None or group.state == "Dead":
        return f"\nError: Consumer group '{group_id}' does not exist.\n"

    out = []
    if group.state == "Empty":
        out.append(f"\nConsumer group '{group.group_id}' has no active members.\n")
    elif group.state in _REBALANCING:
        out.append(f"\nWarning: Consumer group '{group.group_id}' is rebalancing.\n")

    rows: list[tuple[str, ...]] = []
    held: set[tuple[str, int]] = set()
    holders = [m for m in _kafka_member_order(group.members) if m.assignment]
    # collectGroupOffsets: members by assignment size, descending (a stable sort).
    holders.sort(key=lambda m: -len(m.assignment))
    for member in holders:
        for tp in _kafka_partition_order(member.assignment):
            held.add(tp)
            rows.append(_offset_row(group, tp, member.consumer_id, member.host, member.client_id))
    # Committed partitions nobody holds: a HashMap's keys, sorted by partition.
    for tp in _kafka_partition_order(tp for tp in group.committed if tp not in held):
        rows.append(_offset_row(group, tp, MISSING, MISSING, MISSING))

    if not rows:
        return "".join(out)

    group_w = max(15, len(group.group_id))
    topic_w = max(15, *(len(r[1]) for r in rows))
    consumer_w = max(15, *(len(r[6]) for r in rows))
    host_w = max(15, *(len(r[7]) for r in rows))

    def line(values: Sequence[str]) -> str:
        g, t, p, cur, end, lag, cid, host, client = values
        return (
            f"\n{g:<{group_w}} {t:<{topic_w}} {p:<10} {cur:<15} {end:<15} {lag:<15} "
            f"{cid:<{consumer_w}} {host:<{host_w}} {client}"
        )

    header = (
        "GROUP",
        "TOPIC",
        "PARTITION",
        "CURRENT-OFFSET",
        "LOG-END-OFFSET",
        "LAG",
        "CONSUMER-ID",
        "HOST",
        "CLIENT-ID",
    )
    out.append(line(header))
    out.extend(line(r) for r in rows)
    out.append("\n")
    return "".join(out)


def _offset_row(group: DescribedGroup, tp, consumer_id, host, client_id) -> tuple[str, ...]:
    committed = group.committed.get(tp)
    end = group.log_end_offsets.get(tp)
    lag = end - committed if committed is not None and end is not None else None
    return (
        group.group_id,
        tp[0],
        str(tp[1]),
        MISSING if committed is None else str(committed),
        MISSING if end is None else str(end),
        MISSING if lag is None else str(lag),
        consumer_id,
        host,
        client_id,
    )


# --------------------------------------------------------------- kafka-topics.sh


@dataclass(frozen=True)
class DescribedPartition:
    partition: int
    leader: int | None  # None prints "none" (no leader: every ISR replica is down)
    replicas: tuple[int, ...]
    isr: tuple[int, ...]


@dataclass(frozen=True)
class DescribedTopic:
    name: str
    topic_id: str
    partitions: tuple[DescribedPartition, ...]
    # Only configs that differ from the default are printed, as Kafka does.
    configs: Mapping[str, str] = field(default_factory=dict)


def topics_describe(topic: DescribedTopic | None, name: str) -> str:
    """``kafka-topics.sh --bootstrap-server B --describe --topic T`` (Kafka 4.x).

    Since 3.7 each partition line ends with the eligible leader replicas
    (``Elr``/``LastKnownElr``, KIP-966), empty while the feature is off.
    """
    if topic is None:
        return f"Error while executing topic command : Topic '{name}' does not exist as expected\n"
    configs = ",".join(f"{k}={v}" for k, v in sorted(topic.configs.items()))
    replication_factor = len(topic.partitions[0].replicas) if topic.partitions else 0
    lines = [
        f"Topic: {topic.name}\tTopicId: {topic.topic_id}\tPartitionCount: "
        f"{len(topic.partitions)}\tReplicationFactor: {replication_factor}\tConfigs: {configs}"
    ]
    lines.extend(_partition_line(topic.name, p)
                 for p in sorted(topic.partitions, key=lambda p: p.partition))
    return "\n".join(lines) + "\n"


def _partition_line(name: str, p) -> str:
    """TopicCommand.PartitionDescription.printDescription."""
    leader = "none" if p.leader is None else str(p.leader)
    return (f"\tTopic: {name}\tPartition: {p.partition}\tLeader: {leader}"
            f"\tReplicas: {_ids(p.replicas)}\tIsr: {_ids(p.isr)}\tElr: \tLastKnownElr: ")


def topics_describe_partitions(topic, keep) -> str:
    """``--describe --under-replicated-partitions``: only the partition lines that match
    (TopicCommand skips the topic line when a partition filter is given)."""
    return "".join(_partition_line(topic.name, p) + "\n"
                   for p in sorted(topic.partitions, key=lambda p: p.partition) if keep(p))


def _ids(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


# ----------------------------------------------------------- kafka-get-offsets.sh


def get_offsets(offsets: Mapping[tuple[str, int], int] | None) -> str:
    """``kafka-get-offsets.sh --bootstrap-server B --topic T``: ``T:partition:offset``.

    GetOffsetShell.fetchOffsets collects into a ``TreeMap`` ordered by
    ``TopicPartition.toString()`` ("orders-10" sorts before "orders-2"), and
    ``--time latest`` asks ListOffsets for the high watermark (what a
    read_uncommitted consumer can reach); the caller passes whichever it wants.
    With nothing matched the tool fails with a TerseException.
    """
    if offsets is None:
        return "Error occurred: Could not match any topic-partitions with the specified filters\n"
    ordered = sorted(offsets, key=lambda tp: f"{tp[0]}-{tp[1]}")
    return "".join(f"{t}:{p}:{offsets[(t, p)]}\n" for t, p in ordered)


# ------------------------------------------------------- kafka-console-consumer.sh


def console_consumer(
    records: Sequence[tuple],
    *,
    key: bool = False,
    value: bool = True,
    offset: bool = False,
    partition: bool = False,
    timestamp: bool = False,
    separator: str = "\t",
) -> str:
    """``kafka-console-consumer.sh`` output: one record per line, then the count.

    ``records`` are (key, value[, partition, offset, timestamp_ms]) in the order
    the consumer received them. DefaultMessageFormatter writes, each followed by
    the separator: ``CreateTime:<ts>`` (print.timestamp), ``Partition:<p>``,
    ``Offset:<o>``, the key (``null`` when missing), then the value. The closing
    line goes to stderr when the tool exits.
    """
    lines = []
    for record in records:
        k, v = record[0], record[1]
        p, o, ts = (tuple(record[2:5]) + (None, None, None))[:3]
        fields = []
        if timestamp:
            fields.append(f"CreateTime:{ts}")
        if partition:
            fields.append(f"Partition:{p}")
        if offset:
            fields.append(f"Offset:{o}")
        if key:
            fields.append("null" if k is None else k)
        if value:
            fields.append("null" if v is None else v)
        lines.append(separator.join(fields))
    lines.append(f"Processed a total of {len(records)} messages")
    return "\n".join(lines) + "\n"


def console_consumer_group_id(existing_group_ids: Iterable[str], seed_number: int) -> str:
    """A fresh ``console-consumer-<n>`` group id, as the tool makes without --group.

    Kafka picks a random n below 100000; we take the caller's (seeded) number
    and step past ids already in use so the group really is new.
    """
    used = set(existing_group_ids)
    n = seed_number % 100000
    while f"console-consumer-{n}" in used:
        n = (n + 1) % 100000
    return f"console-consumer-{n}"


# ------------------------------------------------------------------ kafka-acls.sh


@dataclass(frozen=True)
class AclEntry:
    principal: str  # "User:alice"
    operation: str  # READ, WRITE, DESCRIBE, ALL ...
    permission: str = "ALLOW"  # or DENY
    host: str = "*"

    def text(self) -> str:
        """AccessControlEntry.toString()."""
        return (f"(principal={self.principal}, host={self.host}, operation={self.operation}, "
                f"permissionType={self.permission})")


def acls_list(resource_type: str, name: str, entries: Sequence[AclEntry]) -> str:
    """``kafka-acls.sh --bootstrap-server B --list --topic T`` (or ``--group G``).

    Kafka prints the resource pattern, then each ACL on its own line after a
    tab, with stray spaces around the line breaks that we keep on purpose.
    Nothing is printed for a resource without ACLs.
    """
    if not entries:
        return ""
    pattern = f"ResourcePattern(resourceType={resource_type}, name={name}, patternType=LITERAL)"
    body = "\n".join(f"\t{e.text()}" for e in entries)
    return f"Current ACLs for resource `{pattern}`: \n {body} \n\n"


def reset_offsets_plan(rows: Sequence[tuple[str, str, int, int]]) -> str:
    """``kafka-consumer-groups.sh --reset-offsets``: the new offsets, per (group, topic, p).

    ConsumerGroupCommand.printOffsetsToReset: ``%n%-30s %-30s %-10s %-15s`` for the
    header and every row (so lines end in spaces), then a newline. Printed both
    for a dry run (the default) and with ``--execute``; a refused group prints
    the header alone.
    """

    def line(g, t, p, o) -> str:
        return f"\n{g!s:<30} {t!s:<30} {p!s:<10} {o!s:<15}"

    return line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET") + "".join(
        line(*r) for r in rows) + "\n"


def reset_offsets_refused(group_id: str, state: str) -> str:
    """The tool's answer when the group still has members."""
    return (
        f"\nError: Assignments can only be reset if the group '{group_id}' is inactive, "
        f"but the current state is {state}.\n\n"
    )


def _state_message(group: DescribedGroup | None, group_id: str) -> tuple[str, bool]:
    """Kafka's ``shouldPrintMemberState``: the message to print first, and whether to go on."""
    if group is None or group.state == "Dead":
        return f"\nError: Consumer group '{group_id}' does not exist.\n", False
    if group.state == "Empty":
        return f"\nConsumer group '{group.group_id}' has no active members.\n", True
    if group.state in _REBALANCING:
        return f"\nWarning: Consumer group '{group.group_id}' is rebalancing.\n", True
    return "", True


def consumer_groups_members(
    group: DescribedGroup | None, group_id: str, *, verbose: bool = False
) -> str:
    """``kafka-consumer-groups.sh --describe --group G --members [--verbose]``.

    ConsumerGroupCommand.printMembers: a group with no members prints only its
    message (shouldPrintMemberState); otherwise one row per member,
    partitions counted, every column padded (``%-15s `` ends each line in a
    space); with --verbose an ASSIGNMENT column lists ``topic(p,p)``.
    """
    message, go_on = _state_message(group, group_id)
    if not go_on or not group.members:
        return message
    members = _kafka_member_order(group.members)
    group_w = max(15, len(group.group_id))
    cid_w = max(15, *(len(m.consumer_id) for m in members))
    host_w = max(15, *(len(m.host) for m in members))
    client_w = max(15, *(len(m.client_id) for m in members))

    def line(g, c, h, cl, n) -> str:
        return f"{g:<{group_w}} {c:<{cid_w}} {h:<{host_w}} {cl:<{client_w}} {n!s:<15} "

    out = [message, "\n", line("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS")]
    if verbose:
        out.append("ASSIGNMENT")
    out.append("\n")
    for m in members:
        out.append(line(group.group_id, m.consumer_id, m.host, m.client_id, len(m.assignment)))
        if verbose:
            out.append(_assignment_text(m.assignment))
        out.append("\n")
    return "".join(out)


def _assignment_text(assignment) -> str:
    """``topic(0,1), other(2)``: partitions sorted as strings, topics sorted by their text."""
    if not assignment:
        return MISSING
    by_topic: dict[str, list[str]] = {}
    for topic, partition in assignment:
        by_topic.setdefault(topic, []).append(str(partition))
    return ", ".join(sorted(f"{t}({','.join(sorted(ps))})" for t, ps in by_topic.items()))


def consumer_groups_state(
    group: DescribedGroup | None, group_id: str, coordinator: int | None, assignor: str | None
) -> str:
    """``kafka-consumer-groups.sh --describe --group G --state``.

    ConsumerGroupCommand.printStates: ``"\\n%-Ns %-25s %-20s %-15s %s"`` with N =
    max(25, length of "host:port  (id)") for the GROUP column; an Empty group
    has no assignment strategy, so that column is blank.
    """
    message, go_on = _state_message(group, group_id)
    if not go_on:
        return message
    node = f"broker-{coordinator}:9092  ({coordinator})" if coordinator is not None else "-"
    group_w = max(25, len(node))
    strategy = "" if group.state == "Empty" else (assignor or "")

    def line(g, c, a, s, n) -> str:
        return f"\n{g:<{group_w}} {c:<25} {a:<20} {s:<15} {n}"

    return (
        message
        + line("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS")
        + line(group.group_id, node, strategy, group.state, len(group.members))
        + "\n"
    )
