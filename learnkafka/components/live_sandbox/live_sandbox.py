"""`live_sandbox`: the container a live diagram lives in.

Renders [data-live-sandbox="<ws path>"] around its default slot (the diagram's
svg[data-diagram] and any controls), plus the status line, the error region and
the screen-reader narrator that static/js/live/boot.js fills in, and a
"Full screen" button (hidden until static/js/live/fullscreen.js, which the
page loads beside boot.js, shows it). Get the id with
`learnkafka.sandbox.services.sandbox_for_learner(learner_key=..., scenario=...)`.

    {% component "live_sandbox" sandbox_id=sandbox.public_id label="Cluster" %}
      <svg data-diagram="cluster" ...>...</svg>
    {% endcomponent %}
"""
from typing import NamedTuple

from django_components import Component, register


@register("live_sandbox")
class LiveSandbox(Component):
    template_file = "live_sandbox.html"

    class Kwargs(NamedTuple):
        sandbox_id: str
        label: str = "Live simulation"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return {
            "ws_path": f"/ws/sandbox/{kwargs.sandbox_id}/",
            "sandbox_id": kwargs.sandbox_id,
            "label": kwargs.label,
        }
