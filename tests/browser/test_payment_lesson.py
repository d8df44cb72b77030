"""Lesson 3 (payment idempotency) in a real browser: every step's diagram and the
code panel draw from the live simulator and move when its "try this" is pressed;
the race picker steps thread A and B; the layer switches change the layers
diagram; the real-database race runs from the race step and charts its trials.
Screenshots at 1366x768 (and 1920x1080, 390x844 for two steps) in
test-artifacts/screenshots/lesson-payment-idempotency-*.png."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from learnkafka.lessons.content import load_lesson

pytestmark = pytest.mark.browser

LESSON = load_lesson("payment-idempotency")
LAPTOP = {"width": 1366, "height": 768}
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
SHOTS.mkdir(parents=True, exist_ok=True)
WAIT_MS = 60_000  # the build machine runs eight people's tests at once


@pytest.fixture(autouse=True)
def _test_database(transactional_db):
    """Lesson pages write progress and races write rows: the server uses the test database."""


def open_step(page, live_url, slug, size=LAPTOP):
    page.set_viewport_size(size)
    page.goto(f"{live_url}/lessons/payment-idempotency/{slug}/")
    sandbox = page.locator("[data-live-sandbox]")
    expect(sandbox).to_have_attribute("data-live-state", "live", timeout=WAIT_MS)
    expect(sandbox).to_have_attribute("data-rendered-seq", re.compile(r"\d+"), timeout=WAIT_MS)
    return sandbox


def press(page, label: str):
    page.get_by_role("button", name=label, exact=True).click()


def play_at(page, speed: str):
    page.locator("select[data-control=speed]").select_option(speed)
    page.locator("[data-control=play]").click()


def markup(page, name: str) -> str:
    return page.locator(f"svg[data-diagram={name}]").evaluate("el => el.outerHTML")


def wait_changed(page, name, before):
    page.wait_for_function(
        "([name, before]) =>"
        " document.querySelector(`svg[data-diagram=${name}]`).outerHTML !== before",
        arg=[name, before], timeout=WAIT_MS)


def shot(page, name):
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=f"{SHOTS}/lesson-payment-idempotency-{name}.png")


@pytest.mark.parametrize("step", LESSON.steps, ids=lambda s: s.slug)
def test_each_step_and_its_code_panel_move_when_try_this_is_pressed(live_url, page, step):
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    open_step(page, live_url, step.slug)
    svg = page.locator(f"svg[data-diagram={step.diagram}]")
    expect(svg).to_be_visible()
    expect(page.locator("svg[data-diagram=payment-code]")).to_be_visible()
    play_at(page, "4")
    before = markup(page, step.diagram)
    code_before = markup(page, "payment-code")
    press(page, step.try_this[0].label)
    wait_changed(page, step.diagram, before)
    if step.slug not in ("layers",):  # switching a layer runs no handler line
        wait_changed(page, "payment-code", code_before)
    page.wait_for_timeout(2500)
    shot(page, step.slug)
    assert errors == [], errors


def test_problem_shows_the_lost_response_the_retry_and_the_double_deduction(live_url, page):
    open_step(page, live_url, "problem")
    play_at(page, "2")
    press(page, "Pay $100 (the response will be lost)")
    svg = page.locator("svg[data-diagram=payment-problem]")
    expect(svg.locator(".lost-why")).to_have_text("response lost in the network", timeout=WAIT_MS)
    expect(svg.locator(".timeout-label")).to_contain_text("TIMEOUT", timeout=WAIT_MS)
    expect(svg).to_have_attribute("data-double-charges", "1", timeout=WAIT_MS)
    expect(svg.locator("[data-layer=balance]")).to_have_text("Balance (alice): 500 → 400 → 300")
    expect(svg.locator("[data-layer=verdict]")).to_contain_text("DOUBLE DEDUCTION")
    shot(page, "problem-double-deduction")


def test_solution_the_retry_gets_the_cached_reply(live_url, page):
    open_step(page, live_url, "solution")
    play_at(page, "2")
    press(page, "Pay $100 with a key (the response will be lost)")
    svg = page.locator("svg[data-diagram=payment-solution]")
    expect(svg.locator("[data-layer=verdict]")).to_contain_text("cached reply", timeout=WAIT_MS)
    expect(svg).to_have_attribute("data-balance", "400")
    expect(svg).to_have_attribute("data-double-charges", "0")
    shot(page, "solution-cached")


def step_once(page, picker):
    """Click a race picker button and wait for its answer: one more line, or a refusal
    (a waiting or finished thread), so clicks never pile up on a loaded machine."""
    before = page.locator("svg[data-diagram=payment-race]").get_attribute("data-steps")
    page.evaluate("document.querySelector('[data-live-error]').textContent = ''")
    picker.click()
    page.wait_for_function(
        "before => document.querySelector('svg[data-diagram=payment-race]').dataset.steps"
        " !== before || document.querySelector('[data-live-error]').textContent !== ''",
        arg=before, timeout=WAIT_MS)


def test_race_picker_steps_each_thread_and_unique_decides(live_url, page):
    open_step(page, live_url, "race")
    svg = page.locator("svg[data-diagram=payment-race]")
    press(page, "Start a race (two threads, one key)")
    race_started(page)
    picker_a = page.get_by_role("button", name="Run thread A's next line")
    picker_b = page.get_by_role("button", name="Run thread B's next line")
    picker_a.click()
    expect(svg).to_have_attribute("data-steps", "1", timeout=WAIT_MS)
    picker_a.click()   # A: check -> NOT FOUND
    expect(svg).to_have_attribute("data-steps", "2", timeout=WAIT_MS)
    picker_b.click()
    picker_b.click()   # B: check -> NOT FOUND too
    expect(svg).to_have_attribute("data-steps", "4", timeout=WAIT_MS)
    expect(svg.locator("[data-thread=B]")).to_contain_text("NOT FOUND")
    # The code panel lights the line each thread ran.
    expect(page.locator("svg[data-diagram=payment-code] .code-line.is-now").first).to_be_visible()
    for _ in range(12):  # one line each in turn until both have answered
        for picker in (picker_a, picker_b):
            step_once(page, picker)
    expect(svg).to_have_attribute("data-charges", "2", timeout=WAIT_MS)
    expect(svg.locator("[data-layer=verdict]")).to_contain_text("DOUBLE CHARGE")
    shot(page, "race-double-charge")
    # With UNIQUE (after a reset: the table refuses the index over duplicates).
    page.locator("[data-control=reset]").click()
    expect(svg).to_have_attribute("data-charges", "0", timeout=WAIT_MS)
    press(page, "Switch UNIQUE on")
    press(page, "Preset: the guide's interleaving (both check first)")
    expect(svg.locator("[data-layer=verdict]")).to_contain_text("DuplicateKeyException",
                                                                timeout=WAIT_MS)
    expect(svg).to_have_attribute("data-charges", "1")
    shot(page, "race-unique")


def test_layer_switches_show_which_failure_gets_through(live_url, page):
    open_step(page, live_url, "layers")
    svg = page.locator("svg[data-diagram=payment-layers]")
    play_at(page, "8")
    press(page, "Layer 1 off: gateway cache OFF")
    expect(svg).to_have_attribute("data-layers-off", "gateway", timeout=WAIT_MS)
    expect(svg.locator("[data-box=gateway]")).to_contain_text("cache OFF")
    press(page, "Layer 3 off: no key check in the consumer")
    expect(svg).to_have_attribute("data-layers-off", "gateway,consumer", timeout=WAIT_MS)
    press(page, "Client retry: pay, the response is lost")
    expect(svg).to_have_attribute("data-double-charges", "1", timeout=WAIT_MS)
    expect(svg.locator("[data-layer=verdict]")).to_contain_text("duplicate got through")
    shot(page, "layers-duplicate-through")
    press(page, "All layers on")
    expect(svg).to_have_attribute("data-layers-off", "", timeout=WAIT_MS)


def test_the_real_database_race_runs_from_the_race_step_and_charts_every_trial(live_url, page):
    open_step(page, live_url, "race")
    panel = page.locator("[data-payrace-panel]")
    panel.scroll_into_view_if_needed()
    expect(panel.locator("[data-payrace-note=sqlite]")).to_contain_text("one writer in at a time")
    panel.locator("select[name=variant]").select_option("naive")
    panel.locator("input[name=threads]").fill("6")
    panel.locator("input[name=trials]").fill("12")
    panel.get_by_role("button", name="Run the race").click()
    result = page.locator("[data-payrace-result]")
    expect(result).to_have_attribute("data-variant", "naive", timeout=WAIT_MS)
    expect(result.locator("rect.bar")).to_have_count(12)
    expect(result.locator("[data-payrace-verdict]")).to_contain_text("never more than one charge")
    result.scroll_into_view_if_needed()
    page.screenshot(path=f"{SHOTS}/lesson-payment-idempotency-payrace.png")


@pytest.mark.parametrize("size", [{"width": 1920, "height": 1080}, {"width": 390, "height": 844}],
                         ids=["1920x1080", "390x844"])
def test_race_and_problem_steps_at_other_sizes(live_url, page, size):
    for slug in ("problem", "race"):
        open_step(page, live_url, slug, size)
        play_at(page, "4")
        press(page, LESSON.step(slug).try_this[0].label)
        page.wait_for_timeout(3000)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"] + 1, f"{slug} scrolls sideways at {size}"
        shot(page, f"{slug}-{size['width']}x{size['height']}")


def test_dark_mode_and_reduced_motion(live_url, browser):
    context = browser.new_context(color_scheme="dark", reduced_motion="reduce", viewport=LAPTOP)
    page = context.new_page()
    try:
        open_step(page, live_url, "problem")
        play_at(page, "4")
        press(page, "Pay $100 (the response will be lost)")
        svg = page.locator("svg[data-diagram=payment-problem]")
        expect(svg.locator(".seq-request").first).to_be_attached(timeout=WAIT_MS)
        # With reduced motion an arrow is drawn whole at once, never growing.
        line = svg.locator(".seq-request line").first
        x2 = line.get_attribute("x2")
        assert float(x2) == 380.0
        ink = page.evaluate("getComputedStyle(document.querySelector("
                            "'svg[data-diagram=payment-problem] .head-label')).fill")
        assert ink != "rgb(31, 42, 51)", "dark mode draws labels in the light ink"
        page.wait_for_timeout(1500)
        shot(page, "problem-dark")
    finally:
        context.close()


def race_started(page):
    """Wait until the browser's model knows the race's two threads (the picker steps them)."""
    page.wait_for_function(
        "() => (document.querySelector('[data-live-sandbox]').liveSandbox"
        ".state.payments.race || []).length === 2", timeout=WAIT_MS)


def test_keyboard_reaches_the_try_buttons_and_the_race_picker(live_url, page):
    open_step(page, live_url, "race")
    start = page.get_by_role("button", name="Start a race (two threads, one key)", exact=True)
    start.focus()
    page.keyboard.press("Enter")
    race_started(page)
    picker = page.get_by_role("button", name="Run thread A's next line")
    picker.focus()
    page.keyboard.press("Enter")
    expect(page.locator("svg[data-diagram=payment-race]")).to_have_attribute("data-steps", "1",
                                                                              timeout=WAIT_MS)


SAFEGUARD_RACES = [
    ("Race with UNIQUE only", "none", "1"),
    ("Race with SELECT ... FOR UPDATE on the key's row", "for_update_key_row", "2"),
    ("Race with SELECT ... FOR UPDATE on the account row", "for_update", "1"),
    ("Race with Redis SETNX (EX 30)", "redis_setnx", "1"),
    ("Race with pg_advisory_xact_lock", "advisory_lock", "1"),
    ("Race with an optimistic version column", "optimistic_version", "1"),
]


def test_safeguards_side_by_side_only_the_missing_row_lock_lets_a_double_charge_through(
        live_url, page):
    open_step(page, live_url, "safeguards")
    svg = page.locator("svg[data-diagram=payment-safeguards]")
    for label, column, charges in SAFEGUARD_RACES:
        press(page, label)
        expect(svg.locator(f'[data-safeguard="{column}"]')).to_have_attribute(
            "data-charges", charges, timeout=WAIT_MS)
    expect(svg.locator('[data-safeguard="redis_setnx"]')).to_contain_text("already")
    expect(svg.locator('[data-safeguard="for_update"]')).to_contain_text("waited for")
    expect(svg.locator("[data-layer=verdict]")).to_contain_text("FOR UPDATE on key row")
    shot(page, "safeguards-side-by-side")


def test_ttl_skipping_a_day_expires_the_key_and_the_late_retry_charges_again(live_url, page):
    open_step(page, live_url, "ttl")
    play_at(page, "8")
    svg = page.locator("svg[data-diagram=payment-ttl]")
    ttl = LESSON.step("ttl")
    labels = [t.label for t in ttl.try_this]
    press(page, labels[0])  # pay, the response is lost, no retry
    expect(svg).to_contain_text("remembered until", timeout=WAIT_MS)
    # The key is claimed (PROCESSING) before the handler finishes: a retry
    # then would rightly get 409. Wait for the first payment to be done.
    done = svg.locator("[data-layer=marks] [data-status=SUCCESS]")
    expect(done).to_have_count(1, timeout=WAIT_MS)
    press(page, labels[1])  # same key inside the day: the cached reply
    expect(svg.locator("[data-layer=verdict]")).to_contain_text("cached reply", timeout=WAIT_MS)
    # Both requests are over (the first client gave up after its 4 s timeout)
    # before the day is skipped: fast_forward is refused while one is in flight.
    page.wait_for_function(
        "() => { const t = document.querySelector('svg[data-diagram=payment-ttl] .now-marker')"
        ".textContent; const m = /now: ([\\d.]+) s/.exec(t);"
        " return m ? Number(m[1]) > 15 : /min|h/.test(t); }", timeout=WAIT_MS)
    shot(page, "ttl-cached")
    before = float(svg.locator(".now-marker").get_attribute("data-x"))
    press(page, labels[2])  # skip 24 hours
    expect(svg.locator(".now-marker")).to_contain_text(re.compile(r"now: 24(\.\d)? h"),
                                                       timeout=WAIT_MS)
    # The marker slid most of the way along the 30 h axis (40..720 units).
    after = float(svg.locator(".now-marker").get_attribute("data-x"))
    assert after > before + 400
    page.wait_for_function(
        "() => { const g = document.querySelector('svg[data-diagram=payment-ttl] .now-marker');"
        " return Math.abs(new DOMMatrix(getComputedStyle(g).transform).e - Number(g.dataset.x))"
        " < 1; }", timeout=WAIT_MS)
    expect(svg).to_have_attribute("data-expired", "1", timeout=WAIT_MS)
    expect(svg).to_contain_text("cleanup deleted")
    shot(page, "ttl-a-day-later")
    press(page, labels[3])  # the same payment again: a new charge
    expect(svg).to_have_attribute("data-new-charge", "true", timeout=WAIT_MS)
    expect(svg.locator("[data-layer=verdict]")).to_contain_text("NEW CHARGE")
    expect(page.get_by_text("The day is compressed")).to_have_count(0)
    shot(page, "ttl-new-charge")


@pytest.mark.parametrize("size", [LAPTOP, {"width": 1920, "height": 1080},
                                  {"width": 390, "height": 844}],
                         ids=["1366x768", "1920x1080", "390x844"])
def test_every_lesson3_label_reads_at_12px_beside_the_code_panel(live_url, page, size):
    from .test_look_and_layout import MIN_LABEL_PX, label_sizes

    for step in LESSON.steps:
        open_step(page, live_url, step.slug, size)
        page.wait_for_timeout(400)  # markers finish their CSS slide
        sizes = label_sizes(page)
        drawn = {s["diagram"] for s in sizes}
        assert {step.diagram, "payment-code"} <= drawn, (step.slug, drawn)
        small = [s for s in sizes if s["px"] < MIN_LABEL_PX]
        assert small == [], (step.slug, size, small[:5])
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= size["width"] + 1, f"{step.slug} scrolls sideways at {size}"
    shot(page, f"labels-{size['width']}x{size['height']}")


SWIPE_CHECK = """(pair) => {
  const hint = getComputedStyle(pair, '::before').content;
  const svg = pair.querySelector('svg.payment-diagram');
  const before = svg.getBoundingClientRect().right;
  pair.scrollLeft = pair.scrollWidth;
  const after = svg.getBoundingClientRect().right;
  pair.scrollLeft = 0;
  return { hint, scrolls: pair.scrollWidth > pair.clientWidth, before, after, width: innerWidth };
}"""


def test_on_a_phone_each_lesson3_diagram_says_it_scrolls_sideways_and_does(live_url, page):
    """At 390 px a payment diagram keeps 600 px (its labels stay readable) inside a
    sideways scroller whose scrollbar a phone hides until touched: the third
    lifeline starts off screen, so the pair says to swipe, and a swipe shows it."""
    for step in LESSON.steps:
        open_step(page, live_url, step.slug, {"width": 390, "height": 844})
        seen = page.locator(".payment-pair").first.evaluate(SWIPE_CHECK)
        assert seen["scrolls"], (step.slug, seen)
        assert "Swipe the diagram sideways" in seen["hint"], (step.slug, seen)
        assert seen["before"] > seen["width"], f"{step.slug}: its right edge is on screen at once"
        assert seen["after"] <= seen["width"], f"{step.slug}: scrolled to its end, cut: {seen}"
    page.locator(".payment-pair").first.evaluate("(pair) => pair.scrollIntoView({block: 'start'})")
    page.screenshot(path=f"{SHOTS}/lesson-payment-idempotency-swipe-hint-390x844.png")
    # Where the diagram fits, no such line.
    open_step(page, live_url, LESSON.steps[0].slug, LAPTOP)
    seen = page.locator(".payment-pair").first.evaluate(SWIPE_CHECK)
    assert not seen["scrolls"] and seen["hint"] in ("none", "normal"), seen
