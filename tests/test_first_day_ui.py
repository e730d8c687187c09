"""The board on a book whose data is old, and the as-of day the book remembers
(docs/first-day.md), driven with the keys."""

from __future__ import annotations

import datetime as dt

from board_books import fill_small_book, loaded

from segtui.store.book import open_book
from segtui.ui.app import SegtuiApp

TODAY = dt.date(2027, 6, 1)  # the small book's newest order is from 2026-10-10


def bar(app) -> str:
    return str(app.board.query_one("#bar").render())


async def test_the_board_says_the_data_is_old_and_d_shows_and_remembers_its_last_day(book, tmp_path):
    fill_small_book(book)
    newest = dt.date.fromisoformat(book.scalar('SELECT max(date) FROM "order"'))
    app = SegtuiApp(book, as_of=TODAY, today=TODAY, config_dir=tmp_path)
    async with app.run_test(size=(160, 36)) as pilot:
        await loaded(app, pilot)
        days = (TODAY - newest).days
        assert f"newest order {newest.isoformat()}, {days} days before {TODAY.isoformat()}" in bar(app)
        assert f"or d to see the book as of {newest.isoformat()}" in bar(app)
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#as-of-input").value = newest.isoformat()
        await pilot.press("enter")
        await loaded(app, pilot)
        assert f"newest order {newest.isoformat()} — showing the book as of that day; d to change" in bar(app)
        assert f"as of {newest.isoformat()}, its newest order" in app.sub_title
        assert book.settings()["view.as_of"] == newest.isoformat()
        # today again is remembered as empty: the book follows the calendar
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#as-of-input").value = "today"
        await pilot.press("enter")
        await loaded(app, pilot)
        assert app.as_of == TODAY and book.settings()["view.as_of"] == ""


async def test_recent_data_says_nothing(book, tmp_path):
    fill_small_book(book)
    app = SegtuiApp(book, as_of=dt.date(2026, 11, 9), config_dir=tmp_path)  # within a month of 2026-10-10
    async with app.run_test(size=(160, 36)) as pilot:
        await loaded(app, pilot)
        assert "newest order" not in bar(app)


def test_the_app_opens_on_the_remembered_day(tmp_path, monkeypatch):
    from segtui import launch

    path = tmp_path / "book.db"
    opened = open_book(path)
    fill_small_book(opened)
    opened.set_setting("view.as_of", "2026-06-30")
    opened.close()
    seen = {}

    def run(self):
        seen["as_of"] = self.as_of

    monkeypatch.setattr(SegtuiApp, "run", run)
    monkeypatch.setattr(launch, "_interactive", lambda: True)  # as in a terminal
    launch.open_app(str(path))
    assert seen["as_of"] == dt.date(2026, 6, 30)
    launch.open_app(str(path), dt.date(2026, 1, 31))  # --as-of wins for that run
    assert seen["as_of"] == dt.date(2026, 1, 31)
