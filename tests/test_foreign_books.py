"""A file is read, never written, until it is known to be a whole segtui book: another program's
SQLite file, a book with a table or column missing and a stored setting that is not valid each get
one clear message (README "Your data")."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui import cli
from segtui.store.book import BookError, open_book
from segtui.store.schema import SCHEMA_VERSION, TABLES

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample.db"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "books"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def leftovers(path: Path) -> list[str]:
    """What opening left beside ``path``: a log, a shared-memory file, a safety copy."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name) and p != path)


def foreign(path: Path, version: int = 1) -> Path:
    """Another program's database that happens to have user_version 1 and a customer table."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE customer (id INTEGER PRIMARY KEY, name TEXT);"
        "INSERT INTO customer (name) VALUES ('Someone else''s data');"
        f"PRAGMA user_version = {version};"
    )
    conn.commit()
    conn.close()
    return path


def spoiled(path: Path, sql: str, source: Path = SAMPLE) -> Path:
    shutil.copy(source, path)
    conn = sqlite3.connect(path)
    conn.executescript(f"PRAGMA journal_mode = DELETE; {sql}")
    conn.close()
    return path


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run([sys.executable, "-m", "segtui", *args], capture_output=True, text=True, env=env,
                          timeout=60, stdin=subprocess.DEVNULL)


def one_line(stderr: str, needle: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("segtui: ") and needle in lines[0], stderr
    assert "Traceback" not in stderr


BAD = {
    "foreign v1": (lambda p: foreign(p), "is a SQLite file of another program, not a segtui book (the table setting is missing)"),
    "foreign current": (lambda p: foreign(p, SCHEMA_VERSION),
                        "is a SQLite file of another program, not a segtui book (the table setting is missing)"),
    "missing table": (lambda p: spoiled(p, "DROP TABLE note;"), "is damaged (the table note is missing)"),
    "missing column": (lambda p: spoiled(p, "ALTER TABLE contact DROP COLUMN role;"),
                       "is damaged (the column contact.role is missing)"),
    "old book missing a table": (lambda p: spoiled(p, "DROP TABLE activity;", FIXTURES / "v1.db"),
                                 "is damaged (the table activity is missing)"),
}


@pytest.fixture(params=sorted(BAD), ids=lambda name: name.replace(" ", "-"))
def bad_book(request, tmp_path: Path) -> tuple[Path, str]:
    make, message = BAD[request.param]
    return make(tmp_path / "book.db"), message


def test_open_book_refuses_and_changes_nothing(bad_book) -> None:
    path, message = bad_book
    before = digest(path)
    for create in (False, True):
        with pytest.raises(BookError, match=message.replace("(", r"\(").replace(")", r"\)")):
            open_book(path, create=create)
    assert digest(path) == before
    assert leftovers(path) == []  # no -wal, no -shm, no safety copy: the file is as it was
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal"
    conn.close()


@pytest.mark.parametrize("command", [["segments"], ["plan"], ["settings"], ["import", "orders"]],
                         ids=lambda c: "-".join(c))
def test_every_command_says_it_in_one_line(bad_book, tmp_path: Path, command: list[str]) -> None:
    path, message = bad_book
    before = digest(path)
    extra = []
    if command[0] == "import":
        data = tmp_path / "orders.csv"
        data.write_text("customer,date,amount\nK1,2026-11-02,100\n", encoding="utf-8")
        extra = [str(data), "--currency", "SEK"]
    result = run_cli(*command, str(path), *extra)
    assert result.returncode == 1
    one_line(result.stderr, message)
    assert digest(path) == before and leftovers(path) == []


def test_the_app_shows_it_on_a_message_screen(tmp_path: Path, monkeypatch) -> None:
    path = foreign(tmp_path / "other.db")
    before = digest(path)
    shown = []
    monkeypatch.setattr("segtui.launch._interactive", lambda: True)
    monkeypatch.setattr("segtui.ui.message.show_message", lambda *args, **kwargs: shown.append(args))
    result = CliRunner().invoke(cli.main, [str(path)])
    assert result.exit_code == 1
    assert shown == [("This book cannot be opened",
                      f"{path} is a SQLite file of another program, not a segtui book (the table setting is missing)")]
    assert digest(path) == before and leftovers(path) == []


def test_every_released_book_and_a_new_one_are_whole() -> None:
    from segtui.store.book import _missing_part, _tables

    for fixture in sorted(FIXTURES.glob("v*.db")):
        conn = sqlite3.connect(f"{fixture.as_uri()}?mode=ro", uri=True)
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            assert _missing_part(_tables(conn), version) is None, fixture.name
        finally:
            conn.close()
    new = _tables(open_book(":memory:").conn)  # a new book has every table and column a book must have
    assert all(set(columns) <= new.get(table, set()) for table, columns in TABLES.items())


# --- a stored setting that is not valid ---------------------------------------------------------


def bad_setting(path: Path) -> Path:
    return spoiled(path, "UPDATE setting SET value = 'many' WHERE key = 'window.months';")


def test_a_setting_that_is_not_valid_falls_back_to_its_default(tmp_path: Path) -> None:
    from segtui.domain.settings import DEFAULTS

    book = open_book(bad_setting(tmp_path / "book.db"))
    assert book.settings()["window.months"] == DEFAULTS["window.months"]
    assert [key for key, _ in book.invalid_settings()] == ["window.months"]
    assert book.scalar("SELECT value FROM setting WHERE key = 'window.months'") == "many"  # left for the rep to fix


def test_a_command_warns_once_naming_the_key_and_goes_on(tmp_path: Path) -> None:
    from segtui.domain.settings import DEFAULTS

    path = bad_setting(tmp_path / "book.db")
    result = run_cli("segments", str(path), "--as-of", "2026-11-23", "--format", "csv")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("customer,name,")
    assert result.stderr.strip().splitlines() == [
        f"segtui: the setting window.months in {path} is 'many', which is not valid; "
        f"the default {DEFAULTS['window.months']} is used (set it: segtui settings {path} window.months VALUE)"
    ]
    fixed = run_cli("settings", str(path), "window.months", "12")
    assert fixed.returncode == 0, fixed.stderr
    again = run_cli("segments", str(path), "--as-of", "2026-11-23", "--format", "csv")
    assert again.returncode == 0 and again.stderr == ""


async def test_the_app_says_it_and_reads_the_book(tmp_path: Path) -> None:
    import datetime as dt

    from board_books import loaded

    from segtui.launch import setting_warnings
    from segtui.ui.app import SegtuiApp

    path = bad_setting(tmp_path / "book.db")
    book = open_book(path)
    warnings = setting_warnings(book)
    assert len(warnings) == 1 and "window.months" in warnings[0]
    app = SegtuiApp(book, as_of=dt.date(2026, 11, 23), today=dt.date(2026, 11, 23), notice=warnings[0])
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        assert len(app.board.rows) > 0
        assert any("window.months" in n.message for n in app._notifications)
    book.close()
