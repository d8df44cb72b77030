"""Pages of the sandbox app: the playground."""
from django.shortcuts import render

from .services import sandbox_for_request

PLAYGROUND_SCENARIO = "playground"
PRODUCERS = ("A", "B")
BROKERS = (1, 2, 3)
SPEEDS = ("0.25", "0.5", "1", "2", "4", "8")


def playground(request):
    """This visitor's own live cluster (the same one on every visit)."""
    sandbox = sandbox_for_request(request=request, scenario=PLAYGROUND_SCENARIO)
    return render(request, "sandbox/playground.html", {
        "sandbox": sandbox, "producers": PRODUCERS, "brokers": BROKERS, "speeds": SPEEDS,
    })
