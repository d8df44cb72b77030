"""Golden transcripts of consumer stories, in the simulator's golden format.

The files in ``golden/`` use the format of ``tests/simulator/golden_transcripts.py``
(seed, until_ms, scenario, timed commands, then the expected events), but list
only consumer and group events: network hops and replica bookkeeping are left
out so a rebalance reads as a story and a diff shows what changed in it.
After an intended change, regenerate and review the diff:

    GOLDEN_REWRITE=1 .venv/bin/python -m pytest tests/simulator/consumers/test_golden.py
"""

import importlib.util
import json
import os
from pathlib import Path

import pytest

from simulator import Simulation
from simulator.events import event_to_dict

HERE = Path(__file__).parent / "golden"
CASES = sorted(HERE.glob("*.txt"))
_spec = importlib.util.spec_from_file_location(
    "simulator_golden_format", Path(__file__).parents[1] / "golden_transcripts.py"
)
golden_format = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(golden_format)

KINDS = {
    "consumer_added",
    "consumer_removed",
    "consumer_crashed",
    "consumer_restarted",
    "consumer_subscribed",
    "consumer_config_changed",
    "consumer_status_changed",
    "group_coordinator_found",
    "group_state_changed",
    "member_joined",
    "member_removed",
    "assignment_changed",
    "heartbeat_answered",
    "poll_timeout_expired",
    "consumer_position_changed",
    "records_processed",
    "offset_committed",
    "commit_failed",
    "consumer_error",
    "consumer_error_cleared",
    "acls_changed",
    "offsets_expired",
}


def run(case: dict) -> list[str]:
    header = case["header"]
    sim = Simulation(header["scenario"], seed=header["seed"])
    events = list(sim.setup_events)
    for at, command in case["commands"]:
        events += sim.advance(at - sim.now_ms)
        events += sim.apply(command)
    events += sim.advance(header["until_ms"] - sim.now_ms)
    return [json.dumps(event_to_dict(e), separators=(",", ":")) for e in events if e.kind in KINDS]


def test_there_are_consumer_transcripts():
    assert {p.stem for p in CASES} >= {"rebalance", "poll-timeout-loop"}


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_a_consumer_story_replays_to_exactly_its_events(path):
    case = golden_format.parse(path)
    actual = run(case)
    if os.environ.get("GOLDEN_REWRITE"):
        path.write_text(golden_format.render(case, actual), encoding="utf-8")
        return
    assert case["events"], f"{path.name} has no expected events: regenerate it"
    for i, (want, got) in enumerate(zip(case["events"], actual, strict=False)):
        assert got == want, f"{path.name}: event {i} differs"
    assert len(actual) == len(case["events"])
