"""Movements (`segtui segments --compare DATE`): where customers stood on an earlier day."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
from pathlib import Path

from click.testing import CliRunner
from hypothesis import given, strategies as st

from segtui.cli import main
from segtui.domain.movements import Cell, movement_matrix, moved
from segtui.store.book import open_book
from segtui.store.segments import segment_book

SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"
NOW, THEN = "2026-11-23", "2026-05-31"


@given(st.lists(st.tuples(st.sampled_from("ABCD"), st.sampled_from("ABCD"), st.integers(-10**9, 10**9))))
def test_the_matrix_adds_up_to_the_customers_and_their_revenue(pairs) -> None:
    cells = movement_matrix(pairs)
    assert sum(c.customers for c in cells.values()) == len(pairs)
    assert sum(c.revenue for c in cells.values()) == sum(r for _, _, r in pairs)
    assert moved(pairs) == sum(c.customers for (a, b), c in cells.items() if a != b)


def test_a_cell_counts_each_customer_once() -> None:
    assert movement_matrix([("A", "B", 5), ("A", "B", 7), ("B", "B", 1)]) == {
        ("A", "B"): Cell(2, 12), ("B", "B"): Cell(1, 1),
    }


def _run(book: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["segments", str(book), "--as-of", NOW, *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_csv_and_json_name_where_each_customer_stood_and_repeat_byte_for_byte(tmp_path) -> None:
    book = tmp_path / "s.db"
    shutil.copy(SAMPLE, book)
    text = _run(book, "--format", "csv", "--compare", THEN)
    assert text == _run(book, "--format", "csv", "--compare", THEN)
    rows = list(csv.DictReader(io.StringIO(text)))
    opened = open_book(book)
    then = {r.source_id: r for r in segment_book(opened, dt.date.fromisoformat(THEN))}
    opened.close()
    assert len(rows) == 300
    for row in rows:
        assert row["quadrant_before"] == then[row["customer"]].segment.quadrant.value
        assert row["abc_before"] == then[row["customer"]].segment.revenue_class
    assert any(r["quadrant_before"] != r["quadrant"] for r in rows)
    # the columns before --compare's stay as they were
    plain = list(csv.reader(io.StringIO(_run(book, "--format", "csv"))))
    assert [r[:-2] for r in csv.reader(io.StringIO(text))] == plain
    data = _run(book, "--format", "json", "--compare", THEN)
    assert data == _run(book, "--format", "json", "--compare", THEN)
    records = json.loads(data)
    assert {(r["customer"], r["quadrant_before"], r["abc_before"]) for r in records} == {
        (r["customer"], r["quadrant_before"], r["abc_before"]) for r in rows
    }


def test_the_table_shows_the_movement_matrix_adding_up_to_the_book(tmp_path) -> None:
    book = tmp_path / "s.db"
    shutil.copy(SAMPLE, book)
    out = _run(book, "--compare", THEN)
    assert f"movements from {THEN} to {NOW} · 300 customers" in out
    totals = [line.split() for line in out.splitlines() if line.strip().startswith("total ")]
    assert len(totals) == 2  # quadrants and revenue classes
    for cells in totals:
        assert sum(int(c) for c in cells[1:-1]) == int(cells[-1]) == 300
    quadrant = out.split("Quadrant: ", 1)[1]
    moved_count = int(quadrant.split(" of ", 1)[0])
    assert f"Moved quadrant, by revenue now ({moved_count})" in out


def test_compare_must_be_an_earlier_day(tmp_path) -> None:
    book = tmp_path / "s.db"
    shutil.copy(SAMPLE, book)
    result = CliRunner().invoke(main, ["segments", str(book), "--as-of", NOW, "--compare", "2026-12-01"])
    assert result.exit_code != 0
    assert "is not before" in result.output
