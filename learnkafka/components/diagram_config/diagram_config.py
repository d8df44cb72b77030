"""`diagram_config`: the server-rendered skeleton of the `config` lesson diagram:
the running cluster the config table's controls act on: replicas and ISR per partition,
the last write, the consumer's last poll.

The skeleton ships what never changes (title, description, fixed arrows, one
empty layer per kind of thing); static/js/diagrams/config.js fills the
layers from the live sandbox state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_config")
class DiagramConfig(Component):
    template_file = "diagram_config.html"

    class Kwargs(NamedTuple):
        title: str = "The cluster the config controls act on"
        topic: str = "orders"
        consumer: str = "c1"
        group: str = "billing"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        # The template sees exactly the typed kwargs, nothing derived.
        return kwargs._asdict()
