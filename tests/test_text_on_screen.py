"""Text from the book and from files (names, cities, reasons, typed searches, file
values) is shown as it is written: never read as markup, so "Smith [UK] Ltd" keeps
its "[UK]" and "Müller [/] GmbH" cannot crash a screen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.app import App
from textual.widgets import DataTable, Static

from segtui.store.board import board_rows
from segtui.ui.board import describe

AS_OF = dt.date(2026, 11, 23)
NAMES = ["Smith [UK] Ltd", "Müller [/] GmbH", "[b]x[/b", "Bygg [b] AB", "C:\\data\\", "Ek & Co [", "[@click=app.quit]Quit[/]"]


def fill(book) -> None:
    with book.transaction() as conn:
        for n, name in enumerate(NAMES):
            cid = conn.execute(
                "INSERT INTO customer (source_id, name, city, created) VALUES (?, ?, ?, '2026-01-01')",
                (f"K{n}", name, f"{name} city"),
            ).lastrowid
            conn.execute(
                """INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (?, ?, ?, '2026-10-01', 100000)""",
                (cid, f"F{n}", f"F{n}"),
            )
            conn.execute(
                "INSERT INTO competitor_contract (customer_id, competitor, ends_on) VALUES (?, ?, '2026-12-20')",
                (cid, f"[red]{name}"),
            )


def test_the_board_line_about_a_customer_shows_names_as_written(book) -> None:
    fill(book)
    for row in board_rows(book, AS_OF):
        text = describe(row, "SEK").plain
        assert text.startswith(f"{row.customer.name} ({row.customer.name} city) · ")


async def test_the_board_shows_names_searches_and_reasons_as_written(book, tmp_path) -> None:
    from segtui.ui.app import SegtuiApp

    fill(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):
            await pilot.pause()
            if app.board.loaded and not app.workers:
                break
        for name in NAMES:
            await pilot.press("slash")
            app.focused.value = name
            await pilot.press("enter")
            await pilot.pause()
            bar = app.board.query_one("#bar", Static).render().plain
            assert f"search: {name.strip()} " in bar
            assert app.board.current_row is not None
            detail = app.board.query_one("#detail", Static).render().plain
            assert app.board.current_row.customer.name in detail
            await pilot.press("escape")
        assert app.is_running


class Host(App):
    def __init__(self, screen):
        super().__init__()
        self._screen = screen

    def on_mount(self) -> None:
        self.push_screen(self._screen)


async def test_the_import_preview_shows_file_values_as_written(book, tmp_path: Path) -> None:
    from segtui.ui.importer import ImportScreen

    data = tmp_path / "[weird] orders.csv"
    data.write_text("customer,customer_name,date,amount\n" + "".join(
        f"K{n},{name.replace(',', ' ')},2026-10-01,100\n" for n, name in enumerate(NAMES) if '"' not in name
    ), encoding="utf-8")
    app = Host(ImportScreen(book, AS_OF, str(data), "orders"))
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(3):
            await pilot.pause()
            await app.workers.wait_for_complete()
        await pilot.pause()
        assert "[weird] orders.csv" in app.screen.query_one("#import-format", Static).render().plain
        table = app.screen.query_one("#import-rows", DataTable)
        shown = {str(cell) for i in range(table.row_count) for cell in table.get_row_at(i)}
        assert {n.replace(",", " ") for n in NAMES} <= shown


async def test_the_customer_screen_shows_the_books_text_as_written(book) -> None:
    from customer_books import CustomerHost, settle

    from segtui.store import customers

    name = "Müller [/] GmbH [UK]"
    with book.transaction() as conn:
        cid = conn.execute(
            "INSERT INTO customer (source_id, name, city, created) VALUES ('K[1]', ?, '[b]Umeå', '2026-01-01')", (name,)
        ).lastrowid
        conn.execute(
            "INSERT INTO contact (customer_id, name, role, phone, is_primary) VALUES (?, '[red]Åsa[/', '[/]', '+46 [0]', 1)",
            (cid,),
        )
    customers.add_activity(book, cid, AS_OF, "call", outcome="[/b", note="Smith [UK] Ltd \\")
    customers.add_competitor_contract(book, cid, "[@click=app.quit]Rival[/]", "2026-12-20", note="[/]")
    customers.add_assessment(book, cid, AS_OF, 500_000_00, None, who="[i]me", note="[/i]")
    app = CustomerHost(book, cid)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        shown = " ".join(w.render().plain for w in screen.query(Static) if hasattr(w.render(), "plain"))
        assert name in shown
        for tab in ("4", "5", "6"):  # the other sections render too
            await pilot.press(tab)
            await settle(pilot)
        assert app.is_running and app.screen is screen
        # forms name the customer, and say what is wrong with what was typed, as written
        from segtui.ui.form import FormScreen

        await pilot.press("b")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert name in form.query_one("#form-title").render().plain
        form.query_one("#field-budget").value = "[/] [b]"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "[/] [b]" in form.query_one("#error-budget").render().plain
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_the_planner_shows_names_as_written(tmp_path: Path) -> None:
    from segtui.store.book import open_book
    from segtui.store.demo import generate
    from segtui.ui.planner import PlannerScreen

    path = tmp_path / "book.db"
    generate(path, customers=40, today=AS_OF).close()
    book = open_book(path)
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET name = 'Müller [/] GmbH ' || id || ' [b]', city = '[/b ' || city")
    app = Host(PlannerScreen(book, AS_OF))
    async with app.run_test(size=(120, 36)) as pilot:
        async def settle() -> None:
            for _ in range(200):
                await pilot.pause(0.02)
                if not any(w.is_running or w.state.name == "PENDING" for w in app.workers):
                    break
            await pilot.pause(0.05)

        await settle()
        await pilot.press("tab", "j", "k")  # the due list, and the line about its customer
        await settle()
        detail = app.screen.query_one("#detail", Static).render().plain
        assert "Müller [/] GmbH" in detail and "[/b " in detail
        await pilot.press("tab")
        await pilot.press("p")  # plan the week: a message, then the week with names
        await settle()
        app.screen.write(lambda: None, "Müller [/] GmbH 1 [b] moved to Tue")  # as a move says it
        await settle()
        detail = app.screen.query_one("#detail", Static).render().plain  # the selected item, in words
        assert "Müller [/] GmbH" in detail
        assert any("Müller [/] GmbH" in n.message for n in app._notifications)
        assert app.is_running
    book.close()


async def test_the_palette_shows_names_as_written_and_jumps_to_them(book, tmp_path) -> None:
    from textual.command import CommandPalette

    from segtui.ui.app import SegtuiApp

    fill(book)
    with book.transaction() as conn:
        for n, name in enumerate(["[bold]Xylofon", "Quokka [/]", "Zulu [@click=app.quit]x[/]"]):
            cid = conn.execute("INSERT INTO customer (source_id, name, city, created) VALUES (?, ?, ?, '2026-01-01')",
                               (f"P{n}", name, "[/] city")).lastrowid
            conn.execute("""INSERT INTO "order" (customer_id, order_ref, order_key, date, amount)
                            VALUES (?, ?, ?, '2026-10-01', 500000)""", (cid, f"P{n}", f"P{n}"))
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):
            await pilot.pause()
            if app.board.loaded and not app.workers:
                break
        for query, name in [("xylofon", "[bold]Xylofon"), ("quokka", "Quokka [/]"), ("zulu", "Zulu [@click=app.quit]x[/]")]:
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*query)
            await pilot.pause(0.5)
            palette = app.screen
            assert isinstance(palette, CommandPalette)
            shown_text = "".join(s.text for line in app.screen._compositor.render_full_update().strips
                                 for strip in line for s in strip)
            assert name in shown_text and "[/] city" in shown_text
            await pilot.press("down", "enter")
            await pilot.pause()
            assert app.is_running and app.screen is app.board
            assert app.board.current_row.customer.name == name
