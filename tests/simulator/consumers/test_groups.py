"""Group membership: coordinator placement, joins, generations, rebalances, failures."""

from simulator.consumers.assignors import java_string_hash

from .consumer_helpers import consumer, group, group_snapshot, kinds, produce, sim_with


def test_coordinator_is_the_leader_of_the_groups_consumer_offsets_partition():
    sim = sim_with([group("payment-service", ["A"])])
    events = sim.advance(5_000)
    found = kinds(events, "group_coordinator_found")[0]
    partition = abs(java_string_hash("payment-service")) % 50
    assert found.offsets_partition == partition
    snap = group_snapshot(sim, "payment-service")
    offsets = sim.snapshot()["consumer_offsets"]
    assert snap["coordinator"] == found.broker
    assert snap["offsets_partition"] == partition
    assert offsets["partition_count"] == 50


def test_first_rebalance_waits_for_the_initial_delay_then_stabilizes_one_generation():
    sim = sim_with([group("g", ["A", "B"])])
    events = sim.advance(5_000)
    states = [(e.state, e.generation, e.at_ms) for e in kinds(events, "group_state_changed")]
    assert [s[0] for s in states] == ["PreparingRebalance", "CompletingRebalance", "Stable"]
    preparing_at, completing_at = states[0][2], states[1][2]
    assert completing_at - preparing_at >= 3_000  # group.initial.rebalance.delay.ms
    assert states[1][1] == 1
    stabilized = kinds(events, "group_state_changed")[1]
    assert stabilized.log == "Stabilized group g generation 1 with 2 members."
    # Range over 3 partitions and 2 members: 2 + 1.
    assignments = {e.consumer: e.assignment for e in kinds(events, "assignment_changed")}
    assert assignments == {"A": [["orders", 0], ["orders", 1]], "B": [["orders", 2]]}
    log = kinds(events, "assignment_changed")[0].log
    assert log.endswith("Adding newly assigned partitions: orders-0, orders-1")


def test_members_beyond_the_partition_count_sit_idle():
    sim = sim_with([group("g", ["A", "B", "C", "D"])])
    sim.advance(6_000)
    assert consumer(sim, "D")["assignment"] == []
    assert consumer(sim, "D")["status"] == "idle"
    owners = [tp for m in group_snapshot(sim, "g")["members"] for tp in m["assignment"]]
    assert sorted(owners) == [["orders", 0], ["orders", 1], ["orders", 2]]


def test_a_joining_member_triggers_a_rebalance_and_a_new_generation():
    sim = sim_with([group("g", ["A"])])
    sim.advance(5_000)
    events = sim.apply(
        {"type": "add_consumer", "consumer": "B", "group": "g", "topics": ["orders"]}
    )
    events += sim.advance(5_000)
    preparing = kinds(events, "group_state_changed")[0]
    assert preparing.state == "PreparingRebalance"
    assert preparing.log.startswith(
        "Preparing to rebalance group g in state PreparingRebalance with old generation 1"
    )
    assert group_snapshot(sim, "g")["generation"] == 2
    # Eager (default range): A gave up everything before rejoining.
    revoke = [e for e in kinds(events, "assignment_changed") if e.consumer == "A"][0]
    assert revoke.assignment == [] and len(revoke.revoked) == 3
    assert "Revoke previously assigned partitions orders-0, orders-1, orders-2" in revoke.log


def test_a_crashed_consumer_is_removed_after_session_timeout():
    sim = sim_with([group("g", ["A", "B"])])
    sim.advance(5_000)
    crash_at = sim.now_ms
    sim.apply({"type": "crash_consumer", "consumer": "B"})
    events = sim.advance(60_000)
    removed = kinds(events, "member_removed")[0]
    assert removed.consumer == "B" and removed.reason == "session_timeout"
    assert removed.log.endswith("in group g has failed, removing it from the group.")
    # B's last heartbeat was at most heartbeat.interval.ms before the crash.
    assert crash_at + 45_000 - 3_000 <= removed.at_ms <= crash_at + 45_000 + 10
    assert consumer(sim, "A")["assignment"] == [["orders", 0], ["orders", 1], ["orders", 2]]
    assert consumer(sim, "B")["status"] == "crashed"


def test_a_closed_consumer_leaves_at_once():
    sim = sim_with([group("g", ["A", "B"])])
    sim.advance(5_000)
    events = sim.apply({"type": "remove_consumer", "consumer": "B"})
    events += sim.advance(1_000)
    removed = kinds(events, "member_removed")[0]
    assert removed.reason == "left"
    assert "explicit `LeaveGroup` request; client reason: the consumer is being closed" in (
        removed.log
    )
    assert removed.at_ms - events[0].at_ms < 100
    assert [m["client"] for m in group_snapshot(sim, "g")["members"]] == ["A"]


def test_last_member_leaving_empties_the_group():
    sim = sim_with([group("g", ["A"])])
    sim.advance(5_000)
    sim.apply({"type": "remove_consumer", "consumer": "A"})
    events = sim.advance(1_000)
    last = kinds(events, "group_state_changed")[-1]
    assert last.state == "Empty" and last.members == []
    assert last.log == "Group g with generation 2 is now empty."


def test_cooperative_rebalance_keeps_partitions_and_moves_them_in_two_steps():
    strategy = {"partition.assignment.strategy": ["cooperative-sticky"]}
    sim = sim_with([group("g", ["A"], **strategy)], partitions=4)
    sim.advance(5_000)
    events = sim.apply(
        {
            "type": "add_consumer",
            "consumer": "B",
            "group": "g",
            "topics": ["orders"],
            "configs": strategy,
        }
    )
    events += sim.advance(10_000)
    a_changes = [e for e in kinds(events, "assignment_changed") if e.consumer == "A"]
    # A never drops to nothing: it only revokes the two partitions that move.
    assert all(e.assignment for e in a_changes)
    assert a_changes[0].revoked == [["orders", 2], ["orders", 3]]
    assert "Revoke previously assigned partitions orders-2, orders-3" in a_changes[0].log
    final = {c["id"]: c["assignment"] for c in sim.snapshot()["consumers"]}
    assert final == {"A": [["orders", 0], ["orders", 1]], "B": [["orders", 2], ["orders", 3]]}
    # Two rebalances: the first revokes, the second hands over.
    generations = {
        e.generation for e in kinds(events, "group_state_changed") if e.state == "Stable"
    }
    assert generations == {2, 3}
    assert group_snapshot(sim, "g")["rebalance_protocol"] == "cooperative"


def test_default_strategy_rebalances_eagerly_with_range():
    sim = sim_with([group("g", ["A"])])
    sim.advance(5_000)
    snap = group_snapshot(sim, "g")
    assert snap["protocol"] == "range" and snap["rebalance_protocol"] == "eager"


def test_coordinator_failover_keeps_the_group():
    sim = sim_with([group("g", ["A", "B"])])
    sim.advance(5_000)
    before = group_snapshot(sim, "g")
    sim.apply({"type": "crash_broker", "broker": before["coordinator"]})
    sim.advance(20_000)
    after = group_snapshot(sim, "g")
    assert after["coordinator"] not in (None, before["coordinator"])
    assert len(after["members"]) == 2
    assert all(consumer(sim, c)["assignment"] for c in ("A", "B"))


def test_a_member_waiting_in_a_long_rebalance_is_kept_alive():
    """The fast member waits for a slow one longer than session.timeout.ms: not removed."""
    slow = {
        "auto.offset.reset": "earliest",
        "processing.ms.per.record": 30_000,
        "max.poll.records": 5,
        "max.poll.interval.ms": 100_000,
    }
    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "earliest"})], partitions=2)
    sim.apply(
        {
            "type": "add_consumer",
            "consumer": "S",
            "group": "g",
            "topics": ["orders"],
            "configs": slow,
        }
    )
    sim.advance(5_000)
    for partition in (0, 1):
        produce(sim, 5, partition=partition)
    sim.advance(2_000)
    sim.apply({"type": "add_consumer", "consumer": "C", "group": "g", "topics": ["orders"]})
    events = sim.advance(150_000)
    removed = [(e.consumer, e.reason) for e in kinds(events, "member_removed")]
    assert removed == [("S", "poll_timeout")]
    waited = [e for e in kinds(events, "group_state_changed") if e.state == "CompletingRebalance"]
    assert waited and waited[0].at_ms - 7_000 > 45_000


def test_a_coordinator_crash_during_a_rebalance_is_noticed_at_once():
    """A held JoinGroup dies with its broker's connection: members rediscover and rejoin."""
    sim = sim_with([group("g", ["A"])])
    events = sim.advance(1_000)  # the first JoinGroup is held for the initial delay
    coordinator = kinds(events, "group_coordinator_found")[0].broker
    sim.apply({"type": "crash_broker", "broker": coordinator})
    events = sim.advance(20_000)
    found = kinds(events, "group_coordinator_found")
    assert found and found[0].broker != coordinator
    assert found[0].at_ms < 1_000 + 2_000
    assert group_snapshot(sim, "g")["state"] == "Stable"


def test_kafka_docs_examples_come_out_of_a_live_group_and_switching_assignor_rebalances():
    """Two topics x 3 partitions, two members: Range, then a rolling switch to RoundRobin."""
    from simulator import Simulation

    data = {
        "name": "two-topics",
        "cluster": {"brokers": 3, "controllers": 1},
        "topics": [{"name": t, "partitions": 3, "replication_factor": 1} for t in ("t0", "t1")],
        "producers": [],
        "consumer_groups": [
            {"group": "g", "topics": ["t0", "t1"], "consumers": [{"name": "C0"}, {"name": "C1"}]}
        ],
    }
    sim = Simulation(data, seed=3)
    sim.advance(6_000)
    assignment = {c["id"]: c["assignment"] for c in sim.snapshot()["consumers"]}
    assert assignment == {
        "C0": [["t0", 0], ["t0", 1], ["t1", 0], ["t1", 1]],
        "C1": [["t0", 2], ["t1", 2]],
    }
    # A rolling switch, as in production: first offer both, then drop range (a member
    # offering only roundrobin while the others offer only range would be refused).
    for strategies in (["roundrobin", "range"], ["roundrobin"]):
        for name in ("C0", "C1"):
            sim.apply(
                {
                    "type": "set_consumer_config",
                    "consumer": name,
                    "configs": {"partition.assignment.strategy": strategies},
                }
            )
        sim.advance(10_000)
    assignment = {c["id"]: c["assignment"] for c in sim.snapshot()["consumers"]}
    assert assignment == {
        "C0": [["t0", 0], ["t0", 2], ["t1", 1]],
        "C1": [["t0", 1], ["t1", 0], ["t1", 2]],
    }
    assert group_snapshot(sim, "g")["protocol"] == "roundrobin"


def test_acls_added_and_removed_are_announced_with_the_full_list():
    sim = sim_with([])
    events = sim.apply(
        {
            "type": "add_acl",
            "resource_type": "TOPIC",
            "name": "orders",
            "principal": "User:alice",
            "operation": "READ",
        }
    )
    events += sim.apply(
        {
            "type": "add_acl",
            "resource_type": "TOPIC",
            "name": "orders",
            "principal": "User:bob",
            "operation": "ALL",
            "permission": "DENY",
        }
    )
    events += sim.apply(
        {
            "type": "remove_acl",
            "resource_type": "TOPIC",
            "name": "orders",
            "principal": "User:alice",
            "operation": "READ",
        }
    )
    changes = kinds(events, "acls_changed")
    assert [len(e.acls) for e in changes] == [1, 2, 1]
    assert changes[-1].acls == [
        {"principal": "User:bob", "host": "*", "operation": "ALL", "permission": "DENY"}
    ]
    assert sim.snapshot()["acls"] == [
        {"resource_type": "TOPIC", "name": "orders", "acls": changes[-1].acls}
    ]


def test_a_member_sharing_no_assignor_with_the_group_is_refused_until_it_does():
    sim = sim_with([group("g", ["A"])])
    sim.advance(6_000)
    sim.apply(
        {
            "type": "add_consumer",
            "consumer": "B",
            "group": "g",
            "topics": ["orders"],
            "configs": {"partition.assignment.strategy": ["sticky"]},
        }
    )
    events = sim.advance(10_000)
    error = kinds(events, "consumer_error")[0]
    assert error.consumer == "B" and error.error == "InconsistentGroupProtocolException"
    assert error.message.startswith("The group member's supported protocols are incompatible")
    assert len(kinds(events, "consumer_error")) == 1
    assert [m["client"] for m in group_snapshot(sim, "g")["members"]] == ["A"]
    sim.apply(
        {
            "type": "set_consumer_config",
            "consumer": "B",
            "configs": {"partition.assignment.strategy": ["range"]},
        }
    )
    events = sim.advance(10_000)
    assert kinds(events, "consumer_error_cleared")
    assert len(group_snapshot(sim, "g")["members"]) == 2
