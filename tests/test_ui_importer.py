"""The Import screen, driven by keys: detect, map, preview, import, refuse a bad file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.app import App
from textual.widgets import DataTable, Input, Static

from segtui.io.importer import Summary
from segtui.store.book import open_book
from segtui.ui.importer import ImportScreen, MappingList, PathSuggester

DATA = Path(__file__).resolve().parent / "data"
AS_OF = dt.date(2026, 11, 23)
UNSET = object()


class Host(App):
    """Just enough app to push the screen and catch what it dismisses with."""

    def __init__(self, book, path: str | None = None, kind: str = "orders"):
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


def screen_text(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


@pytest.fixture
def book():
    opened = open_book(":memory:")
    yield opened
    opened.close()


async def test_a_file_shows_its_format_mapping_and_first_rows(book) -> None:
    app = Host(book, str(DATA / "orders" / "lines_tab.tsv"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "CSV (tab-separated, UTF-8)" in screen_text(app, "#import-format")
        assert "order lines (quantity × unit price)" in screen_text(app, "#import-format")
        mapping = app.screen.query_one(MappingList)
        assert mapping.mapped == {"customer": "CustomerID", "date": "InvoiceDate", "quantity": "Quantity",
                                  "unit_price": "UnitPrice", "order": "InvoiceNo"}
        table = app.screen.query_one(DataTable)
        assert table.row_count == 4
        assert str(table.get_cell("3", "check")) == "ok"


async def test_typing_a_path_loads_the_preview(book) -> None:
    app = Host(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#import-path", Input).has_focus
        await pilot.press(*str(DATA / "crm" / "hubspot_companies.csv"))
        await settle(pilot)
        assert app.screen.current is not None
        assert app.screen.query_one(DataTable).row_count == 4


async def test_keys_change_the_column_of_a_field_and_the_preview_follows(book) -> None:
    app = Host(book, str(DATA / "broken" / "bad_date.csv"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert "is not a date" in str(table.get_cell("3", "check"))
        assert app.screen.query_one(MappingList).has_focus
        await pilot.press("down", "down", "x")  # leave the amount out
        await settle(pilot)
        assert "amount" not in app.screen.query_one(MappingList).mapped
        assert "no column for the amount" in screen_text(app, "#import-status")
        await pilot.press("left")  # back to a column: the last one, amount
        await settle(pilot)
        assert app.screen.query_one(MappingList).mapped["amount"] == "amount"
        await pilot.press("k", "l")  # date ← the next column after date: amount
        await settle(pilot)
        assert app.screen.query_one(MappingList).mapped["date"] == "amount"
        assert "is not a date" in str(app.screen.query_one(DataTable).get_cell("2", "check"))


async def test_ctrl_r_imports_and_dismisses_with_the_summary(book) -> None:
    app = Host(book, str(DATA / "orders" / "visma_semicolon_latin1.csv"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        # the thresholds proposed from the book's own revenue wait for the rep
        status = screen_text(app, "#import-status")
        assert "Proposed class thresholds, from this book's own revenue" in status and "ctrl+a accepts" in status
        assert app.result is UNSET
        await pilot.press("ctrl+a")
        await settle(pilot)
        assert isinstance(app.result, Summary)
        a, b = app.result.proposed
        assert (book.settings()["abc.a_above"], book.settings()["abc.b_from"]) == (str(a), str(b))
        assert book.settings()["currency"] == "SEK"
        assert (app.result.orders_new, app.result.customers_new) == (3, 2)
        assert app.result.skipped == {"no customer id": 1}
        assert any("Skipped 1 row (no customer id)" in str(n.message) for n in app._notifications)
        assert book.scalar('SELECT count(*) FROM "order"') == 3
        assert not isinstance(app.screen, ImportScreen)


async def test_a_bad_file_is_refused_with_its_line_and_the_book_is_unchanged(book) -> None:
    book.conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('1', 'Kept', '2026-01-01')")
    before = list(book.conn.iterdump())
    app = Host(book, str(DATA / "broken" / "late_error.csv"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.screen.query_one("#import-currency", Input).value = "SEK"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.result is UNSET
        assert isinstance(app.screen, ImportScreen)
        status = screen_text(app, "#import-status")
        assert 'Nothing was imported: line 2501, column "date": "2024-13-01" is not a date' in status
    assert list(book.conn.iterdump()) == before


async def test_ctrl_t_switches_to_customers(book) -> None:
    app = Host(book, str(DATA / "crm" / "pipedrive_organizations.csv"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        status = screen_text(app, "#import-status")
        assert "no column for the customer id" in status and "choose with ctrl+o" in status
        assert "ctrl+t switches to customers" in status
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert "Import customers" in screen_text(app, "#import-title")
        assert app.screen.query_one(MappingList).mapped["name"] == "Organization - Name"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert app.result.customers_new == 2
    # Pipedrive's own id is kept as the CRM id; the customer gets an id made from it
    assert book.rows("SELECT source_id, crm_id FROM customer WHERE name = 'Aarhus Logistik ApS'") == [("crm:72", "72")]


async def test_escape_goes_back_without_importing(book) -> None:
    app = Host(book, str(DATA / "orders" / "lines_tab.tsv"))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.result is None
    assert book.scalar('SELECT count(*) FROM "order"') == 0


async def test_paths_complete_to_folders_and_importable_files() -> None:
    suggester = PathSuggester()
    assert await suggester.get_suggestion(str(DATA / "or")) == str(DATA / "orders") + "/"
    assert await suggester.get_suggestion(str(DATA / "crm" / "hub")) == str(DATA / "crm" / "hubspot_companies.csv")
    assert await suggester.get_suggestion(str(DATA / "nothing-like-this")) is None


def test_every_binding_has_an_id() -> None:
    for cls in (ImportScreen, MappingList):
        assert all(b.id for b in cls.BINDINGS), cls


async def test_the_currency_of_the_file_or_the_book_needs_no_typing_and_esc_keeps_the_default_thresholds(
        book, tmp_path) -> None:
    path = tmp_path / "eur.csv"
    path.write_text("order,customer,date,amount,currency\n1,K1,2026-11-20,1000,EUR\n2,K2,2026-11-21,50,EUR\n",
                    encoding="utf-8")
    app = Host(book, str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        field = app.screen.query_one("#import-currency", Input)
        assert field.disabled and field.placeholder == "from the file"
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Currency: EUR" in screen_text(app, "#import-status")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.result, Summary) and not app.result.thresholds_accepted
    assert book.settings()["currency"] == "EUR" and book.settings()["abc.a_above"] == "2000000"
    # the book now has orders: its currency is settled and shown
    again = Host(book, str(DATA / "orders" / "visma_semicolon_latin1.csv"))
    async with again.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        field = again.screen.query_one("#import-currency", Input)
        assert field.disabled and field.value == "EUR"


async def test_a_new_book_is_asked_its_currency_once(book, tmp_path) -> None:
    path = tmp_path / "pounds.csv"
    path.write_text("order,customer,date,amount\n1,K1,2026-11-20,1000\n2,K2,2026-11-21,50\n", encoding="utf-8")
    app = Host(book, str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert "The file does not say its currency" in screen_text(app, "#import-status")
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "Type the currency of the amounts first" in screen_text(app, "#import-status")
        assert app.screen.focused is app.screen.query_one("#import-currency")
        assert book.scalar('SELECT count(*) FROM "order"') == 0
        await pilot.press("g", "b", "p", "ctrl+r")
        await settle(pilot)
        assert "Currency: GBP (from the currency given)" in screen_text(app, "#import-status")
        await pilot.press("escape")
        await settle(pilot)
    assert book.settings()["currency"] == "GBP"
