"""Free-text answers are graded by the candidate's pointed-at words; CLI lines by running them."""

from __future__ import annotations

import pytest

from learnkafka.interview.grading import InvalidAnswer
from learnkafka.interview.grading.cli_commands import (
    REFUSALS,
    grade_commands,
    parse_lines,
    run_lines,
)
from learnkafka.interview.grading.rubric import grade_marks
from learnkafka.interview.questions import Q1, Q2, Q3, QUESTIONS

DEFINITION = list(Q1.phase("definition").rubric)
TEXT = "Kafka is a distributed commit log. Producers write to brokers and consumers read."


def marks(**quotes):
    return {k.replace("_", "-"): {"quote": v, "start": None} for k, v in quotes.items()}


def test_every_claimed_point_backed_by_its_words_passes():
    checks = grade_marks(TEXT, marks(opens="Kafka is a distributed commit log",
                                     commit_log="commit log", distributed="distributed",
                                     parts="Producers write to brokers and consumers"), DEFINITION)
    assert [c.passed for c in checks] == [True] * 4
    assert "You said" in checks[1].note


def test_unclaimed_points_fail_and_link_their_lesson_step():
    checks = {c.id: c for c in grade_marks(TEXT, marks(commit_log="commit log"), DEFINITION)}
    assert checks["commit-log"].passed
    assert not checks["parts"].passed
    assert (checks["parts"].lesson, checks["parts"].step) == ("kafka-basics", "architecture")


def test_words_not_in_the_answer_are_refused():
    with pytest.raises(InvalidAnswer, match="not in your answer"):
        grade_marks(TEXT, marks(commit_log="an event log"), DEFINITION)


def test_words_that_do_not_name_the_point_are_refused():
    with pytest.raises(InvalidAnswer, match="do not say it"):
        grade_marks(TEXT, marks(commit_log="Producers"), DEFINITION)


def test_a_point_needing_three_parts_refuses_two():
    with pytest.raises(InvalidAnswer, match="3 of"):
        grade_marks(TEXT, marks(parts="Producers write to brokers"), DEFINITION)


def test_an_opening_point_must_be_met_in_the_first_sentence():
    late = "Well. Kafka is a distributed commit log."
    with pytest.raises(InvalidAnswer, match="first sentence"):
        grade_marks(late, marks(opens="Kafka is a distributed commit log"), DEFINITION)


def test_the_start_offset_picks_the_occurrence_the_candidate_selected():
    text = "Well, it varies. Kafka is a log. A log again."
    at = text.rindex("log")
    checks = grade_marks(text, {"commit-log": {"quote": "log", "start": at}}, DEFINITION)
    assert checks[1].passed
    # a wrong offset falls back to the first occurrence rather than trusting it
    assert grade_marks(text, {"commit-log": {"quote": "log", "start": 2}}, DEFINITION)[1].passed


def test_unknown_points_and_empty_answers_are_refused():
    with pytest.raises(InvalidAnswer):
        grade_marks(TEXT, marks(bogus="Kafka"), DEFINITION)
    with pytest.raises(InvalidAnswer):
        grade_marks("   ", {}, DEFINITION)


def test_every_rubric_point_of_every_question_is_met_by_its_model_answer():
    """The model answers say what the rubric asks for: each point's terms are in it."""
    from learnkafka.interview.grading.rubric import terms_named

    for question in QUESTIONS.values():
        for phase in question.phases:
            for point in phase.rubric:
                named = terms_named(phase.model_answer, point)
                assert len(named) >= point.min_terms, (phase.slug, point.id)


GOOD = """kafka-get-offsets.sh --bootstrap-server broker-1:9092 --topic orders
kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --describe --group payment-service
kafka-topics.sh --bootstrap-server broker-1:9092 --describe --topic orders
kafka-acls.sh --bootstrap-server broker-1:9092 --list --topic orders
kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --group payment-service \
--topic orders --reset-offsets --to-earliest --execute"""


def test_the_full_command_set_passes_every_cli_check():
    checks = grade_commands(run_lines(parse_lines(GOOD)))
    assert all(c.passed for c in checks), [c.id for c in checks if not c.passed]
    assert {c.dimension for c in checks} == {"cli"}


def test_commands_run_against_the_staged_cluster_print_kafkas_output():
    runs = run_lines(["kafka-get-offsets.sh --bootstrap-server broker-1:9092 --topic orders"])
    assert runs[0]["output"].splitlines()[0].startswith("orders:0:")


def test_the_dated_getoffsetshell_and_missing_options_are_refused():
    runs = run_lines([
        "kafka-run-class kafka.tools.GetOffsetShell --broker-list localhost:9092 --topic orders",
        "kafka-consumer-groups.sh --describe --group payment-service",
        "kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --describe",
    ])
    assert [r["accepted"] for r in runs] == [False, False, False]
    checks = {c.id: c for c in grade_commands(runs)}
    assert not checks["cli-accepted"].passed and "kafka-get-offsets" in checks["cli-accepted"].note
    assert not checks["cli-producer"].passed and not checks["cli-group"].passed


def test_refusal_prefixes_match_what_the_simulators_cli_prints():
    """Each refusal the grader knows is one the CLI really prints for a bad line."""
    bad = ["kafka-nope.sh", "kafka-topics.sh --bootstrap-server broker-1:9092",
           "kafka-topics.sh --describe", "kafka-topics.sh --bootstrap-server nowhere:1 --list",
           "kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --group g --topic orders "
           "--reset-offsets", "kafka-acls.sh --bootstrap-server broker-1:9092",
           "kafka-topics.sh stray --bootstrap-server broker-1:9092"]
    runs = run_lines(bad)
    assert [r["accepted"] for r in runs] == [False] * len(bad), [r["output"][:80] for r in runs]
    assert any(r["output"].startswith(REFUSALS) for r in runs)
    # and a line the tool runs, even one it answers with an error about the group's
    # state, is accepted: Kafka ran it
    ran = run_lines(["kafka-consumer-groups.sh --bootstrap-server broker-1:9092 --group "
                     "payment-service --topic orders --reset-offsets --to-earliest --execute"])
    assert ran[0]["accepted"] and "inactive" in ran[0]["output"]


def test_comments_prompts_and_blank_lines_are_ignored_and_limits_hold():
    assert parse_lines("$ kafka-topics.sh --list\n\n# a note\n") == ["kafka-topics.sh --list"]
    with pytest.raises(InvalidAnswer):
        parse_lines("# only a comment")
    with pytest.raises(InvalidAnswer):
        parse_lines("\n".join(["kafka-topics.sh --list"] * 21))


def test_phase_content_is_complete():
    assert [p.slug for p in Q1.phases] == ["definition", "architecture", "message-flow",
                                           "concepts"]
    assert [p.kind for p in Q2.phases] == ["free_text", "practical", "cli"]
    assert [p.kind for p in Q3.phases] == ["free_text", "design", "chaos"]
