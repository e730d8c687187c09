"""The customer screen driven with keys: what is typed ends up in the book, bad input never does."""

from __future__ import annotations

import pytest
from books import add_customer
from customer_books import AS_OF, CustomerHost, full_customer, settle, tray_customer
from textual.app import App
from textual.widgets import Input, TabbedContent

from segtui.domain.segments import Quadrant
from segtui.store.segments import segment_book
from segtui.ui.form import FormScreen

SIZE = (120, 36)


def rows(book, sql, params=()):
    return [tuple(r) for r in book.query(sql, params)]


def quadrant_of(book, cid):
    return next(c for c in segment_book(book, AS_OF) if c.id == cid).segment.quadrant


async def fill(pilot, values: dict[str, str]) -> FormScreen:
    form = pilot.app.screen
    assert isinstance(form, FormScreen)
    for name, value in values.items():
        form.query_one(f"#field-{name}", Input).value = value
    await pilot.pause()
    return form


async def test_checklist_budget_visit_and_undo(book):
    cid = tray_customer(book)
    assert quadrant_of(book, cid) is Quadrant.NEEDS_ASSESSMENT
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        # the checklist: one key per answer, moving down with j
        await pilot.press("2")
        assert app.customer_screen.query_one(TabbedContent).active == "checklist-tab"
        await pilot.press("y", "j", "n", "j", "u", "j", "y")
        await pilot.press("e")
        await fill(pilot, {"note": "Expanding to a second plant"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(book, "SELECT question_key, answer, note FROM checklist_answer ORDER BY question_key") == [
            ("growing", "yes", "Expanding to a second plant"),
            ("replace", "no", None),
            ("services", "yes", None),
            ("volume", "unknown", None),
        ]
        assert "3/7 answered · 2 point to more potential" in str(
            app.customer_screen.query_one("#checklist-summary").render())

        # a budget that moves the customer from the tray to Big game
        await pilot.press("b")
        await fill(pilot, {"budget": "2 000 000", "note": "Their buyer's figure"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(book, "SELECT customer_id, date, budget_per_year, loyalty_override, note FROM assessment") == [
            (cid, "2026-11-23", 2_000_000_00, None, "Their buyer's figure")
        ]
        assert quadrant_of(book, cid) is Quadrant.BIG_GAME
        assert "Big game" in str(app.customer_screen.query_one("#badges").render())

        # log a visit (kind defaults to visit), then undo it
        await pilot.press("a")
        await fill(pilot, {"outcome": "Offer requested", "note": "Met the production manager"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(book, "SELECT date, kind, outcome, note FROM activity") == [
            ("2026-11-23", "visit", "Offer requested", "Met the production manager")
        ]
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert rows(book, "SELECT * FROM activity") == []
        # the undo reverted only the visit
        assert len(rows(book, "SELECT * FROM assessment")) == 1
        assert len(rows(book, "SELECT * FROM checklist_answer")) == 4
        await pilot.press("escape")
        await settle(pilot)
    assert app.result is True
    assert quadrant_of(book, cid) is Quadrant.BIG_GAME


async def test_leaving_without_edits_dismisses_false(book):
    cid = full_customer(book)
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for key in ("1", "2", "3", "4", "5", "l", "h", "j", "k"):
            await pilot.press(key)
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is False


async def test_undo_walks_back_through_every_edit_of_the_session(book):
    cid = full_customer(book)
    before = {t: rows(book, f"SELECT * FROM {t} ORDER BY 1, 2") for t in
              ("checklist_answer", "qualification", "buying_behaviour", "competitor_contract")}
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("2", "n")  # services: yes → no
        await pilot.press("4", "t", "t")  # timing no → ? → yes: qualification A
        await pilot.press("f", "s")  # focus performance → delivery, custom → unknown
        await pilot.press("d")  # remove the first contract (Ahlsell, ended)
        await settle(pilot)
        assert rows(book, "SELECT answer FROM checklist_answer WHERE question_key = 'services'") == [("no",)]
        assert rows(book, "SELECT pain, money, timing FROM qualification") == [(1, 1, 1)]
        assert rows(book, "SELECT focus, custom, collaborate FROM buying_behaviour") == [("delivery", None, 1)]
        assert len(rows(book, "SELECT * FROM competitor_contract")) == 2
        for _ in range(7):
            await pilot.press("ctrl+z")
        await settle(pilot)
        after = {t: rows(book, f"SELECT * FROM {t} ORDER BY 1, 2") for t in before}
        assert after == before
        await pilot.press("ctrl+z")  # nothing left: says so, changes nothing
        await settle(pilot)
        assert after == {t: rows(book, f"SELECT * FROM {t} ORDER BY 1, 2") for t in before}


async def test_parking_as_c_asks_for_the_reason(book):
    cid = full_customer(book)
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "m")  # money yes → no: need without money is C
        form = app.screen
        assert isinstance(form, FormScreen)
        await pilot.press("ctrl+s")  # no reason
        assert form.error_text("reason") == "parking as C needs a reason"
        assert app.screen is form
        await fill(pilot, {"reason": "Budget frozen until Q3"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert rows(book, "SELECT pain, money, timing, parked_reason FROM qualification") == [
            (1, 0, 0, "Budget frozen until Q3")]
        assert "Parked because: Budget frozen until Q3" in str(app.customer_screen.query_one("#deal").render())
        # still C after timing changes: keeps the reason without asking again
        await pilot.press("t")
        await settle(pilot)
        assert app.screen is app.customer_screen
        assert rows(book, "SELECT pain, money, timing, parked_reason FROM qualification") == [
            (1, 0, None, "Budget frozen until Q3")]
        # money unknown is not "no money": no longer parked, nothing asked
        await pilot.press("m")
        await settle(pilot)
        assert app.screen is app.customer_screen
        assert rows(book, "SELECT money, parked_reason FROM qualification") == [(None, None)]


async def test_pain_with_unknown_money_is_saved_without_parking(book):
    cid = add_customer(book, name="Ekbyggen AB")
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("4", "p")  # pain: unknown → yes, money still unknown
        await settle(pilot)
        assert app.screen is app.customer_screen
        assert rows(book, "SELECT pain, money, parked_reason FROM qualification") == [(1, None, None)]


BAD_ESTIMATES = [
    ({"budget": "-5"}, "budget", "negative"),
    ({"budget": "lots"}, "budget", "not an amount"),
    ({"budget": "1 000 000", "loyalty": "130 %"}, "loyalty", "above 100"),
    ({"budget": "1 000 000", "date": "2026-02-30"}, "date", "not a date"),
    ({"budget": "1 000 000", "date": "2027-01-01"}, "date", "after today"),
    ({"budget": "1 000 000", "note": "x" * 10_000}, "note", "10,000 characters"),
    ({"budget": "", "loyalty": ""}, "budget", "a budget, a loyalty, or both"),
]


@pytest.mark.parametrize("values, field, message", BAD_ESTIMATES)
async def test_bad_estimates_are_refused_next_to_the_field(book, values, field, message):
    cid = tray_customer(book)
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("b")
        form = await fill(pilot, {"budget": "", "loyalty": "", **values})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert message in form.error_text(field)
        assert app.screen is form  # still open: fix it or cancel
        assert form.focused is form.query_one(f"#field-{field}", Input)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is app.customer_screen and app.result is None  # the form closed, the customer is open
        await pilot.press("escape")
        await pilot.pause()
    assert rows(book, "SELECT * FROM assessment") == []
    assert app.result is False  # nothing was saved: the board need not reload


async def test_bad_activity_contract_and_note_input_saves_nothing(book):
    cid = full_customer(book)
    before = {t: rows(book, f"SELECT * FROM {t} ORDER BY 1, 2") for t in
              ("activity", "competitor_contract", "checklist_answer")}
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        form = await fill(pilot, {"kind": "lunch", "date": "2026-13-01", "note": "x" * 10_000})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not one of" in form.error_text("kind")
        assert "not a date" in form.error_text("date")
        assert "10,000 characters" in form.error_text("note")
        await pilot.press("escape")

        await pilot.press("4", "n")
        form = await fill(pilot, {"competitor": "", "ends_on": "2027-02-29"})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "type the competitor" in form.error_text("competitor")
        assert "not a date" in form.error_text("ends_on")
        await pilot.press("escape")

        await pilot.press("2", "e")
        form = await fill(pilot, {"note": "y" * 10_000})
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "10,000 characters" in form.error_text("note")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert {t: rows(book, f"SELECT * FROM {t} ORDER BY 1, 2") for t in before} == before
    assert app.result is False


async def test_contract_ending_soon_is_highlighted_and_contacts_copy(book):
    cid = full_customer(book)
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.customer_screen
        contracts = screen.query_one("#contracts")
        texts = [contracts.row(i).plain for i in range(contracts.row_count)]
        assert any("Bufab" in t and "ends soon" in t for t in texts)
        assert not any("Solar" in t and "ends soon" in t for t in texts)
        copied = []
        app.copy_to_clipboard = copied.append
        await pilot.press("5", "c", "j", "e")
        assert copied == ["+45 46 83 59 36", "mette@lindmobler.example"]


async def test_long_order_lists_render_only_visible_rows(book):
    from books import add_customer

    cid = add_customer(book)
    with book.transaction() as conn:
        conn.executemany(
            'INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (?, ?, ?, ?, ?)',
            [(cid, f"R{i}", f"R{i}", f"20{24 + i % 3}-{i % 12 + 1:02d}-{i % 28 + 1:02d}", 1000 + i)
             for i in range(5000)],
        )
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        orders = app.customer_screen.query_one("#orders")
        assert orders.row_count == 5000
        assert orders.virtual_size.height == 5000 and orders.size.height < 40
        assert len(orders._cache) <= 250  # only the first rows (and those on screen) were formatted
        await pilot.press("G")
        await pilot.pause()
        assert orders.cursor == 4999 and orders.scroll_offset.y > 4900
        assert len(orders._cache) <= 300


async def test_opens_inside_the_segtui_app_and_reports_the_edit(book):
    from segtui.ui.app import SegtuiApp
    from segtui.ui.customer import CustomerScreen

    cid = tray_customer(book)
    app = SegtuiApp(book, AS_OF)
    results = []
    async with app.run_test(size=SIZE) as pilot:
        screen = CustomerScreen(book, cid, AS_OF)
        app.push_screen(screen, results.append)
        for _ in range(200):
            await pilot.pause()
            if not screen.busy:
                break
        await pilot.press("5", "a")
        await pilot.press("ctrl+s")  # a visit today, nothing else typed
        for _ in range(200):
            await pilot.pause()
            if not screen.busy and app.screen is screen:
                break
        await pilot.press("escape")
        await pilot.pause()
    assert results == [True]
    assert rows(book, "SELECT kind, date FROM activity") == [("visit", "2026-11-23")]


async def test_a_customer_that_is_not_in_the_book_is_explained(book):
    app = CustomerHost(book, 4242)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "no customer with id 4242" in str(app.customer_screen.query_one("#badges").render())
        await pilot.press("b", "a", "2", "y")  # nothing to edit: nothing happens, nothing breaks
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is False
    assert rows(book, "SELECT * FROM checklist_answer") == []


async def test_the_first_paint_from_the_board_names_the_customer_and_shows_the_classes(book, tmp_path):
    from board_books import fill_small_book

    from segtui.ui.app import SegtuiApp
    from segtui.ui.customer import CustomerScreen

    fill_small_book(book)
    app = SegtuiApp(book, AS_OF, config_dir=tmp_path)
    first_paint = []
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause()
            if app.board.loaded and app.board.current_row is not None:
                break
        row = app.board.current_row
        display = app._display

        def painted(screen, update):
            display(screen, update)
            if update is not None and isinstance(screen, CustomerScreen) and not first_paint:
                first_paint.append((str(screen.query_one("#badges").render()), screen.record))

        app._display = painted
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, CustomerScreen)
        for _ in range(200):
            await pilot.pause()
            if not screen.busy:
                break
        header, record = first_paint[0]
        assert record is None  # painted before the record was read: from what the board knew
        seg = row.customer.segment
        assert row.customer.name in header
        assert f"Revenue {seg.revenue_class}" in header and seg.quadrant.label in header
        # once read, the record fills the rest of the header and the tabs
        assert "Sales track" in str(screen.query_one("#badges").render())
        assert screen.query_one("#orders").has_focus


class EarlyKeysHost(App):
    """Opens a customer and asks for tabs before the screen's tabs are mounted."""

    def __init__(self, screen, keys: bool = True) -> None:
        super().__init__()
        self.customer_screen = screen
        self.keys = keys

    def on_mount(self) -> None:
        self.push_screen(self.customer_screen)
        if self.keys:
            self.customer_screen.action_show_tab("deal")
            self.customer_screen.action_next_tab(-1)


async def test_a_tab_asked_for_before_the_tabs_are_there_is_shown_when_they_are(book):
    from segtui.ui.customer import CustomerScreen

    app = EarlyKeysHost(CustomerScreen(book, full_customer(book), AS_OF))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.customer_screen
        assert screen.query_one(TabbedContent).active == "estimates"
        assert screen.query_one("#assessments").has_focus
        assert "Budget per year" in str(screen.query_one("#estimate-summary").render())


async def test_a_tab_asked_for_while_the_tabs_are_mounted_is_shown(book, monkeypatch):
    from segtui.ui.customer import CustomerBody, CustomerScreen

    def key_during_the_mount(body) -> None:
        assert not body.screen._body_ready
        body.screen.action_show_tab("people")

    monkeypatch.setattr(CustomerBody, "on_mount", key_during_the_mount, raising=False)
    app = EarlyKeysHost(CustomerScreen(book, full_customer(book), AS_OF), keys=False)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(20):  # the tab follows a frame later
            await pilot.pause()
        screen = app.customer_screen
        assert screen.query_one(TabbedContent).active == "people"
        assert screen.query_one("#contacts").has_focus


async def test_a_save_refused_by_a_busy_book_opens_the_form_again_with_what_was_typed(tmp_path):
    import sqlite3

    from segtui.store.book import open_book

    path = tmp_path / "busy.db"
    book = open_book(path)
    cid = tray_customer(book)
    book.conn.execute("PRAGMA busy_timeout = 50")  # give up at once, not after five seconds
    other = sqlite3.connect(path, isolation_level=None)
    app = CustomerHost(book, cid)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        other.execute("BEGIN IMMEDIATE")  # another program is writing
        await pilot.press("b")
        await fill(pilot, {"budget": "1 500 000", "note": "Their buyer's figure"})
        await pilot.press("ctrl+s")
        await settle(pilot)
        for _attempt in range(100):  # the form opens again once the refusal is back
            form = app.screen
            if isinstance(form, FormScreen) and form.query("#form-failed"):
                break
            await pilot.pause()
        else:
            raise AssertionError("the form did not open again")
        assert form.query_one("#field-budget", Input).value == "1 500 000"
        assert form.query_one("#field-note", Input).value == "Their buyer's figure"
        assert "busy" in str(form.query_one("#form-failed").render())
        assert rows(book, "SELECT * FROM assessment") == []
        other.execute("ROLLBACK")  # the other program is done: saving again works
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is app.customer_screen
        assert rows(book, "SELECT budget_per_year, note FROM assessment") == [(1_500_000_00, "Their buyer's figure")]
        await pilot.press("escape")
        await settle(pilot)
    other.close()
    book.close()
