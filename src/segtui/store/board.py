"""What the board shows for each customer: the engine's segment plus when the
customer was last contacted and when they are due again (DESIGN §3).

The classes come from :func:`segtui.store.segments.segment_book`; last contact,
due dates and priority from the planner's rules (:mod:`segtui.domain.planning`
via :func:`segtui.store.plan.planning_customers`). Nothing here re-implements a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from segtui.domain import planning
from segtui.domain.segments import Config, Quadrant, potential_in_window
from segtui.store.book import Book
from segtui.store.segments import CustomerSegment, segment_book

# Far enough ahead that every customer with a contact policy gets a due date.
_HORIZON = dt.timedelta(days=3660)


@dataclass(frozen=True)
class BoardRow:
    """One customer on the board."""

    customer: CustomerSegment
    last_activity: dt.date | None  # latest visit or call (mailings do not count)
    due: dt.date | None
    overdue_days: int | None  # > 0 overdue, 0 due today, < 0 not yet due, None never due
    priority: float | None
    contract_ends: dt.date | None
    potential: int | None = None  # assessed yearly budget scaled to the revenue window, minor units
    entry: planning.Due | None = None  # the planner's judgement: due_on, days_overdue, kind, priority, …
    notes: str = ""  # the customer's notes, case-folded, for the board's search (docs/records.md)

    @property
    def reason(self) -> str:
        """The planner's reason in words: 'Big game · 18 days overdue · …' (empty when never due)."""
        return self.entry.reason if self.entry else ""

    @property
    def id(self) -> int:
        return self.customer.id

    @property
    def quadrant(self) -> Quadrant:
        return self.customer.segment.quadrant


def board_rows(book: Book, as_of: dt.date) -> list[BoardRow]:
    """Every active customer with its segment, last contact, due date and priority."""
    from segtui.store.plan import collector_paused  # not needed to paint a kept board

    # Some 200,000 objects on a 20,000-customer book, none part of a cycle: the
    # collector's young passes would walk them while they are built (≈ 5 % of the time).
    with collector_paused():
        return _board_rows(book, as_of)


def _board_rows(book: Book, as_of: dt.date) -> list[BoardRow]:
    settings = book.settings()
    segments = segment_book(book, as_of)
    from segtui.store.plan import planning_customers

    customers = planning_customers(book, as_of, segments)
    config = planning.PlanConfig.from_settings(settings)
    rules = Config.from_settings(settings)
    until = as_of + _HORIZON
    notes = dict(book.rows("SELECT customer_id, group_concat(text, ' ') FROM note GROUP BY customer_id"))
    rows = []
    for segment, customer in zip(segments, customers):
        entry = planning.due(customer, config, as_of, until)
        budget = segment.estimate.budget_per_year if segment.estimate else None
        rows.append(
            BoardRow(
                customer=segment,
                last_activity=customer.last_contact,
                due=entry.due_on if entry else None,
                overdue_days=(as_of - entry.due_on).days if entry else None,
                priority=entry.priority if entry else None,
                contract_ends=customer.contract[1] if customer.contract else None,
                potential=potential_in_window(budget, rules),
                entry=entry,
                notes=notes[segment.id].casefold() if segment.id in notes else "",
            )
        )
    return rows
