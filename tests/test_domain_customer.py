"""What a rep types on the customer screen: parsed to what is stored, or refused with a reason."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from segtui.domain import customer as rules
from segtui.domain.customer import InputError


@pytest.mark.parametrize(
    "text, minor",
    [
        ("1 200 000", 120_000_000),
        ("1200000", 120_000_000),
        ("1\u00a0200\u00a0000 kr", 120_000_000),
        ("1_200_000", 120_000_000),
        ("350000,50", 35_000_050),
        ("1,200,000", 120_000_000),
        ("1.200.000,50", 120_000_050),
        ("1,200,000.50", 120_000_050),
        ("0", 0),
        ("", None),
        ("   ", None),
    ],
)
def test_budget_is_read_as_major_units(text, minor):
    assert rules.parse_budget(text) == minor


@pytest.mark.parametrize("text, message", [("-5", "negative"), ("abc", "not an amount"), ("1.2.3", "not an amount"),
                                           ("12e5", "not an amount"), ("9" * 20, "implausibly large")])
def test_bad_budgets_are_refused_with_a_reason(text, message):
    with pytest.raises(InputError, match=message):
        rules.parse_budget(text)


@given(st.integers(min_value=0, max_value=10**12))
def test_a_formatted_budget_reads_back_as_itself(major):
    assert rules.parse_budget(rules.money(major * 100)) == major * 100


@pytest.mark.parametrize(
    "text, share",
    [("60%", 0.6), ("60 %", 0.6), ("0.6", 0.6), ("0,6", 0.6), ("60", 0.6), ("100%", 1.0), ("0", 0.0), ("1", 1.0),
     ("", None)],
)
def test_loyalty_accepts_percentages_and_shares(text, share):
    assert rules.parse_loyalty(text) == pytest.approx(share) if share is not None else rules.parse_loyalty(text) is None


@pytest.mark.parametrize("text, message", [("130%", "above 100"), ("130", "above 100"), ("-0.1", "negative"),
                                           ("lots", "not a share"), ("nan", "not a share")])
def test_bad_loyalty_is_refused(text, message):
    with pytest.raises(InputError, match=message):
        rules.parse_loyalty(text)


@given(st.floats(allow_nan=True, allow_infinity=True).map(str) | st.text(max_size=12))
def test_loyalty_is_either_a_share_between_0_and_1_or_refused(text):
    try:
        value = rules.parse_loyalty(text)
    except InputError:
        return
    assert value is None or 0 <= value <= 1


@pytest.mark.parametrize("text", ["2026-02-30", "2026-13-01", "23/11/2026", "tomorrow", "", "0000-01-01"])
def test_impossible_dates_are_refused(text):
    with pytest.raises(InputError):
        rules.parse_date(text)


def test_a_real_date_is_kept():
    assert rules.parse_date(" 2028-02-29 ") == "2028-02-29"


def test_what_has_happened_cannot_be_dated_after_today():
    assert rules.parse_date("2026-11-23", latest=dt.date(2026, 11, 23)) == "2026-11-23"
    with pytest.raises(InputError, match="after today"):
        rules.parse_date("2026-11-24", latest=dt.date(2026, 11, 23))


def test_notes_have_a_length_limit():
    assert rules.clean_note("  a note  ") == "a note"
    assert rules.clean_note("   ") is None
    assert rules.clean_note("x" * rules.NOTE_MAX) == "x" * rules.NOTE_MAX
    with pytest.raises(InputError, match="10,000 characters"):
        rules.clean_note("x" * 10_000)
    with pytest.raises(InputError, match="control"):
        rules.clean_note("bell\x07")


def test_a_competitor_needs_a_name():
    with pytest.raises(InputError, match="type the competitor"):
        rules.clean_name("  ", "competitor")


def test_activity_kinds():
    assert rules.parse_kind(" Visit ") == "visit"
    assert rules.parse_kind("c") == "call" and rules.parse_kind("ma") == "mail"
    for bad in ("lunch", "", "visits"):
        with pytest.raises(InputError):
            rules.parse_kind(bad)


AS_OF = dt.date(2026, 11, 23)


@pytest.mark.parametrize(
    "assessed, stale",
    [("2025-11-23", False), ("2025-11-22", True), ("2026-06-01", False), ("2020-01-01", True), ("2026-11-23", False)],
)
def test_an_estimate_older_than_twelve_months_is_stale(assessed, stale):
    assert rules.is_stale(assessed, AS_OF, 12) is stale


def test_month_arithmetic_clamps_to_the_month_end():
    assert rules.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert rules.add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert rules.add_months(dt.date(2026, 11, 23), -24) == dt.date(2024, 11, 23)


@given(st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31)), st.integers(1, 60))
def test_stale_exactly_after_the_months_have_passed(day, months):
    boundary = rules.add_months(day, months)
    assert not rules.is_stale(day.isoformat(), boundary, months)
    assert rules.is_stale(day.isoformat(), boundary + dt.timedelta(days=1), months)


@pytest.mark.parametrize("ends, soon", [("2027-02-21", True), ("2027-02-22", False), ("2026-11-23", True),
                                        ("2026-11-22", False)])
def test_contract_ending_within_ninety_days(ends, soon):
    assert rules.contract_ends_soon(ends, AS_OF, 90) is soon


def test_twelve_quarters_end_with_the_current_one():
    quarters = rules.quarters_ending(AS_OF)
    assert [q.key for q in quarters[:2]] == ["2024-Q1", "2024-Q2"]
    assert quarters[-1].key == "2026-Q4" and len(quarters) == 12
    series = rules.quarter_series(AS_OF, {"2026-Q4": 5, "2023-Q4": 9})
    assert series[-1][1] == 5 and sum(v for _, v in series) == 5


def test_money_is_shown_in_major_units():
    assert rules.money(120_000_050) == "1 200 001"  # rounded, not cut off
    assert rules.money(-7_335_300, "SEK") == "-73 353 SEK"
    assert rules.money(None) == "—"


def test_cycle_wraps():
    assert rules.cycle(None, (None, True, False)) is True
    assert rules.cycle(False, (None, True, False)) is None
    assert rules.cycle("odd", ("a", "b")) == "a"
