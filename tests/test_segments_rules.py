"""The rules of DESIGN §2 as pure functions, on hand-computed figures."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from segtui.domain import segments as seg
from segtui.domain.segments import (
    CLASS_ORDER,
    Config,
    Estimate,
    Facts,
    Group,
    Quadrant,
    classify,
    classify_all,
    group,
    is_upgrade_candidate,
    loyalty,
    month_period,
    month_periods,
    pareto_classes,
    potential_class,
    potential_in_window,
    qualification,
    quadrant,
    revenue_class,
    sales_track,
    source_id_order,
    subtract_months,
    xyz,
)
from segtui.domain.settings import DEFAULTS

CONFIG = Config()
SEK = 100  # minor units per krona


# --- revenue class ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("revenue_sek", "expected"),
    [
        (2_000_000.01, "A"),
        (2_000_000, "B"),  # B is 1,000,000 ≤ revenue ≤ 2,000,000
        (1_000_000, "B"),
        (999_999.99, "C"),
        (0.01, "C"),
        (0, "D"),
        (-500, "D"),
    ],
)
def test_revenue_class_fixed_thresholds(revenue_sek: float, expected: str) -> None:
    assert revenue_class(round(revenue_sek * SEK), CONFIG) == expected


def test_config_reads_settings_in_major_units() -> None:
    config = Config.from_settings({**DEFAULTS, "abc.a_above": "500", "abc.b_from": "100"})
    assert (config.a_above, config.b_from) == (500 * SEK, 100 * SEK)
    assert revenue_class(500 * SEK + 1, config) == "A"
    assert config.pareto_a == Fraction(4, 5) and config.pareto_b == Fraction(19, 20)


def test_config_defaults_match_settings_defaults() -> None:
    assert Config.from_settings({}) == Config()


# --- Pareto mode -----------------------------------------------------------------


def test_pareto_classifies_by_the_share_before_the_customer() -> None:
    # total 100: shares before are 0, 50, 80, 95 → A, A, B (80 is not below 80), C
    revenues = {1: 50, 2: 30, 3: 15, 4: 5, 5: 0, 6: -3}
    assert pareto_classes(revenues, CONFIG) == {1: "A", 2: "A", 3: "B", 4: "C", 5: "D", 6: "D"}


def test_pareto_shares_are_exact_not_binary_floats() -> None:
    # 0.95 as a float is below 95/100; the customer whose share before is exactly 95 % is C
    revenues = {1: 95, 2: 5}
    assert pareto_classes(revenues, Config(pareto_a=0.5, pareto_b=0.95)) == {1: "A", 2: "C"}


def test_pareto_ties_by_customer_id_by_default() -> None:
    # 90 then a tie of 5 and 5: the first of the tie has 90 % before (B), the second 95 % (C)
    assert pareto_classes({7: 90, 3: 5, 2: 5}, CONFIG) == {7: "A", 2: "B", 3: "C"}


def test_pareto_ties_by_source_id_numbers_before_text() -> None:
    ties = {1: source_id_order("10"), 2: source_id_order("9"), 3: source_id_order("K1")}
    # customer 2 (source id 9) comes before customer 1 (source id 10): 9 < 10 as numbers
    assert pareto_classes({1: 5, 2: 5, 3: 90}, CONFIG, ties) == {3: "A", 2: "B", 1: "C"}


def test_source_id_order_numbers_first_then_text() -> None:
    ids = ["10", "K10", "9", "007", "K9", "C1"]
    assert sorted(ids, key=source_id_order) == ["007", "9", "10", "C1", "K10", "K9"]


def test_pareto_with_nobody_positive_is_all_d() -> None:
    assert pareto_classes({1: 0, 2: -5}, CONFIG) == {1: "D", 2: "D"}


def test_classify_all_uses_pareto_mode() -> None:
    config = Config(mode="pareto")
    facts = [Facts(1, window_revenue=90), Facts(2, window_revenue=5), Facts(3, window_revenue=5)]
    result = classify_all(facts, {}, config, {1: (0, 1, "1"), 2: (0, 3, "3"), 3: (0, 2, "2")})
    assert {cid: s.revenue_class for cid, s in result.items()} == {1: "A", 3: "B", 2: "C"}


# --- potential class and upgrade candidates --------------------------------------


@pytest.mark.parametrize(
    ("budget_sek", "expected"),
    [
        (1_000_000.01, "A"),  # × 2 = 2,000,000.02 > 2,000,000
        (1_000_000, "B"),  # × 2 = 2,000,000: B
        (500_000, "B"),  # × 2 = 1,000,000
        (499_999.99, "C"),
        (0, "D"),
    ],
)
def test_potential_class_scales_the_yearly_budget_to_the_window(budget_sek: float, expected: str) -> None:
    assert potential_class(Estimate(round(budget_sek * SEK)), CONFIG) == expected


def test_potential_class_with_a_one_year_window_and_unknown_budget() -> None:
    assert potential_class(Estimate(2_000_000 * SEK), Config(window_months=12)) == "B"
    assert potential_class(Estimate(2_000_000 * SEK), Config(window_months=36)) == "A"
    assert potential_class(Estimate(None), CONFIG) is None
    assert potential_class(Estimate(None, loyalty_override=0.5), CONFIG) is None


def test_potential_in_window_scales_the_yearly_budget_to_the_window() -> None:
    assert potential_in_window(1_000_001, CONFIG) == 2_000_002  # 24 months
    assert potential_in_window(1_000_001, Config(window_months=18)) == 1_500_001  # rounded down
    assert potential_in_window(None, CONFIG) is None


@given(st.integers(min_value=0, max_value=10**12), st.sampled_from([12, 18, 24, 36]))
def test_potential_class_is_the_revenue_scale_on_the_potential_in_window(budget: int, months: int) -> None:
    config = Config(window_months=months)
    scaled = potential_in_window(budget, config)
    expected = "A" if scaled > config.a_above else "B" if scaled >= config.b_from else "C" if scaled > 0 else "D"
    if budget * months % 12 == 0:  # the rounding down only matters at the thresholds' edges
        assert potential_class(Estimate(budget), config) == expected


def test_upgrade_candidate_when_potential_beats_revenue() -> None:
    assert is_upgrade_candidate("B", "A")
    assert is_upgrade_candidate("D", "C")
    assert not is_upgrade_candidate("A", "A")
    assert not is_upgrade_candidate("A", "B")
    assert not is_upgrade_candidate("C", None)


# --- loyalty ---------------------------------------------------------------------


def test_loyalty_is_twelve_month_revenue_over_the_yearly_budget() -> None:
    assert loyalty(600_000, Estimate(1_000_000)) == (0.6, "computed", False)


def test_loyalty_above_100_percent_is_clamped_and_flagged() -> None:
    assert loyalty(1_500_000, Estimate(1_000_000)) == (1.0, "computed", True)


def test_loyalty_exactly_100_percent_is_not_flagged() -> None:
    assert loyalty(1_000_000, Estimate(1_000_000)) == (1.0, "computed", False)


def test_loyalty_override_in_the_latest_assessment_wins() -> None:
    assert loyalty(900_000, Estimate(1_000_000, 0.3)) == (0.3, "entered", False)
    # the override wins even without a budget
    assert loyalty(0, Estimate(None, 0.8)) == (0.8, "entered", False)
    # the budget still looks stale when the revenue is above it
    assert loyalty(1_200_000, Estimate(1_000_000, 0.3)) == (0.3, "entered", True)


def test_loyalty_unknown_without_budget_or_override() -> None:
    assert loyalty(500_000, Estimate()) == (None, None, False)


def test_loyalty_of_a_net_loss_is_zero_and_budget_zero() -> None:
    assert loyalty(-5_000, Estimate(1_000_000)) == (0.0, "computed", False)
    assert loyalty(0, Estimate(0)) == (0.0, "computed", False)
    assert loyalty(100, Estimate(0)) == (1.0, "computed", True)


# --- quadrant --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "potential", "expected"),
    [
        (0.5, "A", Quadrant.CASH_COWS),  # 50 % is high loyalty
        (0.9, "B", Quadrant.CASH_COWS),
        (0.49, "A", Quadrant.BIG_GAME),
        (0.0, "B", Quadrant.BIG_GAME),
        (0.5, "C", Quadrant.SMALL_FRY),
        (1.0, "D", Quadrant.SMALL_FRY),
        (0.2, "C", Quadrant.UNINTERESTING),
        (0.2, "D", Quadrant.UNINTERESTING),
        (None, "A", Quadrant.NEEDS_ASSESSMENT),
        (0.7, None, Quadrant.NEEDS_ASSESSMENT),
        (None, None, Quadrant.NEEDS_ASSESSMENT),
    ],
)
def test_quadrant(share, potential, expected) -> None:
    assert quadrant(share, potential, CONFIG) == expected


def test_quadrant_high_classes_come_from_settings() -> None:
    config = Config.from_settings({"potential.high_classes": "A"})
    assert quadrant(0.2, "B", config) == Quadrant.UNINTERESTING


def test_every_quadrant_has_labels_and_strategy() -> None:
    for q in Quadrant:
        assert q.label and seg.QUADRANT_SWEDISH[q] and seg.QUADRANT_STRATEGY[q]
    assert [seg.QUADRANT_SWEDISH[q] for q in list(Quadrant)[:4]] == ["kassakor", "högvilt", "småttingar", "ointressanta"]
    for g in Group:
        assert g.label and seg.GROUP_STRATEGY[g]


# --- XYZ -------------------------------------------------------------------------


@pytest.mark.parametrize(("orders", "expected"), [(40, "X"), (24, "X"), (23, "Y"), (8, "Y"), (7, "Z"), (1, "Z"), (0, None)])
def test_xyz(orders: int, expected: str | None) -> None:
    assert xyz(orders, CONFIG) == expected


# --- customer groups -------------------------------------------------------------


def test_group_lapsed_when_no_order_in_12_months_but_one_before() -> None:
    facts = Facts(1, orders_in_window=3, orders_12m=0, ordered_before_12m=True)
    assert group(facts, None, CONFIG) == Group.LAPSED
    # older than the window too
    assert group(Facts(1, ordered_before_12m=True), None, CONFIG) == Group.LAPSED


def test_group_exclusive_needs_nine_active_months_and_loyalty_when_known() -> None:
    facts = Facts(1, orders_in_window=14, orders_12m=10, active_months_12=9)
    assert group(facts, None, CONFIG) == Group.EXCLUSIVE
    assert group(facts, 0.75, CONFIG) == Group.EXCLUSIVE
    assert group(facts, 0.74, CONFIG) == Group.RECURRING
    assert group(facts._replace(active_months_12=8), None, CONFIG) == Group.RECURRING


def test_group_recurring_one_off_and_none() -> None:
    assert group(Facts(1, orders_in_window=2, orders_12m=1, active_months_12=1), None, CONFIG) == Group.RECURRING
    assert group(Facts(1, orders_in_window=1, orders_12m=1, active_months_12=1), None, CONFIG) == Group.ONE_OFF
    assert group(Facts(1), None, CONFIG) is None


# --- classify: flags -------------------------------------------------------------


def test_negative_net_revenue_is_d_and_flagged() -> None:
    s = classify(Facts(1, window_revenue=-100, entries_in_window=2, orders_in_window=1), Estimate(), CONFIG)
    assert (s.revenue_class, s.negative_revenue) == ("D", True)
    assert s.flags == ("negative net revenue",)


def test_credit_notes_netting_to_zero_are_d_and_flagged() -> None:
    s = classify(Facts(1, window_revenue=0, entries_in_window=2, orders_in_window=1), Estimate(), CONFIG)
    assert s.revenue_class == "D" and s.flags == ("credit notes net revenue to zero",)


def test_no_rows_in_the_window_is_d_without_a_flag() -> None:
    s = classify(Facts(1), Estimate(), CONFIG)
    assert (s.revenue_class, s.flags, s.quadrant, s.xyz, s.group) == ("D", (), Quadrant.NEEDS_ASSESSMENT, None, None)


def test_classify_puts_it_together() -> None:
    facts = Facts(1, window_revenue=1_500_000 * SEK, revenue_12m=800_000 * SEK, orders_in_window=30, orders_12m=15,
                  ordered_before_12m=True, active_months_12=10, last_order="2026-11-20", entries_in_window=31)
    s = classify(facts, Estimate(1_000_000 * SEK + 1), CONFIG)
    assert s.revenue_class == "B" and s.potential_class == "A" and s.upgrade_candidate
    assert s.loyalty == pytest.approx(0.8) and s.loyalty_source == "computed"
    assert s.quadrant == Quadrant.CASH_COWS and s.xyz == "X" and s.group == Group.EXCLUSIVE
    assert s.flags == ()


# --- qualification and sales track -----------------------------------------------


def test_qualification() -> None:
    assert qualification(True, True, True) == "A"
    assert qualification(True, True, False) == "B"
    assert qualification(True, False, True) == "C"
    assert qualification(True, None, None) is None  # money unknown: not parked yet
    assert qualification(True, False, None) == "C"
    assert qualification(False, True, True) is None
    assert set(seg.QUALIFICATION_ACTION) == {"A", "B", "C"}


def test_sales_track() -> None:
    assert sales_track("price", True, False) == "complex"
    assert sales_track("price", False, True) == "complex"
    assert sales_track("price", False, False) == "traditional"
    assert sales_track("delivery", False, None) == "traditional"
    assert sales_track("performance", False, False) is None
    assert sales_track(None, None, None) is None


# --- the calendar ----------------------------------------------------------------


def test_subtract_months_clamps_feb_29() -> None:
    assert subtract_months(dt.date(2028, 2, 29), 24) == dt.date(2026, 2, 28)
    assert subtract_months(dt.date(2028, 2, 29), 12) == dt.date(2027, 2, 28)
    assert subtract_months(dt.date(2028, 2, 29), 48) == dt.date(2024, 2, 29)
    assert subtract_months(dt.date(2026, 3, 31), 1) == dt.date(2026, 2, 28)
    assert subtract_months(dt.date(2026, 1, 15), 1) == dt.date(2025, 12, 15)


def test_month_periods_end_on_as_of() -> None:
    periods = month_periods(dt.date(2026, 11, 23))
    assert periods[0] == (dt.date(2026, 10, 23), dt.date(2026, 11, 23))
    assert periods[11] == (dt.date(2025, 11, 23), dt.date(2025, 12, 23))
    assert len(periods) == 12


DAYS = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31))


@given(DAYS, st.integers(min_value=0, max_value=240))
def test_subtract_months_is_pendulums(day: dt.date, months: int) -> None:
    expected = pendulum.date(day.year, day.month, day.day).subtract(months=months)
    assert subtract_months(day, months) == dt.date(expected.year, expected.month, expected.day)


@given(DAYS, st.integers(min_value=0, max_value=400))
def test_month_period_agrees_with_the_period_bounds(as_of: dt.date, back: int) -> None:
    day = as_of - dt.timedelta(days=back)
    periods = month_periods(as_of, 14)
    inside = [i for i, (start, end) in enumerate(periods) if start < day <= end]
    assert inside == ([month_period(day, as_of)] if inside else [])
    assert month_period(as_of + dt.timedelta(days=1), as_of) is None


# --- properties ------------------------------------------------------------------

MONEY = st.integers(min_value=-5_000_000 * SEK, max_value=10_000_000 * SEK)


@given(MONEY, MONEY)
def test_revenue_class_only_moves_up_when_revenue_grows(a: int, b: int) -> None:
    low, high = sorted((a, b))
    assert CLASS_ORDER[revenue_class(high, CONFIG)] <= CLASS_ORDER[revenue_class(low, CONFIG)]


@given(st.dictionaries(st.integers(1, 40), MONEY, min_size=1), st.data())
def test_pareto_class_only_moves_up_when_a_customers_revenue_grows(revenues: dict, data) -> None:
    cid = data.draw(st.sampled_from(sorted(revenues)))
    more = data.draw(st.integers(min_value=0, max_value=5_000_000 * SEK))
    before = pareto_classes(revenues, CONFIG)[cid]
    after = pareto_classes({**revenues, cid: revenues[cid] + more}, CONFIG)[cid]
    assert CLASS_ORDER[after] <= CLASS_ORDER[before]


FACTS = st.builds(
    Facts,
    customer_id=st.integers(1, 10_000),
    window_revenue=MONEY,
    revenue_12m=MONEY,
    orders_in_window=st.integers(0, 60),
    orders_12m=st.integers(0, 30),
    ordered_before_12m=st.booleans(),
    active_months_12=st.integers(0, 12),
    last_order=st.none(),
    entries_in_window=st.integers(0, 70),
)
ESTIMATES = st.builds(
    Estimate,
    budget_per_year=st.none() | st.integers(0, 5_000_000 * SEK),
    loyalty_override=st.none() | st.floats(0, 1),
)


@settings(max_examples=200)
@given(st.lists(FACTS, max_size=30, unique_by=lambda f: f.customer_id), st.data(), st.sampled_from(["fixed", "pareto"]))
def test_every_customer_lands_in_exactly_one_quadrant_or_the_tray(facts, data, mode) -> None:
    estimates = {f.customer_id: data.draw(ESTIMATES) for f in facts}
    result = classify_all(facts, estimates, Config(mode=mode))
    assert sorted(result) == sorted(f.customer_id for f in facts)
    for cid, s in result.items():
        assert s.quadrant in Quadrant
        unknown = s.loyalty is None or s.potential_class is None
        assert (s.quadrant == Quadrant.NEEDS_ASSESSMENT) == unknown
        assert s.revenue_class in CLASS_ORDER
        if s.loyalty is not None:
            assert 0 <= s.loyalty <= 1


@given(FACTS, ESTIMATES, st.integers(min_value=0, max_value=5_000_000 * SEK))
def test_fixed_class_only_moves_up_when_window_revenue_grows(facts, estimate, more) -> None:
    before = classify(facts, estimate, CONFIG)
    after = classify(facts._replace(window_revenue=facts.window_revenue + more), estimate, CONFIG)
    assert CLASS_ORDER[after.revenue_class] <= CLASS_ORDER[before.revenue_class]
