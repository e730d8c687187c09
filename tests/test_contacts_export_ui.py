"""The board's palette entry "Export contacts (vCard)": the customers the board shows, to a new .vcf."""

from __future__ import annotations

import datetime as dt

import pytest
import vobject
from board_books import fill_small_book, loaded
from books import add_contact

from segtui.ui.app import SegtuiApp

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def app(book, tmp_path, monkeypatch):
    ids = fill_small_book(book)
    add_contact(book, ids["Alfa AB"], "Åsa Öberg", "asa@alfa.example", primary=True, phone="070-123 45 67")
    add_contact(book, ids["Alfa AB"], "Bo Ek", None, phone="031-12 34 56")
    add_contact(book, ids["Beta AB"], "Carl Dahl", "carl@beta.example", primary=True)
    add_contact(book, ids["Delta AB"], "Dora Lund", "dora@delta.example", primary=True)
    monkeypatch.setattr("segtui.paths.documents_dir", lambda: tmp_path / "docs")
    (tmp_path / "docs").mkdir()
    return SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path, today=AS_OF)


async def run_palette(app, pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause(0.5)
    await pilot.press("enter")
    for _ in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if not app.workers:
            return


def cards(path) -> list:
    return list(vobject.readComponents(path.read_text(encoding="utf-8")))


async def test_export_contacts_writes_the_boards_customers_to_a_new_vcard(app, tmp_path) -> None:
    docs = tmp_path / "docs"
    (docs / "contacts-2026-11-23.vcf").write_text("an older export", encoding="utf-8")
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await run_palette(app, pilot, "export contacts")
        assert app.screen is app.board
        written = docs / "contacts-2026-11-23-2.vcf"  # the older file is never written over
        assert (docs / "contacts-2026-11-23.vcf").read_text(encoding="utf-8") == "an older export"
        toast = app._notifications
        assert any(f"Wrote 4 contacts to {written}\nfrom 3 customers" == n.message for n in toast)
        got = cards(written)
        assert [(c.fn.value, c.org.value[0]) for c in got] == [
            ("Åsa Öberg", "Alfa AB"), ("Bo Ek", "Alfa AB"), ("Carl Dahl", "Beta AB"), ("Dora Lund", "Delta AB"),
        ]
        assert got[0].tel.value == "+46701234567" and got[0].email.value == "asa@alfa.example"

        # with a search on the board, only the customers it shows
        await pilot.press("slash", *"malm", "enter")
        await pilot.pause()
        await run_palette(app, pilot, "export contacts")
        narrowed = docs / "contacts-2026-11-23-3.vcf"
        assert [c.org.value[0] for c in cards(narrowed)] == ["Beta AB", "Delta AB"]
        assert any(f"Wrote 2 contacts to {narrowed}\nfrom 2 customers the board shows" == n.message
                   for n in app._notifications)

        await pilot.press("escape")  # clears the search
        await pilot.press("slash", *"zeta", "enter")
        await pilot.pause()
        await run_palette(app, pilot, "export contacts")
        assert any("None of the customers the board shows has a contact" in n.message for n in app._notifications)
    assert sorted(p.name for p in docs.iterdir()) == [
        "contacts-2026-11-23-2.vcf", "contacts-2026-11-23-3.vcf", "contacts-2026-11-23.vcf",
    ]  # nothing for Zeta, and no temporary file left
