"""Opening a book: checks, migrations, settings and transactions.

A book is one SQLite file. Opening one checks that it is a segtui book of a
version this code understands *before* anything is written to it, then runs
the pending migrations, each in its own transaction.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator

from segtui.domain import settings as settings_rules
from segtui.store.schema import MIGRATIONS, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x5E67701  # "segtui" marker in the SQLite header


class BookError(Exception):
    """A book that cannot be opened or written, explained in one line.

    ``kind`` says what sort of trouble it is, for screens that show it: "busy",
    "readonly", "full", "disk", "damaged", or "" for anything else."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


# SQLite result codes (the low byte of an extended code) that mean something a
# person can act on; anything else is a programming error and stays an sqlite3 error.
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def _damaged(path: str | os.PathLike[str], detail: str) -> BookError:
    from segtui.store.backup import latest_backup

    message = f"{path} is damaged ({detail})"
    if str(path) != ":memory:":
        copy = latest_backup(path)
        if copy is not None:
            message += f"; the newest safety copy is {copy}"
    return BookError(message, "damaged")


def explain(error: BaseException, path: str | os.PathLike[str]) -> BookError | None:
    """A BookError in plain words for an sqlite3 error a person can act on, else None."""
    if isinstance(error, BookError):
        return error
    if not isinstance(error, sqlite3.DatabaseError):
        return None
    code = getattr(error, "sqlite_errorcode", None)
    text = str(error)
    if code is None:  # very old sqlite3 modules: fall back on the text
        code = (_BUSY if "locked" in text or "busy" in text else _CORRUPT if "malformed" in text
                else _NOTADB if "not a database" in text else None)
    code = None if code is None else code & 0xFF
    if code in (_BUSY, _LOCKED):
        return BookError(f"{path} is busy: another program is writing to it; try again in a moment", "busy")
    if code == _READONLY:
        return BookError(f"{path} is read-only: changes cannot be saved", "readonly")
    if code == _FULL:
        return BookError(f"the disk holding {path} is full: the change was not saved", "full")
    if code == _IOERR:
        return BookError(f"{path} could not be read or written (disk error: {text})", "disk")
    if code == _CANTOPEN:
        return BookError(f"{path} cannot be opened ({text})", "disk")
    if code in (_CORRUPT, _NOTADB):
        return _damaged(path, text)
    return None


def _header(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(100)


def _has_log(path: Path) -> bool:
    """True when a write-ahead log or rollback journal may hold part of the book."""
    for suffix in ("-wal", "-journal"):
        side = path.with_name(path.name + suffix)
        try:
            if side.stat().st_size > 0:
                return True
        except OSError:
            pass
    return False


def _check_header(path: Path, header: bytes) -> None:
    """Cheap checks of the 100-byte header against the file's size (no SQL)."""
    raw = int.from_bytes(header[16:18], "big")
    page_size = 65536 if raw == 1 else raw
    if page_size < 512 or page_size & (page_size - 1):
        raise _damaged(path, "the file header is garbled")
    if _has_log(path):
        return  # the log holds pages the file does not have yet
    size = path.stat().st_size
    if size % page_size:
        raise _damaged(path, f"the file is truncated: it ends in the middle of a page at byte {size}")
    pages = int.from_bytes(header[28:32], "big")
    change_counter, valid_for = header[24:28], header[92:96]
    if pages and change_counter == valid_for and size < pages * page_size:
        raise _damaged(path, f"the file is truncated: {size} bytes of {pages * page_size}")


def _check_file(path: Path, create: bool) -> bool:
    """Raise BookError when ``path`` cannot be a book; True when it must be created."""
    if path.is_dir():
        raise BookError(f"{path} is a folder, not a book")
    if not path.exists():
        if not create:
            raise BookError(f"there is no book at {path}")
        if not path.parent.exists():
            raise BookError(f"the folder {path.parent} does not exist")
        return True
    if not path.is_file():
        raise BookError(f"{path} is not a regular file, not a book")
    try:
        header = _header(path)
    except PermissionError:
        raise BookError(f"{path} cannot be read (permission denied)") from None
    except OSError as error:
        raise BookError(f"{path} cannot be read ({error.strerror or error})") from None
    if len(header) == 0:
        if not create:
            raise BookError(f"{path} is empty, not a book")
        return True
    if not header.startswith(SQLITE_MAGIC):
        raise BookError(f"{path} is not a segtui book (it is not a SQLite file)")
    if len(header) < 100:
        raise _damaged(path, "the file is truncated")
    _check_header(path, header)
    return False


def _read_only_uri(path: Path, immutable: bool = False) -> str:
    return f"{path.resolve().as_uri()}?mode=ro" + ("&immutable=1" if immutable else "")


def _connect_read_only(path: Path, **kwargs: Any) -> sqlite3.Connection:
    """A read-only connection that leaves nothing behind.

    When no write-ahead log or hot journal is beside the file, nobody has the book
    open for writing and the file is the whole book: it is read as immutable, so
    SQLite creates no -wal/-shm files next to a file it may be refusing, or in a
    folder it may not write to. Otherwise the usual locking applies."""
    return sqlite3.connect(reader_uri(path), uri=True, **kwargs)


def reader_uri(path: Path) -> str:
    """The URI for a read-only connection to the book at ``path`` (see
    :func:`_connect_read_only`). A book reached through a symbolic link has its log
    beside the file the link points to, so that is where it is looked for."""
    path = path.resolve()
    wal = path.with_name(path.name + "-wal")
    return _read_only_uri(path, immutable=not (wal.exists() or _has_log(path)))


def _existing_version(path: Path, create: bool) -> int:
    """The schema version, read without writing anything to the file."""
    try:
        conn = _connect_read_only(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            application = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise explain(error, path) or _damaged(path, str(error)) from None
    if application not in (0, APPLICATION_ID):
        raise BookError(f"{path} is a SQLite file of another program, not a segtui book")
    if version == 0 and tables:
        raise BookError(f"{path} is a SQLite file but not a segtui book")
    if version == 0 and not create:
        raise BookError(f"{path} is an empty SQLite file, not a book")
    if version > 0 and "customer" not in tables:
        raise BookError(f"{path} is a SQLite file but not a segtui book")
    return version


def _writable(path: Path) -> bool:
    """Writable by us, and not marked read-only (no write bit at all counts as
    read-only even for an administrator, who could otherwise write anyway)."""
    try:
        return os.access(path, os.W_OK) and bool(path.stat().st_mode & 0o222)
    except OSError:
        return False


class Book:
    """An open book. Writes go through :meth:`transaction`; all access is serialised
    by a lock so worker threads can share the connection.

    ``readonly`` books (a read-only file or folder) can be read but every
    transaction raises BookError; ``readonly_reason`` says why in words.
    ``safety_copy`` is the copy kept while opening (before an upgrade), if any."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        path: str,
        readonly: bool = False,
        readonly_reason: str | None = None,
        safety_copy: Path | None = None,
    ):
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.readonly_reason = readonly_reason if readonly else None
        self.safety_copy = safety_copy
        self.reader_uri: str | None = None  # for extra read-only connections; None in memory
        self.lock = threading.RLock()
        self._depth = 0
        self._db = None

    @property
    def db(self):
        """The book as a ``sqlite_utils.Database`` (imported on first use: it costs start-up time)."""
        if self._db is None:
            import sqlite_utils

            self._db = sqlite_utils.Database(self.conn)
        return self._db

    # --- identity -------------------------------------------------------------
    @property
    def name(self) -> str:
        return "in-memory book" if self.path == ":memory:" else Path(self.path).stem

    @property
    def version(self) -> int:
        return self.scalar("PRAGMA user_version")

    def close(self) -> None:
        """Close the book, folding the write-ahead log back into the file."""
        with self.lock:
            if not self.readonly and self.path != ":memory:":
                try:
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except Exception:
                    pass
            self.conn.close()

    def _explained(self, error: BaseException) -> BaseException:
        return explain(error, self.path) or error

    # --- access ---------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: BEGIN IMMEDIATE … COMMIT, ROLLBACK on any error.

        A transaction inside a transaction (same thread) is a savepoint: it
        undoes only its own part when it fails. Errors a person can act on (the
        book is busy, read-only, full, damaged) are raised as BookError; others
        (an IntegrityError, say) as they are. Either way nothing is saved."""
        if self.readonly:
            raise BookError(
                f"{self.path} is read-only ({self.readonly_reason or 'no write permission'}): changes cannot be saved",
                "readonly",
            )
        with self.lock:
            if self._depth:
                yield from self._savepoint()
                return
            try:
                self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as error:
                raise self._explained(error) from error
            self._depth = 1
            try:
                yield self.conn
            except BaseException as error:
                self._rollback()
                if isinstance(error, sqlite3.Error) and explain(error, self.path) is not None:
                    raise self._explained(error) from error
                raise
            else:
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error as error:
                    self._rollback()
                    raise self._explained(error) from error
            finally:
                self._depth = 0

    def _savepoint(self) -> Iterator[sqlite3.Connection]:
        # sql-safe: savepoint names below are "nested_" + a number of our own
        name = f"nested_{self._depth}"
        self.conn.execute(f"SAVEPOINT {name}")  # sql-safe: our own name
        self._depth += 1
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO {name}")  # sql-safe: our own name
                self.conn.execute(f"RELEASE {name}")  # sql-safe: our own name
            raise
        else:
            self.conn.execute(f"RELEASE {name}")  # sql-safe: our own name
        finally:
            self._depth -= 1

    def _rollback(self) -> None:
        # SQLite rolls back by itself after some errors (disk full, I/O); then
        # there is nothing left to roll back.
        if self.conn.in_transaction:
            try:
                self.conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        with self.lock:
            try:
                return self.conn.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                raise self._explained(error) from error

    def rows(self, sql: str, params: Any = ()) -> list[tuple]:
        """Like :meth:`query` but plain tuples (faster for large results)."""
        with self.lock:
            cursor = self.conn.cursor()
            cursor.row_factory = None
            try:
                return cursor.execute(sql, params).fetchall()
            except sqlite3.Error as error:
                raise self._explained(error) from error
            finally:
                cursor.close()

    def scalar(self, sql: str, params: Any = ()) -> Any:
        with self.lock:
            try:
                row = self.conn.execute(sql, params).fetchone()
            except sqlite3.Error as error:
                raise self._explained(error) from error
        return None if row is None else row[0]

    def check(self) -> str | None:
        """Read every page (``PRAGMA quick_check``): None when the book is sound,
        else what is wrong in one line. Takes about half a second per 100 MB."""
        try:
            if self.path == ":memory:":
                rows = self.query("PRAGMA quick_check")
            else:
                # a connection of its own: the check does not hold up the app's queries
                conn = _connect_read_only(Path(self.path), timeout=5.0)
                try:
                    rows = conn.execute("PRAGMA quick_check").fetchall()
                finally:
                    conn.close()
        except sqlite3.Error as error:
            return str(explain(error, self.path) or _damaged(self.path, str(error)))
        except BookError as error:
            return str(error)
        problems = [r[0] for r in rows if r[0] != "ok"]
        if not problems:
            return None
        return str(_damaged(self.path, problems[0] + (f" and {len(problems) - 1} more problems" if len(problems) > 1 else "")))

    # --- settings -------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        """Every setting: the book's values over the defaults."""
        stored = dict(self.query("SELECT key, value FROM setting"))
        return {**settings_rules.DEFAULTS, **stored}

    def set_setting(self, key: str, value: str) -> str:
        """Validate and store one setting; returns the stored value."""
        return self.set_settings({key: value})[key]

    def set_settings(self, changes: dict[str, str]) -> dict[str, str]:
        """Validate and store several settings at once, checked together against the others
        (so two thresholds that must move together can): all are saved or none. Returns the
        stored values."""
        normalised = {key: settings_rules.validate(key, value) for key, value in changes.items()}
        with self.transaction() as conn:
            # checked inside the write transaction: what they are checked against cannot change meanwhile
            stored = dict(conn.execute("SELECT key, value FROM setting").fetchall())
            settings_rules.validate_all({**settings_rules.DEFAULTS, **stored, **normalised})
            conn.executemany(
                "INSERT INTO setting (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                list(normalised.items()),
            )
        return normalised

    # --- figures --------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        tables = ["customer", "contact", "order", "assessment", "activity", "plan_item"]
        # sql-safe: table names from the list above
        return {t: self.scalar(f'SELECT count(*) FROM "{t}"') for t in tables}


def _migrate(conn: sqlite3.Connection, current: int) -> None:
    for number in range(current + 1, SCHEMA_VERSION + 1):
        script = MIGRATIONS[number - 1]
        try:
            conn.executescript(  # sql-safe: migration scripts and numbers from the code
                f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\n"
                f"PRAGMA application_id = {APPLICATION_ID};\nCOMMIT;"
            )
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise


def _seed_settings(conn: sqlite3.Connection) -> None:
    conn.executemany(
        "INSERT OR IGNORE INTO setting (key, value) VALUES (?, ?)",
        sorted(settings_rules.DEFAULTS.items()),
    )


def _capture(conn: sqlite3.Connection) -> None:
    """The team book's change log triggers (store/identity.py), for tables that lack them."""
    from segtui.store.identity import ensure_capture

    ensure_capture(conn)


def open_book(path: str | os.PathLike[str], create: bool = True) -> Book:
    """Open (and if needed create and migrate) the book at ``path``.

    ``":memory:"`` gives a fresh in-memory book (tests). Anything that is not a
    book (a folder, a text file, an empty file when ``create`` is False, a
    damaged or foreign SQLite file) raises BookError and is left untouched, as
    is a book written by a newer segtui. A read-only file or folder opens
    read-only. Before an upgrade the book is kept as a safety copy next to it."""
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, 0)
        _seed_settings(conn)
        _capture(conn)
        return Book(conn, ":memory:")

    file = Path(path)
    new = _check_file(file, create)
    version = 0 if new else _existing_version(file, create)
    if version > SCHEMA_VERSION:
        raise BookError(
            f"{file} was written by a newer segtui (book version {version}, this segtui reads up to "
            f"{SCHEMA_VERSION}); upgrade segtui to open it — the book was not changed"
        )
    reason = None
    if not new and not _writable(file):
        reason = "the file is read-only"
    elif not _writable(file.parent):
        reason = "the folder is read-only"
    readonly = reason is not None
    if readonly and version < SCHEMA_VERSION:
        raise BookError(
            f"{file} needs an upgrade to book version {SCHEMA_VERSION} but {reason}; "
            "copy it somewhere writable first"
            if not new
            else f"cannot create a book in {file.parent}: the folder is read-only"
        )
    safety_copy = None
    if 0 < version < SCHEMA_VERSION:
        from segtui.store.backup import backup_before

        safety_copy = backup_before(file, f"the upgrade to book version {SCHEMA_VERSION}")
    conn = None
    try:
        if readonly:
            reader = reader_uri(file)
            conn = sqlite3.connect(reader, uri=True, isolation_level=None, check_same_thread=False, timeout=5.0)
        else:
            conn = sqlite3.connect(file, isolation_level=None, check_same_thread=False, timeout=5.0)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            # FULL: a committed edit survives a power cut too, not only a crash
            conn.execute("PRAGMA synchronous = FULL")
            if version < SCHEMA_VERSION:
                try:
                    _migrate(conn, version)
                except sqlite3.Error as error:
                    explained = explain(error, file)
                    if explained is not None and version == 0:
                        raise explained from None
                    reached = conn.execute("PRAGMA user_version").fetchone()[0]
                    raise BookError(
                        f"upgrading {file} to book version {SCHEMA_VERSION} failed ({explained or error}); "
                        + ("the book was not changed" if reached == version else f"the book stays at version {reached}")
                        + (f" — a safety copy is at {safety_copy}" if safety_copy else "")
                    ) from None
                conn.execute("BEGIN IMMEDIATE")
                _seed_settings(conn)
                conn.execute("COMMIT")
            _capture(conn)
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        raise explain(error, file) or BookError(f"{file} cannot be opened ({error})") from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    book = Book(conn, str(file), readonly=readonly, readonly_reason=reason, safety_copy=safety_copy)
    # more read-only connections (parallel reads) open the file the way this one did
    book.reader_uri = reader if readonly else _read_only_uri(file)
    return book
