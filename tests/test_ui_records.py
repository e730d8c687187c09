"""Keeping the book by hand on the customer screen: contacts, details, notes, archive —
each edit typed with keys lands in the book, a bad value never does, ctrl+z takes it back."""

from __future__ import annotations

from books import add_customer
from customer_books import CustomerHost, full_customer, settle
from textual.widgets import Input

from segtui.ui.form import FormScreen

SIZE = (120, 36)


def rows(book, sql, params=()):
    return [tuple(r) for r in book.query(sql, params)]


async def fill(pilot, values: dict[str, str]) -> FormScreen:
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value
    await pilot.pause()
    return form


def contacts(book, cid):
    return rows(book, "SELECT name, role, phone, email, is_primary FROM contact WHERE customer_id = ? "
                      "ORDER BY name", (cid,))


async def test_add_a_contact_with_a_checked_phone_and_undo(book):
    cid = add_customer(book, source_id="K1", name="Gränsö Snickeri AB", city="Västervik")
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "n")
        form = await fill(pilot, {"name": "Sara Ek", "role": "Buyer", "phone": "070-12", "email": "sara@"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not a valid phone number" in form.error_text("phone")
        assert "not an e-mail address" in form.error_text("email")
        assert contacts(book, cid) == []
        await fill(pilot, {"phone": "070-123 45 67", "email": "sara@gransosnickeri.se"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        # stored in E.164, the first contact is the primary one
        assert contacts(book, cid) == [("Sara Ek", "Buyer", "+46701234567", "sara@gransosnickeri.se", 1)]
        # shown in the national form, copied in the international one
        assert "070-123 45 67" in str(app.customer_screen.query_one("#contacts").row(0))
        copied = []
        app.copy_to_clipboard = copied.append
        await pilot.press("c")
        assert copied == ["+46 70 123 45 67"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert contacts(book, cid) == []


async def test_edit_remove_and_set_primary_each_undone(book):
    cid = full_customer(book)  # Ole Karlsson (primary), Mette Holm
    app = CustomerHost(book, cid)
    before = contacts(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("5", "j", "enter")  # Mette Holm
        form = await fill(pilot, {"role": "Head of purchasing", "phone": "+45 23 25 82 12"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert ("Mette Holm", "Head of purchasing", "+4523258212", "mette@lindmobler.example", 0) in contacts(book, cid)
        await pilot.press("p")
        await settle(pilot)
        assert {c[0]: c[4] for c in contacts(book, cid)} == {"Mette Holm": 1, "Ole Karlsson": 0}
        # the list shows the primary contact first: Mette is row 0 now; remove her
        await pilot.press("g", "d")
        await settle(pilot)
        assert [c[0] for c in contacts(book, cid)] == ["Ole Karlsson"]
        assert contacts(book, cid)[0][4] == 1  # the one left is primary
        for _ in range(3):
            await pilot.press("ctrl+z")
            await settle(pilot)
        assert contacts(book, cid) == before
        assert form is not None


async def test_edit_every_detail_checks_the_org_number_and_undo(book):
    cid = add_customer(book, source_id="K7", name="Acme AB", city="Malmö", owner="Anna")
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        form = await fill(pilot, {"org_number": "556036-0794", "industry": "Furniture", "address": "Storgatan 1",
                                  "postcode": "211 34", "city": "Lund", "owner": "Erik Berg", "name": "Acme Möbler AB"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not a SE organisation number" in form.error_text("org_number")
        assert rows(book, "SELECT name, city FROM customer WHERE id = ?", (cid,)) == [("Acme AB", "Malmö")]
        await fill(pilot, {"org_number": "5560360793"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(book, "SELECT name, org_number, industry, address, postcode, city, owner FROM customer "
                          "WHERE id = ?", (cid,)) == [
            ("Acme Möbler AB", "556036-0793", "Furniture", "Storgatan 1", "211 34", "Lund", "Erik Berg")]
        assert "Acme Möbler AB" in str(app.customer_screen.query_one("#badges").render())
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert rows(book, "SELECT name, org_number, industry, city, owner FROM customer WHERE id = ?", (cid,)) == [
            ("Acme AB", None, None, "Malmö", "Anna")]


async def test_a_customer_id_taken_by_another_is_refused(book):
    add_customer(book, source_id="K1", name="First")
    cid = add_customer(book, source_id="K2", name="Second")
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await fill(pilot, {"source_id": "K1"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(book, "SELECT source_id FROM customer WHERE id = ?", (cid,)) == [("K2",)]
        assert "taken" in str(app.customer_screen.query_one("#status").render())


async def test_a_dated_note_in_the_activity_log_removed_and_undone(book):
    cid = full_customer(book)
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("N")
        await fill(pilot, {"text": "  ", "date": "2026-11-20"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # an empty note is not saved
        await fill(pilot, {"text": "New CFO from January; wants fewer suppliers"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(book, "SELECT date, text FROM note WHERE customer_id = ?", (cid,)) == [
            ("2026-11-20", "New CFO from January; wants fewer suppliers")]
        await pilot.press("5")
        await settle(pilot)
        log = app.customer_screen.query_one("#activities")
        lines = [str(log.row(i)) for i in range(log.row_count)]
        assert "2026-11-20  note" in lines[0] and "New CFO" in lines[0]  # newest first, before the 11-02 visit
        log.focus()
        await pilot.press("g", "d")
        await settle(pilot)
        assert rows(book, "SELECT * FROM note") == []
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert rows(book, "SELECT text FROM note") == [("New CFO from January; wants fewer suppliers",)]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert rows(book, "SELECT * FROM note") == []


async def test_archive_and_restore_with_undo(book):
    cid = full_customer(book)
    with book.transaction() as conn:
        conn.execute("INSERT INTO plan_item (customer_id, day, kind, status) VALUES (?, '2026-11-25', 'visit', "
                     "'planned')", (cid,))
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("X")
        await settle(pilot)
        assert rows(book, "SELECT archived FROM customer WHERE id = ?", (cid,)) == [(1,)]
        assert rows(book, "SELECT count(*) FROM plan_item") == [(0,)]
        assert rows(book, "SELECT count(*) FROM \"order\" WHERE customer_id = ?", (cid,))[0][0] > 0  # history kept
        assert "archived" in str(app.customer_screen.query_one("#badges").render())
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert rows(book, "SELECT archived FROM customer WHERE id = ?", (cid,)) == [(0,)]
        assert rows(book, "SELECT day, status FROM plan_item") == [("2026-11-25", "planned")]
        await pilot.press("X")
        await settle(pilot)
        await pilot.press("X")  # restore
        await settle(pilot)
        assert rows(book, "SELECT archived FROM customer WHERE id = ?", (cid,)) == [(0,)]


# --- on the board: a new customer, the archived customers, notes found by search ---------------

import datetime as dt  # noqa: E402

from board_books import fill_small_book, loaded  # noqa: E402

from segtui.ui.app import SegtuiApp  # noqa: E402
from segtui.ui.archived import ArchivedScreen  # noqa: E402
from segtui.ui.customer import CustomerScreen  # noqa: E402

BOARD_DAY = dt.date(2026, 11, 23)


async def until(pilot, ready, what: str) -> None:
    for _ in range(400):
        await pilot.pause()
        if ready():
            await pilot.pause()
            return
    raise AssertionError(f"timed out waiting for {what}")


async def test_n_on_the_board_adds_a_prospect_and_ctrl_z_takes_it_back(book, tmp_path):
    fill_small_book(book)
    count = book.scalar("SELECT count(*) FROM customer")
    app = SegtuiApp(book, as_of=BOARD_DAY, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("n")
        form = await fill(pilot, {"name": "", "city": "Borås"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "type the name" in form.error_text("name")
        await fill(pilot, {"name": "Nyköpings Plåt AB", "org_number": "5560360793", "owner": "Anna"})
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, CustomerScreen) and not app.screen.busy, "the new customer")
        assert rows(book, "SELECT source_id, name, city, org_number, owner, archived FROM customer "
                          "WHERE name LIKE 'Nyk%'") == [("P1", "Nyköpings Plåt AB", "Borås", "556036-0793", "Anna", 0)]
        assert "Nyköpings Plåt AB" in str(app.screen.query_one("#badges").render())
        await pilot.press("ctrl+z")
        await until(pilot, lambda: app.screen is app.board, "the board")
        assert book.scalar("SELECT count(*) FROM customer") == count


async def test_the_archived_customers_are_listed_and_restored_with_undo(book, tmp_path):
    ids = fill_small_book(book)
    cid = ids["Alfa AB"]
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET archived = 1 WHERE id = ?", (cid,))
    app = SegtuiApp(book, as_of=BOARD_DAY, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        assert cid not in {r.id for r in app.board.rows}
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, ArchivedScreen) and not app.screen.busy, "the list")
        assert "Alfa AB" in str(app.screen.query_one("#archived").row(0))
        await pilot.press("r")
        await until(pilot, lambda: not app.screen.busy, "the restore")
        assert rows(book, "SELECT archived FROM customer WHERE id = ?", (cid,)) == [(0,)]
        await pilot.press("ctrl+z")
        await until(pilot, lambda: not app.screen.busy, "the undo")
        assert rows(book, "SELECT archived FROM customer WHERE id = ?", (cid,)) == [(1,)]
        await pilot.press("r")
        await until(pilot, lambda: not app.screen.busy, "the restore")
        await pilot.press("escape")
        await loaded(app, pilot)
        assert cid in {r.id for r in app.board.rows}


async def test_the_board_search_finds_a_note(book, tmp_path):
    ids = fill_small_book(book)
    from segtui.store.records import add_note

    add_note(book, ids["Beta AB"], "2026-11-01", "Wants a quote for pallet racking")
    app = SegtuiApp(book, as_of=BOARD_DAY, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("slash", *"pallet")
        await pilot.pause()
        shown = [r.customer.name for q in app.board.view.apply(app.board.rows).values() for r in q]
        assert shown == ["Beta AB"]


async def test_type_a_place_on_the_customer_screen_and_undo(book):
    cid = add_customer(book, source_id="K8", name="Norr AB", city="Nowhereby", owner="Anna")
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "not on the map" in str(app.customer_screen.query_one("#badges").render())
        await pilot.press("L")
        form = await fill(pilot, {"place": "Nowhereby"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not a town on the map" in form.error_text("place")
        assert rows(book, "SELECT count(*) FROM place WHERE customer_id = ? AND lat IS NOT NULL", (cid,)) == [(0,)]
        await fill(pilot, {"place": "Umeå"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(book, "SELECT round(lat, 1), round(lon, 1), source FROM place WHERE customer_id = ?", (cid,)) == [
            (63.8, 20.3, "typed")]
        assert "at 63.8" in str(app.customer_screen.query_one("#badges").render())
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert rows(book, "SELECT lat, source FROM place WHERE customer_id = ?", (cid,)) == [(None, "none")]
        assert "not on the map" in str(app.customer_screen.query_one("#badges").render())
