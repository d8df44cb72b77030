"""Progress over attempts as a server-rendered SVG line chart: the geometry only.

The template (templates/interview/_chart.html) draws what this computes:
one line for the total and one per dimension, a point per attempt, axes
at 0, 50 and 100 %. Pure arithmetic, no Django, so a test can check the
coordinates. A dimension an attempt did not reach (None) leaves a gap.
"""

from __future__ import annotations

from dataclasses import dataclass

from .grading import DIMENSIONS

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 36
MAX_ATTEMPTS = 20


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    points: tuple[tuple[float, float, float], ...]  # x, y, value 0..1

    @property
    def polyline(self) -> str:
        return " ".join(f"{x:.1f},{y:.1f}" for x, y, _ in self.points)


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    series: tuple[Series, ...]
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    plot_left: int = LEFT
    plot_right: int = WIDTH - RIGHT
    plot_bottom: int = HEIGHT - BOTTOM


def _x(i: int, n: int) -> float:
    span = WIDTH - LEFT - RIGHT
    return LEFT + (span / 2 if n == 1 else span * i / (n - 1))


def _y(value: float) -> float:
    return TOP + (HEIGHT - TOP - BOTTOM) * (1 - value)


def progress_chart(attempts: list[dict]) -> Chart:
    """`attempts`: oldest first, each {"total": 0..1, "dimensions": {key: 0..1 or None}}."""
    attempts = attempts[-MAX_ATTEMPTS:]
    n = len(attempts)
    series = [Series("total", "Total", tuple(
        (_x(i, n), _y(a["total"]), a["total"]) for i, a in enumerate(attempts)))]
    for key, label in DIMENSIONS.items():
        pts = tuple((_x(i, n), _y(v), v) for i, a in enumerate(attempts)
                    if (v := a["dimensions"].get(key)) is not None)
        series.append(Series(key, label, pts))
    return Chart(
        width=WIDTH, height=HEIGHT, series=tuple(series),
        x_ticks=tuple((_x(i, n), str(i + 1)) for i in range(n)),
        y_ticks=tuple((_y(v), f"{int(v * 100)}%") for v in (0.0, 0.5, 1.0)),
    )
