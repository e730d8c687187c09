"""Small dialogs of the board: filter chips and the as-of date."""

from __future__ import annotations

import datetime as dt

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, SelectionList, Static

from segtui import clock
from segtui.domain.customer import parse_day

FIELDS = (
    ("class", "Revenue class"),
    ("xyz", "Order frequency"),
    ("group", "Group"),
    ("trend", "Slipping"),
    ("city", "City"),
    ("owner", "Owner"),
)


class FilterScreen(ModalScreen[dict[str, frozenset[str]] | None]):
    """Pick filter values; the board applies them when the dialog closes."""

    DEFAULT_CSS = """
    FilterScreen { align: center middle; }
    #filter-box { width: 110; height: 24; border: round $accent; background: $surface; padding: 0 1; }
    #filter-box > .hint { color: $text-muted; height: 2; }
    #filter-lists { height: 1fr; }
    #filter-lists SelectionList { width: 1fr; height: 1fr; border: round $primary-muted; }
    #filter-lists SelectionList:focus { border: round $accent; }
    """

    BINDINGS = [
        Binding("escape,f", "close", "Done", id="filter.done"),
        Binding("c", "clear", "Clear all", id="filter.clear"),
        Binding("left,h", "app.focus_previous", "Previous list", show=False, id="filter.previous"),
        Binding("right,l", "app.focus_next", "Next list", show=False, id="filter.next"),
    ]

    def __init__(
        self,
        options: dict[str, list[str]],
        current: dict[str, frozenset[str]],
    ) -> None:
        super().__init__()
        self.options = options
        self.current = {k: frozenset(v) for k, v in current.items()}

    def compose(self) -> ComposeResult:
        with Vertical(id="filter-box"):
            yield Label("[b]Filter the board[/b]")
            yield Static(
                "space or enter ticks a value · ←/→ or tab move between lists · c clears all · esc or f closes",
                classes="hint",
            )
            with Horizontal(id="filter-lists"):
                for key, title in FIELDS:
                    chosen = self.current.get(key, frozenset())
                    selection = SelectionList[str](
                        *[(value, value, value in chosen) for value in self.options.get(key, [])],
                        id=f"filter-{key}",
                    )
                    selection.border_title = title
                    yield selection

    def _collect(self) -> dict[str, frozenset[str]]:
        return {
            key: frozenset(self.query_one(f"#filter-{key}", SelectionList).selected)
            for key, _ in FIELDS
        }

    def action_clear(self) -> None:
        for key, _ in FIELDS:
            self.query_one(f"#filter-{key}", SelectionList).deselect_all()

    def action_close(self) -> None:
        self.dismiss(self._collect())


class AsOfScreen(ModalScreen[dt.date | None]):
    """See the book as it was on another day."""

    DEFAULT_CSS = """
    AsOfScreen { align: center middle; }
    #as-of-box { width: 64; height: auto; border: round $accent; background: $surface; padding: 0 1; }
    #as-of-box > .hint { color: $text-muted; }
    #as-of-error { color: $text-error; height: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="as_of.cancel")]

    def __init__(self, as_of: dt.date, today: dt.date | None = None) -> None:
        super().__init__()
        self.as_of = as_of
        self.today = today

    def compose(self) -> ComposeResult:
        with Vertical(id="as-of-box"):
            yield Label("[b]See the book as of[/b]")
            yield Static("A day as YYYY-MM-DD, or 'today'. Enter shows it (and the book remembers it), "
                         "esc cancels.", classes="hint")
            yield Input(value=self.as_of.isoformat(), id="as-of-input")
            yield Static("", id="as-of-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip().lower()
        if text == "today":
            self.dismiss(self.today or clock.today())
            return
        try:
            day = parse_day(text)
        except ValueError:
            self.query_one("#as-of-error", Static).update(Content(f"{event.value!r} is not a day (YYYY-MM-DD)"))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
