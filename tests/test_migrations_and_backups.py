"""Books from every released schema version open with the current code and keep
every row; an upgrade keeps a safety copy next to the book first."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

import segtui.store.book as book_module
from segtui import cli
from segtui.store.backup import backup_before, latest_backup, list_backups
from segtui.store.book import BookError, open_book
from segtui.store.schema import SCHEMA_VERSION
from segtui.store.segments import segment_book

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "books"
RELEASED = sorted(FIXTURES.glob("v*.db"), key=lambda p: int(p.stem[1:]))
AS_OF = dt.date(2026, 11, 23)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def dump(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return [*conn.iterdump(), f"version {conn.execute('PRAGMA user_version').fetchone()[0]}"]
    finally:
        conn.close()


def rows_of(book_or_conn, table: str, columns: list[str]) -> list[dict]:
    names = ", ".join(f'"{c}"' for c in columns)
    rows = book_or_conn.execute(f'SELECT {names} FROM "{table}" ORDER BY rowid').fetchall()
    return [dict(zip(columns, row)) for row in rows]


def test_there_is_a_fixture_for_every_released_version() -> None:
    assert [int(p.stem[1:]) for p in RELEASED] == list(range(1, SCHEMA_VERSION + 1))


@pytest.mark.parametrize("fixture", RELEASED, ids=lambda p: p.stem)
def test_a_released_book_opens_with_every_row(fixture: Path, tmp_path: Path) -> None:
    expected = json.loads(fixture.with_suffix(".json").read_text(encoding="utf-8"))
    path = tmp_path / "book.db"
    shutil.copy(fixture, path)
    before = digest(fixture)
    book = open_book(path, create=False)
    assert book.version == SCHEMA_VERSION
    for table, rows in expected.items():
        got = rows_of(book.conn, table, list(rows[0]))
        if table == "setting":  # opening adds the defaults of new settings, never changes stored ones
            got = [r for r in got if r["key"] in {e["key"] for e in rows}]
        assert got == rows, table
    # the engine reads it
    segments = {s.source_id: s for s in segment_book(book, AS_OF)}
    assert set(segments) == {c["source_id"] for c in expected["customer"] if not c["archived"]}
    assert book.scalar("PRAGMA integrity_check") == "ok"
    assert book.scalar("PRAGMA foreign_key_check") is None
    book.close()
    assert digest(fixture) == before
    assert (list_backups(path) != []) == (int(fixture.stem[1:]) < SCHEMA_VERSION)


def test_a_newer_book_is_refused_untouched_by_every_command(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    shutil.copy(RELEASED[-1], path)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    before = digest(path)
    for command in (["segments", str(path)], ["settings", str(path)], ["settings", str(path), "abc.mode", "pareto"]):
        result = CliRunner().invoke(cli.main, command)
        assert result.exit_code == 1
        assert result.stderr.strip().splitlines() == [
            f"segtui: {path} was written by a newer segtui (book version {SCHEMA_VERSION + 1}, this segtui reads "
            f"up to {SCHEMA_VERSION}); upgrade segtui to open it — the book was not changed"
        ]
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["future.db"]


@pytest.fixture
def next_version(monkeypatch):
    """Pretend the code has one more migration than the released books."""

    def add(script: str) -> int:
        monkeypatch.setattr(book_module, "MIGRATIONS", [*book_module.MIGRATIONS, script])
        monkeypatch.setattr(book_module, "SCHEMA_VERSION", book_module.SCHEMA_VERSION + 1)
        return book_module.SCHEMA_VERSION

    return add


def test_an_upgrade_keeps_a_safety_copy_and_says_where(tmp_path: Path, next_version) -> None:
    path = tmp_path / "book.db"
    shutil.copy(RELEASED[-1], path)
    before = dump(path)
    version = next_version("ALTER TABLE customer ADD COLUMN segment_note TEXT;")
    result = CliRunner().invoke(cli.main, ["settings", str(path), "currency"])
    assert result.exit_code == 0, result.output
    copy = latest_backup(path)
    assert copy is not None and re.fullmatch(r"book\.db\.\d{4}-\d\d-\d\dT\d{4}\.bak", copy.name)
    assert result.stderr.strip() == (
        f"segtui: upgraded {path} to book version {version}; the previous book is kept at {copy}"
    )
    assert dump(copy) == before  # the copy is the book exactly as it was
    assert dump(path) != before
    book = open_book(path)
    assert book.version == version and book.safety_copy is None  # upgraded once, copied once
    assert len(list_backups(path)) == 1


def test_a_failed_upgrade_leaves_the_book_as_it_was(tmp_path: Path, next_version) -> None:
    path = tmp_path / "book.db"
    shutil.copy(RELEASED[-1], path)
    expected = json.loads(RELEASED[-1].with_suffix(".json").read_text(encoding="utf-8"))
    next_version("ALTER TABLE customer ADD COLUMN extra TEXT; INSERT INTO no_such_table VALUES (1);")
    with pytest.raises(BookError, match="upgrading .* failed .*no_such_table.*the book was not changed — a safety copy is at"):
        open_book(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    columns = [r[1] for r in conn.execute("PRAGMA table_info(customer)")]
    assert "extra" not in columns
    assert rows_of(conn, "customer", list(expected["customer"][0])) == expected["customer"]
    conn.close()


# --- safety copies ------------------------------------------------------------------


def test_a_safety_copy_is_a_whole_consistent_book(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    book = open_book(path)
    with book.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'Committed', '2026-01-01')")
    with book.transaction() as conn:  # an import in progress on the open book
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K2', 'Not yet', '2026-01-01')")
        copy = backup_before(book, "an import", now=dt.datetime(2026, 11, 23, 8, 12))
    assert copy == tmp_path / "book.db.2026-11-23T0812.bak"
    assert not Path(f"{copy}-wal").exists() and not list(tmp_path.glob(".*part*"))
    kept = sqlite3.connect(copy)
    assert kept.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert kept.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert [r[0] for r in kept.execute("SELECT name FROM customer")] == ["Committed"]
    kept.close()
    assert book.scalar("SELECT count(*) FROM customer") == 2


def test_only_the_newest_five_copies_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    open_book(path).close()
    made = [backup_before(path, "a test", now=dt.datetime(2026, 11, 23, 8, minute)) for minute in (10, 11, 12, 12, 12, 13, 14)]
    assert [p.name for p in made[2:5]] == [
        "book.db.2026-11-23T0812.bak", "book.db.2026-11-23T0812-2.bak", "book.db.2026-11-23T0812-3.bak"
    ]
    assert list_backups(path) == made[2:]
    assert latest_backup(path) == made[-1]
    (tmp_path / "book.db.notes.bak").write_text("not ours")
    (tmp_path / "other.db.2026-11-23T0812.bak").write_text("not ours")
    backup_before(path, "a test", keep=2, now=dt.datetime(2026, 11, 23, 8, 15))
    assert len(list_backups(path)) == 2
    # copies made within one minute after older ones were pruned still sort last
    for _ in range(4):
        newest = backup_before(path, "a test", keep=2, now=dt.datetime(2026, 11, 23, 9, 0))
        assert newest.exists() and list_backups(path)[-1] == newest
    assert (tmp_path / "book.db.notes.bak").exists() and (tmp_path / "other.db.2026-11-23T0812.bak").exists()


def test_nothing_to_copy_for_a_new_or_empty_book(tmp_path: Path) -> None:
    assert backup_before(tmp_path / "missing.db", "an import") is None
    (tmp_path / "empty.db").write_bytes(b"")
    assert backup_before(tmp_path / "empty.db", "an import") is None
    assert backup_before(open_book(":memory:"), "an import") is None
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_a_copy_that_cannot_be_made_stops_what_would_follow(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    open_book(path).close()
    when = dt.datetime(2026, 11, 23, 8, 12)
    # the place of the partial copy is taken (as by a full disk or a locked folder)
    (tmp_path / ".book.db.2026-11-23T0812.bak.part").mkdir()
    with pytest.raises(BookError, match="could not keep a safety copy of .* before an import .*; nothing was changed"):
        backup_before(path, "an import", now=when)
    assert list_backups(path) == []


def test_an_upgrade_without_a_safety_copy_does_not_happen(tmp_path: Path, next_version, monkeypatch) -> None:
    path = tmp_path / "book.db"
    shutil.copy(RELEASED[-1], path)
    before = digest(path)
    next_version("ALTER TABLE customer ADD COLUMN segment_note TEXT;")

    def no_room(*args, **kwargs):
        raise BookError(f"could not keep a safety copy of {path} before the upgrade (disk full); nothing was changed")

    monkeypatch.setattr("segtui.store.backup.backup_before", no_room)
    with pytest.raises(BookError, match="could not keep a safety copy"):
        open_book(path)
    assert digest(path) == before


def test_partial_copies_left_by_a_kill_are_cleared_later(tmp_path: Path) -> None:
    import os

    path = tmp_path / "book.db"
    open_book(path).close()
    old = tmp_path / ".book.db.2026-11-20T0900.bak.part"
    fresh = tmp_path / ".book.db.2026-11-23T0811.bak.part"  # perhaps another segtui copying right now
    for leftover in (old, fresh):
        leftover.write_bytes(b"SQLite format 3\x00")
    moment = 1_795_420_000  # 2026-11-23 (UTC)
    os.utime(old, (moment - 3 * 86400, moment - 3 * 86400))
    os.utime(fresh, (moment - 60, moment - 60))
    backup_before(path, "a test", now=dt.datetime.fromtimestamp(moment, dt.timezone.utc))
    assert not old.exists() and fresh.exists()
