"""Every page a learner meets ships under 60 KB of gzipped JS and CSS for its first view.

Weighed as `python -m benchmarks web` weighs it (benchmarks/page_weight.py):
what a real Chromium fetches with an empty cache, at 1920x1080 (the largest
first view, so the most a near-the-viewport checkpoint can pull in), once the
diagrams are drawn and the network is idle. Scrolled to the end, a lesson
step fetches its checkpoint's quiz code too: that must work, and is printed.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from benchmarks.page_weight import TARGET_BYTES, VIEWPORTS, lesson_pages, weigh

pytestmark = pytest.mark.browser


def _slug(path: str) -> str:
    return path.strip("/").replace("/", "-") or "home"


@pytest.mark.parametrize("path", lesson_pages(), ids=_slug)
def test_first_view_ships_under_60_kb_gzipped(live_url, browser, path):
    total, sizes = weigh(browser, live_url, path, VIEWPORTS["desktop"])
    assert sizes, "the page fetched no script or stylesheet at all: the weighing saw nothing"
    heaviest = sorted(sizes.items(), key=lambda kv: -kv[1])[:6]
    assert total < TARGET_BYTES, (f"{path}: {total / 1024:.1f} KB gzipped", heaviest)


def test_a_checkpoint_brings_its_quiz_code_when_scrolled_to(live_url, browser):
    _, first = weigh(browser, live_url, "/lessons/debug-consumer/lag/", VIEWPORTS["laptop"])
    assert not [u for u in first if u.endswith("/quizzes/quiz.js")], "quiz.js in the first view"
    assert not [u for u in first if u.endswith("/css/quizzes.css")], "the card's CSS at once"
    assert not [u for u in first if "htmx" in u.split("/")[-1] and "on-demand" not in u]
    _, scrolled = weigh(browser, live_url, "/lessons/debug-consumer/lag/", VIEWPORTS["laptop"],
                        scroll=True)
    assert [u for u in scrolled if u.endswith("/quizzes/quiz.js")]
    assert [u for u in scrolled if u.endswith("/css/quizzes.css")]


def test_htmx_arrives_when_a_learner_reaches_for_a_button_and_a_quick_click_counts(live_url, page):
    # Playwright hovers and clicks in the same breath: the click beats htmx's
    # download, so it is replayed, and the progress still records it, once.
    page.set_viewport_size(VIEWPORTS["laptop"])
    page.goto(f"{live_url}/lessons/kafka-basics/message-flow/")
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live",
                                                                  timeout=60_000)
    assert page.evaluate("() => typeof htmx === 'undefined'")
    posts = []
    page.on("request", lambda r: posts.append(r.url) if r.method == "POST" else None)
    page.locator(".try-button").first.click()
    page.wait_for_function("() => typeof htmx !== 'undefined'", timeout=60_000)
    current = page.locator('#lesson-progress a[aria-current="step"]').locator("xpath=..")
    expect(current).to_have_class(re.compile(r"is-tried"), timeout=60_000)
    page.wait_for_load_state("networkidle")
    assert len([u for u in posts if u.endswith("/tried/")]) == 1, posts


def test_a_checkpoint_whose_quiz_code_has_not_arrived_is_drawn_and_answerable(
        live_url, page, screenshot):
    # quiz.js held back (a slow network, a learner who jumps straight to the end):
    # the card is there, styled (quiz-on-demand.js links its CSS as it nears, without
    # quiz.js), and answers as a form.
    page.route("**/js/quizzes/quiz.js", lambda route: route.abort())
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(f"{live_url}/lessons/kafka-basics/acks/")
    page.keyboard.press("End")
    card = page.locator(".lesson-checkpoint [data-quiz-card]")
    expect(card).to_be_visible(timeout=60_000)
    choices = card.locator("input[type=radio]")
    expect(choices.first).to_be_visible()
    page.wait_for_function("() => getComputedStyle(document.querySelector("
                           "'.lesson-checkpoint .quiz-choice')).borderTopStyle === 'solid'",
                           timeout=60_000)
    screenshot(page, "checkpoint-without-quiz-js")
    choices.first.check()
    page.evaluate("() => { window.stillThisPage = true; }")
    card.get_by_role("button", name="Check answer").click()
    expect(page.locator(".lesson-checkpoint [data-quiz-feedback]")).to_be_visible(timeout=60_000)
    assert page.evaluate("() => window.stillThisPage === true")  # swapped in place, no reload
