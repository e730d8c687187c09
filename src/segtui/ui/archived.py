"""The archived customers (docs/records.md): off the board, the plan and the mailing
list, with their history kept. Enter opens one (``X`` there restores it); ``r``
restores the highlighted one here, ``ctrl+z`` takes that back."""

from __future__ import annotations

import datetime as dt

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from segtui.i18n import N_, _
from segtui.ui.display import Shown
from segtui.store import records as store
from segtui.store.book import Book
from segtui.store.customers import EditLog
from segtui.ui.rows import RowList
from segtui.ui.writer import SerialWriter


class ArchivedList(RowList):
    HELP_SECTION = N_("In the archived customers")
    BINDINGS = [
        Binding("enter", "screen.open", "Open", id="archived.open"),
        Binding("r", "screen.restore", "Restore", id="archived.restore"),
    ]


class ArchivedScreen(Screen[bool]):
    """Archived customers by name; dismisses with True when one was restored."""

    DEFAULT_CSS = """
    ArchivedScreen #archived-title { height: 1; padding: 0 1; text-style: bold; }
    ArchivedScreen #archived-status { height: 1; padding: 0 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="archived.back"),
        Binding("ctrl+z", "undo", "Undo", id="archived.undo"),
    ]

    def __init__(self, book: Book, as_of: dt.date) -> None:
        super().__init__()
        self.book = book
        self.as_of = as_of
        self.customers: list[tuple[int, str, str, str | None]] = []
        self.edits = EditLog(book)
        self.writer = SerialWriter("archived")
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Shown(_("Archived customers — enter open · r restore · ctrl+z undo · esc back"), id="archived-title")
        yield ArchivedList(_("No archived customers: X on a customer's screen archives one."), id="archived")
        yield Shown("", id="archived-status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(ArchivedList).focus()
        self._read()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self._read()  # a customer may have been restored on its own screen

    def on_unmount(self) -> None:
        self.writer.close()

    @property
    def busy(self) -> bool:
        return self.writer.busy or not self.loaded

    @work(thread=True, exclusive=True, group="archived-read")
    def _read(self) -> None:
        rows = store.archived_customers(self.book)
        self.app.call_from_thread(self._show, rows)

    def _show(self, rows: list[tuple[int, str, str, str | None]], message: str = "") -> None:
        self.customers = rows
        self.loaded = True
        self.query_one(ArchivedList).set_rows(
            [Text(f"{name[:40]:<40} {source_id:<12} {city or ''}") for _, source_id, name, city in rows]
        )
        if message:
            self.query_one("#archived-status", Static).update(Text(message))

    def _current(self) -> tuple[int, str, str, str | None] | None:
        if not self.customers:
            return None
        return self.customers[min(self.query_one(ArchivedList).cursor, len(self.customers) - 1)]

    def action_open(self) -> None:
        current = self._current()
        if current is not None:
            from segtui.ui.customer import CustomerScreen

            self.app.push_screen(CustomerScreen(self.book, current[0], self.as_of))

    def _change(self, job, message: str) -> None:
        def run():
            result = job()
            return store.archived_customers(self.book), result

        def done(result, error) -> None:
            if not self.is_attached:
                return
            if error is not None:
                self.notify(_("Not saved: {error}").format(error=error), severity="error", markup=False)
                return
            rows, undone = result
            self._show(rows, message if undone is not False else _("Nothing to undo here"))

        self.writer.submit(run, done)

    def action_restore(self) -> None:
        current = self._current()
        if current is None or self.book.readonly:
            return
        cid, _source_id, name, _city = current
        self._change(lambda: self.edits.record(store.set_archived(self.book, cid, False)),
                     _("Restored {name} to the board · ctrl+z undoes").format(name=name))

    def action_undo(self) -> None:
        self._change(lambda: self.edits.undo() is not None or False, _("Undone: the restore"))

    def action_back(self) -> None:
        self.dismiss(self.edits.edited)
