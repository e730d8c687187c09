"""Days off (DESIGN §3, docs/planning.md): public holidays of the book's country and the rep's own days
off are never planned; the week view and the table name them."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from books import planner_host, settle
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from segtui.cli import main
from segtui.domain import days_off, planning
from segtui.domain.segments import Quadrant
from segtui.domain.settings import SettingError, validate
from segtui.store import plan as plan_store
from segtui.store.book import open_book
from segtui.ui.planner import DayColumn

D = dt.date
SAMPLE = Path(__file__).resolve().parent.parent / "sample.db"


def test_swedish_holidays_include_the_eves() -> None:
    days = days_off.holidays_of("SE", 2026)
    for day in (D(2026, 1, 1), D(2026, 1, 6), D(2026, 6, 19), D(2026, 12, 24), D(2026, 12, 25), D(2026, 12, 26),
                D(2026, 12, 31)):
        assert day in days, day
    assert days[D(2026, 12, 24)] == "Christmas Eve"
    assert days[D(2026, 6, 19)] == "Midsummer Eve"
    assert D(2026, 12, 23) not in days and D(2026, 12, 28) not in days


@pytest.mark.parametrize("country", ["NO", "DK", "FI"])
def test_nordic_christmas_eve_is_a_day_off(country: str) -> None:
    assert days_off.holiday(D(2026, 12, 24), country) == "Christmas Eve"
    assert days_off.holiday(D(2026, 12, 25), country)
    assert days_off.holiday(D(2026, 12, 22), country) is None


def test_no_country_no_holidays() -> None:
    assert days_off.holidays_of("", 2026) == {}
    assert days_off.day_off(D(2026, 12, 25), "") is None


def test_days_off_setting_reads_days_and_ranges() -> None:
    assert validate("calendar.days_off", " 2027-02-15; 2026-12-28..2027-01-03 ") == "2026-12-28..2027-01-03, 2027-02-15"
    assert validate("calendar.days_off", "") == ""
    assert days_off.parse_days_off("2026-12-28 - 2026-12-30") == ((D(2026, 12, 28), D(2026, 12, 30)),)
    for bad, says in [("28/12", "not a day"), ("2026-12-30..2026-12-28", "ends before"),
                      ("2026-01-01..2028-01-01", "longer than a year")]:
        with pytest.raises(SettingError, match=says):
            validate("calendar.days_off", bad)


def test_country_setting_takes_known_codes_only() -> None:
    assert validate("calendar.country", "no") == "NO"
    assert validate("calendar.country", "") == ""
    with pytest.raises(SettingError, match="two letters"):
        validate("calendar.country", "Sweden")


def config(**settings_) -> planning.PlanConfig:
    return planning.PlanConfig.from_settings({k.replace("_", ".", 1): v for k, v in settings_.items()})


def test_plan_days_leave_out_holidays_and_own_days_off() -> None:
    se = config(calendar_country="SE", calendar_days_off="2026-12-28..2026-12-29")
    assert planning.plan_days(D(2026, 12, 21), se) == [D(2026, 12, 21), D(2026, 12, 22), D(2026, 12, 23)]
    assert planning.plan_days(D(2026, 12, 28), se) == [D(2026, 12, 30)]
    assert planning.plan_days(D(2027, 1, 4), se) == [D(2027, 1, 4), D(2027, 1, 5), D(2027, 1, 7), D(2027, 1, 8)]
    assert se.off(D(2026, 12, 28)) == "day off" and se.off(D(2026, 12, 31)) == "New Year's Eve"
    # the week view still has its five columns
    assert len(planning.week_days(D(2026, 12, 21), se)) == 5
    assert planning.next_plan_day(D(2026, 12, 24), se) == D(2026, 12, 30)
    assert planning.next_plan_day(D(2026, 12, 21), se) == D(2026, 12, 21)


def many_due() -> list[planning.Customer]:
    return [planning.Customer(n, f"C{n:03d}", f"City{n % 7}", Quadrant.BIG_GAME) for n in range(200)] + [
        planning.Customer(1000 + n, f"S{n:03d}", None, Quadrant.SMALL_FRY) for n in range(200)
    ]


@settings(max_examples=40, deadline=None)
@given(
    monday=st.dates(D(2026, 1, 1), D(2028, 12, 31)).map(planning.week_monday),
    offsets=st.lists(st.tuples(st.integers(-3, 10), st.integers(0, 4)), max_size=3),
    country=st.sampled_from(["SE", "NO", "DK", "FI", "DE", ""]),
)
def test_nothing_is_ever_planned_on_a_day_off(monday, offsets, country) -> None:
    text = ", ".join(
        f"{monday + dt.timedelta(days=a)}..{monday + dt.timedelta(days=a + b)}" for a, b in offsets
    )
    cfg = config(calendar_country=country, calendar_days_off=text)
    proposals = planning.plan_week(many_due(), cfg, monday, monday)
    assert all(cfg.off(p.day) is None for p in proposals)
    assert all(p.day.weekday() < 5 for p in proposals)
    free = planning.plan_days(monday, cfg)
    if free:  # the free days are used to capacity
        assert len([p for p in proposals if p.kind == "visit"]) == 4 * len(free)


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    path = tmp_path / "sample.db"
    shutil.copy(SAMPLE, path)
    return path


def test_sample_book_plans_no_swedish_holiday_at_christmas(sample_copy) -> None:
    runner = CliRunner()
    for week in ("2026-W52", "2026-W53", "2027-W01"):
        result = runner.invoke(main, ["plan", str(sample_copy), "--week", week, "--as-of", "2026-12-14"],
                               catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "Not planned: " in result.output
    book = open_book(sample_copy)
    days = {d for (d,) in book.rows("SELECT DISTINCT day FROM plan_item")}
    book.close()
    assert days and not days & {"2026-12-24", "2026-12-25", "2026-12-26", "2026-12-31", "2027-01-01", "2027-01-06"}
    assert "2026-12-23" in days and "2026-12-30" in days and "2027-01-04" in days


def test_rep_days_off_in_the_book_are_not_planned(sample_copy) -> None:
    book = open_book(sample_copy)
    book.set_setting("calendar.days_off", "2026-12-28..2026-12-29")
    proposals = plan_store.plan_week(book, D(2026, 12, 28), D(2026, 12, 14))
    book.close()
    assert proposals and {p.day for p in proposals} == {D(2026, 12, 30)}


async def test_the_week_view_names_the_holiday_and_moves_skip_it(sample_copy) -> None:
    book = open_book(sample_copy)
    app = planner_host(book, D(2026, 12, 21))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        thursday = screen.query_one("#day-3", DayColumn)
        assert "Christmas Eve" in str(thursday.border_title)
        assert "not planned" in str(thursday.render())
        await pilot.press("p")
        await settle(pilot)
        assert not [i for i in screen.view.items if i.day in (D(2026, 12, 24), D(2026, 12, 25))]
        # Wednesday's first item: > has no working day left this week
        screen.column = 2
        screen.render_view()
        item = screen.selected_item()
        assert item is not None
        await pilot.press("greater_than_sign")
        await settle(pilot)
        assert plan_store.get_item(book, item.id).day == D(2026, 12, 23)
        # r takes it to the next working day a week on (Wed 30 Dec)
        await pilot.press("r")
        await settle(pilot)
        assert plan_store.get_item(book, item.id).day == D(2026, 12, 30)
    book.close()
