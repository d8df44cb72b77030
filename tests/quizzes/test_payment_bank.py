"""The Q3 bank (payment idempotency): at least 25 questions, every question type,
the guide's Q3 answer structure, lesson steps agreed with the lesson, and
simulator-graded questions whose answers really depend on the simulation."""

from __future__ import annotations

import random
from collections import Counter

from learnkafka.quizzes import banks, scenarios
from learnkafka.quizzes.questiontypes import TYPES

BANK = "payment-idempotency"


def test_the_bank_has_at_least_25_questions_of_every_type():
    bank = banks.get_bank(BANK)
    assert bank is not None and bank.lesson == BANK and len(bank.questions) >= 25
    assert set(Counter(q.type for q in bank.questions)) == set(TYPES)


def test_it_follows_the_guides_q3_answer_structure():
    bank = banks.get_bank(BANK)
    assert [s.id for s in bank.sections] == ["key", "check", "diagram", "layers", "races"]
    assert all(s.questions for s in bank.sections)
    text = " ".join(q.prompt + q.explanation for q in bank.questions)
    for topic in ("Idempotency-Key", "UNIQUE", "same transaction", "Redis", "TTL", "outbox",
                  "SETNX", "FOR UPDATE", "pg_advisory_xact_lock", "enable.idempotence"):
        assert topic in text, topic


def test_the_steps_are_the_ones_agreed_with_the_lesson():
    assert list(banks.LESSON_STEPS[BANK]) == ["problem", "solution", "store", "race",
                                              "safeguards", "layers", "ttl", "outbox"]
    used = {q.step for q in banks.get_bank(BANK).questions}
    assert used == set(banks.LESSON_STEPS[BANK])


def test_the_handler_ordering_question_is_the_guides_handler():
    q = banks.get_bank(BANK).question("handler-order")
    assert [i["id"] for i in q.spec["items"]] == ["check", "claim", "validate", "deduct",
                                                  "record", "success", "respond"]


def test_the_simulator_decides_the_predict_answers_and_they_vary():
    """Across draws the right answer changes: the question cannot be learnt by rote."""
    for name in ("payment-retry-charges", "payment-lost-response"):
        generator = scenarios.get(name)
        answers = set()
        for seed in range(12):
            params = generator.draw(random.Random(seed))
            outcome = generator.run(params, seed=seed)
            assert outcome["answer"] in {c["id"] for c in generator.choices(params)}
            answers.add((name, outcome["answer"]) if name == "payment-retry-charges"
                        else int(outcome["answer"]) - params["balance"])
        assert len(answers) > 1, name


def test_unique_without_for_update_two_retries_5_ms_apart_charge_once():
    outcome = scenarios.get("payment-retry-charges").charges_for(
        handler="key_unique/none", gap_ms=5, process_ms=5, seed=0)
    assert outcome["answer"] == "1"
    racing = scenarios.get("payment-retry-charges").charges_for(
        handler="key_no_unique/none", gap_ms=0, process_ms=5, seed=0)
    assert racing["answer"] == "2"


def test_the_click_answer_is_the_retrys_row():
    generator = scenarios.get("payment-double-deduction")
    state = generator.build({"amounts": [100, 60], "lost": 0}, seed=1)
    rows = {t["id"]: t["label"] for t in state["targets"]}
    assert len(rows) == 3 and len(state["answer"]) == 1
    (answer,) = state["answer"]
    assert "pay-1" in rows[answer]
    assert state["snapshot"]["payments"]["balances"]["alice"] == 500 - 100 - 100 - 60
