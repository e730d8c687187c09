"""The Import screen as a person sees it (120×36): a line-level ERP file, mapped and previewed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.app import App

from segtui.store.book import open_book
from segtui.ui.importer import ImportScreen

DATA = Path(__file__).resolve().parent / "data"


class ImportHost(App):
    TITLE = "segtui"

    def __init__(self, path: str):
        super().__init__()
        self.path = path

    def on_mount(self) -> None:
        self.push_screen(ImportScreen(open_book(":memory:"), dt.date(2026, 11, 23), self.path))


def test_import_screen_with_a_preview(snap_compare, monkeypatch) -> None:
    monkeypatch.chdir(DATA)  # a relative path: the same picture in every checkout

    async def loaded(pilot) -> None:
        for _ in range(3):
            await pilot.pause()
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(ImportHost("orders/visma_semicolon_latin1.csv"), terminal_size=(120, 36), run_before=loaded)
