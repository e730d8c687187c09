"""The engine on tiny books: the SQL aggregate plus the rules, figures by hand."""

from __future__ import annotations

import datetime as dt
import io
import random

import pytest
from books import add_assessment, add_customer, add_order
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segtui.domain.segments import Facts, Group, Quadrant, month_period, subtract_months
from segtui.io import export
from segtui.store import segments as engine
from segtui.store.book import open_book
from segtui.store.segments import latest_estimates, order_facts, segment_book

AS_OF = dt.date(2026, 11, 23)


def one(book, as_of=AS_OF, source_id=None):
    rows = segment_book(book, as_of)
    if source_id is None:
        assert len(rows) == 1
        return rows[0]
    return next(r for r in rows if r.source_id == source_id)


# --- the window ------------------------------------------------------------------


def test_orders_on_the_windows_first_and_last_day(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2024-11-23", 1_000, ref="just-outside")  # as_of − 24 months: excluded
    add_order(book, c, "2024-11-24", 200, ref="first-day")
    add_order(book, c, "2026-11-23", 30, ref="last-day")  # as_of itself: included
    add_order(book, c, "2026-11-24", 4_000, ref="tomorrow")  # after as_of: ignored
    row = one(book)
    assert row.segment.revenue == 230_00
    assert row.segment.orders == 2
    assert row.last_order == "2026-11-23"


def test_the_twelve_month_figures_start_the_day_after_as_of_minus_12_months(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2025-11-23", 500, ref="a")  # not in the last 12 months
    add_order(book, c, "2025-11-24", 100, ref="b")
    add_assessment(book, c, "2026-01-01", 1_000)
    facts = order_facts(book, AS_OF)[c]
    assert (facts.revenue_12m, facts.orders_12m, facts.orders_in_window) == (100_00, 1, 2)
    assert one(book).segment.loyalty == pytest.approx(0.1)


def test_feb_29_as_of(book) -> None:
    as_of = dt.date(2028, 2, 29)
    c = add_customer(book)
    add_order(book, c, "2026-02-28", 1_000, ref="outside")  # 2028-02-29 − 24 months = 2026-02-28
    add_order(book, c, "2026-03-01", 300, ref="inside")
    add_order(book, c, "2027-02-28", 20, ref="older-than-12-months")  # − 12 months = 2027-02-28
    add_order(book, c, "2027-03-01", 4, ref="within-12-months")
    add_order(book, c, "2028-02-29", 1, ref="on-as-of")
    facts = order_facts(book, as_of)[c]
    assert facts.window_revenue == 325_00
    assert facts.revenue_12m == 5_00
    assert (facts.orders_in_window, facts.orders_12m) == (4, 2)
    assert facts.active_months_12 == 2  # 2027-03-01 is in the oldest period, 2028-02-29 in the latest
    assert month_period(dt.date(2027, 3, 1), as_of) == 11


def test_as_of_is_a_parameter_history_reads_as_it_was(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2020-05-01", 100, ref="a")
    assert one(book, dt.date(2020, 5, 1)).segment.group == Group.ONE_OFF
    assert one(book, dt.date(2020, 4, 30)).segment.group is None
    assert one(book, dt.date(2021, 5, 1)).segment.group == Group.LAPSED


# --- what an order is ------------------------------------------------------------


def test_credit_notes_netting_a_customer_to_zero(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2026-03-01", 1_000, ref="536365")
    add_order(book, c, "2026-03-05", -1_000, ref="C536379")
    s = one(book).segment
    assert (s.revenue, s.revenue_class, s.flags) == (0, "D", ("credit notes net revenue to zero",))
    assert s.orders == 1  # the sale was an order; the credit note is not one


def test_credit_notes_netting_a_customer_below_zero(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2026-03-01", 100, ref="1")
    add_order(book, c, "2026-04-01", -300, ref="C2")
    s = one(book).segment
    assert (s.revenue, s.revenue_class, s.negative_revenue) == (-200_00, "D", True)
    assert "negative net revenue" in s.flags


def test_an_order_whose_lines_net_to_zero_is_not_an_order(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2026-06-01", 500)  # rows without an id on one day are one order …
    add_order(book, c, "2026-06-01", -500)  # … netting to zero
    add_order(book, c, "2026-07-01", 0, ref="zero")  # an order id whose lines were summed to zero
    facts = order_facts(book, AS_OF)[c]
    assert (facts.orders_in_window, facts.entries_in_window, facts.window_revenue) == (0, 2, 0)
    s = one(book).segment
    assert (s.orders, s.xyz, s.group, s.revenue_class) == (0, None, None, "D")
    assert s.flags == ("credit notes net revenue to zero",)


def test_several_orders_on_one_day_without_ids_are_one_order(book) -> None:
    c = add_customer(book)
    for amount in (100, 200, 300):
        add_order(book, c, "2026-06-01", amount)
    add_order(book, c, "2026-06-02", 50)
    add_order(book, c, "2026-06-02", -20)  # a credit line on the same day: still one order, net 30
    add_order(book, c, "2026-06-01", 70, ref="with-id")  # an order id on the same day is its own order
    s = one(book).segment
    assert (s.revenue, s.orders) == (700_00, 3)


def test_rows_without_id_and_with_id_mixed_across_customers(book) -> None:
    a, b = add_customer(book, "A"), add_customer(book, "B")
    add_order(book, a, "2026-01-01", 10)
    add_order(book, a, "2026-01-01", 20)
    add_order(book, b, "2026-01-01", 10, ref="x")
    add_order(book, b, "2026-01-01", 20, ref="y")
    assert one(book, source_id="A").segment.orders == 1
    assert one(book, source_id="B").segment.orders == 2


def test_a_customer_with_no_orders(book) -> None:
    add_customer(book)
    row = one(book)
    s = row.segment
    assert (s.revenue, s.orders, s.revenue_class, s.xyz, s.group, s.flags) == (0, 0, "D", None, None, ())
    assert s.quadrant == Quadrant.NEEDS_ASSESSMENT and row.last_order is None


def test_a_customer_with_no_orders_but_a_budget_is_big_game(book) -> None:
    c = add_customer(book)
    add_assessment(book, c, "2026-01-01", 1_500_000)
    s = one(book).segment
    assert (s.potential_class, s.loyalty, s.quadrant, s.upgrade_candidate) == ("A", 0.0, Quadrant.BIG_GAME, True)


def test_only_orders_older_than_12_months_is_lapsed(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2025-03-01", 100, ref="1")
    add_order(book, c, "2025-06-01", 100, ref="2")
    s = one(book).segment
    assert (s.group, s.revenue, s.orders, s.xyz) == (Group.LAPSED, 200_00, 2, "Z")


def test_only_orders_older_than_the_window_is_lapsed_and_d(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2021-03-01", 100, ref="1")
    row = one(book)
    assert (row.segment.group, row.segment.revenue_class, row.segment.xyz) == (Group.LAPSED, "D", None)
    assert row.last_order == "2021-03-01"


def test_only_credit_notes_is_no_group(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2021-03-01", -100, ref="C1")
    add_order(book, c, "2026-03-01", -100, ref="C2")
    row = one(book)
    assert (row.segment.group, row.last_order, row.segment.revenue_class) == (None, None, "D")


# --- assessments -----------------------------------------------------------------


def test_unknown_budget_needs_assessment(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2026-06-01", 5_000_000, ref="big")
    s = one(book).segment
    assert (s.revenue_class, s.potential_class, s.loyalty, s.quadrant) == ("A", None, None, Quadrant.NEEDS_ASSESSMENT)
    add_assessment(book, c, "2026-06-02", None)  # an assessment without a budget or override
    assert one(book).segment.quadrant == Quadrant.NEEDS_ASSESSMENT


def test_loyalty_over_100_percent_is_clamped_and_flagged(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2026-06-01", 1_500_000, ref="1")
    add_assessment(book, c, "2025-01-01", 1_000_000)
    s = one(book).segment
    assert (s.loyalty, s.budget_looks_stale, s.flags) == (1.0, True, ("budget looks stale",))
    assert (s.potential_class, s.quadrant) == ("B", Quadrant.CASH_COWS)


def test_latest_assessment_budget_and_override(book) -> None:
    c = add_customer(book)
    add_order(book, c, "2026-06-01", 300_000, ref="1")
    add_assessment(book, c, "2025-01-01", 1_000_000, loyalty=0.9)
    add_assessment(book, c, "2026-01-01", 600_000)
    add_assessment(book, c, "2026-12-01", 50_000, loyalty=0.1)  # after as_of: not yet made
    s = one(book).segment
    # the override of an older assessment no longer counts; the latest budget does
    assert (s.loyalty, s.loyalty_source, s.potential_class) == (0.5, "computed", "B")
    add_assessment(book, c, "2026-02-01", None, loyalty=0.2)  # latest: an override, no new budget
    s = one(book).segment
    assert (s.loyalty, s.loyalty_source, s.potential_class) == (0.2, "entered", "B")
    assert latest_estimates(book, AS_OF)[c].budget_per_year == 600_000_00


def test_same_day_assessments_latest_entered_wins(book) -> None:
    c = add_customer(book)
    add_assessment(book, c, "2026-01-01", 100_000)
    add_assessment(book, c, "2026-01-01", 900_000)
    assert latest_estimates(book, AS_OF)[c].budget_per_year == 900_000_00


# --- groups ----------------------------------------------------------------------


def monthly_orders(book, customer: int, months_back: list[int], amount: float = 1_000) -> None:
    for n, i in enumerate(months_back):
        add_order(book, customer, subtract_months(AS_OF, i).isoformat(), amount, ref=f"m{n}")


def test_exclusive_needs_an_order_in_nine_of_the_twelve_periods(book) -> None:
    c = add_customer(book)
    monthly_orders(book, c, list(range(9)))  # as_of, as_of − 1 month, … − 8 months: nine periods
    s = one(book).segment
    assert s.group == Group.EXCLUSIVE
    assert order_facts(book, AS_OF)[c].active_months_12 == 9


def test_two_orders_in_one_period_do_not_make_two_months(book) -> None:
    c = add_customer(book)
    # − 1 month ends period 1; − 1 month + 1 day starts period 0 … so use − 2 months + 1 day for period 1
    monthly_orders(book, c, list(range(8)))
    add_order(book, c, (subtract_months(AS_OF, 2) + dt.timedelta(days=1)).isoformat(), 10, ref="same-period")
    assert order_facts(book, AS_OF)[c].active_months_12 == 8
    assert one(book).segment.group == Group.RECURRING
    add_order(book, c, subtract_months(AS_OF, 11).isoformat(), 10, ref="oldest-period-end")
    assert order_facts(book, AS_OF)[c].active_months_12 == 9
    assert one(book).segment.group == Group.EXCLUSIVE


def test_exclusive_needs_loyalty_of_75_percent_when_known(book) -> None:
    c = add_customer(book)
    monthly_orders(book, c, list(range(12)), amount=1_000)  # 12 000 in 12 months
    add_assessment(book, c, "2026-01-01", 16_000)  # 75 %
    assert one(book).segment.group == Group.EXCLUSIVE
    add_assessment(book, c, "2026-02-01", 16_001)  # just below 75 %
    assert one(book).segment.group == Group.RECURRING


def test_recurring_and_one_off(book) -> None:
    a, b = add_customer(book, "A"), add_customer(book, "B")
    add_order(book, a, "2025-01-01", 10, ref="1")
    add_order(book, a, "2026-01-01", 10, ref="2")
    add_order(book, b, "2026-01-01", 10, ref="1")
    assert one(book, source_id="A").segment.group == Group.RECURRING
    assert one(book, source_id="B").segment.group == Group.ONE_OFF


# --- Pareto mode -----------------------------------------------------------------


def test_pareto_mode_ties_by_source_id(book) -> None:
    book.set_setting("abc.mode", "pareto")
    big, ten, nine = add_customer(book, "1"), add_customer(book, "10"), add_customer(book, "9")
    add_order(book, big, "2026-01-01", 90, ref="a")
    add_order(book, ten, "2026-01-01", 5, ref="a")
    add_order(book, nine, "2026-01-01", 5, ref="a")  # added last, but source id 9 < 10
    classes = {r.source_id: r.segment.revenue_class for r in segment_book(book, AS_OF)}
    assert classes == {"1": "A", "9": "B", "10": "C"}


def test_archived_customers_are_left_out(book) -> None:
    c = add_customer(book)
    add_customer(book)
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET archived = 1 WHERE id = ?", (c,))
    assert [r.id for r in segment_book(book, AS_OF)] != [c] and len(segment_book(book, AS_OF)) == 1


def test_customers_in_name_order(book) -> None:
    for name in ("beta", "Alfa", "gamma"):
        add_customer(book, name=name)
    assert [r.name for r in segment_book(book, AS_OF)] == ["Alfa", "beta", "gamma"]


def test_window_length_from_settings(book) -> None:
    book.set_setting("window.months", "12")
    c = add_customer(book)
    add_order(book, c, "2025-06-01", 5_000_000, ref="old")
    add_order(book, c, "2026-06-01", 100, ref="new")
    assert one(book).segment.revenue == 100_00


# --- a reference implementation in plain Python, and properties ------------------


def reference_facts(rows, as_of: dt.date, months: int = 24) -> dict[int, Facts]:
    """DESIGN §2 read literally, over (customer, ref, date, amount) rows."""
    start, year = subtract_months(as_of, months), subtract_months(as_of, 12)
    orders: dict[tuple, list] = {}
    for cid, ref, day, amount in rows:
        if day > as_of:
            continue
        key = (cid, ref if ref is not None else f"d:{day.isoformat()}")
        orders.setdefault(key, [day, 0])
        orders[key][0] = min(orders[key][0], day)
        orders[key][1] += amount
    result = {}
    for cid in {r[0] for r in rows}:
        mine = [(d, net) for (c, _), (d, net) in orders.items() if c == cid]
        window = [(d, net) for d, net in mine if start < d <= as_of]
        last12 = [(d, net) for d, net in window if d > year]
        positive = [d for d, net in mine if net > 0]
        result[cid] = Facts(
            customer_id=cid,
            window_revenue=sum(net for _, net in window),
            revenue_12m=sum(net for _, net in last12),
            orders_in_window=sum(net > 0 for _, net in window),
            orders_12m=sum(net > 0 for _, net in last12),
            ordered_before_12m=any(d <= year for d in positive),
            active_months_12=len({month_period(d, as_of) for d, net in last12 if net > 0}),
            last_order=max(positive).isoformat() if positive else None,
            entries_in_window=len(window),
        )
    return result


ROWS = st.lists(
    st.tuples(
        st.integers(1, 4),
        st.none() | st.sampled_from(["r1", "r2", "r3", "r4", "r5"]),
        st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2027, 3, 31)),
        st.integers(-50_000, 200_000),
    ),
    max_size=40,
)
AS_OFS = st.sampled_from([AS_OF, dt.date(2028, 2, 29), dt.date(2026, 3, 31), dt.date(2025, 12, 31), dt.date(2026, 5, 1)])


def unique(rows) -> list:
    """Rows as the book keeps them: one per (customer, order id); rows without an
    id unique per customer, day and amount (the book's unique indexes)."""
    seen, kept = set(), []
    for cid, ref, day, amount in rows:
        key = (cid, ref) if ref is not None else (cid, day, amount)
        if key not in seen:
            seen.add(key)
            kept.append((cid, ref, day, amount))
    return kept


def fill(book, rows) -> list[tuple]:
    """Insert the unique rows as the importer would; returns them with book ids."""
    ids, kept = {}, []
    for cid, ref, day, amount in unique(rows):
        if cid not in ids:
            ids[cid] = add_customer(book, source_id=f"S{cid}", name=f"Customer S{cid}")
        with book.transaction() as conn:
            conn.execute(
                'INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (?, ?, ?, ?, ?)',
                (ids[cid], ref, ref if ref is not None else f"d:{day.isoformat()}", day.isoformat(), amount),
            )
        kept.append((ids[cid], ref, day, amount))
    return kept


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=ROWS, as_of=AS_OFS, months=st.sampled_from([24, 12, 13, 36]))
def test_the_sql_aggregate_equals_the_rules_read_literally(rows, as_of, months) -> None:
    book = open_book(":memory:")
    try:
        kept = fill(book, rows)
        expected = reference_facts(kept, as_of, months)
        assert order_facts(book, as_of, months) == expected
    finally:
        book.close()


@settings(max_examples=60, deadline=None)
@given(rows=ROWS, as_of=AS_OFS)
def test_the_exact_month_count_equals_the_rules_read_literally(rows, as_of) -> None:
    book = open_book(":memory:")
    limit = engine.FIELD_LIMIT
    engine.FIELD_LIMIT = 1  # every customer with an order in the last 12 months counted with DISTINCT
    try:
        kept = fill(book, rows)
        assert order_facts(book, as_of) == reference_facts(kept, as_of)
    finally:
        engine.FIELD_LIMIT = limit
        book.close()


@settings(max_examples=60, deadline=None)
@given(rows=ROWS, as_of=AS_OFS, seed=st.integers(0, 1000))
def test_same_book_and_as_of_give_the_same_output_whatever_the_insert_order(rows, as_of, seed) -> None:
    outputs = []
    for shuffle in (False, True):
        book = open_book(":memory:")
        ordered = unique(rows)
        if shuffle:
            random.Random(seed).shuffle(ordered)
        fill(book, ordered)
        for run in range(2):
            rows_out = segment_book(book, as_of)
            out = io.StringIO()
            export.write_segments_csv(sorted(rows_out, key=lambda r: r.source_id), out)
            outputs.append(out.getvalue().encode())
        book.close()
    assert len(set(outputs)) == 1


@settings(max_examples=60, deadline=None)
@given(rows=ROWS, as_of=AS_OFS, budgets=st.lists(st.none() | st.integers(0, 300_000), min_size=4, max_size=4))
def test_every_customer_of_a_book_lands_in_exactly_one_quadrant_or_the_tray(rows, as_of, budgets) -> None:
    book = open_book(":memory:")
    try:
        fill(book, rows)
        add_customer(book, source_id="no-orders")
        for (cid,), budget in zip(book.query("SELECT id FROM customer ORDER BY id"), budgets):
            if budget is not None:
                add_assessment(book, cid, "2020-01-01", budget)
        result = segment_book(book, as_of)
        assert len(result) == book.scalar("SELECT count(*) FROM customer")
        for row in result:
            assert row.segment.quadrant in Quadrant
            unknown = row.segment.loyalty is None or row.segment.potential_class is None
            assert (row.segment.quadrant == Quadrant.NEEDS_ASSESSMENT) == unknown
    finally:
        book.close()


@settings(max_examples=40, deadline=None)
@given(rows=ROWS, extra=st.integers(1, 3_000_000), mode=st.sampled_from(["fixed", "pareto"]))
def test_classes_only_move_up_when_a_customer_buys_more(rows, extra, mode) -> None:
    book = open_book(":memory:")
    try:
        fill(book, rows)
        target = add_customer(book, source_id="target")
        add_order(book, target, "2026-01-10", 1, ref="first")
        book.set_setting("abc.mode", mode)
        before = {r.id: r.segment.revenue_class for r in segment_book(book, AS_OF)}[target]
        add_order(book, target, "2026-02-10", extra, ref="more")
        after = {r.id: r.segment.revenue_class for r in segment_book(book, AS_OF)}[target]
        assert "ABCD".index(after) <= "ABCD".index(before)
    finally:
        book.close()


# --- the big-book path: two halves on two connections -------------------------


def test_the_parallel_aggregate_gives_the_same_facts(tmp_path, monkeypatch) -> None:
    from segtui.store.demo import generate

    book = generate(tmp_path / "demo.db", customers=120, orders=6_000, seed=3, today=AS_OF)
    try:
        monkeypatch.setattr(engine, "PARALLEL_FROM_ROWS", 10**12)
        sequential = order_facts(book, AS_OF)
        monkeypatch.setattr(engine, "PARALLEL_FROM_ROWS", 0)
        parallel = order_facts(book, AS_OF)
        assert parallel == sequential and len(parallel) > 100
        first, last = book.rows("SELECT min(id), max(id) FROM customer")[0]
        for customer in (first, last):  # rows without an id in both halves: one order per day
            add_order(book, customer, "2026-11-01", 77)
            add_order(book, customer, "2026-11-01", 23)
        mixed = order_facts(book, AS_OF)
        assert mixed != parallel
        assert mixed[first].orders_in_window == parallel[first].orders_in_window + 1
        assert mixed[first].window_revenue == parallel[first].window_revenue + 100_00
        monkeypatch.setattr(engine, "PARALLEL_FROM_ROWS", 10**12)
        assert order_facts(book, AS_OF) == mixed
    finally:
        book.close()


def test_a_customer_with_hundreds_of_orders_in_one_month(book) -> None:
    c = add_customer(book)
    with book.transaction() as conn:
        conn.executemany(
            'INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (?, ?, ?, ?, 100)',
            [(c, f"n{i}", f"n{i}", "2026-11-20") for i in range(300)]
            + [(c, f"m{i}", f"m{i}", "2026-09-01") for i in range(256)],
        )
    facts = order_facts(book, AS_OF)[c]
    assert (facts.orders_12m, facts.active_months_12) == (556, 2)


def test_the_packed_month_count_equals_the_exact_count(tmp_path, monkeypatch) -> None:
    from segtui.store.demo import generate

    book = generate(tmp_path / "demo.db", customers=150, orders=8_000, seed=5, today=AS_OF)
    try:
        packed = order_facts(book, AS_OF)
        monkeypatch.setattr(engine, "FIELD_LIMIT", 1)  # every customer counted with DISTINCT
        exact = order_facts(book, AS_OF)
        assert packed == exact
        assert sum(f.active_months_12 >= 9 for f in exact.values()) > 5
    finally:
        book.close()


def test_each_segment_carries_the_estimate_it_was_classified_with(book, as_of) -> None:
    from books import add_assessment, add_customer

    from segtui.domain.segments import Estimate
    from segtui.store.segments import segment_book, segment_customer

    assessed = add_customer(book, name="Assessed AB")
    never = add_customer(book, name="Never AB")
    add_assessment(book, assessed, "2025-01-10", 300_000)
    add_assessment(book, assessed, "2026-06-01", 800_000, loyalty=0.4)
    rows = {r.id: r for r in segment_book(book, as_of)}
    assert rows[assessed].estimate == Estimate(800_000_00, 0.4, "entered")
    assert rows[never].estimate is None
    assert segment_customer(book, assessed, as_of).estimate == rows[assessed].estimate
