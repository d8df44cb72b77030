"""`diagram_payment_safeguards`: skeleton of lesson 3's `payment-safeguards` diagram.

One column per safeguard (UNIQUE alone, SELECT FOR UPDATE, Redis SETNX, advisory lock,
optimistic version, and the Redis lock that expires too early): who charged, who waited
and how long, who was told already locked or got the cached reply.

The skeleton ships what never changes (title, description, fixed labels, one
empty layer per kind of thing) and the code panel beside it
(`diagram_payment_code`); static/js/diagrams/payment-safeguards.js fills the layers from
the live sandbox's payments state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_payment_safeguards")
class DiagramPaymentSafeguards(Component):
    template_file = "diagram_payment_safeguards.html"

    class Kwargs(NamedTuple):
        title: str = "The safeguards side by side"
        code_panel: bool = True

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return kwargs._asdict()
