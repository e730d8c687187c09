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

from typing import Iterable, NamedTuple

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
