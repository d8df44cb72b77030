"""`diagram_consumer_groups`: the server-rendered skeleton of the `consumer-groups` lesson diagram:
a topic's partitions and each consumer group's members, with a line from every partition
to its owner in each group.

The skeleton ships what never changes (title, description, fixed arrows, one
empty layer per kind of thing); static/js/diagrams/consumer-groups.js fills the
layers from the live sandbox state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_consumer_groups")
class DiagramConsumerGroups(Component):
    template_file = "diagram_consumer_groups.html"

    class Kwargs(NamedTuple):
        title: str = "Consumer group assignment"
        topic: str = "orders"
        groups: str = "payment-service,analytics-service"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        # The template sees exactly the typed kwargs, nothing derived.
        return kwargs._asdict()
