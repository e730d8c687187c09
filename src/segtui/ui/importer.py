"""The Import screen: pick a file, check how its columns map, preview, import.

``ImportScreen(book, as_of)`` dismisses with the import's
:class:`~segtui.io.importer.Summary`, or None when nothing was imported.
Reading the file and importing run in thread workers; the screen only shows.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.screen import Screen
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Label, ProgressBar, Static

from segtui.domain.display import shown
from segtui.ui.display import Shown, ShownLabel, safe
from segtui.io.importer import CUSTOMER_FIELDS, ORDER_FIELDS, Preview, ReadError, Summary, preview
from segtui.store.book import Book, BookError

IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".gz")
PREVIEW_ROWS = 20


class PathSuggester(Suggester):
    """Completes a path: folders (with a trailing /) and CSV, XLSX and gzip files."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        expanded = os.path.expanduser(value)
        folder, _, start = expanded.rpartition(os.sep)
        folder = folder or ("/" if expanded.startswith(os.sep) else ".")
        try:
            entries = sorted(os.scandir(folder), key=lambda e: (not e.is_dir(), e.name.casefold()))
        except OSError:
            return None
        for entry in entries:
            if entry.name.startswith(".") and not start.startswith("."):
                continue
            if not entry.name.startswith(start) or entry.name == start:
                continue
            if entry.is_dir():
                return value + entry.name[len(start):] + os.sep
            if entry.name.lower().endswith(IMPORTABLE):
                return value + entry.name[len(start):]
        return None


class MappingList(Widget, can_focus=True):
    """The fields and the column each comes from; ←/→ choose another column."""
    HELP_SECTION = "In the column list"

    DEFAULT_CSS = """
    MappingList { height: auto; min-height: 3; padding: 0 1; }
    MappingList:focus { background: $boost; }
    """

    BINDINGS = [
        Binding("up,k", "move(-1)", "Field up", show=False, id="importer.field_up"),
        Binding("down,j", "move(1)", "Field down", show=False, id="importer.field_down"),
        Binding("left,h", "cycle(-1)", "Other column", id="importer.column_previous"),
        Binding("right,l", "cycle(1)", "Other column", show=False, id="importer.column_next"),
        Binding("x,delete", "clear", "Leave out", id="importer.column_clear"),
    ]

    cursor: reactive[int] = reactive(0)

    class Changed(Message):
        """The user chose another column for a field."""

        def __init__(self, field: str, column: str) -> None:
            super().__init__()
            self.field = field
            self.column = column

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fields: dict[str, str] = dict(ORDER_FIELDS)
        self.header: list[str] = []
        self.mapped: dict[str, str] = {}

    def show(self, fields: dict[str, str], header: list[str], mapped: dict[str, str]) -> None:
        self.fields, self.header, self.mapped = dict(fields), list(header), dict(mapped)
        self.cursor = min(self.cursor, len(self.fields) - 1)
        self.refresh(layout=True)

    def render(self) -> Text:
        text = Text()
        width = max(len(f) for f in self.fields)
        for i, (name, help_text) in enumerate(self.fields.items()):
            column = self.mapped.get(name)
            selected = i == self.cursor and self.has_focus
            marker = "▸ " if i == self.cursor else "  "
            style = "reverse" if selected else ""
            text.append(marker + f"{name:<{width}}  ", style=style or "bold")
            if column:
                text.append(f"← {column}", style=style or "green")
            else:
                required = name == "customer" or (name == "date" and "unit_price" in self.fields)
                if required:
                    text.append("– none (required)", style=style or "bold red")
                else:
                    text.append("– none", style=style or "dim")
            text.append("\n")
        text.append("\n" + list(self.fields.values())[self.cursor], style="italic dim")
        return safe(text)  # column names come from the file

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.fields) + 3

    def action_move(self, step: int) -> None:
        self.cursor = (self.cursor + step) % len(self.fields)
        self.refresh()

    def _field(self) -> str:
        return list(self.fields)[self.cursor]

    def action_cycle(self, step: int) -> None:
        if not self.header:
            return
        choices = ["", *[h for h in self.header if h]]
        current = self.mapped.get(self._field(), "")
        index = choices.index(current) if current in choices else 0
        column = choices[(index + step) % len(choices)]
        self.post_message(self.Changed(self._field(), column))

    def action_clear(self) -> None:
        self.post_message(self.Changed(self._field(), ""))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class ImportScreen(Screen):
    """Bring orders (ERP) or customers (CRM) into the book from a CSV or XLSX file."""

    DEFAULT_CSS = """
    ImportScreen { layout: vertical; }
    ImportScreen #import-title { padding: 0 1; text-style: bold; background: $panel; width: 100%; }
    ImportScreen #import-file-row { height: 3; }
    ImportScreen #import-file-row Label { padding: 1 1 0 1; width: auto; }
    ImportScreen #import-path { width: 1fr; }
    ImportScreen #import-currency { width: 16; }
    ImportScreen #import-format { padding: 0 1; height: auto; color: $text-muted; }
    ImportScreen #import-body { height: 1fr; }
    ImportScreen #import-columns { width: 44; border: round $primary; border-title-align: left; height: 100%; }
    ImportScreen #import-preview { width: 1fr; border: round $primary; border-title-align: left; height: 100%; }
    ImportScreen #import-progress { padding: 0 1; height: 1; }
    ImportScreen #import-status { padding: 0 1; height: auto; max-height: 9; }
    ImportScreen .error { color: $error; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="importer.back"),
        Binding("ctrl+r", "run", "Import", id="importer.run"),
        Binding("ctrl+t", "switch_kind", "Orders/customers", id="importer.kind"),
        Binding("ctrl+l", "focus_file", "File", id="importer.file"),
        Binding("ctrl+o", "focus_columns", "Columns", id="importer.columns"),
        Binding("ctrl+g", "focus_currency", "Currency", id="importer.currency"),
        Binding("ctrl+a", "accept_thresholds", "Accept thresholds", id="importer.accept_thresholds"),
    ]

    kind: reactive[str] = reactive("orders")

    def __init__(self, book: Book, as_of: dt.date, path: str | None = None, kind: str = "orders",
                 today: dt.date | None = None) -> None:
        """``today``: the day the data's age is judged on (default: ``as_of``)."""
        super().__init__()
        self.book = book
        self.as_of = as_of
        self.today = today or as_of
        self.start_path = path
        self.set_reactive(ImportScreen.kind, kind)
        self.overrides: dict[str, str] = {}
        self.current: Preview | None = None
        self.running = False
        self.book_currency: str | None = None  # set when the book has orders: its currency is settled
        self.imported: Summary | None = None  # an import whose proposed thresholds wait for ctrl+a

    # --- layout -----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Shown(self._title(), id="import-title")
        with Horizontal(id="import-file-row"):
            yield ShownLabel("File")
            yield Input(
                value=self.start_path or "",
                placeholder="path to a CSV, XLSX or .gz file (→ completes)",
                suggester=PathSuggester(),
                id="import-path",
            )
            yield ShownLabel("Currency", id="import-currency-label")
            yield Input(placeholder="e.g. GBP", max_length=3, id="import-currency")
        yield Shown("Type or paste the path of an export from your ERP or CRM.", id="import-format")
        with Horizontal(id="import-body"):
            with Vertical(id="import-columns") as columns:
                columns.border_title = "Columns (ctrl+o, ←/→ change)"
                yield MappingList(id="import-mapping")
            preview_box = Vertical(id="import-preview")
            preview_box.border_title = f"Preview (first {PREVIEW_ROWS} rows)"
            with preview_box:
                table = DataTable(id="import-rows", zebra_stripes=True, cursor_type="row")
                yield table
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Shown("", id="import-status")
        yield Footer()

    def _title(self) -> str:
        other = "customers" if self.kind == "orders" else "orders"
        what = "orders (ERP invoices or order lines)" if self.kind == "orders" else "customers (a CRM export)"
        return f"Import {what} into {self.book.name} · ctrl+t for {other}"

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one(MappingList).show(self._fields(), [], {})
        if self.start_path:
            self.query_one(MappingList).focus()
            self.load_preview(self.start_path, self.kind, dict(self.overrides))
        else:
            self.query_one("#import-path", Input).focus()

    def _fields(self) -> dict[str, str]:
        return ORDER_FIELDS if self.kind == "orders" else CUSTOMER_FIELDS

    # --- events -------------------------------------------------------------------
    @on(Input.Changed, "#import-path")
    def path_changed(self, event: Input.Changed) -> None:
        path = os.path.expanduser(event.value.strip())
        if path and Path(path).is_file():
            self.overrides = {}
            self.load_preview(path, self.kind, {})

    @on(Input.Submitted, "#import-path")
    def path_submitted(self, event: Input.Submitted) -> None:
        path = os.path.expanduser(event.value.strip())
        if not path:
            return
        if not Path(path).is_file():
            self._status(f"There is no file at {path}.", error=True)
            return
        self.load_preview(path, self.kind, dict(self.overrides))
        self.query_one(MappingList).focus()

    @on(MappingList.Changed)
    def column_changed(self, event: MappingList.Changed) -> None:
        if self.current is None:
            return
        self.overrides[event.field] = event.column
        self.load_preview(self.current.path, self.kind, dict(self.overrides))

    def watch_kind(self, kind: str) -> None:
        if not self.is_mounted:
            return
        self.query_one("#import-title", Static).update(self._title())
        self.overrides = {}
        self.query_one(MappingList).show(self._fields(), [], {})
        if self.current is not None:
            self.load_preview(self.current.path, kind, {})

    # --- actions ------------------------------------------------------------------
    def action_back(self) -> None:
        if not self.running:
            self.dismiss(self.imported)

    def action_switch_kind(self) -> None:
        if not self.running:
            self.kind = "customers" if self.kind == "orders" else "orders"

    def action_focus_file(self) -> None:
        self.query_one("#import-path", Input).focus()

    def action_focus_columns(self) -> None:
        self.query_one(MappingList).focus()

    def action_focus_currency(self) -> None:
        field = self.query_one("#import-currency", Input)
        if not field.disabled:
            field.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "accept_thresholds":  # shown in the footer only while thresholds wait for it
            summary = self.imported
            return summary is not None and summary.proposed is not None and not summary.thresholds_accepted
        return True

    def action_accept_thresholds(self) -> None:
        """Store the thresholds the import proposed from the book's own revenue."""
        summary = self.imported
        if summary is None or summary.proposed is None or summary.thresholds_accepted:
            self._status("There are no proposed thresholds to accept (they are proposed after importing orders "
                         "into a new book).", error=True)
            return
        self.save_thresholds(summary)

    @work(thread=True, exclusive=True, group="import-thresholds")
    def save_thresholds(self, summary: Summary) -> None:
        from segtui.domain.settings import SettingError

        try:
            for key, value in summary.threshold_steps:
                self.book.set_setting(key, value)
        except (SettingError, BookError) as error:
            self.app.call_from_thread(self._status, f"The thresholds were not saved: {error}", True)
            return
        summary.thresholds_accepted = True
        a, b = summary.proposed
        self.app.call_from_thread(
            self.app.notify, f"Class thresholds: A above {a:,}, B from {b:,} {summary.currency or ''}",
            title="Thresholds", markup=False,
        )
        self.app.call_from_thread(self.dismiss, summary)

    def action_run(self) -> None:
        if self.running:
            return
        if self.current is None:
            self._status("Choose a file first.", error=True)
            return
        if self.current.error:
            self._status(f"This file cannot be imported: {self.current.error}", error=True)
            return
        currency = None
        if self.kind == "orders" and self.book_currency is None:
            field = self.query_one("#import-currency", Input)
            currency = field.value.strip().upper() or None
            if self._currency_missing():
                self._status("Type the currency of the amounts first (ctrl+g), e.g. GBP: the file does not say it.",
                             error=True)
                field.focus()
                return
        self.running = True
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._status("Importing… the whole file is checked before anything is written.")
        self.run_import(self.current.path, self.kind, dict(self.overrides), currency)

    # --- workers ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="import-preview")
    def load_preview(self, path: str, kind: str, overrides: dict[str, str]) -> None:
        result = preview(path, kind, overrides, rows=PREVIEW_ROWS)
        settled = None
        if self.book.scalar('SELECT EXISTS (SELECT 1 FROM "order")'):
            settled = self.book.settings().get("currency", "SEK")
        self.app.call_from_thread(self._show_preview, result, settled)

    def _show_currency(self, result: Preview) -> None:
        """The currency field: the book's once it has orders, the file's column when it
        has one, else for the rep to type (asked once, for a new book)."""
        field = self.query_one("#import-currency", Input)
        field.display = self.query_one("#import-currency-label").display = self.kind == "orders"
        from_file = result.mapping is not None and "currency" in result.mapping.fields
        if self.book_currency is not None:
            field.value, field.disabled = self.book_currency, True
            field.tooltip = "The book's currency: a book holds orders in one currency"
        elif from_file:
            field.value, field.disabled = "", True
            field.placeholder = "from the file"
        else:
            field.disabled = False
            field.placeholder = "e.g. GBP"

    def _show_preview(self, result: Preview, settled: str | None = None) -> None:
        self.current = result
        self.book_currency = settled
        self._show_currency(result)
        mapped = result.mapping.fields if result.mapping else {}
        self.query_one(MappingList).show(self._fields(), result.header, mapped)
        fmt = result.format or "unreadable"
        extra = ""
        if result.mapping is not None and result.kind == "orders":
            level = "order lines (quantity × unit price)" if result.mapping.line_level else "orders (amount)"
            extra = f" · {level}"
            i_date = result.mapping.index("date")
            if i_date is not None and any("/" in values[i_date] for _, values, _ in result.rows):
                extra += " · dates " + ("month/day/year" if result.date_order == "mdy" else "day/month/year")
        self.query_one("#import-format", Static).update(Content(f"{os.path.basename(result.path)}: {fmt}{extra}"))
        table = self.query_one("#import-rows", DataTable)
        table.clear(columns=True)
        if result.header:
            # the mapped columns first, in field order, then the rest of the file
            used = list(dict.fromkeys(result.header.index(c) for c in mapped.values()))
            order = used + [i for i in range(len(result.header)) if i not in used]
            table.add_column("line", key="line")
            longest = max((len(p.split(": ", 1)[-1]) for _, _, p in result.rows if p), default=2)
            table.add_column("check", key="check", width=min(34, max(5, longest)))
            for i in order:
                name = result.header[i][:18] or f"({i + 1})"
                table.add_column(safe(Text(name, style="bold" if i in used else "dim")), key=f"c{i}")
            for line, values, problem in result.rows:
                if problem is None:
                    check = Text("ok", style="green")
                else:
                    reason = problem.split(": ", 1)[-1]
                    check = safe(Text(reason, style="yellow" if problem.startswith("skipped") else "bold red"))
                table.add_row(str(line), check, *[Text(shown(values[i][:24])) for i in order], key=str(line))
        if result.error:
            message = result.error.replace("use --map FIELD=COLUMN", "choose with ctrl+o and ←/→")
            if result.kind == "orders" and result.mapping is not None and "date" not in result.mapping.fields:
                message += " — a customer file? ctrl+t switches to customers"
            self._status(f"Cannot import: {message}", error=True)
        else:
            problems = [p for _, _, p in result.rows if p and not p.startswith("skipped")]
            if problems:
                self._status(f"{len(problems)} of the first rows have problems: {problems[0]}", error=True)
            elif self._currency_missing():
                self._status("The file does not say its currency: type it in the Currency field (ctrl+g), "
                             "e.g. GBP — this book keeps it.")
            else:
                self._status("Ready: ctrl+r imports the whole file (checked first; nothing is written if a row is bad).")

    @work(thread=True, exclusive=True, group="import-run")
    def run_import(self, path: str, kind: str, overrides: dict[str, str], currency: str | None = None) -> None:
        from segtui.io import importer

        call = self.app.call_from_thread

        def progress(done: int, total: int | None) -> None:
            call(self._progress, done, total)

        try:
            if kind == "orders":
                summary = importer.import_orders(self.book, path, overrides, as_of=self.as_of, progress=progress,
                                                 currency=currency, ask_currency=True, today=self.today)
            else:
                summary = importer.import_customers(self.book, path, overrides, as_of=self.as_of, progress=progress)
        except (ReadError, BookError) as error:
            call(self._failed, str(error))
            return
        call(self._done, summary)

    def _progress(self, done: int, total: int | None) -> None:
        self.query_one(ProgressBar).update(total=total, progress=min(done, total) if total else done)

    def _failed(self, message: str) -> None:
        self.running = False
        self.query_one(ProgressBar).display = False
        self._status(f"Nothing was imported: {message}", error=True)

    def _done(self, summary: Summary) -> None:
        self.running = False
        if summary.kind == "orders":
            short = f"{summary.orders_new:,} new orders, {summary.customers_new:,} new customers"
        else:
            short = f"{summary.customers_new:,} new and {summary.customers_updated:,} updated customers"
        moved = f"; {len(summary.moves):,} customers moved" if summary.moves else ""
        skipped = "".join(
            f" Skipped {count:,} {'row' if count == 1 else 'rows'} ({reason})." for reason, count in summary.skipped.items()
        )
        kept = f" The book as it was is kept at {summary.safety_copy}." if summary.safety_copy else ""
        self.app.notify(f"Imported {short}{moved}.{skipped}{kept}", title="Import", markup=False, timeout=10)
        first_day = summary.first_day_lines() if summary.kind == "orders" else []
        if summary.proposed is not None and not summary.thresholds_accepted:
            # the rep decides on the thresholds here: ctrl+a accepts them, esc goes to the board
            self.imported = summary
            self.query_one(ProgressBar).display = False
            self.query_one(MappingList).focus()  # off the text fields, which keep ctrl+a for themselves
            self.refresh_bindings()
            lines = [line.split("  to accept:")[0] for line in first_day if not line.startswith("  to accept:")]
            self._status("\n".join([*lines, "ctrl+a accepts these thresholds · esc goes to the board (keeps the defaults)"]))
            return
        if first_day:
            self.app.notify("\n".join(first_day), title="The new book", markup=False, timeout=12)
        self.dismiss(summary)

    def _currency_missing(self) -> bool:
        """A new book, a file with no currency column and nothing typed in the Currency field."""
        result = self.current
        if self.kind != "orders" or self.book_currency is not None or result is None or result.mapping is None:
            return False
        if "currency" in result.mapping.fields:
            return False
        return not self.query_one("#import-currency", Input).value.strip()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.set_class(error, "error")
        status.update(Content(text))  # file names and values are not markup
