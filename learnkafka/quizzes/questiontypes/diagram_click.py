"""Click on the diagram: pick a part of a diagram drawn from a simulator snapshot.

YAML: `scenario`, the name of a diagram generator in
`learnkafka.quizzes.scenarios` (e.g. `isr-lagging-follower`). The generator
runs the simulator to a state (seeded: the attempt's seed picks which broker
lags, which partition is asked about...), returns its snapshot, names the
diagram module that draws it (`static/js/diagrams/<name>.js`), and lists the
clickable parts by their data attribute value (`data-replica="orders/0/3"`).
The right part is read off the snapshot, i.e. off the simulator.

In the browser each part is a focusable button; without JavaScript the same
parts are offered as radio buttons labelled with what the diagram shows.
"""

from __future__ import annotations

from learnkafka.components.diagrams import diagram_component

from .. import scenarios
from .base import ContentError, Grade, InvalidResponse, Question, require_str, rng_for

NAME = "diagram_click"

# Diagram modules a question can draw, and the component holding each one's
# SVG skeleton (templates/quizzes/types/diagram_click.html includes it).
SUPPORTED_DIAGRAMS = {"cluster": diagram_component("cluster"),
                      "payment-ledger": diagram_component("payment-ledger")}


def parse(raw: dict, *, where: str) -> dict:
    name = require_str(raw, "scenario", where)
    generator = scenarios.get(name)
    if generator is None or generator.KIND != "diagram":
        raise ContentError(f"{where}: '{name}' is not a diagram scenario")
    return {"scenario": name}


def state_for(question: Question, *, seed: int) -> dict:
    """Parameters, snapshot, clickable targets and the answer, all from the simulator."""
    generator = scenarios.get(question.spec["scenario"])
    params = generator.draw(rng_for(seed, question.id))
    return generator.build(params, seed=seed)


def present(question: Question, *, seed: int) -> dict:
    state = state_for(question, seed=seed)
    return {
        "setup": state["setup"],
        "diagram": state["diagram"],
        "attribute": state["attribute"],
        # The shape of the sandbox's `snapshot` message, which live/boot.js's
        # static mode reads from the page.
        "snapshot": {"state": state["snapshot"], "now_ms": state["snapshot"].get("now_ms", 0)},
        "script_id": f"q-{question.id}-snapshot",
        "targets": state["targets"],
        "conceal": state.get("conceal", []),
    }


def response_from_post(
    question: Question, data, *, seed: int, previous: dict | None = None
) -> dict:
    target = data.get("target", "")
    valid = {t["id"] for t in state_for(question, seed=seed)["targets"]}
    if target not in valid:
        raise InvalidResponse("Click one part of the diagram.")
    return {"target": target}


def grade(question: Question, response: dict, *, seed: int) -> Grade:
    state = state_for(question, seed=seed)
    expected = state["answer"]
    correct = response.get("target") in expected
    labels = {t["id"]: t["label"] for t in state["targets"]}
    return Grade(
        correct=correct,
        points=1.0 if correct else 0.0,
        detail={
            "expected": sorted(expected),
            "expected_labels": [labels[e] for e in sorted(expected)],
            "given_label": labels.get(response.get("target", ""), ""),
        },
    )
