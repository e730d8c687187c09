"""Opening books: migrations, refusal of newer versions, settings."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from segtui.domain.settings import DEFAULTS, SettingError
from segtui.store.book import BookError, open_book
from segtui.store.schema import SCHEMA_VERSION

ROOT = Path(__file__).resolve().parent.parent
TABLES = {
    "setting", "customer", "contact", "order", "assessment", "checklist_answer", "qualification",
    "buying_behaviour", "competitor_contract", "activity", "plan_item",
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_file_becomes_the_current_schema(tmp_path: Path) -> None:
    book = open_book(tmp_path / "new.db")
    assert book.version == SCHEMA_VERSION
    tables = {r[0] for r in book.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert TABLES <= tables
    assert book.scalar("PRAGMA foreign_keys") == 1
    assert book.scalar("PRAGMA journal_mode") == "wal"
    assert book.settings() == DEFAULTS


def test_an_empty_file_becomes_the_current_schema(tmp_path: Path) -> None:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    assert open_book(path).version == SCHEMA_VERSION


def test_reopening_keeps_the_data(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    book = open_book(path)
    with book.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'Ekbyggen AB', '2026-01-01')")
    book.close()
    assert open_book(path).scalar("SELECT name FROM customer") == "Ekbyggen AB"


def test_a_newer_book_is_refused_and_not_touched(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    open_book(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    before = digest(path)
    with pytest.raises(BookError, match="newer segtui"):
        open_book(path)
    assert digest(path) == before
    assert not (tmp_path / "future.db-wal").exists()


@pytest.mark.parametrize(
    "content, message",
    [
        (b"customer;amount\nK1;100\n", "not a SQLite file"),
        (b"SQLite format 3\x00" + b"\x00" * 20, "truncated"),
    ],
)
def test_files_that_are_not_books_are_refused(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.db"
    path.write_bytes(content)
    with pytest.raises(BookError, match=message):
        open_book(path)
    assert path.read_bytes() == content


def test_a_folder_and_a_missing_book_are_refused(tmp_path: Path) -> None:
    with pytest.raises(BookError, match="folder"):
        open_book(tmp_path)
    with pytest.raises(BookError, match="no book"):
        open_book(tmp_path / "missing.db", create=False)


def test_a_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.close()
    with pytest.raises(BookError, match="not a segtui book"):
        open_book(path)


def test_a_failed_transaction_leaves_nothing(book) -> None:
    with pytest.raises(sqlite3.IntegrityError):
        with book.transaction() as conn:
            conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'A', '2026-01-01')")
            conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'B', '2026-01-01')")
    assert book.scalar("SELECT count(*) FROM customer") == 0


def test_money_is_stored_as_integers(book) -> None:
    with book.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'A', '2026-01-01')")
        conn.execute("""INSERT INTO "order" (customer_id, order_key, date, amount) VALUES (1, 'x', '2026-01-02', 123456)""")
    assert book.scalar('SELECT typeof(amount) FROM "order"') == "integer"


def test_settings_are_validated(book) -> None:
    assert book.set_setting("loyalty.high_from", "60%") == "0.6"
    assert book.settings()["loyalty.high_from"] == "0.6"
    with pytest.raises(SettingError, match="unknown setting"):
        book.set_setting("no.such", "1")
    with pytest.raises(SettingError, match="fixed, pareto"):
        book.set_setting("abc.mode", "magic")
    with pytest.raises(SettingError, match="must not be above"):
        book.set_setting("abc.b_from", "3000000")
    assert book.settings()["abc.b_from"] == "1000000"


def test_sample_book_opens_at_the_current_version(sample_copy) -> None:
    sample = sample_copy
    uri = f"{sample.as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT count(*) FROM customer").fetchone()[0] >= 250
