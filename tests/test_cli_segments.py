"""`segtui segments` and `segtui settings` (DESIGN §5), via click's runner and a real process."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from books import add_assessment, add_customer, add_order
from click.testing import CliRunner

from segtui.cli import main
from segtui.store.book import open_book

ROOT = Path(__file__).resolve().parent.parent
DESIGN_COLUMNS = ["customer", "name", "revenue", "orders", "abc", "potential_class", "loyalty", "quadrant", "xyz", "group"]


@pytest.fixture
def book_file(tmp_path: Path) -> Path:
    """A tiny book on disk: a cash cow, a lapsed customer, a credit-netted one, one without orders."""
    path = tmp_path / "tiny.db"
    book = open_book(path)
    cow = add_customer(book, "1001", "Älvkraft AB", city="Umeå", owner="Anna Lind")
    for n, day in enumerate(["2025-12-01", "2026-02-01", "2026-05-01", "2026-11-23"]):
        add_order(book, cow, day, 400_000.25, ref=f"o{n}")
    add_assessment(book, cow, "2026-01-01", 2_000_000)
    lapsed = add_customer(book, "1002", "Berg & Söner")
    add_order(book, lapsed, "2025-01-15", 12_000, ref="x1")
    credit = add_customer(book, "1003", "Credit Oy")
    add_order(book, credit, "2026-03-01", 500)
    add_order(book, credit, "2026-03-01", -700)
    add_customer(book, "1004", "Nobody AB")
    book.close()
    return path


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_segments_csv_has_the_design_columns_and_figures(book_file: Path) -> None:
    result = run("segments", str(book_file), "--as-of", "2026-11-23", "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    header = result.output.splitlines()[0].split(",")
    assert set(DESIGN_COLUMNS) <= set(header)
    by_id = {r["customer"]: r for r in rows}
    assert [r["customer"] for r in rows] == ["1002", "1003", "1004", "1001"]  # name order (Ä after Z)
    cow = by_id["1001"]
    assert cow["revenue"] == "1600001.00"
    assert (cow["orders"], cow["abc"], cow["potential_class"], cow["loyalty"]) == ("4", "B", "A", "0.8")
    assert (cow["quadrant"], cow["xyz"], cow["group"], cow["upgrade_candidate"]) == ("cash_cows", "Z", "recurring", "true")
    lapsed = by_id["1002"]
    assert (lapsed["group"], lapsed["loyalty"], lapsed["quadrant"]) == ("lapsed", "", "needs_assessment")
    credit = by_id["1003"]
    assert (credit["revenue"], credit["orders"], credit["abc"], credit["flags"]) == ("-200.00", "0", "D", "negative net revenue")
    nobody = by_id["1004"]
    assert (nobody["revenue"], nobody["xyz"], nobody["group"]) == ("0.00", "", "")


def test_segments_json_numbers_and_nulls(book_file: Path) -> None:
    result = run("segments", str(book_file), "--as-of", "2026-11-23", "--format", "json")
    assert result.exit_code == 0, result.output
    records = {r["customer"]: r for r in json.loads(result.output)}
    assert records["1001"]["revenue"] == 1600001 and records["1001"]["loyalty"] == 0.8
    assert records["1001"]["upgrade_candidate"] is True
    assert records["1004"]["loyalty"] is None and records["1004"]["group"] is None
    assert records["1003"]["revenue"] == -200 and records["1003"]["flags"] == ["negative net revenue"]


def test_segments_output_is_byte_identical_for_the_same_book_and_day(book_file: Path) -> None:
    for fmt in ("csv", "json", "table"):
        first = run("segments", str(book_file), "--as-of", "2026-11-23", "--format", fmt).output
        second = run("segments", str(book_file), "--as-of", "2026-11-23", "--format", fmt).output
        assert first == second and first


def test_segments_table_is_a_summary_for_people(book_file: Path) -> None:
    result = run("segments", str(book_file), "--as-of", "2026-11-23")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "tiny · segments as of 2026-11-23" in text
    assert "4 customers · revenue 1 611 801 SEK · 1 upgrade candidates · 1 flagged" in text
    assert "Cash cows                         1   25.0 %        1 600 001" in text
    assert "A  above 2 000 000" in text and "Needs assessment (3)" in text
    assert "Älvkraft AB" in text and "! negative net revenue" in text


def test_segments_as_of_changes_the_answer(book_file: Path) -> None:
    result = run("segments", str(book_file), "--as-of", "2025-01-15", "--format", "csv")
    rows = {r["customer"]: r for r in csv.DictReader(io.StringIO(result.output))}
    assert rows["1002"]["group"] == "one_off" and rows["1001"]["orders"] == "0"


def test_segments_xlsx_needs_output_and_writes_a_workbook(book_file: Path, tmp_path: Path) -> None:
    assert run("segments", str(book_file), "--format", "xlsx").exit_code != 0
    out = tmp_path / "s.xlsx"
    result = run("segments", str(book_file), "--as-of", "2026-11-23", "--format", "xlsx", "-o", str(out))
    assert result.exit_code == 0 and out.stat().st_size > 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "2026-13-01"], "segtui: --as-of '2026-13-01' is not a date (use YYYY-MM-DD"),
        (["--as-of", "yesterday"], "segtui: --as-of 'yesterday' is not a date"),
    ],
)
def test_segments_bad_date_is_one_clear_line(book_file: Path, args, message) -> None:
    result = run("segments", str(book_file), *args)
    assert result.exit_code == 1
    assert result.output.startswith(message) and result.output.count("\n") == 1


def test_segments_missing_book_and_not_a_book(tmp_path: Path) -> None:
    missing = run("segments", str(tmp_path / "nope.db"))
    assert missing.exit_code == 1 and missing.output == f"segtui: there is no book at {tmp_path / 'nope.db'}\n"
    assert not (tmp_path / "nope.db").exists()
    text = tmp_path / "notes.txt"
    text.write_text("hello, this is not a book\n" * 10)
    wrong = run("segments", str(text))
    assert wrong.exit_code == 1 and "is not a segtui book" in wrong.output and wrong.output.count("\n") == 1
    folder = run("segments", str(tmp_path))
    assert folder.exit_code == 1 and "is a folder" in folder.output


# --- settings ----------------------------------------------------------------------


def test_settings_lists_every_setting_grouped_with_help(book_file: Path) -> None:
    from segtui.domain.settings import REGISTRY

    result = run("settings", str(book_file))
    assert result.exit_code == 0
    for key in REGISTRY:
        assert key in result.output
    for title in ("Classes", "Loyalty", "Frequency", "Groups", "Contact policies", "Capacity"):
        assert f"{title}\n" in result.output
    assert "class A: revenue in the window above this" in result.output


def test_settings_reads_and_changes_one(book_file: Path) -> None:
    assert run("settings", str(book_file), "abc.a_above").output == "2000000\n"
    changed = run("settings", str(book_file), "abc.a_above", "2 500 000")
    assert changed.exit_code == 0 and changed.output == "abc.a_above = 2500000\n"
    assert run("settings", str(book_file), "abc.a_above").output == "2500000\n"
    assert run("settings", str(book_file), "loyalty.high_from", "60%").output == "loyalty.high_from = 0.6\n"
    assert run("settings", str(book_file), "abc.mode", "Pareto").output == "abc.mode = pareto\n"
    rows = csv.DictReader(io.StringIO(run("segments", str(book_file), "--as-of", "2026-11-23", "--format", "csv").output))
    assert {r["customer"]: r["abc"] for r in rows}["1001"] == "A"  # the only positive revenue: A in Pareto mode


def test_settings_refuses_unknown_keys_and_bad_values_with_the_choices(book_file: Path) -> None:
    unknown = run("settings", str(book_file), "abc.colour", "red")
    assert unknown.exit_code == 1 and "unknown setting 'abc.colour'; valid keys:" in unknown.output
    assert "abc.a_above" in unknown.output and unknown.output.count("\n") == 1
    mode = run("settings", str(book_file), "abc.mode", "magic")
    assert mode.exit_code == 1 and "is not one of: fixed, pareto" in mode.output
    money = run("settings", str(book_file), "abc.a_above", "lots")
    assert money.exit_code == 1 and "not a whole amount" in money.output
    window = run("settings", str(book_file), "window.months", "6")
    assert window.exit_code == 1 and "between 12 and 120" in window.output
    crossed = run("settings", str(book_file), "abc.b_from", "3000000")
    assert crossed.exit_code == 1 and "abc.b_from must not be above abc.a_above" in crossed.output
    assert run("settings", str(book_file), "abc.b_from").output == "1000000\n"  # nothing was saved


def test_settings_on_a_missing_book(tmp_path: Path) -> None:
    result = run("settings", str(tmp_path / "nope.db"), "abc.mode")
    assert result.exit_code == 1 and "there is no book at" in result.output


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write read-only files")
def test_settings_on_a_read_only_book(book_file: Path) -> None:
    book_file.chmod(0o444)
    try:
        result = run("settings", str(book_file), "abc.mode", "pareto")
        assert result.exit_code == 1 and "read-only" in result.output
    finally:
        book_file.chmod(0o644)


# --- a real process ----------------------------------------------------------------


def test_segments_and_settings_as_a_real_process(book_file: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, "-m", "segtui", "segments", str(book_file), "--as-of", "2026-11-23", "--format", "csv"]
    first = subprocess.run(command, capture_output=True, env=env, timeout=60)
    second = subprocess.run(command, capture_output=True, env=env, timeout=60)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout and first.stdout.startswith(b"customer,name,")
    assert len(first.stdout.splitlines()) == 5
    bad = subprocess.run(
        [sys.executable, "-m", "segtui", "settings", str(book_file), "xyz.x_from", "many"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert bad.returncode == 1 and bad.stderr.startswith("segtui: xyz.x_from: 'many' is not a whole number")
    assert bad.stdout == ""


def test_segments_csv_quotes_like_the_csv_module(tmp_path: Path) -> None:
    from segtui.io.export import segment_values

    path = tmp_path / "quotes.db"
    book = open_book(path)
    for source_id, name in [("1", 'Bolt, Nut & Co'), ("2", 'The "Best" AB'), ("3", "Line\nbreak"), ("4", "Plain AB"), ("5", " spaced ")]:
        customer = add_customer(book, source_id, name, city="Umeå")
        add_order(book, customer, "2026-01-01", 10.5, ref="a")
    book.close()
    result = run("segments", str(path), "--as-of", "2026-11-23", "--format", "csv")
    from segtui.store.segments import segment_book

    opened = open_book(path)
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(next(csv.reader(io.StringIO(result.output))))
    writer.writerows(segment_values(r) for r in segment_book(opened, __import__("datetime").date(2026, 11, 23)))
    opened.close()
    assert result.output == expected.getvalue()
    names = [r["name"] for r in csv.DictReader(io.StringIO(result.output))]
    assert names == [" spaced ", 'Bolt, Nut & Co', "Line\nbreak", "Plain AB", 'The "Best" AB']


def test_a_negative_setting_value_is_refused_as_a_value_not_an_option(tmp_path) -> None:
    from click.testing import CliRunner

    from segtui.cli import main
    from segtui.store.book import open_book

    open_book(tmp_path / "b.db").close()
    result = CliRunner().invoke(main, ["settings", str(tmp_path / "b.db"), "abc.a_above", "-5"])
    assert result.exit_code == 1
    assert "cannot be negative" in result.output
    assert "No such option" not in result.output


@pytest.mark.parametrize("fmt", ["xlsx", "csv", "table"])
def test_segments_to_a_path_that_cannot_be_written_is_a_message(book_file: Path, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / "no such folder" / f"x.{fmt}"
    result = run("segments", str(book_file), "--as-of", "2026-11-23", "--format", fmt, "-o", str(target))
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    assert f"segtui: cannot write {target}" in result.stderr
    assert "Traceback" not in result.output


def test_segments_xlsx_to_a_file(book_file: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "segments.xlsx"
    result = run("segments", str(book_file), "--as-of", "2026-11-23", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    sheet = load_workbook(target).active
    assert sheet.cell(1, 1).value == "customer" and sheet.max_row == 5


@pytest.mark.parametrize("day", ["20261123", "2026-W48-1", "2026-11-31"])
def test_as_of_must_be_yyyy_mm_dd(book_file: Path, day: str) -> None:
    result = run("segments", str(book_file), "--as-of", day)
    assert result.exit_code == 1
    assert f"--as-of {day!r} is not a date (use YYYY-MM-DD" in result.stderr


def test_segments_leave_the_garbage_collector_as_they_found_it(book_file: Path) -> None:
    import gc

    assert gc.isenabled()
    result = run("segments", str(book_file), "--as-of", "2026-11-23", "--format", "csv")
    assert result.exit_code == 0 and gc.isenabled()
    gc.disable()
    try:
        assert run("segments", str(book_file), "--as-of", "2026-11-23", "--format", "csv").exit_code == 0
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_several_settings_in_one_call_are_checked_together_and_saved_all_or_none(tmp_path) -> None:
    from click.testing import CliRunner

    from segtui.cli import main
    from segtui.store.book import open_book

    path = tmp_path / "b.db"
    open_book(path).close()
    runner = CliRunner()
    alone = runner.invoke(main, ["settings", str(path), "abc.a_above", "500"])
    assert alone.exit_code == 1 and "abc.b_from must not be above abc.a_above" in alone.output
    both = runner.invoke(main, ["settings", str(path), "abc.a_above", "500", "abc.b_from", "100"])
    assert both.exit_code == 0, both.output
    assert both.output.splitlines() == ["abc.a_above = 500", "abc.b_from = 100"]
    wrong = runner.invoke(main, ["settings", str(path), "abc.a_above", "50", "xyz.x_from", "30", "abc.b_from", "100"])
    assert wrong.exit_code == 1 and "nothing was changed" in wrong.output
    opened = open_book(path)
    values = opened.settings()
    opened.close()
    assert (values["abc.a_above"], values["abc.b_from"], values["xyz.x_from"]) == ("500", "100", "24")
    odd = runner.invoke(main, ["settings", str(path), "abc.a_above", "5", "abc.b_from"])
    assert odd.exit_code == 1 and "has no value" in odd.output


def test_demo_with_a_bad_today_names_its_own_option(tmp_path) -> None:
    from click.testing import CliRunner

    from segtui.cli import main

    result = CliRunner().invoke(main, ["demo", str(tmp_path / "d.db"), "--today", "2026-13-01"])
    assert result.exit_code == 1
    assert "--today '2026-13-01' is not a date" in result.output and "--as-of" not in result.output


def test_textual_is_pinned_to_the_version_the_suite_runs_on() -> None:
    import tomllib
    from importlib.metadata import version
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text())
    pins = [d for d in project["project"]["dependencies"] if d.startswith("textual")]
    assert pins == [f"textual=={version('textual')}"]
