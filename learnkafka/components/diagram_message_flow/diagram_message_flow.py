"""`diagram_message_flow`: the server-rendered skeleton of the `message-flow` lesson diagram:
the six steps of a record's life (producer, leader, followers, consumer), each lit by the
engine event that performs it.

The skeleton ships what never changes (title, description, fixed arrows, one
empty layer per kind of thing); static/js/diagrams/message-flow.js fills the
layers from the live sandbox state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_message_flow")
class DiagramMessageFlow(Component):
    template_file = "diagram_message_flow.html"

    class Kwargs(NamedTuple):
        title: str = "A record's life in six steps"
        topic: str = "orders"
        producer: str = "A"
        group: str = "payment-service"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        # The template sees exactly the typed kwargs, nothing derived.
        return kwargs._asdict()
