"""Page weight: the gzipped JS and CSS a browser fetches to show a page's first view.

Shared by `python -m benchmarks web` (which prints every page's weight) and
tests/browser/test_page_weight.py (which fails when a page is over the
target). What counts is what a real Chromium fetches, with an empty cache,
before the learner scrolls: every script (classic, module, and modules
imported later, e.g. a diagram's) and every stylesheet, once the page has
drawn its diagrams and the network is idle. Each body is gzipped at level 6,
as a web server would. A checkpoint's quiz code and CSS load when the card
comes near the viewport (static/js/quizzes/quiz-on-demand.js) and htmx when
the learner reaches for something it drives (static/js/lessons/htmx-on-demand.js); at 1920x1080 the
checkpoint of a short step is already near, so a page weighed there counts
them, and `weigh(..., scroll=True)` counts what the whole page fetches once
scrolled to the bottom.
"""
from __future__ import annotations

import gzip

TARGET_BYTES = 60 * 1024
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "desktop": {"width": 1920, "height": 1080},
             "phone": {"width": 390, "height": 844}}
WAIT_MS = 60_000  # a shared, loaded machine: wait on conditions, generously


def lesson_pages() -> list[str]:
    """Every page a learner meets: home, playground, every step of every lesson, the
    debugging lesson's own pages, and a quiz question."""
    from learnkafka.lessons.content import lesson_slugs, load_lesson

    steps = []
    for slug in lesson_slugs():
        lesson = load_lesson(slug)
        steps += [f"/lessons/{lesson.slug}/{step.slug}/" for step in lesson.steps]
    debug = ["/lessons/debug-consumer/symptoms/", "/lessons/debug-consumer/levels/"]
    return ["/", "/playground/", *steps, *debug, "/quizzes/kafka-basics/click-out-of-isr/"]


def _settle(page) -> None:
    page.wait_for_load_state("networkidle", timeout=WAIT_MS)
    if page.locator("[data-live-sandbox]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-live-sandbox]')]"
            ".every((r) => r.hasAttribute('data-rendered-seq'))", timeout=WAIT_MS)
    if page.locator("[data-static-state]").count():
        page.wait_for_function(
            "() => [...document.querySelectorAll('[data-static-state]')]"
            ".every((r) => r.dataset.rendered === 'true' || !r.getClientRects().length"
            " || r.closest('[data-quiz-lazy]:not([data-quiz-loaded])'))",
            timeout=WAIT_MS)
    page.wait_for_load_state("networkidle", timeout=WAIT_MS)


def weigh(browser, base: str, path: str, viewport: dict, *,
          scroll: bool = False) -> tuple[int, dict]:
    """(total gzipped bytes, {url: gzipped bytes}) of the JS/CSS one first visit fetches."""
    context = browser.new_context(viewport=viewport)  # a new context: an empty cache
    page = context.new_page()
    bodies: dict[str, bytes] = {}

    def keep(response):
        if response.request.resource_type in ("script", "stylesheet"):
            try:
                bodies[response.url] = response.body()
            except Exception:  # a response without a body (a redirect) ships nothing
                pass

    page.on("response", keep)
    try:
        page.goto(f"{base}{path}", timeout=WAIT_MS)
        _settle(page)
        if scroll:
            page.evaluate("() => window.scrollTo(0, document.body.scrollHeight)")
            page.wait_for_function(
                "() => [...document.querySelectorAll('[data-quiz-lazy]')]"
                ".every((c) => c.dataset.quizLoaded === 'true')", timeout=WAIT_MS)
            _settle(page)
    finally:
        page.remove_listener("response", keep)
        context.close()
    sizes = {url.replace(base, ""): len(gzip.compress(body, 6)) for url, body in bodies.items()}
    return sum(sizes.values()), sizes
