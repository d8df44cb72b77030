"""Grade an order of steps (a message's six steps, the payment handler's steps).

Credit is the longest run of steps already in the right relative order
(longest increasing subsequence) over the number of steps: moving one
misplaced step costs one step, where "right position" scoring would punish
a single early insertion with every later step. Each step that is not part
of that run becomes a failed check naming it, so the result page can say
which step was out of place.
"""

from __future__ import annotations

from bisect import bisect_left

from . import Check, InvalidAnswer


def parse_order(submitted: list[str], expected: list[str]) -> list[str]:
    """The submitted order, refused unless it is exactly the expected steps once each."""
    if not isinstance(submitted, list) or sorted(submitted) != sorted(expected):
        raise InvalidAnswer("Put every step in the list exactly once.")
    return list(submitted)


def in_order_steps(order: list[str], expected: list[str]) -> set[str]:
    """The steps of one longest run of `order` that keeps `expected`'s relative order."""
    rank = {step: i for i, step in enumerate(expected)}
    ranks = [rank[s] for s in order]
    tails: list[int] = []  # tails[k]: index into ranks of the smallest tail of a run k+1 long
    previous = [-1] * len(ranks)
    for i, r in enumerate(ranks):
        k = bisect_left([ranks[t] for t in tails], r)
        previous[i] = tails[k - 1] if k else -1
        if k == len(tails):
            tails.append(i)
        else:
            tails[k] = i
    kept: set[str] = set()
    i = tails[-1] if tails else -1
    while i != -1:
        kept.add(order[i])
        i = previous[i]
    return kept


def grade_order(
    order: list[str], expected: list[str], *, labels: dict[str, str], check_base: Check
) -> list[Check]:
    """One check per step: passed when the step sits in the longest in-order run."""
    kept = in_order_steps(parse_order(order, expected), expected)
    checks = []
    for position, step in enumerate(expected, start=1):
        check = Check(
            **{
                **check_base.to_dict(),
                "id": f"{check_base.id}-{step}",
                "label": f"Step {position}: {labels[step]}",
                "passed": step in kept,
            }
        )
        checks.append(check if step in kept else check.failed(
            f"Out of place: it is step {position} of {len(expected)}."
        ))
    return checks
