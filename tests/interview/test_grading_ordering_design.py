"""Ordering phases (the six steps, the handler's steps) and the Q3 design are graded."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from learnkafka.interview.grading import Check, InvalidAnswer
from learnkafka.interview.grading.design import SAFEGUARDS, STEP_ORDER, grade_design, parse_design
from learnkafka.interview.grading.ordering import grade_order, in_order_steps
from learnkafka.interview.questions import MESSAGE_FLOW

FLOW = list(MESSAGE_FLOW)
BASE = Check(id="flow", label="", passed=True, dimension="fundamentals", lesson="kafka-basics",
             step="message-flow")


def grade(order):
    return grade_order(order, FLOW, labels=MESSAGE_FLOW, check_base=BASE)


def test_the_right_order_passes_every_step():
    assert all(c.passed for c in grade(FLOW))
    assert len(grade(FLOW)) == 6


def test_one_step_moved_costs_one_step_only():
    order = ["ack", "serialize", "send", "append", "replicate", "consume"]
    missed = [c.id for c in grade(order) if not c.passed]
    assert missed == ["flow-ack"]


def test_the_reverse_order_keeps_only_one_step():
    assert sum(c.passed for c in grade(list(reversed(FLOW)))) == 1


@pytest.mark.parametrize("bad", [FLOW[:5], FLOW + ["serialize"], FLOW[:5] + ["bogus"], None])
def test_an_order_that_is_not_the_six_steps_once_is_refused(bad):
    with pytest.raises(InvalidAnswer):
        grade(bad)


def _lis_length(seq: list[int]) -> int:
    best = [1] * len(seq)
    for i in range(len(seq)):
        for j in range(i):
            if seq[j] < seq[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


@settings(deadline=None)  # a loaded shared machine: no per-example deadline
@given(st.permutations(FLOW))
def test_credit_is_the_longest_run_already_in_order(order):
    kept = in_order_steps(list(order), FLOW)
    ranks = [FLOW.index(s) for s in order]
    assert len(kept) == _lis_length(ranks)
    kept_ranks = [FLOW.index(s) for s in order if s in kept]
    assert kept_ranks == sorted(kept_ranks)


def design(**overrides):
    base = {"order": list(STEP_ORDER), "one_transaction": True, "unique_key": True,
            "safeguards": [s.id for s in SAFEGUARDS if s.good]}
    base.update(overrides)
    return parse_design(base["order"], base["one_transaction"], base["unique_key"],
                        base["safeguards"])


def test_the_guides_design_passes_every_check():
    checks = grade_design(design())
    assert all(c.passed for c in checks), [c.id for c in checks if not c.passed]
    assert {c.lesson for c in checks} == {"payment-idempotency"}
    assert {c.step for c in checks} <= {"problem", "solution", "store", "race", "safeguards",
                                        "layers", "ttl", "outbox"}


def test_processing_before_the_claim_and_no_transaction_fail():
    checks = {c.id: c for c in grade_design(design(
        order=["check", "process", "claim", "mark"], one_transaction=False))}
    assert not checks["design-transaction"].passed
    assert sum(not c.passed for k, c in checks.items() if k.startswith("design-order")) == 1


def test_traps_picked_and_no_unique_constraint_fail_with_why():
    checks = {c.id: c for c in grade_design(design(
        unique_key=False, safeguards=["publish-after-commit", "server-key", "ttl"]))}
    assert not checks["design-unique"].passed
    assert not checks["design-publish-after-commit"].passed
    assert "outbox" in checks["design-publish-after-commit"].note
    assert not checks["design-server-key"].passed
    assert not checks["design-race-guard"].passed
    assert not checks["design-outbox"].passed
    assert checks["design-ttl"].passed


def test_unknown_safeguards_are_refused():
    with pytest.raises(InvalidAnswer):
        design(safeguards=["magic"])
