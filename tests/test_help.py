"""The help screen lists every key of the screen it is opened on: every list's, the screen's and the app's."""

from __future__ import annotations

import datetime as dt

import pytest
from board_books import fill_small_book
from textual.binding import Binding

from segtui.ui.app import SegtuiApp
from segtui.ui.customer import ChecklistList, ContactList, ContractList, CustomerScreen
from segtui.ui.customer_list import CustomerList
from segtui.ui.duplicates import DuplicatesScreen
from segtui.ui.board import BoardScreen
from segtui.ui.importer import ImportScreen, MappingList
from segtui.ui.mailing import MailingScreen
from segtui.ui.planner import PlannerScreen
from segtui.ui.review import ReviewScreen
from segtui.ui.rows import RowList
from segtui.ui.settings import SettingsScreen

AS_OF = dt.date(2026, 11, 23)


def ids(*classes) -> set[str]:
    return {b.id for c in classes for b in c.BINDINGS if isinstance(b, Binding)}


async def settle(app, pilot) -> None:
    for _ in range(100):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.board.loaded:
            return


SCREENS = {
    "board": (lambda app, ids_: None, (BoardScreen, CustomerList)),
    "customer": (lambda app, ids_: app.open_customer(ids_["Alfa AB"]),
                 (CustomerScreen, RowList, ChecklistList, ContractList, ContactList)),
    "planner": (lambda app, ids_: app.open_planner(), (PlannerScreen,)),
    "mailing": (lambda app, ids_: app.push_screen(MailingScreen(app.book, AS_OF)), (MailingScreen, RowList)),
    "settings": (lambda app, ids_: app.open_settings(), (SettingsScreen,)),
    "review": (lambda app, ids_: app.open_review(), (ReviewScreen,)),
    "import": (lambda app, ids_: app.open_import(), (ImportScreen, MappingList)),
    "duplicates": (lambda app, ids_: app.open_duplicates(), (DuplicatesScreen, RowList)),
}


@pytest.mark.parametrize("name", sorted(SCREENS))
async def test_help_shows_every_key_of_the_screen(name, book, tmp_path):
    customer_ids = fill_small_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    open_screen, classes = SCREENS[name]
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        open_screen(app, customer_ids)
        await pilot.pause()
        screen = app.screen
        for _ in range(100):
            await pilot.pause(0.02)
            if not getattr(screen, "busy", False):
                break
        app.action_help()
        await pilot.pause()
        assert type(app.screen).__name__ == "HelpScreen"
        shown = {i for e in app.screen.entries for i in e.binding_ids}
        wanted = ids(*classes, SegtuiApp)
        assert wanted - shown == set(), f"keys of the {name} screen missing from its help"
        sections = {i: e.section for e in app.screen.entries for i in e.binding_ids}
        assert sections["app.planner"] == "Everywhere"
        if name == "customer":
            # on the revenue tab, the keys of the other tabs' lists still show, under their list
            assert screen.query_one("#orders").has_focus
            assert sections["customer.answer_yes"] == "On the checklist (tab 2)"
            assert sections["customer.copy_phone"] == "In the contacts (tab 5)"
            assert sections["rows.up"] == "In a list"
            assert sections["customer.back"] == "This screen"
        await pilot.press("escape")
        await pilot.pause()
