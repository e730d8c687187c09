"""The planner screen, driven by keys (Pilot)."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from books import planner_host, settle
from conftest import DEMO_TODAY as TODAY

from segtui.store import plan as plan_store
from segtui.store.book import open_book
from segtui.ui.planner import DayColumn, DueList, PlannerScreen


@pytest.fixture
def book(demo_book_copy):
    """The demo book (a copy), open: these tests plan in it."""
    opened = open_book(demo_book_copy)
    yield opened
    opened.close()


def PlannerApp(book):
    return planner_host(book, TODAY)


def followup_text(app) -> str:
    return str(app.screen.query_one("#followup").render())


async def test_plan_move_done_and_follow_up(book) -> None:
    app = PlannerApp(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PlannerScreen)
        assert screen.view.items == [] and screen.view.dues
        assert "Done 0 of 0 planned" in followup_text(app)

        await pilot.press("p")
        await settle(pilot)
        items = plan_store.week_items(book, TODAY)
        assert items and len(screen.view.items) == len(items)
        load = Counter((i.day, i.kind) for i in items)
        assert max(n for (d, k), n in load.items() if k == "visit") <= 4
        assert max(n for (d, k), n in load.items() if k == "call") <= 10
        monday_column = screen.query_one("#day-0", DayColumn)
        assert monday_column.items and monday_column.cursor == 0

        # move Monday's first item to Tuesday
        first = screen.selected_item()
        await pilot.press("greater_than_sign")
        await settle(pilot)
        moved = plan_store.get_item(book, first.id)
        assert moved.day == TODAY + dt.timedelta(days=1) and moved.manual
        assert screen.column == 1
        assert screen.selected_item().id == first.id

        # two quick presses move the same item two days
        await pilot.press("greater_than_sign", "greater_than_sign")
        await settle(pilot)
        assert plan_store.get_item(book, first.id).day == TODAY + dt.timedelta(days=3)
        await pilot.press("less_than_sign", "less_than_sign")
        await settle(pilot)
        assert plan_store.get_item(book, first.id).day == TODAY + dt.timedelta(days=1)
        assert screen.selected_item().id == first.id

        # mark it done: an activity is recorded and follow-up changes at once
        before = followup_text(app)
        await pilot.press("d")
        await settle(pilot)
        done = plan_store.get_item(book, first.id)
        assert done.status == "done" and done.activity_id is not None
        assert book.scalar("SELECT date FROM activity WHERE id = ?", (done.activity_id,)) == "2026-11-23"
        after = followup_text(app)
        assert f"Done 1 of {len(items)} planned" in after and after != before

        # d again takes it back, and says that the recorded visit goes with it; d once more
        assert screen.selected_item().id == first.id
        await pilot.press("d")
        await settle(pilot)
        assert plan_store.get_item(book, first.id).status == "planned"
        assert book.scalar("SELECT count(*) FROM activity WHERE id = ?", (done.activity_id,)) == 0
        assert any("back to planned" in n.message for n in app._notifications)
        await pilot.press("d")
        await settle(pilot)
        assert plan_store.get_item(book, first.id).status == "done"

        # re-plan keeps the moved, done item
        await pilot.press("p")
        await settle(pilot)
        assert plan_store.get_item(book, first.id).status == "done"



async def test_add_from_the_due_list_skip_and_remove(book) -> None:
    app = PlannerApp(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        due_before = len(screen.view.dues)
        await pilot.press("tab", "j")
        entry = screen.selected_due()
        await pilot.press("a")
        await settle(pilot)
        items = plan_store.week_items(book, TODAY)
        assert [(i.customer_id, i.day, i.kind, i.manual) for i in items] == [(entry.customer.id, TODAY, entry.kind, True)]
        assert len(screen.view.dues) == due_before - 1
        await pilot.press("tab", "s")
        await settle(pilot)
        assert plan_store.week_items(book, TODAY)[0].status == "skipped"
        await pilot.press("x")
        await settle(pilot)
        assert plan_store.week_items(book, TODAY) == []


async def test_weeks_today_reschedule_and_copy_calls(book) -> None:
    app = PlannerApp(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("p")
        await settle(pilot)
        calls = [i for i in screen.view.items if i.kind == "call" and i.day == TODAY]
        await pilot.press("c")
        assert app.clipboard.splitlines()[0].startswith(f"{calls[0].name} — ")
        assert len(app.clipboard.splitlines()) == len(calls)

        item = screen.selected_item()
        await pilot.press("r")
        await settle(pilot)
        assert plan_store.get_item(book, item.id).day == TODAY + dt.timedelta(weeks=1)

        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "Week 49 of 53" in str(screen.query_one("#planner-title").render())
        assert [i.id for i in screen.view.items] == [item.id]
        for _ in range(4):
            await pilot.press("right_square_bracket")
        await settle(pilot)
        assert "Week 53 of 53" in str(screen.query_one("#planner-title").render())
        assert [d.isoformat() for d in screen.view.days][-1] == "2027-01-01"
        await pilot.press("t")
        await settle(pilot)
        assert "Week 48 of 53" in str(screen.query_one("#planner-title").render())
        await pilot.press("left_square_bracket")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert screen.view.items == []  # a week that is over is not planned
        await pilot.press("escape")
        assert not isinstance(app.screen, PlannerScreen)


async def test_due_list_renders_only_visible_rows(book) -> None:
    app = PlannerApp(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        due = app.screen.query_one(DueList)
        await pilot.press("tab")
        for _ in range(3):
            await pilot.press("pagedown")
        rendered = due.render()
        assert len(rendered.plain.splitlines()) <= due.size.height
        assert due.top > 0


def test_every_planner_key_has_an_id_and_a_description() -> None:
    for binding in PlannerScreen.BINDINGS:
        assert binding.id and binding.id.startswith("planner.")
        assert binding.description


async def test_the_book_is_read_off_the_event_loop(book, monkeypatch) -> None:
    import threading

    from segtui.store.book import Book

    threads: list[str] = []
    for name in ("settings", "query", "scalar", "transaction"):
        original = getattr(Book, name)

        def spy(self, *args, _original=original, **kwargs):
            threads.append(threading.current_thread().name)
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(Book, name, spy)
    app = PlannerApp(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert len(app.screen.query(DayColumn)) == 5
        assert app.screen.query_one("#day-0", DayColumn).border_title == "Mon 23 Nov"
        await pilot.press("p")
        await settle(pilot)
        assert app.screen.view.items
    assert threads and threading.main_thread().name not in threads


async def test_quick_moves_then_done_land_in_order(book, monkeypatch) -> None:
    import time

    slow_first = {"left": 1}
    original = plan_store.move_item

    def slow_move(book_, item_id, day):
        if slow_first["left"]:  # the first move takes longer than the ones after it
            slow_first["left"] -= 1
            time.sleep(0.3)
        return original(book_, item_id, day)

    monkeypatch.setattr(plan_store, "move_item", slow_move)
    app = PlannerApp(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        first = screen.selected_item()
        assert first.day == TODAY
        await pilot.press("greater_than_sign", "greater_than_sign", "greater_than_sign", "d")
        await settle(pilot)
        saved = plan_store.get_item(book, first.id)
        assert saved.day == TODAY + dt.timedelta(days=3)
        assert saved.status == "done"


async def test_at_80x24_one_day_reads_in_full_and_tab_shows_the_due_list(book) -> None:
    app = PlannerApp(book)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-narrow") and screen.has_class("-short")
        shown = [c for c in screen.query(DayColumn) if c.display]
        assert len(shown) == 1 and shown[0].day == TODAY
        strip = str(screen.query_one("#day-strip").render())
        for day in screen.view.days:
            assert f"{day:%a} {day.day} {day:%b}" in strip
        text = shown[0].render().plain
        item = screen.view.day_items(TODAY)[0]
        assert item.name in text  # the whole name, not 'V Dalp'
        assert shown[0].border_title == f"{TODAY:%a} {TODAY.day} {TODAY:%b}"
        await pilot.press("l")
        shown = [c for c in screen.query(DayColumn) if c.display]
        assert [c.day for c in shown] == [TODAY + dt.timedelta(days=1)]
        await pilot.press("tab")
        due = screen.query_one(DueList)
        assert due.display and due.size.width >= 70
        assert screen.view.dues[0].customer.name in due.render().plain


async def test_at_120x36_the_week_shows_as_columns_and_planning_needs_no_toast(book) -> None:
    app = PlannerApp(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert not screen.has_class("-narrow")
        assert all(c.display for c in screen.query(DayColumn))
        assert all(c.outer_size.width >= 18 for c in screen.query(DayColumn))
        assert not app._notifications  # the filled week shows the plan; no toast
        assert "planned" in str(screen.query_one("#planner-title").render())


def test_short_names_drop_the_legal_form_then_shorten_the_first_word() -> None:
    from segtui.ui.names import short_name

    assert short_name("Dalplast AS", 20) == "Dalplast AS"
    assert short_name("Fjällbyggen Handel AB", 13) == "Fjällbyggen"
    assert short_name("Johansson Rör & Söner AB", 13) == "Johansson Rör"
    assert short_name("Andersson Transport AB", 14) == "And. Transport"
    assert short_name("Holm Trading Aarhus ApS", 14) == "Holm Aarhus"
    assert short_name("Andersson Entreprenad AB", 14) == "A. Entreprenad"
    assert short_name("Lindqvist Maskin A/S", 13) != short_name("Larsson Maskin Oy", 13)
    assert len(short_name("Supercalifragilistic Holding International", 12)) == 12


async def test_help_explains_the_marks_and_shows_keys_as_typed(book) -> None:
    from segtui.ui.help import HelpScreen, keys_of

    app = PlannerApp(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        keys = {k.keys: k.description for k in keys_of(app.screen)}
        assert keys["["] == "Previous week" and keys["r"].startswith("Reschedule")
        assert not any("Scroll" in d for d in keys.values())
        app.push_screen(HelpScreen(keys_of(app.screen), legend=app.screen.HELP_LEGEND))
        await pilot.pause()
        text = "\n".join(str(s.render()) for s in app.screen.query("Static"))
        assert "[/b]" not in text and "✓ done" in text and "BG big game" in text


async def test_follow_up_counts_customers_to_assess_as_assessed_only_with_an_estimate(book) -> None:
    app = PlannerApp(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        text = followup_text(app)
        line = next(line for line in text.splitlines() if line.startswith("Needs assessment"))
        assert line.endswith("assessed") and "in interval" not in line
        assert "in interval" in text  # the other segments
