"""Pages of the sandbox app: the playground."""
import json

from django.shortcuts import render

from learnkafka.core.learners import learner_key_for
from simulator.scenarios import load_scenario

from .services import sandbox_for_learner

PLAYGROUND_SCENARIO = "playground"
ACKS = ("0", "1", "all")
SLOW_MS = 40_000  # longer than replica.lag.time.max.ms (30 s): its followers leave the ISR


def _controls(scenario: dict) -> dict:
    """Buttons' commands, derived from the scenario so they always match it."""
    topic = scenario["topics"][0]["name"]
    producers = [p["name"] for p in scenario.get("producers", [])]
    groups = [g["group"] for g in scenario.get("consumer_groups", [])]
    brokers = list(range(1, scenario["cluster"]["brokers"] + 1))
    # The simulator has no "alter producer config": a producer's acks is changed
    # the way an application does it, by closing it and creating it again.
    acks = [
        {"label": a, "commands": json.dumps([
            c for p in producers for c in (
                {"type": "remove_producer", "producer": p},
                {"type": "add_producer", "producer": p, "configs": {"acks": a}},
            )])}
        for a in ACKS
    ]
    group_controls = [
        {"name": g,
         "add": json.dumps({"type": "add_consumer", "group": g, "topics": [topic]}),
         "remove": json.dumps({"type": "remove_consumer"})}
        for g in groups
    ]
    last_partition = scenario["topics"][0]["partitions"] - 1
    return {"topic": topic, "last_partition": last_partition, "producers": producers,
            "brokers": brokers, "acks_choices": acks,
            "groups": group_controls, "slow_ms": SLOW_MS, "slow_ms_s": SLOW_MS // 1000}


def playground(request):
    """This visitor's own live cluster (the same one on every visit)."""
    sandbox = sandbox_for_learner(learner_key=learner_key_for(request),
                                  scenario=PLAYGROUND_SCENARIO)
    context = {"sandbox": sandbox, **_controls(load_scenario(PLAYGROUND_SCENARIO))}
    return render(request, "sandbox/playground.html", context)
