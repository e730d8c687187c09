"""Where a customer stood at the last eight quarter ends (the customer screen) and who moved
since a day (the board): both worked out from the book by the rules of `segments --compare`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

from click.testing import CliRunner

from books import add_assessment
from customer_books import CustomerHost, settle
from segtui.cli import main
from segtui.domain.movements import last_quarter_end, movers, quarter_ends_before
from segtui.domain.segments import Quadrant
from segtui.store.book import open_book
from segtui.store.segments import book_standings, segment_book, standings
from segtui.ui.customer import Standings

SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"
AS_OF = dt.date(2026, 11, 23)
SIZE = (120, 36)


def test_quarter_ends_are_the_last_eight_before_the_day() -> None:
    assert quarter_ends_before(dt.date(2026, 11, 23), 3) == [
        dt.date(2026, 9, 30), dt.date(2026, 6, 30), dt.date(2026, 3, 31)]
    # a quarter end itself is not yet history on its own day
    assert quarter_ends_before(dt.date(2026, 12, 31), 1) == [dt.date(2026, 9, 30)]
    assert quarter_ends_before(dt.date(2026, 1, 1), 2) == [dt.date(2025, 12, 31), dt.date(2025, 9, 30)]
    assert len(set(quarter_ends_before(AS_OF))) == 8
    assert last_quarter_end(dt.date(2026, 4, 1)) == dt.date(2026, 3, 31)


def test_movers_are_the_customers_whose_quadrant_or_class_changed() -> None:
    before = {1: ("q", "A"), 2: ("q", "B"), 3: ("p", "C")}
    now = {1: ("q", "A"), 2: ("q", "C"), 3: ("q", "C"), 4: ("q", "D")}
    assert movers(before, now) == {2: (("q", "B"), ("q", "C")), 3: (("p", "C"), ("q", "C"))}


def _compare(path: Path, day: dt.date) -> dict[str, tuple[str, str]]:
    """customer → (quadrant, revenue class) on ``day`` as `segtui segments --compare` prints them."""
    result = CliRunner().invoke(main, ["segments", str(path), "--as-of", AS_OF.isoformat(), "--format", "csv",
                                       "--compare", day.isoformat()])
    assert result.exit_code == 0, result.output
    return {r["customer"]: (r["quadrant_before"], r["abc_before"]) for r in csv.DictReader(io.StringIO(result.output))}


def test_one_customers_standings_are_what_compare_says_for_every_customer(tmp_path) -> None:
    """The customer's own rows where the rules allow, the whole book where they need it (an
    estimated budget): either way each quarter end agrees with `segments --compare`."""
    path = tmp_path / "s.db"
    shutil.copy(SAMPLE, path)
    days = quarter_ends_before(AS_OF)
    compared = {day: _compare(path, day) for day in days}
    book = open_book(path)
    customers = [(c.id, c.source_id) for c in segment_book(book, AS_OF, trends=False)]
    seen_moves = 0
    for cid, source_id in customers[::7]:
        book.memo.clear()  # each customer from nothing kept: its own rows, or the whole book where needed
        found = dict(standings(book, cid, days))
        assert {d: (s[0].value, s[1]) for d, s in found.items()} == {d: compared[d][source_id] for d in days}
        seen_moves += len({found[d] for d in days}) > 1
    assert seen_moves > 0
    book.close()


def test_kept_standings_are_worked_out_again_once_the_book_changes(book) -> None:
    from books import add_customer, add_order

    cid = add_customer(book, name="Kvarn AB")
    add_order(book, cid, "2026-02-10", 600_000, "F-1")
    day = dt.date(2026, 6, 30)
    assert book_standings(book, day)[cid] == (Quadrant.NEEDS_ASSESSMENT, "C")
    assert book_standings(book, day) is book_standings(book, day)  # kept while nothing is saved
    add_assessment(book, cid, "2026-03-01", 1_000_000)  # dated before the day: the past changes too
    assert book_standings(book, day)[cid] == (Quadrant.CASH_COWS, "C")
    assert dict(standings(book, cid, [day])) == {day: (Quadrant.CASH_COWS, "C")}


async def test_the_customer_screen_shows_where_they_stood_at_eight_quarter_ends(tmp_path) -> None:
    path = tmp_path / "s.db"
    shutil.copy(SAMPLE, path)
    book = open_book(path)
    days = quarter_ends_before(AS_OF)
    everyone = {d: book_standings(book, d) for d in days}
    # a customer who moved quadrant over the two years, and whose class is not the same throughout
    cid = next(c for c in everyone[days[0]]
               if len({everyone[d][c][0] for d in days}) > 1 and len({everyone[d][c][1] for d in days}) > 1)
    book.memo.clear()
    app = CustomerHost(book, cid, AS_OF)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown = app.customer_screen.query_one(Standings)
        lines = str(shown.render()).splitlines()
        assert len(lines) == 8
        for line, day in zip(lines, days):
            quadrant, revenue_class = everyone[day][cid]
            assert line.startswith(day.isoformat())
            assert quadrant.label in line and f" {revenue_class}" in line
        moves = sum(1 for a, b in zip(days, days[1:]) if everyone[a][cid] != everyone[b][cid])
        assert sum("moved" in line for line in lines) == moves
        titles = [str(label.render()) for label in app.screen.query("#revenue .list-title")]
        assert titles[0] == "Quadrant and class at quarter ends (newest first)"
    book.close()


async def _settled(app, pilot) -> None:
    """Wait until no worker runs (the board's reading and who moved)."""
    for _ in range(300):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.workers:
            return
    raise AssertionError("the board never settled")


async def test_the_board_lists_who_moved_since_the_last_quarter_end(tmp_path) -> None:
    from tests.board_books import loaded
    from segtui.ui.app import SegtuiApp
    from segtui.ui.board import PANELS

    path = tmp_path / "s.db"
    shutil.copy(SAMPLE, path)
    since = dt.date(2026, 9, 30)  # the quarter end before 2026-11-23, offered by the dialog
    result = CliRunner().invoke(main, ["segments", str(path), "--as-of", AS_OF.isoformat(), "--format", "csv",
                                       "--compare", since.isoformat()])
    compared = list(csv.DictReader(io.StringIO(result.output)))
    expected = {r["customer"]: (r["quadrant_before"], r["abc_before"], r["quadrant"], r["abc"]) for r in compared
                if (r["quadrant_before"], r["abc_before"]) != (r["quadrant"], r["abc"])}
    assert expected and len(expected) < len(compared)
    book = open_book(path)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        board = app.board
        await pilot.press("m")
        await pilot.pause()
        assert app.screen.query_one("#moved-input").value == since.isoformat()
        await pilot.press("enter")
        await _settled(app, pilot)
        shown = {r.customer.source_id: (cl.quadrant, r, cl) for cl in board.lists for r in cl.rows}
        assert set(shown) == set(expected)
        for source_id, (quadrant, row, customer_list) in shown.items():
            was_q, was_c, now_q, now_c = expected[source_id]
            assert quadrant.value == now_q
            text = customer_list._render_row(row, 80, False).text
            if was_c != now_c:
                assert f"{was_c}→{now_c}" in text
            if was_q != now_q:
                assert f"←{PANELS.index(Quadrant(was_q)) + 1}" in text
        bar = str(board.query_one("#bar").render())
        assert f"moved since {since.isoformat()}: {len(expected)} customers" in bar
        for source_id, (was_q, was_c, now_q, now_c) in expected.items():  # the line at the bottom says it
            board.select_customer(shown[source_id][1].id)
            await pilot.pause()
            was = " ".join(p for p in (Quadrant(was_q).label if was_q != now_q else "",
                                       f"class {was_c}" if was_c != now_c else "") if p)
            now = " ".join(p for p in (Quadrant(now_q).label if was_q != now_q else "",
                                       f"class {now_c}" if was_c != now_c else "") if p)
            assert f"since {since.isoformat()}: {was} → {now} · " in str(board.query_one("#detail").render())
        await pilot.press("escape")
        await pilot.pause()
        assert sum(len(cl.rows) for cl in board.lists) == len(compared)
        # another day: a day not before the board's is refused in the dialog
        await pilot.press("m")
        await pilot.pause()
        app.screen.query_one("#moved-input").value = AS_OF.isoformat()
        await pilot.press("enter")
        await pilot.pause()
        assert "Pick a day before" in str(app.screen.query_one("#moved-error").render())
        await pilot.press("escape")
    book.close()
