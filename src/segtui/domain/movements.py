"""Movements between segments: where each customer stood on an earlier day and where it
stands now (docs/trends.md "Movements"). Both sides come from the book itself, classified
on each day by the same rules, so there is no second copy of the past that could drift."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Hashable, Iterable, Mapping


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


def quarter_ends_before(day: dt.date, count: int = 8) -> list[dt.date]:
    """The last ``count`` calendar quarter ends strictly before ``day``, newest first
    (a customer's standing on them is history: nothing done on ``day`` changes it)."""
    index = day.year * 4 + (day.month - 1) // 3  # the quarter holding ``day``
    ends = []
    for i in range(index - 1, index - 1 - count, -1):
        year, q = divmod(i, 4)
        ends.append(dt.date(year, q * 3 + 3, 31 if q in (0, 3) else 30))
    return ends


def last_quarter_end(day: dt.date) -> dt.date:
    """The latest quarter end before ``day``: the board's first offer for "moved since"."""
    return quarter_ends_before(day, 1)[0]


Standing = tuple[Hashable, Hashable]  # (quadrant, revenue class)


def movers(before: Mapping[int, Standing], now: Mapping[int, Standing]) -> dict[int, tuple[Standing, Standing]]:
    """customer → (standing then, standing now) for each customer listed now whose quadrant
    or revenue class is not what it was; one missing from ``before`` is not compared."""
    return {cid: (before[cid], s) for cid, s in now.items() if cid in before and before[cid] != s}
