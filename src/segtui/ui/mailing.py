"""The small-fry mailing list (DESIGN §3): every small-fry customer with the
contact to write to, how many have no e-mail; copy the addresses, export them
to CSV or an Excel workbook, and record the mailing.

Thin like the planner it opens from: rows come from :mod:`segtui.store.mailing`
(read in a thread worker), the CSV and the workbook from :mod:`segtui.io.export`
(written in a thread worker), changes go through the screen's one writer.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from segtui.ui.display import Shown
from segtui.domain import planning
from segtui.domain.customer import InputError
from segtui.domain.segments import Quadrant
from segtui.i18n import N_, _, ngettext, pgettext, said, weekday
from segtui.i18n import day as day_text
from segtui.store import mailing as store
from segtui.store.book import Book, BookError
from segtui.store.customers import EditLog
from segtui.ui.errors import writes_allowed
from segtui.ui.form import Field, FormScreen
from segtui.ui.names import short_name
from segtui.ui.rows import RowList
from segtui.ui.writer import SerialWriter, write_and_reload

LEGEND = N_(
    "Who is on the list: every active customer in the Small fry quadrant, in name order. The contact is the "
    "customer's primary contact, or another contact with an e-mail when the primary one has none.\n"
    "Marking the list as mailed records a mail activity for each customer with an e-mail, on the planner's day "
    "(once a day: marking again adds nothing). A mailing is not a call: the small-fry call stays due."
)


#: Column widths of the list on a wide screen (the e-mail column is as wide as the longest address; the
#: city and the last mailing take CITY_WIDTH + 1 + the width of a day or the column's title).
NAME_WIDTH, CONTACT_WIDTH, CITY_WIDTH = 30, 20, 14


#: The name of a file ending in this is written as an Excel workbook; any other name as a CSV.
WORKBOOK = ".xlsx"
#: Other spreadsheet endings: segtui writes none of them, so a name ending in one is refused.
OTHER_SHEETS = (".xls", ".xlsm", ".xlsb", ".ods", ".numbers")


def is_workbook(path: Path) -> bool:
    return path.suffix.lower() == WORKBOOK


def export_path(text: str) -> Path:
    """The file to export to: ``~`` expanded, '.csv' added without a suffix, its
    folder must exist and the file must not (nothing is overwritten). A name ending
    in .xlsx is an Excel workbook, any other a CSV."""
    raw = text.strip()
    if not raw:
        raise InputError(_("type the file to write"))
    path = Path(raw).expanduser()
    if not path.suffix:
        path = path.with_suffix(".csv")
    if path.suffix.lower() in OTHER_SHEETS:
        raise InputError(_("a workbook is written as .xlsx: end the name in .xlsx (or .csv for a CSV)"))
    if path.is_dir():
        raise InputError(_("{path} is a folder: add a file name").format(path=path))
    if not path.parent.is_dir():
        raise InputError(_("there is no folder {path}").format(path=path.parent))
    if path.exists():
        raise InputError(_("{name} already exists: type another name").format(name=path.name))
    return path


def free_name(folder: Path, stem: str, suffix: str = ".csv") -> Path:
    """``folder/stem.csv``, or ``stem-2.csv``, ``stem-3.csv`` … when it is taken."""
    path = folder / f"{stem}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{n}{suffix}"
        n += 1
    return path


class MailingScreen(Screen):
    """The mailing list of the Small fry quadrant."""

    TITLE = N_("Mailing list")

    @property
    def HELP_LEGEND(self) -> str:  # noqa: N802 - the help screen reads a screen's HELP_LEGEND
        return _(LEGEND)

    DEFAULT_CSS = """
    MailingScreen { layout: vertical; }
    #mailing-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    #mailing-summary { height: auto; padding: 0 1; }
    #mailing-summary.missing { color: $warning; }
    #mailing-columns { height: 1; padding: 0 1; color: $text-muted; text-style: bold; }
    #recipients { height: 1fr; padding: 0 1; }
    #mailing-status { height: 1; padding: 0 1; background: $boost; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="mailing.back"),
        Binding("question_mark", "app.help", "Help", tooltip=N_("Every key, and who is on the list"), id="mailing.help"),
        Binding("c", "copy", "Copy addresses", tooltip=N_("Copy every e-mail address, comma-separated"),
                id="mailing.copy"),
        Binding("e", "export", "Export", tooltip=N_("Write the list to a new CSV or Excel (.xlsx) file "
                "(customer, name, contact, email, city)"), id="mailing.export"),
        Binding("d", "mark", "Mark mailed", tooltip=N_("Record a mail activity today for everyone with an e-mail"),
                id="mailing.mark"),
        Binding("ctrl+z", "undo", "Undo", tooltip=N_("Take back the mailing just recorded"), id="mailing.undo"),
        Binding("q", "app.quit", "Quit", show=False, id="mailing.quit"),
    ]

    def __init__(self, book: Book, as_of: dt.date, segments: Sequence | None = None) -> None:
        super().__init__()
        self.book = book
        self.as_of = as_of
        self.segments = segments  # what the planner already read (None: read them here)
        self.recipients: list[store.Recipient] | None = None
        self.call_every: int | None = None
        self.edits = EditLog(book)
        self.writer = SerialWriter("mailing-writer")

    def compose(self) -> ComposeResult:
        yield Header()
        yield Shown(_("Small-fry mailing list · as of {day}").format(day=day_text(self.as_of)), id="mailing-title")
        yield Shown(_("Reading the book…"), id="mailing-summary")
        yield Shown("", id="mailing-columns")
        yield RowList(_("Nobody is in the Small fry quadrant."), id="recipients")
        yield Shown(
            _("d records the mailing on {day} · c copies the addresses · e exports a CSV or .xlsx").format(
                day=self._day(with_year=True)),
            id="mailing-status", markup=False,
        )
        yield Footer()

    def on_mount(self) -> None:
        self.title = _(self.TITLE)
        self.sub_title = _("{book} · as of {day}").format(book=self.book.name, day=day_text(self.as_of))
        self.query_one(RowList).focus()
        self.load()

    def on_unmount(self) -> None:
        self.writer.close()  # a mailing still queued is recorded all the same

    @property
    def busy(self) -> bool:
        """True while a change is still on its way to the book."""
        return self.writer.busy

    # --- reading ----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="mailing-load")
    def load(self) -> None:
        try:
            if self.call_every is None:
                policy = planning.PlanConfig.from_settings(self.book.settings()).policies[Quadrant.SMALL_FRY]
                self.call_every = policy.every if policy.kind == "call" else 0
            recipients = store.mailing_list(self.book, self.as_of, self.segments)
        except BookError as error:
            self.app.call_from_thread(self.notify, said(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, recipients)

    def _show(self, recipients: list[store.Recipient]) -> None:
        self.recipients = recipients
        missing = sum(r.email is None for r in recipients)
        summary = Text(summary_text(recipients) + "\n", style="bold")
        if self.call_every:
            said = _("Small fry get mass treatment: this mailing, and a call every {days} days that the mailing does "
                     "not replace.").format(days=self.call_every)
        else:
            said = _("Small fry get mass treatment: this mailing.")
        summary.append(said, style="dim")
        widget = self.query_one("#mailing-summary", Static)
        widget.update(summary)
        widget.set_class(missing > 0, "missing")
        self._rows(recipients)

    def on_resize(self) -> None:
        if self.recipients is not None:
            self._rows(self.recipients)

    def _rows(self, recipients: list[store.Recipient]) -> None:
        """The list in columns that fit the width: an e-mail address is never cut; on a
        narrow screen names and contacts shorten and the city and last mailing go."""
        email_width = max((len(r.email) for r in recipients if r.email), default=0)
        no_email = _("no e-mail")
        email_width = max(email_width, len(no_email))
        room = self.query_one(RowList).scrollable_content_region.width or self.size.width - 4
        mailed = pgettext("column", "last mailed")
        tail_width = CITY_WIDTH + 1 + max(len(mailed), len(day_text(dt.date(2026, 10, 27))))
        tail = room >= NAME_WIDTH + CONTACT_WIDTH + email_width + tail_width + 3
        left = room - email_width - 2 - (tail_width + 1 if tail else 0)
        name_width = max(12, min(NAME_WIDTH, left * 3 // 5))
        contact_width = max(8, min(CONTACT_WIDTH, left - name_width))
        customer, contact, email = pgettext("column", "customer"), pgettext("column", "contact"), pgettext("column", "e-mail")
        city = pgettext("column", "city")
        header = f"{customer:<{name_width}} {contact:<{contact_width}} {email:<{email_width}}"
        self.query_one("#mailing-columns", Static).update(header + (f" {city:<{CITY_WIDTH}} {mailed}" if tail else ""))

        def row(r: store.Recipient) -> Text:
            text = Text(f"{short_name(r.name, name_width):<{name_width}} "
                        f"{short_name(r.contact or '—', contact_width):<{contact_width}} ")
            if r.email:
                text.append(f"{r.email:<{email_width}}")
            else:
                text.append(f"{no_email:<{email_width}}", style="yellow italic")
            if tail:
                text.append(f" {(r.city or '—')[:CITY_WIDTH]:<{CITY_WIDTH}} ")
                text.append(day_text(r.last_mailed) if r.last_mailed else _("never"), style="dim")
            return text

        self.query_one(RowList).set_items(recipients, row)

    def _status(self, text: str) -> None:
        self.query_one("#mailing-status", Static).update(Text(text))

    # --- actions ----------------------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(None)

    def _addresses(self) -> list[str]:
        return [r.email for r in self.recipients or () if r.email]

    def action_copy(self) -> None:
        addresses = self._addresses()
        if not addresses:
            self.notify(_("Nobody on the list has an e-mail to copy"), severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard(", ".join(addresses))
        missing = len(self.recipients) - len(addresses)
        if missing:
            said = ngettext("Copied 1 address to the clipboard ({missing} without an e-mail left out): paste it into Bcc",
                            "Copied {count} addresses to the clipboard ({missing} without an e-mail left out): paste "
                            "them into Bcc", len(addresses))
        else:
            said = ngettext("Copied 1 address to the clipboard: paste it into Bcc",
                            "Copied {count} addresses to the clipboard: paste them into Bcc", len(addresses))
        self._status(said.format(count=len(addresses), missing=missing))

    def action_export(self) -> None:
        if self.recipients is None:
            return
        from segtui.paths import documents_dir

        # the file's name in the rep's language (letters a file system takes anywhere)
        suggested = free_name(documents_dir(), _("small-fry-mailing-{day}").format(day=self.as_of.isoformat()))

        def chosen(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.export(values["file"], list(self.recipients))

        self.app.push_screen(
            FormScreen(
                _("Export the mailing list ({customers}) to CSV or Excel · columns: customer, name, contact, email, "
                  "city").format(customers=customers_text(len(self.recipients))),
                [Field("file", _("File"), str(suggested), export_path, _("a new .csv or .xlsx file"),
                       _("ends in .xlsx: an Excel workbook; else a CSV"))],
            ),
            chosen,
        )

    @work(thread=True, group="mailing-export")
    def export(self, path: Path, recipients: list[store.Recipient]) -> None:
        from segtui import i18n
        from segtui.io.export import default_dialect, write_mailing_csv, write_mailing_xlsx, write_new

        def write(temp: Path) -> None:
            if is_workbook(path):
                write_mailing_xlsx(recipients, str(temp))
                return
            with open(temp, "x", encoding="utf-8", newline="") as out:
                write_mailing_csv(recipients, out, default_dialect(i18n.language()))

        try:
            write_new(path, write)  # whole or not at all, and never over a file
        except FileExistsError:
            self.app.call_from_thread(
                self.notify, _("{name} appeared while exporting: nothing written over it, export again").format(
                    name=path.name),
                severity="error", markup=False,
            )
            return
        except OSError as error:
            self.app.call_from_thread(
                self.notify, _("Could not write {path}: {error}").format(path=path, error=error.strerror or error),
                severity="error", markup=False
            )
            return
        self.app.call_from_thread(self._exported, path, len(recipients))

    def _exported(self, path: Path, count: int) -> None:
        said = (_("Exported {customers} to an Excel workbook: {path}") if is_workbook(path)
                else _("Exported {customers} to a CSV: {path}"))
        self._status(said.format(customers=customers_text(count), path=path))

    def action_mark(self) -> None:
        if self.recipients is None or not writes_allowed(self, self.book):
            return
        ids = [r.customer_id for r in self.recipients if r.email]
        if not ids:
            self.notify(_("Nobody on the list has an e-mail: nothing to record"), severity="warning", timeout=3)
            return
        on = self.as_of

        def record() -> store.Mailing:
            result = store.mark_mailed(self.book, ids, on)
            if result.recorded:
                self.edits.record(result.undo)
            return result

        def done(result: store.Mailing) -> None:
            day = self._day()
            if not result.recorded:
                text = _("Everyone with an e-mail was already recorded as mailed on {day}").format(day=day)
            else:
                again = (" " + _("({count} already were)").format(count=result.already)) if result.already else ""
                text = _("Recorded the mailing on {day} for {customers}{again} · ctrl+z takes it back").format(
                    day=day, customers=customers_text(result.recorded), again=again)
            self._status(text)

        write_and_reload(self, self.writer, record, done)

    def action_undo(self) -> None:
        if not self.edits.last and not self.busy:
            self.notify(_("Nothing to undo"), severity="warning", timeout=3)
            return

        def done(undone) -> None:
            if undone is None:
                text = _("Nothing to undo")
            else:
                found = re.fullmatch(r"mailing to (\d+) customers?", undone.label)
                text = (_("Took back the mailing to {customers}").format(customers=customers_text(int(found[1])))
                        if found else _("Took back the {edit}").format(edit=undone.label))
            self._status(text)

        write_and_reload(self, self.writer, self.edits.undo, done)

    def _day(self, with_year: bool = False) -> str:
        """The planner's day as the status line says it: 'Mon 23 Nov' ('Mon 23 Nov 2026'); 'mån 23 nov.' in Swedish."""
        from segtui import i18n

        if i18n.language() == i18n.SOURCE:
            return f"{self.as_of:%a %d %b %Y}" if with_year else f"{self.as_of:%a %d %b}"
        day = day_text(self.as_of)
        return f"{weekday(self.as_of, short=True)} {day if with_year else day.rsplit(' ', 1)[0]}"


def customers_text(count: int) -> str:
    """'1 customer', '43 customers' in the app's language."""
    return ngettext("1 customer", "{count} customers", count).format(count=count)


def summary_text(recipients: Sequence[store.Recipient]) -> str:
    """'43 small-fry customers, 39 with an e-mail, 4 without' in the app's language."""
    return store.summary(recipients)
