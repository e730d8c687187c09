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
from textual.widgets import DataTable, Footer, Input, ProgressBar, Static

from segtui.domain.display import shown
from segtui.domain.matching import RULE_WORDS, RULES, rules_for
from segtui.ui.display import Shown, ShownLabel, safe
from segtui.io.importer import CUSTOMER_FIELDS, ORDER_FIELDS, USE_MAP, NothingMatched, Preview, ReadError, Summary, preview
from segtui.i18n import N_, Phrase, _, ngettext, said
from segtui.i18n import day as day_text
from segtui.store.book import Book, BookError

IMPORTABLE = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".gz")
PREVIEW_ROWS = 20

#: How a customer file's rows are matched to the book (``segtui import customers --match``):
#: None tries the file's customer id, else CRM id, org number, name and city (docs/matching.md).
MATCH_CHOICES: tuple[str | None, ...] = (None, *RULES)
#: What each matching rule is called on the screen (a row found through a merge: "by merged").
RULE_NAMES = {**RULE_WORDS, "merged": N_("merged")}
#: The file's fields a rule needs.
RULE_FIELDS = {"customer": "customer", "crm_id": "crm_id", "org_number": "org_number", "name_city": "name"}


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
    HELP_SECTION = N_("In the column list")

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
                    text.append("– " + _("none (required)"), style=style or "bold red")
                else:
                    text.append("– " + _("none"), style=style or "dim")
            text.append("\n")
        text.append("\n" + _(list(self.fields.values())[self.cursor]), style="italic dim")
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
    ImportScreen #import-options { padding: 0 1; height: auto; }
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
        Binding("ctrl+f", "cycle_match", "Match by", id="importer.match"),
        Binding("ctrl+n", "toggle_new", "New customers", id="importer.new"),
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
        self.match: str | None = None  # a customer file: the one rule rows are matched by (--match), or all
        self.new = False  # a customer file: add its rows as new customers even when none matches (--new)

    # --- layout -----------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Shown(self._title(), id="import-title")
        with Horizontal(id="import-file-row"):
            yield ShownLabel(_("File"))
            yield Input(
                value=self.start_path or "",
                placeholder=_("path to a CSV, XLSX or .gz file (→ completes)"),
                suggester=PathSuggester(),
                id="import-path",
            )
            yield ShownLabel(_("Currency"), id="import-currency-label")
            yield Input(placeholder=_("e.g. GBP"), max_length=3, id="import-currency")
        yield Shown(_("Type or paste the path of an export from your ERP or CRM."), id="import-format")
        yield Static("", id="import-options")
        with Horizontal(id="import-body"):
            with Vertical(id="import-columns") as columns:
                columns.border_title = _("Columns (ctrl+o, ←/→ change)")
                yield MappingList(id="import-mapping")
            preview_box = Vertical(id="import-preview")
            preview_box.border_title = _("Preview (first {count} rows)").format(count=PREVIEW_ROWS)
            with preview_box:
                table = DataTable(id="import-rows", zebra_stripes=True, cursor_type="row")
                yield table
        yield ProgressBar(id="import-progress", show_eta=False)
        yield Shown("", id="import-status")
        yield Footer()

    def _title(self) -> str:
        if self.kind == "orders":
            return _("Import orders (ERP invoices or order lines) into {book} · ctrl+t for customers").format(
                book=self.book.name)
        return _("Import customers (a CRM export) into {book} · ctrl+t for orders").format(book=self.book.name)

    def on_mount(self) -> None:
        self.query_one(ProgressBar).display = False
        self.query_one(MappingList).show(self._fields(), [], {})
        self._show_options()
        if self.start_path:
            self.query_one(MappingList).focus()
            self._load(self.start_path, dict(self.overrides))
        else:
            self.query_one("#import-path", Input).focus()

    def _fields(self) -> dict[str, str]:
        return ORDER_FIELDS if self.kind == "orders" else CUSTOMER_FIELDS

    def _load(self, path: str, overrides: dict[str, str], kind: str | None = None) -> None:
        self.load_preview(path, kind or self.kind, overrides, self.match)

    # --- matching a customer file ------------------------------------------------------
    def _mapped(self) -> dict[str, str]:
        result = self.current
        return result.mapping.fields if result is not None and result.mapping is not None else {}

    def _can_match_by(self, choice: str | None) -> bool:
        """A rule can be chosen when the file has the column it needs (all rules: always)."""
        return choice is None or RULE_FIELDS[choice] in self._mapped()

    def _rules_text(self) -> str:
        """The rules rows are matched by, as the screen says them ('CRM id, then org number, …')."""
        rules = rules_for(self.match, "customer" in self._mapped())
        return _(", then ").join(_(RULE_NAMES[r]) for r in rules)

    def _show_options(self) -> None:
        """The customer file's matching choices: every rule (the chosen one marked, those the file has no
        column for dimmed) and whether rows are added as new customers when none matches."""
        line = self.query_one("#import-options", Static)
        if line.display != (self.kind == "customers"):
            line.display = self.kind == "customers"
        if self.kind != "customers":
            return
        text = Text()
        text.append(_("Match by") + " ", style="bold")
        text.append("(ctrl+f): ", style="dim")
        for choice in MATCH_CHOICES:
            name = _("automatic") if choice is None else _(RULE_NAMES[choice])
            if choice == self.match:
                text.append(f"[{name}]", style="reverse bold")
            else:
                text.append(f" {name} ", style="" if self._can_match_by(choice) else "dim strike")
            text.append(" ")
        text.append("\n" + _("New customers") + " ", style="bold")
        text.append("(ctrl+n): ", style="dim")
        if self.new:
            text.append("[x] " + _("added even when no row is a customer of the book (as --new)"), style="bold")
        else:
            text.append("[ ] " + _("only when some row is a customer of the book"))
        line.update(text)

    def action_cycle_match(self) -> None:
        """The next matching rule the file has a column for (as --match; automatic again after the last)."""
        if self.running or self.kind != "customers":
            return
        index = MATCH_CHOICES.index(self.match)
        for step in range(1, len(MATCH_CHOICES) + 1):
            choice = MATCH_CHOICES[(index + step) % len(MATCH_CHOICES)]
            if self._can_match_by(choice):
                break
        self.match = choice
        self._show_options()
        if self.current is not None:
            self._load(self.current.path, dict(self.overrides))

    def action_toggle_new(self) -> None:
        """Add the rows as new customers even when none matches (as --new), or not."""
        if self.running or self.kind != "customers":
            return
        self.new = not self.new
        self._show_options()
        if self.current is not None:
            self._show_preview(self.current, self.book_currency)

    # --- events -------------------------------------------------------------------
    @on(Input.Changed, "#import-path")
    def path_changed(self, event: Input.Changed) -> None:
        path = os.path.expanduser(event.value.strip())
        if path and Path(path).is_file():
            self.overrides = {}
            self._load(path, {})

    @on(Input.Submitted, "#import-path")
    def path_submitted(self, event: Input.Submitted) -> None:
        path = os.path.expanduser(event.value.strip())
        if not path:
            return
        if not Path(path).is_file():
            self._status(_("There is no file at {path}.").format(path=path), error=True)
            return
        self._load(path, dict(self.overrides))
        self.query_one(MappingList).focus()

    @on(MappingList.Changed)
    def column_changed(self, event: MappingList.Changed) -> None:
        if self.current is None:
            return
        self.overrides[event.field] = event.column
        self._load(self.current.path, dict(self.overrides))

    def watch_kind(self, kind: str) -> None:
        if not self.is_mounted:
            return
        self.query_one("#import-title", Static).update(self._title())
        self.overrides = {}
        self.match, self.new = None, False
        self.query_one(MappingList).show(self._fields(), [], {})
        self._show_options()
        self.refresh_bindings()
        if self.current is not None:
            self._load(self.current.path, {}, kind)

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
        if action in ("cycle_match", "toggle_new"):  # a customer file's choices
            return self.kind == "customers"
        if action == "focus_currency":  # the currency of orders
            return self.kind == "orders"
        return True

    def action_accept_thresholds(self) -> None:
        """Store the thresholds the import proposed from the book's own figures."""
        summary = self.imported
        if summary is None or summary.proposed is None or summary.thresholds_accepted:
            self._status(_("There are no proposed thresholds to accept (they are proposed after importing orders "
                           "into a new book)."), error=True)
            return
        self.save_thresholds(summary)

    @work(thread=True, exclusive=True, group="import-thresholds")
    def save_thresholds(self, summary: Summary) -> None:
        from segtui.domain.settings import SettingError

        try:
            for key, value in summary.threshold_steps:
                self.book.set_setting(key, value)
        except (SettingError, BookError) as error:
            self.app.call_from_thread(self._status, _("The thresholds were not saved: {error}").format(
                error=said(error)), True)
            return
        summary.thresholds_accepted = True
        a, b = summary.proposed
        self.app.call_from_thread(
            self.app.notify, _("Class thresholds: A above {a}, B from {b}").format(
                a=whole(a, summary.currency), b=whole(b, summary.currency)),
            title=_("Thresholds"), markup=False,
        )
        self.app.call_from_thread(self.dismiss, summary)

    def action_run(self) -> None:
        if self.running:
            return
        if self.current is None:
            self._status(_("Choose a file first."), error=True)
            return
        if self.current.error:
            self._status(_("This file cannot be imported: {error}").format(error=shown_problem(self.current.error)),
                         error=True)
            return
        currency = None
        if self.kind == "orders" and self.book_currency is None:
            field = self.query_one("#import-currency", Input)
            currency = field.value.strip().upper() or None
            if self._currency_missing():
                self._status(_("Type the currency of the amounts first (ctrl+g), e.g. GBP: the file does not say "
                               "it."), error=True)
                field.focus()
                return
        self.running = True
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self._status(_("Importing… the whole file is checked before anything is written."))
        self.run_import(self.current.path, self.kind, dict(self.overrides), currency, self.match, self.new)

    # --- workers ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="import-preview")
    def load_preview(self, path: str, kind: str, overrides: dict[str, str], match: str | None = None) -> None:
        result = preview(path, kind, overrides, rows=PREVIEW_ROWS, book=self.book, match=match)
        settled = None
        if self.book.scalar('SELECT EXISTS (SELECT 1 FROM "order")'):
            settled = self.book.settings_snapshot().currency
        self.app.call_from_thread(self._show_preview, result, settled)

    def _show_currency(self, result: Preview) -> None:
        """The currency field: the book's once it has orders, the file's column when it
        has one, else for the rep to type (asked once, for a new book)."""
        field = self.query_one("#import-currency", Input)
        field.display = self.query_one("#import-currency-label").display = self.kind == "orders"
        from_file = result.mapping is not None and "currency" in result.mapping.fields
        if self.book_currency is not None:
            field.value, field.disabled = self.book_currency, True
            field.tooltip = _("The book's currency: a book holds orders in one currency")
        elif from_file:
            field.value, field.disabled = "", True
            field.placeholder = _("from the file")
        else:
            field.disabled = False
            field.placeholder = _("e.g. GBP")

    def _show_preview(self, result: Preview, settled: str | None = None) -> None:
        self.current = result
        self.book_currency = settled
        self._show_currency(result)
        self._show_options()
        mapped = result.mapping.fields if result.mapping else {}
        self.query_one(MappingList).show(self._fields(), result.header, mapped)
        fmt = said(result.format) if result.format else _("unreadable")
        extra = ""
        if result.mapping is not None and result.kind == "orders":
            level = _("order lines (quantity × unit price)") if result.mapping.line_level else _("orders (amount)")
            extra = f" · {level}"
            i_date = result.mapping.index("date")
            if i_date is not None and any("/" in values[i_date] for _line, values, _problem in result.rows):
                extra += " · " + (_("dates month/day/year") if result.date_order == "mdy"
                                  else _("dates day/month/year"))
        self.query_one("#import-format", Static).update(Content(f"{os.path.basename(result.path)}: {fmt}{extra}"))
        table = self.query_one("#import-rows", DataTable)
        table.clear(columns=True)
        if result.header:
            # the mapped columns first, in field order, then the rest of the file
            used = list(dict.fromkeys(result.header.index(c) for c in mapped.values()))
            order = used + [i for i in range(len(result.header)) if i not in used]
            table.add_column(_("line"), key="line")
            checks = {line: _check_text(problem) for line, _values, problem in result.rows if problem}
            longest = max((len(c) for c in checks.values()), default=2)
            table.add_column(_("check"), key="check", width=min(34, max(5, longest)))
            matched = {}
            if result.kind == "customers" and result.match_rules:
                matched = {line: match_cell(result.matches.get(line)) for line, _values, _problem in result.rows}
                widest = max((len(c.plain) for c in matched.values()), default=2)
                table.add_column(_("in the book"), key="match", width=min(32, max(len(_("in the book")), widest)))
            for i in order:
                name = result.header[i][:18] or f"({i + 1})"
                table.add_column(safe(Text(name, style="bold" if i in used else "dim")), key=f"c{i}")
            for line, values, problem in result.rows:
                if problem is None:
                    check = Text(_("ok"), style="green")
                else:
                    check = safe(Text(checks[line], style="yellow" if problem.startswith("skipped") else "bold red"))
                cells = [str(line), check, *([matched[line]] if matched else [])]
                table.add_row(*cells, *[Text(shown(values[i][:24])) for i in order], key=str(line))
        if result.error:
            message = shown_problem(result.error)
            if result.kind == "orders" and result.mapping is not None and "date" not in result.mapping.fields:
                message += _(" — a customer file? ctrl+t switches to customers")
            self._status(_("Cannot import: {error}").format(error=message), error=True)
        else:
            problems = [p for _line, _values, p in result.rows if p and not p.startswith("skipped")]
            if problems:
                self._status(ngettext("1 of the first rows has a problem: {problem}",
                                      "{count} of the first rows have problems: {problem}", len(problems)).format(
                    count=len(problems), problem=shown_problem(problems[0])), error=True)
            elif self._currency_missing():
                self._status(_("The file does not say its currency: type it in the Currency field (ctrl+g), "
                               "e.g. GBP — this book keeps it."))
            elif self._none_matched(result) and not self.new:
                rows = sum(1 for m in result.matches.values() if m.source_id is not None)
                self._status(nothing_matched_text(rows, result.customers, self._rules_text(), first=True),
                             error=True)
            else:
                self._status(_("Ready: ctrl+r imports the whole file (checked first; nothing is written if a row "
                               "is bad)."))

    @work(thread=True, exclusive=True, group="import-run")
    def run_import(self, path: str, kind: str, overrides: dict[str, str], currency: str | None = None,
                   match: str | None = None, new: bool = False) -> None:
        from segtui.io import importer

        call = self.app.call_from_thread

        def progress(done: int, total: int | None) -> None:
            call(self._progress, done, total)

        try:
            if kind == "orders":
                summary = importer.import_orders(self.book, path, overrides, as_of=self.as_of, progress=progress,
                                                 currency=currency, ask_currency=True, today=self.today)
            else:
                summary = importer.import_customers(self.book, path, overrides, as_of=self.as_of, progress=progress,
                                                    today=self.today, match=match, new=new)
        except NothingMatched as error:
            call(self._nothing_matched, error)
            return
        except (ReadError, BookError) as error:
            call(self._failed, error.message if isinstance(error, ReadError) else said(error))
            return
        call(self._done, summary)

    def _progress(self, done: int, total: int | None) -> None:
        self.query_one(ProgressBar).update(total=total, progress=min(done, total) if total else done)

    def _nothing_matched(self, error: NothingMatched) -> None:
        """A book with customers and a file none of whose rows is one of them: nothing imported, and the way out."""
        self.running = False
        self.query_one(ProgressBar).display = False
        self._status(nothing_matched_text(error.rows, error.customers, self._rules_text()), error=True)

    def _failed(self, message: str) -> None:
        self.running = False
        self.query_one(ProgressBar).display = False
        self._status(_("Nothing was imported: {error}").format(error=shown_problem(message)), error=True)

    def _done(self, summary: Summary) -> None:
        self.running = False
        self.app.notify(imported_text(summary), title=_("Import"), markup=False, timeout=10)
        first_day = first_day_text(summary, self.today) if summary.kind == "orders" else []
        if summary.proposed is not None and not summary.thresholds_accepted:
            # the rep decides on the thresholds here: ctrl+a accepts them, esc goes to the board
            self.imported = summary
            self.query_one(ProgressBar).display = False
            self.query_one(MappingList).focus()  # off the text fields, which keep ctrl+a for themselves
            self.refresh_bindings()
            self._status("\n".join([*first_day, _("ctrl+a accepts these thresholds · esc goes to the board (keeps "
                                                  "the defaults)")]))
            return
        if first_day:
            self.app.notify("\n".join(first_day), title=_("The new book"), markup=False, timeout=12)
        self.dismiss(summary)

    def _none_matched(self, result: Preview) -> bool:
        """A customer file previewed against a book with customers, and not one of its first rows is one."""
        used = [m for m in result.matches.values() if m.source_id is not None]
        return result.kind == "customers" and result.customers > 0 and bool(used) and not any(m.existing for m in used)

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


# --- the importer's words on this screen --------------------------------------------------------------
# io/ words its messages as Phrases (English text that keeps its phrase and values); the screen says them
# in the app's language with i18n.said.

def number(n: int) -> str:
    """A count with the language's thousands separator ('1,234' in English, '1 234' in Swedish)."""
    from segtui import i18n

    return i18n.number(n)


def whole(units: int, currency: str | None) -> str:
    """A threshold in whole units: '2,000,000 SEK' in English, '2 000 000 kr' in Swedish."""
    from segtui import i18n

    if i18n.language() == i18n.SOURCE:
        return f"{units:,} {currency or ''}".rstrip()
    return i18n.money(units * 100, currency or "")


def _check_text(problem: str) -> str:
    """A row's problem as its check column says it: the reason alone ('no customer id')."""
    reason = problem.values.get("reason") if isinstance(problem, Phrase) else None
    return said(reason) if reason is not None else said(problem)


def on_screen(message: str) -> str:
    """An importer's message as this screen says it: a column is chosen with ctrl+o and ←/→, not --map."""
    if not isinstance(message, Phrase):
        return message
    values = {k: CHOOSE if v is USE_MAP else on_screen(v) if isinstance(v, Phrase) else v
              for k, v in message.values.items()}
    return Phrase._made(message.phrase, message.plural, message.n, values)


CHOOSE = Phrase("choose with ctrl+o and ←/→")


def shown_problem(text: str) -> str:
    """An importer's message ('line 14, column "Date": "31/02" is not a date') in the app's language."""
    return said(on_screen(text))


def imported_text(summary: Summary) -> str:
    """The line the app says when an import is done."""
    if summary.kind == "orders":
        short = _("{orders} new orders, {customers} new customers").format(
            orders=number(summary.orders_new), customers=number(summary.customers_new))
    else:
        short = _("{new} new and {updated} updated customers").format(
            new=number(summary.customers_new), updated=number(summary.customers_updated))
    moved = ngettext("; 1 customer moved", "; {count} customers moved", len(summary.moves)).format(
        count=number(len(summary.moves))) if summary.moves else ""
    skipped = "".join(" " + ngettext("Skipped {count} row ({reason}).", "Skipped {count} rows ({reason}).", count).format(
        count=number(count), reason=said(reason)) for reason, count in summary.skipped.items())
    kept = (" " + _("The book as it was is kept at {path}.").format(path=summary.safety_copy)
            if summary.safety_copy else "")
    return _("Imported {what}.").format(what=short + moved) + skipped + kept


def first_day_text(summary: Summary, today: dt.date) -> list[str]:
    """What a new or old-data book needs said after an import (as ``Summary.first_day_lines`` says it on the
    command line, without the commands to type): its currency, the day it is shown on, the proposed thresholds."""
    from segtui.domain.first_day import data_is_old

    out = []
    if summary.currency_from:
        source = said(summary.currency_from)
        out.append(_("Currency: {currency} (from {source}) — the book's currency from now on").format(
            currency=summary.currency, source=source))
    newest, view, today = summary.newest_order, summary.view_as_of, summary.today or today
    if newest is not None and data_is_old(newest, today):
        if view == newest:
            out.append(_("Newest order {day} — more than a month before today: the book is shown as of that day "
                         "(view.as_of); d on the board changes it").format(day=day_text(newest)))
        else:
            out.append(_("Newest order {day} — more than a month before today: as of {view} customers look lapsed; "
                         "d on the board shows the book as of another day").format(day=day_text(newest),
                                                                                   view=day_text(view or today)))
    if summary.proposed is not None:
        a, b = summary.proposed
        before = summary.thresholds_before or (0, 0)
        currency = summary.currency or ""
        if summary.proposed_from_potentials:
            line = _("Proposed class thresholds, from the book's own potentials (a fifth of them reach B, a twentieth "
                     "A): A above {a}, B from {b} (now {a_now} and {b_now})")
        else:
            line = _("Proposed class thresholds, from this book's own revenue (the Pareto A and B cut-offs): A above "
                     "{a}, B from {b} (now {a_now} and {b_now})")
        out.append(line.format(a=whole(a, currency), b=whole(b, currency), a_now=number(before[0]),
                               b_now=number(before[1])))
        if summary.thresholds_accepted:
            out.append("  " + _("accepted"))
    return out


def nothing_matched_text(rows: int, customers: int, rules: str, first: bool = False) -> str:
    """A customer file none of whose rows is a customer of a book that has customers, and the way out."""
    if first:
        said = ngettext("The first row is not one of the book's {customers} customers (matched by {rules})",
                        "None of the first {rows} rows is one of the book's {customers} customers (matched by {rules})",
                        rows)
    else:
        said = ngettext("Nothing was imported: the file's row is not one of the book's {customers} customers "
                        "(matched by {rules})",
                        "Nothing was imported: none of the file's {rows} rows is one of the book's {customers} "
                        "customers (matched by {rules})", rows)
    return said.format(rows=number(rows), customers=number(customers), rules=rules) + " — " + _(
        "a wrong column, or all new companies? ctrl+f matches another way, ctrl+o changes the columns; "
        "ctrl+n adds the rows as new customers, then ctrl+r imports.")


# a row the import skips as ambiguous, as its cell says it: the reason without "— not guessed"
_NOT_GUESSED = {
    "{count} customers have this {rule} ({listed}) — not guessed": N_("{count} customers have this {rule} ({listed})"),
    "same {rule} as {customer}, which has another CRM id ({crm_id}) — not guessed":
        N_("{customer} has this {rule} and another CRM id ({crm_id})"),
    "customer id {customer} is another customer's in the book (its {rule} differs) — not guessed":
        N_("customer id {customer} is another customer's (its {rule} differs)"),
}


def match_cell(found) -> Text:
    """Where a previewed row of a customer file goes: the customer it is and by what, new, or not matched."""

    if found is None:
        return Text("–", style="dim")
    if found.source_id is None:
        reason = found.reason
        if isinstance(reason, Phrase) and reason.phrase in _NOT_GUESSED:
            short = Phrase._made(_NOT_GUESSED[reason.phrase], None, 1, reason.values)
            return safe(Text(said(short), style="yellow"))
        return Text("–", style="dim")
    if found.by == "new":
        return Text(_("new customer"), style="bold green")
    if found.by == "repeat":
        return safe(Text(_("new customer (as an earlier row)"), style="green"))
    if found.by == "merged":
        return safe(Text(_("{customer} · merged from {merged}").format(customer=found.source_id,
                                                                      merged=found.merged)))
    return safe(Text(_("{customer} · by {rule}").format(customer=found.source_id, rule=_(RULE_NAMES[found.by]))))
