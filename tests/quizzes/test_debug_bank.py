"""The Q2 bank (debug-consumer): at least 25 questions of every type, following the
guide's Q2 answer structure; the checklist as an ordering question; commands and config
names as short answers; and its "read this output" questions show text the simulator's
own CLI printed for randomly drawn clusters, graded from the same simulation.
(tests/quizzes/test_content.py also checks every question of this bank parses, has an
answer the grader accepts and an explanation, and that its scenarios run.)"""

import random
from collections import Counter

import pytest

from learnkafka.quizzes import banks, scenarios
from learnkafka.quizzes.questiontypes import TYPES

BANK = banks.get_bank("debug-consumer")
SIM_GENERATORS = ["describe-diagnosis", "offsets-diagnosis", "reset-offsets-outcome",
                  "poll-loop-outcome", "blocked-producer-replica"]


def test_the_bank_has_at_least_25_questions_with_every_question_type():
    assert BANK is not None and len(BANK.questions) >= 25
    assert set(Counter(q.type for q in BANK.questions)) == set(TYPES)


def test_the_sections_follow_the_guides_q2_answer_structure_and_none_is_empty():
    assert [s.id for s in BANK.sections] == ["approach", "producer", "group", "lag",
                                             "offset-reset", "rebalancing", "deserialization",
                                             "beyond", "cli"]
    assert all(section.questions for section in BANK.sections)


def test_the_checklist_is_an_ordering_question_in_the_guides_order():
    question = BANK.question("checklist-order")
    assert question.type == "ordering"
    assert [i["id"] for i in question.spec["items"]] == [
        "producer", "group-id", "lag", "assignment", "reset", "rebalancing",
        "deserialization", "acls", "retention"]


def test_commands_and_config_names_are_short_answers():
    answers = {q.spec["answer"] for q in BANK.questions if q.type == "short_answer"}
    for expected in ("kafka-get-offsets.sh", "--list", "--execute", "max.poll.interval.ms",
                     "latest", "kafka-acls.sh", "--state"):
        assert expected in answers


def test_every_lesson_step_checkpoint_names_a_question_of_this_bank():
    from learnkafka.lessons.content import load_lesson

    for step in load_lesson("debug-consumer").steps:
        assert step.checkpoint and BANK.question(step.checkpoint) is not None, step.slug


@pytest.mark.parametrize("name", ["describe-diagnosis", "offsets-diagnosis"])
def test_read_this_output_shows_the_simulators_cli_text_and_every_diagnosis_occurs(name):
    generator = scenarios.get(name)
    answers = set()
    for i in range(12):
        params = generator.draw(random.Random(i))
        text = generator.setup_text(params)
        assert "$ kafka-" in text and "```" in text
        assert "GROUP" in text or "orders:0:" in text  # the tool's own output, not a summary
        outcome = generator.run(params, seed=i)
        assert outcome["answer"] in {c["id"] for c in generator.choices(params)}
        answers.add(outcome["answer"])
    assert answers == {c["id"] for c in generator.CHOICES}


def test_read_this_output_varies_with_the_drawn_parameters():
    generator = scenarios.get("describe-diagnosis")
    texts = {generator.setup_text(generator.draw(random.Random(i))) for i in range(6)}
    assert len(texts) > 3


def test_the_describe_grader_reads_the_simulation_not_the_parameters():
    """The classifier looks at the group's state: a stuck group is recognised as stuck
    from its frozen committed offsets, whatever the parameters said."""
    from learnkafka.quizzes.scenarios import describe_diagnosis as d

    member = {"assignment": [["orders", 0]]}
    frozen = {"members": [member], "lag": {"orders-0": 4}, "committed": {"orders-0": 1}}
    assert d.classify(frozen, frozen) == "stuck"
    moving = {**frozen, "committed": {"orders-0": 2}}
    assert d.classify(frozen, moving) == "caught-up"
    assert d.classify(frozen, {**frozen, "members": []}) == "no-members"
    assert d.classify(frozen, {**frozen, "members": [member, {"assignment": []}]}) == \
        "idle-member"


def test_predicting_a_reset_needs_the_group_to_be_empty_and_execute_to_change_anything():
    generator = scenarios.get("reset-offsets-outcome")
    seen = {}
    for running in (0, 1, 2):
        for mode in ("dry-run", "execute"):
            params = {"running": running, "to": "earliest", "mode": mode}
            seen[(running, mode)] = generator.run(params, seed=3)["answer"]
    assert seen[(1, "execute")] == seen[(2, "execute")] == "refused"
    assert seen[(0, "execute")] == "reset"
    assert seen[(0, "dry-run")] == "plan-only"


def test_the_poll_loop_prediction_is_what_the_simulator_did():
    generator = scenarios.get("poll-loop-outcome")
    slow = {"records": 100, "per_record_ms": 1_000, "interval_ms": 15_000}
    quick = {"records": 10, "per_record_ms": 200, "interval_ms": 60_000}
    assert generator.run(slow, seed=1)["answer"] == "loop"
    assert generator.run(quick, seed=1)["answer"] == "fine"


def test_every_simulator_generator_of_the_bank_is_registered_and_used():
    used = {q.spec.get("scenario") for q in BANK.questions}
    for name in SIM_GENERATORS:
        assert scenarios.get(name) is not None and name in used
