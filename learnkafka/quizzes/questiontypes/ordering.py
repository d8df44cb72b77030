"""Put in order: arrange steps (the six steps of message flow) correctly.

YAML: `items`, a list of {id, text} in the correct order. The learner starts
from a seeded shuffle that is never already correct. In the browser items
move by drag, by up/down buttons or by arrow keys; without JavaScript the same
up/down buttons submit the form with `move=up:<id>` and the server answers
with the list reordered (`apply_move`), so the question works everywhere.
"""

from __future__ import annotations

from .base import ContentError, Grade, InvalidResponse, Question, require_ids, rng_for

NAME = "ordering"


def parse(raw: dict, *, where: str) -> dict:
    items = require_ids(raw.get("items"), where, "items")
    if len(items) < 3:
        raise ContentError(f"{where}: an ordering question needs at least three items")
    return {"items": items}


def correct_order(question: Question) -> list[str]:
    return [item["id"] for item in question.spec["items"]]


def start_order(question: Question, *, seed: int) -> list[str]:
    """A shuffle that is not the answer (otherwise submitting untouched wins)."""
    order = correct_order(question)
    rng = rng_for(seed, question.id)
    shuffled = list(order)
    while shuffled == order:
        rng.shuffle(shuffled)
    return shuffled


def present(question: Question, *, seed: int, order: list[str] | None = None) -> dict:
    by_id = {item["id"]: item for item in question.spec["items"]}
    if order is None or sorted(order) != sorted(by_id):
        order = start_order(question, seed=seed)
    return {"items": [by_id[i] for i in order]}


def order_from_post(question: Question, data) -> list[str]:
    order = data.getlist("order")
    if sorted(order) != sorted(correct_order(question)):
        raise InvalidResponse("Submit every step exactly once.")
    return order


def apply_move(order: list[str], move: str) -> list[str]:
    """`up:<id>` or `down:<id>`: swap that item with its neighbour."""
    direction, _, item_id = move.partition(":")
    if item_id not in order or direction not in ("up", "down"):
        raise InvalidResponse("That move is not possible.")
    i = order.index(item_id)
    j = i - 1 if direction == "up" else i + 1
    moved = list(order)
    if 0 <= j < len(order):
        moved[i], moved[j] = moved[j], moved[i]
    return moved


def response_from_post(
    question: Question, data, *, seed: int, previous: dict | None = None
) -> dict:
    return {"order": order_from_post(question, data)}


def grade(question: Question, response: dict, *, seed: int) -> Grade:
    expected = correct_order(question)
    given = response.get("order", [])
    correct = given == expected
    return Grade(
        correct=correct,
        points=1.0 if correct else 0.0,
        detail={
            "expected": expected,
            "right_positions": [a == b for a, b in zip(given, expected, strict=False)],
        },
    )
