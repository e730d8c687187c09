"""How a benchmark knows that a screen shows what it should: plain-text tests on
the screen as a person sees it (headless render or a tmux capture)."""

from __future__ import annotations

import re

from benchmarks.hello import MARKER

# Quadrant names as the board shows them (English labels or the Swedish ones).
QUADRANT = re.compile(r"cash cows|kassakor|big game|högvilt", re.IGNORECASE)
# Demo customers' names end in a company form; one on screen means the rows are in.
COMPANY = re.compile(r"\b(AB|AS|A/S|ApS|Oy)\b")


def board_ready(text: str) -> bool:
    """The board is painted with its customers: a quadrant name and a customer row."""
    return bool(QUADRANT.search(text) and COMPANY.search(text))


def hello_ready(text: str) -> bool:
    return MARKER in text
