"""The duplicates screen (docs/duplicates.md): pairs that look like one company, side by
side; keys choose the one to keep, merge after a confirmation that says what moves, skip,
and ctrl+z splits the merge again — on a tiny book, through the store's merge."""

from __future__ import annotations

import datetime as dt

from board_books import add_activity, loaded
from books import add_contact, add_customer, add_order, settle
from textual.widgets import Static

from segtui.domain.duplicates import Candidate, pairs
from segtui.store.duplicates import merge_customers, what_moves
from segtui.ui.app import SegtuiApp
from segtui.ui.duplicates import Confirm, DuplicatesScreen

AS_OF = dt.date(2026, 11, 23)
SIZE = (120, 36)


def add_note(book, customer_id: int, date: str, text: str) -> None:
    with book.transaction() as conn:
        conn.execute("INSERT INTO note (customer_id, date, text) VALUES (?, ?, ?)", (customer_id, date, text))


def fill(book) -> dict[str, int]:
    """Acme AB (K1, three orders) and ACME Aktiebolag (P7, typed in as a prospect: two orders,
    two contacts, a note, a visit) in one town; Berg AB alone in another town."""
    ids = {
        "Acme AB": add_customer(book, "K1", "Acme AB", city="Norrköping"),
        "ACME Aktiebolag": add_customer(book, "P7", "ACME Aktiebolag", city="NORRKÖPING"),
        "Berg AB": add_customer(book, "K2", "Berg AB", city="Umeå"),
    }
    for n, month in enumerate((3, 6, 9), start=1):
        add_order(book, ids["Acme AB"], f"2026-{month:02d}-10", 10_000, ref=f"F{n}")
    add_order(book, ids["ACME Aktiebolag"], "2026-10-01", 2_000, ref="F10")
    add_order(book, ids["ACME Aktiebolag"], "2026-10-15", 3_000, ref="F11")
    add_order(book, ids["Berg AB"], "2026-05-01", 1_000, ref="F20")
    add_contact(book, ids["ACME Aktiebolag"], "Sara Ek", primary=True)
    add_contact(book, ids["ACME Aktiebolag"], "Olle Ek")
    add_contact(book, ids["Acme AB"], "Per Ström", primary=True)
    add_note(book, ids["ACME Aktiebolag"], "2026-10-02", "Wants a quote for the spring")
    add_activity(book, ids["ACME Aktiebolag"], "2026-10-02")
    return ids


def customers(book) -> list[str]:
    return [r[0] for r in book.rows("SELECT source_id FROM customer ORDER BY source_id")]


def owners(book, table: str) -> list[str]:
    return [r[0] for r in book.rows(
        f'SELECT c.source_id FROM "{table}" t JOIN customer c ON c.id = t.customer_id ORDER BY t.rowid')]


def text(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def card(screen) -> str:
    """The pair's card as it reads on screen."""
    from rich.console import Console

    console = Console(width=110, force_terminal=False)
    with console.capture() as captured:
        console.print(screen._card(screen.current))
    return captured.get()


async def open_duplicates(app, pilot) -> DuplicatesScreen:
    await loaded(app, pilot)
    await pilot.press("D")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, DuplicatesScreen)
    return screen


def test_a_group_is_pairs_that_are_alike_in_themselves() -> None:
    a = Candidate(1, "Berg & Son", None, "556677-8899")
    b = Candidate(2, "Bergs Trä HB", "Umeå", None)
    c = Candidate(3, "Bergs Trä", "umeå", "5566778899")
    found = [(x.id, y.id, why) for x, y, why in pairs([a, b, c])]
    assert found == [(1, 3, ["org number"]), (3, 2, ["name and town"])]  # 1 and 2 share nothing directly


def test_what_a_merge_moves_is_counted_per_customer(book) -> None:
    ids = fill(book)
    moves = what_moves(book, [ids["ACME Aktiebolag"], ids["Berg AB"]])
    assert moves[ids["ACME Aktiebolag"]] == {"order": 2, "contact": 2, "note": 1, "activity": 1}
    assert moves[ids["Berg AB"]] == {"order": 1}


async def test_merge_the_pair_then_undo_it(book, tmp_path) -> None:
    fill(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_duplicates(app, pilot)
        assert len(screen.pairs) == 1
        shown = card(screen)
        for words in ("Acme AB", "ACME Aktiebolag", "K1", "P7", "Norrköping", "30 000 SEK", "5 000 SEK",
                      "2026-09-10", "2026-10-15"):
            assert words in shown, words
        assert [line.split()[1:] for line in shown.splitlines() if line.startswith(("Orders", "Contacts"))] == [
            ["3", "2"], ["1", "2"]]
        assert "same name and town" in str(screen.query_one("#dups-card").border_title)
        # the one with more orders is offered as the one to keep
        assert "Keep K1 and merge P7 into it?" in text(screen, "#dups-ask")
        await pilot.press("m")
        await pilot.pause()
        confirm = app.screen
        assert isinstance(confirm, Confirm)
        said = confirm.said
        assert "Merge ACME Aktiebolag (P7) into Acme AB (K1)?" in said
        assert "2 orders, 2 contacts, 1 note, 1 visit, call or mail move to Acme AB." in said
        await pilot.press("n")  # not yet: nothing changes
        await settle(pilot)
        assert app.screen is screen and customers(book) == ["K1", "K2", "P7"]
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert customers(book) == ["K1", "K2"]
        assert owners(book, "contact") == ["K1", "K1", "K1"] and owners(book, "note") == ["K1"]
        assert len(owners(book, "order")) == 6
        assert screen.pairs == [] and "No duplicates" in text(screen, "#dups-body")
        assert "Merged ACME Aktiebolag (P7) into Acme AB (K1)" in text(screen, "#dups-status")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert customers(book) == ["K1", "K2", "P7"]
        assert owners(book, "contact") == ["P7", "P7", "K1"] and owners(book, "note") == ["P7"]
        assert len(screen.pairs) == 1 and "Split ACME Aktiebolag (P7) off Acme AB" in text(screen, "#dups-status")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "Nothing to undo: this book has no merged customers" in text(screen, "#dups-status")
        await pilot.press("escape")
        await loaded(app, pilot)
        assert app.screen is app.board


async def test_keep_the_other_side_and_the_board_shows_one_customer(book, tmp_path) -> None:
    ids = fill(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        assert len(app.board.rows) == 3
        screen = await open_duplicates(app, pilot)
        await pilot.press("right")
        assert "Keep P7 and merge K1 into it?" in text(screen, "#dups-ask")
        await pilot.press("m", "enter")
        await settle(pilot)
        assert customers(book) == ["K2", "P7"]
        assert len(owners(book, "order")) == 6 and set(owners(book, "order")) == {"P7", "K2"}
        await pilot.press("escape")
        await loaded(app, pilot)
        assert app.screen is app.board
        assert sorted(r.customer.source_id for r in app.board.rows) == ["K2", "P7"]
        assert ids["Acme AB"] not in {r.id for r in app.board.rows}


async def test_skip_leaves_both_and_moves_on(book, tmp_path) -> None:
    ids = fill(book)
    # a second pair: the same org number under two names
    a = add_customer(book, "K5", "Dal Trä AB", city="Falun")
    b = add_customer(book, "K6", "Dalarnas Träförädling", city="Borlänge")
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET org_number = '556012-3456' WHERE id = ?", (a,))
        conn.execute("UPDATE customer SET org_number = '5560123456' WHERE id = ?", (b,))
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_duplicates(app, pilot)
        assert [p.key for p in screen.pairs] == [(ids["Acme AB"], ids["ACME Aktiebolag"]), (a, b)]
        assert "pair 1 of 2" in text(screen, "#dups-title")
        await pilot.press("s")
        await settle(pilot)
        assert "pair 2 of 2" in text(screen, "#dups-title")
        assert "same org number" in str(screen.query_one("#dups-card").border_title)
        assert "Skipped K1 and P7: both stay as they are" in text(screen, "#dups-status")
        assert "skipped" in str(screen.query_one("#dups-list").row(0))
        await pilot.press("s")
        assert "that was the last pair" in text(screen, "#dups-status")
        await pilot.press("up")
        assert "pair 1 of 2" in text(screen, "#dups-title")
        assert customers(book) == ["K1", "K2", "K5", "K6", "P7"]


async def test_undo_splits_a_merge_made_before_after_asking(book, tmp_path) -> None:
    ids = fill(book)
    merge_customers(book, ids["Acme AB"], ids["ACME Aktiebolag"], AS_OF)  # on the command line, say
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_duplicates(app, pilot)
        assert screen.pairs == []
        await pilot.press("ctrl+z")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, Confirm)
        assert "Split P7 off Acme AB (K1) again?" in confirm.said and "made 2026-11-23" in confirm.said
        await pilot.press("escape")  # no: nothing changes
        await settle(pilot)
        assert app.screen is screen and customers(book) == ["K1", "K2"]
        await pilot.press("ctrl+z")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert customers(book) == ["K1", "K2", "P7"] and owners(book, "note") == ["P7"]
        assert len(screen.pairs) == 1
        assert "Split P7 off Acme AB again" in text(screen, "#dups-status")
        await pilot.press("escape")
        await loaded(app, pilot)
        assert sorted(r.customer.source_id for r in app.board.rows) == ["K1", "K2", "P7"]


async def test_the_same_order_on_both_is_refused_with_the_reason(book, tmp_path) -> None:
    ids = fill(book)
    add_order(book, ids["ACME Aktiebolag"], "2026-03-10", 10_000, ref="F1")  # Acme AB has F1 too
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_duplicates(app, pilot)
        await pilot.press("m", "y")
        await settle(pilot)
        assert "Not merged: K1 and P7 both have order F1: the book keeps an order once per customer" in text(
            screen, "#dups-status")
        assert customers(book) == ["K1", "K2", "P7"] and len(screen.pairs) == 1


async def test_no_duplicates(book, tmp_path) -> None:
    add_customer(book, "K1", "Acme AB", city="Norrköping")
    add_customer(book, "K2", "Acme AB", city="Linköping")  # another town: another firm
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_duplicates(app, pilot)
        assert screen.pairs == []
        assert "No duplicates" in text(screen, "#dups-body")
        await pilot.press("m", "s")  # nothing to merge or skip
        await settle(pilot)
        assert app.screen is screen and customers(book) == ["K1", "K2"]


async def test_a_team_book_merges_and_says_why_a_synced_merge_is_not_undone(book, tmp_path) -> None:
    fill(book)
    with book.transaction() as conn:
        conn.execute("INSERT INTO team_state (key, value) VALUES ('book', 'b1')")
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_duplicates(app, pilot)
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert customers(book) == ["K1", "K2"] and screen.pairs == []
        with book.transaction() as conn:  # a sync takes the merge to the team book
            conn.execute("UPDATE customer_alias SET uid = source_id")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert any("P7 was merged into K1 and the merge has reached the team book" in n.message
                   for n in app._notifications)
        assert customers(book) == ["K1", "K2"]


async def test_the_palette_finds_duplicates(book, tmp_path) -> None:
    fill(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await loaded(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Find duplicates")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DuplicatesScreen)


def test_duplicates_snapshot(snap_compare) -> None:
    from textual.app import App

    from segtui.store.book import open_book

    book = open_book(":memory:")
    fill(book)

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(DuplicatesScreen(book, AS_OF, AS_OF))

    async def run_before(pilot) -> None:
        await settle(pilot, final=0.1)

    assert snap_compare(Host(), terminal_size=(110, 30), run_before=run_before)
