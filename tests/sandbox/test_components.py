"""The live-sandbox components render the hooks static/js/live/boot.js looks for."""
from django.template import Context, Template


def render(source: str) -> str:
    return Template(source).render(Context({}))


def test_live_sandbox_wraps_its_content_with_socket_path_and_live_regions():
    html = render('{% component "live_sandbox" sandbox_id="abcDEF123_-xyz456789012" label="ISR" %}'
                  '<svg data-diagram="isr"></svg>{% endcomponent %}')
    assert 'data-live-sandbox="/ws/sandbox/abcDEF123_-xyz456789012/"' in html
    assert 'aria-label="ISR"' in html
    assert '<svg data-diagram="isr"></svg>' in html
    assert 'data-narrator aria-live="polite"' in html
    assert 'data-live-error role="alert"' in html
    assert "<script" not in html


def test_a_hostile_label_is_escaped():
    html = render('{% component "live_sandbox" sandbox_id="x" label="<b onclick=1>" %}'
                  '{% endcomponent %}')
    assert "<b onclick=1>" not in html and "&lt;b onclick=1&gt;" in html


def test_cluster_diagram_skeleton_has_every_layer_the_module_fills():
    html = render('{% component "diagram_cluster" / %}')
    assert 'data-diagram="cluster"' in html
    for layer in ("links", "producers", "brokers", "controllers", "groups", "messages"):
        assert f'data-layer="{layer}"' in html


def test_time_controls_offer_every_clock_action_and_all_speeds():
    html = render('{% component "sandbox_time_controls" id_prefix="isr" rewind_ms=10000 / %}')
    for control in ("play", "pause", "step", "rewind", "reset", "speed"):
        assert f'data-control="{control}"' in html
    assert 'data-rewind-ms="10000"' in html and "Rewind 10 s" in html
    assert 'id="isr-speed"' in html and '<label for="isr-speed">' in html
    assert html.count("<option") == 6


def test_terminal_renders_its_hooks_and_completion_data():
    import json
    import re

    html = render('{% component "terminal" id_prefix="pg" hint="kafka-topics.sh --list" / %}')
    for hook in ("data-terminal", "data-terminal-output", "data-terminal-input",
                 "data-terminal-prompt", "data-terminal-copy", "data-terminal-clear"):
        assert hook in html
    assert 'role="log"' in html and 'for="pg-terminal-input"' in html
    data = json.loads(re.search(r'<script id="pg-terminal-data" type="application/json">'
                                r"(.*?)</script>", html, re.S).group(1))
    assert "kafka-consumer-groups" in data["tools"]
    assert "--reset-offsets" in data["options"]["kafka-consumer-groups"]
    assert "# try: kafka-topics.sh --list" in html


def test_log_panel_renders_its_filters_and_list():
    html = render('{% component "log_panel" id_prefix="pg" / %}')
    for name in ("source", "level", "client"):
        assert f'data-log-filter="{name}"' in html
    assert "data-log-lines" in html and 'role="listbox"' in html
    assert 'for="pg-log-level"' in html and 'id="pg-log-level"' in html
