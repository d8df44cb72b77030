"""Each question type's grader, on hand-made questions (no YAML, no simulator)."""

from __future__ import annotations

import string

import pytest
from django.http import QueryDict
from hypothesis import given
from hypothesis import strategies as st

from learnkafka.quizzes.questiontypes import (
    TYPES,
    ContentError,
    InvalidResponse,
    Question,
    ordering,
    short_answer,
)


def make(type_name: str, raw: dict) -> Question:
    spec = TYPES[type_name].parse(raw, where="test")
    return Question(
        bank="b",
        lesson="kafka-basics",
        id="q1",
        type=type_name,
        section="s",
        step="acks",
        prompt="?",
        explanation="because",
        spec=spec,
    )


def post(**fields) -> QueryDict:
    data = QueryDict(mutable=True)
    for key, value in fields.items():
        if isinstance(value, list):
            data.setlist(key, value)
        else:
            data[key] = value
    return data


def submit(question: Question, data: QueryDict, *, seed: int = 1, previous=None):
    module = TYPES[question.type]
    response = module.response_from_post(question, data, seed=seed, previous=previous)
    return response, module.grade(question, response, seed=seed)


CHOICES = [{"id": "a", "text": "A"}, {"id": "b", "text": "B"}, {"id": "c", "text": "C"}]


def test_single_choice_right_and_wrong():
    q = make("single_choice", {"choices": CHOICES, "answer": "b"})
    assert submit(q, post(choice="b"))[1].correct
    wrong = submit(q, post(choice="a"))[1]
    assert not wrong.correct and wrong.points == 0 and wrong.detail["expected"] == ["b"]


def test_single_choice_refuses_unknown_or_missing_choice():
    q = make("single_choice", {"choices": CHOICES, "answer": "b"})
    for data in (post(choice="zzz"), post()):
        with pytest.raises(InvalidResponse):
            submit(q, data)


def test_single_choice_content_must_name_a_real_answer():
    with pytest.raises(ContentError):
        make("single_choice", {"choices": CHOICES, "answer": "d"})


def test_yaml_booleans_as_ids_are_rejected():
    """`id: yes` in YAML is True, which would never match a form value."""
    with pytest.raises(ContentError):
        make(
            "single_choice",
            {"choices": [{"id": True, "text": "x"}, {"id": "b", "text": "y"}], "answer": "b"},
        )


def test_choices_are_shuffled_per_seed_but_stable():
    q = make("single_choice", {"choices": CHOICES * 1, "answer": "b"})
    first = TYPES["single_choice"].present(q, seed=7)["choices"]
    assert TYPES["single_choice"].present(q, seed=7)["choices"] == first
    orders = {
        tuple(c["id"] for c in TYPES["single_choice"].present(q, seed=s)["choices"])
        for s in range(20)
    }
    assert len(orders) > 1


def test_multiple_choice_is_all_or_nothing():
    q = make("multiple_choice", {"choices": CHOICES, "answer": ["a", "c"]})
    assert submit(q, post(choices=["c", "a"]))[1].correct
    partial = submit(q, post(choices=["a"]))[1]
    assert not partial.correct and partial.detail["missed"] == ["c"]
    extra = submit(q, post(choices=["a", "b", "c"]))[1]
    assert not extra.correct and extra.detail["wrongly_picked"] == ["b"]
    with pytest.raises(InvalidResponse):
        submit(q, post())


def test_short_answer_normalizes_case_whitespace_quotes_and_accepts_aliases():
    q = make("short_answer", {"answer": "replica.lag.time.max.ms", "aliases": ["lag.alias"]})
    for text in (
        "replica.lag.time.max.ms",
        "  Replica.Lag.Time.Max.MS ",
        "`replica.lag.time.max.ms`",
        '"replica.lag.time.max.ms"',
        "LAG.ALIAS",
    ):
        assert submit(q, post(text=text))[1].correct, text
    assert not submit(q, post(text="replica.lag.max.messages"))[1].correct
    assert short_answer.normalize("  a   B ") == "a b"
    with pytest.raises(InvalidResponse):
        submit(q, post(text="   "))
    with pytest.raises(InvalidResponse):
        submit(q, post(text="x" * 500))


ITEMS = [{"id": f"s{i}", "text": f"step {i}"} for i in range(6)]


def test_ordering_grades_the_exact_order():
    q = make("ordering", {"items": ITEMS})
    right = [f"s{i}" for i in range(6)]
    assert submit(q, post(order=right))[1].correct
    swapped = right[:]
    swapped[0], swapped[1] = swapped[1], swapped[0]
    grade = submit(q, post(order=swapped))[1]
    assert not grade.correct
    assert grade.detail["right_positions"] == [False, False, True, True, True, True]


def test_ordering_refuses_missing_or_repeated_steps():
    q = make("ordering", {"items": ITEMS})
    for order in (["s0", "s1"], ["s0"] * 6, [f"s{i}" for i in range(5)] + ["zz"]):
        with pytest.raises(InvalidResponse):
            submit(q, post(order=order))


def test_ordering_never_starts_solved_and_is_stable_per_seed():
    q = make("ordering", {"items": ITEMS})
    for seed in range(50):
        start = ordering.start_order(q, seed=seed)
        assert start != ordering.correct_order(q)
        assert sorted(start) == sorted(ordering.correct_order(q))
        assert ordering.start_order(q, seed=seed) == start


def test_ordering_moves_swap_neighbours_and_stop_at_the_ends():
    order = ["a", "b", "c"]
    assert ordering.apply_move(order, "up:b") == ["b", "a", "c"]
    assert ordering.apply_move(order, "down:b") == ["a", "c", "b"]
    assert ordering.apply_move(order, "up:a") == order
    assert ordering.apply_move(order, "down:c") == order
    with pytest.raises(InvalidResponse):
        ordering.apply_move(order, "sideways:a")
    with pytest.raises(InvalidResponse):
        ordering.apply_move(order, "up:zz")


RUBRIC = {"rubric": ["one", "two", "three"], "model_answer": "all three"}


def test_self_assessed_first_stores_text_then_grades_the_ticks():
    q = make("self_assessed", RUBRIC)
    response, grade = submit(q, post(text="my <b>answer</b>"))
    assert not grade.final and response == {"text": "my <b>answer</b>"}
    response, grade = submit(q, post(rubric_submitted="1", rubric=["0", "2"]), previous=response)
    assert grade.final and grade.correct and grade.points == pytest.approx(2 / 3, abs=1e-3)
    assert response == {"text": "my <b>answer</b>", "ticks": [0, 2]}
    _, grade = submit(q, post(rubric_submitted="1", rubric=["1"]), previous=response)
    assert grade.final and not grade.correct


def test_self_assessed_refuses_ticks_without_text_and_unknown_points():
    q = make("self_assessed", RUBRIC)
    with pytest.raises(InvalidResponse):
        submit(q, post(rubric_submitted="1", rubric=["0"]))
    for ticks in (["7"], ["-1"], ["x"]):
        with pytest.raises(InvalidResponse):
            submit(q, post(rubric_submitted="1", rubric=ticks), previous={"text": "t"})
    with pytest.raises(InvalidResponse):
        submit(q, post(text=""))


@given(st.permutations([f"s{i}" for i in range(6)]))
def test_ordering_is_right_only_for_the_exact_order(order):
    q = make("ordering", {"items": ITEMS})
    grade = submit(q, post(order=list(order)))[1]
    assert grade.correct == (list(order) == [f"s{i}" for i in range(6)])
    assert sum(grade.detail["right_positions"]) == sum(
        a == b for a, b in zip(order, ordering.correct_order(q), strict=True)
    )


@given(
    st.permutations(["a", "b", "c", "d"]), st.sampled_from(["up", "down"]), st.sampled_from("abcd")
)
def test_a_move_keeps_every_step_exactly_once(order, direction, item):
    moved = ordering.apply_move(list(order), f"{direction}:{item}")
    assert sorted(moved) == sorted(order)
    assert abs(moved.index(item) - list(order).index(item)) <= 1


@given(st.text(alphabet=string.printable, max_size=60))
def test_short_answer_normalization_is_idempotent_and_ignores_case(text):
    once = short_answer.normalize(text)
    assert short_answer.normalize(once) == once
    assert short_answer.normalize(text.upper()) == short_answer.normalize(text.lower())
