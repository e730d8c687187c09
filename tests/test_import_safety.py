"""Imports keep the book as it was next to it before writing, and user text in an
imported file (names, ids) reaches the book intact, whatever it contains."""

from __future__ import annotations

import csv
import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui import cli
from segtui.io.importer import ReadError, import_customers, import_orders
from segtui.store.backup import list_backups
from segtui.store.book import BookError, open_book

AS_OF = dt.date(2026, 11, 23)


def book_with_a_customer(path: Path) -> Path:
    book = open_book(path)
    with book.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'Ekbyggen AB', '2026-01-01')")
        conn.execute("""INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (1, 'F1', 'F1', '2026-01-02', 100)""")
    book.close()
    return path


def orders_file(path: Path, rows: list[tuple]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer", "customer_name", "order", "date", "amount"])
        writer.writerows(rows)
    return path


def content(path: Path) -> list[str]:
    conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_an_import_keeps_the_book_as_it_was_and_says_where(tmp_path: Path) -> None:
    path = book_with_a_customer(tmp_path / "book.db")
    before = content(path)
    data = orders_file(tmp_path / "orders.csv", [("K1", "", "F2", "2026-03-04", "250.50"), ("K2", "Nya AB", "F3", "2026-03-05", "99")])
    result = CliRunner().invoke(cli.main, ["import", "orders", str(path), str(data), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    [copy] = list_backups(path)
    assert result.stderr.strip() == f"segtui: the book as it was before this import is kept at {copy}"
    assert content(copy) == before
    assert content(path) != before


def test_no_copy_when_nothing_is_written(tmp_path: Path) -> None:
    path = book_with_a_customer(tmp_path / "book.db")
    good = orders_file(tmp_path / "orders.csv", [("K1", "", "F2", "2026-03-04", "250.50")])
    bad = orders_file(tmp_path / "bad.csv", [("K1", "", "F2", "2026-03-04", "250.50"), ("K1", "", "F3", "yesterday", "1")])
    runner = CliRunner()
    assert runner.invoke(cli.main, ["import", "orders", str(path), str(good), "--dry-run"]).exit_code == 0
    assert runner.invoke(cli.main, ["import", "orders", str(path), str(bad)]).exit_code == 1
    assert list_backups(path) == []
    # nor for the very first import into a new book: there is nothing to keep yet
    new = tmp_path / "new.db"
    result = runner.invoke(cli.main, ["import", "orders", str(new), str(good), "--currency", "SEK"])
    assert result.exit_code == 0 and list_backups(new) == [] and "kept at" not in result.stderr


def customers_file(path: Path, rows: list[tuple]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer", "name", "city"])
        writer.writerows(rows)
    return path


def test_an_import_that_adds_nothing_keeps_no_copy_and_rotates_none_out(tmp_path: Path) -> None:
    path = book_with_a_customer(tmp_path / "book.db")
    book = open_book(path)
    for n in range(5):  # five good copies, as after five real imports
        summary = import_orders(book, orders_file(tmp_path / f"o{n}.csv", [("K1", "", f"G{n}", "2026-03-04", "1")]),
                                as_of=AS_OF)
        assert summary.safety_copy
    copies = list_backups(path)
    assert len(copies) == 5
    before = content(path)
    header_only = orders_file(tmp_path / "header.csv", [])
    again = tmp_path / "o4.csv"
    same_customers = customers_file(tmp_path / "c.csv", [("K1", "Ekbyggen AB", "")])
    for _attempt in range(6):
        for summary in (import_orders(book, again, as_of=AS_OF), import_customers(book, same_customers, as_of=AS_OF)):
            assert summary.safety_copy is None
        try:
            import_orders(book, header_only, as_of=AS_OF)
        except ReadError:
            pass  # a file without rows may be refused; either way nothing is written
    assert list_backups(path) == copies
    assert content(path) == before
    # a change is written: one more copy, holding the book as it was before that import
    summary = import_customers(book, customers_file(tmp_path / "c2.csv", [("K1", "Ekbyggen AB", "Lund")]), as_of=AS_OF)
    assert summary.customers_updated == 1 and summary.safety_copy
    assert list_backups(path)[-1] == Path(summary.safety_copy) and list_backups(path)[:-1] == copies[1:]
    assert content(Path(summary.safety_copy)) == before
    book.close()


def test_an_import_that_fails_after_writing_keeps_no_copy_and_changes_nothing(tmp_path: Path, monkeypatch) -> None:
    import segtui.io.importer as importer

    path = book_with_a_customer(tmp_path / "book.db")
    before = content(path)

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(importer, "_first_day", broken)  # fails after the orders are written
    book = open_book(path)
    with pytest.raises((BookError, sqlite3.Error)):
        import_orders(book, orders_file(tmp_path / "o.csv", [("K1", "", "F9", "2026-03-04", "5")]), as_of=AS_OF)
    book.close()
    assert list_backups(path) == []
    assert content(path) == before


def test_an_import_without_a_copy_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    path = book_with_a_customer(tmp_path / "book.db")
    before = content(path)
    data = orders_file(tmp_path / "orders.csv", [("K1", "", "F2", "2026-03-04", "250.50")])
    # the copy's place is taken, as by a full disk
    (tmp_path / ".book.db.2026-11-23T0812.bak.part").mkdir()
    import segtui.store.backup as backup

    monkeypatch.setattr(backup, "_target", lambda p, now: p.with_name(f"{p.name}.2026-11-23T0812.bak"))
    book = open_book(path)
    with pytest.raises(BookError, match="could not keep a safety copy .* before importing orders.csv"):
        import_orders(book, data, as_of=AS_OF)
    book.close()
    assert content(path) == before


def test_only_five_copies_are_kept_over_many_imports(tmp_path: Path) -> None:
    path = book_with_a_customer(tmp_path / "book.db")
    book = open_book(path)
    for n in range(7):
        data = orders_file(tmp_path / f"o{n}.csv", [("K1", "", f"G{n}", "2026-03-04", "1")])
        summary = import_orders(book, data, as_of=AS_OF)
        assert summary.safety_copy and Path(summary.safety_copy).exists()
    assert len(list_backups(path)) == 5
    book.close()


def test_a_read_only_book_is_not_imported_into(tmp_path: Path) -> None:
    path = book_with_a_customer(tmp_path / "book.db")
    path.chmod(0o444)
    try:
        data = orders_file(tmp_path / "orders.csv", [("K1", "", "F2", "2026-03-04", "250.50")])
        result = CliRunner().invoke(cli.main, ["import", "orders", str(path), str(data)])
        assert result.exit_code == 1
        assert "read-only" in result.stderr and "Traceback" not in result.output
        assert list_backups(path) == []
    finally:
        path.chmod(0o644)


NASTY = [
    "O'Brien & Söner",
    'Robert"); DROP TABLE customer;--',
    "'; DELETE FROM \"order\"; --",
    "100% natural",
    "under_score",
    "%",
    "_",
    "%_%\\",
    "' OR '1'='1",
    "emoji 😀 åäö",
    "semi;colon",
    "x" * 500,
]


def test_nasty_names_and_ids_round_trip_through_an_import(tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    rows = [(f"ID {text}", text, f"F{n}", "2026-03-04", "10") for n, text in enumerate(NASTY)]
    data = orders_file(tmp_path / "orders.csv", rows)
    book = open_book(path)
    summary = import_orders(book, data, as_of=AS_OF)
    assert summary.orders_new == len(NASTY)
    stored = dict(book.query("SELECT source_id, name FROM customer"))
    assert stored == {f"ID {text}": text.strip() or f"ID {text}" for text in NASTY}
    refs = {r[0] for r in book.query('SELECT order_ref FROM "order"')}
    assert refs == {f"F{n}" for n in range(len(NASTY))}
    assert book.scalar("PRAGMA integrity_check") == "ok"
    # customers again, from a CRM export: names and cities as written
    crm = tmp_path / "crm.csv"
    with crm.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Customer ID", "Company name", "City"])
        writer.writerows((f"ID {text}", f"{text[:490]} 2", text) for text in NASTY)
    import_customers(book, crm, as_of=AS_OF)
    cities = dict(book.query("SELECT source_id, city FROM customer"))
    assert cities == {f"ID {text}": text for text in NASTY}
    # a value too long for a field is refused with its line, and nothing is written
    before = dump(book)
    with crm.open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow(["ID long", "y" * 20_000, "Umeå"])
    with pytest.raises(ReadError, match=f'line {len(NASTY) + 2}, column "Company name": the value is too long'):
        import_customers(book, crm, as_of=AS_OF)
    assert dump(book) == before
    book.close()


def dump(book) -> list[str]:
    with book.lock:
        return list(book.conn.iterdump())


@pytest.mark.parametrize("text", ["a\x00b", "\x00"])
def test_a_nul_in_an_imported_file_is_kept_or_refused_cleanly(tmp_path: Path, text: str) -> None:
    path = book_with_a_customer(tmp_path / "book.db")
    before = content(path)
    data = orders_file(tmp_path / "orders.csv", [(f"K{text}9", text, "F9", "2026-03-04", "10")])
    book = open_book(path)
    try:
        import_orders(book, data, as_of=AS_OF)
    except ReadError:
        book.close()
        assert content(path) == before
        return
    assert book.scalar("SELECT name FROM customer WHERE source_id = ?", (f"K{text}9",)) in (text, f"K{text}9")
    book.close()


def test_a_read_only_book_reached_through_a_link_shows_the_edits_in_its_log(tmp_path: Path) -> None:
    (tmp_path / "books").mkdir()
    path = book_with_a_customer(tmp_path / "books" / "book.db")
    writer = open_book(path)  # still open: its last edit is only in the write-ahead log
    with writer.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K2', 'Nya AB', '2026-11-23')")
    assert (tmp_path / "books" / "book.db-wal").stat().st_size > 0
    path.chmod(0o444)
    link = tmp_path / "link.db"
    link.symlink_to(path)
    try:
        for opened in (link, path):
            book = open_book(opened)
            try:
                assert book.readonly
                assert [r[0] for r in book.rows("SELECT source_id FROM customer ORDER BY source_id")] == ["K1", "K2"]
            finally:
                book.close()
    finally:
        path.chmod(0o644)
        writer.close()
