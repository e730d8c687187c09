"""The review of estimated potentials (DESIGN §4 "Review"; docs/review.md): which
customers a rep goes through, and in which order.

Only customers whose yearly budget is *estimated* (no entered, confirmed or
imported one) are reviewed. The order is **largest headroom first**: the
estimated yearly budget less what the customer bought in the last 12 months.
That is the extra business the estimate claims is there, and where a wrong
estimate costs most: it decides whether the planner sends the rep hunting
(Big game, Cash cows) or lets the customer be. Ties go to the larger revenue in
the window, then the name (case ignored), then the customer's id, so the order
is the same every time.
"""

from __future__ import annotations

import re
from typing import Iterable, NamedTuple

from segtui.domain import customer as rules
from segtui.domain.segments import Group, Quadrant


class ReviewItem(NamedTuple):
    """One customer to review, with what a rep needs to judge the estimate."""

    customer_id: int
    source_id: str
    name: str
    city: str | None
    revenue_12m: int  # net, minor units
    revenue_window: int  # net over the revenue window (24 months by default), minor units
    revenue_class: str
    orders: int  # orders in the window
    xyz: str | None
    group: Group | None
    last_order: str | None
    budget: int  # the estimated yearly budget, minor units
    basis: str  # "estimated: 80th percentile of 41 peers — …"
    potential_class: str | None
    loyalty: float | None
    quadrant: Quadrant  # where the estimate puts the customer
    upgrade_candidate: bool = False
    answered: int = 0  # checklist questions answered yes or no
    pointing_up: int = 0  # of those, answered yes (pointing to more potential)

    @property
    def headroom(self) -> int:
        """What the estimate says they could buy on top of the last 12 months (never below 0)."""
        return max(self.budget - self.revenue_12m, 0)


def review_key(item: ReviewItem) -> tuple:
    """Largest headroom first; then revenue in the window, name, id."""
    return (-item.headroom, -item.revenue_window, item.name.casefold(), item.customer_id)


def review_order(items: Iterable[ReviewItem]) -> list[ReviewItem]:
    """The customers in the order the review shows them."""
    return sorted(items, key=review_key)


BUDGET, LOYALTY = "budget", "loyalty"
# a share written as a decimal from 0 to 1 (docs/amounts.md): 0.6, 0,6, .6, 0,125 — after a 0 any
# decimals; 1,0 and 1,00 (one or two zeros). 60 alone is a budget of 60, and 1,000 a budget of a
# thousand: three digits after a lone separator group thousands in typed money.
_DECIMAL_SHARE = re.compile(r"(?:0?[.,][0-9]+|1[.,]0{1,2})")


class Typed(NamedTuple):
    """What a figure typed in the review sets: the yearly budget (minor units) or the loyalty (0–1)."""

    kind: str  # BUDGET or LOYALTY
    value: int | float


def read_typed(text: str) -> Typed | None:
    """A figure typed on the review's card (docs/amounts.md). A share as ``segtui import
    customers`` takes a loyalty — with a per cent sign (``60%``, ``60 %``) or a decimal from 0
    to 1 (``0.6``, ``0,6``, ``0,125``, ``1,0``, ``1,00``) — sets the loyalty
    (:func:`segtui.domain.customer.parse_loyalty`, the import's reading); any other figure is
    the yearly budget in whole units (:func:`segtui.domain.customer.parse_budget`, the one money
    parser): ``1,000`` and ``1.000`` are a budget of a thousand, not a loyalty of 100 %. None
    when nothing is typed; InputError when the text is neither."""
    raw = (text or "").strip()
    if not raw:
        return None
    if raw.endswith("%") or _DECIMAL_SHARE.fullmatch(raw.replace(" ", "")):
        share = rules.parse_loyalty(raw)
        return None if share is None else Typed(LOYALTY, share)
    budget = rules.parse_budget(raw)
    return None if budget is None else Typed(BUDGET, budget)
