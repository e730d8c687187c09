"""`segtui plan --format xlsx` and `segtui plan --mailing --format xlsx`: workbooks that open as
the segments workbook does (docs/exports.md "Workbooks")."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

from books import add_contact, add_small_fry
from click.testing import CliRunner
from openpyxl import load_workbook

from segtui.cli import main
from segtui.io import export
from segtui.store.book import open_book

SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"
DAY = "2026-11-23"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_the_plan_workbook_says_what_the_csv_says_with_dates_and_numbers(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    target = tmp_path / "veckan.xlsx"
    result = run("plan", str(book), "--week", "2026-W48", "--as-of", DAY, "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "visits and calls for 2026-W48 to" in result.stderr
    sheet = load_workbook(target).active
    assert sheet.title == "Plan" and sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == export.PLAN_COLUMNS
    text = run("plan", str(book), "--week", "2026-W48", "--as-of", DAY, "--format", "csv", "--dialect", "csv").stdout
    lines = list(csv.DictReader(io.StringIO(text)))
    assert len(lines) == len(rows) - 1 > 0
    for line, values in zip(lines, rows[1:]):
        cells = dict(zip(rows[0], values))
        assert cells["day"] == dt.datetime.fromisoformat(line["day"])  # a date, not text
        assert (cells["customer"], cells["kind"], cells["reason"]) == (line["customer"], line["kind"], line["reason"])
        assert cells["manual"] is (line["manual"] == "true")
        for column in ("lat", "lon", "km"):
            assert cells[column] == (float(line[column]) if line[column] else None)
        assert cells["stop"] == (int(line["stop"]) if line["stop"] else None)
    assert sheet["A2"].number_format == "yyyy-mm-dd"
    assert any(isinstance(dict(zip(rows[0], r))["lat"], float) for r in rows[1:])


def test_the_mailing_workbook_holds_text_never_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "fry.db"
    book = open_book(path)
    fry = add_small_fry(book, '=HYPERLINK("http://x","y")', "Borgholm")
    add_contact(book, fry, "Örjan Åberg", "orjan@oland.example", primary=True)
    add_small_fry(book, "Ölands Kött AB", "Färjestaden")
    book.close()
    target = tmp_path / "utskick.xlsx"
    result = run("plan", str(path), "--mailing", "--as-of", DAY, "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    assert "2 small-fry customers, 1 with an e-mail, 1 without" in result.stderr
    sheet = load_workbook(target).active
    assert sheet.title == "Mailing list" and sheet.freeze_panes == "A2"
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == export.MAILING_COLUMNS
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Ölands Kött AB"][2:] == (None, None, "Färjestaden")
    assert by_name['=HYPERLINK("http://x","y")'][2:] == ("Örjan Åberg", "orjan@oland.example", "Borgholm")
    name_cells = [sheet.cell(r, 2) for r in range(2, sheet.max_row + 1)]
    assert all(c.data_type == "s" for c in name_cells)


def test_a_workbook_needs_a_file(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    for args in (["plan", str(book), "--format", "xlsx"], ["plan", str(book), "--mailing", "--format", "xlsx"]):
        result = run(*args)
        assert result.exit_code == 2 and "--format xlsx needs --output FILE.xlsx" in result.output


def test_the_segments_workbook_has_its_last_order_as_a_date(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    target = tmp_path / "s.xlsx"
    assert run("segments", str(book), "--as-of", DAY, "--format", "xlsx", "-o", str(target)).exit_code == 0
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    at = rows[0].index("last_order")
    days = [r[at] for r in rows[1:] if r[at] is not None]
    assert days and all(isinstance(d, dt.datetime) for d in days)
