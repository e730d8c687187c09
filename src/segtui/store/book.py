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
    """A book that cannot be opened or written, explained in one line."""


def _header(path: Path) -> bytes:
    with path.open("rb") as handle:
        return handle.read(100)


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
    try:
        header = _header(path)
    except PermissionError:
        raise BookError(f"{path} cannot be read (permission denied)") from None
    if len(header) == 0:
        return True
    if not header.startswith(SQLITE_MAGIC):
        raise BookError(f"{path} is not a segtui book (it is not a SQLite file)")
    if len(header) < 100:
        raise BookError(f"{path} is damaged: the file is truncated")
    return False


def _existing_version(path: Path) -> int:
    """The schema version, read without writing anything to the file."""
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise BookError(f"{path} is damaged or not a book ({error})") from None
    if version == 0 and tables:
        raise BookError(f"{path} is a SQLite file but not a segtui book")
    if version > 0 and "customer" not in tables:
        raise BookError(f"{path} is a SQLite file but not a segtui book")
    return version


class Book:
    """An open book. Writes go through :meth:`transaction`; all access is serialised
    by a lock so worker threads can share the connection."""

    def __init__(self, conn: sqlite3.Connection, path: str, readonly: bool = False):
        self.conn = conn
        self.path = path
        self.readonly = readonly
        self.lock = threading.RLock()
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
        return self.conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        """Close the book, folding the write-ahead log back into the file."""
        with self.lock:
            if not self.readonly and self.path != ":memory:":
                try:
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except Exception:
                    pass
            self.conn.close()

    # --- access ---------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: BEGIN IMMEDIATE … COMMIT, ROLLBACK on any error."""
        if self.readonly:
            raise BookError(f"{self.path} is read-only: changes cannot be saved")
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            else:
                self.conn.execute("COMMIT")

    def query(self, sql: str, params: Any = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def rows(self, sql: str, params: Any = ()) -> list[tuple]:
        """Like :meth:`query` but plain tuples (faster for large results)."""
        with self.lock:
            cursor = self.conn.cursor()
            cursor.row_factory = None
            try:
                return cursor.execute(sql, params).fetchall()
            finally:
                cursor.close()

    def scalar(self, sql: str, params: Any = ()) -> Any:
        with self.lock:
            row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    # --- settings -------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        """Every setting: the book's values over the defaults."""
        stored = dict(self.query("SELECT key, value FROM setting"))
        return {**settings_rules.DEFAULTS, **stored}

    def set_setting(self, key: str, value: str) -> str:
        """Validate and store one setting; returns the stored value."""
        normalised = settings_rules.validate(key, value)
        settings_rules.validate_all({**self.settings(), key: normalised})
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO setting (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, normalised),
            )
        return normalised

    # --- figures --------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        tables = ["customer", "contact", "order", "assessment", "activity", "plan_item"]
        return {t: self.scalar(f'SELECT count(*) FROM "{t}"') for t in tables}


def _migrate(conn: sqlite3.Connection, current: int) -> None:
    for number in range(current + 1, SCHEMA_VERSION + 1):
        script = MIGRATIONS[number - 1]
        try:
            conn.executescript(
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


def open_book(path: str | os.PathLike[str], create: bool = True) -> Book:
    """Open (and if needed create and migrate) the book at ``path``.

    ``":memory:"`` gives a fresh in-memory book (tests). A book written by a
    newer segtui is refused and left untouched."""
    if str(path) == ":memory:":
        conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        _migrate(conn, 0)
        _seed_settings(conn)
        return Book(conn, ":memory:")

    file = Path(path)
    new = _check_file(file, create)
    version = 0 if new else _existing_version(file)
    if version > SCHEMA_VERSION:
        raise BookError(
            f"{file} was written by a newer segtui (book version {version}, this segtui reads up to "
            f"{SCHEMA_VERSION}); upgrade segtui to open it — the book was not changed"
        )
    readonly = (not new and not os.access(file, os.W_OK)) or not os.access(file.parent, os.W_OK)
    if readonly and version < SCHEMA_VERSION:
        raise BookError(
            f"{file} needs an upgrade to book version {SCHEMA_VERSION} but is read-only; "
            "copy it somewhere writable first"
            if not new
            else f"cannot create a book in {file.parent}: the folder is read-only"
        )
    try:
        if readonly:
            conn = sqlite3.connect(
                f"{file.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
            )
        else:
            conn = sqlite3.connect(file, isolation_level=None, check_same_thread=False, timeout=5.0)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA busy_timeout = 5000")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if version < SCHEMA_VERSION:
                _migrate(conn, version)
                conn.execute("BEGIN IMMEDIATE")
                _seed_settings(conn)
                conn.execute("COMMIT")
    except sqlite3.OperationalError as error:
        if "locked" in str(error) or "busy" in str(error):
            raise BookError(f"{file} is busy: another program is writing to it; try again in a moment") from None
        raise BookError(f"{file} cannot be opened ({error})") from None
    except sqlite3.DatabaseError as error:
        raise BookError(f"{file} is damaged or not a book ({error})") from None
    return Book(conn, str(file), readonly=readonly)
