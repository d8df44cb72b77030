"""A consumer group of outside clients: find the coordinator, join, sync the leader's
assignment bytes, heartbeat, commit, fetch offsets, describe, list, leave; and the
in-browser CLI sees it as Kafka's tool would."""

from __future__ import annotations

import struct

from simulator.tools.cli import run_cli
from tests.simulator.wire_clients.wire_helpers import Wire, b64, settled, unb64

GROUP = "g"


def _string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack(">h", len(raw)) + raw


def subscription(*topics: str) -> bytes:
    """ConsumerProtocolSubscription v0, as kafka-python encodes it."""
    return (struct.pack(">hi", 0, len(topics)) + b"".join(_string(t) for t in topics)
            + struct.pack(">i", -1))


def assignment(topic: str, partitions: list[int], user_data: bytes = b"") -> bytes:
    """ConsumerProtocolAssignment v0 with user data (kept opaque by the coordinator)."""
    return (struct.pack(">hi", 0, 1) + _string(topic) + struct.pack(">i", len(partitions))
            + b"".join(struct.pack(">i", p) for p in partitions)
            + struct.pack(">i", len(user_data)) + user_data)


def join_request(member_id: str = "") -> dict:
    return {"group_id": GROUP, "session_timeout_ms": 10_000, "rebalance_timeout_ms": 30_000,
            "member_id": member_id, "group_instance_id": None, "protocol_type": "consumer",
            "protocols": [{"name": "range", "metadata": b64(subscription("t"))},
                          {"name": "roundrobin", "metadata": b64(subscription("t"))}]}


def _joined_group():
    sim = settled()
    a, b = Wire(sim, "gw-a"), Wire(sim, "gw-b", client_id="rdkafka", software="librdkafka")
    found = a.call(1, "find_coordinator", {"key_type": 0, "coordinator_keys": [GROUP]})
    [entry] = found["coordinators"]
    assert entry["error_code"] == 0 and entry["key"] == GROUP and found["node_id"] == entry[
        "node_id"]
    coordinator = entry["node_id"]
    first = {}
    for wire in (a, b):
        answer = wire.call(coordinator, "join_group", join_request())
        assert answer["error_code"] == 79  # MEMBER_ID_REQUIRED (KIP-394)
        first[wire.name] = answer["member_id"]
    pending = {w.name: w.send(coordinator, "join_group", join_request(first[w.name]))
               for w in (a, b)}
    joined = {w.name: w.wait(pending[w.name], max_ms=10_000).response for w in (a, b)}
    return sim, a, b, coordinator, first, joined


def test_two_outside_clients_join_sync_commit_and_the_cli_shows_their_offsets():
    sim, a, b, coordinator, ids, joined = _joined_group()
    for name in ("gw-a", "gw-b"):
        assert joined[name]["error_code"] == 0 and joined[name]["protocol_name"] == "range"
        assert joined[name]["member_id"] == ids[name]
    leader_name = next(n for n in joined if joined[n]["leader"] == ids[n])
    leader, follower = (a, b) if leader_name == "gw-a" else (b, a)
    members = joined[leader.name]["members"]
    assert sorted(m["member_id"] for m in members) == sorted(ids.values())
    assert all(unb64(m["metadata"]) == subscription("t") for m in members)
    assert joined[follower.name]["members"] == []
    generation = joined[leader.name]["generation_id"]
    given = {ids[leader.name]: assignment("t", [0], b"\x01leader"),
             ids[follower.name]: assignment("t", [1], b"\x02opaque")}
    follower_cid = follower.send(coordinator, "sync_group", {
        "group_id": GROUP, "generation_id": generation, "member_id": ids[follower.name],
        "protocol_type": "consumer", "protocol_name": "range", "assignments": []})
    synced = leader.call(coordinator, "sync_group", {
        "group_id": GROUP, "generation_id": generation, "member_id": ids[leader.name],
        "protocol_type": "consumer", "protocol_name": "range",
        "assignments": [{"member_id": m, "assignment": b64(x)} for m, x in given.items()]})
    follower_synced = follower.wait(follower_cid).response
    # Each member gets the leader's bytes back exactly (user data included).
    assert unb64(synced["assignment"]) == given[ids[leader.name]]
    assert unb64(follower_synced["assignment"]) == given[ids[follower.name]]
    assert synced["error_code"] == follower_synced["error_code"] == 0

    assert leader.call(coordinator, "heartbeat", {
        "group_id": GROUP, "generation_id": generation, "member_id": ids[leader.name]})[
        "error_code"] == 0
    for wire, partition, offset in ((leader, 0, 3), (follower, 1, 1)):
        committed = wire.call(coordinator, "offset_commit", {
            "group_id": GROUP, "generation_id_or_member_epoch": generation,
            "member_id": ids[wire.name], "topics": [{"name": "t", "partitions": [
                {"partition_index": partition, "committed_offset": offset,
                 "committed_leader_epoch": -1, "committed_metadata": ""}]}]})
        assert committed["topics"][0]["partitions"][0]["error_code"] == 0
    fetched = leader.call(coordinator, "offset_fetch", {"group_id": GROUP, "topics": None})
    assert fetched["error_code"] == 0
    got = {(t["name"], p["partition_index"]): p["committed_offset"]
           for t in fetched["topics"] for p in t["partitions"]}
    assert got == {("t", 0): 3, ("t", 1): 1}
    asked = leader.call(coordinator, "offset_fetch", {"group_id": GROUP, "topics": [
        {"name": "t", "partition_indexes": [1]}]})
    assert asked["topics"][0]["partitions"][0]["committed_offset"] == 1

    out = run_cli(sim.world, f"kafka-consumer-groups --bootstrap-server broker-1:9092 "
                             f"--describe --group {GROUP}").output
    rows = [line.split() for line in out.splitlines() if line.startswith(GROUP)]
    by_partition = {row[2]: row for row in rows}
    assert by_partition["0"][3] == "3" and by_partition["1"][3] == "1"
    assert ids[leader.name] in by_partition["0"] and ids[follower.name] in by_partition["1"]

    described = leader.call(coordinator, "describe_groups", {"groups": [GROUP]})["groups"][0]
    assert described["error_code"] == 0 and described["group_state"] == "Stable"
    assert described["protocol_data"] == "range"
    by_member = {m["member_id"]: m for m in described["members"]}
    assert unb64(by_member[ids[follower.name]]["member_assignment"]) == given[
        ids[follower.name]]
    assert by_member[ids["gw-b"]]["client_id"] == "rdkafka"
    listed = leader.call(coordinator, "list_groups", {"states_filter": []})
    assert listed["groups"] == [{"group_id": GROUP, "protocol_type": "consumer",
                                 "group_state": "Stable"}]

    left = follower.call(coordinator, "leave_group", {"group_id": GROUP, "members": [
        {"member_id": ids[follower.name], "group_instance_id": None, "reason": "bye"}]})
    assert left["error_code"] == 0 and left["members"][0]["error_code"] == 0
    after = leader.call(coordinator, "heartbeat", {
        "group_id": GROUP, "generation_id": generation, "member_id": ids[leader.name]})
    assert after["error_code"] == 27  # REBALANCE_IN_PROGRESS


def test_group_errors_use_kafkas_codes():
    sim, a, b, coordinator, ids, joined = _joined_group()
    generation = joined["gw-a"]["generation_id"]
    wrong_generation = a.call(coordinator, "heartbeat", {
        "group_id": GROUP, "generation_id": generation + 5, "member_id": ids["gw-a"]})
    assert wrong_generation["error_code"] == 22  # ILLEGAL_GENERATION
    stranger = a.call(coordinator, "heartbeat", {
        "group_id": GROUP, "generation_id": generation, "member_id": "nobody"})
    assert stranger["error_code"] == 25  # UNKNOWN_MEMBER_ID
    other = next(x for x in (1, 2, 3) if x != coordinator)
    assert a.call(other, "heartbeat", {"group_id": GROUP, "generation_id": generation,
                                       "member_id": ids["gw-a"]})["error_code"] == 16
    foreign = dict(join_request(ids["gw-a"]), protocols=[{"name": "mine", "metadata": ""}])
    assert a.call(coordinator, "join_group", foreign)["error_code"] == 23
    short = dict(join_request(ids["gw-a"]), session_timeout_ms=10)
    assert a.call(coordinator, "join_group", short)["error_code"] == 26
    dead = a.call(coordinator, "describe_groups", {"groups": ["never"]})["groups"][0]
    assert dead["group_state"] == "Dead" and dead["members"] == []


def test_an_outside_consumer_and_a_simulated_one_share_a_group():
    sim = settled()
    wire = Wire(sim, "gw-a")
    wire.apply({"type": "add_consumer", "consumer": "S", "group": GROUP, "topics": ["t"],
                "configs": {"partition.assignment.strategy": ["range"]}})
    coordinator = wire.call(1, "find_coordinator", {"key": GROUP, "key_type": 0})["node_id"]
    member = wire.call(coordinator, "join_group", join_request())["member_id"]
    joined = wire.call(coordinator, "join_group", join_request(member), max_ms=15_000)
    assert joined["error_code"] == 0
    if joined["leader"] == member:  # we assign: the simulated member's metadata was encoded
        assert len(joined["members"]) == 2
        assignments = [{"member_id": m["member_id"],
                        "assignment": b64(assignment("t", [i]))}
                       for i, m in enumerate(joined["members"])]
    else:
        assignments = []
    synced = wire.call(coordinator, "sync_group", {
        "group_id": GROUP, "generation_id": joined["generation_id"], "member_id": member,
        "assignments": assignments}, max_ms=15_000)
    assert synced["error_code"] == 0
    mine = unb64(synced["assignment"])
    assert mine[:2] == b"\x00\x00" and b"t" in mine  # a ConsumerProtocolAssignment
    wire.advance(2_000)
    [group] = [g for g in sim.snapshot()["groups"] if g["group_id"] == GROUP]
    assert group["state"] == "Stable"
    held = sorted(tuple(tp) for m in group["members"] for tp in m["assignment"])
    assert held == [("t", 0), ("t", 1)]  # both members got a partition, whoever led
