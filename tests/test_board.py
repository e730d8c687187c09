"""The board, driven with the keys a salesperson presses."""

from __future__ import annotations

import datetime as dt

import pytest
from board_books import add_activity, fill_small_book, loaded

from segtui.domain.segments import Quadrant
from segtui.ui.app import SegtuiApp
from segtui.ui.board import BoardScreen
from segtui.ui.customer_list import CustomerList

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def small(book, tmp_path):
    ids = fill_small_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    return app, ids


def names(customer_list: CustomerList) -> list[str]:
    return [r.customer.name for r in customer_list.rows]


def focused_name(app) -> str | None:
    row = app.board.current_row
    return row.customer.name if row else None


async def test_quadrants_hold_their_customers_sorted_by_priority(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        board: BoardScreen = app.board
        assert names(board.list_for(Quadrant.CASH_COWS)) == ["Alfa AB"]
        assert names(board.list_for(Quadrant.BIG_GAME)) == ["Beta AB", "Zeta AB"]  # Beta is overdue
        assert names(board.list_for(Quadrant.SMALL_FRY)) == ["Gamma AB"]
        assert names(board.list_for(Quadrant.UNINTERESTING)) == ["Delta AB"]
        assert names(board.list_for(Quadrant.NEEDS_ASSESSMENT)) == ["Epsilon AB", "Eta AB"]
        panel = board.query_one("#list-big_game")
        assert panel.border_title == "4 Big game · 2 · 2 due"
        assert "revenue 150 k SEK" in panel.border_subtitle


async def test_number_keys_tab_and_arrows_move_the_cursor(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        assert focused_name(app) == "Gamma AB"  # top left: Small fry
        await pilot.press("4")
        assert focused_name(app) == "Beta AB"
        await pilot.press("j")
        assert focused_name(app) == "Zeta AB"
        await pilot.press("up")
        assert focused_name(app) == "Beta AB"
        await pilot.press("h")  # left of Big game is Uninteresting
        assert focused_name(app) == "Delta AB"
        await pilot.press("l")
        assert app.board.current_list.quadrant is Quadrant.BIG_GAME
        await pilot.press("tab")
        assert app.board.current_list.quadrant is Quadrant.NEEDS_ASSESSMENT
        await pilot.press("tab")
        assert app.board.current_list.quadrant is Quadrant.SMALL_FRY
        await pilot.press("shift+tab")
        assert app.board.current_list.quadrant is Quadrant.NEEDS_ASSESSMENT
        await pilot.press("2")
        assert focused_name(app) == "Alfa AB"


async def test_enter_and_double_click_open_the_customer(small, monkeypatch):
    app, ids = small
    opened: list[int] = []
    monkeypatch.setattr(app, "open_customer", opened.append)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("4", "down", "enter")
        assert opened == [ids["Zeta AB"]]
        # rows start below the border, the strategy and the column titles
        first_row = 1 + app.board.list_for(Quadrant.CASH_COWS).head_height
        await pilot.click("#list-cash_cows", offset=(3, first_row))
        assert focused_name(app) == "Alfa AB"
        await pilot.click("#list-cash_cows", offset=(3, first_row - 1))  # the column titles open nothing
        first_row = 1 + app.board.list_for(Quadrant.NEEDS_ASSESSMENT).head_height
        await pilot.double_click("#list-needs_assessment", offset=(3, first_row + 1))
        assert opened[-1] == ids["Eta AB"]


async def test_search_by_name_city_or_id_and_escape_clears(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        board = app.board
        await pilot.press("slash", *"malm", "enter")
        visible = {n for cl in board.lists for n in names(cl)}
        assert visible == {"Beta AB", "Delta AB"}
        assert "search: malm" in str(board.query_one("#bar").render())
        assert focused_name(app) == "Delta AB"  # the first quadrant with a match gets the focus
        await pilot.press("escape")
        assert sum(len(cl.rows) for cl in board.lists) == 7
        await pilot.press("slash", *"z1", "enter")
        assert {n for cl in board.lists for n in names(cl)} == {"Zeta AB"}


async def test_filter_chips_narrow_the_board(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        board = app.board
        await pilot.press("f")
        await pilot.pause()
        assert type(app.screen).__name__ == "FilterScreen"
        owner = app.screen.query_one("#filter-owner")
        owner.select("Erik Berg")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is board
        assert board.view.filters["owner"] == frozenset({"Erik Berg"})
        assert {n for cl in board.lists for n in names(cl)} == {"Beta AB", "Delta AB", "Epsilon AB"}
        assert "owner: Erik Berg" in str(board.query_one("#bar").render())
        assert board.query_one("#list-big_game").border_title == "4 Big game · 1 of 2 · 1 due"
        await pilot.press("escape")
        assert sum(len(cl.rows) for cl in board.lists) == 7


async def test_s_cycles_the_sort(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        board = app.board
        await pilot.press("s")
        assert board.view.sort == "revenue"
        assert names(board.list_for(Quadrant.NEEDS_ASSESSMENT)) == ["Epsilon AB", "Eta AB"]
        assert names(board.list_for(Quadrant.BIG_GAME)) == ["Beta AB", "Zeta AB"]
        await pilot.press("s", "s", "s")
        assert board.view.sort == "name"
        await pilot.press("s")
        assert board.view.sort == "priority"


async def test_r_reads_the_book_again(small):
    app, ids = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        add_activity(app.book, ids["Zeta AB"], "2026-11-22")
        await pilot.press("4", "r")
        await loaded(app, pilot)
        zeta = next(r for r in app.board.rows if r.id == ids["Zeta AB"])
        assert zeta.last_activity == dt.date(2026, 11, 22)
        assert focused_name(app) == "Beta AB"  # the cursor stays where it was


async def test_d_shows_the_book_as_of_another_day(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        field = app.screen.query_one("#as-of-input")
        field.value = "2026-04-15"
        await pilot.press("enter")
        await loaded(app, pilot)
        assert app.as_of == dt.date(2026, 4, 15)
        assert "as of 2026-04-15" in app.sub_title
        # Before its first order Alfa had no revenue: loyalty 0 with potential B → Big game.
        alfa = next(r for r in app.board.rows if r.customer.name == "Alfa AB")
        assert alfa.quadrant is Quadrant.BIG_GAME


async def test_the_as_of_dialog_takes_only_yyyy_mm_dd(small):
    from segtui.ui.dialogs import AsOfScreen

    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        before = app.as_of
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#as-of-input").value = "20260415"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AsOfScreen) and app.as_of == before
        assert "is not a day (YYYY-MM-DD)" in str(app.screen.query_one("#as-of-error").render())


async def test_help_lists_every_key_of_board_and_app(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        help_screen = app.screen
        assert type(help_screen).__name__ == "HelpScreen"
        described = {e.description for e in help_screen.entries}
        for wanted in ("Search", "Filter", "Sort", "Reload", "Next quadrant", "Big game", "Open customer",
                       "Planner", "Import", "Settings", "Quit", "Up", "Down"):
            assert wanted in described
        keys = {e.description: e.keys for e in help_screen.entries}
        assert keys["Down"] == "↓ j"
        assert keys["Quit"] in ("q ^q", "^q q")  # one line per action, every key on it
        await pilot.press("escape")
        await pilot.press("f1")
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"


async def test_keys_are_remapped_from_the_key_map_file(book, tmp_path):
    fill_small_book(book)
    (tmp_path / "keymap.toml").write_text('board.search = "ctrl+f"\n"board.sort" = "o"\n')
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("o")
        assert app.board.view.sort == "revenue"
        await pilot.press("ctrl+f")
        assert app.focused.id == "search"
        await pilot.press("escape", "f1")
        await pilot.pause()
        keys = {e.description: e.keys for e in app.screen.entries}
        assert keys["Search"] == "^f" and keys["Sort"] == "o"


async def test_a_broken_key_map_is_reported_not_fatal(book, tmp_path):
    fill_small_book(book)
    (tmp_path / "keymap.toml").write_text("board.search = [1, 2\n")
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        assert any("Key map not used" in n.message for n in app._notifications)
        await pilot.press("s")
        assert app.board.view.sort == "revenue"


async def test_app_keys_open_the_other_screens(small, monkeypatch):
    app, _ = small
    calls: list[str] = []
    monkeypatch.setattr(app, "open_planner", lambda: calls.append("planner"))
    monkeypatch.setattr(app, "open_import", lambda: calls.append("import"))
    monkeypatch.setattr(app, "open_settings", lambda: calls.append("settings"))
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("w", "i", "comma")
        assert calls == ["planner", "import", "settings"]


async def test_keys_typed_right_after_q_open_nothing(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        app.exit()  # q, and before the app has closed, i (as a fast typist does)
        app.open_import()
        app.action_help()
        await pilot.pause()
    assert app.return_code == 0


async def test_q_quits(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_customer_that_moved_quadrant_is_announced_and_selected(small):
    app, ids = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("5")
        assert focused_name(app) == "Epsilon AB"
        from books import add_assessment

        add_assessment(app.book, ids["Epsilon AB"], "2026-11-23", 1_500_000)  # assessed: now Big game
        app.board.reload(follow=ids["Epsilon AB"])  # what the return from the customer screen does
        await loaded(app, pilot)
        assert any("Epsilon AB moved Needs assessment → Big game" in n.message for n in app._notifications)
        assert app.board.current_list.quadrant is Quadrant.BIG_GAME
        assert focused_name(app) == "Epsilon AB"


async def test_palette_jumps_to_a_customer_by_name(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"zeta")
        await pilot.pause(0.5)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.screen is app.board
        assert focused_name(app) == "Zeta AB"


async def test_enter_opens_the_customer_screen(small):
    app, ids = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        app.open_customer(ids["Alfa AB"])
        await pilot.pause()
        assert type(app.screen).__name__ == "CustomerScreen"
        assert app.screen.customer_id == ids["Alfa AB"]


async def test_palette_runs_actions(small, monkeypatch):
    app, _ = small
    calls: list[str] = []
    monkeypatch.setattr(app, "open_planner", lambda: calls.append("planner"))
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"planner")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert calls == ["planner"]
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"mailing list")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert type(app.screen).__name__ == "MailingScreen"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go to big game")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause()
        assert app.board.current_list.quadrant is Quadrant.BIG_GAME


async def test_screen_keys_never_stack_a_second_copy(small):
    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("w")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["BoardScreen", "PlannerScreen"]
        await pilot.press("i")
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["BoardScreen", "PlannerScreen", "ImportScreen"]
        app.action_planner()  # from the import screen: back down to the open planner
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["BoardScreen", "PlannerScreen"]
        app.action_settings()
        await pilot.pause()
        app.action_settings()
        await pilot.pause()
        assert [type(s).__name__ for s in app.screen_stack] == ["BoardScreen", "PlannerScreen", "SettingsScreen"]
        await app.workers.wait_for_complete()


async def test_axis_labels_and_legend_follow_the_settings(small):
    app, _ = small
    book = app.book
    for key, value in {"abc.a_above": "3000000", "abc.b_from": "500000", "loyalty.high_from": "0.6",
                       "potential.high_classes": "A", "xyz.x_from": "30", "xyz.y_from": "10"}.items():
        book.set_setting(key, value)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        board = app.board
        loyalty = str(board.query_one("#loyalty-axis").render()).split()
        assert loyalty[:3] == ["HIGH", "LOYALTY", "≥"] and "60" in loyalty and loyalty.count("LOYALTY") == 2
        potential = str(board.query_one("#potential-axis").render())
        assert potential.split("  (")[0].strip() == "LOW POTENTIAL" and "(B, C, D)" in potential
        assert potential.rstrip().endswith("HIGH POTENTIAL  (A)")
        await pilot.press("question_mark")
        await pilot.pause()
        legend = app.screen.legend
        assert "A above 3.0 M, B 500 k–3.0 M, C below 500 k" in legend
        assert "X about monthly (30+ orders in 24 months), Y 10–29, Z 1–9" in legend
        assert "high from 60%" in legend and all(len(line) <= 108 for line in legend.splitlines())


async def test_priority_sort_is_the_planners_order_and_the_detail_uses_its_fields(small):
    from segtui.domain import planning
    from segtui.ui.board import describe

    app, _ = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        big_game = app.board.list_for(Quadrant.BIG_GAME).rows
        due = [r for r in big_game if r.entry is not None]
        assert due and [r.entry for r in due] == sorted((r.entry for r in due), key=planning.by_priority)
        assert big_game[: len(due)] == due  # the never-due come last
        beta = next(r for r in big_game if r.customer.name == "Beta AB")
        assert beta.entry.days_overdue == beta.overdue_days > 0
        assert f"{beta.entry.days_overdue} days overdue" in describe(beta, "SEK").plain


async def test_a_new_sort_starts_at_the_top_and_a_cleared_search_shows_the_selection(demo_book_copy, tmp_path):
    from segtui.store.book import open_book

    app = SegtuiApp(open_book(demo_book_copy), as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("5")  # the tray is the longest list
        tray = app.board.list_for(Quadrant.NEEDS_ASSESSMENT)
        assert len(tray.rows) > 2 * tray.size.height
        await pilot.press("G")
        await pilot.pause()
        assert tray.scroll_offset.y > 0
        await pilot.press("s")
        await pilot.pause()
        assert tray.cursor == 0 and tray.scroll_offset.y == 0
        # search narrows the list, esc brings all rows back with the selection in view
        await pilot.press("G")
        selected = tray.current.id
        await pilot.press("slash", *tray.current.customer.name[:6], "enter")
        await pilot.press("escape")
        await pilot.pause()
        assert tray.current.id == selected
        top = tray.scroll_offset.y
        assert top <= tray.cursor < top + tray.scrollable_content_region.height


async def test_an_empty_book_says_how_to_fill_it(book, tmp_path):
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        assert "press i to import" in app.board.list_for(Quadrant.BIG_GAME).empty_text


async def test_the_app_says_where_a_new_book_was_made(book, tmp_path):
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path, notice="A new, empty book was made at /x/book.db")
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        assert any("/x/book.db" in str(n.message) for n in app._notifications)


async def test_after_an_import_the_board_says_who_moved_and_shows_them(small, tmp_path):
    from segtui.io.importer import import_orders

    app, ids = small
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        orders = tmp_path / "orders.csv"
        orders.write_text("customer;date;amount\nD1;2026-11-01;50000\n", encoding="utf-8")
        summary = import_orders(app.book, orders, as_of=AS_OF)  # Delta: loyalty 10 % → 60 %
        assert [m.name for m in summary.moves] == ["Delta AB"]
        app._after()  # what returning from the Import screen does
        await loaded(app, pilot)
        assert any(
            n.title == "1 customer moved" and "Delta AB: Uninteresting → Small fry" in n.message
            for n in app._notifications
        )
        assert focused_name(app) == "Delta AB"
        assert app.board.current_list.quadrant is Quadrant.SMALL_FRY


async def test_the_highlight_follows_the_cursor_in_a_scrolled_list(demo_book_copy, tmp_path):
    """Down past the bottom scrolls the list; up again must repaint the row the
    cursor is on (and only that one) as highlighted."""
    from textual.geometry import Region

    from segtui.store.book import open_book

    app = SegtuiApp(open_book(demo_book_copy), as_of=AS_OF, config_dir=tmp_path, cache_dir=tmp_path / "cache")
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("5")
        tray = app.board.list_for(Quadrant.NEEDS_ASSESSMENT)
        visible = tray.visible_rows
        await pilot.press(*["down"] * (visible + 2), "up", "up")
        await pilot.pause()
        assert tray.scroll_offset.y > 0 and tray.cursor == visible
        cursor_bg = tray.get_component_rich_style("customer-list--cursor").bgcolor
        lines = tray.render_lines(Region(0, 0, *tray.outer_size))
        top = tray.content_region.y - tray.region.y  # the border's line
        marked = [y - top - tray.head_height + tray.scroll_offset.y for y, line in enumerate(lines)
                  if any(seg.style is not None and seg.style.bgcolor == cursor_bg for seg in line)]
        assert marked == [tray.cursor]
        assert tray.current.customer.name in str(app.board.query_one("#detail").render())


async def test_an_earlier_reading_that_ends_last_is_not_shown(small, monkeypatch):
    """Changing the day while the first reading still runs: the board shows the new day."""
    import threading

    import segtui.store.board as store_board

    app, ids = small
    real = store_board.board_rows
    first_call = threading.Event()
    release = threading.Event()
    calls: list[dt.date] = []

    def board_rows(book, as_of):
        calls.append(as_of)
        if len(calls) == 1:
            first_call.set()
            release.wait(10)
        return real(book, as_of)

    monkeypatch.setattr(store_board, "board_rows", board_rows)
    async with app.run_test(size=(120, 36)) as pilot:
        while not first_call.is_set():
            await pilot.pause(0.01)
        app.set_as_of(dt.date(2025, 1, 1))
        while len(calls) < 2 or not app.board.loaded:
            await pilot.pause(0.01)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        # as of 2025-01-01 no customer has an assessment yet: everyone waits in the tray
        assert len(app.board.list_for(Quadrant.NEEDS_ASSESSMENT).rows) == len(ids)
        assert app.board.list_for(Quadrant.CASH_COWS).rows == []


async def test_a_very_short_list_keeps_a_line_for_its_customers(small):
    app, _ = small
    async with app.run_test(size=(60, 20)) as pilot:
        await loaded(app, pilot)
        for customer_list in app.board.lists:
            assert customer_list.visible_rows >= 1
            assert customer_list.head_height < customer_list.scrollable_content_region.height


# --- the filter chips in Swedish


async def test_a_filter_chip_shows_a_word_value_in_the_language_in_use(small) -> None:
    from segtui import i18n

    app, _ids = small
    i18n.use("sv")
    try:
        async with app.run_test(size=(160, 40)) as pilot:
            await loaded(app, pilot)
            board = app.board
            board.view.filters["trend"] = frozenset({"silent"})
            board.view.filters["city"] = frozenset({"Malmö"})
            board.refresh_lists()
            await pilot.pause()
            bar = str(board.query_one("#bar").render())
            assert "tyst" in bar and "silent" not in bar  # the word translated, the filter still by 'silent'
            assert "Malmö" in bar  # a town as it is
    finally:
        i18n.use("en")
