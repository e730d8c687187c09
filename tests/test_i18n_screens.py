"""The screens in Swedish: every text they show has a translation, and no English word is left."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from segtui import i18n
from segtui.store.demo import generate
from segtui.ui.app import SegtuiApp

AS_OF = dt.date(2026, 11, 23)
LOCALE = Path(__file__).resolve().parent.parent / "src" / "segtui" / "locale"


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("sv") / "demo.db"
    generate(path, customers=40, today=AS_OF).close()
    return path


@pytest.fixture
def swedish():
    i18n.use("sv")
    yield
    i18n.use("en")


def make_app(demo_path):
    from segtui.store.book import open_book

    return SegtuiApp(open_book(demo_path), as_of=AS_OF, config_dir=Path("/tmp/segtui-snapshot-config"))


async def wait_for_board(pilot):
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if pilot.app.board.loaded and not pilot.app.workers:
            return


def english_words() -> set[str]:
    """Words of the English texts that no Swedish translation uses (5 letters or more)."""
    catalog = read_po((LOCALE / "sv" / "LC_MESSAGES" / "segtui.po").open("rb"))
    english, swedish = set(), set()
    for m in catalog:
        if not m.id:
            continue
        for text in (m.id if isinstance(m.id, tuple) else (m.id,)):
            english.update(w.casefold() for w in re.findall(r"[A-Za-z]{5,}", re.sub(r"\{[^}]*\}", "", text)))
        for text in (m.string if isinstance(m.string, tuple) else (m.string,)):
            swedish.update(w.casefold() for w in re.findall(r"[A-Za-zåäöÅÄÖ]{5,}", text))
    return english - swedish - {"segtui", "settings", "board", "search", "ctrl"}


def screen_text(app) -> str:
    svg = app.export_screenshot()
    text = html.unescape(re.sub(r"<[^>]+>", " ", svg.split("</style>", 1)[-1]))
    return text.replace("\xa0", " ")


def english_on(text: str, words: set[str]) -> set[str]:
    return {w for w in re.findall(r"[A-Za-z]{5,}", text) if w.casefold() in words}


async def test_the_board_in_swedish(demo_path, swedish) -> None:
    app = make_app(demo_path)
    words = english_words()
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_board(pilot)
        text = screen_text(app)
        for name in ("Kassakor", "Högvilt", "Småttingar", "Ointressanta", "Behöver bedömning"):
            assert name in text
        assert "kunder" in text and "Avsluta" in text and "Planering" in text
        assert english_on(text, words) == set()
        await pilot.press("question_mark")
        for _ in range(50):
            await pilot.pause()
            if type(app.screen).__name__ == "HelpScreen":
                break
        await pilot.pause()
        help_text = screen_text(app)
        assert type(app.screen).__name__ == "HelpScreen", type(app.screen)
        assert "Tangenter" in help_text and "I en kvadrant" in help_text and "Öppna kund" in help_text
        assert english_on(help_text, words) == set()
    assert i18n.missing() == set()


async def test_the_board_in_english_has_no_swedish(demo_path) -> None:
    i18n.use("en")
    app = make_app(demo_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await wait_for_board(pilot)
        text = screen_text(app)
        assert "Cash cows" in text and "Kassakor" not in text and "Quit" in text


def test_board_snapshot_in_swedish(snap_compare, demo_path, swedish):
    assert snap_compare(make_app(demo_path), terminal_size=(120, 36), run_before=wait_for_board)


async def _customer_tabs_in_swedish(book, customer_id, size=(120, 36)) -> dict[str, str]:
    """The text of each of the customer screen's five tabs, opened in Swedish."""
    from customer_books import CustomerHost, settle

    app = CustomerHost(book, customer_id)
    shown = {}
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        for tab in "12345":
            await pilot.press(tab)
            await settle(pilot)
            text = screen_text(app)
            for data in BOOK_DATA:  # what the rep typed stays as typed
                text = text.replace(data, "")
            shown[tab] = text
    return shown


# The test customers' own notes and roles (customer_books.py), written in English.
BOOK_DATA = ("Needs fittings and tools", "Buys tools from Bufab", "Ask Mette", "Offer requested", "Walked the new line",
             "Follow up later", "Sent price list", "Production manager", "Buyer", "Tools")


async def test_the_customer_screen_in_swedish(book, swedish) -> None:
    from customer_books import full_customer

    words = english_words()
    shown = await _customer_tabs_in_swedish(book, full_customer(book))
    assert "Omsättning & order" in shown["1"] and "Nettoomsättning per kvartal" in shown["1"]
    assert "K1" in shown["1"] and "ansvarig Erik Berg" in shown["1"] and "Tillbaka" in shown["1"]
    assert "Potentialchecklista" in shown["2"] and "Behöver kunden flera av våra tjänster?" in shown["2"]
    assert "✔ ja" in shown["2"] and "✘ nej" in shown["2"]
    assert "Budget per år" in shown["3"] and "18 sep. 2026" in shown["3"]
    assert "Kvalificering" in shown["4"] and "Köpbeteende" in shown["4"] and "löper ut" in shown["4"]
    assert "Kontakter" in shown["5"] and "besök" in shown["5"] and "samtal" in shown["5"]
    for tab, text in shown.items():
        assert english_on(text, words) == set(), tab
    assert i18n.missing() == set()


async def test_a_customer_never_assessed_in_swedish(book, swedish) -> None:
    from customer_books import tray_customer

    words = english_words()
    shown = await _customer_tabs_in_swedish(book, tray_customer(book))
    assert "Behöver bedömning" in shown["1"] and " kredit" in shown["1"]
    assert "Aldrig bedömd." in shown["3"] and "Inte besvarad än." in shown["2"]
    assert "Inga kontakter" in shown["5"] and "Inga kända konkurrentavtal" in shown["4"]
    for tab, text in shown.items():
        assert english_on(text, words) == set(), tab
    assert i18n.missing() == set()


def test_customer_snapshot_in_swedish(snap_compare, book, swedish):
    from customer_books import CustomerHost, full_customer, settle

    assert snap_compare(CustomerHost(book, full_customer(book)), terminal_size=(120, 36), run_before=settle)
