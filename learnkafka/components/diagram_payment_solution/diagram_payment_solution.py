"""`diagram_payment_solution`: skeleton of lesson 3's `payment-solution` diagram.

The same sequence with an Idempotency-Key: the retry finds the key in idempotency_store
and gets the cached 200 OK; the balance stays 400.

The skeleton ships what never changes (title, description, fixed labels, one
empty layer per kind of thing) and the code panel beside it
(`diagram_payment_code`); static/js/diagrams/payment-solution.js fills the layers from
the live sandbox's payments state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_payment_solution")
class DiagramPaymentSolution(Component):
    template_file = "diagram_payment_solution.html"

    class Kwargs(NamedTuple):
        title: str = "The solution: an idempotency key and the cached reply"
        code_panel: bool = True

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return kwargs._asdict()
