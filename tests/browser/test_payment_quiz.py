"""The Q3 quiz in a real browser: click the double deduction in the transactions
table, and the simulator-graded prediction."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BANK = "/quizzes/payment-idempotency"


def _answer(question_id: str) -> str:
    from learnkafka.quizzes.banks import get_bank
    from learnkafka.quizzes.models import Attempt
    from learnkafka.quizzes.questiontypes import diagram_click

    attempt = Attempt.objects.latest("started_at")
    question = get_bank("payment-idempotency").question(question_id)
    (answer,) = diagram_click.state_for(question, seed=attempt.seed)["answer"]
    return answer


@pytest.mark.parametrize("size", [(1366, 768), (1920, 1080), (390, 844)])
def test_click_the_row_of_the_double_deduction(live_url, page, screenshot, size):
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.set_viewport_size({"width": size[0], "height": size[1]})
    page.goto(f"{live_url}{BANK}/click-double-deduction/")
    diagram = page.locator("[data-quiz-diagram]")
    expect(diagram).to_have_attribute("data-quiz-ready", "true", timeout=20_000)
    rows = diagram.locator("[data-txrow].quiz-target")
    count = rows.count()
    assert count >= 3
    screenshot(page, f"table-{size[0]}")
    answer = _answer("click-double-deduction")
    wrong = next(r for r in rows.evaluate_all("els => els.map(e => e.dataset.txrow)")
                 if r != answer)
    diagram.locator(f'[data-txrow="{wrong}"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator(f'input[name="target"][value="{wrong}"]')).to_be_checked()
    diagram.locator(f'[data-txrow="{answer}"]').click()
    expect(page.locator(f'input[name="target"][value="{answer}"]')).to_be_checked()
    page.get_by_role("button", name="Check answer").click()
    feedback = page.locator("[data-quiz-feedback]")
    expect(feedback).to_have_attribute("data-correct", "true", timeout=20_000)
    reveal = page.locator("[data-quiz-reveal]")
    expect(reveal).to_have_attribute("data-quiz-ready", "true")
    expect(reveal.locator(f'[data-txrow="{answer}"]')).to_have_class(
        re.compile(r"\bquiz-answer\b"))
    screenshot(page, f"feedback-{size[0]}")
    assert errors == [], errors


def test_predict_the_charges_shows_what_the_simulator_did(live_url, page, screenshot):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(f"{live_url}{BANK}/predict-retry-charges/")
    expect(page.locator("[data-quiz-setup]")).to_contain_text("Idempotency-Key")
    page.locator('input[name="choice"]').first.check()
    page.get_by_role("button", name="Check with the simulator").click()
    feedback = page.locator("[data-quiz-feedback]")
    expect(feedback).to_contain_text("The simulator charged", timeout=20_000)
    screenshot(page, "predict-1366")
