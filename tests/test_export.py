"""Exports of the segments: CSV for scripts and XLSX for people, from one exporter."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from books import add_customer, add_order
from segtui.cli import main
from segtui.io import export
from segtui.store.book import open_book


def make_book(path: Path) -> Path:
    book = open_book(path)
    big = add_customer(book, "K1", "Acme AB", city="Malmö")
    add_order(book, big, "2026-03-01", 1_500_000.25, ref="1")
    add_order(book, big, "2026-04-01", -0.5, ref="2")
    add_customer(book, "K2", "Nobody AB")
    book.close()
    return path


def test_segments_as_xlsx_have_numbers_as_numbers(tmp_path) -> None:
    book = make_book(tmp_path / "b.db")
    out = tmp_path / "segments.xlsx"
    result = CliRunner().invoke(main, ["segments", str(book), "--as-of", "2026-11-23", "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 2 customers" in result.stderr
    sheet = load_workbook(out).active
    assert sheet.title == "Segments"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == export.SEGMENT_COLUMNS
    record = dict(zip(rows[0], rows[1]))
    assert (record["customer"], record["name"], record["city"]) == ("K1", "Acme AB", "Malmö")
    assert record["revenue"] == 1_499_999.75 and record["orders"] == 1 and record["abc"] == "B"
    assert record["upgrade_candidate"] is False
    assert record["loyalty"] is None and record["group"] == "one_off"
    nobody = dict(zip(rows[0], rows[2]))
    assert (nobody["revenue"], nobody["abc"], nobody["xyz"], nobody["group"]) == (0, "D", None, None)
    assert sheet.freeze_panes == "A2"


def test_xlsx_and_csv_say_the_same(tmp_path) -> None:
    book = make_book(tmp_path / "b.db")
    runner = CliRunner()
    runner.invoke(main, ["segments", str(book), "--as-of", "2026-11-23", "--format", "xlsx", "-o", str(tmp_path / "s.xlsx")])
    text = runner.invoke(main, ["segments", str(book), "--as-of", "2026-11-23", "--format", "csv"]).stdout
    from_csv = list(csv.DictReader(io.StringIO(text)))
    rows = list(load_workbook(tmp_path / "s.xlsx").active.iter_rows(values_only=True))
    for line, values in zip(from_csv, rows[1:]):
        cells = dict(zip(rows[0], values))
        assert line["customer"] == cells["customer"] and line["abc"] == cells["abc"]
        assert float(line["revenue"]) == cells["revenue"]


def test_xlsx_needs_an_output_file(tmp_path) -> None:
    book = make_book(tmp_path / "b.db")
    result = CliRunner().invoke(main, ["segments", str(book), "--format", "xlsx"])
    assert result.exit_code == 2
    assert "--format xlsx needs --output FILE.xlsx" in result.output


def test_the_exporter_writes_any_records_for_other_commands(tmp_path) -> None:
    path = tmp_path / "plan.xlsx"
    records = [{"day": "2026-11-23", "customer": "K1", "kind": "visit", "value": "12.50"}, {"day": "2026-11-24"}]
    export.write_xlsx(records, ["day", "customer", "kind", "value"], str(path), sheet="Plan", money=("value",))
    rows = list(load_workbook(path)["Plan"].iter_rows(values_only=True))
    assert rows == [("day", "customer", "kind", "value"), ("2026-11-23", "K1", "visit", 12.5), ("2026-11-24", None, None, None)]
