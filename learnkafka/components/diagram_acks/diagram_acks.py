"""`diagram_acks`: the server-rendered skeleton of the `acks` lesson diagram:
three producers writing the same way with acks=0, acks=1 and acks=all, side by side, and
whether what each was told still holds.

The skeleton ships what never changes (title, description, fixed arrows, one
empty layer per kind of thing); static/js/diagrams/acks.js fills the
layers from the live sandbox state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_acks")
class DiagramAcks(Component):
    template_file = "diagram_acks.html"

    class Kwargs(NamedTuple):
        title: str = "acks=0, acks=1 and acks=all side by side"
        topic: str = "payments"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        # The template sees exactly the typed kwargs, nothing derived.
        return kwargs._asdict()
