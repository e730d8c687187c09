"""`segtui plan BOOK [--week] [--format table|csv|ics]` and the plan exporters."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from click.testing import CliRunner
from icalendar import Calendar

from segtui.cli import main
from segtui.store import plan as plan_store
from segtui.store.book import open_book

TODAY = dt.date(2026, 11, 23)


def run(*args: str):
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def test_plan_table_plans_an_empty_week_first(demo_book_copy) -> None:
    result = run("plan", str(demo_book_copy), "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("Plan for 2026-W48 (23 Nov – 29 Nov 2026):")
    assert "Policy needs" in out and "Monday 2026-11-23" in out
    book = open_book(demo_book_copy)
    items = plan_store.week_items(book, TODAY)
    assert items and all(TODAY <= i.day <= TODAY + dt.timedelta(days=4) for i in items)
    assert f"{items[0].kind:<5} {items[0].name[:32]}" in out
    # a second run shows the same plan, it does not plan again
    assert run("plan", str(demo_book_copy), "--as-of", "2026-11-23").output == out


def test_plan_csv(demo_book_copy) -> None:
    result = run("plan", str(demo_book_copy), "--as-of", "2026-11-23", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert rows and set(rows[0]) >= {"day", "kind", "status", "customer", "name", "city", "contact", "phone", "reason"}
    per_day: dict = {}
    for r in rows:
        per_day.setdefault((r["day"], r["kind"]), 0)
        per_day[r["day"], r["kind"]] += 1
        assert r["reason"]
    assert max(n for (d, k), n in per_day.items() if k == "visit") <= 4
    assert max(n for (d, k), n in per_day.items() if k == "call") <= 10


def test_plan_ics_parses_and_has_one_event_per_item(demo_book_copy, tmp_path) -> None:
    out = tmp_path / "week.ics"
    result = run("plan", str(demo_book_copy), "--as-of", "2026-11-23", "--week", "2026-W49", "--format", "ics", "-o", str(out))
    assert result.exit_code == 0
    calendar = Calendar.from_ical(out.read_bytes())
    events = list(calendar.walk("VEVENT"))
    items = plan_store.week_items(open_book(demo_book_copy), dt.date(2026, 11, 30))
    assert len(events) == len(items) > 0
    assert len({str(e["UID"]) for e in events}) == len(events)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    for item in items:
        event = by_summary[f"{'Visit' if item.kind == 'visit' else 'Call'}: {item.name}"]
        if item.kind == "visit" and item.status != "skipped":  # timed, in route order (docs/routes.md)
            start, end = event.decoded("DTSTART"), event.decoded("DTEND")
            assert start.date() == item.day and end - start == dt.timedelta(minutes=60)
        else:  # calls are all-day
            assert event.decoded("DTSTART") == item.day
            assert event.decoded("DTEND") == item.day + dt.timedelta(days=1)
        assert "DTSTAMP" in event
        assert item.reason in str(event["DESCRIPTION"])
        if item.phone:
            assert item.phone in str(event["DESCRIPTION"])
        if item.city:
            assert item.city in str(event["LOCATION"])
    assert calendar["VERSION"] == "2.0" and "PRODID" in calendar


def test_plan_ics_to_stdout_and_week_53(demo_book_copy) -> None:
    result = run("plan", str(demo_book_copy), "--as-of", "2026-11-23", "--week", "2026-W53", "--format", "ics")
    events = list(Calendar.from_ical(result.stdout_bytes).walk("VEVENT"))
    assert events
    days = {getattr(day, "date", lambda: day)() for day in (e.decoded("DTSTART") for e in events)}
    assert days <= {dt.date(2026, 12, 28) + dt.timedelta(days=n) for n in range(5)}


def test_plan_refuses_a_week_that_does_not_exist(demo_book_copy) -> None:
    result = CliRunner().invoke(main, ["plan", str(demo_book_copy), "--week", "2025-W53"])
    assert result.exit_code == 2
    assert "2025 has only 52 ISO weeks" in result.output


def plan_read_only(monkeypatch, path, *args: str):
    """`segtui plan` on ``path`` as if the book file were read-only."""
    import segtui.store.book as book_module

    real_open = book_module.open_book

    def read_only(path, create=False):
        opened = real_open(path, create=create)
        opened.readonly = True
        return opened

    with monkeypatch.context() as patch:
        patch.setattr(book_module, "open_book", read_only)
        return CliRunner().invoke(main, ["plan", str(path), "--as-of", "2026-11-23", *args])


def test_plan_on_a_read_only_book_shows_a_plan_without_saving(demo_book_copy, monkeypatch) -> None:
    result = plan_read_only(monkeypatch, demo_book_copy, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert "read-only" in result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows and all(r["reason"] for r in rows)
    assert plan_store.week_items(open_book(demo_book_copy), TODAY) == []


def test_a_read_only_plan_lists_the_same_items_as_the_saved_plan(demo_book_copy, monkeypatch) -> None:
    """Same contact (the primary one with a phone) and the same order as a saved week."""
    book = open_book(demo_book_copy)
    with book.transaction() as conn:
        conn.execute("UPDATE contact SET is_primary = 0")
        for (cid,) in conn.execute("SELECT id FROM customer").fetchall():
            conn.execute("INSERT INTO contact (customer_id, name, is_primary) VALUES (?, 'No Phone', 1)", (cid,))
            conn.execute("INSERT INTO contact (customer_id, name, phone, is_primary) VALUES (?, 'Has Phone', '070-1', 1)", (cid,))
    book.close()
    unsaved = plan_read_only(monkeypatch, demo_book_copy, "--format", "csv")
    saved = CliRunner().invoke(main, ["plan", str(demo_book_copy), "--as-of", "2026-11-23", "--format", "csv"])
    assert unsaved.exit_code == saved.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(unsaved.stdout)))
    assert rows and {r["contact"] for r in rows} == {"Has Phone"}
    assert unsaved.stdout == saved.stdout


@pytest.mark.parametrize("fmt", ["table", "csv", "ics"])
def test_plan_to_a_path_that_cannot_be_written_is_a_message_and_plans_nothing(demo_book_copy, tmp_path, fmt) -> None:
    target = tmp_path / "no such folder" / f"plan.{fmt}"
    result = CliRunner().invoke(main, ["plan", str(demo_book_copy), "--as-of", "2026-11-23", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"segtui: cannot write {target}" in result.stderr
    assert plan_store.week_items(open_book(demo_book_copy), TODAY) == []
    # with a saved plan too
    assert run("plan", str(demo_book_copy), "--as-of", "2026-11-23").exit_code == 0
    result = CliRunner().invoke(main, ["plan", str(demo_book_copy), "--as-of", "2026-11-23", "--format", fmt, "-o", str(target)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"segtui: cannot write {target}" in result.stderr


def test_plan_ics_to_a_file(demo_book_copy, tmp_path) -> None:
    target = tmp_path / "plan.ics"
    result = run("plan", str(demo_book_copy), "--as-of", "2026-11-23", "--format", "ics", "-o", str(target))
    assert result.exit_code == 0
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert len(events) == len(plan_store.week_items(open_book(demo_book_copy), TODAY)) > 0


def test_plan_command_does_not_load_textual(demo_book_copy) -> None:
    import subprocess
    import sys

    code = (
        "import sys; from segtui.cli import main\n"
        "try:\n    main(['plan', sys.argv[1], '--as-of', '2026-11-23', '--format', 'csv'])\nexcept SystemExit:\n    pass\n"
        "assert not [m for m in sys.modules if m.startswith('textual')], 'textual was imported'\n"
    )
    result = subprocess.run([sys.executable, "-c", code, str(demo_book_copy)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("day,weekday,kind")


def mailing_book(path) -> None:
    """Two small-fry customers (one without an e-mail) and a big-game one."""
    from books import add_assessment, add_contact, add_customer, add_order, add_small_fry

    book = open_book(path)
    with_email = add_small_fry(book, "Alfa AB", "Oslo")
    add_contact(book, with_email, "Anna Berg", "anna@alfa.example", primary=True)
    without = add_small_fry(book, "Beta AB", "Bergen")
    add_contact(book, without, "Bo Ek", None, primary=True)
    hunt = add_customer(book, name="Gamma AB")
    add_order(book, hunt, "2026-06-01", 2_500_000)
    add_assessment(book, hunt, "2026-05-01", budget_major=6_000_000)
    book.close()


def test_plan_mailing_table_and_csv_plan_nothing(tmp_path) -> None:
    path = tmp_path / "b.db"
    mailing_book(path)
    result = run("plan", str(path), "--mailing", "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Mailing list · b · as of 2026-11-23: 2 small-fry customers, 1 with an e-mail, 1 without"
    assert any("Alfa AB" in line and "Anna Berg" in line and "anna@alfa.example" in line and "Oslo" in line
               for line in lines)
    assert any("Beta AB" in line and "— no e-mail" in line for line in lines)
    assert "Gamma AB" not in result.output

    result = run("plan", str(path), "--mailing", "--as-of", "2026-11-23", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [(r["name"], r["contact"], r["email"], r["city"]) for r in rows] == [
        ("Alfa AB", "Anna Berg", "anna@alfa.example", "Oslo"),
        ("Beta AB", "Bo Ek", "", "Bergen"),
    ]
    out = tmp_path / "list.csv"
    assert run("plan", str(path), "--mailing", "--as-of", "2026-11-23", "--format", "csv", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == result.output
    book = open_book(path)
    assert book.scalar("SELECT count(*) FROM plan_item") == 0  # the mailing list plans no week
    assert book.scalar("SELECT count(*) FROM activity") == 0  # nor records a mailing


def test_plan_mailing_is_no_calendar_and_takes_no_week(tmp_path) -> None:
    path = tmp_path / "b.db"
    mailing_book(path)
    result = CliRunner().invoke(main, ["plan", str(path), "--mailing", "--format", "ics"])
    assert result.exit_code == 2 and "table, csv or xlsx" in result.output
    result = CliRunner().invoke(main, ["plan", str(path), "--mailing", "--week", "2026-W48"])
    assert result.exit_code == 2 and "--week" in result.output
