"""What the board shows for each customer: the engine's segment plus when the
customer was last contacted and when they are due again (DESIGN §3).

The classes come from :func:`segtui.store.segments.segment_book`; due dates and
priority from :mod:`segtui.domain.planning`. Nothing here re-implements a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from segtui.domain import planning
from segtui.domain.segments import Quadrant
from segtui.store.book import Book
from segtui.store.segments import CustomerSegment, latest_estimates, segment_book


@dataclass(frozen=True)
class BoardRow:
    """One customer on the board."""

    customer: CustomerSegment
    last_activity: dt.date | None
    due: dt.date | None
    overdue_days: int | None  # > 0 overdue, 0 due today, < 0 not yet due, None never due
    priority: float | None
    contract_ends: dt.date | None
    potential: int | None = None  # assessed yearly budget scaled to the revenue window, minor units

    @property
    def id(self) -> int:
        return self.customer.id

    @property
    def quadrant(self) -> Quadrant:
        return self.customer.segment.quadrant


def last_activities(book: Book, as_of: dt.date) -> dict[int, dt.date]:
    """Each customer's latest activity (visit, call, mail) on or before ``as_of``."""
    rows = book.query(
        "SELECT customer_id, max(date) FROM activity WHERE date <= ? GROUP BY customer_id",
        (as_of.isoformat(),),
    )
    return {cid: dt.date.fromisoformat(day) for cid, day in rows if day}


def next_contract_ends(book: Book, as_of: dt.date) -> dict[int, dt.date]:
    """Each customer's next competitor contract end on or after ``as_of``."""
    rows = book.query(
        "SELECT customer_id, min(ends_on) FROM competitor_contract WHERE ends_on >= ? GROUP BY customer_id",
        (as_of.isoformat(),),
    )
    return {cid: dt.date.fromisoformat(day) for cid, day in rows if day}


def board_rows(book: Book, as_of: dt.date) -> list[BoardRow]:
    """Every active customer with its segment, last contact, due date and priority."""
    settings = book.settings()
    customers = segment_book(book, as_of)
    last = last_activities(book, as_of)
    contracts = next_contract_ends(book, as_of)
    policies = {q: planning.Policy.parse(settings[f"policy.{q.value}"]) for q in Quadrant}
    weights = {q: int(settings[f"weight.{q.value}"]) for q in Quadrant}
    warn_days = int(settings["contract.warn_days"])
    window_months = int(settings["window.months"])
    budgets = {cid: e.budget_per_year for cid, e in latest_estimates(book, as_of).items()}
    rows = []
    for c in customers:
        q = c.segment.quadrant
        policy = policies[q]
        upgrade = c.segment.upgrade_candidate
        ends = contracts.get(c.id)
        due = planning.due_on(
            policy,
            last.get(c.id),
            as_of,
            upgrade_candidate=upgrade,
            contract_ends=ends,
            contract_warn_days=warn_days if q is Quadrant.BIG_GAME else None,
        )
        interval = policy.interval(upgrade)
        rows.append(
            BoardRow(
                customer=c,
                last_activity=last.get(c.id),
                due=due,
                overdue_days=None if due is None else (as_of - due).days,
                priority=planning.priority(weights[q], due, as_of, interval),
                contract_ends=ends,
                potential=None if budgets.get(c.id) is None else budgets[c.id] * window_months // 12,
            )
        )
    return rows
