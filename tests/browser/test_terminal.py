"""The in-browser Kafka terminal, as a learner meets it in the playground: real Chromium,
real Daphne, the learner's own simulated cluster (learnkafka/components/terminal)."""
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SLOW = 30_000  # ms: generous waits for a shared, busy 2-core machine (load ~10-25)


@pytest.fixture(autouse=True)
def patient_waits():
    """Every wait in this module is generous, not only the marked ones (restored after)."""
    expect.set_options(timeout=SLOW)
    yield
    expect.set_options(timeout=5_000)  # Playwright's default
B = "--bootstrap-server broker-1:9092"


def open_playground(page, live_url, width=1366, height=900):
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"{live_url}/playground/")
    expect(page.locator("[data-live-sandbox]")).to_have_attribute("data-live-state", "live",
                                                                  timeout=SLOW)
    expect(page.locator('svg[data-diagram="cluster"] [data-broker]')).to_have_count(3,
                                                                                   timeout=SLOW)
    return page.locator("[data-terminal-input]")


def output(page):
    return page.locator("[data-terminal-output]")


def run(page, line):
    """Type a line and wait until its answer arrived (nothing pending)."""
    box = page.locator("[data-terminal-input]")
    box.fill(line)
    box.press("Enter")
    expect(page.locator("[data-terminal]")).not_to_have_attribute("data-pending", r".+",
                                                                  timeout=SLOW)


def test_tab_completes_tools_flags_topics_and_groups_and_history_walks_back(live_url, page,
                                                                             screenshot):
    box = open_playground(page, live_url)
    box.click()
    box.type("kafka-top")
    box.press("Tab")
    expect(box).to_have_value("kafka-topics.sh ")
    box.type("--boot")
    box.press("Tab")
    expect(box).to_have_value("kafka-topics.sh --bootstrap-server ")
    box.press("Tab")
    expect(box).to_have_value(f"kafka-topics.sh {B} ")
    box.type("--li")
    box.press("Tab")
    expect(box).to_have_value(f"kafka-topics.sh {B} --list ")
    box.press("Enter")
    expect(output(page)).to_contain_text("__consumer_offsets\norders\n", timeout=SLOW)

    # Several tools share "kafka-con": Tab lists them, as a shell does.
    box.type("kafka-con")
    box.press("Tab")
    expect(output(page)).to_contain_text("kafka-configs.sh  kafka-console-consumer.sh  "
                                         "kafka-console-producer.sh  kafka-consumer-groups.sh")
    box.fill("")
    # Topics and groups come from the live cluster.
    box.type(f"kafka-get-offsets.sh {B} --topic or")
    box.press("Tab")
    expect(box).to_have_value(f"kafka-get-offsets.sh {B} --topic orders ")
    box.press("Enter")
    expect(output(page)).to_contain_text("orders:0:0\norders:1:0\norders:2:0", timeout=SLOW)
    box.type(f"kafka-consumer-groups.sh {B} --describe --group ")
    box.press("Tab")
    expect(output(page)).to_contain_text("1  2")
    box.type("2")
    # Described while its first rebalance runs, the group has no rows yet and the
    # tool says only "Warning: Consumer group '2' is rebalancing." (as Kafka's
    # ConsumerGroupCommand does): wait for it to settle, a condition, not a sleep.
    page.wait_for_function(
        "() => { const g = document.querySelector('[data-live-sandbox]').liveSandbox"
        ".state.groups['2']; return g && g.state === 'Stable'; }", timeout=SLOW)
    box.press("Enter")
    expect(output(page)).to_contain_text("GROUP           TOPIC           PARTITION", timeout=SLOW)

    # History: Up walks back through what ran, Down comes forward to the draft.
    box.type("half-typed")
    box.press("ArrowUp")
    expect(box).to_have_value(f"kafka-consumer-groups.sh {B} --describe --group 2")
    box.press("ArrowUp")
    expect(box).to_have_value(f"kafka-get-offsets.sh {B} --topic orders ")
    box.press("ArrowDown")
    box.press("ArrowDown")
    expect(box).to_have_value("half-typed")
    screenshot(page, "completion-and-history")

    # Ctrl-C drops the line; clear empties the screen.
    box.press("Control+c")
    expect(box).to_have_value("")
    expect(output(page)).to_contain_text("half-typed^C")
    run(page, "clear")
    expect(output(page)).to_have_text("")


def test_output_goes_only_to_the_browser_that_asked(live_url, browser, screenshot):
    first = browser.new_context()
    page1 = first.new_page()
    open_playground(page1, live_url)
    # A second browser context with the same learner's cookie: the same sandbox,
    # a second socket (as a second device of the same learner would be).
    second = browser.new_context()
    second.add_cookies(first.cookies())
    page2 = second.new_page()
    open_playground(page2, live_url)
    assert page1.locator("[data-live-sandbox]").get_attribute("data-sandbox-id") == \
        page2.locator("[data-live-sandbox]").get_attribute("data-sandbox-id")

    run(page1, f"kafka-consumer-groups.sh {B} --list")
    expect(output(page1)).to_contain_text("$ kafka-consumer-groups.sh")
    expect(output(page1)).to_contain_text("\n1\n2\n")
    # The other browser's terminal asks too: its first answer is its own.
    run(page2, f"kafka-topics.sh {B} --list --exclude-internal")
    expect(output(page2)).to_contain_text("orders")
    expect(output(page2)).not_to_contain_text(f"$ kafka-consumer-groups.sh {B} --list")
    expect(output(page2)).not_to_contain_text("\n1\n2\n")
    expect(output(page1)).not_to_contain_text("--exclude-internal")

    # A changing tool: applied once, through the simulation, and drawn in both browsers.
    run(page1, f"kafka-topics.sh {B} --alter --topic orders --partitions 4")
    for page in (page1, page2):
        expect(page.locator('svg[data-diagram="cluster"] [data-replica^="orders/3/"]')
               ).to_have_count(3, timeout=SLOW)
    run(page1, f"kafka-topics.sh {B} --create --topic payments --partitions 2")
    expect(output(page1)).to_contain_text("Created topic payments.")
    run(page2, f"kafka-topics.sh {B} --list --exclude-internal")
    expect(output(page2)).to_contain_text("orders\npayments\n")
    expect(output(page2)).not_to_contain_text("Created topic payments.")
    screenshot(page1, "asker")
    screenshot(page2, "other-browser")
    first.close()
    second.close()


def test_console_producer_reads_lines_until_ctrl_c_and_values_stay_text(live_url, page):
    box = open_playground(page, live_url)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    run(page, f"kafka-console-producer.sh {B} --topic orders --property parse.key=true "
              "--property key.separator=:")
    expect(page.locator("[data-terminal-prompt]")).to_have_text(">")
    hostile = "<img src=x onerror=alert(1)>"
    run(page, f"k1:{hostile}")
    # Ctrl-C closes the producer, which waits until its record is acknowledged (as
    # KafkaProducer.close() does): the shell prompt comes back only then.
    box.press("Control+c")
    expect(page.locator("[data-terminal-prompt]")).to_have_text("$", timeout=SLOW)
    expect(output(page)).not_to_contain_text("not yet acknowledged")
    # So the record is readable at once; and a consumer short of --max-messages would
    # wait for it anyway (ConsoleConsumer.process) while the sandbox plays.
    run(page, f"kafka-console-consumer.sh {B} --topic orders --from-beginning "
              "--property print.key=true --max-messages 1")
    expect(output(page)).to_contain_text(f"k1\t{hostile}\nProcessed a total of 1 messages",
                                         timeout=SLOW)
    expect(page.locator("[data-terminal-output] img")).to_have_count(0)
    assert dialogs == []


def test_copy_puts_the_output_on_the_clipboard(live_url, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    page = context.new_page()
    open_playground(page, live_url)
    run(page, f"kafka-topics.sh {B} --list --exclude-internal")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert f"$ kafka-topics.sh {B} --list --exclude-internal\norders\n" in copied
    context.close()


@pytest.mark.parametrize("width,height", [(1366, 768), (1920, 1080), (390, 844)])
def test_playground_with_terminal_and_logs_fits_each_screen(live_url, page, screenshot, width,
                                                            height):
    open_playground(page, live_url, width, height)
    page.get_by_role("button", name="Add consumer to group 1", exact=True).click()
    expect(page.locator("[data-log-lines] li").first).to_be_visible(timeout=SLOW)
    run(page, f"kafka-consumer-groups.sh {B} --describe --group 1 --state")
    expect(output(page)).to_contain_text("COORDINATOR (ID)", timeout=SLOW)
    # Nothing wider than the screen: the terminal scrolls inside itself.
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"page is {overflow}px wider than a {width}px screen"
    for part in ("[data-terminal]", "[data-log-panel]"):
        box = page.locator(part).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, part
    page.locator("[data-terminal]").scroll_into_view_if_needed()
    path = screenshot(page, f"{width}x{height}")
    # The tools at the size the learner reads them (the full page shrinks on a phone).
    page.locator(".tools-row").screenshot(path=str(path).replace(".png", "-tools.png"))
