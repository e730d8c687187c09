"""A snapshot of the Settings screen (fixed size, in-memory book)."""

from __future__ import annotations

from test_ui_settings import Host

from segtui.store.book import open_book


def test_settings_screen_snapshot(snap_compare) -> None:
    book = open_book(":memory:")
    book.set_setting("abc.a_above", "2500000")  # shows as changed (bold)

    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.pause()

    assert snap_compare(Host(book), terminal_size=(120, 36), run_before=run_before)
