"""Mystery levels: every cause of every level shows its symptom, its solution passes the
goal check, and its listed wrong fixes do not; the draw is seeded and the cause stays hidden."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator import Simulation
from simulator.scenarios import load_scenario, register_scenario_provider, validate_scenario
from simulator.tools import levels


def _seed_for(level_id: str, cause_id: str) -> int:
    for seed in range(2_000):
        if levels.draw_cause(level_id, seed)[0].id == cause_id:
            return seed
    raise AssertionError(f"no seed below 2000 draws {cause_id} in {level_id}")


PAIRS = [(lv.id, c.id) for lv in levels.LEVELS for c in lv.causes]


def test_there_are_at_least_twelve_levels_each_with_several_causes():
    assert len(levels.LEVELS) >= 12
    assert len({lv.id for lv in levels.LEVELS}) == len(levels.LEVELS)
    assert all(len(lv.causes) >= 2 for lv in levels.LEVELS)


@pytest.mark.parametrize("level_id,cause_id", PAIRS, ids=[f"{a}:{b}" for a, b in PAIRS])
def test_each_cause_is_staged_broken_and_fixed_only_by_a_right_fix(level_id, cause_id):
    seed = _seed_for(level_id, cause_id)
    staged = levels.stage(level_id, seed)
    assert staged.cause_id == cause_id
    validate_scenario(staged.scenario)
    broken = Simulation(staged.scenario, seed)
    broken.advance(staged.ticket_ms)
    assert not levels.check_goal(broken).passed, "the level is solved before any fix"
    result = levels.solved_by(level_id, seed)
    assert result.passed, [c for c in result.checks if not c.passed]
    assert staged.wrong_fixes
    for label, actions in staged.wrong_fixes:
        wrong = levels.solved_by(level_id, seed, list(actions))
        assert not wrong.passed, f"wrong fix {label!r} passed"


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(level_index=st.integers(0, len(levels.LEVELS) - 1),
       seed=st.integers(0, levels.MAX_SEED))
def test_every_seed_of_every_level_is_solvable_by_its_solution(level_index, seed):
    level_id = levels.LEVELS[level_index].id
    assert levels.solved_by(level_id, seed).passed


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(level_index=st.integers(0, len(levels.LEVELS) - 1),
       seed=st.integers(0, levels.MAX_SEED), wait_s=st.integers(0, 90))
def test_a_solution_applied_later_still_solves_and_the_wrong_fixes_still_fail(
        level_index, seed, wait_s):
    level_id = levels.LEVELS[level_index].id
    staged = levels.stage(level_id, seed)
    assert levels.solved_by(level_id, seed, wait_ms=wait_s * 1000).passed
    label, actions = staged.wrong_fixes[seed % len(staged.wrong_fixes)]
    assert not levels.solved_by(level_id, seed, list(actions), wait_ms=wait_s * 1000).passed


def test_the_same_level_and_seed_stage_the_same_cluster_and_every_cause_gets_drawn():
    for lv in levels.LEVELS:
        assert levels.stage(lv.id, 77).scenario == levels.stage(lv.id, 77).scenario
        drawn = {levels.draw_cause(lv.id, s)[0].id for s in range(200)}
        assert drawn == {c.id for c in lv.causes}


def test_the_scenario_name_round_trips_and_loads_through_the_provider():
    register_scenario_provider(list, levels.scenario_for_name)
    name = levels.scenario_name("stopped-at-1402", 123)
    assert name == "level-stopped-at-1402-123"
    assert levels.parse_scenario_name(name) == ("stopped-at-1402", 123)
    assert load_scenario(name) == validate_scenario(levels.stage("stopped-at-1402", 123).scenario)
    for bad in ("level-nope-1", "level-stopped-at-1402-99999999999", "level-stopped-at-1402-x",
                "playground", None):
        assert levels.parse_scenario_name(bad) is None
    with pytest.raises(ValueError):
        levels.scenario_name("stopped-at-1402", -1)


def test_what_a_page_may_show_never_names_the_cause_or_its_fix():
    for lv in levels.LEVELS:
        for seed in range(6):
            staged = levels.stage(lv.id, seed)
            shown = json.dumps(levels.public_level(lv.id, seed)) + json.dumps(staged.scenario)
            assert staged.cause_id not in shown
            assert staged.explanation not in shown
            for action in staged.solution:
                assert action.how not in shown


def test_check_goal_leaves_the_learners_simulation_alone():
    staged = levels.stage("v2-sees-nothing", 3)
    sim = Simulation(staged.scenario, 3)
    sim.advance(staged.ticket_ms)
    levels.apply_actions(sim, staged.solution)
    before = (sim.position, len(sim.history), json.dumps(sim.snapshot(), sort_keys=True))
    assert levels.check_goal(sim).passed
    assert (sim.position, len(sim.history), json.dumps(sim.snapshot(), sort_keys=True)) == before


def test_a_goal_result_says_which_check_failed():
    staged = levels.stage("idle-instance", _seed_for("idle-instance", "too-many-consumers"))
    sim = Simulation(staged.scenario, staged.seed)
    sim.advance(staged.ticket_ms)
    result = levels.check_goal(sim)
    failed = {c.name: c.detail for c in result.checks if not c.passed}
    assert "every instance has partitions" in failed and "idle: payment-4" in failed[
        "every instance has partitions"]
    assert result.to_dict()["passed"] is False


def test_check_goal_refuses_a_simulation_that_is_not_a_level():
    with pytest.raises(ValueError):
        levels.check_goal(Simulation())
