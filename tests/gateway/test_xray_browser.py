"""The playground as a learner meets the gateway: the connect panel shows the
token and snippets; a real kafka-python producer's requests and responses
appear, decoded, in the protocol X-ray; the list works from the keyboard.
Screenshots at 1366x768, 1920x1080 and 390x844 (dark mode on the phone)."""
from __future__ import annotations

import os

import pytest
from kafka import KafkaProducer
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SLOW = 60_000


def _open(page, gateway, width, height, scheme="light"):
    page.set_viewport_size({"width": width, "height": height})
    page.emulate_media(color_scheme=scheme)
    page.goto(f"{gateway.url}/playground/")
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live",
                                                                  timeout=SLOW)


def _produce(gateway, token: str, n: int = 3) -> None:
    producer = KafkaProducer(bootstrap_servers=gateway.bootstrap,
                             security_protocol="SASL_PLAINTEXT", sasl_mechanism="PLAIN",
                             sasl_plain_username=token, sasl_plain_password="-",
                             max_block_ms=60_000)
    try:
        for i in range(n):
            producer.send("orders", key=f"customer-{i}".encode(), value=b"hi").get(timeout=60)
    finally:
        producer.close(timeout=10)


@pytest.mark.parametrize("width,height,scheme", [(1366, 768, "light"), (1920, 1080, "dark"),
                                                 (390, 844, "dark")])
def test_the_xray_shows_a_real_clients_requests(gateway, page, screenshot, width, height,
                                                 scheme):
    _open(page, gateway, width, height, scheme)
    panel = page.locator("[data-gateway-connect]")
    panel.locator("summary").click()
    token = page.locator("[data-gateway-token]").input_value()
    assert token.startswith("lk-")
    expect(panel.locator("#gw-snippet-kafka-python")).to_contain_text(token)
    expect(panel.locator("#gw-snippet-kcat")).to_contain_text(f"sasl.username={token}")

    _produce(gateway, token)
    lines = page.locator("[data-xray-lines] li")
    produced = lines.filter(has_text="← produce")
    expect(produced.first).to_be_visible(timeout=SLOW)
    expect(lines.filter(has_text="→ produce").first).to_contain_text("records=")
    expect(lines.filter(has_text="← metadata").first).to_contain_text("brokers 1,2,3")
    expect(lines.filter(has_text="connected").first).to_be_visible()
    expect(page.locator("[data-xray-empty]")).to_be_hidden()
    # Labels are readable: at least 12 px.
    sizes = page.evaluate("""[...document.querySelectorAll(
        '[data-xray] .xray-bar label, [data-xray-lines] li, .xray-title, .xray-bar button')]
        .map(e => parseFloat(getComputedStyle(e).fontSize))""")
    assert sizes and min(sizes) >= 12, sizes

    # Keyboard: focus the list, Down/Up choose a line, its decoded fields show.
    page.locator("[data-xray-lines]").focus()
    page.keyboard.press("Enter")
    expect(page.locator("[data-xray-lines] li[aria-selected=true]")).to_have_count(1)
    expect(page.locator("[data-xray-detail]")).to_be_visible()
    page.keyboard.press("ArrowUp")
    expect(page.locator("[data-xray-detail]")).not_to_be_empty()
    page.locator("[data-xray]").scroll_into_view_if_needed()
    shot = screenshot(page, f"xray-{width}x{height}-{scheme}")
    page.locator("[data-xray]").screenshot(path=str(shot.with_name(shot.stem + "-panel.png")))


def test_a_viewer_sees_no_token(gateway, page, browser):
    _open(page, gateway, 1366, 768)
    # A stranger opening the owner's sandbox link gets no playground of theirs;
    # the page a viewer could see is the owner's, which only the owner opens.
    # What we can check from outside: another browser gets its own, different token.
    own = page.locator("[data-gateway-token]").input_value()
    other = browser.new_context()
    try:
        second = other.new_page()
        second.goto(f"{gateway.url}/playground/")
        theirs = second.locator("[data-gateway-token]").input_value()
    finally:
        other.close()
    assert own != theirs
