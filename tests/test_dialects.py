"""CSV exports that open in a spreadsheet: `--dialect excel-sv` (BOM, ';', decimal comma) and the plain
`csv` dialect, byte for byte (docs/exports.md)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from books import add_assessment, add_contact, add_customer, add_order, add_small_fry, open_mailing_export
from click.testing import CliRunner

from segtui.cli import main
from segtui.io import export
from segtui.store.book import open_book

DAY = "2026-11-23"
HEADER = (
    "customer,name,city,owner,revenue,orders,abc,potential_class,upgrade_candidate,loyalty,loyalty_source,"
    "quadrant,xyz,group,last_order,flags,trend,budget,budget_source"
)


@pytest.fixture
def book_file(tmp_path: Path) -> Path:
    """Two customers: one with öre in its revenue, a share and a budget; one with a name a
    comma or a semicolon would split, and a credit note that leaves it below zero."""
    path = tmp_path / "tiny.db"
    book = open_book(path)
    norr = add_customer(book, "1001", "Norrköping Verktyg AB", city="Norrköping", owner="Åsa Öberg")
    add_order(book, norr, "2026-10-01", 1234.50, ref="o1")
    add_assessment(book, norr, "2026-01-01", 4000)
    odd = add_customer(book, "1002", "Berg, Lund; Söner", city="Malmö")
    add_order(book, odd, "2026-03-01", 500, ref="o2")
    add_order(book, odd, "2026-03-02", -700.25, ref="o3")
    book.close()
    return path


@pytest.fixture
def english(monkeypatch):
    """The environment of an English laptop (the default dialect is plain csv)."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "en_GB.UTF-8")


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_excel_sv_segments_are_exact_bytes(book_file: Path, english) -> None:
    result = run("segments", str(book_file), "--as-of", DAY, "--format", "csv", "--dialect", "excel-sv")
    assert result.exit_code == 0, result.output
    assert result.stdout_bytes == (
        "\ufeff" + HEADER.replace(",", ";") + "\r\n"
        + '1002;"Berg, Lund; Söner";Malmö;;-200,25;1;D;;false;;;needs_assessment;Z;one_off;2026-03-01;'
        + "negative net revenue;;;\r\n"
        + "1001;Norrköping Verktyg AB;Norrköping;Åsa Öberg;1234,50;1;C;C;false;0,3086;computed;uninteresting;Z;"
        + "one_off;2026-10-01;;;4000,00;entered\r\n"
    ).encode("utf-8")
    assert result.stdout_bytes.startswith(b"\xef\xbb\xbf")


def test_the_plain_csv_is_what_it_always_was(book_file: Path, english) -> None:
    expected = (
        HEADER + "\n"
        + '1002,"Berg, Lund; Söner",Malmö,,-200.25,1,D,,false,,,needs_assessment,Z,one_off,2026-03-01,'
        + "negative net revenue,,,\n"
        + "1001,Norrköping Verktyg AB,Norrköping,Åsa Öberg,1234.50,1,C,C,false,0.3086,computed,uninteresting,Z,"
        + "one_off,2026-10-01,,,4000.00,entered\n"
    ).encode("utf-8")
    default = run("segments", str(book_file), "--as-of", DAY, "--format", "csv")
    forced = run("segments", str(book_file), "--as-of", DAY, "--format", "csv", "--dialect", "csv")
    assert default.exit_code == forced.exit_code == 0
    assert default.stdout_bytes == forced.stdout_bytes == expected


def test_excel_sv_is_the_default_in_swedish_and_csv_forces_plain(book_file: Path, monkeypatch) -> None:
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "sv_SE.UTF-8")
    swedish = run("segments", str(book_file), "--as-of", DAY, "--format", "csv").stdout_bytes
    assert swedish.startswith(b"\xef\xbb\xbfcustomer;name;") and b"1234,50" in swedish
    plain = run("segments", str(book_file), "--as-of", DAY, "--format", "csv", "--dialect", "csv").stdout_bytes
    assert plain.startswith(b"customer,name,") and b"1234.50" in plain

    # the book's ui.language wins over the environment, both ways
    assert run("settings", str(book_file), "ui.language", "en").exit_code == 0
    assert run("segments", str(book_file), "--as-of", DAY, "--format", "csv").stdout_bytes == plain
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert run("settings", str(book_file), "ui.language", "sv").exit_code == 0
    assert run("segments", str(book_file), "--as-of", DAY, "--format", "csv").stdout_bytes == swedish


def test_an_excel_sv_file_is_the_same_bytes_as_standard_output(book_file: Path, tmp_path: Path, english) -> None:
    out = tmp_path / "segments.csv"
    args = ["segments", str(book_file), "--as-of", DAY, "--format", "csv", "--dialect", "excel-sv"]
    assert run(*args, "-o", str(out)).exit_code == 0
    assert out.read_bytes() == run(*args).stdout_bytes


def test_excel_sv_says_what_the_plain_csv_says(book_file: Path, english) -> None:
    """Read back with the separators and decimal sign of the dialect, every cell is the plain one."""
    plain = run("segments", str(book_file), "--as-of", DAY, "--format", "csv").stdout_bytes.decode("utf-8")
    swedish = run("segments", str(book_file), "--as-of", DAY, "--format", "csv", "--dialect", "excel-sv")
    rows = list(csv.reader(io.StringIO(swedish.stdout_bytes.decode("utf-8-sig"), newline=""), delimiter=";"))
    numbers = {export.SEGMENT_COLUMNS.index(c) for c in export.SEGMENT_NUMBERS}
    back = [[v.replace(",", ".") if i in numbers else v for i, v in enumerate(r)] for r in rows]
    assert back == list(csv.reader(io.StringIO(plain)))


def test_the_plan_and_the_mailing_list_take_the_dialect(tmp_path: Path, english) -> None:
    path = tmp_path / "fry.db"
    book = open_book(path)
    fry = add_small_fry(book, "Ölands Kött; Chark AB", "Borgholm")
    add_contact(book, fry, "Örjan Åberg", "orjan@oland.example", primary=True, phone="+46701234567")
    book.close()
    mailing = run("plan", str(path), "--mailing", "--as-of", DAY, "--format", "csv", "--dialect", "excel-sv")
    assert mailing.exit_code == 0, mailing.output
    source_id = mailing.stdout_bytes.decode("utf-8-sig").splitlines()[1].split(";")[0]
    assert mailing.stdout_bytes == (
        "\ufeffcustomer;name;contact;email;city\r\n"
        f'{source_id};"Ölands Kött; Chark AB";Örjan Åberg;orjan@oland.example;Borgholm\r\n'
    ).encode("utf-8")
    plan = run("plan", str(path), "--week", "2026-W48", "--as-of", DAY, "--format", "csv", "--dialect", "excel-sv")
    assert plan.exit_code == 0, plan.output
    lines = plan.stdout_bytes.decode("utf-8").split("\r\n")
    assert lines[0] == "\ufeff" + ";".join(export.PLAN_COLUMNS) and lines[-1] == ""
    assert len(lines) > 2 and all(";" in line for line in lines[1:-1])
    plain = run("plan", str(path), "--week", "2026-W48", "--as-of", DAY, "--format", "csv").stdout_bytes
    assert plain.startswith(b"day,weekday,kind,") and b"\r" not in plain


@pytest.mark.parametrize("args", [
    ["segments", "--format", "json"], ["segments", "--format", "table"], ["plan", "--format", "ics"],
    ["plan", "--mailing", "--format", "table"],
])
def test_a_dialect_is_for_csv_only(book_file: Path, args: list[str]) -> None:
    result = run(args[0], str(book_file), *args[1:], "--dialect", "excel-sv")
    assert result.exit_code == 2
    assert "--dialect is for --format csv" in result.output


def test_records_get_the_decimal_comma_only_in_their_numbers() -> None:
    """write_csv (plan, mailing list, contacts): floats and the named number columns get the
    decimal comma; ids, dates and texts with a point keep it; booleans stay true/false."""
    out = io.StringIO()
    records = [{"customer": "K1.2", "day": "2026-11-23", "km": 12.5, "amount": "1234.50", "note": "v. 1.2",
                "manual": True}]
    export.write_csv(records, ["customer", "day", "km", "amount", "note", "manual"], out, export.EXCEL_SV,
                     numbers=("amount",))
    assert out.getvalue() == (
        "\ufeffcustomer;day;km;amount;note;manual\r\nK1.2;2026-11-23;12,5;1234,50;v. 1.2;true\r\n"
    )
    plain = io.StringIO()
    export.write_csv(records, ["customer", "day", "km", "amount", "note", "manual"], plain, numbers=("amount",))
    assert plain.getvalue() == "customer,day,km,amount,note,manual\nK1.2,2026-11-23,12.5,1234.50,v. 1.2,true\n"


def test_the_default_dialect_follows_the_language() -> None:
    assert export.default_dialect("sv") is export.EXCEL_SV
    assert export.default_dialect("en") is export.CSV
    assert export.default_dialect("de") is export.CSV


@pytest.mark.parametrize("language, start", [
    ("sv", "\ufeffcustomer;name;contact;email;city\r\n".encode()), ("en", b"customer,name,contact,email,city\n"),
])
async def test_the_mailing_screen_exports_in_the_dialect_of_its_language(
    book, tmp_path: Path, monkeypatch, language: str, start: bytes
) -> None:
    """The app's own export (m in the planner, then e) takes the dialect of the language it speaks."""
    import datetime as dt

    from books import planner_host, settle
    from textual.widgets import Input

    from segtui import i18n
    from segtui.ui.mailing import MailingScreen

    fry = add_small_fry(book, "Alfa AB", "Oslo")
    add_contact(book, fry, "Anna Berg", "anna@alfa.example", primary=True)
    app = planner_host(book, dt.date(2026, 11, 23))
    async with app.run_test(size=(120, 36)) as pilot:
        await open_mailing_export(pilot)
        app.screen.query_one("#field-file", Input).value = str(tmp_path / "fry.csv")
        monkeypatch.setattr(i18n, "language", lambda: language)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MailingScreen)
    written = (tmp_path / "fry.csv").read_bytes()
    assert written.startswith(start) and "Anna Berg".encode() in written
