"""`diagram_payment_race`: skeleton of lesson 3's `payment-race` diagram.

Two lanes, thread A and thread B, each listing the handler lines it ran and what they
found; between them the database's rows and the verdict: DuplicateKeyException, or a
double charge.

The skeleton ships what never changes (title, description, fixed labels, one
empty layer per kind of thing) and the code panel beside it
(`diagram_payment_code`); static/js/diagrams/payment-race.js fills the layers from
the live sandbox's payments state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_payment_race")
class DiagramPaymentRace(Component):
    template_file = "diagram_payment_race.html"

    class Kwargs(NamedTuple):
        title: str = "The race: thread A and thread B with one key"
        code_panel: bool = True

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return kwargs._asdict()
