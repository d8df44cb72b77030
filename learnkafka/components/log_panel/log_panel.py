"""`log_panel`: the consumer applications' log and the brokers' log, live.

Put it inside a `live_sandbox` component. Each ``events`` frame carries
``logs``: the lines Kafka writes for those events (simulator/tools/logs.py).
static/js/logs/log-panel.js appends them as text (never markup), filterable by
log (client or broker), level and client; selecting a line lights the diagram
part it is about (a consumer or a broker) and announces it as a
``diagram:select`` event, as clicking that part would.

    {% component "log_panel" id_prefix="pg" / %}
"""
from typing import NamedTuple

from django_components import Component, register


@register("log_panel")
class LogPanel(Component):
    template_file = "log_panel.html"

    class Kwargs(NamedTuple):
        id_prefix: str = "logs"
        label: str = "Logs"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        p = kwargs.id_prefix
        return {"label": kwargs.label, "source_id": f"{p}-log-source",
                "level_id": f"{p}-log-level", "client_id": f"{p}-log-client"}
