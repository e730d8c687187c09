"""Estimated potential (docs/estimated-potential.md): the pure rule, the tiers in the
book (entered beats imported beats estimated), confirming with B."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pytest
from books import add_customer, add_order
from customer_books import AS_OF, CustomerHost, settle
from hypothesis import given, settings
from hypothesis import strategies as st

from segtui.domain.estimate import (
    LEVELS,
    EstimateConfig,
    Profile,
    estimate_wallets,
    nearest_rank,
    ordinal,
    region_of,
    shown_spend,
    size_band,
    year_scale,
)
from segtui.domain.segments import Quadrant
from segtui.store.segments import segment_book, segment_customer

CONFIG = EstimateConfig(quantile=Fraction(4, 5), min_peers=5)


def profile(cid, shown, **attributes):
    return Profile(cid, shown, attributes.pop("revenue_12m", shown), **attributes)


# --- the pure rule ---------------------------------------------------------------------


def test_nearest_rank_is_the_ceil_q_n_th_smallest():
    values = list(range(1, 11))  # 1..10
    assert nearest_rank(values, Fraction(4, 5)) == 8
    assert nearest_rank(values, Fraction(81, 100)) == 9  # ceil(8.1) = 9
    assert nearest_rank([5], Fraction(4, 5)) == 5
    assert nearest_rank(values, Fraction(1)) == 10


def test_words_of_the_quantile_and_the_bands():
    assert [ordinal(Fraction(q)) for q in ("0.8", "0.81", "0.82", "0.83", "0.75", "0.825", "0.11")] == [
        "80th", "81st", "82nd", "83rd", "75th", "82.5th", "11th"]
    assert [size_band(e, None) for e in (1, 9, 10, 49, 50, 249, 250)] == [
        "1–9 employees", "1–9 employees", "10–49 employees", "10–49 employees",
        "50–249 employees", "50–249 employees", "250+ employees"]
    assert size_band(None, 5_000_000) == "revenue 1–10M"
    assert size_band(0, None) is None
    assert region_of("Malmö", "211 20", "SE") == "malmö|se"
    assert region_of(None, "211 20", "SE") == "postcode 21|se"
    assert region_of(" ", None, "SE") is None
    assert shown_spend(window_revenue=1000, revenue_12m=300) == 700


def test_the_group_widens_until_it_holds_enough_peers():
    # five wholesalers in Malmö, but the customer is the only one in Lund: the region level is too small
    peers = [profile(i, 100 * i, industry="w", region="malmö|se", country="se", pattern="Y|established")
             for i in range(1, 6)]
    lund = profile(99, 50, industry="w", region="lund|se", country="se", pattern="Y|established")
    wallets = estimate_wallets([*peers, lund], [99, 3], CONFIG, {"region:malmö|se": "Malmö, SE", "country:se": "SE"})
    # Lund: industry+size skipped (no size), industry+country+pattern holds all six: 50,100..500 → 5th of 6
    assert wallets[99].budget_per_year == 400
    assert wallets[99].level == ("industry", "country", "pattern")
    assert wallets[99].basis == "estimated: 80th percentile of 6 peers — w, SE, Y (regular), buying for over a year"
    assert wallets[3].peers == 6  # Malmö has 5: not enough on its own either


def test_an_estimate_is_never_below_what_the_customer_shows_and_says_so():
    peers = [profile(i, 100, pattern="Z|new") for i in range(1, 10)]
    big = profile(50, 10_000, pattern="Z|new", revenue_12m=9_000)
    wallet = estimate_wallets([*peers, big], [50], CONFIG)[50]
    assert wallet.budget_per_year == 10_000
    assert wallet.basis.endswith("; raised to its own best 12 months")


def test_too_few_customers_means_no_peers_and_no_estimate():
    few = [profile(i, 100 * i, pattern="Z|new") for i in range(1, 5)]
    assert estimate_wallets(few, [1, 2], CONFIG) == {}
    assert estimate_wallets([profile(1, 0), *few], [1], CONFIG) == {}  # no spend: nothing to judge by


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(-10_000, 10**9), st.integers(-10_000, 10**9),
                       st.sampled_from(["X|new", "Y|established", "Z|new"]), st.sampled_from([None, "w", "r"]),
                       st.sampled_from([None, "se", "no"])),
             min_size=1, max_size=60),
    st.sampled_from(["0.5", "0.8", "0.95", "1"]),
    st.integers(1, 10),
)
def test_estimates_hold_their_promises(rows, quantile, least):
    profiles = [Profile(i, max(a, 0), b, industry=ind, country=land, pattern=pat)
                for i, (a, b, pat, ind, land) in enumerate(rows)]
    config = EstimateConfig(quantile=Fraction(quantile), min_peers=least)
    wallets = estimate_wallets(profiles, range(len(rows)), config)
    spenders = [p for p in profiles if p.shown > 0]
    for cid, wallet in wallets.items():
        p = profiles[cid]
        assert wallet.budget_per_year >= max(p.shown, p.revenue_12m)
        assert wallet.peers >= least
        assert wallet.basis.startswith(f"estimated: {ordinal(Fraction(quantile))} percentile of {wallet.peers} peers")
        # the figure is one of its group's spends, or the customer's own
        group = sorted(q.shown for q in spenders if all(getattr(q, a) == getattr(p, a) for a in wallet.level))
        assert len(group) == wallet.peers
        quantile_value = group[math.ceil(Fraction(quantile) * len(group)) - 1]
        assert wallet.budget_per_year == max(quantile_value, p.shown, p.revenue_12m)
        # and its level is the first, most specific, that holds enough of them
        for level in LEVELS[:LEVELS.index(wallet.level)]:
            if all(getattr(p, a) is not None for a in level):
                assert sum(all(getattr(q, a) == getattr(p, a) for a in level) for q in spenders) < least
    for p in profiles:
        assert (p.customer_id in wallets) == (p.shown > 0 and len(spenders) >= least)


# --- in the book: tiers, the board, B ------------------------------------------------------


def peer_book(book, count=24, held_a_year=True):
    """``count`` customers buying 10,000–240,000 a year; none assessed. ``held_a_year``: the
    book's orders go back over a year (an old credit note of another customer), so the
    peers' spends are a year's as they are."""
    ids = []
    for i in range(count):
        cid = add_customer(book, f"P{i:02d}", f"Peer {i:02d} AB", city="Malmö")
        add_order(book, cid, "2026-03-01", 10_000 * (i + 1), ref=f"P{i}-1")
        add_order(book, cid, "2026-09-01", 1, ref=f"P{i}-2")
        ids.append(cid)
    if held_a_year:
        add_order(book, add_customer(book, "OLD", "Old Credit AB"), "2025-06-01", -1, ref="C-OLD")
    return ids


def test_a_book_younger_than_a_year_scales_the_peers_spends_to_a_year(book):
    ids = peer_book(book, held_a_year=False)  # its orders begin 2026-03-01: 268 days to AS_OF
    assert year_scale(dt.date(2026, 3, 1), AS_OF) == Fraction(365, 268)
    first = {r.id: r for r in segment_book(book, AS_OF)}[ids[0]]
    # the 20th smallest of 10,001 … 240,001, times 365/268, rounded
    assert first.estimate.budget_per_year == round(200_001_00 * Fraction(365, 268))
    assert first.estimate.basis.endswith("; scaled to a year from 9 months of orders")
    # its own figure, the floor, is scaled the same way when it is above its peers'
    last = {r.id: r for r in segment_book(book, AS_OF)}[ids[-1]]
    assert last.estimate.budget_per_year == round(240_001_00 * Fraction(365, 268))
    assert last.estimate.basis.endswith("; raised to its own, scaled to a year")


def test_the_year_scale_is_one_for_a_year_and_capped_for_a_few_weeks():
    assert year_scale(None, AS_OF) == 1
    assert year_scale(AS_OF - dt.timedelta(days=364), AS_OF) == 1  # 365 days held
    assert year_scale(AS_OF - dt.timedelta(days=181), AS_OF) == Fraction(365, 182)
    assert year_scale(AS_OF - dt.timedelta(days=6), AS_OF) == Fraction(365, 91)  # a week says little
    assert year_scale(AS_OF + dt.timedelta(days=1), AS_OF) == 1


def assess(book, cid, date, budget_major, source):
    with book.transaction() as conn:
        conn.execute(
            "INSERT INTO assessment (customer_id, date, who, budget_per_year, source) VALUES (?, ?, ?, ?, ?)",
            (cid, date, "crm.csv" if source == "imported" else None, round(budget_major * 100), source),
        )


def test_entered_beats_imported_beats_estimated(book):
    ids = peer_book(book)
    first, second, third = ids[0], ids[1], ids[2]
    assess(book, second, "2026-10-01", 500_000, "imported")
    assess(book, third, "2026-10-01", 500_000, "imported")
    assess(book, third, "2026-01-01", 40_000, "entered")  # older, but the rep's word
    rows = {r.id: r for r in segment_book(book, AS_OF)}
    assert rows[first].estimate.source == "estimated"
    # 24 peers: 80th percentile is the 20th smallest of 10,001 … 240,001
    assert rows[first].estimate.budget_per_year == 200_001_00
    assert rows[first].estimate.basis.startswith("estimated: 80th percentile of 24 peers — ")
    assert (rows[second].estimate.source, rows[second].estimate.budget_per_year) == ("imported", 500_000_00)
    assert (rows[third].estimate.source, rows[third].estimate.budget_per_year) == ("entered", 40_000_00)
    assert rows[first].segment.quadrant is not Quadrant.NEEDS_ASSESSMENT
    for cid in (first, second, third):  # one customer's screen says the same as the board
        assert segment_customer(book, cid, AS_OF).estimate == rows[cid].estimate


def test_off_keeps_the_tray_and_no_orders_never_get_an_estimate(book):
    ids = peer_book(book)
    idle = add_customer(book, "N1", "No Orders AB")
    rows = {r.id: r for r in segment_book(book, AS_OF)}
    assert rows[idle].segment.quadrant is Quadrant.NEEDS_ASSESSMENT and rows[idle].estimate is None
    book.set_setting("potential.estimate", "off")
    rows = {r.id: r for r in segment_book(book, AS_OF)}
    assert {rows[cid].segment.quadrant for cid in ids} == {Quadrant.NEEDS_ASSESSMENT}


def test_confirm_makes_the_estimate_the_reps_own(book):
    from segtui.domain.customer import InputError
    from segtui.store.customers import confirm_estimate

    ids = peer_book(book)
    before = segment_customer(book, ids[0], AS_OF).estimate
    undo = confirm_estimate(book, ids[0], AS_OF)
    after = segment_customer(book, ids[0], AS_OF).estimate
    assert (after.source, after.budget_per_year, after.basis) == ("entered", before.budget_per_year, None)
    assert book.rows("SELECT source, note FROM assessment WHERE customer_id = ?", (ids[0],)) == [
        ("confirmed", before.basis)]
    with pytest.raises(InputError, match="no estimated budget"):
        confirm_estimate(book, ids[0], AS_OF)
    assert undo.label == "estimate"


async def test_B_on_the_customer_screen_confirms_and_ctrl_z_takes_it_back(book):
    ids = peer_book(book)
    app = CustomerHost(book, ids[5])
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)
        summary = str(app.customer_screen.query_one("#estimate-summary").render())
        assert "ESTIMATED" in summary and "80th percentile of 24 peers" in summary and "press B" in summary
        await pilot.press("B")
        await settle(pilot)
        assert book.rows("SELECT source FROM assessment WHERE customer_id = ?", (ids[5],)) == [("confirmed",)]
        summary = str(app.customer_screen.query_one("#estimate-summary").render())
        assert "ESTIMATED" not in summary and f"confirmed {AS_OF.isoformat()}" in summary
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert book.rows("SELECT count(*) FROM assessment") == [(0,)]
