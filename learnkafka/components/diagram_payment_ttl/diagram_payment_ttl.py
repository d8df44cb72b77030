"""`diagram_payment_ttl`: skeleton of lesson 3's `payment-ttl` diagram.

A time axis over 30 simulated hours: when the key was created, when it expires (24 h
later), when the cleanup deletes it, and whether the client's late retry got the cached
reply or became a new charge.

The skeleton ships what never changes (title, description, fixed labels, one
empty layer per kind of thing) and the code panel beside it
(`diagram_payment_code`); static/js/diagrams/payment-ttl.js fills the layers from
the live sandbox's payments state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_payment_ttl")
class DiagramPaymentTtl(Component):
    template_file = "diagram_payment_ttl.html"

    class Kwargs(NamedTuple):
        title: str = "TTL: keys are remembered for 24 hours"
        code_panel: bool = True

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return kwargs._asdict()
