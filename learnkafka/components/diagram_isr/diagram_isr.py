"""`diagram_isr`: the server-rendered skeleton of the `isr` lesson diagram:
the in-sync replicas of one partition: each replica's log end offset, its ISR badge, the
high watermark and fetches in flight.

The skeleton ships what never changes (title, description, fixed arrows, one
empty layer per kind of thing); static/js/diagrams/isr.js fills the
layers from the live sandbox state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_isr")
class DiagramIsr(Component):
    template_file = "diagram_isr.html"

    class Kwargs(NamedTuple):
        title: str = "In-sync replicas of one partition"
        topic: str = "orders"
        partition: str = "0"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        # The template sees exactly the typed kwargs, nothing derived.
        return kwargs._asdict()
