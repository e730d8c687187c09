"""Tests for segtui.io.readers: files as salespeople have them, and broken ones."""

from __future__ import annotations

import csv
import gzip
import io
import random
import re
import tempfile
import time
import tracemalloc
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from segtui.io.readers import (
    AMOUNT_LIMIT,
    ReadError,
    Table,
    detect_date_order,
    detect_decimal_separator,
    open_table,
    parse_amount,
    parse_date,
    parse_quantity,
    to_minor,
)


# --------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------


def write(path: Path, data: bytes | str, encoding: str = "utf-8", gz: bool = False) -> Path:
    raw = data.encode(encoding) if isinstance(data, str) else data
    if gz:
        raw = gzip.compress(raw)
    path.write_bytes(raw)
    return path


def read_all(path: Path, **kw: object) -> tuple[Table, list[tuple[int, list]]]:
    table = open_table(path, **kw)  # type: ignore[arg-type]
    with table:
        rows = list(table.rows)
    return table, rows


def read_error(path: Path | str, **kw: object) -> ReadError:
    with pytest.raises(ReadError) as info:
        table = open_table(path, **kw)  # type: ignore[arg-type]
        with table:
            for _ in table.rows:
                pass
    return info.value


def make_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for r, row in enumerate(rows, 1):
            for c, v in enumerate(row, 1):
                if v is not None:
                    ws.cell(row=r, column=c, value=v)
    wb.save(path)
    return path


# --------------------------------------------------------------------------
# ReadError
# --------------------------------------------------------------------------


def test_read_error_sentence() -> None:
    e = ReadError('"31/02/2011" is not a date', 14, "InvoiceDate")
    assert str(e) == 'line 14, column "InvoiceDate": "31/02/2011" is not a date'
    assert (e.line, e.column, e.reason) == (14, "InvoiceDate", '"31/02/2011" is not a date')
    assert str(ReadError("the file is empty")) == "the file is empty"
    assert str(ReadError("bad", 3)) == "line 3: bad"
    assert str(ReadError("bad", None, "Qty")) == 'column "Qty": bad'


def test_table_error_uses_rows_for_xlsx(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx", {"S": [["A", "B"], [1, 2]]})
    with open_table(path) as table:
        e = table.error(2, "A", '"x" is not a number')
    assert str(e) == 'row 2, column "A": "x" is not a number'
    csv_path = write(tmp_path / "a.csv", "A,B\n1,2\n")
    with open_table(csv_path) as table:
        assert str(table.error(2, "B", "bad")) == 'line 2, column "B": bad'


# --------------------------------------------------------------------------
# CSV: separators, encodings, compression
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("delimiter", "name"), [(",", ","), (";", ";"), ("\t", "tab"), ("|", "|")]
)
def test_separators(tmp_path: Path, delimiter: str, name: str) -> None:
    text = delimiter.join(["Customer", "Amount", "Date"]) + "\n"
    text += delimiter.join(["Acme AB", "12.50", "2011-01-02"]) + "\n"
    table, rows = read_all(write(tmp_path / "f.csv", text))
    assert table.header == ["Customer", "Amount", "Date"]
    assert rows == [(2, ["Acme AB", "12.50", "2011-01-02"])]
    assert table.format == f"CSV ({name}-separated, UTF-8)"
    assert table.delimiter == delimiter


def test_semicolon_file_with_decimal_commas_is_not_mistaken_for_commas(tmp_path: Path) -> None:
    text = "Kund;Belopp;Antal\nAcme;1,5;2,5\nBeta;3,25;1,0\nGamma;4;5\n"
    table, rows = read_all(write(tmp_path / "f.csv", text))
    assert table.delimiter == ";"
    assert rows[0] == (2, ["Acme", "1,5", "2,5"])


def test_comma_file_with_semicolons_in_a_column_name(tmp_path: Path) -> None:
    text = 'Customer,"Amount (SEK; incl. VAT)",Date\nAcme,12,2011-01-01\nBeta,13,2011-01-02\n'
    table, _ = read_all(write(tmp_path / "f.csv", text))
    assert table.delimiter == ","
    assert table.header == ["Customer", "Amount (SEK; incl. VAT)", "Date"]


def test_excel_sep_line(tmp_path: Path) -> None:
    table, rows = read_all(write(tmp_path / "f.csv", "sep=;\nA;B\n1,5;2\n"))
    assert table.header == ["A", "B"]
    assert rows == [(3, ["1,5", "2"])]
    assert table.header_line == 2


def test_utf8_bom(tmp_path: Path) -> None:
    table, rows = read_all(write(tmp_path / "f.csv", "Stad;Belopp\nGöteborg;1\n", "utf-8-sig"))
    assert table.header == ["Stad", "Belopp"]
    assert rows == [(2, ["Göteborg", "1"])]
    assert "UTF-8 with BOM" in table.format


@pytest.mark.parametrize("encoding", ["cp1252", "latin-1"])
def test_swedish_excel_windows_1252(tmp_path: Path, encoding: str) -> None:
    text = "Stad;Belopp\nGöteborg;1 234,50\nMalmö;12,5\nÅre;1\n"
    table, rows = read_all(write(tmp_path / "f.csv", text, encoding))
    assert [r[1][0] for r in rows] == ["Göteborg", "Malmö", "Åre"]
    assert "Windows-1252" in table.format


def test_euro_sign_in_windows_1252(tmp_path: Path) -> None:
    table, rows = read_all(write(tmp_path / "f.csv", "Vara;Pris\nKaffe;12 €\n", "cp1252"))
    assert rows == [(2, ["Kaffe", "12 €"])]


def test_latin1_bytes_not_in_windows_1252(tmp_path: Path) -> None:
    data = b"Name;Amount\nA\x81b\xf6;1\n"
    table, rows = read_all(write(tmp_path / "f.csv", data))
    assert table.encoding == "Latin-1"
    assert rows == [(2, ["A\x81bö", "1"])]


def test_windows_1252_after_a_megabyte_of_ascii(tmp_path: Path) -> None:
    data = b"Stad;Belopp\n" + b"Stockholm;1\n" * 120_000 + "Malmö;2\n".encode("cp1252")
    table, rows = read_all(write(tmp_path / "f.csv", data))
    assert table.encoding == "UTF-8"
    assert rows[-1] == (120_002, ["Malmö", "2"])


def test_utf16_excel_unicode_text(tmp_path: Path) -> None:
    text = "Kund\tBelopp\r\nÅkesson\t12,50\r\n"
    table, rows = read_all(write(tmp_path / "f.txt", text, "utf-16"))
    assert table.header == ["Kund", "Belopp"]
    assert rows == [(2, ["Åkesson", "12,50"])]
    assert table.format == "CSV (tab-separated, UTF-16)"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(tmp_path: Path, encoding: str) -> None:
    table, rows = read_all(write(tmp_path / "f.txt", "Kund\tBelopp\r\nÅkesson\t12,50\r\n", encoding))
    assert table.header == ["Kund", "Belopp"]
    assert rows == [(2, ["Åkesson", "12,50"])]


def test_header_only(tmp_path: Path) -> None:
    table, rows = read_all(write(tmp_path / "f.csv", "Customer;Amount\r\n"))
    assert table.header == ["Customer", "Amount"] and rows == []


def test_a_long_value_is_not_a_quote_problem(tmp_path: Path) -> None:
    content = 'A,B\n1,2\n3,"' + "x" * 200_000 + '"\n'
    e = read_error(write(tmp_path / "f.csv", content))
    assert str(e) == f"line 3 has a value longer than {csv.field_size_limit():,} characters"


@pytest.mark.parametrize("name", ["orders.csv.gz", "orders.csv", "orders.dat"])
def test_gzip_detected_by_magic(tmp_path: Path, name: str) -> None:
    text = "Stad;Belopp\nGöteborg;1\n"
    table, rows = read_all(write(tmp_path / name, text, "cp1252", gz=True))
    assert table.format == "CSV (;-separated, Windows-1252, gzip)"
    assert rows == [(2, ["Göteborg", "1"])]


def test_line_endings(tmp_path: Path) -> None:
    for newline in ("\n", "\r\n", "\r"):
        text = newline.join(["A,B", "1,2", "", "3,4"]) + newline
        _, rows = read_all(write(tmp_path / "f.csv", text))
        assert rows == [(2, ["1", "2"]), (4, ["3", "4"])], repr(newline)


def test_no_final_newline(tmp_path: Path) -> None:
    _, rows = read_all(write(tmp_path / "f.csv", "A,B\n1,2"))
    assert rows == [(2, ["1", "2"])]


def test_line_numbers_with_quoted_newlines(tmp_path: Path) -> None:
    text = (
        "Id,Note,Amount\n"  # 1
        '1,"two\nlines",10\n'  # 2-3
        "2,plain,20\n"  # 4
        '3,"three\r\nphysical\nlines",30\n'  # 5-7
        "4,last,40\n"  # 8
    )
    _, rows = read_all(write(tmp_path / "f.csv", text))
    assert [(line, r[0]) for line, r in rows] == [(2, "1"), (4, "2"), (5, "3"), (8, "4")]
    assert rows[0][1][1] == "two\nlines"


def test_blank_lines_and_empty_rows_are_skipped(tmp_path: Path) -> None:
    text = "\n\nA;B;C\n\n1;2;3\n;;\n  \n ; ;\n4;5;6\n\n"
    table, rows = read_all(write(tmp_path / "f.csv", text))
    assert table.header_line == 3
    assert rows == [(5, ["1", "2", "3"]), (9, ["4", "5", "6"])]


def test_short_rows_are_padded(tmp_path: Path) -> None:
    _, rows = read_all(write(tmp_path / "f.csv", "A,B,C,D\n1,2\n1,2,3,4\n5\n"))
    assert rows == [(2, ["1", "2", "", ""]), (3, ["1", "2", "3", "4"]), (4, ["5", "", "", ""])]


def test_trailing_separators_are_tolerated(tmp_path: Path) -> None:
    table, rows = read_all(write(tmp_path / "f.csv", "A;B;C;\n1;2;3;\n4;5;6;;;\n"))
    assert table.header == ["A", "B", "C"]
    assert rows == [(2, ["1", "2", "3"]), (3, ["4", "5", "6"])]


def test_header_is_stripped_values_are_not(tmp_path: Path) -> None:
    table, rows = read_all(write(tmp_path / "f.csv", " Customer , Amount \n Acme ,1\n"))
    assert table.header == ["Customer", "Amount"]
    assert rows == [(2, [" Acme ", "1"])]


def test_pivot_header_with_years_is_a_header(tmp_path: Path) -> None:
    table, _ = read_all(write(tmp_path / "f.csv", "Kund;2010;2011\nAcme;1;2\n"))
    assert table.header == ["Kund", "2010", "2011"]


def test_rows_stream_lazily(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "A,B\n" + "x,1\n" * 1000)
    table = open_table(path)
    assert iter(table.rows) is table.rows  # an iterator, not a list
    first = next(table.rows)
    assert first == (2, ["x", "1"])
    table.close()
    assert list(table.rows) == []


def test_close_before_reading(tmp_path: Path) -> None:
    table = open_table(write(tmp_path / "f.csv", "A,B\n1,2\n"))
    table.close()
    table.close()  # twice is fine
    assert list(table.rows) == []  # nothing is read after closing
    assert table.header == ["A", "B"]  # what was read before closing stays


def test_streaming_memory_stays_small(tmp_path: Path) -> None:
    line = "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26,2.55,17850,United Kingdom\n"
    path = tmp_path / "big.csv.gz"
    with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as f:
        f.write("InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n")
        for _ in range(200_000):  # ~19 MB of text
            f.write(line)
    tracemalloc.start()
    try:
        count = 0
        with open_table(path) as table:
            for _ in table.rows:
                count += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 200_000
    assert peak < 12 * 2**20, f"peak {peak / 2**20:.1f} MB"


def test_sheet_argument_on_csv(tmp_path: Path) -> None:
    e = read_error(write(tmp_path / "f.csv", "A,B\n1,2\n"), sheet="Orders")
    assert "CSV file" in str(e) and "no sheets" in str(e)


def test_pathlike_and_str(tmp_path: Path) -> None:
    path = write(tmp_path / "f.csv", "A,B\n1,2\n")
    with open_table(str(path)) as table:
        assert table.path == str(path)
    with open_table(path) as table:
        assert table.path == str(path)


# --------------------------------------------------------------------------
# broken files: every error names the problem (and the line when there is one)
# --------------------------------------------------------------------------


def _truncated_gzip() -> bytes:
    rnd = random.Random(7)
    text = "A,B\n" + "".join(f"{rnd.randrange(10**9)},{rnd.randrange(10**9)}\n" for _ in range(300_000))
    data = gzip.compress(text.encode())
    return data[: int(len(data) * 0.8)]


BROKEN_FILES = [
    # name, content, words the message must contain, line
    ("empty.csv", b"", "the file is empty", None),
    ("blank.csv", b"\n \n\r\n", "only blank lines", None),
    ("empty.csv.gz", gzip.compress(b""), "the file is empty", None),
    ("garbage.csv", bytes(range(256)) * 10, "does not look like a CSV or XLSX file", None),
    ("random.csv", random.Random(1).randbytes(5000), "does not look like a CSV or XLSX file", None),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00", "PNG image", None),
    ("doc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "PDF", None),
    ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old-style Excel .xls", None),
    ("page.xls", b"<html><body><table><tr><td>1</td></tr></table></body></html>", "web page", None),
    ("garbage.csv.gz", b"\x1f\x8b" + random.Random(2).randbytes(300), "gzip", None),
    ("cut.csv.gz", gzip.compress(b"A,B\n1,2\n3,4\n")[:-12], "cut off", None),
    ("text.txt", b"Dear customer,\nthank you\n", "no column separator", None),
    ("one.csv", b"Customer\nAcme\nBeta\n", "no column separator", None),
    ("open.csv", b"A,B,C\n1,2,3\n4,\"5,6\n7,8,9\n", "line 3 has a quote that is never closed", 3),
    (
        "runon.csv",
        b"A,B,C\n1,2,3\n4,\"5,6\n7,\"8\",9\n",
        "line 3 has a quote that is never closed (the value runs on to line 4)",
        3,
    ),
    ("stray.csv", b"A,B,C\n1,2,3\n1,2,3\n4,\"5\" inch,6\n", "line 4 has a stray quote", 4),
    ("header_quote.csv", b"A,\"B,C\n1,2,3\n", "line 1 has a quote that is never closed", 1),
    (
        "extra.csv",
        b"a,b,c,d,e,f,g,h\n" + b"1,2,3,4,5,6,7,8\n" * 5 + b"1,2,3,4,5,6,7,8,9\n",
        "line 7 has 9 fields, the header has 8",
        7,
    ),
    ("nohead.csv", b"536365,85123A,WHITE,6,2010-12-01 08:26,2.55,17850,UK\n", "has no header", 1),
    ("numbers.csv", b"1;2;3\n4;5;6\n", "has no header", 1),
    ("dup.csv", b"Customer,Amount,Customer\n1,2,3\n", 'column "Customer" appears twice', 1),
    ("fake.xlsx", b"A,B\n1,2\n", "named like an XLSX workbook but is not one", None),
]


@pytest.mark.parametrize(("name", "content", "words", "line"), BROKEN_FILES, ids=[b[0] for b in BROKEN_FILES])
def test_broken_files(tmp_path: Path, name: str, content: bytes, words: str, line: int | None) -> None:
    e = read_error(write(tmp_path / name, content))
    assert words in str(e)
    assert e.line == line
    assert e.reason


def test_gzip_cut_off_mid_stream_names_a_line(tmp_path: Path) -> None:
    e = read_error(write(tmp_path / "cut.csv.gz", _truncated_gzip()))
    assert "cut off" in str(e)
    assert e.line is not None and e.line > 1000
    assert f"near line {e.line}" in str(e)


def test_open_quote_far_from_the_end(tmp_path: Path) -> None:
    rows = "".join(f"{i},x,{i}\n" for i in range(1, 200))
    content = "A,B,C\n" + rows + '200,"never closed,1\n' + rows
    e = read_error(write(tmp_path / "f.csv", content))
    assert str(e) == "line 201 has a quote that is never closed"


def test_open_quote_swallowing_a_huge_field(tmp_path: Path) -> None:
    content = 'A,B\n1,"open\n' + "filler,1\n" * 40_000
    e = read_error(write(tmp_path / "f.csv", content))
    assert str(e) == "line 2 has a quote that is never closed"


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "does not exist" in str(read_error(tmp_path / "nope.csv"))
    assert "is a folder" in str(read_error(tmp_path))


def test_rows_before_the_error_are_delivered(tmp_path: Path) -> None:
    table = open_table(write(tmp_path / "f.csv", "A,B\n1,2\n3,4\n5,6,7\n"))
    got = []
    with pytest.raises(ReadError, match="line 4 has 3 fields, the header has 2"):
        for row in table.rows:
            got.append(row)
    assert got == [(2, ["1", "2"]), (3, ["3", "4"])]


# --------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------


def test_xlsx_first_sheet_typed_values(tmp_path: Path) -> None:
    path = make_xlsx(
        tmp_path / "orders.xlsx",
        {
            "Orders": [
                [" Customer ", "Amount", "Date", "Qty", None],
                ["Acme", 2.55, datetime(2011, 12, 9, 12, 50), 6],
                [None, None, None, None],
                ["Beta", Decimal("1234.5"), date(2011, 1, 2)],
                ["Gamma", "1 234,50", "09.12.2011", -3],
            ],
            "Other": [["X", "Y"], [1, 2]],
        },
    )
    table, rows = read_all(path)
    assert table.format == 'XLSX sheet "Orders"'
    assert table.header == ["Customer", "Amount", "Date", "Qty"]
    assert table.unit == "row"
    assert [line for line, _ in rows] == [2, 4, 5]
    acme = rows[0][1]
    assert acme[0] == "Acme"
    assert parse_amount(acme[1]) == Decimal("2.55")
    assert parse_date(acme[2]) == date(2011, 12, 9)
    assert parse_quantity(acme[3]) == 6
    assert rows[1][1][3] == ""  # padded
    assert parse_amount(rows[1][1][1]) == Decimal("1234.5")
    assert parse_date(rows[1][1][2]) == date(2011, 1, 2)
    assert parse_amount(rows[2][1][1]) == Decimal("1234.50")
    assert parse_date(rows[2][1][2]) == date(2011, 12, 9)
    assert parse_quantity(rows[2][1][3]) == -3


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "w.xlsx", {"Summary": [["A", "B"], [1, 2]], "Orders": [["X", "Y"], [3, 4]]})
    table, rows = read_all(path, sheet="Orders")
    assert table.format == 'XLSX sheet "Orders"'
    assert rows == [(2, [3, 4])]
    table, _ = read_all(path, sheet=" orders ")
    assert table.sheet == "Orders"


def test_xlsx_unknown_sheet_lists_sheets(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "w.xlsx", {"Summary": [["A", "B"]], "Orders": [["X", "Y"]]})
    e = read_error(path, sheet="Invoices")
    assert str(e) == 'there is no sheet "Invoices" in the workbook (the sheets are "Summary", "Orders")'


def test_xlsx_header_after_blank_rows(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "w.xlsx", {"S": [[None], [None], ["A", "B"], [1, 2]]})
    table, rows = read_all(path)
    assert table.header_line == 3
    assert rows == [(4, [1, 2])]


def test_xlsx_value_beyond_header(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "w.xlsx", {"S": [["A", "B"], [1, 2], [1, 2, None, 4]]})
    e = read_error(path)
    assert str(e) == "row 3 has a value in column D, but the header has only 2 columns"
    assert e.line == 3


def test_xlsx_empty_sheet(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "w.xlsx", {"Tom": []})
    assert str(read_error(path)) == 'the sheet "Tom" is empty'


def test_xlsx_detected_by_magic_and_gzip(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "w.xlsx", {"S": [["A", "B"], ["x", 1.5]]})
    renamed = tmp_path / "export.csv"
    renamed.write_bytes(path.read_bytes())
    table, rows = read_all(renamed)
    assert table.format == 'XLSX sheet "S"' and rows == [(2, ["x", 1.5])]
    zipped = write(tmp_path / "w.xlsx.gz", path.read_bytes(), gz=True)
    table, rows = read_all(zipped)
    assert table.format == 'XLSX sheet "S" (gzip)' and rows == [(2, ["x", 1.5])]


def test_zip_that_is_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "data.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("orders.csv", "A,B\n1,2\n")
    assert "ZIP archive, not an XLSX workbook" in str(read_error(path))


def test_damaged_xlsx(tmp_path: Path) -> None:
    good = make_xlsx(tmp_path / "w.xlsx", {"S": [["A", "B"], [1, 2]]}).read_bytes()
    bad = write(tmp_path / "bad.xlsx", good[: len(good) // 2])
    assert "XLSX" in str(read_error(bad))


def test_xlsx_header_only_one_column(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "w.xlsx", {"S": [["Report 2011"], ["A", "B"]]})
    e = read_error(path)
    assert "only one column" in str(e) and e.line == 1


# --------------------------------------------------------------------------
# numbers
# --------------------------------------------------------------------------

AMOUNTS = [
    ("1234.50", "1234.50"),
    ("1234,50", "1234.50"),
    ("1 234,50", "1234.50"),
    ("1\u00a0234,50", "1234.50"),
    ("1\u202f234,50", "1234.50"),
    ("1 234 567", "1234567"),
    ("1 234.5", "1234.5"),
    ("1'234.50", "1234.50"),
    ("1.234,50", "1234.50"),
    ("1,234.50", "1234.50"),
    ("1,234,567.89", "1234567.89"),
    ("1.234.567,89", "1234567.89"),
    ("1,234,567", "1234567"),  # several commas: thousands
    ("1.234.567", "1234567"),  # several dots: thousands
    ("1,234", "1.234"),  # a single comma is decimal (documented rule)
    ("1.234", "1.234"),  # a single dot is decimal
    ("-12,5", "-12.5"),
    ("\u221212,5", "-12.5"),
    ("+3", "3"),
    ("12,50-", "-12.50"),  # SAP style trailing minus
    ("(12.50)", "-12.50"),
    ("( 1 234,50 )", "-1234.50"),
    ("0,5", "0.5"),
    (",5", "0.5"),
    (".5", "0.5"),
    ("5.", "5.0"),
    ("  42  ", "42"),
    ("007", "7"),
    ("-0", "0"),
    ("1E3", "1000"),
    ("1.5e-2", "0.015"),
    ("9999999999999.99", "9999999999999.99"),
    ("0.0001", "0.0001"),
    (6, "6"),
    (-80995, "-80995"),
    (2.55, "2.55"),
    (0.1, "0.1"),
    (1e-05, "0.00001"),
    (Decimal("12.345"), "12.345"),
]


@pytest.mark.parametrize(("value", "expected"), AMOUNTS, ids=[repr(a[0]) for a in AMOUNTS])
def test_parse_amount(value: object, expected: str) -> None:
    assert parse_amount(value) == Decimal(expected)
    assert parse_quantity(value) == Decimal(expected)


def test_parse_amount_keeps_the_written_decimals() -> None:
    assert str(parse_amount("2.50")) == "2.50"
    assert str(parse_amount("1 234,50")) == "1234.50"
    assert str(parse_amount(-0.0)) == "0.0"


BAD_AMOUNTS = [
    ("", "empty"),
    ("   ", "empty"),
    ("abc", '"abc" is not a number'),
    ("NaN", '"NaN" is not a number'),
    ("nan", "is not a number"),
    ("inf", '"inf" is not a number'),
    ("-Infinity", "is not a number"),
    ("1e400", '"1e400" is too large'),
    ("10000000000000", "too large"),
    ("-10000000000000.00", "too large"),
    ("12345678901234567890", "too large"),
    ("1,2,3", "groups of three"),
    ("1.23.45", "groups of three"),
    ("12 34", "groups of three"),
    ("1 234.567,8", "groups of three"),
    ("1.234,56.7", 'more than one "."'),
    ("1,234.567,8", 'more than one ","'),
    ("12,34.5", "groups of three"),
    ("--5", "is not a number"),
    ("-(5)", "is not a number"),
    ("(-5)", "is not a number"),
    ("5 kr", "is not a number"),
    ("€12", "is not a number"),
    ("12%", "is not a number"),
    ("\u0663", "is not a number"),  # Arabic-Indic digit three
    ("1,5e3", "is not a number"),
    (".", "is not a number"),
    ("-", "is not a number"),
    ("0x10", "is not a number"),
    (float("nan"), "is not a number"),
    (float("inf"), "is not a number"),
    (1e300, "too large"),
    (10**13, "too large"),
    (Decimal("NaN"), "is not a number"),
    (Decimal("-Infinity"), "is not a number"),
    (True, "is not a number"),
    (None, "is not a number"),
    (date(2011, 1, 1), "is not a number"),
]


@pytest.mark.parametrize(("value", "words"), BAD_AMOUNTS, ids=[repr(a[0]) for a in BAD_AMOUNTS])
def test_parse_amount_refuses(value: object, words: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_amount(value)
    assert words in str(info.value)
    with pytest.raises(ValueError):
        parse_quantity(value)


def test_amount_limit_is_exclusive() -> None:
    assert parse_amount(str(AMOUNT_LIMIT - 1)) == AMOUNT_LIMIT - 1
    with pytest.raises(ValueError):
        parse_amount(str(AMOUNT_LIMIT))


@pytest.mark.parametrize(
    ("value", "decimal", "expected"),
    [
        ("1,234", ".", "1234"),
        ("1,234", ",", "1.234"),
        ("1.234", ",", "1234"),
        ("1.234", ".", "1.234"),
        ("1.234,5", ",", "1234.5"),
        ("1,234.5", ".", "1234.5"),
        ("1 234,5", ",", "1234.5"),
        ("12,5", ",", "12.5"),
        ("12", ",", "12"),
        ("-3,25", ",", "-3.25"),
    ],
)
def test_parse_amount_with_known_decimal_separator(value: str, decimal: str, expected: str) -> None:
    assert parse_amount(value, decimal=decimal) == Decimal(expected)


@pytest.mark.parametrize(
    ("value", "decimal"),
    [("1,5", "."), ("1.234,5", "."), ("1,23,4", "."), ("1,2,3", ","), ("1 234.5", ","), ("1.5", "x")],
)
def test_parse_amount_with_known_decimal_separator_refuses(value: str, decimal: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(value, decimal=decimal)


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["1,234.50", "12"], "."),
        (["1.234,50", "7"], ","),
        (["1,5", "2,25", "1,234"], ","),
        (["1.5", "2.25", "1.234"], "."),
        (["1,234,567", "12"], "."),
        (["1,234", "5,678"], None),
        (["12", "13", "", None, 3.5], None),
        (["1 234,5"], ","),
    ],
)
def test_detect_decimal_separator(samples: list[object], expected: str | None) -> None:
    assert detect_decimal_separator(samples) == expected


@st.composite
def formatted_amounts(draw: st.DrawFn) -> tuple[Decimal, str]:
    cents = draw(st.integers(min_value=-(10**15) + 1, max_value=10**15 - 1))
    value = Decimal(cents).scaleb(-2)
    whole, frac = divmod(abs(cents), 100)
    digits = f"{whole:,}"  # 1,234,567
    style = draw(st.sampled_from(["plain", "plain_comma", "en", "de", "sv", "sv_nbsp", "sv_narrow", "ch"]))
    thousands, decimal = {
        "plain": ("", "."),
        "plain_comma": ("", ","),
        "en": (",", "."),
        "de": (".", ","),
        "sv": (" ", ","),
        "sv_nbsp": ("\u00a0", ","),
        "sv_narrow": ("\u202f", ","),
        "ch": ("'", "."),
    }[style]
    text = digits.replace(",", thousands) + decimal + f"{frac:02d}"
    if cents < 0:
        text = draw(st.sampled_from(["-{}", "\u2212{}", "({})", "{}-"])).format(text)
    return value, text


@given(formatted_amounts())
def test_parse_amount_round_trips_locales(case: tuple[Decimal, str]) -> None:
    value, text = case
    assert parse_amount(text) == value
    assert to_minor(parse_amount(text)) == int(value * 100)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12))
def test_parse_amount_of_str_decimal(value: Decimal) -> None:
    assert parse_amount(str(value)) == value
    assert parse_amount(value) == value


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_parse_amount_of_xlsx_floats_is_the_shortest_decimal(value: float) -> None:
    assert float(parse_amount(value)) == value
    assert parse_amount(value) == Decimal(repr(value))


@given(st.text(max_size=20))
def test_parse_amount_only_raises_value_error(text: str) -> None:
    try:
        d = parse_amount(text)
    except ValueError:
        return
    assert d.is_finite() and abs(d) < AMOUNT_LIMIT


# --------------------------------------------------------------------------
# minor units
# --------------------------------------------------------------------------


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_to_minor_is_exact_for_two_decimals(cents: int) -> None:
    assert to_minor(Decimal(cents).scaleb(-2)) == cents


@pytest.mark.parametrize(
    ("amount", "minor"),
    [
        ("0.005", 1),
        ("-0.005", -1),
        ("0.0049999999999999999999999999999999999", 0),
        ("2.345", 235),
        ("2.344999", 234),
        ("-2.345", -235),
        ("12", 1200),
        ("0", 0),
        ("1E+2", 10000),
        ("9999999999999.995", 1000000000000000),
    ],
)
def test_to_minor_rounds_half_up(amount: str, minor: int) -> None:
    assert to_minor(Decimal(amount)) == minor


def test_to_minor_ints_and_bad_values() -> None:
    assert to_minor(7) == 700
    for bad in (Decimal("NaN"), Decimal("Infinity"), True, 1.5, "1"):
        with pytest.raises(ValueError):
            to_minor(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# dates
# --------------------------------------------------------------------------

DATES = [
    ("2011-12-09", "dmy", date(2011, 12, 9)),
    ("2011-12-09 12:50:00", "dmy", date(2011, 12, 9)),
    ("2011-12-09 12:50", "dmy", date(2011, 12, 9)),
    ("2011-12-09T12:50", "dmy", date(2011, 12, 9)),
    ("2011-12-09T12:50:33.123456", "dmy", date(2011, 12, 9)),
    ("2011-12-09T12:50:33Z", "dmy", date(2011, 12, 9)),
    ("2011-12-09T12:50:33+01:00", "dmy", date(2011, 12, 9)),
    ("2011-1-5", "dmy", date(2011, 1, 5)),
    ("2011/12/09", "dmy", date(2011, 12, 9)),
    ("20111209", "dmy", date(2011, 12, 9)),
    ("09.12.2011", "dmy", date(2011, 12, 9)),
    ("9.12.2011 08:26", "mdy", date(2011, 12, 9)),  # dots are always day first
    ("09/12/2011", "dmy", date(2011, 12, 9)),
    ("09/12/2011", "mdy", date(2011, 9, 12)),
    ("12/1/2010 8:26", "mdy", date(2010, 12, 1)),  # UCI Online Retail
    ("12/1/2010 8:26", "dmy", date(2010, 1, 12)),
    ("1/12/2010 08:26:59", "dmy", date(2010, 12, 1)),
    ("12/31/2010 11:59 PM", "mdy", date(2010, 12, 31)),
    ("12/31/2010 12:00 am", "mdy", date(2010, 12, 31)),
    ("31-12-2010", "dmy", date(2010, 12, 31)),
    ("  2011-12-09  ", "dmy", date(2011, 12, 9)),
    ("1900-01-01", "dmy", date(1900, 1, 1)),
    ("2100-12-31", "dmy", date(2100, 12, 31)),
    ("2012-02-29", "dmy", date(2012, 2, 29)),
]


@pytest.mark.parametrize(("text", "order", "expected"), DATES)
def test_parse_date(text: str, order: str, expected: date) -> None:
    assert parse_date(text, order=order) == expected


def test_parse_date_objects_and_numbers() -> None:
    assert parse_date(datetime(2011, 12, 9, 12, 50)) == date(2011, 12, 9)
    assert parse_date(date(2011, 12, 9)) == date(2011, 12, 9)
    assert parse_date(20111209) == date(2011, 12, 9)
    assert parse_date(40513) == date(2010, 12, 1)  # Excel day serial
    assert parse_date(40513.35) == date(2010, 12, 1)


BAD_DATES = [
    ("2011-02-30", '"2011-02-30" is not a date (February 2011 has 28 days)'),
    ("31/02/2011", '"31/02/2011" is not a date (February 2011 has 28 days)'),
    ("2011-13-01", '"2011-13-01" is not a date (there is no month 13)'),
    ("2011-00-10", "there is no month 0"),
    ("2011-01-00", "January 2011 has 31 days"),
    ("12/13/2011", "is the file in month/day/year order?"),
    ("1899-12-31", "the year must be 1900–2100"),
    ("2101-01-01", "the year must be 1900–2100"),
    ("20111332", "there is no month 13"),
    ("1/12/10", "the year must have four digits"),
    ("01.02.11", "the year must have four digits"),
    ("2011-12-09 25:00", "the time is not valid"),
    ("2011-12-09 12:60", "the time is not valid"),
    ("12/31/2010 13:00 PM", "the time is not valid"),
    ("yesterday", '"yesterday" is not a date'),
    ("", "the date is empty"),
    ("  ", "the date is empty"),
    ("2011-12", "is not a date"),
    ("09/12/2011/1", "is not a date"),
    ("2011-12-09 and more", "is not a date"),
]


@pytest.mark.parametrize(("text", "words"), BAD_DATES)
def test_parse_date_refuses(text: str, words: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(text)
    assert words in str(info.value)


def test_parse_date_refuses_objects() -> None:
    for bad in (date(1850, 1, 1), datetime(2200, 1, 1), 0, -5, 99_999_999, True, None, Decimal("1"), float("nan")):
        with pytest.raises(ValueError):
            parse_date(bad)
    with pytest.raises(ValueError, match="order"):
        parse_date("2011-01-01", order="ymd")


def test_parse_date_hint_for_mdy_files() -> None:
    with pytest.raises(ValueError, match="day/month/year order"):
        parse_date("13/12/2011", order="mdy")


@pytest.mark.parametrize(
    ("samples", "expected"),
    [
        (["12/1/2010 8:26", "12/13/2010 9:00"], "mdy"),
        (["13/1/2010", "1/2/2010"], "dmy"),
        (["1/2/2010", "3/4/2010"], "dmy"),  # no evidence: European default
        ([], "dmy"),
        (["2010-12-13", 5, None], "dmy"),
        (["12/13/2010", "12/14/2010", "13/12/2010"], "mdy"),  # majority
    ],
)
def test_detect_date_order(samples: list[object], expected: str) -> None:
    assert detect_date_order(samples) == expected


days = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))


@given(days)
def test_parse_date_round_trips(d: date) -> None:
    assert parse_date(d.isoformat()) == d
    assert parse_date(d.strftime("%d.%m.%Y")) == d
    assert parse_date(d.strftime("%d/%m/%Y")) == d
    assert parse_date(d.strftime("%m/%d/%Y"), order="mdy") == d
    assert parse_date(d.strftime("%Y%m%d")) == d
    assert parse_date(f"{d.month}/{d.day}/{d.year} 8:26", order="mdy") == d
    assert parse_date(datetime(d.year, d.month, d.day, 23, 59).isoformat(sep=" ")) == d


@given(st.text(max_size=25))
def test_parse_date_only_raises_value_error(text: str) -> None:
    try:
        d = parse_date(text)
    except ValueError:
        return
    assert 1900 <= d.year <= 2100


# --------------------------------------------------------------------------
# CSV round trip (property)
# --------------------------------------------------------------------------

_ALPHABET = st.sampled_from(
    list("abcXYZ019 .-,;|\t\"'\n") + ["\r\n", "åäö", "ÅÄÖé"]
)
_cell = st.lists(_ALPHABET, max_size=6).map("".join)


@st.composite
def csv_files(draw: st.DrawFn) -> tuple[list[str], list[list[str]], str, str, bool, str]:
    width = draw(st.integers(min_value=2, max_value=5))
    header = [f"col{i}" for i in range(width)]
    rows = draw(st.lists(st.lists(_cell, min_size=width, max_size=width), max_size=12))
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return header, rows, delimiter, encoding, draw(st.booleans()), newline


_BREAKS = re.compile(r"\r\n|\r|\n")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(csv_files())
def test_csv_round_trip(case: tuple[list[str], list[list[str]], str, str, bool, str]) -> None:
    header, rows, delimiter, encoding, gz, newline = case
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    expected = []
    for row in rows:
        line = len(_BREAKS.findall(out.getvalue())) + 1
        writer.writerow(row)
        if any(v.strip() for v in row):
            expected.append((line, row))
    with tempfile.TemporaryDirectory() as folder:
        path = write(Path(folder) / "f.csv", out.getvalue(), encoding, gz)
        table, got = read_all(path)
    assert table.header == header
    assert table.delimiter == delimiter
    assert got == expected


# --------------------------------------------------------------------------
# the real file
# --------------------------------------------------------------------------


def test_real_online_retail_file(shared_data: Path) -> None:
    started = time.perf_counter()
    count = 0
    no_customer = 0
    invoices: set[str] = set()
    total = 0
    first_day, last_day = date.max, date.min
    with open_table(shared_data / "online_retail.csv.gz") as table:
        assert table.format == "CSV (,-separated, UTF-8, gzip)"
        assert table.header == [
            "InvoiceNo", "StockCode", "Description", "Quantity",
            "InvoiceDate", "UnitPrice", "CustomerID", "Country",
        ]  # fmt: skip
        order = None
        for line, row in table.rows:
            if order is None:
                assert (line, row[0], row[4]) == (2, "536365", "2010-12-01 08:26")
                order = detect_date_order([row[4]])
            count += 1
            day = parse_date(row[4], order)
            first_day, last_day = min(first_day, day), max(last_day, day)
            total += to_minor(parse_quantity(row[3]) * parse_amount(row[5]))
            if not row[6]:
                no_customer += 1
            invoices.add(row[0])
        assert line == 541_910
    elapsed = time.perf_counter() - started
    assert count == 541_909
    assert no_customer == 135_080
    assert len(invoices) == 25_900
    assert (first_day, last_day) == (date(2010, 12, 1), date(2011, 12, 9))
    assert total == 974_774_793  # £9,747,747.93 net
    print(f"\nstreamed and parsed {count} rows in {elapsed:.2f} s")


def test_words_around_a_number_are_not_called_digit_groups() -> None:
    for text in ("about 300", "12 abc 300", "ca 1 234,50"):
        with pytest.raises(ValueError) as caught:
            parse_amount(text)
        assert str(caught.value) == f'"{text}" is not a number'
