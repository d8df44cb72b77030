"""The KRaft controller quorum: a visible active controller that fails over."""

from .simhelpers import of_kind, sim_with


def test_one_controller_is_active_from_the_start():
    sim = sim_with()
    elected = of_kind(sim.setup_events, "controller_elected")
    assert len(elected) == 1 and elected[0].epoch == 1
    assert sim.snapshot()["controller"]["active"] == elected[0].controller


def test_when_the_active_controller_dies_another_voter_takes_over_with_a_new_epoch():
    sim = sim_with()
    active = sim.snapshot()["controller"]["active"]
    events = sim.apply({"type": "crash_controller", "controller": active}) + sim.advance(5_000)
    assert of_kind(events, "controller_lost")
    elected = of_kind(events, "controller_elected")
    assert elected and elected[0].controller != active and elected[0].epoch == 2
    assert 1_000 <= elected[0].at_ms <= 2_000  # the election timeout plus a random part
    # Brokers heartbeat to the new one and are not fenced.
    events = sim.advance(20_000)
    assert not of_kind(events, "broker_fenced")


def test_without_a_majority_no_controller_is_elected_and_metadata_freezes():
    sim = sim_with()
    sim.apply({"type": "crash_controller", "controller": 2})
    sim.apply({"type": "crash_controller", "controller": 1})
    events = sim.advance(5_000)
    assert not of_kind(events, "controller_elected")
    assert sim.snapshot()["controller"]["active"] is None
    # Fencing needs a controller: a dead broker stays unfenced meanwhile.
    sim.apply({"type": "crash_broker", "broker": 3})
    events = sim.advance(20_000)
    assert not of_kind(events, "broker_fenced")
    events = sim.apply({"type": "restart_controller", "controller": 1}) + sim.advance(5_000)
    assert of_kind(events, "controller_elected")
    events = sim.advance(15_000)
    assert of_kind(events, "broker_fenced", broker=3)


def test_a_quickly_restarted_broker_is_fenced_then_unfenced_and_loses_its_leadership():
    sim = sim_with()
    sim.advance(100)
    sim.apply({"type": "crash_broker", "broker": 1})
    sim.advance(1_000)
    events = sim.apply({"type": "restart_broker", "broker": 1}) + sim.advance(2_000)
    fenced = of_kind(events, "broker_fenced", broker=1)
    assert fenced and "re-registered" in fenced[0].reason
    assert of_kind(events, "broker_unfenced", broker=1)
    assert of_kind(events, "leader_changed")[0].leader == 2


def test_a_preferred_leader_election_moves_leadership_back():
    sim = sim_with()
    sim.advance(100)
    sim.apply({"type": "crash_broker", "broker": 1})
    sim.advance(12_000)
    sim.apply({"type": "restart_broker", "broker": 1})
    sim.advance(3_000)
    assert sim.snapshot()["topics"][0]["partitions"][0]["leader"] == 2
    events = sim.apply({"type": "elect_leaders", "topic": "t"}) + sim.advance(1_000)
    change = of_kind(events, "leader_changed")[0]
    assert change.leader == 1 and change.election == "preferred"


def test_a_new_topic_spreads_replicas_and_leaders_across_brokers():
    sim = sim_with()
    events = sim.apply({"type": "create_topic", "topic": "spread", "partitions": 6,
                        "replication_factor": 2}) + sim.advance(100)
    created = of_kind(events, "topic_created")[0]
    leaders = [p["leader"] for p in created.partitions]
    assert sorted(set(leaders)) == [1, 2, 3] and leaders.count(1) == 2
    for p in created.partitions:
        assert len(set(p["replicas"])) == 2 and p["preferred_leader"] == p["replicas"][0]
    roles = of_kind(events, "replica_role_changed")
    assert len(roles) == 12  # every broker learnt its replicas through metadata


def test_a_deleted_topic_disappears_from_every_broker():
    sim = sim_with()
    sim.apply({"type": "delete_topic", "topic": "t"})
    sim.advance(100)
    assert sim.snapshot()["topics"] == []
    assert all(not b.replicas for b in sim.world.brokers.values())


def test_auto_leader_rebalance_gives_leadership_back_to_the_preferred_leader():
    sim = sim_with(cluster_configs={"leader.imbalance.check.interval.seconds": 30})
    sim.advance(100)
    sim.apply({"type": "crash_broker", "broker": 1})
    sim.advance(12_000)
    sim.apply({"type": "restart_broker", "broker": 1})
    events = sim.advance(30_000)
    change = of_kind(events, "leader_changed", election="preferred")
    assert change and change[0].leader == 1 and change[0].at_ms == 30_000
