"""Quiz text names diagram parts as the diagrams draw them (issue 9, item 9).

The diagrams label a partition "P0" (cluster.js, consumer-groups.js), so the
setup, the click targets (the diagram's text alternative, also quoted back in
feedback) and the observed outcome say "P0", never Kafka's "orders-0".
"""

from __future__ import annotations

import random
import re

import pytest

from learnkafka.quizzes.scenarios import idle_consumers, isr_lagging_follower, write_target

TOPIC_PARTITION = re.compile(r"\b(orders|payments)-\d+\b")


def _texts(built: dict) -> list[str]:
    return [built.get("setup", ""), *(t["label"] for t in built.get("targets", [])),
            built.get("observed", "")]


@pytest.mark.parametrize("seed", [1, 2])
def test_click_questions_name_partitions_as_the_diagram_does(seed):
    rng = random.Random(seed)
    for module in (write_target, isr_lagging_follower):
        built = module.build(module.draw(rng), seed=seed)
        texts = _texts(built)
        assert not [t for t in texts if TOPIC_PARTITION.search(t)], texts
        assert all(re.search(r"\bP\d\b", t["label"]) for t in built["targets"]), texts
        assert all(re.match(r"Broker \d, (leader|follower) of P\d", t["label"])
                   for t in built["targets"]), texts


def test_the_rebalance_outcome_names_partitions_as_the_diagram_does():
    observed = idle_consumers.run({"partitions": 2, "consumers": 3}, seed=1)["observed"]
    assert not TOPIC_PARTITION.search(observed), observed
    assert re.search(r"reads P\d", observed), observed
