"""Grade a drawn Kafka architecture structurally against the reference.

The builder (static/js/interview/builder.js) posts a diagram as JSON:
``{"nodes": [{"id", "kind", ...}], "edges": [[source_id, target_id], ...]}``.
Kinds: producer, broker, replica (of partition ``partition`` on broker
``broker``, ``leader`` true or false), controller, group (a consumer
group), zookeeper. Edges are drawn without direction; their meaning comes
from the kinds they join (producer-replica writes, replica-replica
replicates, replica-group is read, controller-broker carries metadata).

Grading is about structure, not pixels: each rule of today's Kafka (4.x)
is one check. The rules come from Kafka's own design: one leader per
partition and no two replicas of a partition on one broker
(``kafka.controller`` / ``ReplicationControlManager`` place replicas on
distinct brokers), producers and consumers talk to the leader
(``Partition.appendRecordsToLeader``; fetch-from-follower, KIP-392, needs
``client.rack``), followers fetch from the leader (``ReplicaFetcherThread``),
and metadata lives in a KRaft controller quorum (``QuorumController``,
``KafkaRaftClient``): Kafka 4.0 has no ZooKeeper mode.
"""

from __future__ import annotations

import re
from collections import defaultdict

from . import Check, InvalidAnswer

KINDS = ("producer", "broker", "replica", "controller", "group", "zookeeper")
MAX_NODES = 60
MAX_EDGES = 150
MAX_PARTITIONS = 12
MAX_LABEL_CHARS = 40
ID_RE = re.compile(r"^[a-z0-9-]{1,24}$")
MEANINGS = {
    frozenset({"producer", "replica"}): "writes",
    frozenset({"replica"}): "replicates",
    frozenset({"replica", "group"}): "reads",
    frozenset({"controller", "broker"}): "metadata",
    frozenset({"controller"}): "quorum",
}

# The study guide's picture, as Kafka 4.x draws it: the controller quorum
# replaces "ZooKeeper / KRaft".
REFERENCE: dict = {
    "nodes": [
        {"id": "producer-a", "kind": "producer", "label": "Producer A"},
        {"id": "producer-b", "kind": "producer", "label": "Producer B"},
        {"id": "broker-1", "kind": "broker", "label": "Broker 1"},
        {"id": "broker-2", "kind": "broker", "label": "Broker 2"},
        {"id": "broker-3", "kind": "broker", "label": "Broker 3"},
        {"id": "p0-b1", "kind": "replica", "broker": "broker-1", "partition": 0, "leader": True},
        {"id": "p1-b1", "kind": "replica", "broker": "broker-1", "partition": 1, "leader": False},
        {"id": "p1-b2", "kind": "replica", "broker": "broker-2", "partition": 1, "leader": True},
        {"id": "p2-b2", "kind": "replica", "broker": "broker-2", "partition": 2, "leader": False},
        {"id": "p2-b3", "kind": "replica", "broker": "broker-3", "partition": 2, "leader": True},
        {"id": "p0-b3", "kind": "replica", "broker": "broker-3", "partition": 0, "leader": False},
        {"id": "controller-1", "kind": "controller", "label": "Controller 1"},
        {"id": "controller-2", "kind": "controller", "label": "Controller 2"},
        {"id": "controller-3", "kind": "controller", "label": "Controller 3"},
        {"id": "group-1", "kind": "group", "label": "Consumer group 1"},
        {"id": "group-2", "kind": "group", "label": "Consumer group 2"},
    ],
    "edges": [
        ["producer-a", "p0-b1"], ["producer-a", "p1-b2"],
        ["producer-b", "p2-b3"],
        ["p0-b1", "p0-b3"], ["p1-b2", "p1-b1"], ["p2-b3", "p2-b2"],
        ["controller-1", "broker-1"], ["controller-2", "broker-2"],
        ["controller-3", "broker-3"],
        ["p0-b1", "group-1"], ["p1-b2", "group-1"], ["p2-b3", "group-1"],
        ["p0-b1", "group-2"], ["p1-b2", "group-2"], ["p2-b3", "group-2"],
    ],
}


def parse_diagram(raw) -> dict:
    """Validate the posted diagram; raises InvalidAnswer with what is wrong."""
    if not isinstance(raw, dict):
        raise InvalidAnswer("Draw the architecture first.")
    nodes, edges = raw.get("nodes"), raw.get("edges", [])
    if not isinstance(nodes, list) or not nodes:
        raise InvalidAnswer("Draw the architecture first: the canvas is empty.")
    if len(nodes) > MAX_NODES or not isinstance(edges, list) or len(edges) > MAX_EDGES:
        raise InvalidAnswer(f"At most {MAX_NODES} pieces and {MAX_EDGES} connections.")
    by_id: dict[str, dict] = {}
    for node in nodes:
        if not isinstance(node, dict) or node.get("kind") not in KINDS:
            raise InvalidAnswer("A piece of the diagram has an unknown kind.")
        node_id = node.get("id")
        if not isinstance(node_id, str) or not ID_RE.match(node_id) or node_id in by_id:
            raise InvalidAnswer("Every piece needs its own short id.")
        clean = {"id": node_id, "kind": node["kind"]}
        label = node.get("label")
        if isinstance(label, str) and label.strip():
            clean["label"] = label.strip()[:MAX_LABEL_CHARS]  # shown back, never graded
        if node["kind"] == "replica":
            part, leader = node.get("partition"), node.get("leader")
            if not isinstance(part, int) or isinstance(part, bool) or not (
                0 <= part < MAX_PARTITIONS
            ):
                raise InvalidAnswer(f"A partition number is 0 to {MAX_PARTITIONS - 1}.")
            if not isinstance(leader, bool):
                raise InvalidAnswer("A replica is a leader or a follower.")
            clean.update(partition=part, leader=leader, broker=node.get("broker"))
        by_id[node_id] = clean
    for node in by_id.values():
        if node["kind"] == "replica":
            host = by_id.get(node["broker"]) if isinstance(node["broker"], str) else None
            if host is None or host["kind"] != "broker":
                raise InvalidAnswer("Every partition replica sits on a broker.")
    clean_edges: list[tuple[str, str]] = []
    seen: set[frozenset] = set()
    for edge in edges:
        if (not isinstance(edge, list | tuple) or len(edge) != 2
                or not all(isinstance(e, str) and e in by_id for e in edge)
                or edge[0] == edge[1]):
            raise InvalidAnswer("A connection must join two different pieces on the canvas.")
        key = frozenset(edge)
        if key not in seen:
            seen.add(key)
            clean_edges.append((edge[0], edge[1]))
    return {"nodes": list(by_id.values()), "edges": clean_edges}


def _check(cid: str, label: str, step: str = "architecture") -> Check:
    return Check(id=f"arch-{cid}", label=label, passed=True, dimension="fundamentals",
                 lesson="kafka-basics", step=step)


def grade_diagram(raw) -> list[Check]:
    diagram = parse_diagram(raw)
    nodes = {n["id"]: n for n in diagram["nodes"]}
    of_kind = defaultdict(list)
    for n in diagram["nodes"]:
        of_kind[n["kind"]].append(n)
    links = defaultdict(set)
    meaning_of: list[tuple[str, str, str | None]] = []
    for a, b in diagram["edges"]:
        links[a].add(b)
        links[b].add(a)
        meaning_of.append((a, b, MEANINGS.get(frozenset({nodes[a]["kind"], nodes[b]["kind"]}))))
    partitions = defaultdict(list)
    for r in of_kind["replica"]:
        partitions[r["partition"]].append(r)
    leaders = {p: [r for r in rs if r["leader"]] for p, rs in partitions.items()}
    checks: list[Check] = []

    def add(check: Check, ok: bool, why: str) -> None:
        checks.append(check if ok else check.failed(why))

    producers = of_kind["producer"]
    add(_check("producers", "Producers write into the cluster"),
        bool(producers) and all(any(nodes[t]["kind"] == "replica" for t in links[p["id"]])
                                for p in producers),
        "Place a producer and connect it to the partition leaders it writes to.")
    add(_check("brokers", "Several brokers (three, as in the guide) share the partitions"),
        len(of_kind["broker"]) >= 3,
        "A cluster has several brokers for fault tolerance; draw three.")
    add(_check("partitions", "A topic split into partitions, each with exactly one leader",
               "partition-log"),
        len(partitions) >= 2 and all(len(ls) == 1 for ls in leaders.values()),
        "Draw at least two partitions (P0, P1, ...) and mark one replica of each as leader.")
    add(_check("replicas", "Each partition is replicated, each copy on a different broker", "isr"),
        bool(partitions) and all(
            len(rs) >= 2 and len({r["broker"] for r in rs}) == len(rs)
            for rs in partitions.values()),
        "Give every partition a follower replica on another broker; two copies on one "
        "broker do not survive that broker.")
    leader_brokers = {ls[0]["broker"] for ls in leaders.values() if len(ls) == 1}
    add(_check("spread", "Leaders are spread across the brokers"),
        len(leader_brokers) >= min(2, len(partitions), len(of_kind["broker"])) > 0,
        "Put the partitions' leaders on different brokers, so each broker leads some.")
    writes = [(a, b) for a, b, m in meaning_of if m == "writes"]
    add(_check("writes-leader", "Producers send to the partition's leader", "message-flow"),
        bool(writes) and all(
            nodes[b if nodes[a]["kind"] == "producer" else a]["leader"] for a, b in writes),
        "A producer sends each record to the leader of its partition, never to a follower.")
    replication_ok = bool(partitions)
    for a, b, m in meaning_of:
        if m == "replicates" and (
            nodes[a]["partition"] != nodes[b]["partition"]
            or nodes[a]["leader"] == nodes[b]["leader"]
        ):
            replication_ok = False
    for rs in partitions.values():
        leader = [r for r in rs if r["leader"]]
        for follower in (r for r in rs if not r["leader"]):
            if not leader or leader[0]["id"] not in links[follower["id"]]:
                replication_ok = False
    add(_check("replication", "Every follower copies from its partition's leader", "isr"),
        replication_ok,
        "Connect each follower to the leader of the same partition: followers fetch from "
        "the leader, and only the in-sync ones count for acks=all.")
    controllers = of_kind["controller"]
    add(_check("quorum", "A KRaft controller quorum: an odd number, three or more"),
        len(controllers) >= 3 and len(controllers) % 2 == 1,
        "Draw three (or five) controllers: a Raft majority must survive one loss.")
    add(_check("metadata", "Every broker gets its metadata from the controller quorum"),
        bool(controllers) and bool(of_kind["broker"]) and all(
            any(nodes[t]["kind"] == "controller" for t in links[b["id"]])
            for b in of_kind["broker"]),
        "Connect every broker to the controller quorum: brokers fetch the "
        "__cluster_metadata log from it.")
    add(_check("no-zookeeper", "No ZooKeeper: Kafka 4.0 runs KRaft only"),
        not of_kind["zookeeper"],
        "Older guides draw ZooKeeper; since Kafka 4.0 the KRaft controller quorum "
        "holds the metadata and ZooKeeper mode is gone.")
    groups = of_kind["group"]
    leader_ids = {ls[0]["id"] for ls in leaders.values() if len(ls) == 1}
    add(_check("groups", "Consumer groups read every partition from its leader",
               "consumer-groups"),
        bool(groups) and bool(leader_ids) and all(
            leader_ids <= links[g["id"]]
            and all(nodes[t]["kind"] == "replica" and nodes[t]["leader"] for t in links[g["id"]])
            for g in groups),
        "Connect each consumer group to the leader of every partition: each partition "
        "goes to one consumer of the group, and by default consumers fetch from leaders "
        "(fetch-from-follower needs client.rack).")
    add(_check("meaningful", "Every connection means something in Kafka"),
        all(m is not None for _, _, m in meaning_of),
        "Some connections join pieces that never talk to each other directly "
        "(a producer talks to partition leaders, not to groups or controllers).")
    return checks
