"""`diagram_payment_problem`: skeleton of lesson 3's `payment-problem` diagram.

A sequence diagram with three lifelines: client, payment service, database. Each arrow
is a message on the simulator's clock: the payment, the database work, the response that
is lost, the client's timeout and retry, and the balance going from 500 to 400 to 300.

The skeleton ships what never changes (title, description, fixed labels, one
empty layer per kind of thing) and the code panel beside it
(`diagram_payment_code`); static/js/diagrams/payment-problem.js fills the layers from
the live sandbox's payments state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_payment_problem")
class DiagramPaymentProblem(Component):
    template_file = "diagram_payment_problem.html"

    class Kwargs(NamedTuple):
        title: str = "The problem: a lost response, a retry, a double deduction"
        code_panel: bool = True

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return kwargs._asdict()
