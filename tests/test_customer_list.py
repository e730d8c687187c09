"""The virtual customer list: columns that fit, compact figures."""

from __future__ import annotations

from segtui.ui.customer_list import column_layout, header_text, short_money


def test_every_column_fits_in_a_quadrant_at_120_columns():
    name_w, columns = column_layout(53)
    assert columns == ["abc", "xyz", "revenue", "loyal", "next", "up"]
    assert name_w >= 14


def test_narrow_lists_drop_the_least_needed_columns_first():
    assert column_layout(40)[1] == ["abc", "revenue", "next", "up"]
    assert column_layout(33)[1] == ["next", "up"]
    assert column_layout(117, wide=True)[1][:2] == ["city", "owner"]


def test_header_is_as_wide_as_a_row():
    for width in (33, 40, 53, 117):
        assert len(header_text(width, wide=True)) == width


def test_money_is_compact_in_major_units():
    assert short_money(95_000) == "950"
    assert short_money(84_500_000) == "845 k"
    assert short_money(1_234_000_000) == "12.3 M"
    assert short_money(-50_000_000) == "-500 k"
    assert short_money(231_490_000_000) == "2.3 bn"
