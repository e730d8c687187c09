"""Trend (DESIGN §2): declining and silent customers, on tiny books and as a property of the rule."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import statistics

from click.testing import CliRunner
from hypothesis import given, strategies as st

from segtui.cli import main
from segtui.domain.segments import subtract_months
from segtui.domain.settings import SettingError, validate as check_setting
from segtui.domain.trends import Trend, TrendConfig, trend
from segtui.store.segments import segment_book, segment_customer
from tests.books import add_customer, add_order

AS_OF = dt.date(2026, 12, 6)


def days(*texts: str) -> list[dt.date]:
    return [dt.date.fromisoformat(t) for t in texts]


def test_silent_when_the_rhythm_stopped() -> None:
    t = trend(False, days("2026-08-01", "2026-08-22", "2026-09-12", "2026-10-03"), 100, 100, AS_OF)
    assert t.kind == "silent"
    assert t.usual_gap_days == 21
    assert t.expected_order == dt.date(2026, 10, 24)
    assert t.words() == "ordered every 21 days; nothing for 64 days"


def test_not_silent_at_exactly_the_factor() -> None:
    # 42 days after the last order is exactly 2 × 21: not more, so not silent
    t = trend(False, days("2026-09-03", "2026-09-24", "2026-10-15", "2026-10-25"), 100, 100, dt.date(2026, 12, 6))
    gap = statistics.median([21, 21, 10])
    assert t.usual_gap_days == gap and (AS_OF - dt.date(2026, 10, 25)).days == 42 and t.kind is None


def test_two_order_days_are_never_silent() -> None:
    assert trend(False, days("2020-01-01", "2020-01-02"), 100, 100, AS_OF).kind is None


def test_declining_and_its_words() -> None:
    t = trend(False, [], 55_000_00, 100_000_00, AS_OF)
    assert t.kind == "declining"
    assert t.words().startswith("bought 45% less than the 12 months before")


def test_declining_needs_earlier_revenue_and_silent_comes_first() -> None:
    assert trend(False, [], -5, 0, AS_OF).kind is None
    assert trend(False, [], 70_00, 100_00, AS_OF).kind is None  # 30 % less is not more than 30 %
    rhythm = days("2026-01-01", "2026-01-08", "2026-01-15")
    assert trend(False, rhythm, 0, 100_00, AS_OF).kind == "silent"


def test_lapsed_customers_have_no_trend() -> None:
    assert trend(True, days("2020-01-01", "2020-01-08", "2020-01-15"), 0, 100_00, AS_OF).kind is None


def test_the_settings_move_the_thresholds() -> None:
    config = TrendConfig(decline_from=0.5, silent_factor=10)
    assert trend(False, [], 60_00, 100_00, AS_OF, config).kind is None
    rhythm = days("2026-08-01", "2026-08-22", "2026-09-12", "2026-10-03")
    assert trend(False, rhythm, 100, 100, AS_OF, config).kind is None
    assert check_setting("trend.decline_from", "40%") == "0.4"
    assert check_setting("trend.silent_factor", "1,5") == "1.5"
    for key, bad in (("trend.decline_from", "2 apples"), ("trend.silent_factor", "0"), ("trend.silent_factor", "-1")):
        try:
            check_setting(key, bad)
        except SettingError:
            continue
        raise AssertionError(f"{key}={bad} accepted")


@given(
    st.lists(st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 6)), unique=True, max_size=12),
    st.integers(-10**7, 10**8), st.integers(-10**7, 10**8), st.booleans(),
    st.floats(0, 1), st.floats(0.1, 10),
)
def test_the_rule(order_days, r12, before, lapsed, decline_from, factor) -> None:
    order_days = sorted(order_days)
    config = TrendConfig(decline_from, factor)
    t = trend(lapsed, order_days, r12, before, AS_OF, config)
    gaps = [(b - a).days for a, b in zip(order_days, order_days[1:])]
    silent = len(order_days) >= 3 and (AS_OF - order_days[-1]).days > factor * statistics.median(gaps)
    declining = before > 0 and r12 < (1 - decline_from) * before
    assert t.kind == (None if lapsed else "silent" if silent else "declining" if declining else None)
    if t.kind:
        assert t.words()


def test_the_book_and_the_customer_screen_agree(book) -> None:
    silent = add_customer(book, "S1", "Silent AB")
    for i, day in enumerate(("2026-08-01", "2026-08-22", "2026-09-12", "2026-10-03")):
        add_order(book, silent, day, 100, ref=f"s{i}")
    add_order(book, silent, "2026-11-20", -50, ref="credit")  # a credit note is no order day
    falling = add_customer(book, "D1", "Falling AB")
    add_order(book, falling, "2025-03-01", 1000)
    add_order(book, falling, "2026-03-01", 500)
    steady = add_customer(book, "OK", "Steady AB")
    add_order(book, steady, "2025-03-01", 1000)
    add_order(book, steady, "2026-03-01", 1000)
    gone = add_customer(book, "L1", "Gone AB")
    for day in ("2024-01-01", "2024-02-01", "2024-03-01"):
        add_order(book, gone, day, 100)
    rows = {r.source_id: r for r in segment_book(book, AS_OF)}
    assert {k: r.trend.kind for k, r in rows.items()} == {"S1": "silent", "D1": "declining", "OK": None, "L1": None}
    assert rows["D1"].trend.revenue_12m == 500_00 and rows["D1"].trend.revenue_before_12m == 1000_00
    for r in rows.values():
        assert segment_customer(book, r.id, AS_OF).trend == r.trend
    assert segment_book(book, AS_OF, trends=False)[0].trend is None


def test_the_window_uses_month_arithmetic(book) -> None:
    # 12 months back from 2028-02-29 is 2027-02-28: an order on that day is in the earlier year
    as_of = dt.date(2028, 2, 29)
    assert subtract_months(as_of, 12) == dt.date(2027, 2, 28)
    c = add_customer(book, "F1")
    add_order(book, c, "2027-02-28", 1000)
    add_order(book, c, "2027-03-01", 100)
    t = segment_book(book, as_of)[0].trend
    assert (t.revenue_12m, t.revenue_before_12m, t.kind) == (100_00, 1000_00, "declining")


def test_segments_csv_and_json(tmp_path) -> None:
    from segtui.store.book import open_book

    path = tmp_path / "b.db"
    b = open_book(str(path))
    c = add_customer(b, "S1", "Silent AB")
    for i, day in enumerate(("2026-08-01", "2026-08-22", "2026-09-12", "2026-10-03")):
        add_order(b, c, day, 100, ref=f"s{i}")
    b.close()
    runner = CliRunner()
    out = runner.invoke(main, ["segments", str(path), "--as-of", AS_OF.isoformat(), "--format", "csv"]).stdout
    header, *lines = list(csv.reader(io.StringIO(out)))
    assert header[header.index("flags") + 1] == "trend"
    assert lines[0][header.index("trend")] == "silent"
    again = runner.invoke(main, ["segments", str(path), "--as-of", AS_OF.isoformat(), "--format", "csv"]).stdout
    assert again == out
    record = json.loads(runner.invoke(main, ["segments", str(path), "--as-of", AS_OF.isoformat(),
                                             "--format", "json"]).stdout)[0]
    assert record["trend"] == "silent" and record["usual_gap_days"] == 21
    assert record["expected_order"] == "2026-10-24"
    assert record["revenue_12m"] == 400 and record["revenue_before_12m"] == 0
    table = runner.invoke(main, ["segments", str(path), "--as-of", AS_OF.isoformat()]).stdout
    assert "↓ silent" in table


def test_trend_words_of_no_trend() -> None:
    assert Trend(None).words() == ""


async def test_the_board_marks_slipping_customers_and_filters_by_trend(book, tmp_path) -> None:
    from tests.board_books import loaded
    from segtui.ui.app import SegtuiApp

    steady = add_customer(book, name="Steady AB")
    silent = add_customer(book, name="Quiet AB")
    falling = add_customer(book, name="Falling AB")
    for month in range(1, 13):
        add_order(book, steady, f"2026-{month:02d}-01", 1000)
    for day in ("2026-07-01", "2026-07-22", "2026-08-12", "2026-09-02"):
        add_order(book, silent, day, 1000)
    add_order(book, falling, "2025-06-01", 10000)
    add_order(book, falling, "2026-06-01", 2000)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        board = app.board
        marks = {}
        for customer_list in board.lists:
            for i, row in enumerate(customer_list.rows):
                marks[row.customer.name] = customer_list._render_row(row, 80, False).text
        assert "‖" in marks["Quiet AB"] and "↓" not in marks["Quiet AB"]
        assert "↓" in marks["Falling AB"]
        assert "‖" not in marks["Steady AB"] and "↓" not in marks["Steady AB"]
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#filter-trend").select("silent")
        app.screen.query_one("#filter-trend").select("declining")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        shown = {r.customer.name for cl in board.lists for r in cl.rows}
        assert shown == {"Quiet AB", "Falling AB"}
        assert "slipping: declining, silent" in str(board.query_one("#bar").render())
        board.select_customer(silent)
        await pilot.pause()
        assert "silent: ordered every 21 days; nothing for 95 days" in str(board.query_one("#detail").render())


async def test_the_board_sorts_slipping_and_lapsed_customers_by_revenue_at_risk(book, tmp_path) -> None:
    """The win-back list: tick declining, silent and lapsed under Slipping, sort by revenue at risk."""
    from tests.board_books import loaded
    from segtui.ui.app import SegtuiApp

    steady = add_customer(book, name="Steady AB")
    for month in range(1, 13):
        add_order(book, steady, f"2026-{month:02d}-01", 9000)
    small = add_customer(book, name="Small Falling AB")
    add_order(book, small, "2025-06-01", 1000)
    add_order(book, small, "2026-06-01", 100)
    big = add_customer(book, name="Big Falling AB")
    add_order(book, big, "2025-06-01", 50000)
    add_order(book, big, "2026-06-01", 1000)
    gone = add_customer(book, name="Gone AB")
    add_order(book, gone, "2025-03-01", 20000)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        board = app.board
        await pilot.press("f")
        await pilot.pause()
        slipping = app.screen.query_one("#filter-trend")
        for value in ("declining", "silent", "lapsed"):
            slipping.select(value)
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        while board.view.sort != "at_risk":
            await pilot.press("s")
        rows = sorted((r for cl in board.lists for r in cl.rows), key=lambda r: -at_risk_of(r))
        assert [r.customer.name for r in rows] == ["Big Falling AB", "Gone AB", "Small Falling AB"]
        for customer_list in board.lists:
            risks = [at_risk_of(r) for r in customer_list.rows]
            assert risks == sorted(risks, reverse=True)
        assert "revenue at risk" in str(board.query_one("#bar").render())


def at_risk_of(row) -> int:
    from segtui.ui.board import at_risk

    return at_risk(row)
