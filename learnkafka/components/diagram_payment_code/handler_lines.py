"""The code panel's lines: the simulator's handler source, wrapped to fit beside a diagram.

The handler the simulation runs (simulator/extensions/payments/handler.py
`SOURCE`: the guide's PaymentService.processPayment with the safeguards' lines
where they go) is the one the panel shows, so the lit line is always the
line that ran. Each source line keeps its id on every wrapped piece; pieces
are at most WIDTH characters (15-unit monospace in the 430-unit panel) so
the panel reads at 12 px or more beside a diagram at 1366x768.
"""

from __future__ import annotations

import textwrap

from simulator.extensions.payments.handler import SOURCE

WIDTH = 42
LINE_HEIGHT = 19
TOP = 22
INDENT = 8
LEFT = 42


def wrapped_lines(source=SOURCE, width: int = WIDTH) -> list[tuple[str, int, str, int]]:
    """(line id, indent level, text, source line number) per drawn line."""
    out = []
    for number, (line_id, code) in enumerate(source, start=1):
        stripped = code.lstrip(" ")
        indent = (len(code) - len(stripped)) // 2
        pieces = textwrap.wrap(stripped, width=width - 2 * indent, break_long_words=True,
                               break_on_hyphens=False) or [""]
        for i, piece in enumerate(pieces):
            out.append((line_id, indent + (2 if i else 0), piece, number if i == 0 else 0))
    return out
