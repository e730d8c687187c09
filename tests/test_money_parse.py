"""One reading of amounts, typed or imported (docs/amounts.md): domain.money.parse_money, and the
import's shortcuts for plain figures giving what it gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from segtui import i18n
from segtui.domain import money as m
from segtui.domain.money import MoneyError, parse_money

AMOUNTS = st.integers(min_value=-10**14, max_value=10**14)  # minor units, below 10^12 major


@pytest.fixture
def swedish():
    i18n.use("sv")
    yield
    i18n.use("en")


@pytest.mark.parametrize("text, typed, value", [
    ("1234.50", False, "1234.50"),
    ("1 234 567,50", False, "1234567.50"),
    ("1\u00a0234\u00a0567", False, "1234567"),
    ("1\u202f234", False, "1234"),
    ("1'234.50", False, "1234.50"),
    ("1.234.567,50", False, "1234567.50"),
    ("1,234,567.50", False, "1234567.50"),
    ("(12.50)", False, "-12.50"),
    ("\u22125", False, "-5"),
    ("100-", False, "-100"),
    ("+7", False, "7"),
    ("1.5E3", False, "1500"),
    ("-0", False, "0"),
    ("1,234", False, "1.234"),  # a lone separator in a file's cell is decimal (the column may say otherwise)
    ("1,000", True, "1000"),  # typed money has two decimals at most: three digits after it are thousands
    ("1.000", True, "1000"),
    ("1,5", True, "1.5"),
    ("0,50", True, "0.50"),
    ("1 200 000,50 kr", True, "1200000.50"),
    ("SEK 1 200", True, "1200"),
    ("-SEK5", True, "-5"),
    ("kr -5", True, "-5"),
    ("\u20ac12", True, "12"),
    ("US$ 3", True, "3"),
    ("100:-", True, "100"),
    ("(1 234,50 kr)", True, "-1234.50"),
    ("1_200_000", True, "1200000"),
])
def test_amounts_are_read_by_one_set_of_rules(text, typed, value) -> None:
    assert parse_money(text, typed=typed) == Decimal(value)


@pytest.mark.parametrize("text, typed, why", [
    ("1,23,456", False, "the digit groups are not groups of three"),
    ("12 34", True, "the digit groups are not groups of three"),
    ("--5", False, "more than one sign"),
    ("(-5)", True, "more than one sign"),
    ("0,125", True, "more than two decimals"),
    ("1 234,567", True, "more than two decimals"),
    ("12e5", True, "an exponent"),
    ("12 SEK", False, "a currency is written with it"),
    ("1.234.5", False, "the digit groups are not groups of three"),
])
def test_a_refusal_says_why(text, typed, why) -> None:
    with pytest.raises(MoneyError) as refused:
        parse_money(text, typed=typed)
    assert refused.value.why is not None and refused.value.why.startswith(why)
    assert str(refused.value).startswith(f'"{text}" is not a number ({why}')


@pytest.mark.parametrize("text", ["", "  ", "about 300", "kr", "-", "12x", "12,3x", "abc 12"])
def test_what_is_not_a_figure_is_refused_plainly(text) -> None:
    with pytest.raises(MoneyError) as refused:
        parse_money(text, typed=True)
    assert refused.value.why is None and str(refused.value)


def test_the_decimal_hint_settles_a_lone_separator() -> None:
    assert parse_money("1,234", ",") == Decimal("1.234") and parse_money("1,234", ".") == 1234
    assert parse_money("1.234", ",") == 1234 and parse_money("1.234,5", ",") == Decimal("1234.5")
    with pytest.raises(MoneyError, match='the decimal separator is ","'):
        parse_money("1 234.50", ",")
    with pytest.raises(MoneyError, match="must be"):
        parse_money("1", ";")


# --- every amount the app shows reads back as itself --------------------------------
@given(AMOUNTS, st.sampled_from(["", "SEK", "EUR", "USD", "NOK"]))
def test_english_money_reads_back_as_its_whole_units(minor, currency) -> None:
    shown = m.money(minor, currency)
    assert parse_money(shown, typed=True) == Decimal(m._whole(minor))


@given(AMOUNTS, st.sampled_from(["", "SEK", "EUR", "USD", "NOK", "DKK", "GBP"]))
def test_money_with_decimals_reads_back_exactly_in_english(minor, currency) -> None:
    shown = i18n.money(minor, currency, decimals=True)
    assert parse_money(shown, typed=True) == Decimal(minor) / 100, shown


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(AMOUNTS, st.sampled_from(["", "SEK", "EUR", "USD", "NOK", "DKK", "GBP"]))
def test_swedish_money_reads_back_as_itself(swedish, minor, currency) -> None:
    whole = m.money(minor, currency)
    with_ore = i18n.money(minor, currency, decimals=True)
    assert parse_money(whole, typed=True) == Decimal(m._whole(minor)), whole
    assert parse_money(with_ore, typed=True) == Decimal(minor) / 100, with_ore
    if not currency:  # as a Swedish file's column has it, read with its decimal comma
        assert parse_money(with_ore.replace("\u00a0", " ").replace("\u2212", "-"), ",") == Decimal(minor) / 100


# --- typed money: a lone separator before three digits groups thousands ---------------
@given(st.integers(1, 999), st.integers(0, 999), st.sampled_from([",", "."]))
@example(1, 0, ",")
def test_a_typed_lone_separator_before_three_digits_is_a_thousand(head, tail, sep) -> None:
    assert parse_money(f"{head}{sep}{tail:03d}", typed=True) == head * 1000 + tail


@given(st.integers(0, 10**9), st.integers(0, 99), st.sampled_from([",", "."]))
def test_a_typed_figure_with_one_or_two_decimals_is_read_as_such(units, cents, sep) -> None:
    assert parse_money(f"{units}{sep}{cents:02d}", typed=True) == Decimal(units) + Decimal(cents) / 100
    assert parse_money(f"{units}{sep}{cents % 10}", typed=True) == Decimal(units) + Decimal(cents % 10) / 10


@given(st.text(max_size=16), st.sampled_from([None, ".", ","]), st.booleans())
def test_any_text_is_an_amount_or_refused_with_a_reason(text, decimal, typed) -> None:
    try:
        value = parse_money(text, decimal, typed=typed)
    except MoneyError as refused:
        assert str(refused)
        return
    assert value.is_finite() and not (value == 0 and value.is_signed())


# --- the import's shortcuts give what the parser gives ---------------------------------
PLAIN_DOT = st.from_regex(r"\A[+-]?[0-9]{1,14}(?:\.[0-9]{1,6})?\Z")
PLAIN_COMMA = st.from_regex(r"\A[+-]?[0-9]{1,14}(?:,[0-9]{1,6})?\Z")
FIGURES = st.one_of(PLAIN_DOT, PLAIN_COMMA, st.text(alphabet="0123456789 .,-()'\u00a0\u2212+e", max_size=14))


@given(st.one_of(PLAIN_DOT, PLAIN_COMMA, FIGURES), st.sampled_from([None, ".", ","]))
@example("-0", None)
@example("1,234", ",")
@example("007.50", ".")
def test_the_readers_shortcut_is_the_parser(text, decimal) -> None:
    from segtui.io.readers import AMOUNT_LIMIT, parse_amount

    try:
        shared: Decimal | None = parse_money(text, decimal)
    except MoneyError:
        shared = None
    try:
        read: Decimal | None = parse_amount(text, decimal)
    except ValueError:
        read = None
    if shared is not None and abs(shared) >= AMOUNT_LIMIT:
        assert read is None  # the import's limit on top
    else:
        assert read == shared and str(read) == str(shared), text


@given(st.from_regex(r"\A-?[0-9]{1,13}(?:\.[0-9]{1,4})?\Z"))
@example("-0.5")
@example("0000000000001")
def test_the_importers_shortcut_is_the_parser(text) -> None:
    from segtui.io import importer

    assert importer._PLAIN_AMOUNT(text)
    assert Decimal(text) == parse_money(text)  # OrderParse.amount's shortcut
    whole, dot, frac = text.partition(".")  # the bulk import's shortcut, in units of 1/10,000
    units = int(whole + frac) * importer._SCALE[len(frac)] if dot else int(whole) * importer._UNITS
    assert units == parse_money(text).scaleb(4)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.from_regex(r"\A-?[0-9]{1,9}(?:\.[0-9]{1,4})?\Z"),
                          st.from_regex(r"\A-?[0-9]{1,3}(?: [0-9]{3}){1,2}(?:\.[0-9]{1,2})?\Z"),
                          st.from_regex(r"\A\([0-9]{1,3}(?:,[0-9]{3}){1,3}\.[0-9]{2}\)\Z")),
                min_size=1, max_size=30))
def test_an_import_stores_what_the_parser_reads(tmp_path_factory, amounts) -> None:
    from segtui.io.importer import import_orders
    from segtui.io.readers import to_minor
    from segtui.store.book import open_book

    folder = tmp_path_factory.mktemp("money")
    path = folder / "orders.csv"
    path.write_text("order;customer;date;amount\n" + "".join(
        f"O{n};K1;2026-01-05;{amount}\n" for n, amount in enumerate(amounts)), encoding="utf-8")
    book = open_book(folder / "book.db")
    try:
        import_orders(book, path, as_of=dt.date(2026, 11, 23))
        stored = [r[0] for r in book.rows('SELECT amount FROM "order" ORDER BY CAST(substr(order_ref, 2) AS INTEGER)')]
    finally:
        book.close()
    assert stored == [to_minor(parse_money(a, ".")) for a in amounts]


# --- the typed readings all go through it ------------------------------------------------
@given(st.integers(0, 10**9), st.sampled_from(["{:d}", "{:,d}", "{:_d}", "{:,d}|.", "{:,d}| ", "{:,d}|\u00a0"]),
       st.sampled_from(["", " kr", " SEK", "SEK "]))
@example(1000, "{:,d}", "")
@example(1000, "{:,d}|.", "")
def test_budgets_thresholds_and_the_review_read_a_figure_alike(units, pattern, currency) -> None:
    from segtui.domain import customer, review, settings as rules

    form, _, thousands = pattern.partition("|")
    figure = form.format(units).replace(",", thousands or ",")
    text = currency + figure if currency.endswith(" ") else figure + currency
    assert customer.parse_budget(text) == units * 100
    assert rules._money(text) == str(units)
    typed = review.read_typed(text)
    assert typed is not None and typed.kind == review.BUDGET and typed.value == units * 100
