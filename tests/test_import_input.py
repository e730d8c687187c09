"""What an imported file may hold and what is refused (README "Your data"): text
cleaned by the one text rule, ambiguous headers, mixed encodings, Excel's phantom
day, sizes, special files and currencies. Every refusal names the line and the
reason and leaves the book byte-for-byte as it was."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui.cli import main
from segtui.io.importer import import_orders, preview
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


# --- workbooks -------------------------------------------------------------------

DATA = Path(__file__).resolve().parent / "data"


def workbook(path: Path, rows: list[list], date_format: str | None = None) -> Path:
    """An XLSX file of ``rows`` (the first is the header); ``date_format`` is given to the
    cells of the date column (the second)."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if date_format:
        for (cell,) in ws.iter_rows(min_row=2, min_col=2, max_col=2):
            cell.number_format = date_format
    wb.save(path)
    return path


@pytest.mark.parametrize("date_format", ["yyyy-mm-dd", None], ids=["date cell", "number cell"])
def test_excels_phantom_29_february_1900_is_refused_at_its_cell(filled_book: Path, tmp_path: Path,
                                                                  date_format) -> None:
    data = workbook(tmp_path / "orders.xlsx", [["customer", "date", "amount"], ["K1", 45000, 10], ["K2", 60, 10]],
                    date_format)
    said = refused_unchanged(filled_book, data)
    assert ('row 3, column "date": "1900-02-29 (Excel\'s day serial 60)" is not a date '
            "(there was no 29 February 1900; type the day the cell should hold)") in said


def test_excel_day_serials_around_the_phantom_day_are_the_days_excel_shows(tmp_path: Path) -> None:
    from segtui.io.readers import parse_date

    # Excel shows serial 1 as 1900-01-01, 59 as 1900-02-28, 61 as 1900-03-01
    assert [parse_date(n) for n in (1, 59, 61, 45000)] == [
        dt.date(1900, 1, 1), dt.date(1900, 2, 28), dt.date(1900, 3, 1), dt.date(2023, 3, 15)]
    data = workbook(tmp_path / "orders.xlsx", [["customer", "date", "amount"], ["K1", 59, 10], ["K2", 61, 10]],
                    "yyyy-mm-dd")
    book = open_book(":memory:")
    import_orders(book, data, as_of=AS_OF)
    assert book.rows('SELECT date FROM "order" ORDER BY date') == [("1900-02-28",), ("1900-03-01",)]


def test_a_password_protected_workbook_is_called_that(filled_book: Path) -> None:
    said = refused_unchanged(filled_book, DATA / "broken" / "password.xlsx")
    assert "the workbook is password-protected (encrypted), so it cannot be read" in said


def test_openpyxl_warnings_are_not_shown(tmp_path: Path) -> None:
    import warnings
    import zipfile

    # a sheet with an extension openpyxl does not support
    plain = workbook(tmp_path / "plain.xlsx", [["customer", "date", "amount"], ["K1", "2026-01-05", 10]])
    data = tmp_path / "odd.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(data, "w") as target:
        for item in source.infolist():
            if item.filename == "xl/styles.xml":
                continue
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content.replace(b"</worksheet>", b'<extLst><ext uri="{78C0D931-6437-407d-A8EE-F0AAD7539E65}">'
                                          b"</ext></extLst></worksheet>")
            target.writestr(item, content)
    with warnings.catch_warnings(record=True) as caught:  # openpyxl does warn about these
        warnings.simplefilter("always")
        from openpyxl import load_workbook

        list(load_workbook(data).active.values)
    assert "Conditional Formatting extension is not supported and will be removed" in {str(w.message) for w in caught}
    book = tmp_path / "book.db"
    run = subprocess.run([sys.executable, "-m", "segtui", "import", "orders", str(book), str(data), "--currency", "SEK",
                          "--as-of", AS_OF.isoformat()], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    assert open_book(book).scalar('SELECT count(*) FROM "order"') == 1


# --- encodings -------------------------------------------------------------------


@pytest.mark.parametrize("tail", ["K2", "K2,2026-01-06,20\n"], ids=["odd bytes", "whole lines"])
def test_a_utf16_file_with_a_utf8_tail_is_refused_at_the_line(filled_book: Path, tmp_path: Path, tail: str) -> None:
    data = tmp_path / "orders.csv"
    # the customer id is not the first column: the tail read as UTF-16 would leave it empty
    data.write_bytes("date,customer,amount\n2026-01-05,K1,10\n".encode("utf-16") + f"2026-01-06,{tail}".encode())
    said = refused_unchanged(filled_book, data)
    assert ("line 3 is not UTF-16 text like the lines before it (a decode error: part of the file is in another "
            "encoding) — save the whole file again in one encoding") in said


def test_utf16_text_of_any_language_is_read(tmp_path: Path) -> None:
    data = tmp_path / "orders.csv"
    data.write_text("customer\tcustomer_name\tdate\tamount\nK1\t上海贸易\t2026-01-05\t10\nK2\tМосква\t2026-01-06\t5\n",
                    encoding="utf-16")
    book = open_book(":memory:")
    import_orders(book, data, as_of=AS_OF)
    assert book.rows("SELECT source_id, name FROM customer ORDER BY 1") == [("K1", "上海贸易"), ("K2", "Москва")]


# --- the text rule ---------------------------------------------------------------


def test_invisible_characters_inside_a_customer_id_make_no_new_customer(tmp_path: Path) -> None:
    data = tmp_path / "orders.csv"
    data.write_text("customer,customer_name,date,amount\nK1,Acme AB,2026-01-05,10\nK\u200b1,Acme\ufeff AB,2026-01-06,10\n"
                    "\ufeffK1\u2060,Acme AB,2026-01-07,5\n", encoding="utf-8")
    book = open_book(":memory:")
    summary = import_orders(book, data, as_of=AS_OF)
    assert book.rows("SELECT source_id, name FROM customer") == [("K1", "Acme AB")]
    assert summary.orders_new == 3 and summary.customers_new == 1
    crm = tmp_path / "crm.csv"
    crm.write_text("customer,name,city\nK\u200b1,Acme AB,Lu\u200bnd\n", encoding="utf-8")
    from segtui.io.importer import import_customers

    import_customers(book, crm, as_of=AS_OF)
    assert book.rows("SELECT source_id, name, city FROM customer") == [("K1", "Acme AB", "Lund")]


@pytest.mark.parametrize("row, said", [
    ("K1,\x1b]52;c;cm0gLXJm\x07Acme", 'line 3, column "customer_name": the value holds a control character (U+001B), '
                                      "which is not text"),
    (f"K1,{'x' * 5_000}", 'line 3, column "customer_name": the value is 5,000 characters; at most 200 fit'),
    (f"{'K' * 61},Acme", 'line 3, column "customer": the value is 61 characters; at most 60 fit'),
], ids=["control", "long name", "long id"])
def test_imports_refuse_what_the_forms_refuse(filled_book: Path, tmp_path: Path, row: str, said: str) -> None:
    data = tmp_path / "orders.csv"
    data.write_text(f"customer,customer_name,date,amount\nK0,Fine AB,2026-01-05,1\n{row},2026-01-05,10\n",
                    encoding="utf-8")
    assert said in refused_unchanged(filled_book, data)


def test_a_customer_file_takes_the_forms_limits(filled_book: Path, tmp_path: Path) -> None:
    data = tmp_path / "crm.csv"
    data.write_text(f"customer,name,city\nK1,Acme AB,Lund\nK2,{'y' * 201},Umeå\n", encoding="utf-8")
    files = [filled_book, Path(f"{filled_book}-wal")]
    before = [f.read_bytes() if f.exists() else None for f in files]
    result = CliRunner().invoke(main, ["import", "customers", str(filled_book), str(data), "--new"])
    assert result.exit_code == 1
    assert 'line 3, column "name": the value is 201 characters; at most 200 fit' in result.stderr
    assert [f.read_bytes() if f.exists() else None for f in files] == before


# --- sizes and special files -----------------------------------------------------


def test_a_fifo_is_refused_up_front(filled_book: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "orders.csv"
    os.mkfifo(fifo)
    before = filled_book.read_bytes()
    run = subprocess.run([sys.executable, "-m", "segtui", "import", "orders", str(filled_book), str(fifo)],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert f'"{fifo}" is a named pipe (FIFO), not a file: save the data to a file and import that' in run.stderr
    assert filled_book.read_bytes() == before


def test_a_device_is_refused(filled_book: Path) -> None:
    assert '"/dev/zero" is a device, not a file' in refused_unchanged(filled_book, Path("/dev/zero"))


def test_a_workbook_that_unpacks_a_customer_id_of_400_mb_is_refused_before_it_is_read(filled_book: Path) -> None:
    data = DATA / "broken" / "huge_cell.xlsx"  # 412 KB; its sheet unpacks to 419 MB, one cell of 400 MB
    assert data.stat().st_size < 500_000
    started = time.monotonic()
    said = refused_unchanged(filled_book, data)
    assert time.monotonic() - started < 30
    assert ("the workbook is not a table as written: the sheet part xl/worksheets/sheet1.xml unpacks to 419,431,177 "
            "bytes from 408,160 (more than 200 times") in said


def test_a_value_longer_than_a_cell_holds_is_refused_at_its_row(filled_book: Path, tmp_path: Path) -> None:
    import zipfile

    plain = workbook(tmp_path / "plain.xlsx", [["customer", "date", "amount"], ["K1", "2026-01-05", 1],
                                               ["LONG", "2026-01-05", 10]])
    data = tmp_path / "orders.xlsx"  # openpyxl writes no value longer than Excel's limit: Excel's own files never hold one
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item, source.read(item).replace(b">LONG<", b">" + b"K" * 40_000 + b"<"))
    assert ('row 3, column "customer": the value is 40,000 characters; a cell holds at most 32,767'
            in refused_unchanged(filled_book, data))
    text = tmp_path / "orders.csv"
    text.write_text(f"customer,date,amount\nK1,2026-01-05,1\n{'K' * 40_000},2026-01-05,10\n", encoding="utf-8")
    assert "line 3 has a value longer than 32,767 characters" in refused_unchanged(filled_book, text)


def test_a_row_longer_than_a_row_holds_is_refused(filled_book: Path, tmp_path: Path) -> None:
    names = ["customer", "date", "amount"] + [f"note {n}" for n in range(40)]
    text = tmp_path / "orders.csv"
    text.write_text(",".join(names) + "\n" + ",".join(["K1", "2026-01-05", "1"] + ["x" * 30_000] * 40) + "\n",
                    encoding="utf-8")
    assert "line 2 is 1,200,013 characters long; a row holds at most 1,048,576" in refused_unchanged(filled_book, text)


def test_a_sheet_that_goes_on_past_excels_last_row_is_refused_without_a_wait(filled_book: Path, tmp_path: Path) -> None:
    import zipfile

    plain = workbook(tmp_path / "plain.xlsx", [["customer", "date", "amount"], ["K1", "2026-01-05", 10]])
    data = tmp_path / "rows.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # the next row is row 100,000,000
                content = content.replace(b'<row r="2">', b'<row r="100000000">').replace(b'r="A2"', b'r="A100000000"')
                content = content.replace(b'r="B2"', b'r="B100000000"').replace(b'r="C2"', b'r="C100000000"')
            target.writestr(item, content)
    started = time.monotonic()
    said = refused_unchanged(filled_book, data)
    assert time.monotonic() - started < 60
    assert "row 1,048,577: a sheet has at most 1,048,576 rows (Excel's limit), this one goes on" in said


def test_a_compressed_file_stops_at_the_limit_of_text(filled_book: Path, tmp_path: Path, monkeypatch) -> None:
    import gzip

    from segtui.io import readers

    monkeypatch.setattr(readers, "FILE_LIMIT", 2_000_000)
    data = tmp_path / "orders.csv.gz"
    with gzip.open(data, "wt", encoding="utf-8") as handle:
        handle.write("customer,date,amount\n" + "K1,2026-01-05,10\n" * 300_000)
    said = refused_unchanged(filled_book, data)
    assert "more than 2,000,000 bytes of text (unpacked); at most that much is read" in said


# --- currencies ------------------------------------------------------------------


def sek_book(path: Path) -> Path:
    book = open_book(path)
    data = path.parent / "first.csv"
    data.write_text("customer,date,amount,currency\nK1,2026-01-05,100,SEK\n", encoding="utf-8")
    import_orders(book, data, as_of=AS_OF)
    book.close()
    return path


def test_orders_in_another_currency_are_refused_at_their_line_without_a_rate(tmp_path: Path) -> None:
    book = sek_book(tmp_path / "book.db")
    data = tmp_path / "orders.csv"
    data.write_text("customer,date,amount,currency\nK2,2026-02-05,100,SEK\nK2,2026-02-06,10,USD\n", encoding="utf-8")
    said = refused_unchanged(book, data)
    assert ('line 3, column "currency": USD is not the book\'s currency (SEK): a book holds orders in one currency — '
            "import them into a book of their own, or convert them: --rate USD=RATE (SEK for one USD)") in said


def test_a_rate_converts_orders_to_the_books_currency(tmp_path: Path) -> None:
    book_path = sek_book(tmp_path / "book.db")
    data = tmp_path / "orders.csv"
    data.write_text("order,customer,date,amount,currency\nA,K2,2026-02-05,100,SEK\nB,K2,2026-02-06,10.01,USD\n"
                    "B,K2,2026-02-06,5,USD\nC,K3,2026-02-07,1000,JPY\nD,K3,2026-02-08,-2,USD\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["import", "orders", str(book_path), str(data), "--as-of", AS_OF.isoformat(),
                                       "--rate", "USD=10.45", "--rate", "jpy=0,0712"])
    assert result.exit_code == 0, result.output
    assert "3 lines in USD converted at 10.45 SEK for one USD (--rate)" in result.output
    assert "1 line in JPY converted at 0.0712 SEK for one JPY (--rate)" in result.output
    book = open_book(book_path)
    # 15.01 USD × 10.45 = 156.8545 SEK → 156.85; 1000 JPY × 0.0712 = 71.20; −2 USD = −20.90
    assert book.rows('SELECT order_ref, amount, currency FROM "order" WHERE order_ref IS NOT NULL ORDER BY 1') == [
        ("A", 10000, "SEK"), ("B", 15685, "SEK"), ("C", 7120, "SEK"), ("D", -2090, "SEK")]


def test_a_file_without_a_currency_column_in_another_currency_is_converted_when_given(tmp_path: Path) -> None:
    book_path = sek_book(tmp_path / "book.db")
    data = tmp_path / "orders.csv"
    data.write_text("order,customer,date,amount\nE,K4,2026-02-05,2\n", encoding="utf-8")
    assert "the book's orders are in SEK, not USD" in refused_unchanged(book_path, data, "--currency", "USD")
    result = CliRunner().invoke(main, ["import", "orders", str(book_path), str(data), "--currency", "USD",
                                       "--rate", "USD=10.45"])
    assert result.exit_code == 0, result.output
    assert open_book(book_path).rows('SELECT amount, currency FROM "order" WHERE order_ref = ?', ("E",)) == [(2090, "SEK")]


@pytest.mark.parametrize("rate, said", [("USD", '--rate "USD" is not CODE=RATE'), ("USD=0", '--rate "USD=0" is not CODE=RATE'),
                                        ("SEK=1", "--rate SEK=…: SEK is the currency the orders are converted to")])
def test_a_rate_that_cannot_be_used_is_refused(tmp_path: Path, rate: str, said: str) -> None:
    book = sek_book(tmp_path / "book.db")
    data = tmp_path / "orders.csv"
    data.write_text("customer,date,amount,currency\nK2,2026-02-05,100,USD\n", encoding="utf-8")
    files = [book, Path(f"{book}-wal")]
    before = [f.read_bytes() if f.exists() else None for f in files]
    result = CliRunner().invoke(main, ["import", "orders", str(book), str(data), "--rate", rate])
    assert result.exit_code != 0 and said in result.output + (result.stderr or "")
    assert [f.read_bytes() if f.exists() else None for f in files] == before


def test_the_currency_setting_cannot_relabel_a_book_with_orders(tmp_path: Path) -> None:
    from segtui.domain.settings import SettingError

    book = open_book(sek_book(tmp_path / "book.db"))
    with pytest.raises(SettingError, match=r"the book's orders are in SEK: called EUR, their amounts would be wrong"):
        book.set_setting("currency", "EUR")
    assert book.settings()["currency"] == "SEK"
    assert book.set_setting("currency", "SEK") == "SEK"  # the same: nothing relabelled
    result = CliRunner().invoke(main, ["settings", str(book.path), "currency", "EUR"])
    assert result.exit_code == 1 and "a book with orders keeps its currency" in result.output + (result.stderr or "")
    empty = open_book(tmp_path / "empty.db")
    assert empty.set_setting("currency", "EUR") == "EUR"  # no orders: nothing to relabel


def test_three_letters_that_name_no_currency_are_refused(filled_book: Path, tmp_path: Path) -> None:
    from segtui.domain.settings import SettingError, validate

    data = tmp_path / "orders.csv"
    data.write_text("customer,date,amount,Transaction Currency\nK1,2026-01-05,10,SEK\nK2,2026-01-05,10,ABC\n",
                    encoding="utf-8")
    assert ('line 3, column "Transaction Currency": "ABC" is not a currency code (three letters, like SEK)'
            in refused_unchanged(filled_book, data))
    with pytest.raises(SettingError, match="is not a currency code"):
        validate("currency", "ABC")
    assert validate("currency", "nok") == "NOK"
