"""Quizzes in a real browser: feedback, persistence, keyboard ordering, clicking the diagram."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

# transaction=True: the Daphne server must see this run's test database, and
# pytest-django only sets one up when a collected test asks for database access.
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BANK = "/quizzes/kafka-basics"
RIGHT_ORDER = ["serialize", "send", "append", "replicate", "ack", "consume"]


def total_questions() -> int:
    from learnkafka.quizzes.banks import get_bank

    return len(get_bank("kafka-basics").questions)


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def test_answers_right_and_wrong_get_feedback_and_survive_a_reload(live_url, page, screenshot):
    errors = console_errors(page)
    page.goto(f"{live_url}{BANK}/acks-default/")
    page.locator('input[name="choice"][value="all"]').check()
    page.get_by_role("button", name="Check answer").click()
    feedback = page.locator("[data-quiz-feedback]")
    expect(feedback).to_have_attribute("data-correct", "true")
    expect(feedback).to_contain_text("Right.")
    expect(feedback).to_contain_text("since Kafka 3.0")
    expect(feedback).to_be_focused()  # read out at once by screen readers
    assert page.url.endswith("/acks-default/")  # swapped by htmx, no navigation
    screenshot(page, "right")

    page.locator("[data-quiz-next]").click()
    expect(page).to_have_url(re.compile(r"/acks-all-meaning/$"))
    page.locator('input[name="choice"][value="leader"]').check()
    page.get_by_role("button", name="Check answer").click()
    feedback = page.locator("[data-quiz-feedback]")
    expect(feedback).to_have_attribute("data-correct", "false")
    expect(feedback).to_contain_text("Not quite.")
    expect(feedback.locator("[data-quiz-expected]")).to_contain_text("current ISR")
    expect(feedback.locator(".quiz-lesson-link")).to_have_attribute(
        "href", "/lessons/kafka-basics/acks/"
    )
    screenshot(page, "wrong")

    page.reload()
    expect(page.locator("[data-quiz-feedback]")).to_have_attribute("data-correct", "false")
    expect(page.locator("form.quiz-form")).to_have_count(0)
    page.goto(f"{live_url}{BANK}/")
    expect(page.locator("[data-quiz-answered]")).to_have_text(f"2 of {total_questions()}")
    expect(page.locator('[data-question-id="acks-default"]')).to_have_attribute(
        "data-state", "right"
    )
    expect(page.locator('[data-question-id="acks-all-meaning"]')).to_have_attribute(
        "data-state", "wrong"
    )
    screenshot(page, "progress")
    page.goto(f"{live_url}/quizzes/")
    # One tile per bank: this bank's.
    expect(page.locator('[data-bank="kafka-basics"] [data-quiz-progress]')).to_contain_text(
        f"2 of {total_questions()} answered"
    )
    assert errors == [], errors


def current_order(page) -> list[str]:
    return page.locator(".quiz-order__item").evaluate_all(
        "items => items.map(i => i.dataset.itemId)"
    )


def test_put_in_order_by_drag_and_by_keyboard(live_url, page, screenshot):
    errors = console_errors(page)
    page.goto(f"{live_url}{BANK}/six-steps/")
    start = current_order(page)
    assert sorted(start) == sorted(RIGHT_ORDER) and start != RIGHT_ORDER

    # Drag the first step below the last one.
    items = page.locator(".quiz-order__item")
    items.nth(0).drag_to(items.nth(5), target_position={"x": 20, "y": 30})
    assert current_order(page) == [*start[1:], start[0]]

    # An Up button reorders in place (no request) and announces the move.
    order = current_order(page)
    page.locator(f'.quiz-order__item[data-item-id="{order[1]}"] [data-quiz-move="up"]').click()
    assert current_order(page) == [order[1], order[0], *order[2:]]
    expect(page.locator("[data-quiz-announce]")).to_contain_text("position 1 of 6")

    # Sort with the keyboard only: focus a step, arrow it up into place.
    for target, item_id in enumerate(RIGHT_ORDER):
        position = current_order(page).index(item_id)
        page.locator(f'.quiz-order__item[data-item-id="{item_id}"]').focus()
        for _ in range(position - target):
            page.keyboard.press("ArrowUp")
        expect(page.locator(f'.quiz-order__item[data-item-id="{item_id}"]')).to_be_focused()
    assert current_order(page) == RIGHT_ORDER
    expect(page.locator("[data-quiz-announce]")).to_contain_text("of 6")
    screenshot(page, "ordered")

    page.get_by_role("button", name="Check order").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-quiz-feedback]")).to_have_attribute("data-correct", "true")
    screenshot(page, "feedback")
    assert errors == [], errors


def expected_target(question_id: str) -> str:
    from learnkafka.quizzes.banks import get_bank
    from learnkafka.quizzes.models import Attempt
    from learnkafka.quizzes.questiontypes import diagram_click

    attempt = Attempt.objects.latest("started_at")
    question = get_bank("kafka-basics").question(question_id)
    (answer,) = diagram_click.state_for(question, seed=attempt.seed)["answer"]
    return answer


def test_click_the_replica_out_of_the_isr(live_url, page, screenshot):
    errors = console_errors(page)
    page.goto(f"{live_url}{BANK}/click-out-of-isr/")
    diagram = page.locator("[data-quiz-diagram]")
    expect(diagram).to_have_attribute("data-quiz-ready", "true")
    replicas = diagram.locator("[data-replica].quiz-target")
    expect(replicas).to_have_count(3)
    # The diagram's own "out of ISR" marks are hidden: the learner reads the offsets.
    expect(diagram.locator(".out-of-isr")).to_have_count(0)
    svg_text = diagram.locator("svg").text_content()
    assert "out of ISR" not in svg_text and "slowed" not in svg_text
    expect(diagram.locator(".broker.slow")).to_have_count(0)
    labels = replicas.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    assert not any("sync" in label for label in labels), labels
    answer = expected_target("click-out-of-isr")
    screenshot(page, "diagram")

    # Only the three replicas are tab stops inside the diagram.
    tab_stops = diagram.locator('svg [tabindex="0"]').evaluate_all(
        "els => els.map(e => e.dataset.replica)"
    )
    assert sorted(tab_stops) == sorted(
        replicas.evaluate_all("els => els.map(e => e.dataset.replica)")
    )

    # Keyboard first: a wrong replica chosen with Enter, then the right one clicked.
    wrong = next(
        r for r in replicas.evaluate_all("els => els.map(e => e.dataset.replica)") if r != answer
    )
    diagram.locator(f'[data-replica="{wrong}"]').focus()
    page.keyboard.press("Enter")
    expect(page.locator(f'input[name="target"][value="{wrong}"]')).to_be_checked()
    diagram.locator(f'[data-replica="{answer}"]').click()
    expect(page.locator(f'input[name="target"][value="{answer}"]')).to_be_checked()
    expect(diagram.locator(f'[data-replica="{answer}"]')).to_have_attribute("aria-pressed", "true")
    expect(diagram.locator(f'[data-replica="{wrong}"]')).to_have_attribute("aria-pressed", "false")
    page.get_by_role("button", name="Check answer").click()
    feedback = page.locator("[data-quiz-feedback]")
    expect(feedback).to_have_attribute("data-correct", "true")
    expect(feedback).to_contain_text("replica.lag.time.max.ms")
    # The diagram stays, now with nothing concealed and the answer marked.
    reveal = page.locator("[data-quiz-reveal]")
    expect(reveal).to_have_attribute("data-quiz-ready", "true")
    expect(reveal.locator(f'[data-replica="{answer}"]')).to_have_class(
        re.compile(r"\bquiz-answer\b")
    )
    expect(reveal.locator(".quiz-given")).to_have_count(0)
    screenshot(page, "feedback")
    assert errors == [], errors


def test_a_checkpoint_in_a_lesson_step_is_answered_in_place(live_url, page, screenshot):
    """The `quiz_question` component inside a lesson step: htmx swaps the feedback
    in, the learner stays on the lesson, and the quiz counts the answer."""
    errors = console_errors(page)
    page.goto(f"{live_url}/lessons/kafka-basics/architecture/")
    card = page.locator('[data-quiz-card][data-question-id="metadata-home"]')
    expect(card).to_be_visible()
    card.locator('input[name="choice"][value="kraft"]').check()
    card.get_by_role("button", name="Check answer").click()
    feedback = page.locator(
        '[data-quiz-card][data-question-id="metadata-home"] [data-quiz-feedback]'
    )
    expect(feedback).to_have_attribute("data-correct", "true")
    expect(feedback).to_contain_text("since Kafka 4.0")
    assert page.url.endswith("/lessons/kafka-basics/architecture/")
    screenshot(page, "checkpoint")
    page.goto(f"{live_url}{BANK}/")
    expect(page.locator('[data-question-id="metadata-home"]')).to_have_attribute(
        "data-state", "right"
    )
    assert [e for e in errors if "WebSocket" not in e] == [], errors


def test_predict_the_outcome_shows_what_the_simulator_did(live_url, page, screenshot):
    errors = console_errors(page)
    page.goto(f"{live_url}{BANK}/predict-acks-outcome/")
    expect(page.locator("[data-quiz-setup]")).to_contain_text("replication factor")
    screenshot(page, "question")
    page.locator('input[name="choice"]').first.check()
    page.get_by_role("button", name="Check with the simulator").click()
    feedback = page.locator("[data-quiz-feedback]")
    expect(feedback).to_contain_text("What the simulator did")
    expect(page.locator("[data-quiz-setup]")).to_contain_text("replication factor")
    expect(feedback.locator(".quiz-observed")).not_to_be_empty()
    screenshot(page, "feedback")
    page.reload()  # the same scenario and verdict after a reload
    expect(page.locator("[data-quiz-feedback] .quiz-observed")).to_have_text(
        feedback.locator(".quiz-observed").text_content() or ""
    )
    assert errors == [], errors


def test_explain_in_your_own_words_then_tick_the_rubric(live_url, page, screenshot):
    errors = console_errors(page)
    page.goto(f"{live_url}{BANK}/explain-kafka/")
    page.get_by_label("Your answer, in your own words").fill(
        "Kafka is a <b>distributed</b> commit log with producers, brokers and consumers."
    )
    page.get_by_role("button", name="Continue to the rubric").click()
    expect(page.locator("[data-quiz-learner-text]")).to_contain_text("<b>distributed</b>")
    checkboxes = page.locator('input[name="rubric"]')
    expect(checkboxes).to_have_count(6)
    checkboxes.nth(0).check()
    checkboxes.nth(1).check()
    screenshot(page, "rubric")
    page.get_by_role("button", name="Grade my answer").click()
    feedback = page.locator("[data-quiz-feedback]")
    expect(feedback).to_contain_text("You covered 2 of 6 rubric points")
    expect(feedback.locator(".quiz-learner-text")).to_contain_text("<b>distributed</b>")
    assert feedback.locator("b").count() == 0  # learner text is text, not markup
    screenshot(page, "graded")
    assert errors == [], errors


def test_without_javascript_the_order_and_the_answer_still_work(live_url, browser, screenshot):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_url}{BANK}/six-steps/")
        start = current_order(page)
        page.locator(
            f'.quiz-order__item[data-item-id="{start[0]}"] [data-quiz-move="down"]'
        ).click()
        expect(page.locator(".quiz-order__item").nth(1)).to_have_attribute("data-item-id", start[0])
        for target, item_id in enumerate(RIGHT_ORDER):
            while (position := current_order(page).index(item_id)) > target:
                page.locator(
                    f'.quiz-order__item[data-item-id="{item_id}"] [data-quiz-move="up"]'
                ).click()
                expect(page.locator(".quiz-order__item").nth(position - 1)).to_have_attribute(
                    "data-item-id", item_id
                )
        page.get_by_role("button", name="Check order").click()
        expect(page.locator("[data-quiz-feedback]")).to_have_attribute("data-correct", "true")
        screenshot(page, "no-js-feedback")
    finally:
        context.close()


def test_one_question_of_every_type_renders_cleanly(live_url, page, screenshot):
    """A gallery for people to look at, and a check that no type's page logs an error."""
    from learnkafka.quizzes.banks import get_bank

    errors = console_errors(page)
    firsts = {}
    for question in get_bank("kafka-basics").questions:
        firsts.setdefault(question.type, question)
    assert len(firsts) == 7
    for type_name, question in firsts.items():
        page.goto(f"{live_url}{BANK}/{question.id}/")
        expect(page.locator("form.quiz-form")).to_be_visible()
        if type_name == "diagram_click":
            expect(page.locator("[data-quiz-diagram]")).to_have_attribute("data-quiz-ready", "true")
        screenshot(page, type_name)
    assert errors == [], errors
