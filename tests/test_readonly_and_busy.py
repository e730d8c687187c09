"""A read-only file or folder opens read-only; two programs on one book wait for
each other briefly and lose no edit."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui import cli
from segtui.store.book import BookError, open_book

ROOT = Path(__file__).resolve().parent.parent


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_book(path: Path) -> Path:
    book = open_book(path)
    with book.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'Ekbyggen AB', '2026-01-01')")
    book.close()
    return path


@pytest.fixture
def read_only_file(tmp_path: Path):
    path = make_book(tmp_path / "ro.db")
    path.chmod(0o444)
    yield path
    path.chmod(0o644)


@pytest.fixture
def read_only_folder(tmp_path: Path):
    folder = tmp_path / "shared"
    folder.mkdir()
    path = make_book(folder / "book.db")
    folder.chmod(0o555)
    yield path
    folder.chmod(0o755)


@pytest.mark.parametrize("which, reason", [("file", "the file is read-only"), ("folder", "the folder is read-only")])
def test_read_only_books_open_for_reading_only(request, which: str, reason: str) -> None:
    path = request.getfixturevalue(f"read_only_{which}")
    before = digest(path)
    book = open_book(path, create=False)
    assert book.readonly and book.readonly_reason == reason
    assert book.scalar("SELECT name FROM customer") == "Ekbyggen AB"
    assert book.settings()["currency"] == "SEK"
    with pytest.raises(BookError, match=f"read-only \\({reason}\\): changes cannot be saved"):
        with book.transaction() as conn:
            conn.execute("UPDATE customer SET name = 'x'")
    with pytest.raises(BookError, match="read-only"):
        book.set_setting("abc.mode", "pareto")
    book.close()
    assert digest(path) == before
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no -wal/-shm left behind


def test_cli_reads_a_read_only_book_and_refuses_to_change_it(read_only_file: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(cli.main, ["settings", str(read_only_file), "abc.mode"]).stdout.strip() == "fixed"
    result = runner.invoke(cli.main, ["settings", str(read_only_file), "abc.mode", "pareto"])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [
        f"segtui: {read_only_file} is read-only (the file is read-only): changes cannot be saved"
    ]
    assert runner.invoke(cli.main, ["segments", str(read_only_file), "--format", "csv"]).exit_code == 0
    planned = runner.invoke(cli.main, ["plan", str(read_only_file), "--week", "2026-W48", "--format", "csv"])
    assert planned.exit_code == 0 and "read-only" in planned.stderr


def test_a_read_only_book_that_needs_an_upgrade_is_refused(read_only_file: Path, monkeypatch) -> None:
    import segtui.store.book as book_module

    monkeypatch.setattr(book_module, "SCHEMA_VERSION", book_module.SCHEMA_VERSION + 1)
    monkeypatch.setattr(book_module, "MIGRATIONS", [*book_module.MIGRATIONS, "CREATE TABLE later (x);"])
    with pytest.raises(BookError, match="needs an upgrade .* the file is read-only; copy it somewhere writable"):
        open_book(read_only_file)


def test_no_new_book_in_a_read_only_folder(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(BookError, match="cannot create a book in .*: the folder is read-only"):
            open_book(folder / "new.db")
        assert list(folder.iterdir()) == []
    finally:
        folder.chmod(0o755)


# --- two programs on one book ---------------------------------------------------


def test_a_reader_reads_while_another_writes(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.db")
    writer, reader = open_book(path), open_book(path)
    with writer.transaction() as conn:
        conn.execute("UPDATE customer SET name = 'Changed'")
        # WAL: the reader is not blocked and sees the last committed state
        assert reader.scalar("SELECT name FROM customer") == "Ekbyggen AB"
    assert reader.scalar("SELECT name FROM customer") == "Changed"
    writer.close()
    reader.close()


def test_the_second_writer_waits_then_saves(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.db")
    first, second = open_book(path), open_book(path)
    holding = threading.Event()

    def hold() -> None:
        with first.transaction() as conn:
            conn.execute("INSERT INTO activity (customer_id, date, kind, note) VALUES (1, '2026-11-23', 'call', 'first')")
            holding.set()
            time.sleep(0.4)

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait()
    started = time.monotonic()
    with second.transaction() as conn:
        conn.execute("INSERT INTO activity (customer_id, date, kind, note) VALUES (1, '2026-11-23', 'visit', 'second')")
    waited = time.monotonic() - started
    thread.join()
    assert 0.2 < waited < 5
    assert sorted(r[0] for r in first.query("SELECT note FROM activity")) == ["first", "second"]
    first.close()
    second.close()


def test_the_second_writer_says_the_book_is_busy_and_saves_nothing(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.db")
    first, second = open_book(path), open_book(path)
    second.conn.execute("PRAGMA busy_timeout = 150")
    with first.transaction() as conn:
        conn.execute("UPDATE customer SET name = 'First'")
        with pytest.raises(BookError, match="is busy: another program is writing to it; try again in a moment"):
            with second.transaction() as other:
                other.execute("UPDATE customer SET name = 'Second'")
    assert second.scalar("SELECT name FROM customer") == "First"
    # once the first is done, the second can save
    with second.transaction() as conn:
        conn.execute("UPDATE customer SET name = 'Second'")
    assert first.scalar("SELECT name FROM customer") == "Second"
    first.close()
    second.close()


def test_a_book_busy_during_an_upgrade_says_so(tmp_path: Path, monkeypatch) -> None:
    import segtui.store.book as book_module

    path = make_book(tmp_path / "b.db")
    holder = open_book(path)
    monkeypatch.setattr(book_module, "SCHEMA_VERSION", book_module.SCHEMA_VERSION + 1)
    monkeypatch.setattr(book_module, "MIGRATIONS", [*book_module.MIGRATIONS, "CREATE TABLE later (x);"])
    migrate = book_module._migrate

    def impatient(conn, current):
        conn.execute("PRAGMA busy_timeout = 100")  # instead of 5 s
        return migrate(conn, current)

    monkeypatch.setattr(book_module, "_migrate", impatient)
    with holder.transaction():
        with pytest.raises(BookError, match="failed .* is busy: .* the book was not changed"):
            open_book(path)
    holder.close()
    assert open_book(path).version == book_module.SCHEMA_VERSION


WRITER = textwrap.dedent(
    """
    import sys
    from segtui.store.book import open_book
    book = open_book(sys.argv[1], create=False)
    who, count = sys.argv[2], int(sys.argv[3])
    for i in range(count):
        with book.transaction() as conn:
            conn.execute(
                "INSERT INTO activity (customer_id, date, kind, note) VALUES (1, '2026-11-23', 'call', ?)",
                (f"{who} {i}",),
            )
            # a read-modify-write inside the transaction: no update may be lost
            value = conn.execute("SELECT value FROM setting WHERE key = 'xyz.x_from'").fetchone()[0]
            conn.execute("UPDATE setting SET value = ? WHERE key = 'xyz.x_from'", (str(int(value) + 1),))
        if i % 25 == 0:
            book.query("SELECT count(*) FROM activity")
    book.close()
    """
)


def test_two_processes_writing_lose_no_edit(tmp_path: Path) -> None:
    path = make_book(tmp_path / "b.db")
    book = open_book(path)
    with book.transaction() as conn:
        conn.execute("UPDATE setting SET value = '1000' WHERE key = 'xyz.x_from'")
    book.close()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    count = 150
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), who, str(count)], env=env,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for who in ("laptop", "desktop")
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    book = open_book(path, create=False)
    notes = {r[0] for r in book.query("SELECT note FROM activity")}
    assert notes == {f"{who} {i}" for who in ("laptop", "desktop") for i in range(count)}
    assert book.scalar("SELECT value FROM setting WHERE key = 'xyz.x_from'") == str(1000 + 2 * count)
    assert book.scalar("PRAGMA integrity_check") == "ok"
    book.close()


def test_nested_transactions_are_savepoints(book) -> None:
    with book.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'Kept', '2026-01-01')")
        with pytest.raises(ValueError):
            with book.transaction() as inner:
                inner.execute("INSERT INTO customer (source_id, name, created) VALUES ('K2', 'Undone', '2026-01-01')")
                raise ValueError("the inner part fails")
        with book.transaction() as inner:
            inner.execute("INSERT INTO customer (source_id, name, created) VALUES ('K3', 'Also kept', '2026-01-01')")
    assert [r[0] for r in book.query("SELECT name FROM customer ORDER BY id")] == ["Kept", "Also kept"]
    with pytest.raises(ValueError):
        with book.transaction() as conn:
            conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K4', 'Gone', '2026-01-01')")
            book.set_setting("abc.mode", "pareto")
            raise ValueError("the outer part fails")
    assert book.scalar("SELECT count(*) FROM customer") == 2
    assert book.settings()["abc.mode"] == "fixed"


def test_a_full_disk_during_a_write_is_explained(book, monkeypatch) -> None:
    import sqlite3

    error = sqlite3.OperationalError("database or disk is full")
    error.sqlite_errorcode = 13
    with pytest.raises(BookError, match="is full: the change was not saved"):
        with book.transaction() as conn:
            conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'A', '2026-01-01')")
            raise error
    assert book.scalar("SELECT count(*) FROM customer") == 0
    assert not book.conn.in_transaction


def test_parallel_reads_of_a_read_only_book_leave_nothing_beside_it(tmp_path: Path, monkeypatch) -> None:
    import datetime as dt

    import segtui.store.segments as engine
    from segtui.store.demo import generate

    path = tmp_path / "ro.db"
    generate(path, customers=60, today=dt.date(2026, 11, 23)).close()
    first = open_book(path)
    expected = engine.segment_book(first, dt.date(2026, 11, 23))
    first.close()
    path.chmod(0o444)
    try:
        monkeypatch.setattr(engine, "PARALLEL_FROM_ROWS", 0)  # read in two threads, each its own connection
        book = open_book(path)
        assert book.readonly and "immutable=1" in book.reader_uri
        assert engine.segment_book(book, dt.date(2026, 11, 23)) == expected
        book.close()
        assert sorted(p.name for p in tmp_path.iterdir()) == ["ro.db"]
    finally:
        path.chmod(0o644)
