"""`diagram_payment_outbox`: skeleton of lesson 3's `payment-outbox` diagram.

The payment service writes the payment (and with the outbox, an outbox row) in one
transaction; a relay publishes outbox rows to the topic payment-events. A crash between
commit and publish: events lost or duplicated, counted.

The skeleton ships what never changes (title, description, fixed labels, one
empty layer per kind of thing) and the code panel beside it
(`diagram_payment_code`); static/js/diagrams/payment-outbox.js fills the layers from
the live sandbox's payments state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_payment_outbox")
class DiagramPaymentOutbox(Component):
    template_file = "diagram_payment_outbox.html"

    class Kwargs(NamedTuple):
        title: str = "The outbox: the payment and its event in one transaction"
        code_panel: bool = True

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return kwargs._asdict()
