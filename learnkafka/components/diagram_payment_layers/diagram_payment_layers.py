"""`diagram_payment_layers`: skeleton of lesson 3's `payment-layers` diagram.

Client, API gateway with its cache, the Kafka topic payment-requests with an idempotent
producer, the payment consumer with its database check: each layer's switch, the
failures sent at it, and whether a double charge got through.

The skeleton ships what never changes (title, description, fixed labels, one
empty layer per kind of thing) and the code panel beside it
(`diagram_payment_code`); static/js/diagrams/payment-layers.js fills the layers from
the live sandbox's payments state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_payment_layers")
class DiagramPaymentLayers(Component):
    template_file = "diagram_payment_layers.html"

    class Kwargs(NamedTuple):
        title: str = "Three layers of idempotency"
        code_panel: bool = True

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return kwargs._asdict()
