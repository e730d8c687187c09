"""Budgets, loyalty and firmographics from CRM exports; names and places from
order files (docs/first-day.md, README "Importing")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui.cli import main
from segtui.io.importer import ReadError, choose_columns, import_customers, import_orders
from segtui.store.customers import load_customer
from segtui.store.segments import segment_book

TODAY = dt.date(2026, 12, 5)


def write(tmp_path: Path, text: str, name: str = "crm.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("header, expected", [
    (["Record ID", "Company name", "Number of Employees", "Annual Revenue", "Industry", "Country/Region"],
     {"employees": "Number of Employees", "annual_revenue": "Annual Revenue", "industry": "Industry",
      "country": "Country/Region"}),
    (["Id", "Name", "NumberOfEmployees", "AnnualRevenue", "Industry", "BillingCountry"],
     {"employees": "NumberOfEmployees", "annual_revenue": "AnnualRevenue", "industry": "Industry",
      "country": "BillingCountry"}),
    (["Organization - ID", "Organization - Name", "Organization - Number of employees",
      "Organization - Annual revenue", "Organization - Industry", "Organization - Address - Country"],
     {"employees": "Organization - Number of employees", "annual_revenue": "Organization - Annual revenue",
      "industry": "Organization - Industry", "country": "Organization - Address - Country"}),
])
def test_the_crms_own_column_names_are_understood(header, expected) -> None:
    mapping = choose_columns("customers", header)
    for name, column in expected.items():
        assert mapping.fields[name] == column


CRM = ("Record ID,Company name,Budget,Loyalty,Industry\n"
       "101,Alfa AB,500000,60%,Wholesale\n"
       "102,Beta AB,\"1 200 000\",0.25,Retail\n"
       "103,Gamma AB,,,Retail\n")


def test_a_budget_and_loyalty_are_dated_assessments_by_the_file(book, tmp_path) -> None:
    summary = import_customers(book, write(tmp_path, CRM, "hubspot-companies.csv"), today=TODAY)
    assert summary.assessments_new == 2
    assert "Assessments: 2 new (budgets and loyalty from the file, dated 2026-12-05, by hubspot-companies.csv)" \
        in summary.text()
    rows = book.rows("SELECT c.source_id, a.date, a.who, a.budget_per_year, a.loyalty_override FROM assessment a "
                     "JOIN customer c ON c.id = a.customer_id ORDER BY c.source_id")
    assert rows == [("crm:101", "2026-12-05", "hubspot-companies.csv", 50_000_000, 0.6),
                    ("crm:102", "2026-12-05", "hubspot-companies.csv", 120_000_000, 0.25)]
    if "source" in {r[1] for r in book.rows("PRAGMA table_info(assessment)")}:
        assert {r[0] for r in book.rows("SELECT source FROM assessment")} == {"imported"}
    alfa = book.scalar("SELECT id FROM customer WHERE crm_id = '101'")
    history = load_customer(book, alfa, TODAY).assessments
    assert [(a.who, a.budget_per_year) for a in history] == [("hubspot-companies.csv", 50_000_000)]
    segment = next(s for s in segment_book(book, TODAY) if s.id == alfa).segment
    assert segment.loyalty == pytest.approx(0.6) and segment.potential_class is not None
    # the same file again adds nothing; a changed value adds one dated row
    again = import_customers(book, write(tmp_path, CRM, "hubspot-companies.csv"), today=TODAY)
    assert again.assessments_new == 0
    changed = CRM.replace("500000,60%", "650000,60%")
    later = import_customers(book, write(tmp_path, changed, "hubspot-companies.csv"), today=dt.date(2026, 12, 20))
    assert later.assessments_new == 1
    assert book.scalar("SELECT count(*) FROM assessment") == 3


def test_a_file_with_only_a_budget_keeps_the_latest_loyalty(book, tmp_path) -> None:
    import_customers(book, write(tmp_path, CRM), today=TODAY)
    import_customers(book, write(tmp_path, "Record ID,Budget\n101,700000\n", "budgets.csv"), today=TODAY)
    latest = book.rows("SELECT who, budget_per_year, loyalty_override FROM assessment WHERE customer_id = "
                       "(SELECT id FROM customer WHERE crm_id = '101') ORDER BY id DESC LIMIT 1")
    assert latest == [("budgets.csv", 70_000_000, 0.6)]


@pytest.mark.parametrize("cell, reason", [
    ("lots", 'line 2, column "Budget"'),
    ("-5", 'line 2, column "Budget": "-5" is negative'),
])
def test_a_bad_budget_is_refused_with_its_line_and_nothing_is_written(book, tmp_path, cell, reason) -> None:
    with pytest.raises(ReadError, match=reason):
        import_customers(book, write(tmp_path, f"Record ID,Budget\n101,{cell}\n"), today=TODAY)
    assert book.scalar("SELECT count(*) FROM customer") == 0


def test_a_bad_loyalty_is_refused_with_its_line(book, tmp_path) -> None:
    with pytest.raises(ReadError, match=r'line 3, column "Loyalty": the loyalty cannot be above 100 %'):
        import_customers(book, write(tmp_path, "Record ID,Loyalty\n101,50%\n102,140%\n"), today=TODAY)
    assert book.scalar("SELECT count(*) FROM assessment") == 0


def test_the_command_takes_a_budget_column(tmp_path) -> None:
    target = tmp_path / "b.db"
    result = CliRunner().invoke(main, ["import", "customers", str(target), str(write(tmp_path, CRM))])
    assert result.exit_code == 0, result.output
    assert "budget ← \"Budget\"" in result.stdout and "Assessments: 2 new" in result.stdout


def test_an_order_file_fills_a_new_customers_city_and_never_blanks_one(book, tmp_path) -> None:
    book.conn.execute("INSERT INTO customer (source_id, name, city, created) VALUES ('K1', 'Kept AB', 'Lund', '2026-01-01')")
    path = write(tmp_path, "customer,customer_name,city,date,amount\n"
                           "K1,Other name,Malmö,2026-11-20,10\n"
                           "K2,New AB,,2026-11-20,10\n"
                           "K2,New AB,Växjö,2026-11-21,10\n"
                           "K3,,,2026-11-21,10\n", "orders.csv")
    import_orders(book, path, today=TODAY)
    rows = dict((r[0], (r[1], r[2])) for r in book.rows("SELECT source_id, name, city FROM customer"))
    assert rows == {"K1": ("Kept AB", "Lund"), "K2": ("New AB", "Växjö"), "K3": ("K3", None)}


@pytest.mark.slow
def test_the_real_files_country_column_is_found(shared_data) -> None:
    from segtui.io.importer import preview

    result = preview(shared_data / "online_retail.csv.gz", "orders", rows=3)
    assert result.mapping.fields["country"] == "Country"
