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
from segtui.i18n import N_, _, pgettext

FIELDS = (
    ("class", "Revenue class"),
    ("xyz", "Order frequency"),
    ("group", "Group"),
    ("trend", "Slipping"),
    ("city", "City"),
    ("owner", "Owner"),
)


def field_title(key: str) -> str:
    """A filter list's title in the app's language (short: six lists share the dialog's width)."""
    return {
        "class": pgettext("filter", "Revenue class"), "xyz": pgettext("filter", "Order frequency"),
        "group": pgettext("filter", "Group"), "trend": pgettext("filter", "Slipping"),
        "city": pgettext("filter", "City"), "owner": pgettext("filter", "Owner"),
    }[key]


# The filter values that are words (the board filters by the English word; the list shows it translated).
VALUE_WORDS = {"declining": N_("declining"), "silent": N_("silent"), "lapsed": N_("lapsed"), "none": N_("none")}


def value_text(key: str, value: str) -> str:
    """How a filter value is shown: the words translated, a town, an owner or a class as it is."""
    if value == "none" or (key == "trend" and value in VALUE_WORDS):
        return _(VALUE_WORDS[value])
    return value


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
            yield Label(Content.from_markup("[b]$title[/b]", title=_("Filter the board")))
            yield Static(
                _("space or enter ticks a value · ←/→ or tab move between lists · c clears all · esc or f closes"),
                classes="hint",
            )
            with Horizontal(id="filter-lists"):
                for key, _english in FIELDS:
                    chosen = self.current.get(key, frozenset())
                    selection = SelectionList[str](
                        *[(value_text(key, value), value, value in chosen) for value in self.options.get(key, [])],
                        id=f"filter-{key}",
                    )
                    selection.border_title = field_title(key)
                    yield selection

    def _collect(self) -> dict[str, frozenset[str]]:
        return {
            key: frozenset(self.query_one(f"#filter-{key}", SelectionList).selected)
            for key, _label in FIELDS
        }

    def action_clear(self) -> None:
        for key, _label in FIELDS:
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
            yield Label(Content.from_markup("[b]$title[/b]", title=_("See the book as of")))
            yield Static(_("A day as YYYY-MM-DD, or 'today'. Enter shows it (and the book remembers it), "
                           "esc cancels."), classes="hint")
            yield Input(value=self.as_of.isoformat(), id="as-of-input")
            yield Static("", id="as-of-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip().lower()
        if text in ("today", _("today")):
            self.dismiss(self.today or clock.today())
            return
        try:
            day = parse_day(text)
        except ValueError:
            self.query_one("#as-of-error", Static).update(Content(_("{text} is not a day (YYYY-MM-DD)").format(
                text=repr(event.value))))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MovedSinceScreen(ModalScreen[dt.date | None]):
    """Who moved quadrant or revenue class since a day: the day, before the one the board shows."""

    DEFAULT_CSS = """
    MovedSinceScreen { align: center middle; }
    #moved-box { width: 64; height: auto; border: round $accent; background: $surface; padding: 0 1; }
    #moved-box > .hint { color: $text-muted; }
    #moved-error { color: $text-error; height: 1; }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="moved_since.cancel")]

    def __init__(self, day: dt.date, as_of: dt.date) -> None:
        """``day``: the day offered (the last quarter end); ``as_of``: the board's day."""
        super().__init__()
        self.day = day
        self.as_of = as_of

    def compose(self) -> ComposeResult:
        with Vertical(id="moved-box"):
            yield Label(Content.from_markup("[b]$title[/b]", title=_("Who moved since")))
            yield Static(_("A day before {day} as YYYY-MM-DD (the last quarter end is filled in). Enter shows the "
                           "customers whose quadrant or revenue class is not what it was then, esc cancels."
                           ).format(day=self.as_of.isoformat()), classes="hint")
            yield Input(value=self.day.isoformat(), id="moved-input")
            yield Static("", id="moved-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            day = parse_day(event.value)
        except ValueError:
            self.query_one("#moved-error", Static).update(Content(_("{text} is not a day (YYYY-MM-DD)").format(
                text=repr(event.value))))
            return
        if day >= self.as_of:
            self.query_one("#moved-error", Static).update(Content(_("Pick a day before {day}").format(
                day=self.as_of.isoformat())))
            return
        self.dismiss(day)

    def action_cancel(self) -> None:
        self.dismiss(None)
