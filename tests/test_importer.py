"""Importing orders and customers: mapping, grouping, credit notes, keyed re-imports,
all-or-nothing on broken files, CRM exports, and the command line."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from books import add_assessment, add_customer, add_order
from segtui.cli import main
from segtui.io.importer import (
    ReadError,
    import_customers,
    import_orders,
    map_columns,
    parse_map_options,
    preview,
)
from segtui.store.book import open_book

DATA = Path(__file__).resolve().parent / "data"
AS_OF = dt.date(2026, 11, 23)


def write(tmp_path: Path, text: str, name: str = "orders.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def orders(book) -> list[tuple]:
    return [
        tuple(r)
        for r in book.query(
            'SELECT c.source_id, o.order_ref, o.order_key, o.date, o.amount, o.currency '
            'FROM "order" o JOIN customer c ON c.id = o.customer_id ORDER BY 1, 4, 2, 5'
        )
    ]


def dump(book) -> list[str]:
    with book.lock:
        return list(book.conn.iterdump())


# --- column mapping ---------------------------------------------------------


def test_columns_are_found_by_their_names_whatever_the_case() -> None:
    mapping = map_columns("orders", ["CUSTOMER", "Date", "Amount", "Order"])
    assert mapping.fields == {"customer": "CUSTOMER", "date": "Date", "amount": "Amount", "order": "Order"}
    assert not mapping.line_level


def test_erp_names_are_understood_without_a_map() -> None:
    header = ["InvoiceNo", "StockCode", "Quantity", "InvoiceDate", "UnitPrice", "CustomerID"]
    mapping = map_columns("orders", header)
    assert mapping.fields == {
        "customer": "CustomerID", "date": "InvoiceDate", "quantity": "Quantity",
        "unit_price": "UnitPrice", "order": "InvoiceNo",
    }
    assert mapping.line_level


def test_a_map_wins_over_the_names() -> None:
    mapping = map_columns("orders", ["customer", "kund", "date", "amount"], {"customer": "kund"})
    assert mapping.fields["customer"] == "kund"
    assert mapping.chosen["customer"] == "map"


def test_a_mapped_column_that_is_not_there_is_named() -> None:
    with pytest.raises(ReadError, match='no column "Kund"'):
        map_columns("orders", ["customer", "date", "amount"], {"customer": "Kund"})


@pytest.mark.parametrize("items, message", [
    (["customer"], "is not FIELD=COLUMN"),
    (["colour=Red"], 'no order field "colour"'),
    (["customer="], "is not FIELD=COLUMN"),
])
def test_bad_map_options_are_explained(items, message) -> None:
    with pytest.raises(ReadError, match=message):
        parse_map_options(items)


def test_quantity_without_unit_price_is_refused() -> None:
    with pytest.raises(ReadError, match="none for unit_price"):
        map_columns("orders", ["customer", "date", "quantity"])


# --- orders -----------------------------------------------------------------


def test_an_order_level_file_imports_with_new_customers(book, tmp_path) -> None:
    path = write(tmp_path, "customer,customer_name,date,amount,order\n"
                           "K1,Acme AB,2026-01-15,1000.50,100\nK2,,2026-02-01,200,101\nK1,Acme AB,2026-03-01,-50,102\n")
    summary = import_orders(book, path, as_of=AS_OF)
    assert orders(book) == [
        ("K1", "100", "100", "2026-01-15", 100050, "SEK"),
        ("K1", "102", "102", "2026-03-01", -5000, "SEK"),
        ("K2", "101", "101", "2026-02-01", 20000, "SEK"),
    ]
    assert dict(book.query("SELECT source_id, name FROM customer")) == {"K1": "Acme AB", "K2": "K2"}
    assert (summary.rows_read, summary.orders_new, summary.credit_notes_new, summary.customers_new) == (3, 3, 1, 2)
    assert "Orders: 3 new (1 credit note), 0 already in the book" in summary.text()


def test_lines_of_one_order_are_summed(book, tmp_path) -> None:
    path = write(tmp_path, "order,customer,date,quantity,unit_price\n"
                           "A1,7,2026-01-05,2,10.25\nA1,7,2026-01-05,1,5.50\nA1,7,2026-01-04,3,0.333\n"
                           "C1,7,2026-01-06,-1,5.50\n")
    summary = import_orders(book, path, as_of=AS_OF)
    # 20.50 + 5.50 + 0.999 = 26.999 → 27.00; the earliest line's date
    assert orders(book) == [("7", "A1", "A1", "2026-01-04", 2700, "SEK"), ("7", "C1", "C1", "2026-01-06", -550, "SEK")]
    assert summary.credit_notes_new == 1


def test_rows_without_an_order_id_are_one_order_per_customer_and_day(book, tmp_path) -> None:
    path = write(tmp_path, "customer,date,amount\n"
                           "1,2026-01-05,100\n1,2026-01-05,50\n1,2026-01-05,-30\n1,2026-01-06,10\n2,2026-01-05,100\n")
    import_orders(book, path, as_of=AS_OF)
    assert orders(book) == [
        ("1", None, "d:2026-01-05", "2026-01-05", -3000, "SEK"),
        ("1", None, "d:2026-01-05", "2026-01-05", 15000, "SEK"),
        ("1", None, "d:2026-01-06", "2026-01-06", 1000, "SEK"),
        ("2", None, "d:2026-01-05", "2026-01-05", 10000, "SEK"),
    ]


def test_rows_without_a_customer_are_skipped_and_counted(book, tmp_path) -> None:
    path = write(tmp_path, "customer,date,amount\n,2026-01-05,100\n  ,2026-01-05,5\n3,2026-01-05,1\n")
    summary = import_orders(book, path, as_of=AS_OF)
    assert summary.skipped == {"no customer id": 2}
    assert "skipped 2 (no customer id)" in summary.text()
    assert book.scalar('SELECT count(*) FROM "order"') == 1


def test_importing_again_adds_nothing(book, tmp_path) -> None:
    path = write(tmp_path, "customer,date,amount,order\n1,2026-01-05,100,A\n1,2026-01-05,100,\n2,2026-01-06,7,\n")
    import_orders(book, path, as_of=AS_OF)
    before = dump(book)
    again = import_orders(book, path, as_of=AS_OF)
    assert (again.orders_new, again.orders_existing, again.customers_new) == (0, 3, 0)
    assert dump(book) == before


def test_swedish_excel_files_decimal_commas_and_dates(book) -> None:
    summary = import_orders(book, DATA / "orders" / "visma_semicolon_latin1.csv", as_of=AS_OF)
    assert summary.columns == {
        "customer": "Kundnr", "date": "Fakturadatum", "amount": "Belopp", "order": "Fakturanr",
        "customer_name": "Kundnamn", "currency": "Valuta",
    }
    assert orders(book) == [
        ("5001", "90001", "90001", "2025-02-03", 123450, "SEK"),
        ("5001", "90002", "90002", "2025-03-17", -23450, "SEK"),
        ("5002", "90003", "90003", "2025-04-01", 1200000, "SEK"),
    ]
    assert book.scalar("SELECT name FROM customer WHERE source_id = '5001'") == "Älvkraft AB"
    assert summary.skipped == {"no customer id": 1}


def test_tab_separated_lines_with_compact_and_iso_time_dates(book) -> None:
    import_orders(book, DATA / "orders" / "lines_tab.tsv", as_of=AS_OF)
    assert orders(book) == [
        ("7001", "A1", "A1", "2025-01-05", 2600, "SEK"),
        ("7001", "C1", "C1", "2025-01-06", -550, "SEK"),
        ("7002", "A2", "A2", "2025-01-07", 30000, "SEK"),
    ]


def test_month_first_dates_are_detected(book, tmp_path) -> None:
    path = write(tmp_path, "customer,date,amount\n1,12/1/2025 8:26,1\n1,12/13/2025 9:00,1\n")
    summary = import_orders(book, path, as_of=AS_OF)
    assert [o[3] for o in orders(book)] == ["2025-12-01", "2025-12-13"]
    assert "Dates read as month/day/year" in summary.text()


def test_gzip_and_xlsx_files_import(book, tmp_path) -> None:
    import gzip

    from openpyxl import Workbook

    gz = tmp_path / "orders.csv.gz"
    gz.write_bytes(gzip.compress(b"customer,date,amount\n1,2026-01-05,100\n"))
    workbook = Workbook()
    workbook.active.title = "Cover"
    workbook.active.append(["nothing", "here"])
    sheet = workbook.create_sheet("Orders")
    sheet.append(["Customer", "Date", "Amount"])
    sheet.append([2, dt.datetime(2026, 2, 1), 99.5])
    sheet.append([3.0, 20260203, 10])
    workbook.save(tmp_path / "orders.xlsx")
    import_orders(book, gz, as_of=AS_OF)
    import_orders(book, tmp_path / "orders.xlsx", sheet="Orders", as_of=AS_OF)
    assert orders(book) == [
        ("1", None, "d:2026-01-05", "2026-01-05", 10000, "SEK"),
        ("2", None, "d:2026-02-01", "2026-02-01", 9950, "SEK"),
        ("3", None, "d:2026-02-03", "2026-02-03", 1000, "SEK"),
    ]


def test_an_order_in_two_currencies_is_refused(book, tmp_path) -> None:
    path = write(tmp_path, "order,customer,date,amount,currency\n1,1,2026-01-05,1,SEK\n1,1,2026-01-05,1,EUR\n")
    with pytest.raises(ReadError, match=r'line 3, column "currency": EUR is not the currency of the file\'s first '
                                        r'orders \(SEK, line 2\): a book holds orders in one currency'):
        import_orders(book, path, as_of=AS_OF)


def test_the_summary_names_customers_that_moved(book, tmp_path) -> None:
    cid = add_customer(book, "K1", "Acme AB")
    add_order(book, cid, "2026-01-10", 500)
    add_assessment(book, cid, "2026-01-01", 3_000_000, loyalty=0.9)
    path = write(tmp_path, "customer,date,amount\nK1,2026-06-01,1500000\n")
    summary = import_orders(book, path, as_of=AS_OF)
    assert len(summary.moves) == 1
    move = summary.moves[0]
    assert (move.source_id, move.revenue_class) == ("K1", ("C", "B"))
    assert "K1" in summary.text() and "class C → B" in summary.text()


@pytest.mark.parametrize("dry_run", [False, True])
def test_a_large_book_on_disk_names_the_customers_that_moved(tmp_path, monkeypatch, dry_run) -> None:
    """A book large enough for the two-connection aggregate: the classification
    after the write must still see the rows written in the import's transaction."""
    import segtui.store.segments as engine

    monkeypatch.setattr(engine, "PARALLEL_FROM_ROWS", 1)
    disk = open_book(tmp_path / "big.db")
    try:
        cid = add_customer(disk, "K1", "Acme AB")
        add_order(disk, cid, "2026-01-10", 500)
        add_assessment(disk, cid, "2026-01-01", 3_000_000, loyalty=0.9)
        other = add_customer(disk, "K2", "Beta AB")
        add_order(disk, other, "2026-02-10", 700)
        path = write(tmp_path, "customer,date,amount\nK1,2026-06-01,1500000\n")
        summary = import_orders(disk, path, as_of=AS_OF, dry_run=dry_run)
        assert [(m.source_id, m.revenue_class) for m in summary.moves] == [("K1", ("C", "B"))]
        assert "class C → B" in summary.text()
    finally:
        disk.close()


def test_a_dry_run_reports_and_writes_nothing(book, tmp_path) -> None:
    add_customer(book, "K1", "Acme AB")
    before = dump(book)
    path = write(tmp_path, "customer,date,amount\nK1,2026-06-01,15\nK2,2026-06-02,1\n")
    summary = import_orders(book, path, as_of=AS_OF, dry_run=True)
    assert (summary.orders_new, summary.customers_new) == (2, 1)
    assert "Dry run: nothing was written." in summary.text()
    assert dump(book) == before


# --- broken files: a clear message, the line, and an unchanged book ---------------

BROKEN = [
    ("bad_date.csv", 'line 3, column "date": "2024-02-30" is not a date (February 2024 has 29 days)'),
    ("bad_number.csv", 'line 4, column "amount": "about 300" is not a number'),
    ("nan.csv", 'line 3, column "quantity": "NaN" is not a number'),
    ("infinity.csv", 'line 2, column "amount": "inf" is not a number'),
    ("huge.csv", 'line 3, column "amount": "99999999999999999999" is too large'),
    ("extra_fields.csv", "line 3 has 5 fields, the header has 3"),
    ("open_quote.csv", "line 3 has a quote that is never closed"),
    ("missing_column.csv", "line 1 (the header): no column for the date was found"),
    ("bad_currency.csv", 'line 3, column "currency": "kronor" is not a currency code'),
    ("short_year.csv", 'line 2, column "date": "15/01/24" is not a date (the year must have four digits)'),
    ("late_error.csv", 'line 2501, column "date": "2024-13-01" is not a date (there is no month 13)'),
    ("empty.csv", "the file is empty"),
    ("binary_garbage.csv", "does not look like a CSV or XLSX file (it contains binary data)"),
    ("bad_row.xlsx", 'row 3, column "Date": "next week" is not a date'),
    ("not_really.xlsx", "the file looks like an XLSX workbook but is damaged"),
]


@pytest.fixture
def filled_book(tmp_path):
    from segtui.store.demo import generate

    book = generate(tmp_path / "book.db", customers=20, orders=200, seed=3, today=AS_OF)
    book.close()
    return tmp_path / "book.db"


def file_dump(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


@pytest.mark.parametrize("name, message", BROKEN, ids=[b[0] for b in BROKEN])
def test_a_broken_file_is_refused_and_the_book_is_unchanged(filled_book, name, message) -> None:
    before = file_dump(filled_book)
    result = CliRunner().invoke(main, ["import", "orders", str(filled_book), str(DATA / "broken" / name)])
    assert result.exit_code == 1
    assert message in result.stderr
    assert result.stderr.startswith(f"segtui: {DATA / 'broken' / name}: ")
    assert "nothing was imported" in result.stderr
    assert "Traceback" not in result.output
    assert file_dump(filled_book) == before


@pytest.mark.parametrize("name", ["bad_date.csv", "late_error.csv"])
def test_a_broken_file_leaves_no_new_book_behind(tmp_path, name) -> None:
    target = tmp_path / "new.db"
    result = CliRunner().invoke(main, ["import", "orders", str(target), str(DATA / "broken" / name)])
    assert result.exit_code == 1
    assert list(tmp_path.iterdir()) == []


# --- customers (CRM exports) ------------------------------------------------


def customers(book) -> list[tuple]:
    return [tuple(r) for r in book.query(
        "SELECT source_id, name, industry, city, postcode, address, owner FROM customer ORDER BY id")]


def test_hubspot_companies_import_without_a_map(book) -> None:
    summary = import_customers(book, DATA / "crm" / "hubspot_companies.csv", as_of=AS_OF)
    # HubSpot's own record id is kept as the CRM id, never taken as the customer id
    assert "customer" not in summary.columns and summary.columns["crm_id"] == "Record ID"
    assert summary.columns["name"] == "Company name"
    assert summary.columns["phone"] == "Phone Number"
    assert customers(book)[1] == ("crm:5120002", "Sjöplast AB", "Plastics", "Göteborg", "411 04", "Hamngatan 7",
                                  "Anna Berg")
    assert book.scalar("SELECT crm_id FROM customer WHERE name = 'Sjöplast AB'") == "5120002"
    # the lead without a record id is a prospect, known by its name
    assert customers(book)[3][:2] == ("name:unassigned-lead", "Unassigned lead")
    assert (summary.matched, summary.customers_new, summary.skipped) == (0, 4, {})
    phones = book.query("SELECT c.source_id, k.phone, k.is_primary FROM contact k JOIN customer c ON c.id = k.customer_id")
    assert [tuple(p) for p in phones] == [("crm:5120001", "+46 8 123 45 67", 1), ("crm:5120002", "+46 31 22 33 44", 1)]
    assert 'Columns used: crm_id ← "Record ID", name ← "Company name"' in summary.text()


def test_salesforce_accounts_import_without_a_map(book) -> None:
    summary = import_customers(book, DATA / "crm" / "salesforce_accounts.csv", as_of=AS_OF)
    assert (summary.columns["crm_id"], summary.columns["name"], summary.columns["city"]) == ("Id", "Name", "BillingCity")
    assert customers(book)[1] == (
        "crm:0015g00000AbCdFAAZ", "Lindqvist Måleri AB", "Construction", "Uppsala", "753 20", "Storgatan 2", "Anna Berg")


def test_pipedrive_organizations_import_without_a_map(book) -> None:
    summary = import_customers(book, DATA / "crm" / "pipedrive_organizations.csv", as_of=AS_OF)
    assert summary.columns["crm_id"] == "Organization - ID"
    assert summary.columns["name"] == "Organization - Name"
    assert summary.columns["city"] == "Organization - Address - City/town/village/locality"
    assert customers(book)[0][:4] == ("crm:71", "Tampere Teräs Oy", None, "Tampere")


def test_customers_are_updated_not_duplicated(book, tmp_path) -> None:
    path = DATA / "crm" / "hubspot_companies.csv"
    import_customers(book, path, as_of=AS_OF)
    before = dump(book)
    again = import_customers(book, path, as_of=AS_OF)
    assert (again.customers_new, again.customers_updated, again.customers_existing, again.contacts_new) == (0, 0, 4, 0)
    assert (again.matched, again.matched_by) == (4, {"crm_id": 3, "name_city": 1})
    assert dump(book) == before
    moved = write(tmp_path, "Record ID,City,Phone Number\n5120003,Lund,+46 46 11 22 33\n")
    summary = import_customers(book, moved, as_of=AS_OF)
    assert summary.customers_updated == 1 and summary.contacts_new == 1
    assert customers(book)[2][:4] == ("crm:5120003", "Ekfrakt AB", "Logistics", "Lund")


def test_orders_then_customers_name_the_placeholder_customers(book, tmp_path) -> None:
    import_orders(book, write(tmp_path, "customer,date,amount\n5120001,2026-01-05,100\n"), as_of=AS_OF)
    assert customers(book)[0][1] == "5120001"
    # a CRM that carries the ERP's number in its record id: mapped, it is the customer id
    import_customers(book, DATA / "crm" / "hubspot_companies.csv", {"customer": "Record ID"}, as_of=AS_OF)
    assert customers(book)[0][1] == "Norrbyggen AB"
    assert book.scalar("SELECT count(*) FROM customer") == 3


# --- preview (the Import screen) ----------------------------------------------


def test_preview_shows_rows_with_their_problems() -> None:
    result = preview(DATA / "broken" / "bad_date.csv", rows=5)
    assert result.error is None
    assert result.format.startswith("CSV")
    assert [(line, problem) for line, _, problem in result.rows] == [
        (2, None), (3, 'line 3, column "date": "2024-02-30" is not a date (February 2024 has 29 days)'), (4, None)]


def test_preview_explains_a_file_that_cannot_be_imported() -> None:
    assert "binary data" in preview(DATA / "broken" / "binary_garbage.csv").error
    assert "no column for the date" in preview(DATA / "broken" / "missing_column.csv").error


# --- the command line -----------------------------------------------------------


def test_the_import_command_creates_the_book_and_reports(tmp_path) -> None:
    target = tmp_path / "new.db"
    args = ["import", "orders", str(target), str(DATA / "orders" / "lines_tab.tsv"), "--as-of", "2026-11-23",
            "--currency", "SEK"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "Created the book" in result.output
    assert "Orders: 3 new (1 credit note), 0 already in the book" in result.output
    again = CliRunner().invoke(main, args)
    assert "Orders: 0 new, 3 already in the book" in again.output


def test_the_import_command_takes_maps_and_dry_runs(tmp_path) -> None:
    path = write(tmp_path, "Kund;Dag;Summa\n9;2026-01-05;12,50\n")
    target = tmp_path / "b.db"
    result = CliRunner().invoke(main, ["import", "orders", str(target), str(path), "--dry-run", "--currency", "SEK",
                                       "--map", "customer=Kund", "--map", "date=Dag", "--map", "amount=Summa"])
    assert result.exit_code == 0, result.output
    assert "Would import" in result.output and "Dry run" in result.output
    assert not target.exists()


def test_a_bad_map_is_a_usage_error(tmp_path) -> None:
    result = CliRunner().invoke(main, ["import", "orders", str(tmp_path / "b.db"), str(DATA / "orders" / "lines_tab.tsv"),
                                       "--map", "nonsense"])
    assert result.exit_code == 2
    assert "is not FIELD=COLUMN" in result.output
    assert not (tmp_path / "b.db").exists()


def test_the_customers_command(tmp_path) -> None:
    result = CliRunner().invoke(main, ["import", "customers", str(tmp_path / "b.db"),
                                       str(DATA / "crm" / "pipedrive_organizations.csv")])
    assert result.exit_code == 0, result.output
    assert "Customers: 2 new, 0 updated, 0 unchanged" in result.output
    assert "Columns used: crm_id ← \"Organization - ID\"" in result.output


# --- properties -------------------------------------------------------------------

_order = st.tuples(
    st.sampled_from(["K1", "K2", "K3", "Z9"]),
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 11, 23)),
    st.integers(-10_000_00, 10_000_00),
    st.booleans(),  # has an order id
)


def _file(rows: list[tuple], ids: list[int]) -> str:
    lines = ["order,customer,date,amount"]
    for n, (customer, day, cents, with_id) in zip(ids, rows):
        lines.append(f"{'N%d' % n if with_id else ''},{customer},{day.isoformat()},{cents / 100:.2f}")
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_order, max_size=25), cut=st.integers(0, 25), overlap=st.integers(0, 5))
def test_any_valid_file_imports_and_overlapping_parts_give_the_same_book(tmp_path, rows, cut, overlap) -> None:
    # rows without an id are grouped per customer and day: keep one row per such day,
    # so every row is its own order and any split of the file is a split of whole orders
    seen, unique = set(), []
    for row in rows:
        key = (row[0], row[1], row[3], row[2] < 0)
        if row[3] or key not in seen:
            seen.add(key)
            unique.append(row)
    ids = list(range(len(unique)))
    whole = open_book(":memory:")
    import_orders(whole, write(tmp_path, _file(unique, ids), "whole.csv"), as_of=AS_OF)
    assert whole.scalar('SELECT count(*) FROM "order"') == len(unique)
    again = import_orders(whole, tmp_path / "whole.csv", as_of=AS_OF)
    assert again.orders_new == 0 and again.orders_existing == len(unique)

    cut = min(cut, len(unique))
    parts = open_book(":memory:")
    first = write(tmp_path, _file(unique[: cut + overlap], ids[: cut + overlap]), "first.csv")
    second = write(tmp_path, _file(unique[cut:], ids[cut:]), "second.csv")
    import_orders(parts, first, as_of=AS_OF)
    import_orders(parts, second, as_of=AS_OF)
    assert orders(parts) == orders(whole)
    assert sum(r[4] for r in orders(whole)) == sum(r[2] for r in unique)


def test_progress_is_reported_up_to_the_end(book) -> None:
    calls = []
    import_orders(book, DATA / "orders" / "lines_tab.tsv",
                  as_of=AS_OF, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == calls[-1][1]


def test_progress_on_a_long_file_rises(book, tmp_path) -> None:
    lines = ["customer,date,amount"] + [f"{i % 7},2026-01-{1 + i % 28:02d},{i}" for i in range(20_000)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    calls = []
    import_orders(book, path, as_of=AS_OF, progress=lambda done, total: calls.append((done, total)))
    assert len(calls) >= 3
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)
    assert {t for _, t in calls} == {20_001}  # lines in the file



_line = st.tuples(
    st.integers(1, 6),  # order number; the customer and the day are fixed by the order
    st.integers(-5, 60),  # quantity
    st.decimals(min_value=0, max_value=50_000, places=2, allow_nan=False, allow_infinity=False),
    st.booleans(),  # thousands separated by a space, Swedish style
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_line, min_size=1, max_size=30))
def test_order_lines_sum_to_their_orders(tmp_path, lines) -> None:
    from decimal import ROUND_HALF_UP, Decimal

    book = open_book(":memory:")
    text = ["order;customer;date;quantity;unit_price"]
    totals: dict[str, Decimal] = {}
    for number, quantity, price, spaced in lines:
        shown = (f"{price:,.2f}".replace(",", " ") if spaced else f"{price:.2f}").replace(".", ",")
        ref = f"INV{number}"
        text.append(f"{ref};C{number % 3};2026-0{1 + number % 5}-1{number};{quantity};{shown}")
        totals[ref] = totals.get(ref, Decimal(0)) + quantity * price
    summary = import_orders(book, write(tmp_path, "\n".join(text) + "\n", "lines.csv"), as_of=AS_OF)
    got = {ref: amount for _, ref, _, _, amount, _ in orders(book)}
    want = {ref: int((t * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)) for ref, t in totals.items()}
    assert got == want
    assert summary.credit_notes_new == sum(v < 0 for v in want.values())


# --- lines summed by SQLite vs line by line ---------------------------------------

from decimal import Decimal as _D  # noqa: E402

_spread_line = st.tuples(
    st.integers(0, 5),  # order number (0: no order id, one order per customer and day)
    st.sampled_from(["K1", "K2", "K3"]),
    st.integers(1, 4),  # day
    st.decimals(min_value=-1000, max_value=100_000, places=6, allow_nan=False, allow_infinity=False),
    st.sampled_from(["SEK", "SEK", "EUR"]),
)


def _reference(lines: list[tuple]) -> tuple[dict, set]:
    """Orders summed line by line with Decimals, as an importer would by hand."""
    from decimal import ROUND_HALF_UP, Decimal

    orders: dict[tuple, list] = {}
    for number, customer, day, amount, currency in lines:
        date = f"2026-01-0{day}"
        key = (customer, f"N{number}") if number else (customer, ("c:" if amount < 0 else "d:") + date)
        entry = orders.setdefault(key, [date, Decimal(0), currency])
        entry[0] = min(entry[0], date)
        entry[1] += amount
        if currency != lines[0][4]:  # a book holds one currency: the file's first
            return {}, {key}
    return {
        (customer, key if not key[:2] in ("c:", "d:") else None, key if key[:2] not in ("c:", "d:") else "d:" + date,
         date, int((total * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP)), currency)
        for (customer, key), (date, total, currency) in orders.items()
    }, set()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_spread_line, min_size=1, max_size=30))
# a day's order and a credit note of a millionth: both 0.00, in one currency or two
@example(lines=[(0, "K1", 1, _D(0), "SEK"), (0, "K1", 1, _D(0), "SEK"), (0, "K1", 1, _D("-0.000001"), "EUR")])
@example(lines=[(0, "K1", 1, _D(0), "SEK"), (0, "K1", 1, _D(0), "SEK"), (0, "K1", 1, _D("-0.000001"), "SEK")])
def test_orders_spread_over_the_file_sum_as_line_by_line(tmp_path, lines) -> None:
    # lines of one order anywhere in the file, amounts finer than a cent (summed first,
    # rounded once), customers with orders in two currencies
    text = ["order,customer,date,amount,currency"] + [
        f"{'N%d' % n if n else ''},{c},2026-01-0{d},{a},{cur}" for n, c, d, a, cur in lines
    ]
    want, conflict = _reference(lines)
    book = open_book(":memory:")
    path = write(tmp_path, "\n".join(text) + "\n", "spread.csv")
    if conflict:
        with pytest.raises(ReadError, match="is not the currency of the file's first orders"):
            import_orders(book, path, as_of=AS_OF)
        assert book.scalar('SELECT count(*) FROM "order"') == 0
        return
    summary = import_orders(book, path, as_of=AS_OF)
    stored = orders(book)
    # Every order and credit note with an amount is stored as summed line by line.
    assert {r for r in stored if r[4] != 0} == {r for r in want if r[4] != 0}
    # A day's order and credit note that both round to 0.00 (in any currency) are
    # one zero row: there is nothing to keep twice.
    assert {(r[0], r[2]) for r in stored if r[4] == 0} == {(r[0], r[2]) for r in want if r[4] == 0}
    assert summary.orders_new == len(stored)
    assert summary.credit_notes_new == sum(r[4] < 0 for r in stored)
    again = import_orders(book, path, as_of=AS_OF)
    assert again.orders_new == 0
    assert again.orders_existing == summary.orders_new + summary.orders_existing


def test_an_order_whose_lines_add_up_too_much_is_refused_at_the_line(book, tmp_path) -> None:
    path = write(tmp_path, "order,customer,date,amount\n"
                           "A,1,2026-01-05,6000000000000\nB,1,2026-01-05,1\nA,1,2026-01-06,6000000000000\n")
    with pytest.raises(ReadError, match=r"line 4: the order's total is too large"):
        import_orders(book, path, as_of=AS_OF)
    assert book.scalar('SELECT count(*) FROM "order"') == 0


def test_half_cents_are_rounded_once_per_order_away_from_zero(book, tmp_path) -> None:
    path = write(tmp_path, "order,customer,date,amount\n"
                           "A,1,2026-01-05,0.0025\nB,1,2026-01-05,-0.0049\nA,1,2026-01-05,0.0025\n"
                           "C,1,2026-01-05,-0.005\nD,1,2026-01-05,0.12345\nD,1,2026-01-05,0.00005\n")
    import_orders(book, path, as_of=AS_OF)
    assert {r[1]: r[4] for r in orders(book)} == {"A": 1, "B": 0, "C": -1, "D": 12}


def test_a_day_whose_order_and_credit_note_both_round_to_nothing_is_one_order(book, tmp_path) -> None:
    path = write(tmp_path, "customer,date,amount\n1,2026-01-05,0.001\n1,2026-01-05,-0.001\n")
    summary = import_orders(book, path, as_of=AS_OF)
    assert orders(book) == [("1", None, "d:2026-01-05", "2026-01-05", 0, "SEK")]
    assert (summary.orders_new, summary.orders_existing) == (1, 1)


def test_foreign_keys_are_checked_again_after_an_import(book, tmp_path) -> None:
    good = write(tmp_path, "order,customer,date,amount\nA,1,2026-01-05,10\n", "good.csv")
    import_orders(book, good, as_of=AS_OF)
    assert book.scalar("PRAGMA foreign_keys") == 1
    with pytest.raises(sqlite3.IntegrityError):
        with book.transaction() as conn:
            conn.execute('INSERT INTO "order" (customer_id, order_key, date, amount) VALUES (999, \'x\', \'2026-01-01\', 1)')
    assert book.scalar('SELECT count(*) FROM "order"') == 1
