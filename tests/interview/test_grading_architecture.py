"""The architecture builder's diagrams are graded structurally against today's Kafka."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learnkafka.interview.grading import InvalidAnswer
from learnkafka.interview.grading.architecture import REFERENCE, grade_diagram


def failed(diagram) -> set[str]:
    return {c.id for c in grade_diagram(diagram) if not c.passed}


def with_changes(nodes=(), drop_nodes=(), edges=(), drop_edges=()):
    d = copy.deepcopy(REFERENCE)
    d["nodes"] = [n for n in d["nodes"] if n["id"] not in drop_nodes] + list(nodes)
    d["edges"] = [e for e in d["edges"] if e not in [list(x) for x in drop_edges]
                  and not set(e) & set(drop_nodes)] + [list(e) for e in edges]
    return d


def test_the_reference_passes_every_check():
    checks = grade_diagram(REFERENCE)
    assert len(checks) == 12
    assert all(c.passed for c in checks), [c.id for c in checks if not c.passed]
    assert {c.dimension for c in checks} == {"fundamentals"}


def test_zookeeper_fails_with_the_kraft_note():
    d = with_changes(nodes=[{"id": "zk", "kind": "zookeeper"}], edges=[("zk", "broker-1")])
    checks = {c.id: c for c in grade_diagram(d)}
    assert not checks["arch-no-zookeeper"].passed
    assert "4.0" in checks["arch-no-zookeeper"].note
    assert not checks["arch-meaningful"].passed  # a zookeeper link means nothing today


def test_a_producer_writing_to_a_follower_fails():
    assert "arch-writes-leader" in failed(with_changes(edges=[("producer-b", "p0-b3")]))


def test_two_replicas_of_a_partition_on_one_broker_fail():
    d = with_changes(drop_nodes=["p0-b3"], nodes=[
        {"id": "p0-b1x", "kind": "replica", "broker": "broker-1", "partition": 0,
         "leader": False}], edges=[("p0-b1", "p0-b1x")])
    assert "arch-replicas" in failed(d)


def test_a_follower_not_copying_its_leader_fails_replication():
    assert "arch-replication" in failed(with_changes(drop_edges=[("p0-b1", "p0-b3")]))
    # nor may replicas of different partitions be joined
    assert "arch-replication" in failed(with_changes(edges=[("p0-b1", "p1-b1")]))


def test_two_controllers_are_no_quorum_and_an_unlinked_broker_gets_no_metadata():
    assert "arch-quorum" in failed(with_changes(drop_nodes=["controller-3"]))
    assert "arch-metadata" in failed(with_changes(drop_nodes=["controller-3"]))


def test_a_group_reading_a_follower_or_missing_a_partition_fails():
    assert "arch-groups" in failed(with_changes(edges=[("group-1", "p0-b3")]))
    assert "arch-groups" in failed(with_changes(drop_edges=[("p2-b3", "group-2")]))


def test_all_leaders_on_one_broker_fail_the_spread():
    d = copy.deepcopy(REFERENCE)
    nodes = {n["id"]: n for n in d["nodes"]}
    nodes["p1-b1"]["leader"], nodes["p1-b2"]["leader"] = True, False  # P1 led by broker 1
    nodes["p2-b3"]["broker"] = "broker-1"  # P2's leader moves to broker 1 too
    assert "arch-spread" in failed(d)
    assert "arch-spread" not in failed(REFERENCE)


def test_a_wrong_drawing_fails_several_checks_at_once():
    wrong = {
        "nodes": [
            {"id": "p", "kind": "producer"}, {"id": "b1", "kind": "broker"},
            {"id": "r0", "kind": "replica", "broker": "b1", "partition": 0, "leader": True},
            {"id": "zk", "kind": "zookeeper"}, {"id": "g", "kind": "group"},
        ],
        "edges": [["p", "b1"], ["zk", "b1"], ["g", "r0"]],
    }
    assert failed(wrong) >= {"arch-producers", "arch-brokers", "arch-partitions",
                             "arch-replicas", "arch-quorum", "arch-no-zookeeper",
                             "arch-meaningful", "arch-writes-leader"}


@pytest.mark.parametrize("bad", [
    None, {}, {"nodes": []}, {"nodes": [{"id": "a", "kind": "kafka"}]},
    {"nodes": [{"id": "a", "kind": "broker"}, {"id": "a", "kind": "broker"}]},
    {"nodes": [{"id": "r", "kind": "replica", "broker": "nope", "partition": 0,
                "leader": True}]},
    {"nodes": [{"id": "b", "kind": "broker"}, {"id": "r", "kind": "replica", "broker": "b",
                "partition": 99, "leader": True}]},
    {"nodes": [{"id": "b", "kind": "broker"}], "edges": [["b", "ghost"]]},
    {"nodes": [{"id": "b", "kind": "broker"}], "edges": [["b", "b"]]},
    {"nodes": [{"id": f"b{i}", "kind": "broker"} for i in range(61)]},
])
def test_malformed_diagrams_are_refused_with_a_message(bad):
    with pytest.raises(InvalidAnswer):
        grade_diagram(bad)


@settings(deadline=None)  # a loaded shared machine: no per-example deadline
@given(st.permutations(REFERENCE["nodes"]), st.permutations(REFERENCE["edges"]),
       st.lists(st.booleans(), min_size=15, max_size=15))
def test_the_grade_does_not_depend_on_drawing_order_or_edge_direction(nodes, edges, flips):
    d = {"nodes": list(nodes),
         "edges": [list(reversed(e)) if f else list(e) for e, f in zip(edges, flips, strict=True)]}
    assert failed(d) == set()


@settings(deadline=None)  # a loaded shared machine: no per-example deadline
@given(st.sampled_from([0, 1, 2]), st.sampled_from(["broker-1", "broker-2", "broker-3"]))
def test_any_extra_copy_of_a_partition_on_a_broker_that_has_one_fails(partition, broker):
    d = copy.deepcopy(REFERENCE)
    holders = {n["broker"] for n in d["nodes"]
               if n["kind"] == "replica" and n["partition"] == partition}
    leader = next(n["id"] for n in d["nodes"] if n["kind"] == "replica"
                  and n["partition"] == partition and n["leader"])
    d["nodes"].append({"id": "extra", "kind": "replica", "broker": broker,
                       "partition": partition, "leader": False})
    d["edges"].append([leader, "extra"])
    assert ("arch-replicas" in failed(d)) == (broker in holders)
