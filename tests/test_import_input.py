"""What an imported file may hold and what is refused (README "Your data"): text
cleaned by the one text rule, ambiguous headers, mixed encodings, Excel's phantom
day, sizes, special files and currencies. Every refusal names the line and the
reason and leaves the book byte-for-byte as it was."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui.cli import main
from segtui.io.importer import ReadError, import_orders, preview
from segtui.store.book import open_book
from segtui.store.demo import generate

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def filled_book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    generate(path, customers=20, orders=200, seed=3, today=AS_OF).close()
    return path


def refused_unchanged(book: Path, data: Path, *extra: str) -> str:
    """Import ``data`` into ``book`` on the command line; it must fail and leave every
    byte of the book (and its log) as it was. Returns what it said."""
    files = [book, Path(f"{book}-wal"), Path(f"{book}-shm")]
    before = {f: f.read_bytes() if f.exists() else None for f in files}
    result = CliRunner().invoke(main, ["import", "orders", str(book), str(data), "--as-of", AS_OF.isoformat(), *extra])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert {f: f.read_bytes() if f.exists() else None for f in files} == before
    return result.stderr


# --- the header ------------------------------------------------------------------


def test_a_header_with_two_columns_that_read_alike_is_refused(filled_book: Path, tmp_path: Path) -> None:
    data = tmp_path / "orders.csv"
    data.write_text("Customer,customer,date,amount\nK1,K2,2026-01-05,10\n", encoding="utf-8")
    said = refused_unchanged(filled_book, data)
    assert ('line 1 (the header): the field "customer" could be column 1 "Customer" or column 2 "customer" — '
            'rename one, or say which with --map customer=COLUMN') in said
    # said which: taken
    book = open_book(":memory:")
    summary = import_orders(book, data, {"customer": "customer"}, as_of=AS_OF)
    assert book.scalar("SELECT source_id FROM customer") == "K2" and summary.rows_used == 1
    # the Import screen says the same
    assert "could be column 1" in (preview(data).error or "")
