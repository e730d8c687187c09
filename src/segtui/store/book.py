"""Opening a book: checks, migrations, settings and transactions.

A book is one SQLite file. Opening one checks that it is a segtui book of a
version this code understands *before* anything is written to it, then runs
the pending migrations, each in its own transaction.
"""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any, Iterator

from segtui.domain import settings as settings_rules
from segtui.i18n import Phrase
from segtui.store.errors import BookError
from segtui.store.schema import MIGRATIONS, SCHEMA_VERSION, TABLES

SQLITE_MAGIC = b"SQLite format 3\x00"
APPLICATION_ID = 0x5E67701  # "segtui" marker in the SQLite header


# SQLite result codes (the low byte of an extended code) that mean something a
# person can act on; anything else is a programming error and stays an sqlite3 error.
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26
_READONLY_RECOVERY, _READONLY_ROLLBACK = 8 | 1 << 8, 8 | 3 << 8  # a log to replay, but no right to write
# Less free space than this where the book lies, and an I/O error is the disk being full.
FULL_BELOW = 1 << 20


def _disk_full(path: str | os.PathLike[str]) -> bool:
    import shutil

    if str(path) == ":memory:":
        return False
    try:
        return shutil.disk_usage(Path(path).resolve().parent).free < FULL_BELOW
    except OSError:
        return False


def problems_in_short(problems: list[str]) -> str:
    """SQLite's report of what is wrong (thousands of lines for a badly damaged book) in one line:
    the first problem and how many more there are."""
    lines = [line.strip() for problem in problems for line in problem.splitlines()
             if line.strip() and not line.startswith("*** in database")]
    if not lines:
        return "no details"
    first = lines[0] if len(lines[0]) <= 120 else lines[0][:119] + "…"
    return first + (f" and {len(lines) - 1:,} more problems" if len(lines) > 1 else "")


def _damaged(path: str | os.PathLike[str], detail: str) -> BookError:
    from segtui.store.backup import latest_backup

    copy = latest_backup(path) if str(path) != ":memory:" else None
    detail = problems_in_short([detail])
    if copy is not None:
        message = Phrase("{path} is damaged ({detail}); the newest safety copy is {copy}", path=path, detail=detail,
                         copy=copy)
    else:
        message = Phrase("{path} is damaged ({detail})", path=path, detail=detail)
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
    extended = code
    code = None if code is None else code & 0xFF
    if code in (_BUSY, _LOCKED):
        return BookError(Phrase("{path} is busy: another program is writing to it; try again in a moment", path=path), "busy")
    if extended in (_READONLY_ROLLBACK, _READONLY_RECOVERY):
        return BookError(Phrase("{path} has an unfinished change in its -journal or -wal file that cannot be "
                                "finished here (the file or its folder is read-only)", path=path), "readonly")
    if code == _READONLY:
        return BookError(Phrase("{path} is read-only: changes cannot be saved", path=path), "readonly")
    if code == _FULL or code in (_IOERR, _CANTOPEN) and _disk_full(path):  # SQLite often says "disk I/O error"
        return BookError(Phrase("the disk holding {path} is full: the change was not saved", path=path), "full")
    if code == _IOERR:
        return BookError(Phrase("{path} could not be read or written (disk error: {error})", path=path, error=text), "disk")
    if code == _CANTOPEN:
        return BookError(Phrase("{path} cannot be opened ({error})", path=path, error=text), "disk")
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
        raise BookError(Phrase("{path} is a folder, not a book", path=path))
    if not path.exists():
        if not create:
            raise BookError(Phrase("there is no book at {path}", path=path))
        if not path.parent.exists():
            raise BookError(Phrase("the folder {folder} does not exist", folder=path.parent))
        return True
    if not path.is_file():
        raise BookError(Phrase("{path} is not a regular file, not a book", path=path))
    try:
        header = _header(path)
    except PermissionError:
        raise BookError(Phrase("{path} cannot be read (permission denied)", path=path)) from None
    except OSError as error:
        raise BookError(Phrase("{path} cannot be read ({error})", path=path, error=error.strerror or error)) from None
    if len(header) == 0:
        if not create:
            raise BookError(Phrase("{path} is empty, not a book", path=path))
        return True
    if not header.startswith(SQLITE_MAGIC):
        raise BookError(Phrase("{path} is not a segtui book (it is not a SQLite file)", path=path))
    if len(header) < 100:
        raise _damaged(path, "the file is truncated")
    _check_header(path, header)
    _check_journal(path, header)
    return False


def _check_journal(path: Path, header: bytes) -> None:
    """A rollback journal beside a book that keeps a write-ahead log (as every segtui book does) is a
    leftover — from copying a folder, say — and no part of the book: SQLite would try to undo it into
    the book (or, reading, call the book read-only). It is refused, and the book left as it is."""
    journal = path.with_name(path.name + "-journal")
    try:
        with journal.open("rb") as handle:
            first = handle.read(1)
    except OSError:
        return
    if header[18:20] == b"\x02\x02" and first not in (b"", b"\x00"):
        raise BookError(Phrase("{journal} lies beside {path} but is no part of it (a segtui book keeps none; "
                               "left over from a copy?): move it away, then open the book again — the book was not "
                               "changed", journal=journal.name, path=path))


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


def _tables(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """Every table of the database on ``conn`` with its columns."""
    found: dict[str, set[str]] = {}
    for table, column in conn.execute(
        "SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p WHERE m.type = 'table'"
    ):
        found.setdefault(table, set()).add(column)
    return found


@functools.cache
def _tables_at(version: int) -> dict[str, tuple[str, ...]]:
    """The tables and columns of a book at ``version``: :data:`TABLES` for the current one, else what the
    migrations up to ``version`` make of an empty database (only when an older book is opened)."""
    if version == SCHEMA_VERSION:
        return TABLES
    conn = sqlite3.connect(":memory:")
    try:
        for script in MIGRATIONS[:version]:
            conn.executescript(script)  # sql-safe: the migration scripts of the code
        return {table: tuple(sorted(columns)) for table, columns in _tables(conn).items()}
    finally:
        conn.close()


def _missing_part(found: dict[str, set[str]], version: int) -> str | None:
    """The first table or column a book at ``version`` has and ``found`` lacks, in words; None when none."""
    for table, columns in _tables_at(version).items():
        if table not in found:
            return f"the table {table} is missing"
        for column in columns:
            if column not in found[table]:
                return f"the column {table}.{column} is missing"
    return None


def _existing_version(path: Path, create: bool) -> int:
    """The schema version, read without writing anything to the file: a file is a book of that
    version only when it has every table and column such a book has."""
    try:
        conn = _connect_read_only(path)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            application = conn.execute("PRAGMA application_id").fetchone()[0]
            tables = _tables(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise explain(error, path) or _damaged(path, str(error)) from None
    if application not in (0, APPLICATION_ID):
        raise BookError(Phrase("{path} is a SQLite file of another program, not a segtui book", path=path))
    if version == 0 and tables:
        raise BookError(Phrase("{path} is a SQLite file but not a segtui book", path=path))
    if version == 0 and not create:
        raise BookError(Phrase("{path} is an empty SQLite file, not a book", path=path))
    if version > 0 and "customer" not in tables:
        raise BookError(Phrase("{path} is a SQLite file but not a segtui book", path=path))
    if 0 < version <= SCHEMA_VERSION:
        missing = _missing_part(tables, version)
        if missing is not None and application != APPLICATION_ID:
            # every book since the first version carries segtui's mark: without it, it is not one
            raise BookError(Phrase("{path} is a SQLite file of another program, not a segtui book ({missing})",
                                   path=path, missing=missing))
        if missing is not None:
            raise _damaged(path, missing)
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
        self.writes = 0  # transactions committed through this book (see :meth:`stamp`)
        #: results worked out from the book, each kept with the stamp it was made at
        self.memo: dict[object, tuple[tuple[int, int], object]] = {}
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
            raise BookError(Phrase("{path} is read-only ({reason}): changes cannot be saved", path=self.path,
                                   reason=self.readonly_reason or Phrase("no write permission")), "readonly")
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
                    _before_commit(self.conn)
                    self.conn.execute("COMMIT")
                except BaseException as error:
                    self._rollback()
                    if isinstance(error, sqlite3.Error):
                        raise self._explained(error) from error
                    raise
                self.writes += 1
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

    def stamp(self) -> tuple[int, int]:
        """Changes when anything is saved to the book, here or by another program: a result
        worked out from the book at one stamp still holds while the stamp is the same."""
        with self.lock:
            return self.writes, self.scalar("PRAGMA data_version")

    def recalled(self, key: object) -> object | None:
        """What :meth:`remember` kept under ``key``, while nothing was saved to the book since; else None."""
        kept = self.memo.get(key)
        return kept[1] if kept is not None and kept[0] == self.stamp() else None

    def remember(self, key: object, value: object) -> None:
        """Keep ``value``, worked out from the book as it is now, under ``key`` (see :meth:`recalled`)."""
        self.memo[key] = (self.stamp(), value)

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
            found = explain(error, self.path) or _damaged(self.path, str(error))
            return found.phrase or str(found)
        except BookError as error:
            return error.phrase or str(error)
        problems = [r[0] for r in rows if r[0] != "ok"]
        if not problems:
            return None
        return _damaged(self.path, "\n".join(problems)).phrase

    # --- settings -------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        """Every setting: the book's values over the defaults. A stored value that is not valid
        (written by hand, or by another program) counts as the default: :meth:`invalid_settings`."""
        stored = dict(self.query("SELECT key, value FROM setting"))
        values = {**settings_rules.DEFAULTS, **stored}
        for key, _value in self.invalid_settings(stored):
            values[key] = settings_rules.DEFAULTS[key]
        return values

    def invalid_settings(self, stored: dict[str, str] | None = None) -> list[tuple[str, str]]:
        """(key, stored value) of every stored setting whose value is not valid, by key."""
        if stored is None:
            stored = dict(self.query("SELECT key, value FROM setting"))
        return [(key, value) for key, value in sorted(stored.items()) if not settings_rules.usable(key, value)]

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
            for key, _value in self.invalid_settings(stored):
                stored[key] = settings_rules.DEFAULTS[key]
            settings_rules.validate_all({**settings_rules.DEFAULTS, **stored, **normalised})
            new_currency = normalised.get("currency")
            if new_currency is not None:
                # the amounts are stored as they were imported: another label would not convert them
                row = conn.execute('SELECT currency, count(*) FROM "order" WHERE currency <> ? GROUP BY currency '
                                   "ORDER BY count(*) DESC LIMIT 1", (new_currency,)).fetchone()
                if row is not None:
                    from segtui.i18n import _

                    raise settings_rules.SettingError(_(
                        "the book's orders are in {old}: called {new}, their amounts would be wrong, as nothing "
                        "converts them — a book with orders keeps its currency (import the orders into a new book "
                        "with --currency {new}, or with --rate {old}=RATE)").format(old=row[0], new=new_currency))
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


def _before_commit(conn: sqlite3.Connection) -> None:
    """What a transaction that changed orders keeps up to date before it commits: each
    customer's order rhythm (store/trends.py; nothing to do costs two index seeks)."""
    from segtui.store.trends import refresh_rhythms

    refresh_rhythms(conn)


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
        raise BookError(Phrase(
            "{path} was written by a newer segtui (book version {version}, this segtui reads up to "
            "{known}); upgrade segtui to open it — the book was not changed", path=file, version=version,
            known=SCHEMA_VERSION))
    reason = None
    if not new and not _writable(file):
        reason = Phrase("the file is read-only")
    elif not _writable(file.parent):
        reason = Phrase("the folder is read-only")
    readonly = reason is not None
    if readonly and version < SCHEMA_VERSION:
        raise BookError(
            Phrase("{path} needs an upgrade to book version {version} but {reason}; copy it somewhere writable first",
                   path=file, version=SCHEMA_VERSION, reason=reason)
            if not new
            else Phrase("cannot create a book in {folder}: the folder is read-only", folder=file.parent)
        )
    safety_copy = None
    if 0 < version < SCHEMA_VERSION:
        from segtui.store.backup import backup_before

        safety_copy = backup_before(file, Phrase("the upgrade to book version {version}", version=SCHEMA_VERSION))
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
                    outcome = (Phrase("the book was not changed") if reached == version
                               else Phrase("the book stays at version {version}", version=reached))
                    copy = (Phrase(" — a safety copy is at {path}", path=safety_copy) if safety_copy else "")
                    raise BookError(Phrase("upgrading {path} to book version {version} failed ({error}); {outcome}{copy}",
                                           path=file, version=SCHEMA_VERSION, error=(explained.phrase or explained) if explained is not None else error,
                                           outcome=outcome, copy=copy)) from None
                conn.execute("BEGIN IMMEDIATE")
                _seed_settings(conn)
                _before_commit(conn)  # an upgrade works out what the book now keeps (order rhythms)
                conn.execute("COMMIT")
            _capture(conn)
    except sqlite3.Error as error:
        if conn is not None:
            conn.close()
        raise explain(error, file) or BookError(Phrase("{path} cannot be opened ({error})", path=file, error=error)) from None
    except BaseException:
        if conn is not None:
            conn.close()
        raise
    book = Book(conn, str(file), readonly=readonly, readonly_reason=reason, safety_copy=safety_copy)
    # more read-only connections (parallel reads) open the file the way this one did
    book.reader_uri = reader if readonly else _read_only_uri(file)
    return book
