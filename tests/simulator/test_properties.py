"""Property tests: random command and fault schedules, invariants after every step
(offsets gap-free and increasing, HW <= LEO of every ISR member, one leader per
partition and epoch, ISR members agree below the HW)."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation, SimulationError
from simulator.checks import check_invariants

from .simhelpers import scenario

BROKERS = st.integers(1, 3)
COMMANDS = st.one_of(
    st.builds(lambda n, k: {"type": "produce", "producer": "P", "topic": "t", "value": "v",
                            "key": k, "count": n},
              st.integers(1, 50), st.one_of(st.none(), st.text("abc", max_size=3))),
    st.builds(lambda b: {"type": "crash_broker", "broker": b}, BROKERS),
    st.builds(lambda b: {"type": "restart_broker", "broker": b}, BROKERS),
    st.builds(lambda b: {"type": "isolate_broker", "broker": b}, BROKERS),
    st.builds(lambda b: {"type": "reconnect_broker", "broker": b}, BROKERS),
    st.builds(lambda b, ms: {"type": "slow_broker", "broker": b, "slow_ms": ms}, BROKERS,
              st.sampled_from([0, 200, 5_000, 40_000])),
    st.builds(lambda c: {"type": "crash_controller", "controller": c}, st.integers(1, 3)),
    st.builds(lambda c: {"type": "restart_controller", "controller": c}, st.integers(1, 3)),
    st.builds(lambda t: {"type": "drop_messages", "message_kind": t, "count": 2},
              st.sampled_from(["produce_response", "fetch_response", "metadata_update"])),
    st.just({"type": "elect_leaders", "topic": "t"}),
    st.just({"type": "elect_leaders", "topic": "t", "election": "unclean"}),
)
STEPS = st.lists(st.tuples(COMMANDS, st.integers(0, 15_000)), min_size=1, max_size=15)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, seed=st.integers(0, 10_000), unclean=st.booleans(),
       acks=st.sampled_from(["0", "1", "all"]))
def test_invariants_hold_after_every_step_of_any_schedule(steps, seed, unclean, acks):
    sc = scenario(partitions=3, topic_configs={"min.insync.replicas": 2,
                                               "unclean.leader.election.enable": unclean,
                                               "segment.bytes": 2_000, "retention.bytes": 6_000},
                  producer_configs={"acks": acks},
                  cluster_configs={"log.retention.check.interval.ms": 2_000})
    sim = Simulation(sc, seed=seed)
    memory = {}
    last_seq = sim.setup_events[-1].seq
    for command, wait_ms in steps:
        try:
            events = sim.apply(command)
        except SimulationError:
            events = []
        while wait_ms > 0:
            chunk = min(wait_ms, 700)
            events += sim.advance(chunk)
            wait_ms -= chunk
            problems = check_invariants(sim.world, memory)
            assert not problems, problems
        for e in events:
            assert e.seq == last_seq + 1
            last_seq = e.seq
    sim.advance(60_000)
    assert not check_invariants(sim.world, memory)
    snap = sim.snapshot()
    for p in snap["topics"][0]["partitions"]:
        offsets = [r["offset"] for r in p["records"]]
        assert offsets == list(range(p["log_end_offset"] - len(offsets), p["log_end_offset"]))
        assert p["log_start_offset"] <= p["high_watermark"] <= p["log_end_offset"]


def test_the_invariant_checker_catches_a_broken_log():
    """The checker is not vacuous: corrupt a log and it complains."""
    sc = scenario()
    sim = Simulation(sc, seed=1)
    sim.apply({"type": "produce", "producer": "P", "topic": "t", "value": "v", "count": 3})
    sim.advance(200)
    assert check_invariants(sim.world) == []
    log = sim.world.brokers[2].replicas[("t", 0)].log
    log.records[1], log.records[2] = log.records[2], log.records[1]
    problems = check_invariants(sim.world)
    assert any("offset" in p for p in problems)
    log.records[1], log.records[2] = log.records[2], log.records[1]
    log.records.append(log.records[-1])  # the same record twice
    problems = check_invariants(sim.world)
    assert any("duplicate" in p for p in problems)
