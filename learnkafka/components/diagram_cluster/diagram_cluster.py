"""`diagram_cluster`: the server-rendered skeleton of the guide's cluster picture.

The skeleton holds what never changes (frame, titles, legend, arrow markers and
one empty <g> per layer); static/js/diagrams/cluster.js fills the layers from
the sandbox state on every frame. Put it inside a `live_sandbox` component, or
inside an element with data-static-state for a still picture.
"""
from typing import NamedTuple

from django_components import Component, register


@register("diagram_cluster")
class DiagramCluster(Component):
    template_file = "diagram_cluster.html"

    class Kwargs(NamedTuple):
        title: str = "Kafka cluster: producers, brokers, controller quorum, consumer groups"

    def get_template_data(self, args, kwargs: Kwargs, slots, context):
        return {"title": kwargs.title}
