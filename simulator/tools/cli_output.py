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

MISSING = "-"


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
        return f"Error: Consumer group '{group_id}' does not exist.\n"

    out = []
    if group.state == "Empty":
        out.append(f"\nConsumer group '{group.group_id}' has no active members.\n")
    elif group.state in _REBALANCING:
        out.append(f"\nWarning: Consumer group '{group.group_id}' is rebalancing.\n")

    rows: list[tuple[str, ...]] = []
    held: set[tuple[str, int]] = set()
    holders = [m for m in group.members if m.assignment]
    # Java sorts by assignment size, descending, with a stable sort.
    holders.sort(key=lambda m: -len(m.assignment))
    for member in holders:
        for tp in sorted(member.assignment):
            held.add(tp)
            rows.append(_offset_row(group, tp, member.consumer_id, member.host, member.client_id))
    for tp in sorted(tp for tp in group.committed if tp not in held):
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
    for p in sorted(topic.partitions, key=lambda p: p.partition):
        leader = "none" if p.leader is None else str(p.leader)
        lines.append(
            f"\tTopic: {topic.name}\tPartition: {p.partition}\tLeader: {leader}"
            f"\tReplicas: {_ids(p.replicas)}\tIsr: {_ids(p.isr)}\tElr: \tLastKnownElr: "
        )
    return "\n".join(lines) + "\n"


def _ids(ids: Iterable[int]) -> str:
    return ",".join(str(i) for i in ids)


# ----------------------------------------------------------- kafka-get-offsets.sh


def get_offsets(topic: str, offsets: Mapping[int, int] | None) -> str:
    """``kafka-get-offsets.sh --bootstrap-server B --topic T``: ``T:partition:offset``.

    The default ``--time latest`` asks ListOffsets for the end of the log a
    read_uncommitted consumer can see: the high watermark. ``--time earliest``
    gives the log start offset; the caller passes whichever it wants.
    """
    if offsets is None:
        return "Error occurred: Could not match any topic-partitions with the specified filters\n"
    return "".join(f"{topic}:{p}:{offsets[p]}\n" for p in sorted(offsets))


# ------------------------------------------------------- kafka-console-consumer.sh


def console_consumer(
    records: Sequence[tuple[str | None, str]], *, print_key: bool = False, separator: str = "\t"
) -> str:
    """``kafka-console-consumer.sh`` output: one value per line, then the count.

    ``records`` are (key, value) in the order the consumer received them.
    With ``--property print.key=true`` each line is key, tab, value; a missing
    key prints ``null``. The closing line goes to stderr when the tool exits.
    """
    lines = []
    for key, value in records:
        if print_key:
            lines.append(f"{'null' if key is None else key}{separator}{value}")
        else:
            lines.append(value)
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


def acls_list(resource_type: str, name: str, entries: Sequence[AclEntry]) -> str:
    """``kafka-acls.sh --bootstrap-server B --list --topic T`` (or ``--group G``).

    Kafka prints the resource pattern, then each ACL on its own line after a
    tab, with stray spaces around the line breaks that we keep on purpose.
    Nothing is printed for a resource without ACLs.
    """
    if not entries:
        return ""
    pattern = f"ResourcePattern(resourceType={resource_type}, name={name}, patternType=LITERAL)"
    body = "\n".join(
        f"\t(principal={e.principal}, host={e.host}, operation={e.operation}, "
        f"permissionType={e.permission})"
        for e in entries
    )
    return f"Current ACLs for resource `{pattern}`: \n {body} \n\n"


def reset_offsets_plan(rows: Sequence[tuple[str, str, int, int]]) -> str:
    """``kafka-consumer-groups.sh --reset-offsets``: the new offsets, per (group, topic, p).

    Printed both for a dry run (Kafka's default) and with ``--execute``.
    """
    if not rows:
        return "\n"
    group_w = max(15, *(len(r[0]) for r in rows))
    topic_w = max(15, *(len(r[1]) for r in rows))

    def line(g, t, p, o) -> str:
        return f"\n{g:<{group_w}} {t:<{topic_w}} {p!s:<10} {o}"

    out = [line("GROUP", "TOPIC", "PARTITION", "NEW-OFFSET")]
    out.extend(line(*r) for r in rows)
    return "".join(out) + "\n"


def reset_offsets_refused(group_id: str, state: str) -> str:
    """The tool's answer when the group still has members."""
    return (
        f"\nError: Assignments can only be reset if the group '{group_id}' is inactive, "
        f"but the current state is {state}.\n\n"
    )


def _state_message(group: DescribedGroup | None, group_id: str) -> tuple[str, bool]:
    """Kafka's ``shouldPrintMemberState``: the message to print first, and whether to go on."""
    if group is None or group.state == "Dead":
        return f"Error: Consumer group '{group_id}' does not exist.\n", False
    if group.state == "Empty":
        return f"\nConsumer group '{group.group_id}' has no active members.\n", True
    if group.state in _REBALANCING:
        return f"\nWarning: Consumer group '{group.group_id}' is rebalancing.\n", True
    return "", True


def consumer_groups_members(group: DescribedGroup | None, group_id: str) -> str:
    """``kafka-consumer-groups.sh --describe --group G --members``.

    One row per member, partitions counted; Kafka pads every column including
    the last one, so header and rows end with a space.
    """
    message, go_on = _state_message(group, group_id)
    if not go_on:
        return message
    members = group.members
    group_w = max(15, len(group.group_id)) if members else 15
    cid_w = max(15, *(len(m.consumer_id) for m in members)) if members else 15
    host_w = max(15, *(len(m.host) for m in members)) if members else 15
    client_w = max(15, *(len(m.client_id) for m in members)) if members else 15

    def line(g, c, h, cl, n) -> str:
        return f"{g:<{group_w}} {c:<{cid_w}} {h:<{host_w}} {cl:<{client_w}} {n!s:<15} "

    out = [message, "\n", line("GROUP", "CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS"), "\n"]
    for m in members:
        out.append(line(group.group_id, m.consumer_id, m.host, m.client_id, len(m.assignment)))
        out.append("\n")
    return "".join(out)


def consumer_groups_state(
    group: DescribedGroup | None, group_id: str, coordinator: int | None, assignor: str | None
) -> str:
    """``kafka-consumer-groups.sh --describe --group G --state``."""
    message, go_on = _state_message(group, group_id)
    if not go_on:
        return message
    node = f"broker-{coordinator}:9092  ({coordinator})" if coordinator is not None else "-"
    coord_w = max(25, len(node))
    group_w = max(15, len(group.group_id))

    def line(g, c, a, s, n) -> str:
        return f"\n{g:<{group_w}} {c:<{coord_w}} {a:<20} {s:<20} {n}"

    return (
        message
        + line("GROUP", "COORDINATOR (ID)", "ASSIGNMENT-STRATEGY", "STATE", "#MEMBERS")
        + line(group.group_id, node, assignor or MISSING, group.state, len(group.members))
        + "\n"
    )
