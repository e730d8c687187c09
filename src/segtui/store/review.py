"""The review of estimated potentials, read from the book (DESIGN §4 "Review").

Which customers and in which order is :mod:`segtui.domain.review`; the classes
come from :func:`segtui.store.segments.segment_book` like everywhere else.
Confirming or correcting an estimate goes through
:func:`segtui.store.customers.confirm_estimate` and
:func:`segtui.store.customers.add_assessment`, the customer screen's own edits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Iterable

from segtui.domain.review import ReviewItem, review_order
from segtui.store.book import Book
from segtui.store.segments import CustomerSegment, segment_book, segment_customer


@dataclass(frozen=True)
class ReviewQueue:
    """The customers to review, in order, and what the screen says about the book."""

    items: list[ReviewItem]
    currency: str
    estimates_on: bool  # potential.estimate is not 'off'


def _item(c: CustomerSegment, answers: dict[int, tuple[int, int]]) -> ReviewItem | None:
    estimate = c.estimate
    if estimate is None or estimate.source != "estimated" or estimate.budget_per_year is None:
        return None
    seg = c.segment
    facts = c.facts
    answered, up = answers.get(c.id, (0, 0))
    return ReviewItem(
        customer_id=c.id,
        source_id=c.source_id,
        name=c.name,
        city=c.city,
        revenue_12m=facts.revenue_12m if facts is not None else 0,
        revenue_window=seg.revenue,
        revenue_class=seg.revenue_class,
        orders=seg.orders,
        xyz=seg.xyz,
        group=seg.group,
        last_order=c.last_order,
        budget=estimate.budget_per_year,
        basis=estimate.basis or "estimated",
        potential_class=seg.potential_class,
        loyalty=seg.loyalty,
        quadrant=seg.quadrant,
        upgrade_candidate=seg.upgrade_candidate,
        answered=answered,
        pointing_up=up,
    )


def _checklist_counts(book: Book) -> dict[int, tuple[int, int]]:
    """Per customer: checklist questions answered yes or no, and how many of them yes."""
    rows = book.rows(
        "SELECT customer_id, sum(answer IN ('yes', 'no')), sum(answer = 'yes') FROM checklist_answer "
        "GROUP BY customer_id"  # only the seven questions are ever stored (set_checklist_answer checks)
    )
    return {cid: (answered or 0, up or 0) for cid, answered, up in rows}


def review_queue(book: Book, as_of: dt.date, segments: Iterable[CustomerSegment] | None = None) -> ReviewQueue:
    """Every active customer whose potential is only estimated on ``as_of``, largest
    headroom first. ``segments``: the book's segments on that day when the caller has
    them already (the board's rows), else they are read."""
    settings = book.settings_snapshot()
    if segments is None:
        segments = segment_book(book, as_of, trends=False)
    answers = _checklist_counts(book)
    items = [item for item in (_item(c, answers) for c in segments) if item is not None]
    return ReviewQueue(
        items=review_order(items),
        currency=settings.currency,
        estimates_on=settings.estimate.enabled,
    )


def customer_now(book: Book, customer_id: int, as_of: dt.date) -> CustomerSegment | None:
    """The customer as the rules place it now (after a confirmation or a correction)."""
    return segment_customer(book, customer_id, as_of)
