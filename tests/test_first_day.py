"""A new or old-data book on its first day (docs/first-day.md): the currency,
the day it is shown on, and the class thresholds proposed from its own revenue."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from segtui.cli import main
from segtui.domain import first_day
from segtui.domain.segments import Config, pareto_classes, pareto_cutoffs
from segtui.io.importer import CurrencyNeeded, ReadError, import_orders
from segtui.store.book import open_book

TODAY = dt.date(2026, 12, 5)


def write(tmp_path: Path, text: str, name: str = "orders.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the rules ------------------------------------------------------------------------


@pytest.mark.parametrize("value, rounded", [(0, 0), (7, 7), (45, 45), (5649, 5600), (1451, 1500), (1450, 1500),
                                            (1449, 1400), (279_489, 280_000), (99_999, 100_000)])
def test_two_significant_figures(value, rounded) -> None:
    assert first_day.two_significant(value) == rounded


def test_the_data_is_old_more_than_a_month_before_today() -> None:
    assert first_day.data_is_old(dt.date(2011, 12, 9), TODAY)
    assert first_day.data_is_old(dt.date(2026, 11, 4), TODAY)
    assert not first_day.data_is_old(dt.date(2026, 11, 5), TODAY)
    assert not first_day.data_is_old(None, TODAY)


def test_the_notice_says_the_newest_order_and_the_day_shown() -> None:
    newest = dt.date(2011, 12, 9)
    assert first_day.old_data_notice(newest, newest, TODAY) == (
        "newest order 2011-12-09 — showing the book as of that day; d to change")
    assert first_day.old_data_notice(newest, TODAY, TODAY) == (
        "newest order 2011-12-09, 5475 days before 2026-12-05 — import newer orders, or d to see the book as of 2011-12-09")
    assert first_day.old_data_notice(dt.date(2026, 12, 1), TODAY, TODAY) is None


def test_the_view_day_is_the_stored_day_or_today() -> None:
    assert first_day.view_day("", TODAY) == TODAY
    assert first_day.view_day("2011-12-09", TODAY) == dt.date(2011, 12, 9)


def test_thresholds_are_the_revenue_at_the_pareto_cut_offs() -> None:
    # 100 customers of 1..100 (major units, as minor): A while the share before is < 80 %
    revenues = {i: i * 100_00 for i in range(1, 101)}
    classes = pareto_classes(revenues, Config())
    a_cut, b_cut = pareto_cutoffs(revenues, Config())
    assert a_cut == min(r for c, r in revenues.items() if classes[c] == "A")
    assert b_cut == min(r for c, r in revenues.items() if classes[c] == "B")
    proposed = first_day.proposed_thresholds(revenues, Config())
    assert proposed == (first_day.two_significant(a_cut // 100), first_day.two_significant(b_cut // 100))
    assert first_day.proposed_thresholds({1: 0, 2: -5}, Config()) is None


@given(st.dictionaries(st.integers(1, 500), st.integers(-10**9, 10**11), min_size=1, max_size=60),
       st.lists(st.one_of(st.none(), st.integers(-10**6, 10**13)), max_size=80))
def test_proposed_thresholds_are_valid_settings(revenues, potentials) -> None:
    # from the revenue alone, or from the potentials when there are enough (docs/first-day.md)
    proposed = first_day.proposed_thresholds(revenues, Config(), potentials=potentials)
    if proposed is None:
        assert not first_day.enough_potentials(potentials) and not any(r > 0 for r in revenues.values())
        return
    assert 0 <= proposed.b_from <= proposed.a_above
    # the steps that store them are each valid on their own
    from segtui.domain.settings import DEFAULTS, validate_all

    current = dict(DEFAULTS)
    for key, value in first_day.threshold_settings(current, proposed):
        current[key] = value
        validate_all(current)
    if first_day.enough_potentials(potentials):
        top = max(p for p in potentials if p is not None)
        assert proposed.a_above <= first_day.two_significant(top // 100)  # never above what the best could spend
    else:
        assert proposed == first_day.proposed_thresholds(revenues, Config())


# --- the import -------------------------------------------------------------------------

OLD = "order,customer,date,amount\n" + "".join(
    f"{n},C{n % 7},2011-{1 + n % 12:02d}-0{1 + n % 9},{(n % 7 + 1) * 100 + n}\n" for n in range(1, 60)
)


def test_a_new_book_takes_the_currency_it_is_given(tmp_path) -> None:
    book = open_book(":memory:")
    summary = import_orders(book, write(tmp_path, OLD), currency="gbp", today=TODAY)
    assert book.settings()["currency"] == "GBP"
    assert book.scalar('SELECT count(DISTINCT currency) FROM "order"') == 1
    assert book.scalar('SELECT currency FROM "order" LIMIT 1') == "GBP"
    assert "Currency: GBP (from the currency given) — the book's currency from now on" in summary.text()


def test_a_new_book_takes_the_currency_of_the_file(tmp_path) -> None:
    book = open_book(":memory:")
    path = write(tmp_path, "order,customer,date,amount,currency\n1,K1,2026-11-20,10,EUR\n2,K2,2026-11-21,5,\n")
    summary = import_orders(book, path, today=TODAY)
    assert book.settings()["currency"] == "EUR"
    assert {r[0] for r in book.rows('SELECT currency FROM "order"')} == {"EUR"}
    assert 'Currency: EUR (from the file\'s "currency" column)' in summary.text()


def test_a_new_book_without_a_currency_is_asked(tmp_path) -> None:
    book = open_book(":memory:")
    with pytest.raises(CurrencyNeeded, match="does not say which currency"):
        import_orders(book, write(tmp_path, OLD), ask_currency=True, today=TODAY)
    assert book.scalar("SELECT count(*) FROM customer") == 0


def test_orders_in_another_currency_than_the_books_are_refused(tmp_path) -> None:
    book = open_book(":memory:")
    import_orders(book, write(tmp_path, OLD), currency="GBP", today=TODAY)
    before = book.scalar('SELECT count(*) FROM "order"')
    path = write(tmp_path, "order,customer,date,amount,currency\n900,K1,2011-11-20,10,GBP\n901,K1,2011-11-21,5,SEK\n",
                 "more.csv")
    with pytest.raises(ReadError, match=r'line 3, column "currency": SEK is not the book\'s currency \(GBP\)'):
        import_orders(book, path, today=TODAY)
    with pytest.raises(ReadError, match="the book's orders are in GBP, not EUR"):
        import_orders(book, write(tmp_path, OLD), currency="EUR", today=TODAY)
    assert book.scalar('SELECT count(*) FROM "order"') == before


def test_old_data_sets_the_day_the_book_is_shown_on(tmp_path) -> None:
    book = open_book(":memory:")
    summary = import_orders(book, write(tmp_path, OLD), currency="GBP", today=TODAY)
    newest = book.scalar('SELECT max(date) FROM "order"')
    assert book.settings()["view.as_of"] == newest
    assert summary.view_as_of == dt.date.fromisoformat(newest)
    assert f"Newest order {newest} — more than a month before today: the book is shown as of that day" in summary.text()
    # newer orders move the day along; recent ones bring the book back to today
    import_orders(book, write(tmp_path, "order,customer,date,amount\n800,C1,2012-03-01,10\n", "b.csv"), today=TODAY)
    assert book.settings()["view.as_of"] == "2012-03-01"
    recent = import_orders(book, write(tmp_path, "order,customer,date,amount\n801,C1,2026-12-01,10\n", "c.csv"),
                           today=TODAY)
    assert book.settings()["view.as_of"] == ""
    assert "Newest order" not in recent.text()


def test_a_day_the_rep_chose_is_kept(tmp_path) -> None:
    book = open_book(":memory:")
    import_orders(book, write(tmp_path, OLD), currency="GBP", today=TODAY)
    book.set_setting("view.as_of", "2011-06-30")
    summary = import_orders(book, write(tmp_path, "order,customer,date,amount\n800,C1,2012-03-01,10\n", "b.csv"),
                            today=TODAY)
    assert book.settings()["view.as_of"] == "2011-06-30"
    assert "view.as_of 2012-03-01 shows the book as of that day" in summary.text()


def test_thresholds_are_proposed_in_the_books_currency_and_accepted_on_request(tmp_path) -> None:
    book = open_book(":memory:")
    summary = import_orders(book, write(tmp_path, OLD), currency="GBP", today=TODAY)
    assert summary.proposed is not None
    a, b = summary.proposed
    assert b <= a < 10_000  # pounds of a small book, never SEK millions
    text = summary.text()
    assert f"A above {a:,} GBP, B from {b:,} GBP (now 2,000,000 and 1,000,000)" in text
    assert f"segtui settings BOOK abc.b_from {b}" not in text  # :memory: has a path
    assert f"to accept: segtui settings :memory: abc.b_from {b} abc.a_above {a}" in text  # one call, checked together
    assert book.settings()["abc.a_above"] == "2000000"  # proposed, not taken
    other = open_book(":memory:")
    accepted = import_orders(other, write(tmp_path, OLD), currency="GBP", accept_thresholds=True, today=TODAY)
    assert accepted.thresholds_accepted and "accepted (--accept-thresholds)" in accepted.text()
    assert (other.settings()["abc.a_above"], other.settings()["abc.b_from"]) == (str(a), str(b))


def test_a_dry_run_changes_no_setting(tmp_path) -> None:
    book = open_book(":memory:")
    summary = import_orders(book, write(tmp_path, OLD), currency="GBP", accept_thresholds=True, dry_run=True,
                            today=TODAY)
    assert "would be shown as of that day" in summary.text()
    assert book.settings()["currency"] == "SEK" and book.settings()["view.as_of"] == ""
    assert book.settings()["abc.a_above"] == "2000000"


# --- the command line -----------------------------------------------------------------------


def test_the_command_asks_for_the_currency_of_a_new_book(tmp_path) -> None:
    target = tmp_path / "new.db"
    result = CliRunner().invoke(main, ["import", "orders", str(target), str(write(tmp_path, OLD)), "--today", "2026-12-05"])
    assert result.exit_code == 1
    assert "--currency GBP" in result.stderr and "nothing was imported" in result.stderr
    assert not target.exists()


def test_the_command_says_it_all_and_the_suggested_settings_work(tmp_path) -> None:
    target = tmp_path / "new.db"
    runner = CliRunner()
    result = runner.invoke(main, ["import", "orders", str(target), str(write(tmp_path, OLD)), "--currency", "GBP",
                                  "--today", "2026-12-05"])
    assert result.exit_code == 0, result.output
    assert "Currency: GBP" in result.stdout and "the book is shown as of that day" in result.stdout
    line = next(x for x in result.stdout.splitlines() if x.startswith("  to accept: "))
    for command in line.removeprefix("  to accept: ").split("  (or")[0].split(" && "):
        words = command.split()
        assert words[:2] == ["segtui", "settings"]
        assert runner.invoke(main, words[1:]).exit_code == 0
    book = open_book(target)
    try:
        summary_a, summary_b = book.settings()["abc.a_above"], book.settings()["abc.b_from"]
    finally:
        book.close()
    assert f"A above {int(summary_a):,} GBP, B from {int(summary_b):,} GBP" in result.stdout


# --- the real file ------------------------------------------------------------------------


@pytest.mark.slow
def test_the_real_file_gives_pounds_the_day_of_its_last_order_and_pound_thresholds(tmp_path, shared_data) -> None:
    target = tmp_path / "retail.db"
    runner = CliRunner()
    result = runner.invoke(main, ["import", "orders", str(target), str(shared_data / "online_retail.csv.gz"),
                                  "--currency", "GBP", "--accept-thresholds", "--today", "2026-12-05"])
    assert result.exit_code == 0, result.output
    assert "Currency: GBP (from the currency given)" in result.stdout
    assert "Newest order 2011-12-09 — more than a month before today: the book is shown as of that day" in result.stdout
    book = open_book(target)
    try:
        values = book.settings()
    finally:
        book.close()
    assert values["currency"] == "GBP" and values["view.as_of"] == "2011-12-09"
    a, b = int(values["abc.a_above"]), int(values["abc.b_from"])
    assert f"A above {a:,} GBP, B from {b:,} GBP" in result.stdout
    assert 100 <= b <= a <= 20_000  # pounds; the biggest customer spent £279k
    # the book as of its last order day: classes A and B exist (not everyone D)
    segments = runner.invoke(main, ["segments", str(target), "--as-of", "2011-12-09", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(segments.stdout)))
    assert {"A", "B", "C"} <= {r["abc"] for r in rows}
    # proposed from the potentials (docs/first-day.md): both halves of the board hold customers
    assert "from the book's own potentials (a fifth of them reach B, a twentieth A)" in result.stdout
    placed = [r for r in rows if r["quadrant"] != "needs_assessment"]
    quadrants = Counter(r["quadrant"] for r in placed)
    assert len(placed) >= 0.9 * len(rows)
    assert all(quadrants[q] >= 0.05 * len(placed) for q in ("cash_cows", "small_fry", "uninteresting", "big_game")), \
        quadrants
