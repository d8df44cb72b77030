"""The guarantee matrix: which settings lose or duplicate acknowledged records.

* acks=all, RF=3, min.insync.replicas=2, clean election: no acknowledged record
  is lost under any schedule with at most one broker down at a time.
* acks=1: a schedule that loses an acknowledged record exists (shown here).
* Idempotence on: no duplicates under lost responses and retries; off: duplicates.
* acks=all + idempotence on + RF=3 + min.insync.replicas=2 + clean election,
  at most one broker down at a time, and messages lost in the network (a lost
  message breaks its connection): after healing, no acknowledged record is
  lost, none is written twice, and every acknowledgement names the offset
  that holds that very record. With idempotence off, the same schedules lose
  no acknowledged record either (retries may duplicate).
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .simhelpers import advance_checked, of_kind, partition, produce, sim_with


def _all_values(sim) -> list:
    p = partition(sim)
    return [r["value"] for r in p["records"] if r["offset"] < p["high_watermark"]]


LOSABLE_KINDS = ("produce", "produce_response", "fetch", "fetch_response", "metadata_request",
                 "metadata_response", "alter_partition", "alter_partition_response",
                 "metadata_update", "broker_heartbeat", None)


def _run_schedule(sim, schedule):
    """Run random steps (op, broker, wait_ms), keeping at most one broker down
    (crashed or cut off) at a time; slow brokers are not down; "lose" loses the
    next messages of one kind (which breaks their connections). Every step also
    produces one record, then the cluster heals and settles."""
    events = []
    down = {}  # broker -> "crash" | "isolate"
    memory = {}
    for op, broker, wait_ms in schedule:
        if isinstance(op, tuple):  # ("lose", message kind, count)
            _, kind, count = op
            events += sim.apply({"type": "drop_messages", "message_kind": kind, "count": count})
        elif op in ("crash", "isolate") and not down:
            events += sim.apply({"type": f"{op}_broker", "broker": broker})
            down[broker] = op
        elif op == "heal" and down:
            (b, how), = down.items()
            events += sim.apply({"type": "restart_broker" if how == "crash"
                                 else "reconnect_broker", "broker": b})
            down = {}
        elif op == "slow":
            events += sim.apply({"type": "slow_broker", "broker": broker,
                                 "slow_ms": wait_ms * 4})
        events += produce(sim, f"r{len(of_kind(events, 'records_queued')) + 1}", partition=0)
        events += advance_checked(sim, wait_ms, memory, step_ms=500)
    for b, how in down.items():
        events += sim.apply({"type": "restart_broker" if how == "crash" else "reconnect_broker",
                             "broker": b})
    for b in (1, 2, 3):
        events += sim.apply({"type": "slow_broker", "broker": b, "slow_ms": 0})
    # Messages still to be lost would never be healed: forget them.
    sim.world.network.rules.clear()
    events += advance_checked(sim, 60_000, memory, step_ms=2_000)
    # A healed cluster takes writes again (and this keeps the property from
    # being vacuous when every write of the schedule itself failed).
    events += produce(sim, f"r{len(of_kind(events, 'records_queued')) + 1}", partition=0)
    events += advance_checked(sim, 30_000, memory, step_ms=2_000)
    return events


def _acked_record_values(sim, events) -> list:
    """The values the producer was told are written: for each acknowledgement,
    the records the acknowledging leader had appended at those offsets (the
    latest leader append covering them before the acknowledgement)."""
    appends = of_kind(events, "records_appended", role="leader")
    values = []
    for ack in of_kind(events, "produce_acknowledged"):
        if ack.base_offset is None:
            continue
        for offset in range(ack.base_offset, ack.last_offset + 1):
            covering = [e for e in appends if e.seq < ack.seq and e.topic == ack.topic
                        and e.partition == ack.partition
                        and e.base_offset <= offset <= e.last_offset]
            rec = covering[-1].records[offset - covering[-1].base_offset]
            values.append(rec.value)
    return values


WAITS = st.one_of(st.integers(0, 20), st.integers(100, 3_000), st.integers(5_000, 20_000))
schedules = st.lists(
    st.tuples(st.sampled_from(["produce", "crash", "isolate", "heal", "slow"]),
              st.integers(1, 3), WAITS),
    min_size=1, max_size=12)
LOSSES = st.tuples(st.just("lose"), st.sampled_from(LOSABLE_KINDS), st.integers(1, 3))
lossy_schedules = st.lists(
    st.tuples(st.one_of(st.sampled_from(["produce", "produce", "crash", "isolate", "heal",
                                         "slow"]), LOSSES),
              st.integers(1, 3), WAITS),
    min_size=1, max_size=14)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule=schedules, seed=st.integers(0, 1000))
def test_acks_all_rf3_min_isr_2_never_loses_an_acknowledged_record(schedule, seed):
    sim = sim_with(seed=seed, topic_configs={"min.insync.replicas": 2},
                   producer_configs={"acks": "all", "request.timeout.ms": 5_000,
                                     "delivery.timeout.ms": 20_000})
    events = _run_schedule(sim, schedule)
    kept = set(_all_values(sim))
    acked = set(_acked_record_values(sim, events))
    assert acked, "the schedule acknowledged nothing: the property would be vacuous"
    lost = sorted(acked - kept)
    assert not lost, f"acknowledged but lost: {lost}"


def test_acks_1_loses_an_acknowledged_record_when_the_leader_dies_before_followers_copy():
    sim = sim_with(topic_configs={"min.insync.replicas": 1},
                   producer_configs={"acks": "1", "enable.idempotence": False})
    sim.advance(100)
    events = produce(sim, "safe", partition=0) + sim.advance(200)
    # The followers are slow: their next fetches are far away.
    events += sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 60_000})
    events += sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 60_000})
    events += sim.advance(1_000)
    events += produce(sim, "acknowledged-then-lost", partition=0) + sim.advance(10)
    assert "acknowledged-then-lost" in _acked_record_values(sim, events)
    events += sim.apply({"type": "crash_broker", "broker": 1})
    events += sim.apply({"type": "slow_broker", "broker": 2, "slow_ms": 0})
    events += sim.apply({"type": "slow_broker", "broker": 3, "slow_ms": 0})
    events += sim.advance(15_000)
    events += sim.apply({"type": "restart_broker", "broker": 1}) + sim.advance(10_000)
    assert _all_values(sim) == ["safe"]
    assert of_kind(events, "log_truncated", broker=1)


@settings(max_examples=10, deadline=None)
@given(drops=st.integers(1, 4), seed=st.integers(0, 1000))
def test_with_idempotence_lost_responses_and_retries_never_duplicate(drops, seed):
    sim = sim_with(seed=seed, producer_configs={"request.timeout.ms": 1_000})
    sim.advance(100)
    sim.apply({"type": "drop_messages", "target": "producer:P",
               "message_kind": "produce_response", "count": drops})
    for i in range(5):
        produce(sim, f"pay-{i}", partition=0)
        sim.advance(3)
    sim.advance(20_000)
    values = _all_values(sim)
    assert sorted(values) == [f"pay-{i}" for i in range(5)]


def test_without_idempotence_lost_responses_and_retries_duplicate():
    sim = sim_with(producer_configs={"enable.idempotence": False, "request.timeout.ms": 1_000})
    sim.advance(100)
    sim.apply({"type": "drop_messages", "target": "producer:P",
               "message_kind": "produce_response", "count": 2})
    for i in range(3):
        produce(sim, f"pay-{i}", partition=0)
        sim.advance(20)
    sim.advance(20_000)
    values = _all_values(sim)
    assert len(values) > len(set(values)) == 3


def _idempotent_sim(seed: int):
    # batch.size=1 puts every record in a batch of its own, so the k-th record
    # queued is batch k and an acknowledgement names exactly one value.
    return sim_with(seed=seed, topic_configs={"min.insync.replicas": 2},
                    producer_configs={"acks": "all", "enable.idempotence": True,
                                      "batch.size": 1, "request.timeout.ms": 5_000,
                                      "delivery.timeout.ms": 20_000})


def _check_idempotent_outcome(sim, events) -> None:
    p = partition(sim)
    log = {r["offset"]: r["value"] for r in p["records"] if r["offset"] < p["high_watermark"]}
    values = list(log.values())
    assert len(values) == len(set(values)), f"written twice: {sorted(values)}"
    queued = [r["value"] for e in of_kind(events, "records_queued") for r in e.records]
    acks = of_kind(events, "produce_acknowledged")
    assert acks, "the schedule acknowledged nothing: the property would be vacuous"
    for ack in acks:
        assert ack.base_offset == ack.last_offset
        want = queued[ack.batch_id - 1]
        got = log.get(ack.base_offset)
        assert got == want, (f"{want!r} acknowledged at offset {ack.base_offset}, "
                             f"which holds {got!r}")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule=lossy_schedules, seed=st.integers(0, 1000))
def test_idempotent_acks_all_min_isr_2_loses_nothing_writes_nothing_twice_under_message_loss(
        schedule, seed):
    sim = _idempotent_sim(seed)
    events = _run_schedule(sim, schedule)
    _check_idempotent_outcome(sim, events)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schedule=lossy_schedules, seed=st.integers(0, 1000))
def test_acks_all_min_isr_2_without_idempotence_loses_nothing_under_message_loss(schedule, seed):
    """Replication itself is sound under message loss: with idempotence off
    retries may duplicate, but no acknowledged record is lost."""
    sim = sim_with(seed=seed, topic_configs={"min.insync.replicas": 2},
                   producer_configs={"acks": "all", "enable.idempotence": False,
                                     "request.timeout.ms": 5_000,
                                     "delivery.timeout.ms": 20_000})
    events = _run_schedule(sim, schedule)
    acked = set(_acked_record_values(sim, events))
    assert acked, "the schedule acknowledged nothing: the property would be vacuous"
    lost = sorted(acked - set(_all_values(sim)))
    assert not lost, f"acknowledged but lost: {lost}"
