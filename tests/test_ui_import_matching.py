"""The Import screen matches a customer file as `segtui import customers` does: the preview says
where each row goes, ctrl+f chooses the rule (--match), ctrl+n adds new customers (--new)."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from textual.app import App
from textual.widgets import DataTable, Static

from segtui.store.book import open_book
from segtui.store.duplicates import merge_customers
from segtui.ui.importer import ImportScreen

AS_OF = dt.date(2026, 11, 23)
UNSET = object()


class Host(App):
    def __init__(self, book, path: str, kind: str = "customers"):
        super().__init__()
        self.book, self.path, self.kind = book, path, kind
        self.result = UNSET

    def on_mount(self) -> None:
        def done(result) -> None:
            self.result = result

        self.push_screen(ImportScreen(self.book, AS_OF, self.path, self.kind), done)


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def write(tmp_path: Path, rows: list[list[str]], name: str = "crm.csv") -> str:
    path = tmp_path / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return str(path)


def add(book, source_id: str, name: str, city: str | None = None, org: str | None = None,
        crm: str | None = None) -> int:
    with book.transaction() as conn:
        return conn.execute("INSERT INTO customer (source_id, name, city, org_number, crm_id, created) "
                            "VALUES (?, ?, ?, ?, ?, '2026-01-01')", (source_id, name, city, org, crm)).lastrowid


def cells(app, column: str) -> dict[str, str]:
    table = app.screen.query_one("#import-rows", DataTable)
    return {str(key.value): str(table.get_cell(key, column)) for key in table.rows}


def a_book(tmp_path):
    book = open_book(tmp_path / "book.db")
    add(book, "K1", "Acme AB", "Lund")
    add(book, "K2", "Berg Trä AB", "Umeå", org="556677-8899")
    add(book, "K3", "Ceder AB", "Ystad", crm="31")
    kept, gone = add(book, "K4", "Dala Bygg AB", "Falun", crm="41"), add(book, "K5", "Dalabygg Norr", "Mora", crm="42")
    merge_customers(book, kept, gone, AS_OF)
    add(book, "K6", "Eken AB", "Lund")
    add(book, "K7", "EKEN Aktiebolag", "lund")
    return book


HUBSPOT = [
    ["Record ID", "Company name", "City", "Org number"],
    ["", "ACME Aktiebolag", "LUND", ""],           # 2: name and city
    ["", "Berg & Son", "Umeå", "5566778899"],     # 3: org number
    ["31", "Ceder Renamed", "Ystad", ""],         # 4: CRM id
    ["42", "Dalabygg Norr", "Mora", ""],          # 5: the CRM id of a customer merged into K4
    ["", "Eken", "Lund", ""],                     # 6: two customers fit
    ["9004", "Brand New Widgets AB", "Umeå", ""],  # 7: new
    ["", "", "Lund", ""],                         # 8: nothing to know it by
]


async def test_the_preview_says_which_customer_each_row_is_and_by_what(tmp_path) -> None:
    book = a_book(tmp_path)
    app = Host(book, write(tmp_path, HUBSPOT))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert cells(app, "match") == {
            "2": "K1 · by name and city",
            "3": "K2 · by org number",
            "4": "K3 · by CRM id",
            "5": "K4 · merged from K5",
            "6": "2 customers have this name and city (K6, K7)",
            "7": "new customer",
            "8": "–",
        }
        checks = cells(app, "check")
        assert checks["6"] == "not matched: not guessed" and checks["8"].startswith("no CRM id, org number or name")
        assert checks["2"] == "ok"
        options = text(app, "#import-options")
        assert "Match by (ctrl+f): [automatic]" in options and "New customers (ctrl+n): [ ]" in options
        assert "Ready: ctrl+r imports" in text(app, "#import-status")
        await pilot.press("ctrl+r")
        await settle(pilot)
        summary = app.result
    # the import went where the preview said
    assert (summary.matched, summary.customers_new) == (4, 1)
    assert summary.matched_by == {"name_city": 1, "org_number": 1, "crm_id": 1, "merged": 1}
    assert book.scalar("SELECT count(*) FROM customer WHERE source_id = 'K5'") == 0
    book.close()


async def test_ctrl_f_matches_by_one_rule_and_the_import_uses_it(tmp_path) -> None:
    book = a_book(tmp_path)
    app = Host(book, write(tmp_path, HUBSPOT))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+f")  # the file has no customer id column: CRM id comes next
        await settle(pilot)
        assert "[CRM id]" in text(app, "#import-options")
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert "[org number]" in text(app, "#import-options")
        assert cells(app, "match")["3"] == "K2 · by org number"
        assert cells(app, "check")["2"] == "no org number" and cells(app, "match")["2"] == "–"
        await pilot.press("ctrl+r")
        await settle(pilot)
        summary = app.result
    assert summary.match_rules == ("org_number",)
    assert (summary.matched_by, summary.customers_new, summary.skipped) == ({"org_number": 1}, 0, {"no org number": 6})
    book.close()


async def test_ctrl_f_goes_round_the_rules_and_back_to_automatic(tmp_path) -> None:
    book = a_book(tmp_path)
    app = Host(book, write(tmp_path, [["Customer ID", "Name", "City"], ["K1", "Acme AB", "Lund"]]))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert cells(app, "match") == {"2": "K1 · by customer id"}
        seen = []
        for _ in range(4):  # the file has no column for a CRM id or an org number: those are skipped
            await pilot.press("ctrl+f")
            await settle(pilot)
            seen.append(app.screen.match)
        assert seen == ["customer", "name_city", None, "customer"]
    book.close()


async def test_a_file_of_strangers_is_refused_with_the_way_out_until_ctrl_n(tmp_path) -> None:
    book = a_book(tmp_path)
    path = write(tmp_path, [["Record ID", "Company name", "City"], ["1", "Nobody AB", "Kiruna"],
                            ["2", "Noone AB", "Luleå"]])
    before = list(book.conn.iterdump())
    copies = sorted(tmp_path.glob("book.db.*.bak"))
    app = Host(book, path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        warned = text(app, "#import-status")
        assert "None of the first 2 rows is one of the book's 6 customers" in warned
        assert "ctrl+n adds the rows as new customers" in warned
        await pilot.press("ctrl+r")
        await settle(pilot)
        refused = text(app, "#import-status")
        assert "Nothing was imported: none of the file's 2 rows is one of the book's 6 customers" in refused
        assert "(matched by CRM id, then org number, then name and city)" in refused
        assert "ctrl+f matches" in refused and "ctrl+n adds the rows as new customers, then ctrl+r" in refused
        assert app.result is UNSET and isinstance(app.screen, ImportScreen)
        assert list(book.conn.iterdump()) == before
        assert sorted(tmp_path.glob("book.db.*.bak")) == copies  # not even a safety copy
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert "[x] added even when no row is a customer of the book" in text(app, "#import-options")
        assert "Ready: ctrl+r imports" in text(app, "#import-status")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.result.customers_new == 2
    assert book.scalar("SELECT count(*) FROM customer") == 8
    book.close()


async def test_orders_have_no_matching_choices(tmp_path) -> None:
    book = a_book(tmp_path)
    path = write(tmp_path, [["customer", "date", "amount"], ["K1", "2026-01-05", "100"]], "orders.csv")
    app = Host(book, path, kind="orders")
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#import-options", Static).display
        await pilot.press("ctrl+f", "ctrl+n")
        await settle(pilot)
        assert (app.screen.match, app.screen.new) == (None, False)
        assert "match" not in [c.value for c in app.screen.query_one(DataTable).columns]
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.screen.query_one("#import-options", Static).display
        await pilot.press("ctrl+f", "ctrl+n", "ctrl+t", "ctrl+t")  # back and forth: the choices start over
        await settle(pilot)
        assert (app.screen.match, app.screen.new) == (None, False)
    book.close()
