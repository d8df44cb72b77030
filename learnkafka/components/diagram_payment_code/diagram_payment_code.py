"""`diagram_payment_code`: the code panel beside every payment diagram.

The simulation's handler source (handler_lines.py wraps
simulator/extensions/payments/handler.py `SOURCE`), one <text> per drawn line
carrying its line id;
static/js/diagrams/payment-code.js lights the line the simulated request is
executing now (the latest handler step in the payments events) and says which
request and thread it is.
"""

from typing import NamedTuple

from django_components import Component, register

from .handler_lines import INDENT, LEFT, LINE_HEIGHT, TOP, wrapped_lines


@register("diagram_payment_code")
class DiagramPaymentCode(Component):
    template_file = "diagram_payment_code.html"

    class Kwargs(NamedTuple):
        title: str = "PaymentService.processPayment, the guide's idempotent handler"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        lines = [
            {"number": number or "", "step": step, "text": text, "x": LEFT + INDENT * indent,
             "y": TOP + LINE_HEIGHT * (i + 1)}
            for i, (step, indent, text, number) in enumerate(wrapped_lines())
        ]
        height = TOP + LINE_HEIGHT * (len(lines) + 1) + 22
        return {"title": kwargs.title, "lines": lines, "height": height,
                "gutter": LEFT - 8, "line_height": LINE_HEIGHT, "top": TOP}
