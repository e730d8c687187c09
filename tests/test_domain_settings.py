"""The readings of settings text shared by the settings, the planner and the customer form."""

from __future__ import annotations

import pytest

from segtui.domain import customer, planning
from segtui.domain.settings import REGISTRY, Policy, SettingError, parse_policy, parse_share


def check(key: str, text: str) -> str:
    return REGISTRY[key].check(text)


@pytest.mark.parametrize("text", ["60%", "60 %", "0.6", "0,6", "60"])
def test_a_share_reads_the_same_in_settings_and_in_the_customer_form(text) -> None:
    assert parse_share(text) == pytest.approx(0.6)
    assert check("loyalty.high_from", text) == "0.6"
    assert customer.parse_loyalty(text) == pytest.approx(0.6)


@pytest.mark.parametrize("text, message", [("130%", "above 100"), ("-0.1", "negative"), ("lots", "not a share"),
                                           ("nan", "not a share"), ("inf", "not a share")])
def test_a_bad_share_is_refused_alike(text, message) -> None:
    with pytest.raises(SettingError, match=message):
        check("loyalty.high_from", text)
    with pytest.raises(customer.InputError, match=message):
        customer.parse_loyalty(text)


def test_the_planner_reads_policies_as_the_settings_check_them() -> None:
    assert planning.parse_policy is parse_policy and planning.Policy is Policy
    assert parse_policy("Visit: 14") == Policy("visit", 14)
    assert parse_policy("call:once") == Policy("call", None, True)
    assert parse_policy("none") == Policy()
    for text in ("visit:0", "call:999", "visit:often", "meet:14"):
        with pytest.raises(SettingError):
            parse_policy(text)
        with pytest.raises(SettingError):
            check("policy.big_game", text)
    assert check("policy.big_game", "Visit: 14") == "visit:14"
    assert check("policy.needs_assessment", "CALL:once") == "call:once"
    with pytest.raises(SettingError):
        check("policy.big_game", " ")


@pytest.mark.parametrize("text, stored", [("SEK", "SEK"), (" eur ", "EUR"), ("usd", "USD")])
def test_a_currency_is_three_letters(text, stored) -> None:
    assert check("currency", text) == stored


@pytest.mark.parametrize("text", ["EURO", "12!", "SE", "", "S€K", "ÅÄÖ"])
def test_anything_else_is_not_a_currency(text) -> None:
    with pytest.raises(SettingError, match="not a currency code"):
        check("currency", text)


def test_a_day_is_typed_as_yyyy_mm_dd_only() -> None:
    import datetime as dt

    assert customer.parse_day(" 2026-11-23 ") == dt.date(2026, 11, 23)
    for text in ("20261123", "2026-W48-1", "2026-11-23T10:00", "2026-02-30", "٢٠٢٦-١١-٢٣", ""):
        with pytest.raises(customer.InputError):
            customer.parse_day(text)
