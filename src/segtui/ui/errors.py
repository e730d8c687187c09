"""Errors in the app, in plain words.

- A :class:`~segtui.store.book.BookError` (the book is busy, read-only, full,
  damaged) is something the user can act on: it is shown as a notification and
  the app goes on.
- Anything else is a bug: it is written with its traceback to ``segtui.log`` in
  the platform log folder and shown as one short line with that path. Errors
  raised by workers and by actions (keys) leave the app running; an error inside
  Textual's own message handling cannot be recovered from, so the app closes
  with the same short line instead of a traceback.

Screens use :func:`report` (any thread) and :func:`writes_allowed`; the app
class derives from :class:`GuardedApp`.

Tests set ``SEGTUI_STRICT_ERRORS=1`` (tests/conftest.py): unexpected errors then
fail the test the way Textual normally does, instead of becoming a notification.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import traceback
from pathlib import Path
from typing import Any

from textual import events, on, work
from textual.app import App
from textual.content import Content
from textual.dom import DOMNode
from textual.worker import WorkerFailed

from segtui import clock
from segtui import paths
from segtui.i18n import N_, _, said
from segtui.store.book import Book, BookError, explain
from segtui.ui.display import safe
from segtui.ui.textual_private import ErrorHooks, close_with

LOG_NAME = "segtui.log"
LOG_LIMIT = 1_000_000  # bytes before the log is rotated to segtui.log.1
STRICT_ENV = "SEGTUI_STRICT_ERRORS"

_log_lock = threading.Lock()


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


def log_path() -> Path:
    return paths.log_dir() / LOG_NAME


def log_error(error: BaseException, context: str = "") -> Path | None:
    """Append ``error`` with its traceback to the log; the log's path, or None
    when even the log cannot be written."""
    path = log_path()
    stamp = clock.now_local().isoformat(timespec="seconds")
    text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    try:
        from importlib.metadata import version

        release = version("segtui")
    except Exception:
        release = "unknown"
    entry = f"--- {stamp} segtui {release}{' · ' + context if context else ''}\n{text}\n"
    with _log_lock:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > LOG_LIMIT:
                os.replace(path, path.with_name(LOG_NAME + ".1"))
            with path.open("a", encoding="utf-8") as handle:
                handle.write(entry)
        except OSError:
            return None
    return path


def as_book_error(error: BaseException, book: Book | None = None) -> BookError | None:
    """The error in the user's words when it is one they can act on."""
    if isinstance(error, WorkerFailed):
        error = error.error
    if isinstance(error, BookError):
        return error
    if isinstance(error, sqlite3.Error):
        return explain(error, book.path if book is not None else "the book")
    return None


def short_message(error: BaseException, where: Path | None) -> str:
    """One short line for an unexpected error."""
    if isinstance(error, WorkerFailed):
        error = error.error
    detail = str(error).strip().splitlines()[0] if str(error).strip() else ""
    if len(detail) > 100:
        detail = detail[:99] + "…"
    what = f"{type(error).__name__}: {detail}" if detail else type(error).__name__
    tail = _("details are in {path}").format(path=where) if where else _("the log could not be written")
    return _("Something went wrong ({what}); {tail}").format(what=what, tail=tail)


# BookError.kind -> how it is shown: title, severity, seconds on screen
_BOOK_TROUBLE = {
    "busy": (N_("Busy"), "warning", 10),
    "readonly": (N_("Read-only"), "warning", 10),
    "full": (N_("Disk full"), "error", 30),
    "disk": (N_("Disk error"), "error", 30),
    "damaged": (N_("Damaged book"), "error", 120),
}


def report(node: DOMNode | App, error: BaseException, context: str = "") -> None:
    """Tell the user about ``error`` (thread-safe): a BookError as a warning, anything
    else logged and shown as a short error line."""
    app = node if isinstance(node, App) else node.app
    book = getattr(app, "book", None)
    known = as_book_error(error, book if isinstance(book, Book) else None)
    if known is not None:
        title, severity, timeout = _BOOK_TROUBLE.get(getattr(known, "kind", ""), (N_("Not done"), "warning", 10))
        app.notify(said(known), title=_(title), severity=severity, timeout=timeout, markup=False)
        return
    where = log_error(error, context)
    errors = getattr(app, "unexpected_errors", None)
    if isinstance(errors, list):
        errors.append(error)
    app.notify(short_message(error, where), title=_("Unexpected error"), severity="error", timeout=20, markup=False)


def _capitalized(text: str) -> str:
    return text[:1].upper() + text[1:]


def writes_allowed(node: DOMNode | App, book: Book) -> bool:
    """False (after saying why) when the book is read-only: call before an edit."""
    if not book.readonly:
        return True
    app = node if isinstance(node, App) else node.app
    app.notify(
        _("This book is read-only ({reason}); changes cannot be saved.").format(reason=said(book.readonly_reason)),
        title=_("Read-only"),
        severity="warning",
        markup=False,
    )
    return False


class GuardedApp(ErrorHooks):
    """An App that explains errors instead of dying with a traceback.

    Subclasses that hold a ``book`` attribute also get: a read-only note in the
    header and a notification when the book is read-only, a note when the book
    was upgraded (with the safety copy's path), and a background integrity check
    of the book a few seconds after start."""

    CHECK_DELAY = 5.0  # seconds after mount before the book's pages are checked

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.unexpected_errors: list[BaseException] = []

    # --- unexpected errors (Textual's private paths to them: ui/textual_private) ---------
    def unhandled(self, error: Exception) -> bool:
        inner = error.error if isinstance(error, WorkerFailed) else error
        known = as_book_error(inner, getattr(self, "book", None))
        if isinstance(error, WorkerFailed) and (known is not None or not strict()):
            # a worker's failure ends only that worker: the app keeps running
            report(self, inner, "worker")
            return True
        if strict():
            return False
        # Textual stops the failed message loop; the app cannot go on safely.
        where = log_error(inner, "event handler")
        message = said(known) if known is not None else short_message(inner, where)
        close_with(self, f"segtui: {message}")
        return True

    def action_failed(self, error: Exception, action_name: str) -> bool:
        if strict() and as_book_error(error, getattr(self, "book", None)) is None:
            raise error
        report(self, error, f"action {action_name}")
        return True

    # --- the book's state -----------------------------------------------------
    def format_title(self, title: str, sub_title: str) -> Content:
        """Whatever a screen puts in the header, a read-only book stays marked so."""
        book = getattr(self, "book", None)
        marked = _("read-only")
        if isinstance(book, Book) and book.readonly and marked not in sub_title:
            sub_title = f"{sub_title} · {marked}" if sub_title else marked
        return safe(super().format_title(title, sub_title))  # the book's file name is the sub-title

    def notify(self, message: str, *, title: str = "", **kwargs: Any) -> None:
        """Notifications name customers, files and values: they follow the render rule."""
        super().notify(safe(message), title=safe(title), **kwargs)

    @on(events.Mount)
    def _announce_book_state(self) -> None:
        book = getattr(self, "book", None)
        if not isinstance(book, Book):
            return
        if book.readonly:
            self.notify(
                _("{reason}: you can look, but changes cannot be saved.").format(
                    reason=_capitalized(said(book.readonly_reason)) if book.readonly_reason
                    else _("The book is read-only")),
                title=_("Read-only"),
                severity="warning",
                timeout=10,
                markup=False,
            )
        if book.safety_copy is not None:
            self.notify(
                _("The book was upgraded; the previous book is kept at {path}").format(path=book.safety_copy),
                title=_("Upgraded"),
                timeout=10,
                markup=False,
            )
        if book.path != ":memory:" and self.CHECK_DELAY is not None:
            self.set_timer(self.CHECK_DELAY, self._check_book)

    @work(thread=True, exclusive=True, group="book-check", exit_on_error=False)
    def _check_book(self) -> None:
        book = getattr(self, "book", None)
        problem = book.check() if isinstance(book, Book) else None
        if problem:
            self.call_from_thread(
                self.notify, said(problem), title=_("Damaged book"), severity="error", timeout=120, markup=False
            )
