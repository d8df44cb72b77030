"""`sandbox_time_controls`: play, pause, step, rewind, reset and speed for a live sandbox.

Plain buttons with data-control attributes (static/js/live/boot.js wires them,
keyboard included); put it inside a `live_sandbox` component. `id_prefix` keeps
the speed select's id unique when a page holds several sandboxes.

    {% component "sandbox_time_controls" id_prefix="isr" / %}
"""
from typing import NamedTuple

from django_components import Component, register

SPEEDS = ("0.25", "0.5", "1", "2", "4", "8")


@register("sandbox_time_controls")
class SandboxTimeControls(Component):
    template_file = "sandbox_time_controls.html"

    class Kwargs(NamedTuple):
        id_prefix: str = "sandbox"
        rewind_ms: int = 5000

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return {"speed_id": f"{kwargs.id_prefix}-speed", "speeds": SPEEDS,
                "rewind_ms": kwargs.rewind_ms, "rewind_s": kwargs.rewind_ms // 1000}
