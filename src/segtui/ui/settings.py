"""The Settings screen: every threshold and policy of the book, grouped, each
editable in place and saved the moment it is accepted.

Values are checked with the rules in ``domain.settings`` before anything is
written; the book is read and written in thread workers, never on the event loop.
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, Label, Static

from segtui.ui.display import Shown, ShownLabel
from segtui.domain.settings import DEFAULTS, REGISTRY, SettingError, sections, validate, validate_all
from segtui.i18n import _, said
from segtui.store.book import Book, BookError


class SettingRow(Widget, can_focus=True):
    """One setting: its key, its value (or an input while edited) and its help."""

    DEFAULT_CSS = """
    SettingRow {
        height: auto;
        padding: 0 1;
    }
    SettingRow:focus {
        background: $boost;
    }
    SettingRow:focus .key {
        text-style: bold;
        color: $accent;
    }
    SettingRow > Horizontal {
        height: auto;
    }
    SettingRow .key {
        width: 26;
    }
    SettingRow .value {
        width: 22;
    }
    SettingRow .value.changed {
        text-style: bold;
    }
    SettingRow Input, SettingRow Input:focus {
        width: 22;
        height: 1;
        border: none;
        padding: 0;
        background: $surface;
    }
    SettingRow .help {
        width: 1fr;
        color: $text-muted;
    }
    SettingRow .help.error {
        color: $error;
        text-style: bold;
    }
    """

    def __init__(self, key: str, value: str) -> None:
        super().__init__(id=f"setting-{key.replace('.', '-')}")
        self.key = key
        self.value = value
        self.editing = False

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield ShownLabel(self.key, classes="key")
            yield ShownLabel(self.value, classes="value changed" if self.value != DEFAULTS[self.key] else "value")
            yield ShownLabel(_(REGISTRY[self.key].help), classes="help")

    def show_value(self, value: str) -> None:
        self.value = value
        label = self.query_one(".value", Label)
        label.update(value)
        label.set_class(value != DEFAULTS[self.key], "changed")

    def show_message(self, text: str | None) -> None:
        """An error next to the field, or the help text again."""
        help_label = self.query_one(".help", Label)
        help_label.update(text or _(REGISTRY[self.key].help))
        help_label.set_class(bool(text), "error")

    def start_editing(self) -> Input:
        self.editing = True
        self.query_one(".value", Label).display = False
        field = Input(self.value, id="edit", select_on_focus=True)
        self.query_one(Horizontal).mount(field, after=self.query_one(".key"))
        field.focus()
        return field

    def stop_editing(self) -> None:
        self.editing = False
        for field in self.query(Input):
            field.remove()
        self.query_one(".value", Label).display = True
        self.show_message(None)
        self.focus()


class SettingsList(VerticalScroll, inherit_bindings=False):
    """The scrolling list of settings; its keys are the screen's (up/down move
    between settings instead of scrolling)."""


class SettingsScreen(Screen[bool]):
    """Every setting of the book with its value and help; enter edits, escape goes back.

    Dismisses with True when anything was changed."""

    DEFAULT_CSS = """
    SettingsScreen #settings-list {
        padding: 0 1;
    }
    SettingsScreen .section {
        margin-top: 1;
        padding: 0 1;
        text-style: bold;
        color: $primary;
    }
    SettingsScreen #settings-status {
        height: 1;
        padding: 0 2;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="settings.back"),
        Binding("enter", "edit", "Edit", id="settings.edit"),
        Binding("r", "reset", "Default", id="settings.reset"),
        Binding("down,j", "move(1)", "Next", show=False, id="settings.next"),
        Binding("up,k", "move(-1)", "Previous", show=False, id="settings.previous"),
        Binding("home,g", "jump(0)", "First", show=False, id="settings.first"),
        Binding("end,G", "jump(-1)", "Last", show=False, id="settings.last"),
    ]

    def __init__(self, book: Book) -> None:
        super().__init__()
        self.book = book
        self.values: dict[str, str] = {}
        self.changed = False

    # --- layout -----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Shown(_("Reading the settings…"), id="settings-status")
        yield SettingsList(id="settings-list")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Settings")
        self.load()

    @work(thread=True, exclusive=True, group="settings-load")
    def load(self) -> None:
        values = self.book.settings()
        self.app.call_from_thread(self.show_settings, values)

    async def show_settings(self, values: dict[str, str]) -> None:
        self.values = dict(values)
        widgets: list[Widget] = []
        for title, keys in sections():
            widgets.append(ShownLabel(_(title), classes="section"))
            widgets.extend(SettingRow(key, values[key]) for key in keys)
        listing = self.query_one("#settings-list", SettingsList)
        await listing.mount_all(widgets)
        self._status()
        if self.rows:
            self.rows[0].focus(scroll_visible=False)
            listing.scroll_home(animate=False, immediate=True)  # the first section's title stays in view

    def _status(self, text: str | None = None) -> None:
        where = _("read-only book: changes cannot be saved · ") if self.book.readonly else ""
        self.query_one("#settings-status", Static).update(
            text or where + _("{count} settings stored in {book} · bold = changed from the default").format(
                count=len(self.rows), book=self.book.name)
        )

    @property
    def rows(self) -> list[SettingRow]:
        return list(self.query(SettingRow))

    @property
    def current(self) -> SettingRow | None:
        focused = self.focused
        while focused is not None and not isinstance(focused, SettingRow):
            focused = focused.parent if isinstance(focused.parent, Widget) else None
        return focused

    # --- moving -----------------------------------------------------------------
    def action_move(self, step: int) -> None:
        row = self.current
        rows = self.rows
        if not rows or (row is not None and row.editing):
            return
        index = rows.index(row) if row in rows else -1
        rows[max(0, min(len(rows) - 1, index + step))].focus()

    def action_jump(self, index: int) -> None:
        row = self.current
        if self.rows and not (row is not None and row.editing):
            self.rows[index].focus()

    # --- editing ----------------------------------------------------------------
    def action_edit(self) -> None:
        row = self.current
        if row is None or row.editing:
            return
        if self.book.readonly:
            row.show_message(_("the book is read-only: changes cannot be saved"))
            return
        row.start_editing()

    def action_reset(self) -> None:
        row = self.current
        if row is None or row.editing:
            return
        self.submit(row, DEFAULTS[row.key])

    def action_back(self) -> None:
        row = self.current
        if row is not None and row.editing:
            row.stop_editing()
            return
        self.dismiss(self.changed)

    @on(Input.Submitted, "#edit")
    def accept(self, event: Input.Submitted) -> None:
        event.stop()
        row = self.current
        if row is not None:
            self.submit(row, event.value)

    def submit(self, row: SettingRow, text: str) -> None:
        """Check ``text`` for ``row``'s setting; a bad value is explained next to the field."""
        try:
            value = validate(row.key, text)
            validate_all({**self.values, row.key: value})
        except SettingError as error:
            message = str(error).removeprefix(f"{row.key}: ")
            help_text = f" ({_(REGISTRY[row.key].help)})"
            row.show_message(message.removesuffix(help_text))
            return
        if value == self.values.get(row.key):
            if row.editing:
                row.stop_editing()
            return
        self.save(row.key, value)

    @work(thread=True, group="settings-save")
    def save(self, key: str, value: str) -> None:
        try:
            stored = self.book.set_setting(key, value)
        except (SettingError, BookError) as error:
            self.app.call_from_thread(self.save_failed, key, said(error))
        else:
            self.app.call_from_thread(self.saved, key, stored)

    def _row(self, key: str) -> SettingRow:
        return self.query_one(f"#setting-{key.replace('.', '-')}", SettingRow)

    def saved(self, key: str, value: str) -> None:
        self.values[key] = value
        self.changed = True
        row = self._row(key)
        if row.editing:
            row.stop_editing()
        row.show_value(value)
        self._status(_("Saved {key} = {value}").format(key=key, value=value))

    def save_failed(self, key: str, message: str) -> None:
        self._row(key).show_message(message)
