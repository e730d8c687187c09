"""Trouble is named for what it is (README "Your data"): a leftover journal is not "read-only", a
full disk is "full", not "disk I/O error", and a damaged book's report is one line."""

from __future__ import annotations

import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui import cli
from segtui.store.book import BookError, explain, open_book

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample.db"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "segtui", *args], capture_output=True, text=True, env=env,
                          timeout=60, stdin=subprocess.DEVNULL)


def one_line(stderr: str, needle: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("segtui: ") and needle in lines[0], stderr
    assert "Traceback" not in stderr


# --- a journal left beside the book ---------------------------------------------------------------


@pytest.mark.parametrize("journal", ["noise", "an old journal"])
@pytest.mark.parametrize("command", [["segments"], ["log", "{book}", "K10075", "call"], ["plan"], ["settings"]],
                         ids=lambda c: c[0])
def test_a_leftover_journal_is_named_not_called_read_only(tmp_path: Path, journal: str, command: list[str]) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    side = tmp_path / "book.db-journal"
    if journal == "noise":
        side.write_bytes(bytes([0xD9]) + random.Random(3).randbytes(4095))
    else:  # the rollback journal of another copy of the book, from a writer killed mid-change: undoing
        # it into this book would mix two books
        other = tmp_path / "other" / "book.db"
        other.parent.mkdir()
        shutil.copy(SAMPLE, other)
        script = ("import os, sqlite3, sys\n"
                  "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
                  "conn.execute('PRAGMA journal_mode = DELETE')\n"
                  "conn.execute('PRAGMA cache_size = 1')\n"
                  "conn.execute('BEGIN IMMEDIATE')\n"
                  "conn.execute(\"UPDATE customer SET name = name || ' (other)'\")\n"
                  "os._exit(9)\n")
        subprocess.run([sys.executable, "-c", script, str(other)], check=False, timeout=60)
        assert (other.parent / "book.db-journal").stat().st_size > 0
        shutil.copy(other.parent / "book.db-journal", side)
    before, journal_before = digest(book), digest(side)
    args = [a.format(book=book) for a in command] if "{book}" in command else [*command, str(book)]
    result = run_cli(*args)
    assert result.returncode == 1
    one_line(result.stderr, "book.db-journal lies beside")
    assert "move it away, then open the book again" in result.stderr and "read-only" not in result.stderr
    assert digest(book) == before and digest(side) == journal_before
    side.unlink()
    assert run_cli("segments", str(book), "--as-of", "2026-11-23").returncode == 0


def test_an_empty_journal_is_no_trouble(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    (tmp_path / "book.db-journal").write_bytes(b"")
    result = run_cli("log", str(book), "K10075", "call", "--date", "2026-11-23")
    assert result.returncode == 0, result.stderr


# --- a full disk ----------------------------------------------------------------------------------


def test_an_io_error_on_a_full_disk_is_called_a_full_disk(tmp_path: Path, monkeypatch) -> None:
    import segtui.store.book as book_module

    error = sqlite3.OperationalError("disk I/O error")
    error.sqlite_errorcode = 778  # SQLITE_IOERR_WRITE, what a full disk gives a write-ahead log
    monkeypatch.setattr(book_module, "_disk_full", lambda path: True)
    explained = explain(error, tmp_path / "book.db")
    assert explained is not None and explained.kind == "full"
    assert str(explained) == f"the disk holding {tmp_path / 'book.db'} is full: the change was not saved"
    monkeypatch.setattr(book_module, "_disk_full", lambda path: False)
    assert explain(error, tmp_path / "book.db").kind == "disk"  # room to spare: a real I/O error


def test_an_export_onto_a_full_disk_says_so_in_one_line(tmp_path: Path, monkeypatch) -> None:
    from segtui.io import export

    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)

    def full(rows, out, before=None, dialect=None):
        out.write("customer,name\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_segments_csv", full)
    for target in ([], ["-o", str(tmp_path / "out.csv")]):
        result = CliRunner().invoke(cli.main, ["segments", str(book), "--format", "csv", "--as-of", "2026-11-23",
                                               *target])
        assert result.exit_code == 1
        one_line(result.stderr, "the disk is full: nothing was written — free some space and try again")
    assert sorted(p.name for p in tmp_path.iterdir() if "out" in p.name) == []


@pytest.fixture
def tiny_disk(tmp_path: Path):
    """A 1 MB file system (needs the right to mount; skipped without it)."""
    where = tmp_path / "tiny"
    where.mkdir()
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a small file system needs root on Linux")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield where
    finally:
        if subprocess.run(["umount", str(where)], capture_output=True).returncode != 0:
            subprocess.run(["umount", "-l", str(where)], capture_output=True)  # still busy: detach it


def _fill(folder: Path) -> None:
    with (folder / "filler").open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass


def test_a_really_full_disk_is_called_full(tiny_disk: Path) -> None:
    book = tiny_disk / "book.db"
    made = run_cli("demo", str(book), "--customers", "40", "--orders", "300", "--today", "2026-11-23")
    assert made.returncode == 0, made.stderr
    opened = open_book(book)
    source = opened.scalar("SELECT source_id FROM customer ORDER BY id LIMIT 1")
    opened.close()
    _fill(tiny_disk)
    result = run_cli("log", str(book), source, "call", "--date", "2026-11-23", "--note", "written on a full disk")
    assert result.returncode == 1
    one_line(result.stderr, "is full")
    assert "I/O" not in result.stderr
    elsewhere = tiny_disk.parent / "sample.db"  # a book on a disk with room, exported onto the full one
    shutil.copy(SAMPLE, elsewhere)
    export = run_cli("segments", str(elsewhere), "--as-of", "2026-11-23", "--format", "csv",
                     "-o", str(tiny_disk / "s.csv"))
    assert export.returncode == 1
    one_line(export.stderr, "the disk is full")
    assert [p.name for p in tiny_disk.iterdir() if "s.csv" in p.name] == []  # no half file
    (tiny_disk / "filler").unlink()
    opened = open_book(book)
    assert opened.scalar("SELECT count(*) FROM activity WHERE note = ?", ("written on a full disk",)) == 0
    opened.close()


# --- a damaged book's report ----------------------------------------------------------------------


def test_a_damaged_books_report_is_one_line_with_a_count(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    noise = random.Random(8)
    pages = book.stat().st_size // 4096
    with book.open("r+b") as handle:
        for page in range(pages // 2, pages // 2 + 8):
            handle.seek(page * 4096 + 100)
            handle.write(bytes(noise.randrange(256) for _ in range(200)))
    report = open_book(book).check()
    assert report is not None and "\n" not in report and len(report) < 300, report
    assert report.startswith(f"{book} is damaged (") and " more problems" in report
    count = int(report.rsplit(" and ", 1)[1].split(" more")[0].replace(",", ""))
    assert count > 10


def test_a_long_damage_message_from_sqlite_is_cut_to_one_line(tmp_path: Path) -> None:
    error = sqlite3.DatabaseError("*** in database main ***\nPage 5: wrong\nPage 6: wrong\nPage 7: wrong")
    error.sqlite_errorcode = 11
    explained = explain(error, tmp_path / "book.db")
    assert isinstance(explained, BookError)
    assert str(explained) == f"{tmp_path / 'book.db'} is damaged (Page 5: wrong and 2 more problems)"
