"""Scenarios are loaded from wherever they are given: a path, or a name in a registered folder."""

import pytest

from simulator import SimulationError, scenarios
from simulator.scenarios import load_scenario, register_scenario_dir, scenario_names

SMALL = "cluster: {brokers: 1, controllers: 1}\ntopics: [{name: t}]\n"


@pytest.fixture
def folders(monkeypatch):
    """The registry of folders, restored after the test."""
    monkeypatch.setattr(scenarios, "SCENARIO_DIRS", list(scenarios.SCENARIO_DIRS))
    return scenarios.SCENARIO_DIRS


def test_a_registered_folder_is_searched_by_name(tmp_path, folders):
    (tmp_path / "my-course.yaml").write_text(SMALL)
    assert "my-course" not in scenario_names()
    register_scenario_dir(tmp_path)
    register_scenario_dir(tmp_path)  # registering twice changes nothing
    assert folders.count(tmp_path.resolve()) == 1
    assert "my-course" in scenario_names()
    assert load_scenario("my-course")["topics"] == [{"name": "t"}]
    assert load_scenario("playground")["name"] == "playground"  # the engine's own still found


def test_a_path_needs_no_registration(tmp_path, folders):
    path = tmp_path / "loose.yaml"
    path.write_text(SMALL)
    assert load_scenario(str(path))["name"] == "loose"


def test_a_name_in_two_folders_is_an_error_not_a_silent_shadow(tmp_path, folders):
    (tmp_path / "playground.yaml").write_text(SMALL)
    register_scenario_dir(tmp_path)
    with pytest.raises(SimulationError) as caught:
        load_scenario("playground")
    assert caught.value.code == "ambiguous_scenario"


def test_an_unknown_name_or_folder_is_refused(tmp_path, folders):
    with pytest.raises(SimulationError) as caught:
        load_scenario("no-such-scenario")
    assert caught.value.code == "unknown_scenario"
    with pytest.raises(SimulationError):
        register_scenario_dir(tmp_path / "missing")


def test_the_lessons_register_their_own_scenarios():
    # pytest-django has set Django up, so the lessons app's ready() has run.
    from learnkafka.lessons.content import CONTENT_DIR

    assert "lesson-isr" in scenario_names()
    assert not list(scenarios.HERE.glob("lesson-*.yaml"))  # lesson content is not the engine's
    assert (CONTENT_DIR / "kafka-basics" / "scenarios" / "lesson-isr.yaml").is_file()
