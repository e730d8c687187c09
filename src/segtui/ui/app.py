"""The Textual application."""

from __future__ import annotations

import datetime as dt

from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Header, Static

from segtui.store.book import Book
from segtui.ui.errors import GuardedApp


class SegtuiApp(GuardedApp):
    """segtui: the board of loyalty × potential and the week's plan."""

    TITLE = "segtui"
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, id="quit_ctrl"),
    ]

    def __init__(self, book: Book, as_of: dt.date | None = None):
        super().__init__()
        self.book = book
        self.as_of = as_of or dt.date.today()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Opening the book…", id="summary")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.book.name} · as of {self.as_of.isoformat()}"
        self.load_counts()

    @work(thread=True, exclusive=True)
    def load_counts(self) -> None:
        counts = self.book.counts()
        text = (
            f"{self.book.name}: {counts['customer']} customers, {counts['order']} orders, "
            f"{counts['assessment']} assessments, {counts['activity']} activities"
        )
        self.call_from_thread(self.query_one("#summary", Static).update, text)
