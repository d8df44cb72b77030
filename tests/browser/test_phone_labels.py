"""On a phone (390x844) every diagram label reads at the issue's minimum, 12 px.

Measured as tests/browser/test_look_and_layout.py measures it (font size in
SVG units times the scale the SVG is drawn at, from getBoundingClientRect).
Each diagram module draws a narrow layout when its SVG is narrow (a phone):
the same parts, stacked, in a viewBox about as wide as the screen, so a
label's SVG size is its size on screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_look_and_layout import MIN_LABEL_PX, PAGES, PHONE, label_sizes, open_page, slug_of

pytestmark = pytest.mark.browser
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


@pytest.mark.parametrize("path", PAGES, ids=slug_of)
def test_every_diagram_label_reads_at_12px_on_a_phone(live_url, page, screenshot, path):
    open_page(page, live_url, path, PHONE)
    screenshot(page, "phone")
    for i, svg in enumerate(page.locator("svg.diagram").all()):  # the diagram alone, to look at
        svg.screenshot(path=str(SHOTS / f"phone-diagram-{slug_of(path)}-{i}.png"))
    sizes = label_sizes(page)
    small = sorted((s for s in sizes if s["px"] < MIN_LABEL_PX), key=lambda s: s["px"])
    assert small == [], small[:8]
    layouts = page.evaluate(
        "() => [...document.querySelectorAll('svg.diagram')].map((s) => s.dataset.layout)")
    assert layouts and set(layouts) == {"narrow"}, layouts


def _open_quiz_on_a_phone(live_url, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_url}/quizzes/kafka-basics/click-out-of-isr/")
    page.wait_for_selector("[data-static-state][data-rendered=true]", timeout=30_000)


def test_a_click_on_the_diagram_question_on_a_phone_still_hides_the_answer(
        live_url, page, screenshot):
    _open_quiz_on_a_phone(live_url, page)
    screenshot(page, "phone-quiz")
    assert page.locator("svg.diagram").first.get_attribute("data-layout") == "narrow"
    texts = page.evaluate("() => [...document.querySelectorAll('svg.diagram text')]"
                          ".map((t) => t.textContent)")
    assert texts and not [t for t in texts if "out of ISR" in t or t.startswith("slowed")]


def test_a_click_on_the_diagram_question_reads_at_12px_on_a_phone(live_url, page, screenshot):
    # On a phone the quiz card gives its padding back to the diagram (quizzes.css).
    _open_quiz_on_a_phone(live_url, page)
    screenshot(page, "phone-quiz-labels")
    sizes = label_sizes(page)
    assert [s for s in sizes if s["px"] < MIN_LABEL_PX] == [], min(s["px"] for s in sizes)
