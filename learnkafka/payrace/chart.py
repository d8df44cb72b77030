"""The chart of a race: one bar per trial, its height the charges that trial made.

Pure geometry for the server-rendered SVG (templates/payrace/_result.html):
a bar of 1 is right, above 1 a double charge (drawn in the crash colour
with its count), 0 a payment that never went through.
"""
from __future__ import annotations

from dataclasses import dataclass

WIDTH = 720
HEIGHT = 220
LEFT = 44
BOTTOM = 34
TOP = 16


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    charges: int
    trial: int
    kind: str  # "double", "once", "none"


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    ticks: list[tuple[int, float]]   # (value, y)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    baseline: float = HEIGHT - BOTTOM
    one_y: float = 0.0


def race_chart(result: dict) -> Chart:
    trials = result["trials"]
    top_value = max([2] + [t["charges"] for t in trials])
    plot_h = HEIGHT - BOTTOM - TOP
    plot_w = WIDTH - LEFT - 8
    slot = plot_w / max(1, len(trials))
    bar_w = max(1.5, slot * 0.7)

    def y_of(value: float) -> float:
        return HEIGHT - BOTTOM - plot_h * value / top_value

    bars = []
    for index, trial in enumerate(trials):
        charges = trial["charges"]
        kind = "double" if charges > 1 else "once" if charges == 1 else "none"
        y = y_of(charges)
        bars.append(Bar(x=round(LEFT + index * slot + (slot - bar_w) / 2, 2), y=round(y, 2),
                        width=round(bar_w, 2), height=round(HEIGHT - BOTTOM - y, 2),
                        charges=charges, trial=trial["number"], kind=kind))
    ticks = [(v, round(y_of(v), 2)) for v in range(0, top_value + 1)]
    return Chart(bars=bars, ticks=ticks, one_y=round(y_of(1), 2))
