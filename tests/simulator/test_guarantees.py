"""The guarantee matrix: which settings lose or duplicate acknowledged records.

* acks=all, RF=3, min.insync.replicas=2, clean election: no acknowledged record
  is lost under any schedule with at most one broker down at a time.
* acks=1: a schedule that loses an acknowledged record exists (shown here).
* Idempotence on: no duplicates under lost responses and retries; off: duplicates.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .simhelpers import advance_checked, of_kind, partition, produce, sim_with


def _all_values(sim) -> list:
    p = partition(sim)
    return [r["value"] for r in p["records"] if r["offset"] < p["high_watermark"]]


def _run_schedule(sim, schedule):
    """Run random steps (op, broker, wait_ms), keeping at most one broker down
    (crashed or cut off) at a time; slow brokers are not down. Every step also
    produces one record, then the cluster heals and settles."""
    events = []
    down = {}  # broker -> "crash" | "isolate"
    memory = {}
    for op, broker, wait_ms in schedule:
        if op in ("crash", "isolate") and not down:
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


schedules = st.lists(
    st.tuples(st.sampled_from(["produce", "crash", "isolate", "heal", "slow"]),
              st.integers(1, 3),
              st.one_of(st.integers(0, 20), st.integers(100, 3_000), st.integers(5_000, 20_000))),
    min_size=1, max_size=12)


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
