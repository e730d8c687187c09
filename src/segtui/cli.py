"""The command line (DESIGN §5). Heavy modules are imported inside each command,
so `segtui segments` never loads Textual."""

from __future__ import annotations

import datetime as dt
import errno
import os
import shutil
import sys
from pathlib import Path

import click

from segtui import clock, i18n
from segtui.domain.display import shown
from segtui.i18n import N_, _, said


_FULL_DISK = (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC))


class BookOrCommand(click.Group):
    """`segtui [BOOK]` opens the app; `segtui COMMAND …` runs a command."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if ctx.parent is None:  # before --help is read: the environment's language (no book is open yet)
            i18n.use(i18n.pick(None, os.environ))
            i18n.words_of_click()
            _say_help_in_language(self, ctx)
        if not args or (args[0] not in self.commands and not args[0].startswith("-")):
            args = ["open", *args]
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        """Every command fails with one line, never a traceback, when the book is
        busy, read-only, full or damaged, or the output pipe is closed."""
        import sqlite3

        from segtui.store.book import BookError, explain

        # messages in the environment's language (chosen in parse_args) until a book is opened (then the
        # book's ui.language)
        try:
            return super().invoke(ctx)
        except BookError as error:
            _fail(said(error))
        except sqlite3.Error as error:
            explained = explain(error, "the book")
            if explained is None:
                raise
            _fail(said(explained))
        except BrokenPipeError:
            # `segtui segments BOOK | head`: the reader has gone; stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("segtui: " + _("interrupted; nothing half-done was saved"), err=True)
            sys.exit(130)
        except OSError as error:  # after BrokenPipeError, which is one
            if error.errno not in _FULL_DISK:
                raise
            _fail(_("the disk is full: nothing was written — free some space and try again"))


# click's words for its --help and --version, said in the language in use (its "Usage:" and "Options:" stay English)
HELP_OPTION = N_("Show this message and exit.")
OPTIONS_METAVAR = N_("[OPTIONS]")
SUBCOMMAND_METAVAR = N_("COMMAND [ARGS]...")
VERSION_OPTION = N_("Show the version and exit.")


def _say_help_in_language(command: click.Command, context: click.Context) -> None:
    """Every help text of ``command`` and its commands and options (marked N_ where written, in English)
    in the language in use; once, before the command line is read."""
    language = i18n.language()
    if getattr(command, "_help_said", i18n.SOURCE) == language:  # English: as written
        return
    english = getattr(command, "_help_english", None)
    if english is None:
        english = command._help_english = (command.help, {id(p): getattr(p, "help", None) for p in command.params})
    command._help_said = language
    command.help = _(english[0]) if english[0] else english[0]
    command.options_metavar = _(OPTIONS_METAVAR)  # click's own usage line says them as written
    if isinstance(command, click.Group):
        command.subcommand_metavar = _(SUBCOMMAND_METAVAR)
    for param in command.params:
        text = english[1].get(id(param))
        if text:
            param.help = _(text)
    shown_help = command.get_help_option(context)  # click's own option, made once per command
    if shown_help is not None:
        shown_help.help = _(HELP_OPTION)
    for sub in getattr(command, "commands", {}).values():
        _say_help_in_language(sub, context)


def _say(message: str = "", **kwargs) -> None:
    """``click.echo`` for words people read: names, values and file names from the book or
    a file follow the render rule (docs/safety.md), so none reaches the terminal as a control."""
    click.echo(shown(message), **kwargs)


class _Shown:
    """A text stream for a table people read: everything written follows the render rule."""

    def __init__(self, out) -> None:
        self._out = out

    def write(self, text: str) -> int:
        return self._out.write(shown(text))

    def __getattr__(self, name: str):
        return getattr(self._out, name)


def _fail(message: str) -> None:
    _say(f"segtui: {message}", err=True)
    sys.exit(1)


def _output(path: str | None, binary: bool = False, force: bool = False):
    """Where a command writes: the file at ``path`` (standard output without one). Call it
    before doing the work, so a path that cannot be written ends the command with a message
    and nothing done; close it when ``path``. The file is written beside the target and put in
    its place only when the command succeeds, so a failed export leaves the old file as it was;
    a path holding a book (any SQLite database) is refused, never overwritten, and any other
    existing file is replaced only with ``force`` (--force)."""
    if not path:
        return sys.stdout.buffer if binary else sys.stdout
    target = Path(path)
    try:
        with open(target, "rb") as existing:
            header = existing.read(16)
    except OSError:
        header = b""
    if header == b"SQLite format 3\x00":
        _fail(_("{path} is a book (an SQLite database): an export never writes over it — choose another file").format(
            path=path))
    if not force and os.path.lexists(target):
        _fail(_("{path} already exists: add --force to replace it").format(path=path))
    try:
        return _Replacing(target, binary)
    except OSError as error:
        _fail(_("cannot write {path} ({error})").format(path=path, error=error.strerror or error))


class _Replacing:
    """A file written under a temporary name beside ``target`` and renamed onto it when closed
    — unless it is closed while an error is on its way out (the ``finally`` of a failed
    command), when the temporary file is removed and ``target`` is left as it was."""

    def __init__(self, target: Path, binary: bool) -> None:
        self.target = target
        self.temp = target.with_name(f".{target.name}.{os.getpid()}.part")
        self.file = open(self.temp, "wb") if binary else open(self.temp, "w", encoding="utf-8", newline="")

    def __getattr__(self, name: str):
        return getattr(self.file, name)

    def close(self) -> None:
        failed = sys.exc_info()[0] is not None
        try:
            self.file.close()  # the last bytes are written here: a full disk may say so only now
        except OSError as error:
            self.temp.unlink(missing_ok=True)
            if failed:
                return
            if error.errno in _FULL_DISK:
                _fail(_("the disk is full: {path} was not written — free some space and try again").format(
                    path=self.target))
            _fail(_("cannot write {path} ({error})").format(path=self.target, error=error.strerror or error))
        try:
            if failed:
                self.temp.unlink()
                return
            if self.target.exists():
                shutil.copymode(self.target, self.temp)
            os.replace(self.temp, self.target)
        except OSError as error:
            try:
                self.temp.unlink()
            except OSError:
                pass
            if not failed:
                _fail(_("cannot write {path} ({error})").format(path=self.target, error=error.strerror or error))


def _said(book) -> None:
    from segtui.launch import say_settings, say_upgrade

    say_upgrade(book)
    say_settings(book)


def _open(book_path: str | Path, create: bool = False):
    """The book at ``book_path``, and from now on the book's language (ui.language, else LANG)."""
    from segtui.store.book import BookError, open_book

    try:
        book = open_book(book_path, create=create)
    except BookError as error:
        _fail(said(error))
    _speak(book.settings())
    _said(book)
    return book


def _speak(settings: dict) -> None:
    """Messages and tables for people in the book's language (ui.language, else LANG); CSV and JSON
    stay English."""
    i18n.use(i18n.pick(settings.get("ui.language"), os.environ))


_DIALECT_HELP = (N_("How a CSV is written: csv (comma, UTF-8, decimal point) or excel-sv (what Swedish Excel opens: "
                 "BOM, ';', decimal comma). Default: excel-sv when segtui speaks Swedish, else csv."))


def _force_option(function):
    return click.option("--force", is_flag=True, help=N_("Replace the --output file when it exists."))(function)


def _dialect_option(function):
    return click.option("--dialect", type=click.Choice(["csv", "excel-sv"]), help=_DIALECT_HELP)(function)


def _check_dialect(name: str | None, fmt: str) -> None:
    """--dialect with another format than csv is a usage error (before any work is done)."""
    if name and fmt != "csv":
        raise click.UsageError(_("--dialect is for --format csv, not {format}").format(format=fmt))


def _dialect(name: str | None, settings: dict):
    """The CSV dialect asked for with --dialect, else the one the book's language expects
    (ui.language, else LANG: excel-sv in Swedish, csv otherwise)."""
    from segtui import i18n
    from segtui.io import export

    if name:
        return export.DIALECTS[name]
    return export.default_dialect(i18n.pick(settings.get("ui.language"), os.environ))


def _csv_output(path: str | None, dialect, force: bool = False):
    """:func:`_output` for a CSV in ``dialect``: a dialect other than plain csv is written as its exact
    bytes (UTF-8, CRLF untouched) on standard output too, whatever the terminal's encoding."""
    out = _output(path, force=force)
    if not path and dialect.name != "csv" and hasattr(out, "reconfigure"):
        out.reconfigure(encoding="utf-8", newline="")
    return out


def _as_of(value: str | None, option: str = "--as-of") -> dt.date:
    """The day to classify on: ``value`` (YYYY-MM-DD) or today; a bad date ends the command
    with a message naming ``option``."""
    from segtui.launch import as_of

    return as_of(value, option)


@click.group(cls=BookOrCommand, context_settings={"help_option_names": ["-h", "--help"]}, help=N_(
    """Account planning in the terminal: see which customers deserve your time.

    Run `segtui BOOK` to open a book, or `segtui` for your own book.
    """))
@click.version_option(package_name="segtui", help=VERSION_OPTION)
def main() -> None:
    pass


@main.command("open", help=N_("Open the app on BOOK (default: your own book)."))
@click.argument("book", required=False, type=click.Path(dir_okay=True))
@click.option("--as-of", "as_of", help=N_("See the book as it was on this day (YYYY-MM-DD)."))
def open_app(book: str | None, as_of: str | None) -> None:
    from segtui.launch import open_app as launch

    launch(book, _as_of(as_of) if as_of else None)


@main.command(help=N_("Write a believable demo book to OUT."))
@click.argument("out", type=click.Path(dir_okay=False))
@click.option("--customers", default=300, show_default=True, type=click.IntRange(1, 1_000_000))
@click.option("--orders", type=click.IntRange(0, 50_000_000), help=N_("About this many orders in all."))
@click.option("--seed", default=1, show_default=True, type=int)
@click.option("--today", help=N_("Generate relative to this day instead of today (YYYY-MM-DD)."))
def demo(out: str, customers: int, orders: int | None, seed: int, today: str | None) -> None:
    from segtui.store.book import BookError
    from segtui.store.demo import generate

    try:
        book = generate(out, customers=customers, orders=orders, seed=seed, today=_as_of(today, "--today"))
    except (FileExistsError, BookError) as error:
        _fail(said(error))
    counts = book.counts()
    book.close()
    _say(_("Wrote {path}: {customers} customers, {orders} orders, {assessments} assessments, {activities} "
           "activities.").format(path=out, customers=counts["customer"], orders=counts["order"],
                                 assessments=counts["assessment"], activities=counts["activity"]))


@main.command(help=N_("""Every customer's revenue class, potential, loyalty, quadrant, XYZ and group.

    `table` is a summary for people; `csv` and `json` (one record per customer,
    columns customer, name, city, owner, revenue, orders, abc, potential_class,
    upgrade_candidate, loyalty, loyalty_source, quadrant, xyz, group,
    last_order, flags, trend, budget, budget_source) are for scripts and stay the
    same for the same book and --as-of (and --compare)."""))
@click.argument("book", type=click.Path(dir_okay=True))
@click.option("--as-of", "as_of", help=N_("Classify as on this day (YYYY-MM-DD, default today)."))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json", "xlsx"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("Write to this file (required for xlsx)."))
@click.option("--compare", "compare", metavar="DATE",
              help=N_("Also classify as on this earlier day: table shows who moved, csv/json/xlsx add "
                   "quadrant_before and abc_before."))
@_dialect_option
@_force_option
def segments(book: str, as_of: str | None, fmt: str, output: str | None, compare: str | None,
             dialect: str | None, force: bool) -> None:
    day = _as_of(as_of)
    earlier = _as_of(compare, "--compare") if compare else None
    if earlier is not None and earlier >= day:
        raise click.BadParameter(_("{earlier} is not before {day}").format(earlier=earlier, day=day),
                                 param_hint="--compare")
    if fmt == "xlsx" and not output:
        raise click.UsageError(_("--format xlsx needs --output FILE.xlsx"))
    _check_dialect(dialect, fmt)
    import gc

    # The engine builds a few hundred thousand small tuples that all live until the
    # segments are written; the cyclic collector would walk them again and again
    # (some 30 ms on a 20,000-customer book) and could free none of them. It is
    # switched back on once they are gone (a command run inside another program).
    collecting = gc.isenabled()
    gc.disable()
    try:
        _write_segments(book, day, fmt, output, earlier, dialect, force)
    finally:
        if collecting:
            gc.enable()


def _write_segments(book: str, day: dt.date, fmt: str, output: str | None, earlier: dt.date | None = None,
                    dialect: str | None = None, force: bool = False) -> None:
    from segtui.io import export
    from segtui.store.segments import segment_book

    opened = _open(book)
    if fmt == "csv":
        csv_dialect = _dialect(dialect, opened.settings())
        out = _csv_output(output, csv_dialect, force)
    else:
        out = _output(output, binary=fmt == "xlsx", force=force)
    try:
        rows = segment_book(opened, day)
        # the same customers classified on the earlier day (trends are not compared)
        before = {r.id: r for r in segment_book(opened, earlier, trends=False)} if earlier else None
        then = before.get if before is not None else (lambda _: None)
        if fmt == "xlsx":
            columns = export.SEGMENT_COLUMNS + (export.COMPARE_COLUMNS if before is not None else [])
            export.write_xlsx((export.segment_record(r, then(r.id)) for r in rows), columns, out, dates=("last_order",))
            _say(i18n.ngettext("Wrote {count} customers to {path}", "Wrote {count} customers to {path}", len(rows))
                 .format(count=len(rows), path=output), err=True)
        elif fmt == "csv":
            export.write_segments_csv(rows, out, before, csv_dialect)
        elif fmt == "json":
            export.write_json([export.segment_json_record(r, then(r.id)) for r in rows], out)
        elif before is not None:
            values = opened.settings()
            export.write_movements_table(
                rows, before, _Shown(out), i18n.day(day), i18n.day(earlier), values["currency"], opened.name
            )
        else:
            values = opened.settings()
            export.write_segments_table(
                rows, _Shown(out), day.isoformat(), values["currency"], int(values["window.months"]), opened.name, values
            )
    finally:
        if output:
            out.close()


@main.group("import", help=N_("""Import orders (ERP invoices) or customers (CRM exports) from CSV or XLSX.

    The whole file is checked first and written in one go: a bad row stops the
    import with its line, column and reason, and the book is left as it was.
    """))
def import_group() -> None:
    pass


_MAP_HELP = N_("FIELD=COLUMN: take FIELD from COLUMN (repeatable). Without it, columns are found by their usual names.")


def _run_import(kind: str, book: str, file: str, maps: tuple[str, ...], sheet: str | None, dry_run: bool,
                as_of: str | None, currency: str | None = None, accept_thresholds: bool = False,
                today_text: str | None = None, match: str | None = None, new: bool = False,
                output_format: str = "text", rates: tuple[str, ...] = ()) -> None:
    from segtui.domain.first_day import view_day
    from segtui.io import importer
    from segtui.store.book import BookError, open_book

    today = _as_of(today_text) if today_text else clock.today()
    day = _as_of(as_of) if as_of else None
    try:
        mapping = importer.parse_map_options(maps, kind)
        converted = importer.parse_rates(rates)
    except importer.ReadError as error:
        raise click.UsageError(said(error)) from None
    missing = not Path(book).exists() or Path(book).stat().st_size == 0
    created = not Path(book).exists() and not dry_run
    if Path(file).resolve() == Path(book).resolve():
        _fail(_("{path} is the book itself, not a file to import").format(path=file))
    try:
        opened = open_book(":memory:") if dry_run and missing else open_book(book, create=True)
    except BookError as error:
        _fail(said(error))
    _speak(opened.settings())
    if day is None:  # compare classes on the day the book is shown on
        day = view_day(opened.settings().get("view.as_of"), today)
    extra: dict = {"today": today, "match": match, "new": new}
    if kind == "orders":
        extra = {"currency": currency, "ask_currency": True, "accept_thresholds": accept_thresholds, "today": today,
                 "rates": converted}
    run = importer.import_orders if kind == "orders" else importer.import_customers
    bar = None
    progress = None
    if sys.stderr.isatty():

        def progress(done: int, total: int | None) -> None:
            nonlocal bar
            if not total:  # an XLSX sheet does not say how long it is
                click.echo("\r" + _("Reading… {count} rows").format(count=i18n.number(done)), nl=False, err=True)
                state["counting"] = True
                return
            if bar is None:
                bar = click.progressbar(length=total or 0, label=_("Reading"), file=sys.stderr, show_pos=True)
                bar.__enter__()
                state["done"] = 0
            if total:
                bar.update(max(0, min(done, total) - state["done"]))
                state["done"] = min(done, total)

    failure = None
    state = {}
    try:
        try:
            summary = run(opened, file, mapping, sheet=sheet, dry_run=dry_run, as_of=day, progress=progress, **extra)
        except importer.CurrencyNeeded as error:
            if not (sys.stdin.isatty() and sys.stderr.isatty()):
                raise
            _say(f"{file}: {said(error)}", err=True)
            extra["currency"] = click.prompt(_("Currency of the amounts (three letters)"), err=True).strip().upper()
            summary = run(opened, file, mapping, sheet=sheet, dry_run=dry_run, as_of=day, progress=progress, **extra)
    except importer.ReadError as error:
        failure = _("{file}: {problem} — nothing was imported").format(file=file, problem=said(error))
    except BookError as error:
        failure = _("{problem} — nothing was imported").format(problem=said(error))
    finally:
        opened.close()
        if bar is not None:
            bar.__exit__(None, None, None)
        if state.get("counting"):
            _say("", err=True)
    if failure is not None:
        if created:  # leave no empty book behind from a failed first import
            for leftover in (book, f"{book}-wal", f"{book}-shm"):
                Path(leftover).unlink(missing_ok=True)
        _fail(failure)
    if missing and not dry_run:
        _say(_("Created the book {path}").format(path=book), err=output_format == "json")
    if summary.safety_copy:
        _say("segtui: " + _("the book as it was before this import is kept at {path}").format(path=summary.safety_copy),
             err=True)
    if output_format == "json":
        import json

        click.echo(json.dumps(summary.as_json(), ensure_ascii=False, indent=2))
    else:
        _say(summary.text())


def _import_options(function):
    function = click.option("--as-of", "as_of", help=N_("Compare classes as on this day (YYYY-MM-DD, default today)."))(function)
    function = click.option("--dry-run", is_flag=True, help=N_("Check the file and report what would happen; write nothing."))(function)
    function = click.option("--sheet", help=N_("The XLSX sheet to read (default: the first)."))(function)
    function = click.option("--map", "maps", multiple=True, metavar="FIELD=COLUMN", help=_MAP_HELP)(function)
    function = click.argument("file", type=click.Path(dir_okay=False))(function)
    function = click.argument("book", type=click.Path(dir_okay=True))(function)
    return function


@import_group.command("orders", help=N_("""Import orders or invoice lines from FILE into BOOK (created if needed).

    \b
    Fields: customer (required), date (required), amount — or quantity and
    unit_price (lines of one order are summed) —, order, customer_name, currency.
    Negative amounts are credit notes. Rows without a customer id are skipped
    and counted. Importing the same rows again adds nothing. A new book takes
    its currency from the file's currency column or --currency; orders in
    another currency than the book's are refused, unless --rate converts them.
    When the newest order is more
    than a month old the book is shown as of that day; for a new book class
    thresholds are proposed from its own figures.
    """))
@_import_options
@click.option("--currency", help=N_("The currency of the amounts when the file has no currency column (asked once "
              "for a new book, e.g. GBP); a book holds orders in one currency."))
@click.option("--rate", "rates", multiple=True, metavar="CODE=RATE",
              help=N_("Convert orders in another currency to the book's: one CODE is RATE of the book's currency "
                   "(e.g. --rate USD=10.45; repeat for more)."))
@click.option("--accept-thresholds", is_flag=True,
              help=N_("Store the class thresholds proposed from the book's own potentials or revenue (new book, default thresholds)."))
@click.option("--today", "today_text", help=N_("Judge the age of the data on this day instead of today (YYYY-MM-DD)."))
def import_orders_command(book: str, file: str, maps: tuple[str, ...], sheet: str | None, dry_run: bool,
                          as_of: str | None, currency: str | None, rates: tuple[str, ...], accept_thresholds: bool,
                          today_text: str | None) -> None:
    _run_import("orders", book, file, maps, sheet, dry_run, as_of, currency, accept_thresholds, today_text,
                rates=rates)


@import_group.command("customers", help=N_("""Import customers from FILE (a CRM export) into BOOK (created if needed).

    \b
    Fields: customer (the ERP's customer id), crm_id (the CRM's own record id:
    "Record ID", "Id", "hs_object_id" — kept, never taken as the customer id),
    name, org_number, industry, city, postcode, address, owner, contact, phone,
    email, budget (yearly potential), loyalty (0.6 or 60%), employees,
    annual_revenue, country. HubSpot, Salesforce and Pipedrive column names
    ("Company name", "Organization - Name", "Number of Employees",
    "AnnualRevenue", "BillingCountry", ...) are understood without a map.
    A budget or loyalty is a dated assessment by the file.

    \b
    Without a customer id column, each row is matched to a customer of the
    book by CRM id, then org number, then name and city (case and legal form
    do not matter: "Acme AB" is "ACME Aktiebolag"). A matched customer gets
    the file's values; empty cells never blank what the book has. A row that
    matches nothing is a new customer (a prospect). Two customers that fit a
    row equally are not guessed: the row is skipped and named. When the book
    has customers and no row matches any of them, nothing is imported unless
    --new is given.
    """))
@_import_options
@click.option("--match", "match", type=click.Choice(["customer", "crm_id", "org_number", "name_city"]),
              help=N_("Match rows to the book's customers by this alone (default: the customer id when the file has "
                   "one, else CRM id, then org number, then name and city)."))
@click.option("--new", "new", is_flag=True,
              help=N_("Add the rows as new customers even when none of them matches a customer in the book."))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help=N_("json: the summary for scripts (rows, matched, new, skipped, and why)."))
def import_customers_command(book: str, file: str, maps: tuple[str, ...], sheet: str | None, dry_run: bool,
                             as_of: str | None, match: str | None, new: bool, output_format: str) -> None:
    _run_import("customers", book, file, maps, sheet, dry_run, as_of, match=match, new=new,
                output_format=output_format)


@main.command("settings", context_settings={"ignore_unknown_options": True}, help=N_("""Show all settings, read one KEY, or set KEY to VALUE — several KEY VALUE pairs at once
    are checked together and saved all or none (abc.a_above 500 abc.b_from 100)."""))
@click.argument("book", type=click.Path(dir_okay=True))
@click.argument("pairs", nargs=-1, metavar="[KEY [VALUE] ...]")
def settings_command(book: str, pairs: tuple[str, ...]) -> None:
    from segtui.domain.settings import REGISTRY, SettingError, sections
    from segtui.store.book import BookError

    keys = pairs[0::2]
    for key in keys:
        if key not in REGISTRY:
            _fail(_("unknown setting {key}; valid keys: {keys}").format(key=repr(key), keys=", ".join(sorted(REGISTRY))))
    if len(pairs) > 1 and len(pairs) % 2:
        _fail(_("{key} has no value: give KEY VALUE pairs").format(key=pairs[-1]))
    opened = _open(book)
    values = opened.settings()
    if not pairs:
        width = max(len(k) for k in REGISTRY)
        for title, section_keys in sections():
            _say(_(title))
            for k in section_keys:
                _say(f"  {k:<{width}}  {values[k]:<20}  {_(REGISTRY[k].help)}")
        return
    if len(pairs) == 1:
        _say(values[pairs[0]])
        return
    changes = dict(zip(keys, pairs[1::2]))
    try:
        stored = opened.set_settings(changes)
    except (SettingError, BookError) as error:
        _fail(said(error) + (" " + _("(nothing was changed)") if len(changes) > 1 else ""))
    for key, value in stored.items():
        _say(f"{key} = {value}")


@main.command("plan", help=N_("""The week's visits and calls (planned first when the week is empty).

    With --mailing: every small-fry customer with the contact and e-mail to
    write to (csv columns customer, name, contact, email, city); nothing is planned."""))
@click.argument("book", type=click.Path(dir_okay=True))
@click.option("--week", help=N_("ISO week like 2026-W48 (default: this week)."))
@click.option("--as-of", "as_of", help=N_("Plan as on this day (YYYY-MM-DD, default today)."))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "ics", "xlsx"]), default="table", show_default=True)
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("Write to this file (required for xlsx)."))
@click.option("--mailing", is_flag=True,
              help=N_("Instead of the week: the small-fry mailing list (contact and e-mail of each), as table, csv "
                   "or xlsx."))
@click.option("--owner", help=N_("Plan only this rep's customers (default: the book's plan.owner; '' for everyone's)."))
@_dialect_option
@_force_option
def plan_command(book: str, week: str | None, as_of: str | None, fmt: str, output: str | None, mailing: bool,
                 owner: str | None, dialect: str | None, force: bool) -> None:
    from segtui.domain import planning

    if mailing and fmt == "ics":
        raise click.BadParameter(_("the mailing list is a table, csv or xlsx, not a calendar"), param_hint="--format")
    if fmt == "xlsx" and not output:
        raise click.UsageError(_("--format xlsx needs --output FILE.xlsx"))
    if mailing and week:
        raise click.UsageError(_("--week is for the week's plan; the mailing list takes --as-of"))
    _check_dialect(dialect, fmt)
    opened = _open(book)
    today = _as_of(as_of)
    if not mailing:
        _check_owner(opened, owner)
    csv_dialect = _dialect(dialect, opened.settings()) if fmt == "csv" else None
    if mailing:
        out = _csv_output(output, csv_dialect, force) if csv_dialect else _output(output, fmt == "xlsx", force)
        try:
            _write_mailing(opened, today, fmt, out, csv_dialect, output)
        finally:
            if output:
                out.close()
        return
    try:
        monday = planning.parse_week(week) if week else planning.week_monday(today)
    except ValueError as error:
        raise click.BadParameter(said(error), param_hint="--week") from None
    far = planning.week_in_reach(monday, today)
    if far is not None:
        raise click.BadParameter(far, param_hint="--week")
    out = _csv_output(output, csv_dialect, force) if csv_dialect else _output(output, fmt in ("ics", "xlsx"), force)
    try:
        _write_plan(opened, monday, today, fmt, out, output, owner, csv_dialect)
    finally:
        if output:
            out.close()


@main.command("duplicates", help=N_("""Customers that look like one company: the same org number, or the same name and town.

    With --merge KEEP OTHER everything of OTHER (orders, contacts, estimates, visits, notes,
    plan items …) moves to KEEP and OTHER is removed; its customer id keeps pointing at KEEP,
    so the next import puts its orders there. --undo splits the last merge again."""))
@click.argument("book", type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--as-of", "as_of", help=N_("Revenue of the 24 months up to this day (YYYY-MM-DD, default today)."))
@click.option("--merge", nargs=2, metavar="KEEP OTHER", help=N_("Merge customer OTHER into KEEP (their customer ids)."))
@click.option("--yes", is_flag=True, help=N_("Merge without asking."))
@click.option("--undo", "undo", is_flag=True, help=N_("Split the last merged customers again."))
def duplicates_command(book: str, fmt: str, as_of: str | None, merge: tuple[str, str] | None, yes: bool,
                       undo: bool) -> None:
    import json

    from segtui.store import duplicates as dup
    from segtui.store.book import BookError

    opened = _open(book)
    try:
        if undo:
            last = dup.last_merge(opened)
            if last is None:
                _fail(_("there is no merge to undo in this book"))
            source, _when, statements = last
            dup.undo_merge(opened, statements)
            _say(_("Split {customer} off again: both customers are as they were before the merge").format(customer=source))
            return
        if merge:
            keep, other = (dup.customer_by_source(opened, s) for s in merge)
            asked = _("Merge {other} into {keep}? {other} will be removed").format(other=merge[1], keep=merge[0])
            if not yes and not click.confirm(asked, default=False):
                _fail(_("nothing was merged"))
            dup.merge_customers(opened, keep, other, clock.today())
            _say(_("Merged {other} into {keep} (undo: segtui duplicates {book} --undo)").format(
                other=merge[1], keep=merge[0], book=book))
            return
    except BookError as error:
        _fail(said(error))
    groups = dup.find_duplicates(opened, _as_of(as_of))
    if fmt == "json":
        click.echo(json.dumps([g.as_json() for g in groups], ensure_ascii=False, indent=1))
        return
    if not groups:
        _say(_("No duplicates: no two customers share an org number, or a name and town"))
        return
    from segtui.domain.money import money

    orders_word, months_word = _("orders"), _("(24 mo)")
    for n, group in enumerate(groups, start=1):
        _say(_("{number}. same {why}").format(number=n, why=_(" and ").join(_(w) for w in group.why)))
        for m in group.members:
            _say(f"   {m.source_id:<10} {m.name[:32]:<32} {(m.city or '')[:16]:<16} {m.org_number or '':<13} "
                 f"{m.orders:>5} {orders_word}  {money(m.revenue, m.currency):>16} {months_word}")


@main.command("contacts", help=N_("""The contacts of every customer that is not archived: company, customer id, role,
    phone (E.164, +46701234567), e-mail and whether it is the primary contact.

    \b
    csv columns: customer, name (the company), contact, role, phone, email, primary.
    vcf: one vCard per contact, to import on a phone; importing a newer file again
    updates the cards (each contact keeps its UID)."""))
@click.argument("book", type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["csv", "vcf"]), default="csv", show_default=True,
              help=N_("csv for a spreadsheet or another system, vcf (vCard 3.0) for a phone or an address book."))
@click.option("--output", "-o", type=click.Path(dir_okay=False), help=N_("Write to this file."))
@click.option("--owner", help=N_("Only this rep's customers (default: the book's plan.owner; '' for everyone's)."))
@_dialect_option
@_force_option
def contacts_command(book: str, fmt: str, output: str | None, owner: str | None, dialect: str | None,
                     force: bool) -> None:
    from segtui.io import export
    from segtui.store.records import book_contacts

    _check_dialect(dialect, fmt)
    opened = _open(book)
    settings = opened.settings()
    _check_owner(opened, owner)
    csv_dialect = _dialect(dialect, settings) if fmt == "csv" else None
    out = _csv_output(output, csv_dialect, force) if csv_dialect else _output(output, binary=True, force=force)
    try:
        who = settings.get("plan.owner", "") if owner is None else owner
        contacts = book_contacts(opened, " ".join(who.split()))
        if csv_dialect:
            export.write_contacts_csv(contacts, out, csv_dialect)
        else:
            out.write(export.contacts_vcard(contacts))
        if output:
            _say(_("Wrote {count} contacts to {path}").format(count=len(contacts), path=output), err=True)
    finally:
        if output:
            out.close()


@main.command("log", help=N_("""Record a visit, call or mail with CUSTOMER (its customer id in the ERP).

    When that visit or call is in the plan for the customer on that day, it is marked done.
    With --follow-up DATE a follow-up goes into the plan on that day, ahead of the policy."""))
@click.argument("book", type=click.Path(dir_okay=True))
@click.argument("customer")
@click.argument("kind", type=click.Choice(["visit", "call", "mail"]))
@click.option("--date", "day", help=N_("The day of the contact (YYYY-MM-DD, default today)."))
@click.option("--outcome", help=N_("What came of it, e.g. 'Asked for an offer'."))
@click.option("--note", help=N_("What was said, what comes next."))
@click.option("--follow-up", "follow_up", metavar="DATE",
              help=N_("Plan a follow-up on this day (YYYY-MM-DD): a visit after a visit, else a call."))
def log_command(book: str, customer: str, kind: str, day: str | None, outcome: str | None, note: str | None,
                follow_up: str | None) -> None:
    from segtui.domain.customer import InputError, parse_day
    from segtui.store import plan as plan_store

    def date_of(text: str, option: str) -> dt.date:
        try:
            return parse_day(text)
        except InputError:
            raise click.BadParameter(_("{text} is not a date (use YYYY-MM-DD)").format(text=repr(text)),
                                     param_hint=option) from None

    when = clock.today() if day is None else date_of(day, "--date")
    again = date_of(follow_up, "--follow-up") if follow_up else None
    if again is not None and again <= when:
        raise click.BadParameter(_("{day} is not after the contact ({contact})").format(
            day=follow_up, contact=when.isoformat()), param_hint="--follow-up")
    opened = _open(book)
    if opened.readonly:
        _fail(_("{path} is read-only: nothing was recorded").format(path=opened.path))
    try:
        logged = plan_store.log_contact(opened, customer, when, kind, outcome, note)
    except InputError as error:
        _fail(said(error))
    done = " · " + _("the planned one is marked done") if logged.item_id is not None else ""
    recorded = {"visit": _("Recorded a visit with {name} on {day}"), "call": _("Recorded a call with {name} on {day}"),
                "mail": _("Recorded a mail with {name} on {day}")}[kind]
    _say(recorded.format(name=logged.name, day=i18n.day(when)) + done)
    if again is not None:
        follow_kind = "visit" if kind == "visit" else "call"
        try:
            _item, planned = plan_store.add_follow_up(opened, logged.customer_id, again, follow_kind, outcome)
        except (InputError, ValueError) as error:
            _fail(said(error))
        moved = " " + _("(the first working day from {day})").format(day=i18n.day(again)) if planned != again else ""
        follow = (_("Follow-up visit planned for {day}") if follow_kind == "visit"
                  else _("Follow-up call planned for {day}"))
        when_text = f"{planned:%a} {planned.isoformat()}" if i18n.language() == i18n.SOURCE else i18n.day_month(
            planned, "%a {day} %b %Y")
        _say(follow.format(day=when_text) + moved)


def _check_owner(opened, owner: str | None) -> None:
    """Refuse (exit 2, before anything is written) an owner — from ``--owner``, else the book's
    plan.owner — that no customer of the book has: the plan would be empty for a typo. The
    message names the book's owners."""
    from segtui.store import plan as plan_store

    who = " ".join((opened.settings().get("plan.owner", "") if owner is None else owner).split())
    if not who:
        return
    owners = plan_store.book_owners(opened)
    if any(plan_store.owned_by(who, name) for name in owners):
        return
    where = "--owner" if owner is not None else _("the setting plan.owner")
    known = ", ".join(owners) if owners else _("none (no customer has an owner)")
    raise click.UsageError(_("no customer of this book has the owner {owner} ({where}). Owners in this book: {known}. "
                             "--owner '' takes everyone's customers.").format(owner=repr(who), where=where, known=known))


def _write_plan(opened, monday: dt.date, today: dt.date, fmt: str, out, output: str | None,
                owner: str | None = None, dialect=None) -> None:
    """The week's plan (planned first when empty) written to ``out``; with ``owner``
    (else the book's plan.owner) only that rep's customers are planned and shown; a CSV
    in ``dialect``."""
    import dataclasses

    from segtui.domain import planning
    from segtui.io import export
    from segtui.store import plan as plan_store

    config = plan_store.plan_config(opened)
    if owner is not None:
        config = dataclasses.replace(config, owner=" ".join(owner.split()))
    items = plan_store.week_items(opened, monday, config.owner)
    customers = None
    if not items:
        customers = plan_store.planning_customers(opened, today, owner=config.owner)
        if opened.readonly:
            _say(_("{path} is read-only: showing a plan without saving it").format(path=opened.path), err=True)
            items = plan_store.proposed_items(opened, plan_store.plan_week(opened, monday, today, customers, config, save=False))
        else:
            plan_store.plan_week(opened, monday, today, customers, config)
            items = plan_store.week_items(opened, monday, config.owner)
    label = planning.week_label(monday)
    items, stops = plan_store.in_route_order(items, config.route)
    if fmt == "ics":
        out.write(export.plan_calendar(plan_store.calendar_entries(opened, items, stops, monday), opened.name))
        if output:
            _say(_("Wrote {count} events for {week} to {path}").format(count=len(items), week=_week_text(monday),
                                                                        path=output), err=True)
    elif fmt == "csv":
        export.write_plan_csv(items, out, stops, dialect or export.CSV)
    elif fmt == "xlsx":
        export.write_plan_xlsx(items, out, stops)
        _say(_("Wrote {count} visits and calls for {week} to {path}").format(count=len(items), week=_week_text(monday),
                                                                               path=output), err=True)
    else:
        if customers is None:
            customers = plan_store.planning_customers(opened, today, owner=config.owner)
        line = planning.feasibility(customers, config, today).text
        off = [(d, config.off(d)) for d in planning.week_days(monday, config) if config.off(d)]
        sunday = monday + dt.timedelta(days=6)
        if i18n.language() == i18n.SOURCE:
            span = f"{label} ({monday:%d %b} – {sunday:%d %b %Y})"
        else:
            span = f"{i18n.week(*monday.isocalendar()[:2])} ({i18n.day(monday)} – {i18n.day(sunday)})"
        export.write_plan_table(items, _Shown(out), span, line, off, stops, plan_store.day_routes(items, config.route))


def _week_text(monday: dt.date) -> str:
    """The ISO week for people: '2026-W49' in English, 'v. 49 2026' in Swedish."""
    return i18n.week(*monday.isocalendar()[:2])


def _write_mailing(opened, today: dt.date, fmt: str, out, dialect=None, output: str | None = None) -> None:
    """The small-fry mailing list as on ``today`` written to ``out`` (a CSV in ``dialect``)."""
    from segtui.io import export
    from segtui.store import mailing

    recipients = mailing.mailing_list(opened, today)
    if fmt == "csv":
        export.write_mailing_csv(recipients, out, dialect or export.CSV)
    elif fmt == "xlsx":
        export.write_mailing_xlsx(recipients, out)
        _say(_("Wrote {what} to {path}").format(what=mailing.summary(recipients), path=output), err=True)
    else:
        heading = _("Mailing list · {book} · as of {day}: {summary}").format(
            book=opened.name, day=i18n.day(today), summary=mailing.summary(recipients))
        export.write_mailing_table(recipients, _Shown(out), heading)


def _team_url(url: str | None, book=None) -> str:
    """The team book's address: URL, else the book's team.url, else $SEGTUI_TEAM_URL."""
    import os

    if url:
        return url
    if book is not None:
        stored = book.settings().get("team.url", "")
        if stored:
            return stored
    env = os.environ.get("SEGTUI_TEAM_URL", "")
    if env:
        return env
    _fail(_("no team book address: give URL, set team.url (segtui settings BOOK team.url URL) or SEGTUI_TEAM_URL"))
    return ""


@main.group("team", help=N_("Set up and look at the team book (PostgreSQL) that reps' books sync with."))
def team_group() -> None:
    pass


@team_group.command("init", help=N_("Create the team schema in the PostgreSQL database at URL (again: nothing happens)."))
@click.argument("url")
def team_init(url: str) -> None:
    from segtui.store.team import TeamError, init

    try:
        _say(said(init(url)))
    except TeamError as error:
        _fail(said(error))


@main.command("sync", help=N_("Send BOOK's changes to the team book and take everyone else's (creates BOOK when missing)."))
@click.argument("book", type=click.Path(dir_okay=True))
@click.argument("url", required=False)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def sync_command(book: str, url: str | None, fmt: str) -> None:
    import json

    from segtui.store.team import TeamError, conflict_line, sync

    if not url:
        import os

        if not os.path.exists(book) and not os.environ.get("SEGTUI_TEAM_URL"):
            _team_url(None)
    opened = _open(book, create=True)
    try:
        address = _team_url(url, opened)
        try:
            result = sync(opened, address, clock.now_utc())
        except TeamError as error:
            _fail(said(error))
    finally:
        opened.close()
    if fmt == "json":
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
        return
    english = i18n.language() == i18n.SOURCE
    count = str if english else i18n.number
    _say(_("Synced {book}: sent {sent} changes, received {received}.").format(
        book=book, sent=count(result.pushed), received=count(result.pulled)))
    for c in result.conflicts:
        _say("  " + conflict_line(c, english))


@team_group.command("board", help=N_("""The team's board, read-only: customers per segment and coverage per rep
    (plan items planned against done, per segment)."""))
@click.argument("url")
@click.option("--owner", help=N_("Only this rep's customers."))
@click.option("--as-of", "as_of", help=N_("Classify as on this day (YYYY-MM-DD, default today)."))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def team_board(url: str, owner: str | None, as_of: str | None, fmt: str) -> None:
    import json
    import tempfile

    from segtui.store.book import open_book
    from segtui.store.team import TeamError, coverage, sync

    day = _as_of(as_of)
    with tempfile.TemporaryDirectory() as folder:
        book = open_book(Path(folder) / "team.db")
        try:
            try:
                sync(book, url, clock.now_utc(), read_only=True)
            except TeamError as error:
                _fail(said(error))
            rows = coverage(book, day, owner)
        finally:
            book.close()
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False))
        return
    titles = (_("rep"), _("segment"), _("customers"), _("planned"), _("done"), _("coverage"))
    _say(f"{titles[0]:<16} {titles[1]:<18} {titles[2]:>9} {titles[3]:>8} {titles[4]:>6} {titles[5]:>9}")
    english = i18n.language() == i18n.SOURCE
    from segtui.domain.segments import QUADRANT_LABELS, Quadrant
    from segtui.store.team import NO_OWNER

    count = str if english else i18n.number
    labels = {q.value: q.value if english else _(QUADRANT_LABELS[q]) for q in Quadrant}
    for r in rows:
        r = {**r, "segment": labels.get(r["segment"], r["segment"]),
             "owner": _(NO_OWNER) if r["owner"] == NO_OWNER else r["owner"]}
        share = "-" if r["coverage"] is None else f"{r['coverage']:.0%}" if english else i18n.share(r["coverage"])
        customers, planned, done = (count(r[k]) for k in ("customers", "planned", "done"))
        _say(f"{r['owner']:<16} {r['segment']:<18} {customers:>9} {planned:>8} {done:>6} {share:>9}")
