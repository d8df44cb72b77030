"""Replication: followers fetch, the ISR shrinks and grows, the HW follows the ISR,
leaders are elected from the ISR and returning leaders truncate their divergent tail."""

from pathlib import Path

from .simhelpers import advance_checked, of_kind, partition, produce, sim_with


def test_an_acks_all_record_is_appended_by_the_leader_copied_by_followers_then_acknowledged():
    sim = sim_with(topic_configs={"min.insync.replicas": 2})
    events = produce(sim, "hello", partition=0) + sim.advance(100)
    appended = of_kind(events, "records_appended")
    assert [(e.broker, e.role) for e in appended] == [(1, "leader"), (2, "follower"),
                                                      (3, "follower")]
    hw = of_kind(events, "high_watermark_changed")
    ack = of_kind(events, "produce_acknowledged")
    assert hw[0].high_watermark == 1 and ack[0].base_offset == 0
    assert hw[0].seq < ack[0].seq  # acked only once the HW passed the record
    assert appended[0].records[0].value == "hello"


def test_every_hop_is_a_message_with_send_and_arrival_times():
    sim = sim_with()
    events = produce(sim, "x", partition=0) + sim.advance(100)
    sent = of_kind(events, "message_sent", message_kind="produce")[0]
    delivered = of_kind(events, "message_delivered", message_id=sent.message_id)[0]
    assert sent.source == "producer:P" and sent.target == "broker:1"
    assert sent.arrive_at_ms == sent.sent_at_ms + 2 == delivered.at_ms


def test_a_follower_that_stops_fetching_leaves_the_isr_after_replica_lag_time_max_ms():
    sim = sim_with(topic_configs={"min.insync.replicas": 1})
    sim.advance(100)
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
    events = advance_checked(sim, 46_000, step_ms=500)
    shrink = of_kind(events, "isr_changed", reason="shrink")
    assert shrink and shrink[0].isr == [1, 2]
    # Lag is judged by time: it is out once replica.lag.time.max.ms (30 s) passed.
    assert 30_000 <= shrink[0].at_ms - 100 <= 30_000 + 15_000 + 100
    assert partition(sim)["isr"] == [1, 2]


def test_a_caught_up_follower_rejoins_the_isr():
    sim = sim_with()
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
    sim.advance(46_000)
    assert partition(sim)["isr"] == [1, 2]
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 0})
    events = sim.advance(70_000)
    assert of_kind(events, "isr_changed", reason="expand")
    assert partition(sim)["isr"] == [1, 2, 3]


def test_the_hw_is_the_lowest_leo_in_the_isr():
    sim = sim_with(topic_configs={"min.insync.replicas": 1})
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 5_000})
    sim.advance(1_000)  # its fetch parked before the slowdown has come back
    produce(sim, "a", partition=0)
    sim.advance(1_000)
    p = partition(sim)
    # Broker 3 is still in the ISR (lag < 30 s) but has not got the record yet.
    assert p["isr"] == [1, 2, 3]
    leos = {r["broker"]: r["leo"] for r in p["replicas_state"]}
    assert leos == {1: 1, 2: 1, 3: 0}
    assert p["high_watermark"] == 0


def test_the_hw_does_not_advance_while_the_isr_is_below_min_insync_replicas():
    sim = sim_with(topic_configs={"min.insync.replicas": 2},
                   producer_configs={"acks": "1", "enable.idempotence": False})
    sim.apply({"type": "crash_broker", "broker": 2})
    sim.apply({"type": "crash_broker", "broker": 3})
    sim.advance(12_000)  # both fenced: ISR = [1]
    assert partition(sim)["isr"] == [1]
    events = produce(sim, "alone", partition=0) + sim.advance(2_000)
    assert of_kind(events, "produce_acknowledged")  # acks=1 still succeeds
    p = partition(sim)
    assert p["log_end_offset"] == 1 and p["high_watermark"] == 0


def test_acks_all_with_too_small_an_isr_is_refused_with_not_enough_replicas():
    sim = sim_with(topic_configs={"min.insync.replicas": 2},
                   producer_configs={"delivery.timeout.ms": 3_000})
    sim.apply({"type": "crash_broker", "broker": 2})
    sim.apply({"type": "crash_broker", "broker": 3})
    sim.advance(12_000)
    events = produce(sim, "refused", partition=0) + sim.advance(5_000)
    rejected = of_kind(events, "produce_rejected")
    assert rejected and rejected[0].error == "NOT_ENOUGH_REPLICAS"
    assert partition(sim)["log_end_offset"] == 0  # nothing written
    failed = of_kind(events, "produce_failed")
    assert failed[-1].will_retry is False


def test_a_crashed_leader_is_fenced_after_the_session_timeout_and_a_new_leader_comes_from_the_isr():
    sim = sim_with()
    sim.advance(100)
    events = sim.apply({"type": "crash_broker", "broker": 1}) + advance_checked(sim, 12_000)
    fenced = of_kind(events, "broker_fenced", broker=1)
    assert fenced and 9_000 <= fenced[0].at_ms - 100 <= 11_000
    changed = of_kind(events, "leader_changed")
    assert changed[0].leader == 2 and changed[0].leader_epoch == 1
    assert changed[0].election == "clean" and changed[0].isr == [2, 3]


def test_without_an_isr_member_alive_the_partition_goes_offline_unless_unclean_election():
    for unclean, expected in ((False, None), (True, 3)):
        sim = sim_with(topic_configs={"unclean.leader.election.enable": unclean})
        sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
        sim.advance(46_000)  # 3 out of the ISR
        sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 0})
        sim.apply({"type": "crash_broker", "broker": 2})
        sim.advance(12_000)
        assert partition(sim)["isr"] == [1]
        events = sim.apply({"type": "crash_broker", "broker": 1}) + sim.advance(12_000)
        assert partition(sim)["leader"] == expected
        kinds = {e.election for e in of_kind(events, "leader_changed")}
        assert kinds == ({"unclean"} if unclean else {"offline"})


def test_a_returning_old_leader_truncates_its_divergent_tail():
    sim = sim_with(topic_configs={"min.insync.replicas": 1},
                   producer_configs={"acks": "1", "enable.idempotence": False})
    sim.advance(100)
    produce(sim, "kept", partition=0)
    sim.advance(200)
    # Followers fall behind, then the leader takes a write nobody copies, and dies.
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 60_000})
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
    sim.advance(1_000)  # fetches parked before the slowdown have come back
    events = produce(sim, "doomed", partition=0) + sim.advance(10)
    assert of_kind(events, "produce_acknowledged")  # acknowledged...
    sim.apply({"type": "crash_broker", "broker": 1})
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 0})
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 0})
    sim.advance(15_000)
    assert partition(sim)["leader"] in (2, 3)
    events = sim.apply({"type": "restart_broker", "broker": 1}) + advance_checked(sim, 5_000)
    truncated = of_kind(events, "log_truncated", broker=1)
    assert truncated and truncated[0].leo == 1 and truncated[0].removed_records == 1
    values = [r["value"] for r in partition(sim)["records"]]
    assert values == ["kept"]  # ...and lost: the acks=1 lesson


def test_a_fenced_leader_that_was_only_cut_off_keeps_serving_until_it_learns():
    sim = sim_with()
    sim.advance(100)
    events = sim.apply({"type": "isolate_broker", "broker": 1}) + sim.advance(12_000)
    assert of_kind(events, "broker_fenced", broker=1)
    assert sim.snapshot()["brokers"][0]["state"] == "isolated"
    # Broker 1 still believes it leads (it cannot hear the controller).
    assert sim.world.brokers[1].replicas[("t", 0)].role == "leader"
    events = sim.apply({"type": "reconnect_broker", "broker": 1}) + sim.advance(5_000)
    assert of_kind(events, "broker_unfenced", broker=1)
    assert sim.world.brokers[1].replicas[("t", 0)].role == "follower"


def test_a_leader_cut_off_from_the_cluster_only_keeps_taking_acks_1_writes_that_are_lost():
    """Split brain: clients still reach the old leader while the controller has
    elected a new one; its acks=1 writes are truncated when it rejoins."""
    sim = sim_with(producer_configs={"acks": "1", "enable.idempotence": False})
    sim.advance(100)
    sim.apply({"type": "isolate_broker", "broker": 1, "scope": "cluster"})
    sim.advance(12_000)
    assert partition(sim)["leader"] == 2  # the controller moved on...
    events = produce(sim, "zombie-write", partition=0) + sim.advance(50)
    acked = of_kind(events, "produce_acknowledged")
    assert acked and sim.world.brokers[1].replicas[("t", 0)].log.leo == 1  # ...broker 1 did not
    events = sim.apply({"type": "reconnect_broker", "broker": 1}) + sim.advance(5_000)
    assert of_kind(events, "log_truncated", broker=1)
    assert "zombie-write" not in [r["value"] for r in partition(sim)["records"]]


def test_the_snapshot_shows_each_replicas_own_tail_so_a_divergent_record_is_visible():
    sim = sim_with(topic_configs={"min.insync.replicas": 1},
                   producer_configs={"acks": "1", "enable.idempotence": False})
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 60_000})
    sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
    sim.advance(1_000)
    produce(sim, "only-on-1", partition=0)
    sim.advance(10)
    tails = {r["broker"]: [x["value"] for x in r["tail"]]
             for r in partition(sim)["replicas_state"]}
    assert tails == {1: ["only-on-1"], 2: [], 3: []}


def test_a_fetch_the_follower_gave_up_on_is_dropped_so_its_current_fetch_keeps_replicating():
    """A follower whose fetch is badly delayed times out (replica.socket.timeout.ms)
    and fetches afresh. When the stale request finally reaches the leader it must
    not replace the follower's current, parked fetch: in Kafka it died with the
    old connection. (Hypothesis found the stall: acks=all writes timed out for
    30 s after the slow follower had long recovered.)"""
    sim = sim_with(seed=0, topic_configs={"min.insync.replicas": 2},
                   producer_configs={"acks": "all", "request.timeout.ms": 5_000,
                                     "delivery.timeout.ms": 20_000})
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 66_792})
    produce(sim, "r1", partition=0)
    sim.advance(16_698)
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 0})
    sim.advance(60_000)  # the stale fetch lands at the leader during this minute
    events = produce(sim, "r2", partition=0) + sim.advance(5_000)
    acked = of_kind(events, "produce_acknowledged")
    assert acked and acked[0].base_offset == 1
    assert not of_kind(events, "produce_failed")


def test_a_slowed_broker_sends_its_fetches_late_and_everything_else_on_time():
    """The playground says so: "each fetch it sends ... takes 40 s longer; its
    heartbeats still arrive on time"."""
    sim = sim_with(producer_configs={"acks": "1"})
    sim.advance(3_000)
    sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 40_000})
    events = sim.advance(6_000)
    sent = [e for e in events if e.kind == "message_sent" and e.source == "broker:2"]
    took = {}
    for e in sent:
        took.setdefault(e.message_kind, set()).add(e.arrive_at_ms - e.sent_at_ms)
    assert min(took["fetch"]) >= 40_000
    assert took["broker_heartbeat"] and max(took["broker_heartbeat"]) < 100
    text = (Path(__file__).resolve().parents[2] / "templates/sandbox/playground.html").read_text()
    assert "each fetch it sends" in text and "everything it sends" not in text
