"""The quiz content in the repository: every bank loads, every question is complete,
every lesson link is a real step, every scenario exists in the simulator and runs."""

from __future__ import annotations

import os
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from learnkafka.core.content_files import ContentCache
from learnkafka.quizzes import banks, scenarios
from learnkafka.quizzes.questiontypes import TYPES, ContentError, diagram_click
from learnkafka.quizzes.questiontypes.base import Question

ALL_QUESTIONS = [q for bank in banks.all_banks() for q in bank.questions]
LESSONS_DIR = Path(banks.__file__).resolve().parent.parent / "lessons" / "content"


def ids(question: Question) -> str:
    return f"{question.bank}/{question.id}"


def test_there_is_a_kafka_basics_bank_of_at_least_25_questions_with_every_type():
    bank = banks.get_bank("kafka-basics")
    assert bank is not None and len(bank.questions) >= 25
    assert set(Counter(q.type for q in bank.questions)) == set(TYPES)


def test_the_bank_follows_the_interview_answer_structure():
    bank = banks.get_bank("kafka-basics")
    assert [s.id for s in bank.sections] == [
        "what",
        "architecture",
        "flow",
        "durability",
        "groups",
        "config",
    ]
    assert all(section.questions for section in bank.sections)
    # acks, ISR, replication, retention, offsets: each has at least one question.
    text = " ".join(q.prompt + q.explanation for q in bank.questions).lower()
    for topic in ("acks", "isr", "replica", "retention", "offset"):
        assert topic in text


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=ids)
def test_every_question_is_complete(question):
    assert question.prompt.strip() and len(question.explanation.strip()) > 40
    assert question.step in banks.LESSON_STEPS[question.lesson]
    assert question.lesson_url == f"/lessons/{question.lesson}/{question.step}/"


@pytest.mark.parametrize("question", ALL_QUESTIONS, ids=ids)
def test_every_question_has_an_answer_a_learner_can_give(question):
    """Present it for a few seeds, then submit its right answer: the grader agrees."""
    module = TYPES[question.type]
    for seed in (0, 1, 2):
        shown = module.present(question, seed=seed)
        right = right_answer(question, shown, seed)
        response = module.response_from_post(question, right, seed=seed, previous={"text": "x"})
        grade = module.grade(question, response, seed=seed)
        assert grade.correct and grade.final, (question.id, seed)


def right_answer(question, shown, seed):
    from django.http import QueryDict

    data = QueryDict(mutable=True)
    spec = question.spec
    if question.type == "single_choice":
        data["choice"] = spec["answer"]
    elif question.type == "multiple_choice":
        data.setlist("choices", spec["answer"])
    elif question.type == "ordering":
        data.setlist("order", [item["id"] for item in spec["items"]])
    elif question.type == "short_answer":
        data["text"] = spec["answer"]
    elif question.type == "self_assessed":
        data["rubric_submitted"] = "1"
        data.setlist("rubric", [str(i) for i in range(len(spec["rubric"]))])
    elif question.type == "predict":
        generator = scenarios.get(spec["scenario"])
        data["choice"] = generator.run(shown["params"], seed=seed)["answer"]
    elif question.type == "diagram_click":
        data["target"] = sorted(diagram_click.state_for(question, seed=seed)["answer"])[0]
    return data


@pytest.mark.parametrize("name", sorted(scenarios.GENERATORS))
def test_every_scenario_generator_runs_in_the_simulator(name):
    import random

    generator = scenarios.get(name)
    assert generator.KIND in ("predict", "diagram")
    for seed in range(3):
        params = generator.draw(random.Random(seed))
        if generator.KIND == "predict":
            outcome = generator.run(params, seed=seed)
            assert outcome["answer"] in {c["id"] for c in generator.choices(params)}
            assert outcome["observed"]
        else:
            state = generator.build(params, seed=seed)
            assert state["diagram"] in diagram_click.SUPPORTED_DIAGRAMS
            assert state["answer"] and state["answer"] <= {t["id"] for t in state["targets"]}
            assert state["snapshot"]["topics"]


def test_every_scenario_a_question_names_exists():
    for q in ALL_QUESTIONS:
        if q.type in ("predict", "diagram_click"):
            assert scenarios.get(q.spec["scenario"]) is not None


def test_step_titles_match_the_lessons_own_content():
    lesson_file = LESSONS_DIR / "kafka-basics" / "lesson.yaml"
    if not lesson_file.exists():
        pytest.skip("the lessons app has no kafka-basics content")
    steps = {s["slug"]: s["title"] for s in yaml.safe_load(lesson_file.read_text())["steps"]}
    assert banks.LESSON_STEPS["kafka-basics"] == steps


def test_explanations_flag_the_guides_dated_statements():
    """Where a question touches a dated line of the guide, the explanation says so."""
    bank = banks.get_bank("kafka-basics")
    dated = {
        "no-key-partitioning": ("round-robin", "2.4"),
        "isr-config-name": ("replica.lag.max.messages", "0.9"),
        "metadata-home": ("ZooKeeper", "4.0"),
        "acks-default": ("acks=1", "3.0"),
        "high-watermark": ("min.insync.replicas", "3.7"),
    }
    for question_id, (old, version) in dated.items():
        explanation = bank.question(question_id).explanation
        assert re.search(r"[Oo]lder guides", explanation) or question_id == "high-watermark"
        assert old in explanation and version in explanation, question_id


def test_no_question_teaches_what_kafka_facts_says_is_gone():
    """A wrong choice may mention old behaviour; a right answer or an explanation may
    only mention it as history."""
    for q in ALL_QUESTIONS:
        right_texts = []
        if q.type == "single_choice":
            right_texts = [c["text"] for c in q.spec["choices"] if c["id"] == q.spec["answer"]]
        elif q.type == "multiple_choice":
            right_texts = [c["text"] for c in q.spec["choices"] if c["id"] in q.spec["answer"]]
        for text in right_texts:
            for gone in ("ZooKeeper", "replica.lag.max.messages", "round-robin"):
                assert gone not in text, (q.id, text)
        if "replica.lag.max.messages" in q.explanation:
            assert "removed" in q.explanation or "since Kafka 0.9" in q.explanation


def test_malformed_content_is_refused_with_the_file_and_question_named():
    good = yaml.safe_load((banks.CONTENT_DIR / "kafka-basics.yaml").read_text())
    broken = {**good, "questions": [{**good["questions"][0], "step": "not-a-step"}]}
    with pytest.raises(ContentError, match=r"x\.yaml #1 \(what-is-kafka\).*not-a-step"):
        banks.parse_bank(broken, where="x.yaml")
    dup = {**good, "questions": [good["questions"][0], good["questions"][0]]}
    with pytest.raises(ContentError, match="duplicate"):
        banks.parse_bank(dup, where="x.yaml")
    unknown = {**good, "questions": [{**good["questions"][0], "type": "essay"}]}
    with pytest.raises(ContentError, match="unknown type"):
        banks.parse_bank(unknown, where="x.yaml")


def test_every_checkpoint_a_lesson_names_is_a_question_of_its_bank():
    """Lessons embed questions by id; renaming a question must not break a lesson."""
    lesson_files = sorted(LESSONS_DIR.glob("*/lesson.yaml"))
    if not lesson_files:
        pytest.skip("no lesson content")
    for path in lesson_files:
        lesson = yaml.safe_load(path.read_text())
        bank = banks.get_bank(lesson["slug"])
        for step in lesson["steps"]:
            if step.get("checkpoint"):
                assert bank is not None and bank.question(step["checkpoint"]), (
                    f"{path}: step {step['slug']} names unknown question {step['checkpoint']}"
                )


def test_an_edited_bank_is_read_again_without_a_restart(tmp_path, monkeypatch):
    """An instructor edits the YAML; the next request sees the edit."""
    source = banks.CONTENT_DIR / "kafka-basics.yaml"
    copy = tmp_path / "kafka-basics.yaml"
    copy.write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(banks, "CONTENT_DIR", tmp_path)
    monkeypatch.setattr(banks, "_cache", ContentCache())
    first = banks.get_bank("kafka-basics")
    assert banks.get_bank("kafka-basics") is first  # unchanged file: parsed once

    data = yaml.safe_load(copy.read_text(encoding="utf-8"))
    data["title"] = "Kafka basics, edited"
    copy.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    stat = copy.stat()
    os.utime(copy, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    assert banks.get_bank("kafka-basics").title == "Kafka basics, edited"
