"""One way to show money and shares, on every screen and in every export."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from segtui.domain import money as m


def test_money_is_rounded_major_units_with_plain_spaces() -> None:
    assert m.money(123_456_789) == "1 234 568"
    assert m.money(120_000_050) == "1 200 001"
    assert m.money(120_000_049) == "1 200 000"
    assert m.money(-7_335_350, "SEK") == "-73 354 SEK"
    assert m.money(-40) == "0"  # no minus on a zero
    assert m.money(None) == "—"
    assert "\u2009" not in m.money(10**12) and "\u202f" not in m.money(10**12)


def test_short_money_and_share() -> None:
    assert [m.short_money(x) for x in (95_000, 73_800_000, 460_000_000, -50_000_000, 231_490_000_000)] == [
        "950", "738 k", "4.6 M", "-500 k", "2.3 bn"]
    assert m.share(0.6897) == "69%" and m.share(None) == "—"


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_money_reads_back_within_half_a_unit(minor: int) -> None:
    shown = int(m.money(minor).replace(" ", ""))
    assert abs(shown * 100 - minor) <= 50


def test_every_screen_and_export_uses_the_same_formatters() -> None:
    from segtui.domain import customer
    from segtui.io import export
    from segtui.ui import customer_list

    assert customer.money is m.money and customer.share is m.share
    assert export.money is m.money and export.share is m.share
    assert customer_list.short_money is m.short_money
    assert customer_list.loyalty_text(0.6897) == m.share(0.6897)
    assert not hasattr(export, "money_text")
