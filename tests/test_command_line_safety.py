"""The command line keeps its promises (README "Your data"): an export never replaces a file
without --force, a plan is for a week near the day, the app needs a terminal."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui.cli import main

SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"

EXPORTS = [
    ["segments", "--format", "csv"], ["segments", "--format", "json"], ["segments", "--format", "xlsx"],
    ["segments", "--format", "table"], ["plan", "--format", "csv"], ["plan", "--format", "ics"],
    ["plan", "--format", "table"], ["plan", "--format", "xlsx"], ["plan", "--mailing", "--format", "csv"],
    ["plan", "--mailing", "--format", "xlsx"], ["contacts", "--format", "csv"], ["contacts", "--format", "vcf"],
]


def _day(args: list[str]) -> list[str]:
    return [] if args[0] == "contacts" else ["--as-of", "2026-11-23"]  # contacts have no day


@pytest.mark.parametrize("args", EXPORTS, ids=lambda a: "-".join(a).replace("--format-", "").replace("--", ""))
def test_an_export_replaces_an_existing_file_only_with_force(tmp_path: Path, args: list[str]) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    target = tmp_path / "export.out"
    target.write_bytes(b"last week's export\n")
    run = CliRunner()
    refused = run.invoke(main, [args[0], str(book), *args[1:], *_day(args), "-o", str(target)])
    assert refused.exit_code == 1
    assert f"{target} already exists: add --force to replace it" in refused.output
    assert target.read_bytes() == b"last week's export\n"
    assert [p.name for p in tmp_path.iterdir() if "export" in p.name] == ["export.out"]  # no half file left
    forced = run.invoke(main, [args[0], str(book), *args[1:], *_day(args), "-o", str(target), "--force"])
    assert forced.exit_code == 0, forced.output
    assert target.read_bytes() != b"last week's export\n"


def test_force_never_lets_an_export_write_over_a_book(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    before = book.read_bytes()
    result = CliRunner().invoke(main, ["segments", str(book), "--format", "csv", "-o", str(book), "--force"])
    assert result.exit_code == 1 and "is a book (an SQLite database)" in result.output
    assert book.read_bytes() == before


def test_a_new_export_file_needs_no_force(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    target = tmp_path / "new.csv"
    result = CliRunner().invoke(main, ["segments", str(book), "--format", "csv", "--as-of", "2026-11-23", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("customer,name,")


# --- plan --week: a week near the day -------------------------------------------------------


def test_a_week_is_planned_only_within_five_years_of_the_day() -> None:
    import datetime as dt

    from segtui.domain.planning import PLAN_YEARS, week_in_reach

    day = dt.date(2026, 11, 23)
    assert PLAN_YEARS == 5
    assert week_in_reach(dt.date(2031, 11, 17), day) is None  # the week of 2031-11-23
    assert week_in_reach(dt.date(2021, 11, 22), day) is None  # the week of 2021-11-23
    too_late = week_in_reach(dt.date(2031, 11, 24), day)
    assert too_late == "2031-W48 is more than 5 years from 2026-11-23: plan a week from 2021-W47 to 2031-W47"
    assert week_in_reach(dt.date(2021, 11, 15), day) is not None
    assert week_in_reach(dt.date(2028, 2, 28), dt.date(2024, 2, 29)) is None  # a leap day as the day


@pytest.mark.parametrize("week", ["9999-W01", "0001-W01", "2032-W01", "2020-W10"])
def test_plan_refuses_a_week_years_away_and_plans_nothing(tmp_path: Path, week: str) -> None:
    from segtui.store.book import open_book

    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    before = open_book(book).scalar("SELECT count(*) FROM plan_item")
    result = CliRunner().invoke(main, ["plan", str(book), "--week", week, "--as-of", "2026-11-23"])
    assert result.exit_code == 2
    assert "is more than 5 years from 2026-11-23: plan a week from 2021-W47 to 2031-W47" in result.output
    assert "Traceback" not in result.output
    assert open_book(book).scalar("SELECT count(*) FROM plan_item") == before


def test_plan_takes_a_week_a_few_years_ahead(tmp_path: Path) -> None:
    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    result = CliRunner().invoke(main, ["plan", str(book), "--week", "2030-W10", "--as-of", "2026-11-23", "--format", "csv"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("day,weekday,kind")


# --- the app needs a terminal ---------------------------------------------------------------


def _segtui(*args: str, **kwargs):
    import os
    import subprocess
    import sys

    env = {**os.environ, "PYTHONPATH": str(SAMPLE.parent / "src")}
    return subprocess.run([sys.executable, "-m", "segtui", *args], capture_output=True, text=True, env=env,
                          timeout=30, **kwargs)


@pytest.mark.parametrize("how", ["book", "open", "new book"])
def test_the_app_without_a_terminal_says_so_in_one_line_and_leaves_the_book(tmp_path: Path, how: str) -> None:
    import hashlib

    book = tmp_path / ("new.db" if how == "new book" else "book.db")
    if how != "new book":
        shutil.copy(SAMPLE, book)
    before = hashlib.sha256(book.read_bytes()).hexdigest() if book.exists() else None
    args = ["open", str(book)] if how == "open" else [str(book)]
    result = _segtui(*args, stdin=__import__("subprocess").DEVNULL)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "segtui: the app needs a terminal (standard input or output is not one); "
        "in a script use a command, e.g. segtui segments BOOK --format csv"
    ]
    assert result.stdout == ""
    if before is None:
        assert not book.exists()  # no empty book made that nobody saw
    else:
        assert hashlib.sha256(book.read_bytes()).hexdigest() == before


def test_the_app_with_a_terminal_for_keys_but_output_to_a_pipe_says_so(tmp_path: Path) -> None:
    import os
    import pty

    book = tmp_path / "book.db"
    shutil.copy(SAMPLE, book)
    keys, terminal = pty.openpty()
    try:
        result = _segtui(str(book), stdin=terminal)
    finally:
        os.close(keys)
        os.close(terminal)
    assert result.returncode == 1
    assert "the app needs a terminal" in result.stderr and len(result.stderr.strip().splitlines()) == 1
