"""A settings change made while a screen is open is followed when that screen comes back to the front."""

from __future__ import annotations

import datetime as dt

from board_books import fill_small_book, loaded
from books import settle
from textual.widgets import Input

from segtui.store.book import open_book
from segtui.ui.app import SegtuiApp
from segtui.ui.planner import PlannerScreen
from segtui.ui.settings import SettingRow, SettingsScreen

AS_OF = dt.date(2026, 11, 23)


async def test_the_planner_follows_a_change_made_on_the_settings_screen(book, tmp_path) -> None:
    fill_small_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("w")
        await settle(pilot)
        planner = app.screen
        assert isinstance(planner, PlannerScreen) and planner.view is not None
        assert planner.view.feasibility.capacity["visit"] == 4 * 5
        await pilot.press("comma")  # the settings, over the planner
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        app.screen.query_one("#setting-capacity-visits_per_day", SettingRow).focus()
        await pilot.press("enter")
        app.screen.query_one("#edit", Input).value = ""
        await pilot.press("6", "enter")
        await settle(pilot)
        assert book.settings()["capacity.visits_per_day"] == "6"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is planner
        assert planner.config.visits_per_day == 6
        assert planner.view.feasibility.capacity["visit"] == 6 * 5
        assert "(capacity 30)" in str(planner.query_one("#feasibility").render())



async def test_the_board_follows_a_change_another_program_saved_while_another_screen_was_in_front(tmp_path) -> None:
    path = tmp_path / "book.db"
    book, other = open_book(path), open_book(path)
    try:
        fill_small_book(book)
        app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
        async with app.run_test(size=(120, 36)) as pilot:
            await loaded(app, pilot)
            assert app.board.config.a_above == 2_000_000 * 100
            await pilot.press("question_mark")  # the help, over the board
            await pilot.pause()
            assert app.screen is not app.board
            other.set_settings({"abc.a_above": "500", "abc.b_from": "100"})  # segtui settings BOOK … in a terminal
            await pilot.press("escape")
            await loaded(app, pilot)
            assert app.screen is app.board
            assert (app.board.config.a_above, app.board.config.b_from) == (500 * 100, 100 * 100)
    finally:
        other.close()
        book.close()
