"""The debugging lesson's content: each checklist step's scenario is a staged symptom
that exists and runs, and its "try this" commands are accepted once the symptom shows
(in page order, a few simulated seconds apart), with the real simulator."""

import pytest

from learnkafka.lessons.content import load_lesson
from simulator import Simulation, SimulationError
from simulator.commands import command_from_dict
from simulator.scenarios import load_scenario, scenario_names
from simulator.tools import debugging

LESSON = load_lesson("debug-consumer")
STEPS = [s.slug for s in LESSON.steps]


def _symptom_of(step):
    return debugging.symptom(step.scenario.removeprefix(debugging.SCENARIO_PREFIX))


@pytest.mark.parametrize("slug", STEPS)
def test_every_step_teaches_stages_a_symptom_and_has_a_terminal_and_logs(slug):
    step = LESSON.step(slug)
    assert len(step.markdown_text.split()) > 150
    assert "## Commands to run" in step.markdown_text
    assert "## What to look for" in step.markdown_text
    assert step.scenario in scenario_names() and step.scenario.startswith("symptom-")
    assert step.terminal and step.logs and step.diagram == "consumer-groups"
    assert step.try_this


@pytest.mark.parametrize("slug", STEPS)
def test_try_this_commands_are_accepted_once_the_symptom_shows(slug):
    step = LESSON.step(slug)
    sim = Simulation(load_scenario(step.scenario), seed=11)
    sim.advance(_symptom_of(step)["observe_at_ms"])
    for prompt in step.try_this:
        for command in prompt.commands:
            if step.slug == "auto-offset-reset" and command["type"] == "reset_offsets":
                sim.advance(1_000)  # after the stop, as the hint says
            try:
                sim.apply(command_from_dict(dict(command)))
            except SimulationError as error:
                pytest.fail(f"{slug}: {command} refused: {error.code}: {error.message}")
        sim.advance(3_000)


def test_the_steps_follow_the_guides_checklist_and_say_where_the_guide_is_dated():
    text = " ".join(s.markdown_text for s in LESSON.steps)
    assert text.count('!!! dated "Newer than the guide"') >= 4
    assert "GetOffsetShell" in text and "kafka-get-offsets" in text
