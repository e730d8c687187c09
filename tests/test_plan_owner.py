"""Owner scope (DESIGN §3 "each rep plans their own customers"): plan.owner and `segtui plan --owner NAME`."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

from click.testing import CliRunner

from segtui.cli import main
from segtui.domain import planning
from segtui.domain.settings import validate
from segtui.store import plan as plan_store
from segtui.store.book import open_book

SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"
MONDAY = dt.date(2026, 12, 7)


def owners_of(book, ids) -> set:
    found = dict(book.rows("SELECT id, owner FROM customer"))
    return {found[i] for i in ids}


def test_plan_owner_plans_only_that_reps_customers(tmp_path) -> None:
    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE, path)
    runner = CliRunner()
    result = runner.invoke(main, ["plan", str(path), "--week", "2026-W50", "--as-of", "2026-12-07",
                                  "--owner", "anna  lind", "--format", "csv"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    book = open_book(path)
    ids = [i.customer_id for i in plan_store.week_items(book, MONDAY)]
    assert rows and len(rows) == len(ids)
    assert owners_of(book, ids) == {"Anna Lind"}
    # a second rep plans the same week: Anna's plan stays as it was, Erik's joins it
    anna = sorted(ids)
    runner.invoke(main, ["plan", str(path), "--week", "2026-W50", "--as-of", "2026-12-07", "--owner", "Erik Berg"],
                  catch_exceptions=False)
    items = plan_store.week_items(book, MONDAY)
    assert sorted(i.customer_id for i in plan_store.week_items(book, MONDAY, "Anna Lind")) == anna
    assert owners_of(book, [i.customer_id for i in items]) == {"Anna Lind", "Erik Berg"}
    # re-planning Erik's week replaces only his automatic items
    config = planning.PlanConfig.from_settings({**book.settings(), "plan.owner": "Erik Berg"})
    plan_store.plan_week(book, MONDAY, MONDAY, config=config)
    assert sorted(i.customer_id for i in plan_store.week_items(book, MONDAY, "anna lind")) == anna
    book.close()


def test_the_plan_owner_setting_scopes_the_planner(tmp_path) -> None:
    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE, path)
    book = open_book(path)
    book.set_setting("plan.owner", "Sara Holm")
    proposals = plan_store.plan_week(book, MONDAY, MONDAY)
    assert proposals and owners_of(book, [p.customer_id for p in proposals]) == {"Sara Holm"}
    book.close()
    # --owner '' plans everyone's customers whatever the setting says
    path2 = tmp_path / "sample2.db"
    shutil.copy(SAMPLE, path2)
    book = open_book(path2)
    book.set_setting("plan.owner", "Sara Holm")
    book.close()
    CliRunner().invoke(main, ["plan", str(path2), "--as-of", "2026-12-07", "--owner", ""], catch_exceptions=False)
    book = open_book(path2)
    assert len(owners_of(book, [i.customer_id for i in plan_store.week_items(book, MONDAY)])) > 1
    book.close()


def test_owner_names_match_case_and_spaces_aside() -> None:
    assert plan_store.owned_by("anna  LIND", " Anna Lind ")
    assert plan_store.owned_by("", None) and plan_store.owned_by(None, "x")
    assert not plan_store.owned_by("Anna", "Anna Lind")
    assert validate("plan.owner", "  Anna   Lind ") == "Anna Lind"


def test_an_owner_nobody_has_is_refused_with_the_books_owners_and_nothing_planned(tmp_path) -> None:
    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE, path)
    out = tmp_path / "week.csv"
    runner = CliRunner()
    result = runner.invoke(main, ["plan", str(path), "--week", "2026-W50", "--as-of", "2026-12-07",
                                  "--owner", "Anna Karlsson", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 2
    assert "no customer of this book has the owner 'Anna Karlsson' (--owner)" in result.output
    assert "Owners in this book: Anna Lind, Erik Berg, Sara Holm." in result.output
    assert not out.exists()
    book = open_book(path)
    assert plan_store.week_items(book, MONDAY) == []
    # a typo in the setting is named as the setting's; --owner '' still plans everyone's
    book.set_setting("plan.owner", "Sarah Holm")
    book.close()
    result = runner.invoke(main, ["contacts", str(path), "--format", "csv"])
    assert result.exit_code == 2 and "'Sarah Holm' (the setting plan.owner)" in result.output
    result = runner.invoke(main, ["plan", str(path), "--week", "2026-W50", "--as-of", "2026-12-07", "--owner", ""])
    assert result.exit_code == 0, result.output


def test_an_archived_customer_is_not_planned_nor_on_the_call_list(tmp_path) -> None:
    from segtui.store import records

    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE, path)
    book = open_book(path)
    first = plan_store.plan_week(book, MONDAY, MONDAY)
    assert first
    has_contacts = {row[0] for row in book.rows("SELECT DISTINCT customer_id FROM contact")}
    gone = next(p.customer_id for p in first if p.customer_id in has_contacts)
    records.set_archived(book, gone, True)
    again = plan_store.plan_week(book, MONDAY, MONDAY)  # re-planning replaces the automatic items
    assert again and gone not in {p.customer_id for p in again}
    assert gone not in {i.customer_id for i in plan_store.week_items(book, MONDAY)}
    source_id = book.scalar("SELECT source_id FROM customer WHERE id = ?", (gone,))
    book.close()
    result = CliRunner().invoke(main, ["contacts", str(path), "--format", "csv", "--owner", ""],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    listed = {row["customer"] for row in csv.DictReader(io.StringIO(result.output))}
    assert listed and source_id not in listed
