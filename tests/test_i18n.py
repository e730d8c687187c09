"""The app in Swedish and English (docs/i18n.md): catalogs complete, language picked, Nordic formats."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from segtui import i18n
from segtui.domain.money import money, share, short_amount, short_money
from segtui.domain.segments import Quadrant
from segtui.domain.settings import SettingError, validate

ROOT = Path(__file__).resolve().parent.parent
LOCALE = ROOT / "src" / "segtui" / "locale"


@pytest.fixture
def swedish():
    i18n.use("sv")
    yield
    i18n.use("en")


def catalogs() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/segtui.po"))


def test_swedish_has_a_catalog() -> None:
    assert "sv" in i18n.available() and "en" in i18n.available()
    assert (LOCALE / "sv" / "LC_MESSAGES" / "segtui.mo").is_file()


@pytest.mark.parametrize("po", catalogs(), ids=lambda p: p.parent.parent.name)
def test_every_message_is_translated_none_empty_or_fuzzy(po: Path) -> None:
    catalog = read_po(po.open("rb"))
    template = read_po((LOCALE / "segtui.pot").open("rb"))
    assert not catalog.fuzzy
    missing, fuzzy = [], []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(s and s.strip() for s in strings):
            missing.append(message.id)
        if message.fuzzy:
            fuzzy.append(message.id)
    assert missing == [] and fuzzy == []
    # every text of the template is in the catalog (scripts/i18n.sh updates it)
    ids = {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in catalog if m.id}
    absent = [m.id for m in template if m.id and (m.context, m.id if isinstance(m.id, str) else m.id[0]) not in ids]
    assert absent == []


@pytest.mark.parametrize("po", catalogs(), ids=lambda p: p.parent.parent.name)
def test_translations_keep_the_placeholders(po: Path) -> None:
    import string

    def fields(text: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    wrong = []
    for message in read_po(po.open("rb")):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if any(fields(s) - fields(ids[-1]) for s in strings):
            wrong.append(message.id)
    assert wrong == []


def test_the_compiled_catalog_is_up_to_date() -> None:
    """The .mo ships in the wheel: it must say what the .po says (run scripts/i18n.sh)."""
    import gettext

    po = read_po((LOCALE / "sv" / "LC_MESSAGES" / "segtui.po").open("rb"))
    with (LOCALE / "sv" / "LC_MESSAGES" / "segtui.mo").open("rb") as file:
        mo = gettext.GNUTranslations(file)
    stale = []
    for m in po:
        if not m.id:
            continue
        if isinstance(m.id, tuple):
            got = (mo.ngettext(m.id[0], m.id[1], 1), mo.ngettext(m.id[0], m.id[1], 2))
            want = tuple(m.string)
        else:
            got = mo.pgettext(m.context, m.id) if m.context else mo.gettext(m.id)
            want = m.string
        if got != want:
            stale.append(m.id)
    assert stale == []


@pytest.mark.parametrize(
    ("setting", "environ", "expected"),
    [
        ("sv", {}, "sv"),
        ("en", {"LANG": "sv_SE.UTF-8"}, "en"),
        ("", {"LANG": "sv_SE.UTF-8"}, "sv"),
        (None, {"LC_ALL": "sv_SE.UTF-8", "LANG": "en_GB.UTF-8"}, "sv"),
        (None, {"LC_MESSAGES": "sv_FI", "LANG": "en_US.UTF-8"}, "sv"),
        (None, {"LC_ALL": "C", "LANG": "sv_SE.UTF-8"}, "en"),
        (None, {"LANG": "de_DE.UTF-8"}, "en"),
        (None, {}, "en"),
    ],
)
def test_the_language_is_the_setting_else_the_environment_else_english(setting, environ, expected) -> None:
    assert i18n.pick(setting, environ) == expected


def test_the_setting_takes_the_languages_there_are_catalogs_for() -> None:
    assert validate("ui.language", "SV") == "sv"
    assert validate("ui.language", "sv_SE") == "sv"
    assert validate("ui.language", "") == ""
    with pytest.raises(SettingError, match="sv"):
        validate("ui.language", "klingon")


def test_english_is_exactly_as_written() -> None:
    i18n.use("en")
    assert money(123456750, "SEK") == "1 234 568 SEK"
    assert short_money(73_800_000) == "738 k"
    assert short_amount(460_000_000, "SEK") == "4.6 M SEK"
    assert share(0.62) == "62%"
    assert i18n.day(dt.date(2026, 12, 2)) == "2026-12-02"
    assert Quadrant.CASH_COWS.label == "Cash cows"


def test_swedish_formats(swedish) -> None:
    nb = "\xa0"
    assert money(123456750, "SEK") == f"1{nb}234{nb}568{nb}kr"
    assert i18n.money(123450, "SEK", decimals=True) == f"1{nb}234,50{nb}kr"
    assert short_amount(94_500_000, "SEK") == f"945{nb}tkr"
    assert short_amount(120_000_000, "SEK") == f"1,2{nb}mnkr"
    assert short_amount(230_000_000_000, "SEK") == f"2,3{nb}mdkr"
    assert short_amount(94_500_000, "EUR") == f"945{nb}t EUR"
    assert short_amount(95_000, "SEK") == f"950{nb}kr"
    assert share(0.62) == f"62{nb}%"
    assert i18n.day(dt.date(2026, 12, 2)) == "2 dec. 2026"
    assert i18n.week(2026, 49, with_year=False) == "v. 49"
    assert i18n.weekday(dt.date(2026, 12, 2)) == "onsdag"
    assert i18n.weekday(dt.date(2026, 12, 2), short=True) == "ons"
    assert i18n.relative_days(5) == "om 5 dagar"
    assert i18n.relative_days(-12) == "för 12 dagar sedan"
    assert i18n.relative_days(0) == "i dag"


def test_the_quadrants_as_the_seed_names_them(swedish) -> None:
    from segtui.domain.segments import QUADRANT_SWEDISH

    for quadrant in Quadrant:
        assert quadrant.label.casefold() == QUADRANT_SWEDISH[quadrant]


def test_segments_table_in_swedish_csv_columns_stay_english(tmp_path: Path) -> None:
    import shutil

    book = tmp_path / "sample.db"
    shutil.copy(ROOT / "sample.db", book)
    env = {"LANG": "sv_SE.UTF-8", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    run = lambda *a: subprocess.run([sys.executable, "-m", "segtui", *a], capture_output=True, text=True,  # noqa: E731
                                    env=env, check=True, cwd=tmp_path).stdout
    table = run("segments", str(book), "--as-of", "2026-11-23")
    for word in ("Kassakor", "Högvilt", "Småttingar", "Ointressanta", "kunder", "omsättning"):
        assert word in table
    for word in ("Cash cows", "Big game", "customers", "revenue"):
        assert word not in table
    # in Swedish a CSV is written for Swedish Excel (docs/exports.md), its columns and values still English
    raw = lambda env, *a: subprocess.run([sys.executable, "-m", "segtui", *a], capture_output=True,  # noqa: E731
                                         env=env, check=True, cwd=tmp_path).stdout
    args = ("segments", str(book), "--as-of", "2026-11-23", "--format", "csv")
    csv = raw(env, *args).decode("utf-8")
    assert csv.startswith("\ufeffcustomer;name;")
    assert "cash_cows" in csv and "Kassakor" not in csv and "kr" not in csv.splitlines()[0]
    english = raw({"LANG": "C", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}, *args)
    assert csv.lstrip("\ufeff").replace(";", ",").split("\r\n")[0] == english.decode().split("\n")[0]
    assert raw(env, *args, "--dialect", "csv") == english


def test_the_table_writer_speaks_the_language_in_use(swedish) -> None:
    from segtui.io.export import write_segments_table

    out = io.StringIO()
    write_segments_table([], out, "2026-11-23", "SEK", 24, "bok")
    assert "segment per 2026-11-23" in out.getvalue() and "Kvadrant" in out.getvalue()


def test_plan_table_in_swedish_csv_and_english_table_unchanged(tmp_path: Path) -> None:
    import shutil

    book = tmp_path / "sample.db"
    shutil.copy(ROOT / "sample.db", book)
    args = ("plan", str(book), "--as-of", "2026-11-23", "--week", "2026-W49")

    def run(lang: str, *extra: str) -> str:
        env = {"LANG": lang, "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
        return subprocess.run([sys.executable, "-m", "segtui", *args, *extra], capture_output=True, text=True,
                              env=env, check=True, cwd=tmp_path).stdout

    english = run("C")  # plans the week (saved), so both tables show the same items
    assert english.startswith("Plan for 2026-W49 (30 Nov – 06 Dec 2026):")
    table = run("sv_SE.UTF-8")
    assert table.startswith("Plan för v. 49 2026 (30 nov. 2026 – 6 dec. 2026):")
    for word in ("besök", "samtal", "måndag", "dagar försenad", "Kontaktreglerna"):
        assert word in table, word
    for word in ("visits", "calls", "Monday", "days overdue", "Policy needs", " visit ", " call "):
        assert word not in table, word
    assert len(table.splitlines()) == len(english.splitlines())  # the same items, line for line
    # the CSV for scripts stays English (its dialect follows the language, docs/exports.md)
    assert run("sv_SE.UTF-8", "--format", "csv", "--dialect", "csv") == run("C", "--format", "csv")
