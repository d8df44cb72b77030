"""`diagram_idempotency_store`: skeleton of lesson 3's `idempotency-store` diagram.

The rows of idempotency_store as the handler writes them: key, status (PROCESSING,
SUCCESS, FAILED), response code, created_at and expires_at, committed or not; the
account balance and the last answers beside them.

The skeleton ships what never changes (title, description, fixed labels, one
empty layer per kind of thing) and the code panel beside it
(`diagram_payment_code`); static/js/diagrams/idempotency-store.js fills the layers from
the live sandbox's payments state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_idempotency_store")
class DiagramIdempotencyStore(Component):
    template_file = "diagram_idempotency_store.html"

    class Kwargs(NamedTuple):
        title: str = "The idempotency_store table, live"
        code_panel: bool = True

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return kwargs._asdict()
