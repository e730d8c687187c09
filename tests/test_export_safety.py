"""Exports never harm a book or an older export (issue "Nothing lost": -o naming the book)."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize(
    "args",
    [
        ["segments", "--format", "csv"], ["segments", "--format", "json"], ["segments", "--format", "xlsx"],
        ["segments", "--format", "table"], ["plan", "--format", "csv"], ["plan", "--format", "ics"],
        ["plan", "--mailing", "--format", "csv"], ["plan", "--format", "xlsx"], ["plan", "--mailing", "--format", "xlsx"],
        ["contacts", "--format", "csv"], ["contacts", "--format", "vcf"],
    ],
    ids=lambda a: "-".join(a).replace("--format-", "").replace("--", ""),
)
def test_an_export_onto_the_book_is_refused_and_the_book_is_untouched(tmp_path: Path, args: list[str]) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    other = tmp_path / "other.db"
    shutil.copy(SAMPLE, other)
    before, other_before = digest(book), digest(other)
    day = [] if args[0] == "contacts" else ["--as-of", "2026-11-23"]  # contacts have no day
    for target in (book, other):  # the book itself, or any other book
        result = CliRunner().invoke(main, [args[0], str(book), *args[1:], *day, "-o", str(target)])
        assert result.exit_code == 1
        assert "is a book (an SQLite database): an export never writes over it" in result.output
    assert digest(book) == before and digest(other) == other_before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".part")) == []


def test_a_failed_export_leaves_the_file_it_would_replace_as_it_was(tmp_path: Path, monkeypatch) -> None:
    from segtui.io import export

    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    target = tmp_path / "segments.csv"
    target.write_text("last week's export\n")

    def half_then_fail(rows, out, before=None):
        out.write("customer,name\n")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "write_segments_csv", half_then_fail)
    result = CliRunner().invoke(main, ["segments", str(book), "--format", "csv", "--as-of", "2026-11-23", "-o", str(target), "--force"])
    assert result.exit_code != 0
    assert target.read_text() == "last week's export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_a_new_export_replaces_the_old_one_and_keeps_its_permissions(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    target = tmp_path / "segments.csv"
    target.write_text("old\n")
    os.chmod(target, 0o640)
    result = CliRunner().invoke(main, ["segments", str(book), "--format", "csv", "--as-of", "2026-11-23", "-o", str(target), "--force"])
    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("customer,name,")
    assert target.stat().st_mode & 0o777 == 0o640


def test_safety_copies_of_a_private_book_are_private(tmp_path: Path) -> None:
    from segtui.store.backup import backup_before

    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    os.chmod(book, 0o600)
    copy = backup_before(book, "a test")
    assert copy is not None and copy.stat().st_mode & 0o777 == 0o600


def test_text_that_a_spreadsheet_would_run_is_written_as_text(tmp_path: Path) -> None:
    import csv
    import io
    import json

    from openpyxl import load_workbook

    from segtui.store.book import open_book

    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    opened = open_book(book)
    with opened.transaction() as conn:
        conn.execute("UPDATE customer SET name = '=HYPERLINK(\"http://x\",\"y\")', city = '@SUM(1)' WHERE source_id = 'K10075'")
        conn.execute("UPDATE customer SET name = '-2+3 AB' WHERE source_id = 'K10114'")
    opened.close()
    run = CliRunner()
    out = run.invoke(main, ["segments", str(book), "--format", "csv", "--as-of", "2026-11-23"]).output
    rows = {r["customer"]: r for r in csv.DictReader(io.StringIO(out))}
    assert rows["K10075"]["name"] == "'=HYPERLINK(\"http://x\",\"y\")" and rows["K10075"]["city"] == "'@SUM(1)"
    assert rows["K10114"]["name"] == "'-2+3 AB"
    assert any(r["revenue"].startswith("-") for r in rows.values())  # numbers stay numbers
    data = {r["customer"]: r for r in json.loads(run.invoke(main, ["segments", str(book), "--format", "json", "--as-of", "2026-11-23"]).output)}
    assert data["K10075"]["name"] == '=HYPERLINK("http://x","y")'  # scripts get the text as it is
    target = tmp_path / "s.xlsx"
    assert run.invoke(main, ["segments", str(book), "--format", "xlsx", "--as-of", "2026-11-23", "-o", str(target)]).exit_code == 0
    sheet = load_workbook(target).active
    names = {sheet.cell(r, 1).value: sheet.cell(r, 2) for r in range(2, sheet.max_row + 1)}
    assert names["K10075"].value == '=HYPERLINK("http://x","y")' and names["K10075"].data_type == "s"


def test_a_failed_contacts_export_leaves_the_old_file(tmp_path: Path, monkeypatch) -> None:
    from segtui.io import export

    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    target = tmp_path / "kontakter.vcf"
    target.write_bytes(b"last week's cards\r\n")

    def fail(contacts):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export, "contacts_vcard", fail)
    result = CliRunner().invoke(main, ["contacts", str(book), "--format", "vcf", "-o", str(target), "--force"])
    assert result.exit_code != 0
    assert target.read_bytes() == b"last week's cards\r\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


# --- the app's exports: a new file, written whole ------------------------------------------


def test_write_new_puts_a_whole_file_under_a_free_name_and_never_over_one(tmp_path, monkeypatch) -> None:
    from segtui.io.export import write_new

    target = tmp_path / "list.csv"
    write_new(target, lambda temp: temp.write_text("mine", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "mine"

    with pytest.raises(FileExistsError):
        write_new(target, lambda temp: temp.write_text("again", encoding="utf-8"))
    assert target.read_text(encoding="utf-8") == "mine"

    def fails(temp):
        temp.write_text("half", encoding="utf-8")
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_new(tmp_path / "half.csv", fails)

    def no_links(*args):  # a file system without hard links (FAT, some shares)
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    write_new(tmp_path / "fat.csv", lambda temp: temp.write_text("on a stick", encoding="utf-8"))
    assert (tmp_path / "fat.csv").read_text(encoding="utf-8") == "on a stick"
    with pytest.raises(FileExistsError):
        write_new(tmp_path / "fat.csv", lambda temp: temp.write_text("over it", encoding="utf-8"))
    assert (tmp_path / "fat.csv").read_text(encoding="utf-8") == "on a stick"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fat.csv", "list.csv"]  # no half file, no temporary one
