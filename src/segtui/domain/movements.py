"""Movements between segments: where each customer stood on an earlier day and where it
stands now (docs/trends.md "Movements"). Both sides come from the book itself, classified
on each day by the same rules, so there is no second copy of the past that could drift."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Iterable


@dataclass(frozen=True)
class Cell:
    customers: int = 0
    revenue: int = 0  # minor units, the customers' revenue now


def movement_matrix(pairs: Iterable[tuple[Hashable, Hashable, int]]) -> dict[tuple[Hashable, Hashable], Cell]:
    """(before, now, revenue now) per customer → (before, now) → customers and revenue.
    The cells add up to the customers given, each counted once."""
    cells: dict[tuple[Hashable, Hashable], Cell] = {}
    for before, now, revenue in pairs:
        seen = cells.get((before, now), Cell())
        cells[(before, now)] = Cell(seen.customers + 1, seen.revenue + revenue)
    return cells


def moved(pairs: Iterable[tuple[Hashable, Hashable, int]]) -> int:
    """How many customers stand somewhere else now."""
    return sum(1 for before, now, _ in pairs if before != now)
