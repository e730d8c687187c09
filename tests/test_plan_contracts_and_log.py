"""Contracts before they end, and `segtui log`: a contact recorded from the shell
marks the planned item done; weeks planned and done one after another visit every
big-game customer before its competitor contract ends, and nobody twice in a week."""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
from pathlib import Path

import pytest
from books import add_customer
from click.testing import CliRunner
from test_plan_store import add_activity, big_game

from segtui.cli import main
from segtui.domain import planning
from segtui.store import plan as plan_store
from segtui.store.book import open_book

TODAY = dt.date(2026, 11, 23)  # a Monday
ROOT = Path(__file__).resolve().parents[1]


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def file_book(tmp_path):
    opened = open_book(tmp_path / "book.db", create=True)
    yield opened
    opened.close()


def add_contract(book, cid: int, competitor: str, ends_on: str) -> None:
    with book.transaction() as conn:
        conn.execute("INSERT INTO competitor_contract (customer_id, competitor, ends_on) VALUES (?, ?, ?)",
                     (cid, competitor, ends_on))


def test_a_contract_ending_before_the_planned_week_does_not_hide_the_next_one(book) -> None:
    cid = big_game(book)
    add_activity(book, cid, "2026-11-20")  # visited last Friday
    add_contract(book, cid, "Early", "2026-11-25")  # ends this Wednesday
    add_contract(book, cid, "Next", "2027-01-20")
    customers = plan_store.planning_customers(book, TODAY)  # as the planner reads them today
    next_week = TODAY + dt.timedelta(weeks=1)
    (proposal,) = planning.plan_week(customers, planning.PlanConfig.from_settings(book.settings()), next_week, TODAY)
    assert "contract with Next ends 2027-01-20" in proposal.reason
    assert proposal.day >= dt.date(2026, 12, 4)  # not before its interval has passed (due Fri 4 Dec)


def test_a_customer_due_later_in_the_week_is_not_visited_before_its_due_day(book) -> None:
    cid = big_game(book, city="Umeå")
    add_activity(book, cid, "2026-11-13")  # due Friday 27 Nov
    add_contract(book, cid, "Rival", "2027-01-20")  # urgent: it comes first
    others = [big_game(book, city="Oslo") for _ in range(3)]
    plan_store.plan_week(book, TODAY, TODAY)
    day = {i.customer_id: i.day for i in plan_store.week_items(book, TODAY)}
    assert day[cid] == dt.date(2026, 11, 27)
    assert all(day[o] == TODAY for o in others)


def test_log_records_the_contact_and_marks_the_planned_item_done(file_book) -> None:
    book = file_book
    cid = big_game(book, source_id="K1")
    add_customer(book, source_id="K2", name="Other AB")
    plan_store.plan_week(book, TODAY, TODAY)
    (item,) = [i for i in plan_store.week_items(book, TODAY) if i.kind == "visit"]
    path = str(book.path)
    result = run("log", path, "K1", "visit", "--date", item.day.isoformat(), "--outcome", "Asked for an offer",
                 "--note", "Back in January")
    assert result.exit_code == 0, result.output
    assert "marked done" in result.output
    (after,) = [i for i in plan_store.week_items(open_book(path), TODAY) if i.kind == "visit"]
    assert after.status == "done" and after.outcome == "Asked for an offer" and after.note == "Back in January"
    # a call on another day is recorded, and nothing in the plan changes
    result = run("log", path, "K2", "call", "--date", "2026-11-24")
    assert result.exit_code == 0 and "marked done" not in result.output
    rows = open_book(path).rows("SELECT c.source_id, a.date, a.kind FROM activity a JOIN customer c ON c.id = a.customer_id "
                                "ORDER BY a.id")
    assert [tuple(r) for r in rows] == [("K1", item.day.isoformat(), "visit"), ("K2", "2026-11-24", "call")]
    k2_call = [i for i in plan_store.week_items(open_book(path), TODAY) if i.kind == "call"]
    assert all(i.status == "done" for i in k2_call if i.day == dt.date(2026, 11, 24))
    assert cid


def test_log_refuses_an_unknown_customer_or_date_and_records_nothing(file_book) -> None:
    book = file_book
    add_customer(book, source_id="K1")
    path = str(book.path)
    unknown = run("log", path, "NOPE", "call", "--date", "2026-11-24")
    assert unknown.exit_code == 1 and "no customer with the id 'NOPE'" in unknown.output
    bad = run("log", path, "K1", "call", "--date", "tomorrow")
    assert bad.exit_code == 2 and "not a date" in bad.output
    long = run("log", path, "K1", "call", "--date", "2026-11-24", "--outcome", "x" * 300)
    assert long.exit_code == 1
    assert open_book(path).rows("SELECT count(*) FROM activity")[0][0] == 0


def _simulate(argv: list[str]) -> dict:
    spec = importlib.util.spec_from_file_location("simulate_plan", ROOT / "scripts" / "simulate_plan.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv)


def test_six_weeks_of_sample_db_visit_every_ending_contract_in_time(tmp_path, capsys) -> None:
    """The issue's check: six weeks from 2026-W50 on sample.db, every planned item logged with
    `segtui log` on its day (the script works on a copy; sample.db is never changed)."""
    copy = tmp_path / "sample.db"
    shutil.copyfile(ROOT / "sample.db", copy)
    figures = _simulate([str(copy), "--from", "2026-W50", "--weeks", "6"])
    assert figures["logged_with"] == "segtui log"
    assert figures["contracts_ending"] >= 1
    assert figures["visited_before_end"] == figures["contracts_ending"]
    assert figures["customers_visited_twice_within_7_days"] == 0


def test_fourteen_weeks_of_a_demo_book_visit_every_ending_contract_in_time(tmp_path) -> None:
    from segtui.store.demo import generate

    path = tmp_path / "demo.db"
    generate(path, customers=600, today=TODAY).close()
    figures = _simulate([str(path), "--from", "2026-W48", "--weeks", "14"])
    assert figures["contracts_ending"] > 0
    assert figures["visited_before_end"] == figures["contracts_ending"] - figures["ending_on_the_first_day"]
    assert figures["contract_customers_visited_twice_within_7_days"] == 0
