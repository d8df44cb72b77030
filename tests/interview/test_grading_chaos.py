"""Q3's chaos run: the candidate's design runs in the payments simulator, charges are counted."""

from __future__ import annotations

import pytest

from learnkafka.interview.grading.chaos import grade_chaos, run_chaos, simulator_design
from learnkafka.interview.grading.design import SAFEGUARDS, STEP_ORDER

RIGHT = {"order": list(STEP_ORDER), "one_transaction": True, "unique_key": True,
         "safeguards": [s.id for s in SAFEGUARDS if s.good]}


def test_the_guides_design_charges_once_and_loses_nothing():
    report = run_chaos(RIGHT, seed=3)
    assert len(report["faults_fired"]) >= 4  # timeout, producer retry, rebalance, crash
    assert (report["duplicate_charges"], report["lost_charges"], report["duplicate_events"],
            report["lost_events"]) == (0, 0, 0, 0)
    assert all(c.passed for c in grade_chaos(report))


def test_a_design_with_a_fresh_key_per_request_charges_retries_again():
    wrong = {**RIGHT, "safeguards": ["server-key", "publish-after-commit"]}
    assert simulator_design(wrong).variant == "no_key"
    report = run_chaos(wrong, seed=3)
    assert report["duplicate_charges"] > 0
    checks = {c.id: c for c in grade_chaos(report)}
    assert not checks["chaos-duplicate-charges"].passed
    assert str(report["duplicate_charges"]) in checks["chaos-duplicate-charges"].note
    assert checks["chaos-duplicate-charges"].step == "race"


def test_without_the_outbox_the_crash_between_commit_and_publish_loses_an_event():
    report = run_chaos({**RIGHT, "safeguards": ["select-for-update", "gateway-cache",
                                                "producer-idempotence", "ttl"]}, seed=3)
    assert report["lost_events"] > 0 and report["duplicate_charges"] == 0
    assert not {c.id: c for c in grade_chaos(report)}["chaos-lost-events"].passed


def test_processing_before_the_check_is_no_protection():
    design = {**RIGHT, "order": ["process", "check", "claim", "mark"]}
    assert simulator_design(design).variant == "no_key"
    assert simulator_design(design).safeguard == "none"


@pytest.mark.parametrize("boxes, variant, scope", [
    ((True, True), "key_unique", "one_transaction"),
    ((False, False), "key_no_unique", "claim_committed_first"),
])
def test_the_boxes_map_to_the_simulators_settings(boxes, variant, scope):
    unique, one = boxes
    sim = simulator_design({**RIGHT, "unique_key": unique, "one_transaction": one})
    assert (sim.variant, sim.transaction_scope) == (variant, scope)
    assert sim.safeguard == "for_update" and sim.outbox and sim.gateway_cache


def test_the_same_design_and_seed_meet_the_same_faults():
    assert run_chaos(RIGHT, seed=5) == run_chaos(RIGHT, seed=5)

