"""Lesson content is data: every step parses, has text, a diagram, a scenario that
runs on the real simulator, and "try this" commands that simulator accepts."""

from pathlib import Path

import pytest

from learnkafka.components.diagrams import diagram_files
from learnkafka.lessons.content import ContentError, _parse_lesson, lesson_slugs, load_lesson
from simulator import Simulation, SimulationError
from simulator.commands import command_from_dict
from simulator.scenarios import load_scenario, scenario_names

REPO = Path(__file__).resolve().parents[2]
LESSON = load_lesson("kafka-basics")
STEPS = [step.slug for step in LESSON.steps]
SETTLE_MS = 5000  # long enough for consumer groups' first rebalance (3 s initial delay)


def test_the_kafka_basics_lesson_is_listed_and_has_seven_steps():
    assert "kafka-basics" in lesson_slugs()
    assert len(LESSON.steps) == 7
    assert LESSON.title and LESSON.summary


@pytest.mark.parametrize("slug", STEPS)
def test_every_step_has_text_a_diagram_module_and_its_component(slug):
    step = LESSON.step(slug)
    assert len(step.markdown_text.split()) > 80, "a step teaches in more than a caption"
    assert "<p>" in step.html
    assert (REPO / "static/js/diagrams" / f"{step.diagram}.js").is_file()
    files = diagram_files(step.diagram)
    assert f'data-diagram="{step.diagram}"' in files["html"].read_text()


@pytest.mark.parametrize("slug", STEPS)
def test_every_step_has_something_to_press(slug):
    step = LESSON.step(slug)
    assert step.try_this or step.controls


@pytest.mark.parametrize("slug", STEPS)
def test_every_scenario_exists_and_runs_without_rejected_commands(slug):
    step = LESSON.step(slug)
    assert step.scenario in scenario_names()
    sim = Simulation(load_scenario(step.scenario), seed=11)
    events = sim.advance(20_000)
    assert events, "a scenario that emits nothing teaches nothing"
    rejected = [e for e in events if e.kind == "command_rejected"]
    assert rejected == []


@pytest.mark.parametrize("slug", STEPS)
def test_try_this_commands_are_accepted_in_the_order_a_learner_presses_them(slug):
    """Run on the step's own scenario with the real simulator: each prompt (and each
    config control) is applied in page order, a few simulated seconds apart."""
    step = LESSON.step(slug)
    sim = Simulation(load_scenario(step.scenario), seed=11)
    sim.advance(SETTLE_MS)
    commands = [c for prompt in step.try_this for c in prompt.commands]
    commands += [option.command for row in step.controls for option in row.options]
    for command in commands:
        try:
            sim.apply(command_from_dict(dict(command)))
        except SimulationError as error:
            pytest.fail(f"{slug}: {command} refused: {error.code}: {error.message}")
        sim.advance(3000)


@pytest.mark.parametrize("slug", STEPS)
def test_each_checkpoint_names_a_question_in_the_lessons_quiz_bank(slug):
    from learnkafka.quizzes.banks import get_bank

    step = LESSON.step(slug)
    if step.checkpoint is None:
        pytest.skip("no checkpoint on this step")
    bank = get_bank(LESSON.slug)
    assert bank is not None
    assert bank.question(step.checkpoint) is not None


def test_malformed_content_is_refused_with_the_file_and_field_named(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "lesson.yaml").write_text(
        "slug: broken\ntitle: T\nsummary: S\nsteps:\n"
        "  - {slug: a, title: A, text: a.md, diagram: isr, scenario: lesson-isr,"
        " try: [{label: go, command: {no_type: 1}}]}\n"
    )
    (folder / "a.md").write_text("text")
    with pytest.raises(ContentError, match=r"step 1 try\[0\].*'type'"):
        _parse_lesson(folder)


def test_a_step_whose_markdown_file_is_missing_is_refused(tmp_path):
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "lesson.yaml").write_text(
        "slug: broken\ntitle: T\nsummary: S\nsteps:\n"
        "  - {slug: a, title: A, text: gone.md, diagram: isr, scenario: lesson-isr}\n"
    )
    with pytest.raises(ContentError, match="gone.md is missing"):
        _parse_lesson(folder)


def test_duplicate_step_slugs_are_refused(tmp_path):
    folder = tmp_path / "dup"
    folder.mkdir()
    (folder / "a.md").write_text("text")
    (folder / "lesson.yaml").write_text(
        "slug: dup\ntitle: T\nsummary: S\nsteps:\n"
        "  - {slug: a, title: A, text: a.md, diagram: isr, scenario: lesson-isr}\n"
        "  - {slug: a, title: B, text: a.md, diagram: isr, scenario: lesson-isr}\n"
    )
    with pytest.raises(ContentError, match="duplicate slug 'a'"):
        _parse_lesson(folder)


def test_a_step_turns_the_terminal_and_the_logs_on_with_true(tmp_path):
    folder = tmp_path / "lab"
    folder.mkdir()
    (folder / "a.md").write_text("text")
    (folder / "lesson.yaml").write_text(
        "slug: lab\ntitle: T\nsummary: S\nsteps:\n"
        "  - {slug: a, title: A, text: a.md, diagram: isr, scenario: lesson-isr,"
        " terminal: true, logs: true}\n"
        "  - {slug: b, title: B, text: a.md, diagram: isr, scenario: lesson-isr}\n"
    )
    first, second = _parse_lesson(folder).steps
    assert (first.terminal, first.logs) == (True, True)
    assert (second.terminal, second.logs) == (False, False)
    (folder / "lesson.yaml").write_text(
        "slug: lab\ntitle: T\nsummary: S\nsteps:\n"
        "  - {slug: a, title: A, text: a.md, diagram: isr, scenario: lesson-isr,"
        " terminal: 'yes'}\n"
    )
    with pytest.raises(ContentError, match="terminal must be true or false"):
        _parse_lesson(folder)
