"""The poll loop: fetch, process, commit, reset; and the endless rebalance loop."""

from simulator.consumers.snapshot import describe_group
from simulator.tools.cli_output import consumer_groups_describe

from .consumer_helpers import consumer, group, group_snapshot, kinds, produce, sim_with


def test_consumer_reads_what_was_produced_and_auto_commits_it():
    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "earliest"})])
    sim.advance(5_000)
    produce(sim, 30)
    events = sim.advance(6_000)
    polled = [e for e in kinds(events, "consumer_position_changed") if e.reason == "poll"]
    assert sum(e.count for e in polled) == 30
    commits = {(e.topic, e.partition): e.offset for e in kinds(events, "offset_committed")}
    snap = group_snapshot(sim, "g")
    assert snap["committed"] == {f"{t}-{p}": o for (t, p), o in commits.items()}
    assert sum(snap["committed"].values()) == 30
    assert snap["lag"] == {"orders-0": 0, "orders-1": 0, "orders-2": 0}


def test_max_poll_records_caps_each_poll_and_processing_takes_time_per_record():
    configs = {
        "auto.offset.reset": "earliest",
        "max.poll.records": 10,
        "processing.ms.per.record": 100,
    }
    sim = sim_with([group("g", ["A"], **configs)], partitions=1)
    sim.advance(5_000)
    produce(sim, 25)
    events = sim.advance(5_000)
    polled = [e for e in kinds(events, "consumer_position_changed") if e.reason == "poll"]
    assert [e.count for e in polled] == [10, 10, 5]
    processed = kinds(events, "records_processed")
    assert [e.duration_ms for e in processed] == [1_000, 1_000, 500]
    assert polled[1].at_ms - polled[0].at_ms == 1_000


def test_auto_offset_reset_latest_skips_old_records():
    sim = sim_with([], partitions=1)
    produce(sim, 5)
    sim.advance(1_000)
    sim.apply({"type": "add_consumer", "consumer": "A", "group": "new", "topics": ["orders"]})
    events = sim.advance(6_000)
    reset = [e for e in kinds(events, "consumer_position_changed") if e.reason == "reset"][0]
    assert reset.position == 5
    assert "Found no committed offset for partition orders-0" in reset.log
    assert not [e for e in kinds(events, "consumer_position_changed") if e.reason == "poll"]
    # LAG = 0 but the consumer saw nothing: the guide's first symptom.
    assert group_snapshot(sim, "new")["lag"] == {"orders-0": 0}


def test_auto_offset_reset_none_raises_no_offset_for_partition():
    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "none"})], partitions=1)
    events = sim.advance(6_000)
    error = kinds(events, "consumer_error")[0]
    assert error.error == "NoOffsetForPartitionException"
    assert error.message == "Undefined offset with no reset policy for partitions: [orders-0]"
    assert consumer(sim, "A")["status"] == "error"


def test_a_restarted_group_resumes_from_its_committed_offsets():
    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "earliest"})], partitions=1)
    sim.advance(5_000)
    produce(sim, 10)
    sim.advance(6_000)
    sim.apply({"type": "remove_consumer", "consumer": "A"})
    produce(sim, 5)
    sim.advance(1_000)
    sim.apply({"type": "add_consumer", "consumer": "B", "group": "g", "topics": ["orders"]})
    events = sim.advance(6_000)
    committed = [e for e in kinds(events, "consumer_position_changed") if e.reason == "committed"]
    assert committed[0].position == 10
    assert "to the committed offset FetchPosition{offset=10" in committed[0].log
    polled = [e for e in kinds(events, "consumer_position_changed") if e.reason == "poll"]
    assert sum(e.count for e in polled) == 5


def test_manual_commit_with_auto_commit_off():
    configs = {"auto.offset.reset": "earliest", "enable.auto.commit": False}
    sim = sim_with([group("g", ["A"], **configs)], partitions=1)
    sim.advance(5_000)
    produce(sim, 7)
    events = sim.advance(10_000)
    assert not kinds(events, "offset_committed")
    assert group_snapshot(sim, "g")["committed"] == {}
    sim.apply({"type": "commit_offsets", "consumer": "A"})
    events = sim.advance(100)
    commit = kinds(events, "offset_committed")[0]
    assert (commit.offset, commit.commit_kind) == (7, "manual")
    assert commit.offsets_partition == group_snapshot(sim, "g")["offsets_partition"]
    records = sim.snapshot()["consumer_offsets"]["partitions"][0]["records"]
    assert records[-1]["key"] == {"group": "g", "topic": "orders", "partition": 0}
    assert records[-1]["value"]["offset"] == 7


def test_describe_output_matches_the_cluster():
    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "earliest"})], partitions=1)
    sim.advance(5_000)
    produce(sim, 4)
    sim.advance(6_000)
    text = consumer_groups_describe(describe_group(sim.world, "g"), "g")
    row = text.splitlines()[2].split()
    assert row[:6] == ["g", "orders", "0", "4", "4", "0"]
    assert row[6].startswith("consumer-g-1-") and row[7] == "/10.0.1.1" and row[8] == "consumer-g-1"
    sim.apply({"type": "remove_consumer", "consumer": "A"})
    produce(sim, 3)
    sim.advance(1_000)
    text = consumer_groups_describe(describe_group(sim.world, "g"), "g")
    assert text.startswith("\nConsumer group 'g' has no active members.\n")
    assert text.splitlines()[4].split() == ["g", "orders", "0", "4", "7", "3", "-", "-", "-"]


def test_reset_offsets_needs_an_inactive_group_and_writes_commits():
    sim = sim_with([group("g", ["A"], **{"auto.offset.reset": "earliest"})], partitions=1)
    sim.advance(5_000)
    produce(sim, 6)
    sim.advance(6_000)
    before = sim.snapshot()
    try:
        sim.apply({"type": "reset_offsets", "group": "g", "topic": "orders", "to": "earliest"})
    except Exception as exc:  # noqa: BLE001 - checked below
        assert exc.code == "group_active"
        assert "can only be reset if the group 'g' is inactive" in exc.message
    else:
        raise AssertionError("reset on an active group was accepted")
    assert sim.snapshot()["groups"] == before["groups"]
    sim.apply({"type": "remove_consumer", "consumer": "A"})
    sim.advance(1_000)
    events = sim.apply(
        {"type": "reset_offsets", "group": "g", "topic": "orders", "to": "offset", "offset": 2}
    )
    commit = kinds(events, "offset_committed")[0]
    assert (commit.offset, commit.commit_kind, commit.consumer) == (2, "reset", None)
    sim.apply({"type": "add_consumer", "consumer": "B", "group": "g", "topics": ["orders"]})
    events = sim.advance(6_000)
    polled = [e for e in kinds(events, "consumer_position_changed") if e.reason == "poll"]
    assert polled[0].records[0]["offset"] == 2 and sum(e.count for e in polled) == 4


def test_slow_processing_beyond_max_poll_interval_loops_forever():
    """The guide's endless loop: kicked out, rejoin, same records again, never committed."""
    configs = {
        "auto.offset.reset": "earliest",
        "max.poll.records": 10,
        "processing.ms.per.record": 2_000,
        "max.poll.interval.ms": 15_000,
    }
    sim = sim_with([group("g", ["A"], **configs)], partitions=1)
    sim.advance(5_000)
    produce(sim, 20)
    events = sim.advance(120_000)
    timeouts = kinds(events, "poll_timeout_expired")
    assert len(timeouts) >= 3
    assert "consumer poll timeout has expired." in timeouts[0].log
    assert timeouts[0].since_last_poll_ms == 15_000
    removed = kinds(events, "member_removed")
    assert removed and all(e.reason == "poll_timeout" for e in removed)
    assert "client reason: consumer poll timeout has expired." in removed[0].log
    lost = [e for e in kinds(events, "assignment_changed") if e.log and "Lost" in e.log]
    assert lost
    polled = [e for e in kinds(events, "consumer_position_changed") if e.reason == "poll"]
    # The same first ten records, again and again; nothing ever committed past 0.
    assert len(polled) >= 3 and {e.records[0]["offset"] for e in polled} == {0}
    assert all(e.offset == 0 for e in kinds(events, "offset_committed"))
    generations = [
        e.generation for e in kinds(events, "group_state_changed") if e.state == "Stable"
    ]
    assert generations == sorted(generations) and len(generations) >= 3


def test_raising_max_poll_interval_breaks_the_loop():
    configs = {
        "auto.offset.reset": "earliest",
        "max.poll.records": 10,
        "processing.ms.per.record": 2_000,
        "max.poll.interval.ms": 15_000,
    }
    sim = sim_with([group("g", ["A"], **configs)], partitions=1)
    sim.advance(5_000)
    produce(sim, 20)
    sim.advance(30_000)
    sim.apply(
        {
            "type": "set_consumer_config",
            "consumer": "A",
            "configs": {"max.poll.interval.ms": 60_000},
        }
    )
    events = sim.advance(120_000)
    assert not kinds(events, "poll_timeout_expired")[1:]  # at most the one in flight
    assert group_snapshot(sim, "g")["committed"] == {"orders-0": 20}


def test_read_committed_stops_at_the_last_stable_offset():
    sim = sim_with(
        [
            group(
                "rc",
                ["A"],
                **{"auto.offset.reset": "earliest", "isolation.level": "read_committed"},
            ),
            group("ru", ["B"], **{"auto.offset.reset": "earliest"}),
        ],
        partitions=1,
    )
    sim.apply({"type": "add_producer", "producer": "T", "configs": {"transactional.id": "tx-1"}})
    sim.advance(5_000)
    sim.apply({"type": "begin_transaction", "producer": "T"})
    sim.apply({"type": "produce", "producer": "T", "topic": "orders", "value": "x", "count": 3})
    events = sim.advance(2_000)
    seen = {
        e.consumer: e.count
        for e in kinds(events, "consumer_position_changed")
        if e.reason == "poll"
    }
    assert seen == {"B": 3}  # read_uncommitted sees the open transaction's records
    sim.apply({"type": "commit_transaction", "producer": "T"})
    events = sim.advance(2_000)
    seen = {
        e.consumer: e.count
        for e in kinds(events, "consumer_position_changed")
        if e.reason == "poll"
    }
    assert seen.get("A") == 3
    # Both end past the commit marker.
    positions = {c["id"]: c["positions"]["orders-0"] for c in sim.snapshot()["consumers"]}
    assert positions["A"] == 4


def test_an_empty_groups_offsets_expire_after_offsets_retention():
    """offsets.retention.minutes (7 days by default; 10 minutes here to keep the test fast)."""
    sim = sim_with(
        [group("g", ["A"], **{"auto.offset.reset": "earliest"})],
        partitions=1,
        cluster_configs={"offsets.retention.minutes": 10},
    )
    sim.advance(5_000)
    produce(sim, 3)
    sim.advance(6_000)
    sim.apply({"type": "remove_consumer", "consumer": "A"})
    sim.advance(1_000)
    emptied_at = sim.now_ms
    events = sim.advance(10 * 60_000 - 5_000)
    assert not kinds(events, "offsets_expired")
    assert group_snapshot(sim, "g")["committed"] == {"orders-0": 3}
    events = sim.advance(10_000)
    expired = kinds(events, "offsets_expired")[0]
    assert expired.partitions == ["orders-0"]
    assert expired.at_ms - emptied_at <= 10 * 60_000
    assert [g["group_id"] for g in sim.snapshot()["groups"]] == []
    assert consumer_groups_describe(describe_group(sim.world, "g"), "g") == (
        "\nError: Consumer group 'g' does not exist.\n"
    )
    # A consumer coming back now finds no committed offset and applies auto.offset.reset.
    sim.apply({"type": "add_consumer", "consumer": "B", "group": "g", "topics": ["orders"]})
    events = sim.advance(6_000)
    reset = [e for e in kinds(events, "consumer_position_changed") if e.reason == "reset"]
    assert reset and "Found no committed offset" in reset[0].log


def test_reset_offsets_on_a_new_group_creates_it_empty():
    sim = sim_with([], partitions=1)
    produce(sim, 4)
    sim.advance(1_000)
    sim.apply({"type": "reset_offsets", "group": "fresh", "topic": "orders", "to": "latest"})
    snap = group_snapshot(sim, "fresh")
    assert snap["state"] == "Empty" and snap["committed"] == {"orders-0": 4}


def test_consumer_lag_is_hw_minus_position():
    configs = {
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "processing.ms.per.record": 1_000,
        "max.poll.records": 2,
    }
    sim = sim_with([group("g", ["A"], **configs)], partitions=1)
    sim.advance(5_000)
    produce(sim, 10)
    sim.advance(500)
    me = consumer(sim, "A")
    assert me["positions"] == {"orders-0": 2}
    assert me["lag"] == {"orders-0": 8}
    assert group_snapshot(sim, "g")["lag"] == {}  # nothing committed: no group lag yet


def test_read_committed_skips_an_aborted_transaction():
    sim = sim_with(
        [
            group(
                "rc",
                ["A"],
                **{"auto.offset.reset": "earliest", "isolation.level": "read_committed"},
            ),
            group("ru", ["B"], **{"auto.offset.reset": "earliest"}),
        ],
        partitions=1,
    )
    sim.apply({"type": "add_producer", "producer": "T", "configs": {"transactional.id": "tx-1"}})
    sim.advance(5_000)
    sim.apply({"type": "begin_transaction", "producer": "T"})
    sim.apply({"type": "produce", "producer": "T", "topic": "orders", "value": "x", "count": 3})
    sim.advance(1_000)
    sim.apply({"type": "abort_transaction", "producer": "T"})
    sim.advance(1_000)
    produce(sim, 2, value="ok")
    events = sim.advance(3_000)
    seen = {}
    for e in kinds(events, "consumer_position_changed"):
        if e.reason == "poll":
            seen.setdefault(e.consumer, []).extend(r["value"] for r in e.records)
    assert seen["A"] == ["ok-0", "ok-1"]  # the aborted x-0..x-2 never reach read_committed
    assert consumer(sim, "A")["positions"] == consumer(sim, "B")["positions"] == {"orders-0": 6}
