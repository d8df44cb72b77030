"""Lesson 3's diagrams read the model the browser folds from real payments events.

Each case runs a step's own scenario and "try this" commands on the real
simulator, folds the events through static/js/live/store.js in Node
(tests/lessons/js/payments-fold.mjs) and checks what the diagram will draw:
the double deduction and 500 -> 400 -> 300, the cached reply, the rows'
statuses, the race's verdict and each safeguard's story; and that the folded
model agrees with one built from a fresh snapshot on everything a snapshot
carries.
"""
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from simulator import Simulation
from simulator.commands import command_from_dict
from simulator.events import event_to_dict
from simulator.scenarios import load_scenario

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")

FOLD = Path(__file__).resolve().parent / "js" / "payments-fold.mjs"
LOST = {"type": "drop_messages", "target": "client:shop", "message_kind": "pay_response"}


def snapshot_message(sim, scenario):
    return {"type": "snapshot", "seq": 1, "now_ms": sim.now_ms, "speed": 1, "playing": True,
            "scenario": scenario, "state": sim.snapshot()}


def fold(scenario: str, script: list, tmp_path) -> dict:
    """Run `script` ([command dict | ms to advance]) and fold its events in Node."""
    sim = Simulation(load_scenario(scenario), seed=5)
    sim.advance(1000)
    first = snapshot_message(sim, scenario)
    frames = []
    for item in script:
        events = sim.advance(item) if isinstance(item, int) else sim.apply(command_from_dict(item))
        frames.append({"type": "events", "now_ms": sim.now_ms,
                       "events": [event_to_dict(e) for e in events]})
    path = tmp_path / "transcript.json"
    path.write_text(json.dumps({"first": first, "frames": frames,
                                "last": snapshot_message(sim, scenario)}))
    out = subprocess.run(["node", str(FOLD), str(path)], capture_output=True, text=True,
                         timeout=60, check=True)
    return json.loads(out.stdout)


def rows(model):
    return sorted((r["idempotency_key"], r.get("pending_status") or r["status"])
                  for r in model["store"].values())


def assert_folded_equals_fresh(view):
    folded, fresh = view["folded"], view["fresh"]
    for field in ("settings", "balances", "charges", "doubleCharges", "service", "race"):
        assert folded[field] == fresh[field], field
    assert rows(folded) == rows(fresh)


def test_problem_the_retry_deducts_again_500_400_300(tmp_path):
    view = fold("lesson-pay-problem", [LOST, {"type": "pay", "amount": 100}, 15000], tmp_path)
    p = view["folded"]
    assert p["balanceHistory"]["alice"] == [500, 400, 300]
    assert p["doubleCharges"] == 1
    kinds = [r["type"] for r in p["sequence"]]
    assert kinds.count("request") == 2 and "timeout" in kinds
    lost = [r for r in p["sequence"] if r["type"] == "response" and r.get("lost")]
    assert len(lost) == 1, "the first answer is drawn as lost in the network"
    assert [r["label"] for r in p["sequence"] if r["type"] == "charge"][-1] == "DOUBLE DEDUCTION!"
    assert p["lastStep"]["line"] == "respond"
    assert "check" not in view["linesInPlay"], "no key: the code panel folds the key lines away"
    assert_folded_equals_fresh(view)


def test_solution_the_retry_gets_the_cached_reply_and_the_balance_stays_400(tmp_path):
    view = fold("lesson-pay-solution", [LOST, {"type": "pay", "amount": 100}, 15000], tmp_path)
    p = view["folded"]
    assert p["balanceHistory"]["alice"] == [500, 400]
    assert p["doubleCharges"] == 0
    assert [r["cached"] for r in p["responses"]] == [True]
    assert any(r["type"] == "db" and r["outcome"] == "found_success" for r in p["sequence"])
    assert rows(p)[0][1] == "SUCCESS"
    assert {"check", "claim", "mark_success"} <= set(view["linesInPlay"])
    assert_folded_equals_fresh(view)


def test_store_rows_go_processing_then_success_or_failed(tmp_path):
    view = fold("lesson-pay-store", [{"type": "pay", "amount": 100}, 2500], tmp_path)
    assert [s for _, s in rows(view["folded"])] == ["PROCESSING"]
    view = fold("lesson-pay-store", [{"type": "pay", "amount": 100}, 20000,
                                     {"type": "pay", "amount": 900}, 20000], tmp_path)
    assert sorted(s for _, s in rows(view["folded"])) == ["FAILED", "SUCCESS"]
    assert_folded_equals_fresh(view)


@pytest.mark.parametrize("variant, charges, tone", [("key_no_unique", 2, "is-double"),
                                                     ("key_unique", 1, "is-ok")])
def test_race_the_guides_interleaving_with_and_without_unique(tmp_path, variant, charges, tone):
    view = fold("lesson-pay-race", [
        {"type": "payments_configure", "settings": {"variant": variant}},
        {"type": "race_preset", "preset": "guide"}, 2000], tmp_path)
    race = view["folded"]["races"][-1]
    assert race["charges"] == charges and race["done"]
    assert view["race"]["verdict"]["tone"] == tone
    steps = [s["outcome"] for t in race["threads"].values() for s in t["steps"]]
    assert steps.count("not_found") == 2, "both threads' checks found nothing"
    assert ("duplicate_key" in steps) == (variant == "key_unique")
    assert_folded_equals_fresh(view)


def test_race_stepped_by_hand_keeps_each_threads_lines_in_its_lane(tmp_path):
    script = [{"type": "race_start", "threads": 2}]
    script += [{"type": "race_step", "thread": t} for t in "ABAB"]
    view = fold("lesson-pay-race", script, tmp_path)
    race = view["folded"]["races"][-1]
    assert view["folded"]["race"] == ["A", "B"]
    assert [s["line"] for s in race["threads"]["A"]["steps"]] == ["begin", "check"]
    assert [s["line"] for s in race["threads"]["B"]["steps"]] == ["begin", "check"]
    assert not race["done"]


@pytest.mark.parametrize("settings, column, stories", [
    ({"safeguard": "none"}, "none", ["CHARGED", "duplicate key"]),
    ({"variant": "key_no_unique", "safeguard": "for_update_key_row"}, "for_update_key_row",
     ["CHARGED", "CHARGED"]),  # the trap: FOR UPDATE on a row that is not there locks nothing
    ({"variant": "key_no_unique", "safeguard": "for_update"}, "for_update",
     ["CHARGED", "cached reply"]),
    ({"variant": "key_no_unique", "safeguard": "redis_setnx"}, "redis_setnx",
     ["CHARGED", "already locked"]),
    ({"variant": "key_no_unique", "safeguard": "advisory_lock"}, "advisory_lock",
     ["CHARGED", "cached reply"]),
], ids=["unique", "for-update-key-row", "for-update-account", "setnx", "advisory"])
def test_safeguards_each_column_tells_what_the_second_thread_met(tmp_path, settings, column,
                                                                 stories):
    view = fold("lesson-pay-safeguards", [
        {"type": "payments_configure", "settings": settings},
        {"type": "race_preset", "preset": "guide"}, 5000], tmp_path)
    assert view["race"]["column"] == column
    got = sorted(s["what"] for s in view["race"]["stories"].values())
    assert got == sorted(stories), got
    if column in ("for_update", "advisory_lock", "none"):
        waits = [s for s in view["race"]["stories"].values() if s["waited"] is not None]
        assert waits and waits[0]["waitedFor"], "B waited, and the column says for whom"
    assert ("lock_key_row" in view["linesInPlay"]) == (column == "for_update_key_row")
