"""Properties of outside clients under failures: whatever the interleaving of wire
requests with broker crashes and restarts, no acknowledged record is lost, the
invariants hold, and replaying the command log rebuilds the identical state."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation
from simulator.checks import check_invariants
from tests.simulator.simhelpers import scenario
from tests.simulator.wire_clients.wire_helpers import Wire, b64

STEPS = st.lists(st.one_of(
    st.tuples(st.just("produce"), st.integers(0, 1), st.integers(1, 3), st.booleans()),
    st.tuples(st.just("crash"), st.integers(1, 3)),
    st.tuples(st.just("restart"), st.integers(1, 3)),
    st.tuples(st.just("fetch"), st.integers(0, 1), st.integers(1, 3)),
    st.tuples(st.just("advance"), st.sampled_from([5, 50, 400, 3_000])),
), min_size=1, max_size=25)


def _leader(sim: Simulation, partition: int) -> int | None:
    return sim.snapshot()["topics"][0]["partitions"][partition]["leader"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps=STEPS, seed=st.integers(0, 20))
def test_no_acknowledged_record_is_lost_and_replay_is_exact(steps, seed):
    sim = Simulation(scenario(partitions=2), seed=seed)
    sim.advance(500)
    wire = Wire(sim)
    sent: dict[int, tuple[int, list[str]]] = {}  # correlation id -> (partition, values)
    counter = 0
    memory: dict = {}
    for step in steps:
        kind = step[0]
        if kind == "produce":
            _, partition, count, to_leader = step
            leader = _leader(sim, partition)
            broker = leader if to_leader and leader is not None else (partition % 3) + 1
            values = [f"v{counter + i}" for i in range(count)]
            counter += count
            cid = wire.send(broker, "produce", wire.produce_request(
                "t", partition, [(b"k", v.encode()) for v in values]))
            sent[cid] = (partition, values)
        elif kind == "fetch":
            wire.send(step[2], "fetch", wire.fetch_request("t", step[1], 0, max_wait_ms=200))
        elif kind == "crash":
            if not sim.world.brokers[step[1]].crashed:
                wire.apply({"type": "crash_broker", "broker": step[1]})
        elif kind == "restart":
            if sim.world.brokers[step[1]].crashed:
                wire.apply({"type": "restart_broker", "broker": step[1]})
        else:
            wire.advance(step[1])
        problems = check_invariants(sim.world, memory)
        assert not problems, problems
    for broker in (1, 2, 3):
        if sim.world.brokers[broker].crashed:
            wire.apply({"type": "restart_broker", "broker": broker})
    for _ in range(40):
        wire.advance(1_000)
        assert not check_invariants(sim.world, memory)

    acked = [sent[e.correlation_id] for e in wire.responses(api="produce")
             if e.response["responses"][0]["partition_responses"][0]["error_code"] == 0]
    snap = sim.snapshot()
    for partition, values in acked:
        p = snap["topics"][0]["partitions"][partition]
        assert p["leader"] is not None
        kept = {r["value"] for r in p["records"] if r["offset"] < p["high_watermark"]}
        assert set(values) <= kept, (partition, values)
    # Every response is for a request that was made, at most once.
    answered = [e.correlation_id for e in wire.responses()]
    assert len(answered) == len(set(answered))

    replayed = Simulation.replay(sim.scenario, sim.seed, sim.history, until=sim.position)
    assert json.dumps(replayed.snapshot(), sort_keys=True) == json.dumps(snap, sort_keys=True)


def test_a_rewind_forks_with_the_outside_client_in_its_state():
    sim = Simulation(scenario(partitions=1), seed=3)
    sim.advance(500)
    wire = Wire(sim)
    cid = wire.send(1, "produce", wire.produce_request("t", 0, [(b"k", b"first")]))
    wire.wait(cid)
    middle = sim.position
    wire.advance(1)  # a command at `middle` itself would belong to the rewound past
    wire.call(1, "produce", wire.produce_request("t", 0, [(b"k", b"second")]))
    fork = sim.rewind_to(middle)
    assert [c["client"] for c in fork.snapshot()["wire_clients"]] == ["gw-1"]
    assert fork.snapshot()["topics"][0]["partitions"][0]["log_end_offset"] == 1
    other = Wire(fork, connect=False)
    other.correlation_id = 10
    part = other.call(1, "produce", {"acks": -1, "topic_data": [{"name": "t", "partition_data": [
        {"index": 0, "records": [{"key": None, "value": b64(b"other")}]}]}]})
    assert part["responses"][0]["partition_responses"][0]["base_offset"] == 1
