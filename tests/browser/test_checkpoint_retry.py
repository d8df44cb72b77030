"""A wrong checkpoint can be tried again, in place, without touching the other answers.

The learner answers one checkpoint right and another wrong, sees what they
got wrong (the answer stays hidden until they ask), presses "Try again",
answers right, and the card says which try the score counted. The other
checkpoint's answer is untouched, and all of it survives a reload.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STEP_URL = "lessons/kafka-basics/{}/"


def card(page, question_id):
    return page.locator(f"#q-{question_id}")


def answer(page, question_id, choice):
    page.locator(f"#q-{question_id} input[value='{choice}']").check()
    card(page, question_id).get_by_role("button", name="Check answer").click()


def test_a_wrong_checkpoint_is_retried_in_place_and_the_score_says_which_try_counted(
        live_url, page, screenshot):
    page.set_viewport_size({"width": 1366, "height": 900})
    # One checkpoint answered right first: retrying another must leave it alone.
    page.goto(f"{live_url}/{STEP_URL.format('message-flow')}")
    answer(page, "no-key-partitioning", "sticky")
    expect(card(page, "no-key-partitioning").locator("[data-quiz-feedback]")).to_have_attribute(
        "data-correct", "true")

    page.goto(f"{live_url}/{STEP_URL.format('architecture')}")
    answer(page, "metadata-home", "zk")
    feedback = card(page, "metadata-home").locator("[data-quiz-feedback]")
    expect(feedback).to_have_attribute("data-correct", "false")
    expect(feedback).to_contain_text("Not quite.")
    expect(feedback.locator("[data-quiz-given]")).to_contain_text("ZooKeeper")
    # What is wrong is shown; the right answer waits behind "Show the answer".
    expect(feedback.locator("[data-quiz-expected]")).to_be_hidden()
    retry = feedback.get_by_role("link", name="Try again")
    expect(retry).to_be_visible()
    screenshot(page, "wrong")

    retry.click()
    form = card(page, "metadata-home").locator("form")
    expect(form).to_be_visible()
    expect(form.locator("[data-quiz-retry-note]")).to_contain_text("Try 2")
    expect(form.locator("input[name=try]")).to_have_value("2")
    # Still on the lesson step: htmx swapped the card, nothing else moved.
    assert page.url.endswith(STEP_URL.format("architecture"))
    screenshot(page, "retry-form")

    answer(page, "metadata-home", "kraft")
    feedback = card(page, "metadata-home").locator("[data-quiz-feedback]")
    expect(feedback).to_have_attribute("data-correct", "true")
    expect(feedback).to_contain_text("Right. (try 2)")
    counted = feedback.locator("[data-quiz-counted]")
    expect(counted).to_contain_text("try 2 right")
    expect(counted).to_contain_text("your score keeps try 1 (wrong)")
    expect(feedback.locator("[data-quiz-score-line]")).to_contain_text(
        "first try at each question counts")
    expect(feedback.get_by_role("link", name="Try again")).to_have_count(0)
    screenshot(page, "right-on-try-2")

    # A reload shows the same; the other checkpoint was not reset; the score
    # on the quiz page counts first tries: 1 right (message-flow), 1 wrong.
    page.reload()
    expect(card(page, "metadata-home")).to_contain_text("Right. (try 2)")
    page.goto(f"{live_url}/{STEP_URL.format('message-flow')}")
    expect(card(page, "no-key-partitioning").locator("[data-quiz-feedback]")).to_have_attribute(
        "data-correct", "true")
    page.goto(f"{live_url}/quizzes/kafka-basics/")
    expect(page.locator("[data-quiz-answered]")).to_contain_text("2 of")
    expect(page.locator("[data-quiz-correct]")).to_have_text("1")


def test_without_javascript_try_again_is_a_link_that_comes_back_to_the_lesson(
        live_url, browser, screenshot):
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(f"{live_url}/{STEP_URL.format('architecture')}")
    answer(page, "metadata-home", "offsets")
    expect(card(page, "metadata-home")).to_contain_text("Not quite.")
    card(page, "metadata-home").get_by_role("link", name="Try again").click()
    expect(page.locator("[data-quiz-retry-note]")).to_contain_text("Try 2")
    answer(page, "metadata-home", "kraft")
    assert STEP_URL.format("architecture") in page.url
    expect(card(page, "metadata-home")).to_contain_text("Right. (try 2)")
    screenshot(page, "no-js-right-on-try-2")
    context.close()
