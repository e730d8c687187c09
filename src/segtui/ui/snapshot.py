"""The board as it was last shown, kept in the user's cache folder.

Reading a big book takes a second or more; a salesperson opening segtui should
see their customers at once. So after each full reading the board keeps the
first rows of every quadrant (in the board's first order, most urgent first)
and each quadrant's totals in a small file, one per book. The next start
paints those at once, says it is updating, and replaces them with the book's
own figures as soon as they are read. Nothing here is ever written to the book.

A snapshot is only ever painted for the book it was taken of, as it was then: it keeps
the book file's fingerprint (:func:`fingerprint`: its device and inode, size, time of
last change and header, and its write-ahead log's), and one that does not match the file
at the next start is not shown. Another book copied over the path, a safety copy put
back, an import by another program since: the board waits for the book. When the app
closes a book nothing was saved to since the board's last reading, the snapshot is given
the book's fingerprint after that close (closing folds the log into the file).

The file is plain data (JSON, ui/plain.py): it is read back by the types the board
declares, so a changed or hostile file can never run code — at worst it is
refused. A file that cannot be read — damaged, from another version, not of the
board's shape — is ignored and written again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from segtui import clock
from segtui.domain.segments import Quadrant

if TYPE_CHECKING:
    from segtui.store.board import BoardRow

VERSION = 4  # 2: rows carry the customer's trend; 3: JSON; 4: the book's fingerprint
# Rows kept per quadrant: more than a tall terminal shows (a quadrant is half the screen).
PER_QUADRANT = 60


class Totals(NamedTuple):
    """What a quadrant's title says: customers, those due now or late, revenue and potential."""

    count: int = 0
    due: int = 0
    revenue: int = 0
    potential: int | None = None  # None: no customer there has an assessed budget

    @classmethod
    def of(cls, rows: list[BoardRow]) -> "Totals":
        known = [r.potential for r in rows if r.potential is not None]
        return cls(
            count=len(rows),
            due=sum(1 for r in rows if r.overdue_days is not None and r.overdue_days >= 0),
            revenue=sum(r.customer.segment.revenue for r in rows),
            potential=sum(known) if known else None,
        )


#: a book file as it is at one moment (see :func:`fingerprint`): device, inode, size, time of last
#: change, a digest of its header, and its write-ahead log's size and time (None when empty)
Fingerprint = tuple[int, int, int, int, str, tuple[int, int] | None]


class Snapshot(NamedTuple):
    """The first rows and totals of each quadrant, as the board last showed them."""

    as_of: dt.date
    saved: dt.datetime
    currency: str
    settings: dict[str, str]
    lists: dict[Quadrant, list[BoardRow]]
    totals: dict[Quadrant, Totals]
    customers: int
    book: Fingerprint | None = None  # the book file's fingerprint when it was read (see :func:`fingerprint`)


def fingerprint(book_path: Path) -> Fingerprint | None:
    """What tells this book file, as it is now, from any other book or any other state of it:
    the file's device, inode, size and time of last change, a digest of its header (the
    first 100 bytes), and its write-ahead log's size and time when the log holds anything.
    None when the file cannot be looked at (then no snapshot is shown or kept)."""
    try:
        stat = os.stat(book_path)
        with open(book_path, "rb") as handle:
            header = hashlib.sha256(handle.read(100)).hexdigest()[:16]
        try:
            log = os.stat(f"{book_path}-wal")
            wal = (log.st_size, log.st_mtime_ns) if log.st_size else None
        except FileNotFoundError:
            wal = None
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino, stat.st_size, stat.st_mtime_ns, header, wal)


def path_for(cache_dir: Path, book_path: Path) -> Path:
    """The snapshot file of the book at ``book_path`` (one per book, by its full path)."""
    key = hashlib.sha256(str(Path(book_path).resolve()).encode("utf-8")).hexdigest()[:24]
    return cache_dir / "boards" / f"{key}.board"


def take(
    as_of: dt.date, currency: str, settings: dict[str, str], ordered: dict[Quadrant, list[BoardRow]],
    book: Fingerprint | None = None,
) -> Snapshot:
    """A snapshot of a board whose quadrants hold ``ordered`` (all rows, first order), read
    from the book whose fingerprint was ``book`` just before."""
    return Snapshot(
        as_of=as_of,
        saved=clock.now_local().replace(microsecond=0),
        currency=currency,
        settings=dict(settings),
        lists={q: list(rows[:PER_QUADRANT]) for q, rows in ordered.items()},
        totals={q: Totals.of(rows) for q, rows in ordered.items()},
        customers=sum(len(rows) for rows in ordered.values()),
        book=book,
    )


def _reader():
    from segtui.store.board import BoardRow
    from segtui.ui import plain

    return plain.reader(list[BoardRow]), plain.reader(dict[str, str])


def for_book(path: Path, book_path: Path) -> Snapshot | None:
    """The snapshot kept at ``path`` when it was taken of the book at ``book_path`` as that
    file is now; None otherwise (another book there, or the book changed since)."""
    kept = load(path)
    if kept is None or kept.book is None or kept.book != fingerprint(book_path):
        return None
    return kept


def restamp(path: Path, book_path: Path, taken_of: Fingerprint | None) -> None:
    """Give the snapshot at ``path``, taken of the book when its fingerprint was
    ``taken_of``, the book's fingerprint now. Only for a book closed with nothing saved to
    it since that reading: closing changes the file, not what it holds."""
    kept = load(path)
    if kept is None or taken_of is None or kept.book != taken_of:
        return
    now = fingerprint(book_path)
    if now is not None and now[-1] is None:  # no other program has it open with a log to fold in
        save(path, kept._replace(book=now))


def load(path: Path) -> Snapshot | None:
    """The snapshot kept at ``path``; None when there is none or it cannot be used."""
    from segtui.ui import plain

    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read())
        if type(data) is not dict or data.get("version") != VERSION:
            return None
        rows, texts = _reader()
        return Snapshot(
            as_of=dt.date.fromisoformat(data["as_of"]),
            saved=dt.datetime.fromisoformat(data["saved"]),
            currency=str(data["currency"]),
            settings=texts(data["settings"]),
            lists={Quadrant(q): rows(listed) for q, listed in data["lists"]},
            totals={Quadrant(q): Totals(*(None if v is None else int(v) for v in totals))
                    for q, totals in data["totals"]},
            customers=int(data["customers"]),
            book=plain.reader(Fingerprint | None)(data["book"]),
        )
    except (OSError, ValueError, TypeError, KeyError, plain.Refused):  # missing, damaged, of another version
        return None


def save(path: Path, snapshot: Snapshot) -> None:
    """Keep ``snapshot`` at ``path`` (whole or not at all); a cache that cannot be
    written is only a slower next start, so errors are ignored."""
    import tempfile

    from segtui.ui.plain import encode

    try:
        text = json.dumps({
            "version": VERSION,
            "as_of": snapshot.as_of.isoformat(),
            "saved": snapshot.saved.isoformat(),
            "currency": snapshot.currency,
            "settings": encode(snapshot.settings),
            "lists": [[q.value, encode(rows)] for q, rows in snapshot.lists.items()],
            "totals": [[q.value, list(t)] for q, t in snapshot.totals.items()],
            "customers": snapshot.customers,
            "book": snapshot.book,
        }, separators=(",", ":"), ensure_ascii=False)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".board-", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.replace(temporary, path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except Exception:
        pass


def forget(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
