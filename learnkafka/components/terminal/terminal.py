"""`terminal`: a keyboard-first Kafka command line on the live cluster around it.

Put it inside a `live_sandbox` component (the playground does; a lesson step
turns it on with ``terminal: true``, see docs/protocol.md "The terminal"). The
learner types Kafka's tools (`simulator.tools.cli`); each line goes over the
sandbox's socket as ``{"type": "cli", "line": ..., "id": ...}`` and the answer
(`cli_output`) comes back to this browser only. static/js/terminal/terminal.js
does the keyboard: history (Up/Down), Tab completion of tools, flags, topics and
groups, Ctrl-C, Ctrl-L / `clear`, copy. Everything it shows is text
(textContent), never markup.

    {% component "terminal" id_prefix="pg" / %}
"""
from typing import NamedTuple

from django_components import Component, register

from simulator.tools.cli import tool_names, tool_options


def completion_data() -> dict:
    """Tools and their flags for Tab completion (topics and groups come live from the
    browser's model of the cluster)."""
    return {"tools": list(tool_names()),
            "options": {t: list(tool_options(t)) for t in tool_names()},
            "bootstrap": "broker-1:9092"}


@register("terminal")
class Terminal(Component):
    template_file = "terminal.html"

    class Kwargs(NamedTuple):
        id_prefix: str = "term"
        label: str = "Terminal"
        # A line shown before the prompt, e.g. the command a lesson step suggests.
        hint: str = ""

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return {"input_id": f"{kwargs.id_prefix}-terminal-input",
                "data_id": f"{kwargs.id_prefix}-terminal-data",
                "label": kwargs.label, "hint": kwargs.hint,
                "completion": completion_data()}
