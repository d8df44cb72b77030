"""`diagram_payment_ledger`: the skeleton of the `transactions` table as a picture.

Used by the click-on-the-diagram question "which row is the double
deduction?" (learnkafka/quizzes/scenarios/payment_double_deduction.py):
static/js/diagrams/payment-ledger.js draws one clickable row per committed
row of the payments extension's `transactions` table (snapshot()["payments"])
and the account's balance. Inside an element with data-static-state.
"""
from typing import NamedTuple

from django_components import Component, register


@register("diagram_payment_ledger")
class DiagramPaymentLedger(Component):
    template_file = "diagram_payment_ledger.html"

    class Kwargs(NamedTuple):
        title: str = "The transactions table: one row per committed deduction"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return {"title": kwargs.title}
