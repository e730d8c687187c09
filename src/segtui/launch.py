"""Opening the app on a book: what `segtui [BOOK]` runs.

Opening a book is what a salesperson types most, and the board should be on
screen at once. `segtui` alone or `segtui BOOK` therefore starts here without
loading the command-line machinery (click); every other command line — a
command, an option, --help — goes to :mod:`segtui.cli`, which opens the app
through :func:`open_app` as well.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

from segtui import clock

# The commands of segtui.cli: `segtui NAME` runs one of these, never a book named NAME.
COMMANDS = frozenset({"open", "demo", "import", "segments", "plan", "contacts", "log", "duplicates", "settings", "sync", "team"})


def _fail(message: str) -> None:
    print(f"segtui: {message}", file=sys.stderr)
    sys.exit(1)


def _interactive() -> bool:
    return sys.stdin.isatty() and sys.stdout.isatty()


def _no_terminal() -> str:
    """Why the app does not start (in the language in use)."""
    from segtui.i18n import _

    return _("the app needs a terminal (standard input or output is not one); "
             "in a script use a command, e.g. segtui segments BOOK --format csv")


def say_upgrade(book) -> None:
    """Say on stderr what opening did beyond opening (a safety copy before an upgrade)."""
    if getattr(book, "safety_copy", None) is not None:
        from segtui.i18n import _

        print("segtui: " + _("upgraded {path} to book version {version}; the previous book is kept at {copy}").format(
            path=book.path, version=book.version, copy=book.safety_copy), file=sys.stderr)


def setting_warnings(book) -> list[str]:
    """One line for each stored setting that is not valid and counts as its default."""
    from segtui.domain.display import shown
    from segtui.domain.settings import DEFAULTS
    from segtui.i18n import _

    return [
        shown(_("the setting {key} in {path} is {value}, which is not valid; the default {default} is used "
                "(set it: segtui settings {path} {key} VALUE)").format(key=key, path=book.path, value=repr(value),
                                                                       default=DEFAULTS[key]))
        for key, value in book.invalid_settings()
    ]


def say_settings(book) -> None:
    """Say on stderr which stored settings are not valid (each counts as its default)."""
    for line in setting_warnings(book):
        print(f"segtui: {line}", file=sys.stderr)


def speak(book, environ) -> str:
    """Speak the book's language (ui.language), else the environment's (LC_ALL, LC_MESSAGES, LANG),
    else English, from now on; gives the language."""
    from segtui import i18n

    return i18n.use(i18n.pick(book.settings().get("ui.language"), environ))


def open_app(book: str | None, day: dt.date | None = None) -> None:
    """Open the app on ``book`` (default: the user's own book, made when missing)
    as of ``day`` (default: today); a book that cannot be opened ends with one line."""
    from segtui import i18n
    from segtui.i18n import N_, _, said

    i18n.use(i18n.pick(None, os.environ))  # until the book says its language (ui.language)
    notice = None
    if book is None:
        from segtui.paths import default_book

        try:
            path = default_book()
        except OSError as error:
            _fail(_("cannot make the folder for your book ({error})").format(error=error))
        print(_("Your book: {path}").format(path=path))
        notice = (N_("Your book: {path}"), {"path": path})
        book = str(path)
    from segtui.ui import collector

    collector.hold_full_passes()  # until the board is painted (see segtui.ui.collector)
    from segtui.store.book import BookError, open_book

    path = Path(book)
    try:
        create = not path.exists() or (path.is_file() and path.stat().st_size == 0)
        if create and path.parent.is_dir() and not _interactive():
            _fail(_no_terminal())  # before a book is made that nobody would see
        opened = open_book(path, create=create)
        if create and notice is None:
            notice = (N_("A new, empty book was made at {path}"), {"path": path.resolve()})
    except (BookError, OSError) as error:
        message = said(error) if isinstance(error, BookError) else _("{book} cannot be opened ({error})").format(
            book=book, error=error)
        if _interactive():
            from segtui.ui.message import show_message

            show_message(_("This book cannot be opened"), message, sub_title=str(book))
        _fail(message)
    speak(opened, os.environ)
    say_upgrade(opened)
    if notice is not None:  # in the book's language
        notice = _(notice[0]).format(**notice[1])
    warnings = setting_warnings(opened)
    if warnings:
        notice = " · ".join(filter(None, [notice, *warnings]))
    if not _interactive():  # Textual would wait for keys that never come, at full speed
        opened.close()
        _fail(_no_terminal())
    from segtui.ui.app import SegtuiApp
    from segtui.ui.keymap import terminal_theme

    today = clock.today()
    if day is None:  # the day the book is remembered on (view.as_of; empty: today)
        from segtui.domain.first_day import view_day

        day = view_day(opened.settings().get("view.as_of"), today)
    app = SegtuiApp(opened, as_of=day, theme=terminal_theme(dict(os.environ)), notice=notice, today=today)
    try:
        app.run()
    finally:
        app.close_book()
    if app.return_code:
        sys.exit(app.return_code)


def as_of(value: str | None, option: str = "--as-of") -> dt.date:
    """The day to see the book on: ``value`` (YYYY-MM-DD) or today; a bad date ends the command."""
    from segtui.domain.customer import InputError, parse_day

    if value is None:
        return clock.today()
    try:
        return parse_day(value)
    except InputError:
        from segtui.i18n import _

        _fail(_("{option} {value} is not a date (use YYYY-MM-DD, e.g. 2026-11-23)").format(option=option,
                                                                                          value=repr(value)))


def _plain_open(args: list[str]) -> tuple[str | None, str | None] | None:
    """(book, as-of) when ``args`` only open a book: nothing, or BOOK [--as-of DAY];
    None for anything else."""
    if not args:
        return None, None
    book, *rest = args
    if book in COMMANDS or book.startswith("-"):
        return None
    if not rest:
        return book, None
    if len(rest) == 2 and rest[0] == "--as-of":
        return book, rest[1]
    if len(rest) == 1 and rest[0].startswith("--as-of="):
        return book, rest[0].partition("=")[2]
    return None


def main(argv: list[str] | None = None) -> None:
    """The `segtui` command."""
    args = sys.argv[1:] if argv is None else list(argv)
    plain = _plain_open(args)
    if plain is not None:
        book, day = plain
        try:
            open_app(book, as_of(day) if day is not None else None)
        except KeyboardInterrupt:
            from segtui.i18n import _

            print("segtui: " + _("interrupted; nothing half-done was saved"), file=sys.stderr)
            sys.exit(130)
        return
    from segtui.cli import main as command_line

    command_line(args)
