"""Safety copies: before a book is upgraded or an import writes to it, the book as
it was is kept next to it as ``book.db.2026-11-23T0812.bak`` (the last few; the stamp is UTC,
so a clock moved back for the winter never makes a newer copy sort before an older one).

Copies are made with SQLite's online backup API, so they are consistent even
while another connection is writing (WAL), and they are written under a
temporary name and renamed into place, so a half-written copy never carries a
``.bak`` name.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING

from segtui import clock
from segtui.i18n import Phrase
from segtui.store.errors import BookError

if TYPE_CHECKING:  # pragma: no cover
    from segtui.store.book import Book

KEEP = 5
_STAMP = "%Y-%m-%dT%H%M"


def _pattern(book_path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(book_path.name) + r"\.(\d{4}-\d\d-\d\dT\d{4})(?:-(\d+))?\.bak")


def list_backups(book_path: str | os.PathLike[str]) -> list[Path]:
    """The safety copies of ``book_path``, oldest first."""
    path = Path(book_path)
    pattern = _pattern(path)
    found = []
    try:
        entries = list(path.parent.iterdir())
    except OSError:
        return []
    for entry in entries:
        match = pattern.fullmatch(entry.name)
        if match and entry.is_file():
            found.append(((match.group(1), int(match.group(2) or 1)), entry))
    return [entry for _, entry in sorted(found)]


def latest_backup(book_path: str | os.PathLike[str]) -> Path | None:
    backups = list_backups(book_path)
    return backups[-1] if backups else None


def _target(path: Path, now: dt.datetime) -> Path:
    """``book.db.<stamp>.bak``, or ``-2``, ``-3``… after the highest copy of the same
    minute (never a lower number: that would sort before the copies it follows)."""
    stamp = now.strftime(_STAMP)
    pattern = _pattern(path)
    taken = [int(m.group(2) or 1) for p in list_backups(path) if (m := pattern.fullmatch(p.name)) and m.group(1) == stamp]
    n = max(taken, default=0) + 1
    target = path.with_name(f"{path.name}.{stamp}.bak" if n == 1 else f"{path.name}.{stamp}-{n}.bak")
    while target.exists():  # a stray file of that name that is not a copy of ours
        n += 1
        target = path.with_name(f"{path.name}.{stamp}-{n}.bak")
    return target


def _source_connection(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=5.0)


def backup_before(
    book: "str | os.PathLike[str] | Book",
    reason: str,
    *,
    keep: int = KEEP,
    now: dt.datetime | None = None,
) -> Path | None:
    """Keep the book as it is now next to it, before ``reason`` (e.g. "an import")
    changes it. Returns the copy's path, or None when there is nothing to keep yet
    (no file, an empty file, an in-memory book). Only the newest ``keep`` copies
    are kept.

    Raises BookError when the copy cannot be made (disk full, read-only folder):
    the caller must then not go on to change the book."""
    if isinstance(book, (str, os.PathLike)):
        path = Path(book)
    else:  # an open Book
        if book.path == ":memory:":
            return None
        path = Path(book.path)
    if not path.is_file() or path.stat().st_size == 0:
        return None
    target = _target(path, now or clock.now_utc())
    partial = target.with_name(f".{target.name}.part")
    try:
        destination = sqlite3.connect(partial)
        try:
            # A connection of its own reads the last committed state, even when
            # the open book is in the middle of a transaction.
            source = _source_connection(path)
            try:
                source.backup(destination)
            finally:
                source.close()
            # one self-contained file: no write-ahead log beside the copy
            destination.execute("PRAGMA journal_mode = DELETE")
        finally:
            destination.close()
        with open(partial, "rb+") as handle:
            os.fsync(handle.fileno())
        # a private book keeps private copies: the copy gets the book's permissions
        os.chmod(partial, path.stat().st_mode & 0o777)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            try:
                leftover.unlink()
            except OSError:
                pass
        raise BookError(Phrase("could not keep a safety copy of {path} before {reason} ({error}); nothing was changed",
                               path=path, reason=reason, error=error)) from None
    prune(path, keep, now.timestamp() if now is not None else None)
    return target


STALE_PARTIAL = 3600.0  # seconds after which a partial copy is a leftover of a killed segtui


def prune(book_path: str | os.PathLike[str], keep: int = KEEP, now: float | None = None) -> list[Path]:
    """Remove all but the newest ``keep`` safety copies, and partial copies left
    by a segtui killed while copying (older than STALE_PARTIAL at ``now``, seconds
    since the epoch); returns what was removed."""
    path = Path(book_path)
    backups = list_backups(path)
    removed = backups[: max(0, len(backups) - keep)]
    partial = re.compile(r"\." + _pattern(path).pattern + r"\.part(?:-journal)?")
    try:
        leftovers = [p for p in path.parent.iterdir() if partial.fullmatch(p.name)]
    except OSError:
        leftovers = []
    now = clock.seconds() if now is None else now
    for leftover in leftovers:
        try:
            if now - leftover.stat().st_mtime > STALE_PARTIAL:
                removed.append(leftover)
        except OSError:
            pass
    for old in removed:
        try:
            old.unlink()
        except OSError:
            pass
    return removed
