"""The browser's model never drifts from the engine's: for random command and
fault schedules, the model folded from the event stream (static/js/live/store.js)
draws the same picture as one built from a fresh snapshot at the same moment,
for every field a diagram draws (tests/lessons/js/fold-check.mjs lists them).

The simulator generates the transcript here; Node folds it. This is a Node test
of browser code, not a Chromium one, so it runs in the fast suite. It is the
test that would have caught issue 9's "new leader shows HW 0" bug.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation, SimulationError
from simulator.events import event_to_dict
from simulator.scenarios import load_scenario

REPO = Path(__file__).resolve().parents[2]
CHECK = REPO / "tests" / "lessons" / "js" / "fold-check.mjs"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")

BROKERS = st.integers(1, 3)
CONSUMERS = st.sampled_from(["1a", "2a", "1b", "1c", "2b"])
COMMANDS = st.one_of(
    st.builds(lambda p, k, n: {"type": "produce", "producer": p, "topic": "orders", "key": k,
                               "value": "v", "count": n},
              st.sampled_from(["A", "B"]), st.sampled_from([None, "k1", "k2", "customer-42"]),
              st.integers(1, 4)),
    st.builds(lambda b: {"type": "crash_broker", "broker": b}, BROKERS),
    st.builds(lambda b: {"type": "restart_broker", "broker": b}, BROKERS),
    st.builds(lambda b, ms: {"type": "slow_broker", "broker": b, "slow_ms": ms}, BROKERS,
              st.sampled_from([0, 40_000])),
    st.builds(lambda b: {"type": "isolate_broker", "broker": b}, BROKERS),
    st.builds(lambda b: {"type": "reconnect_broker", "broker": b}, BROKERS),
    st.builds(lambda c: {"type": "crash_controller", "controller": c}, st.integers(1, 3)),
    st.builds(lambda c: {"type": "restart_controller", "controller": c}, st.integers(1, 3)),
    st.builds(lambda c: {"type": "add_consumer", "consumer": c, "group": c[0],
                         "topics": ["orders"]},
              CONSUMERS),
    st.builds(lambda c: {"type": "remove_consumer", "consumer": c}, CONSUMERS),
    st.builds(lambda c: {"type": "crash_consumer", "consumer": c}, CONSUMERS),
    st.builds(lambda c: {"type": "restart_consumer", "consumer": c}, CONSUMERS),
    st.builds(lambda ms: {"type": "alter_topic_config", "topic": "orders",
                          "configs": {"retention.ms": ms, "segment.ms": 1_000}},
              st.sampled_from([2_000, 604_800_000])),
    st.builds(lambda e: {"type": "elect_leaders", "topic": "orders", "election": e},
              st.sampled_from(["preferred", "unclean"])),
    st.builds(lambda n: {"type": "create_topic", "topic": "t2", "partitions": n,
                         "replication_factor": 2}, st.integers(1, 3)),
    st.just({"type": "delete_topic", "topic": "t2"}),
    st.builds(lambda c, n: {"type": "set_consumer_config", "consumer": c,
                            "configs": {"max.poll.records": n}}, CONSUMERS, st.integers(1, 5)),
    st.builds(lambda c: {"type": "commit_offsets", "consumer": c}, CONSUMERS),
    st.builds(lambda a: {"type": "remove_producer", "producer": "B"} if a is None else
              {"type": "add_producer", "producer": "B", "configs": {"acks": a}},
              st.sampled_from([None, "0", "1", "all"])),
)
SCHEDULE = st.lists(st.tuples(st.one_of(st.none(), COMMANDS),
                              st.sampled_from([0, 33, 250, 1_000, 5_000, 12_000, 35_000])),
                    min_size=1, max_size=10)


def snapshot_message(sim):
    return {"type": "snapshot", "seq": 1, "now_ms": sim.now_ms, "speed": 1, "playing": True,
            "scenario": "playground", "state": sim.snapshot()}


def transcript_for(schedule, seed):
    """Play `schedule` ([(command or None, ms to advance after it)]) and record,
    after every step, the events frame and a fresh snapshot."""
    sim = Simulation(load_scenario("playground"), seed=seed)
    sim.advance(2_000)
    first = snapshot_message(sim)
    steps = []
    for command, advance_ms in schedule:
        events = []
        if command is not None:
            try:
                events += sim.apply(command)
            except SimulationError:
                pass  # refused (e.g. restarting a running broker): nothing changed
        events += sim.advance(advance_ms)
        steps.append({"frame": {"type": "events", "seq": 2, "now_ms": sim.now_ms,
                                "events": [event_to_dict(e) for e in events]},
                      "snapshot": snapshot_message(sim)})
    return {"first": first, "steps": steps}


def fold_problems(transcript, tmp_path):
    path = tmp_path / "transcript.json"
    path.write_text(json.dumps(transcript))
    result = subprocess.run(["node", str(CHECK), str(path)], capture_output=True, text=True,
                            timeout=60, cwd=REPO)
    report = json.loads(result.stdout)
    assert result.returncode in (0, 1), result.stderr
    return report


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(schedule=SCHEDULE, seed=st.integers(0, 1_000))
def test_the_folded_model_draws_what_a_fresh_snapshot_draws(schedule, seed, tmp_path):
    report = fold_problems(transcript_for(schedule, seed), tmp_path)
    assert report["problems"] == [], json.dumps(report, indent=1)[:4000]


def test_a_new_leader_shows_its_high_watermark_at_once(tmp_path):
    """Issue 9 bug 1, as a learner met it: crash the leader of a written
    partition; the new leader's HW is right before the next write."""
    schedule = [({"type": "produce", "producer": "A", "topic": "orders", "key": "k1",
                  "value": "v", "count": 3}, 2_000),
                ({"type": "crash_broker", "broker": 1}, 12_000),
                ({"type": "crash_broker", "broker": 2}, 12_000),
                (None, 1_000)]
    transcript = transcript_for(schedule, seed=3)
    last = transcript["steps"][-1]["snapshot"]["state"]
    moved = [p for t in last["topics"] if t["name"] == "orders" for p in t["partitions"]
             if p["leader"] not in (None, p["replicas"][0]) and p["high_watermark"] > 0]
    assert moved, "the schedule did not move a written partition's leadership"
    report = fold_problems(transcript, tmp_path)
    assert report["problems"] == [], json.dumps(report, indent=1)[:4000]
