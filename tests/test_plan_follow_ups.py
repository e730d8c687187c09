"""Dated follow-ups: set from the shell, the planner's outcome dialog and the customer screen,
planned on their day ahead of the policy; enter opens the customer; settings changed elsewhere
take effect when the planner comes back to the front."""

from __future__ import annotations

import datetime as dt

import pytest
from books import add_customer, planner_host, settle
from click.testing import CliRunner
from test_plan_store import add_activity, big_game
from textual.widgets import Input

from segtui.cli import main
from segtui.domain import planning
from segtui.domain.segments import Quadrant
from segtui.store import plan as plan_store
from segtui.store.book import open_book

TODAY = dt.date(2026, 11, 23)  # a Monday


def test_a_follow_up_is_due_on_its_day_ahead_of_everything() -> None:
    config = planning.PlanConfig.from_settings()
    day = TODAY + dt.timedelta(days=2)
    c = planning.Customer(1, "Kund AB", "Oslo", Quadrant.UNINTERESTING, follow_up=(day, "call"))
    assert planning.due(c, config, TODAY) is None  # planned, not due yet
    entry = planning.due(c, config, TODAY, until=TODAY + dt.timedelta(days=4))
    assert entry.follow_up and entry.due_on == day == entry.deadline and entry.kind == "call"
    assert entry.reason == "Uninteresting · follow-up Wed 25 Nov"
    contract = planning.Customer(2, "B", "Oslo", Quadrant.BIG_GAME, contract=("X", TODAY + dt.timedelta(days=10)))
    assert entry.priority > planning.due(contract, config, TODAY).priority


def test_follow_ups_keep_their_day_and_capacity_and_a_day_off_moves_them(book) -> None:
    ids = [big_game(book, city="Oslo") for _ in range(6)]
    later = add_customer(book, name="Later AB")
    christmas_eve = dt.date(2026, 12, 24)
    item, day = plan_store.add_follow_up(book, later, christmas_eve, "call", "after the holidays")
    assert day == dt.date(2026, 12, 28)  # julafton and juldagen, annandag jul, the weekend
    (c,) = [c for c in plan_store.planning_customers(book, TODAY) if c.id == later]
    assert c.follow_up == (day, "call")
    assert plan_store.get_item(book, item).follow_up and plan_store.get_item(book, item).reason == (
        "Follow-up: after the holidays")
    # this week: a visit follow-up on Tuesday takes one of the day's four visits; nobody planned twice
    tuesday = TODAY + dt.timedelta(days=1)
    plan_store.add_follow_up(book, ids[0], tuesday, "visit")
    plan_store.plan_week(book, TODAY, TODAY)
    items = plan_store.week_items(book, TODAY)
    assert sum(i.customer_id == ids[0] for i in items) == 1
    assert not any(i.customer_id == later for i in items)  # its follow-up is in another week
    assert sum(i.day == tuesday and i.kind == "visit" for i in items) <= 4
    plan_store.plan_week(book, TODAY, TODAY)  # a re-plan keeps the follow-up
    assert any(i.follow_up and i.day == tuesday for i in plan_store.week_items(book, TODAY))


def test_log_with_a_follow_up_plans_it(tmp_path) -> None:
    book = open_book(tmp_path / "b.db", create=True)
    add_customer(book, source_id="K1", name="Kund AB")
    result = CliRunner().invoke(main, ["log", str(book.path), "K1", "call", "--date", "2026-11-23",
                                       "--outcome", "Call back in January", "--follow-up", "2027-01-06"])
    assert result.exit_code == 0, result.output
    assert "Follow-up call planned for Thu 2027-01-07 (the first working day from 2027-01-06)" in result.output  # trettondedag jul
    (item,) = plan_store.week_items(book, dt.date(2027, 1, 4))
    assert (item.day, item.kind, item.reason, item.manual) == (
        dt.date(2027, 1, 7), "call", "Follow-up: Call back in January", True)
    before = CliRunner().invoke(main, ["log", str(book.path), "K1", "call", "--date", "2026-11-23",
                                       "--follow-up", "2026-11-20"])
    assert before.exit_code == 2 and "not after the contact" in before.output


@pytest.fixture
def demo(demo_book_copy):
    opened = open_book(demo_book_copy)
    yield opened
    opened.close()


async def test_enter_opens_the_customer_and_the_outcome_dialog_sets_a_follow_up(demo) -> None:
    from segtui.ui.customer import CustomerScreen
    from segtui.ui.form import FormScreen
    from segtui.ui.planner import PlannerScreen

    plan_store.plan_week(demo, TODAY, TODAY)
    first = plan_store.week_items(demo, TODAY)[0]
    app = planner_host(demo, TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        assert app.screen.selected_item().id == first.id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerScreen) and app.screen.customer_id == first.customer_id
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)
        await settle(pilot, final=0.3)
        assert app.screen.segments is not None and not app.screen.customer_opened  # read again
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-outcome", Input).value = "Call back"
        app.screen.query_one("#field-follow_up", Input).value = "2026-12-24"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PlannerScreen)
        await settle(pilot)
    assert plan_store.get_item(demo, first.id).status == "done"
    follow = [i for i in plan_store.week_items(demo, dt.date(2026, 12, 28)) if i.customer_id == first.customer_id]
    assert [(i.day, i.kind, i.reason) for i in follow] == [(dt.date(2026, 12, 28), first.kind, "Follow-up: Call back")]


async def test_the_customer_screen_sets_a_follow_up(demo) -> None:
    from segtui.ui.customer import CustomerScreen
    from segtui.ui.form import FormScreen

    cid = demo.rows("SELECT id FROM customer ORDER BY id LIMIT 1")[0][0]
    app = planner_host(demo, TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        app.push_screen(CustomerScreen(demo, cid, TODAY))
        await settle(pilot)
        await pilot.press("F")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        app.screen.query_one("#field-day", Input).value = "2027-01-12"
        app.screen.query_one("#field-note", Input).value = "Budget meeting"
        await pilot.press("ctrl+s")
        await settle(pilot, final=0.3)
        # the header says what comes next
        header = str(app.screen.query_one("#badges").content)
        assert "→ follow-up call " in header and "2027" in header
    rows = demo.rows("SELECT day, kind, reason, manual FROM plan_item WHERE customer_id = ?", (cid,))
    assert [tuple(r) for r in rows] == [("2027-01-12", "call", "Follow-up: Budget meeting", 1)]


def test_the_record_names_the_next_planned_contact(demo) -> None:
    from segtui.store.customers import load_customer

    cid = demo.rows("SELECT id FROM customer ORDER BY id LIMIT 1")[0][0]
    demo.conn.execute("DELETE FROM plan_item WHERE customer_id = ?", (cid,))
    assert load_customer(demo, cid, TODAY).next_planned is None
    plan_store.add_follow_up(demo, cid, dt.date(2027, 1, 12), "visit", "Budget")
    assert load_customer(demo, cid, TODAY).next_planned == ("2027-01-12", "visit", True)
    assert load_customer(demo, cid, dt.date(2027, 1, 13)).next_planned is None  # past: not next


async def test_settings_changed_elsewhere_take_effect_when_the_planner_is_back(demo) -> None:
    from segtui.ui.planner import PlannerScreen

    app = planner_host(demo, TODAY)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.config.visits_per_day == 4
        demo.set_setting("capacity.visits_per_day", "1")  # as the settings screen does
        app.push_screen(PlannerScreen(demo, TODAY))  # something else in front …
        await settle(pilot)
        app.pop_screen()  # … and back
        await settle(pilot, final=0.3)
        assert app.screen is screen and screen.config.visits_per_day == 1
        await pilot.press("p")
        await settle(pilot, final=0.3)
    visits = [i for i in plan_store.week_items(demo, TODAY) if i.kind == "visit"]
    assert visits and max(sum(i.day == d for i in visits) for d in {i.day for i in visits}) == 1


def test_the_board_shows_a_follow_up_as_the_customers_due_date(book) -> None:
    from segtui.store.board import board_rows

    cid = big_game(book, city="Oslo")
    add_activity(book, cid, "2026-11-20")
    plan_store.add_follow_up(book, cid, dt.date(2027, 1, 12), "call", "budget meeting")
    (row,) = [r for r in board_rows(book, TODAY) if r.id == cid]
    assert row.due == dt.date(2027, 1, 12)
    assert row.reason == "Big game · follow-up Tue 12 Jan"
