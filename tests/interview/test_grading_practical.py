"""Q2's practical is graded by the level engine's verdict, check by check."""

from __future__ import annotations


def test_practical_checks_follow_the_level_engines_verdict():
    from learnkafka.interview.grading.practical import grade_fix

    held = {"name": "stays stable for 30 s", "passed": True, "detail": "no rebalance"}
    broken = {"name": "reads every order", "passed": False, "detail": "27 never returned"}
    assert [c.passed for c in grade_fix({"passed": False, "checks": [held, broken]})] == [
        False, False]
    assert "not fixed" in grade_fix({"passed": False, "checks": [held]})[0].note
    assert [c.passed for c in grade_fix({"passed": True, "checks": [held]})] == [True]
    assert grade_fix({"passed": True, "checks": [held]})[0].id == "practical-stays-stable-for-30-s"
