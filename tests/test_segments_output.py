"""`segtui segments` writes the same bytes as before its speed-ups (BENCHMARKS.md "Segments").

The files in ``tests/fixtures/segments/`` are what the command wrote on a seeded demo book
before the CSV writer and the engine were made faster (main at dc51fef); every output kind
the fast paths touch is held to them byte for byte: CSV on the day and on a day in the past
(where the trends read the orders), CSV in the Swedish spreadsheet dialect, CSV with
``--compare``, and JSON — each once with the window pass on the book's own connection and
once in two threads (as on a big book).

A change that is meant to change the output (new columns, other rules, another demo book)
writes them again: ``PYTHONPATH=src python tests/test_segments_output.py --write``.
"""

from __future__ import annotations

import datetime as dt
import gzip
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui.cli import main
from segtui.store import segments as engine

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "segments"
TODAY = dt.date(2026, 11, 23)
# the demo book the files were written from
CUSTOMERS, ORDERS, SEED = 600, 30_000, 7

CASES = {
    "today.csv": ["--format", "csv", "--as-of", "2026-11-23"],
    "past.csv": ["--format", "csv", "--as-of", "2025-06-30"],
    "excel-sv.csv": ["--format", "csv", "--as-of", "2026-11-23", "--dialect", "excel-sv"],
    "compare.csv": ["--format", "csv", "--as-of", "2026-11-23", "--compare", "2026-05-23"],
    "today.json": ["--format", "json", "--as-of", "2026-11-23"],
}


def _demo(path: Path) -> Path:
    """The seeded demo book, with what the demo does not make: order rows without an order id
    (some netted by a credit note on the same day) and names a CSV must quote or defuse."""
    from segtui.store.book import open_book
    from segtui.store.demo import generate

    generate(path, customers=CUSTOMERS, orders=ORDERS, seed=SEED, today=TODAY).close()
    book = open_book(path)
    with book.transaction() as conn:
        for n, cid in enumerate(range(3, CUSTOMERS, 37)):
            day = (TODAY - dt.timedelta(days=17 * n + 3)).isoformat()
            rows = [(cid, day, 125_050 + n), (cid, day, -125_050 - n if n % 3 == 0 else -50)]
            conn.executemany(
                'INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (?, NULL, ?, ?, ?)',
                [(c, f"d:{d}", d, a) for c, d, a in rows])
        conn.execute("UPDATE customer SET name = 'Berg, Lind & \"Söner\"' WHERE id = 5")
        conn.execute("UPDATE customer SET name = '=SUM(A1)', city = 'Ort;Stad' WHERE id = 9")
        conn.execute("UPDATE customer SET owner = '-Anna', city = 'Luleå\nNorr' WHERE id = 11")
    book.close()
    return path


def _segments(book: Path, args: list[str]) -> bytes:
    result = CliRunner().invoke(main, ["segments", str(book), *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


@pytest.fixture(scope="module")
def demo_book(tmp_path_factory) -> Path:
    return _demo(tmp_path_factory.mktemp("segments-output") / "demo.db")


@pytest.mark.parametrize("threads", [False, True], ids=["one connection", "two threads"])
@pytest.mark.parametrize("name", list(CASES))
def test_segments_write_the_bytes_they_wrote_before(demo_book: Path, name: str, threads: bool,
                                                    monkeypatch) -> None:
    if threads:
        monkeypatch.setattr(engine, "PARALLEL_FROM_ROWS", 1)
    expected = gzip.decompress((FIXTURES / f"{name}.gz").read_bytes())
    got = _segments(demo_book, CASES[name])
    assert got.count(b"\n") > CUSTOMERS // 2  # a whole book, not an empty answer
    assert got == expected


def _write() -> None:
    import tempfile

    FIXTURES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        book = _demo(Path(folder) / "demo.db")
        for name, args in CASES.items():
            (FIXTURES / f"{name}.gz").write_bytes(gzip.compress(_segments(book, args), mtime=0))


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    _write()
