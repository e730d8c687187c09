"""Pareto mode: the potential class uses the revenue at the A and B cut-offs the
ranking produced, and the customer's chart draws them (docs/first-day.md)."""

from __future__ import annotations

import datetime as dt

from books import add_assessment, add_customer, add_order
from customer_books import CustomerHost, settle
from hypothesis import given
from hypothesis import strategies as st

from segtui.domain.segments import (
    Config,
    Estimate,
    Facts,
    classify_all,
    pareto_classes,
    pareto_cutoffs,
    potential_class,
)
from segtui.store.customers import load_customer
from segtui.store.segments import segment_book
from segtui.ui.customer import RevenueChart

AS_OF = dt.date(2026, 11, 23)
PARETO = Config(mode="pareto")


def test_the_potential_class_uses_the_cut_offs_not_the_fixed_thresholds() -> None:
    # cut-offs of 500 000 and 100 000 (minor units) over a 24-month window: a yearly budget of 250 000 is A
    cut = (500_000, 100_000)
    assert potential_class(Estimate(250_000), PARETO, cut) == "A"
    assert potential_class(Estimate(249_999), PARETO, cut) == "B"
    assert potential_class(Estimate(50_000), PARETO, cut) == "B"
    assert potential_class(Estimate(49_999), PARETO, cut) == "C"
    assert potential_class(Estimate(0), PARETO, cut) == "D"
    # the fixed thresholds (2 M / 1 M) would call all of these C
    assert potential_class(Estimate(250_000), PARETO) == "C"


@given(st.lists(st.integers(1, 10**9), min_size=1, max_size=40, unique=True))
def test_a_budget_equal_to_the_revenue_gets_the_revenue_class(values) -> None:
    # a customer whose potential over the window equals its revenue has its revenue class
    # (revenues all differ: of two equal ones the ranking may put one in A, the other in B)
    revenues = dict(enumerate(values, start=1))
    classes = pareto_classes(revenues, PARETO)
    facts = [Facts(cid, window_revenue=r, revenue_12m=r // 2) for cid, r in revenues.items()]
    estimates = {cid: Estimate(r * 12 // 24) for cid, r in revenues.items() if r % 2 == 0}
    segments = classify_all(facts, estimates, PARETO)
    for cid in estimates:
        assert segments[cid].potential_class == classes[cid]


def pareto_book(book) -> dict[str, int]:
    ids = {}
    for name, yearly in (("Big", 900_000), ("Mid", 300_000), ("Small", 100_000), ("Tiny", 20_000), ("Dust", 5_000)):
        ids[name] = cid = add_customer(book, name=name)
        add_order(book, cid, "2026-03-01", yearly, f"{name}-1")
        add_order(book, cid, "2025-03-01", yearly, f"{name}-2")
    prospect = ids["Prospect"] = add_customer(book, name="Prospect")
    add_order(book, prospect, "2026-05-01", 1_000, "P-1")
    add_assessment(book, prospect, "2026-06-01", 200_000)  # far below 2 M SEK, above the B cut-off here
    book.set_setting("abc.mode", "pareto")
    return ids


def test_the_book_places_a_prospect_by_the_books_own_cut_offs(book) -> None:
    ids = pareto_book(book)
    segments = {s.id: s for s in segment_book(book, AS_OF)}
    revenues = {cid: s.segment.revenue for cid, s in segments.items()}
    a_cut, b_cut = pareto_cutoffs(revenues, PARETO)
    assert segments[ids["Big"]].segment.revenue_class == "A"
    potential = 200_000 * 100 * 2  # the yearly budget over the 24-month window, minor units
    assert b_cut <= potential < a_cut  # between the book's own cut-offs: B (with fixed thresholds: C)
    expected = "B"
    assert segments[ids["Prospect"]].segment.potential_class == expected
    assert segments[ids["Prospect"]].segment.upgrade_candidate
    record = load_customer(book, ids["Prospect"], AS_OF)
    assert record.cutoffs == (a_cut, b_cut)
    assert record.segment.segment.potential_class == expected


async def test_the_chart_draws_the_cut_offs(book) -> None:
    ids = pareto_book(book)
    app = CustomerHost(book, ids["Mid"])
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        chart = app.customer_screen.query_one(RevenueChart)
        text = str(chart.render())
        assert "Pareto cut-offs: A from" in text and "(the smallest revenue in each class)" in text
        a_cut, b_cut = chart.record.cutoffs
        from segtui.domain import customer as rules

        assert f"A from {rules.money(a_cut)} · B from {rules.money(b_cut)}" in text
