"""A tiny book for the review of estimates: six buying customers, peers from three on."""

from __future__ import annotations

import datetime as dt

from books import add_assessment, add_customer, add_order

AS_OF = dt.date(2026, 11, 23)

# name → yearly orders in major units (two orders a year over two years)
SPEND = {
    "Alfa AB": 40_000,
    "Beta AB": 90_000,
    "Gamma AB": 150_000,
    "Delta AB": 300_000,
    "Epsilon AB": 600_000,
    "Zeta AB": 1_200_000,
}


def fill_review_book(book) -> dict[str, int]:
    """Six customers with orders; Zeta AB has an entered budget (not reviewed), the
    other five are estimated (potential.min_peers 3)."""
    book.set_setting("potential.min_peers", "3")
    ids: dict[str, int] = {}
    for n, (name, yearly) in enumerate(SPEND.items()):
        cid = ids[name] = add_customer(book, f"R{n + 1}", name, city="Malmö" if n % 2 else "Lund")
        for k, day in enumerate(("2025-02-10", "2025-08-10", "2026-02-10", "2026-08-10")):
            add_order(book, cid, day, yearly / 2, ref=f"{name[:2]}-{k}")
    add_assessment(book, ids["Zeta AB"], "2026-06-01", 2_000_000)
    return ids


def assessments(book, customer_id: int) -> list[tuple]:
    """(date, budget in minor units, source) of the customer's assessments, oldest first."""
    return [tuple(r) for r in book.rows(
        "SELECT date, budget_per_year, source FROM assessment WHERE customer_id = ? ORDER BY id", (customer_id,))]
