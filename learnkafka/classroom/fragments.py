"""The step fragment: the part of a student's page that changes with the step
(its heading, its diagram's skeleton, its text).

A step change reaches every student over the room socket (fanout.py) with this
fragment inside, and the page swaps it in place (static/js/classroom/student.js):
no page loads. The fragment is the same for every student of every room on
that step, so it is rendered once per step per process (an lru_cache keyed by
lesson and step), never once per student: a room of 500 changing step costs
one render and one serialisation per process.
"""
from __future__ import annotations

from functools import lru_cache

from django.template.loader import render_to_string

from learnkafka.components.diagrams import diagram_component

from . import content


def step_context(lesson_slug: str, index: int) -> dict:
    """What the step templates (_step_*.html) need; the student page uses it too."""
    steps = content.steps_of(lesson_slug)
    index = max(0, min(index, len(steps) - 1))
    step = steps[index]
    return {"step": step, "step_index": index, "steps_count": len(steps),
            "diagram_component": diagram_component(step.diagram)}


@lru_cache(maxsize=128)
def _render(lesson_slug: str, index: int) -> str:
    return render_to_string("classroom/_step.html", step_context(lesson_slug, index))


def step_fragment(lesson_slug: str, index: int) -> str:
    """The step's fragment as HTML text (cached: lesson files do not change while serving)."""
    steps = len(content.steps_of(lesson_slug))
    return _render(lesson_slug, max(0, min(index, steps - 1)))
