"""`diagram_partition_log`: the server-rendered skeleton of the `partition-log` lesson diagram:
one partition as cells old to new, with log start offset, high watermark, log end offset
and a group's committed offset.

The skeleton ships what never changes (title, description, fixed arrows, one
empty layer per kind of thing); static/js/diagrams/partition-log.js fills the
layers from the live sandbox state on every frame. Put it inside a
`live_sandbox` component.
"""

from typing import NamedTuple

from django_components import Component, register


@register("diagram_partition_log")
class DiagramPartitionLog(Component):
    template_file = "diagram_partition_log.html"

    class Kwargs(NamedTuple):
        title: str = "Partition 0 as a log: offsets, HW, LEO, committed offset"
        topic: str = "orders"
        partition: str = "0"
        group: str = "payment-service"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        # The template sees exactly the typed kwargs, nothing derived.
        return kwargs._asdict()
