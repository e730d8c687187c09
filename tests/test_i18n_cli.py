"""The commands in Swedish (docs/i18n.md): with LANG=sv_SE.UTF-8 every message a command prints for
people comes from the catalog — a text the catalog lacks fails the test — while CSV and JSON stay
English, and the same commands in English print what they always did (the other tests of the CLI)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui import i18n
from segtui.cli import main

ROOT = Path(__file__).resolve().parent.parent
SWEDISH = {"LANG": "sv_SE.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
ORDERS = "CustomerID,InvoiceDate,Amount,Name\n1001,2026-10-01,1200,Acme AB\n1002,2026-10-03,800,Beta AB\n"


@pytest.fixture
def book(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    shutil.copy(ROOT / "sample.db", path)
    return path


def swedish(*args: str, code: int = 0, input: str | None = None) -> str:
    """What ``segtui ARGS`` prints (standard output and error) in Swedish; every text it asked the
    catalog for had a translation."""
    result = CliRunner().invoke(main, [str(a) for a in args], env=SWEDISH, input=input, catch_exceptions=False)
    assert i18n.missing() == set(), i18n.missing()
    assert result.exit_code == code, result.output
    return result.output + (result.stderr if result.stderr_bytes is not None and result.stderr not in result.output
                            else "")


def english_words_absent(text: str, *words: str) -> None:
    for word in words:
        assert word not in text, (word, text)


def test_settings_in_swedish_keys_and_values_stay_as_stored(book: Path) -> None:
    listing = swedish("settings", book)
    assert "abc.a_above" in listing and "klass A:" in listing
    english_words_absent(listing, "class A: revenue", "the rolling revenue window")
    assert swedish("settings", book, "window.months").strip() == "24"
    said = swedish("settings", book, "no.such.key", code=1)
    assert "okänd inställning 'no.such.key'; giltiga nycklar:" in said
    said = swedish("settings", book, "abc.a_above", "many", "abc.b_from", "5", code=1)
    assert "(inget ändrades)" in said and "nothing was changed" not in said
    assert "har inget värde" in swedish("settings", book, "abc.a_above", "1", "abc.b_from", code=1)
    assert swedish("settings", book, "window.months", "36").strip() == "window.months = 36"


def test_log_in_swedish(book: Path) -> None:
    said = swedish("log", book, "K10001", "visit", "--date", "2026-11-20", "--follow-up", "2026-12-05")
    assert "Registrerade ett besök hos" in said and "20 nov. 2026" in said
    assert "Uppföljningsbesök planerat till" in said and "första arbetsdagen från 5 dec. 2026" in said
    english_words_absent(said, "Recorded", "Follow-up", "planned for")
    assert "ingen kund med kundnumret 'NOPE' i boken" in swedish("log", book, "NOPE", "call", code=1)
    long_note = "x" * 5000
    said = swedish("log", book, "K10001", "call", "--note", long_note, code=1)
    assert "anteckningen är 5\xa0000 tecken; högst" in said
    assert "är inte efter kontakten" in swedish("log", book, "K10001", "call", "--date", "2026-11-20",
                                                  "--follow-up", "2026-11-19", code=2)


def test_duplicates_in_swedish(book: Path) -> None:
    said = swedish("duplicates", book)
    assert "Inga dubbletter" in said or "samma" in said
    english_words_absent(said, "No duplicates", "same org number", " orders ")
    assert "det finns ingen sammanslagning att ångra" in swedish("duplicates", book, "--undo", code=1)


def test_plan_and_mailing_messages_in_swedish(book: Path, tmp_path: Path) -> None:
    said = swedish("plan", book, "--as-of", "2026-11-23", "--format", "xlsx", "-o", tmp_path / "plan.xlsx")
    assert "Skrev" in said and "besök och samtal för v. 48 2026 till" in said
    mailing = swedish("plan", book, "--mailing", "--as-of", "2026-11-23")
    assert mailing.startswith("Utskickslista · sample · per 23 nov. 2026:") and "58 småttingar, 58 med e-post, 0 utan" in mailing
    english_words_absent(mailing, "Mailing list", "with an e-mail", "contact  ", "no e-mail")
    assert "utskickslistan är en tabell" in swedish("plan", book, "--mailing", "--format", "ics", code=2)
    assert "--week gäller veckans plan" in swedish("plan", book, "--mailing", "--week", "2026-W48", code=2)
    said = swedish("contacts", book, "-o", tmp_path / "contacts.csv")
    assert said.startswith("Skrev ") and "kontakter till" in said
    said = swedish("segments", book, "--format", "csv", "-o", book, code=1)
    assert "är en bok (en SQLite-databas)" in said


def test_a_bad_date_and_a_missing_book_in_swedish(book: Path, tmp_path: Path) -> None:
    assert "är inte ett datum (använd ÅÅÅÅ-MM-DD" in swedish("segments", book, "--as-of", "2026-13-01", code=1)
    said = swedish("segments", tmp_path / "none.db", code=1)
    assert "segtui: det finns ingen bok på" in said


def test_import_summary_and_errors_in_swedish(tmp_path: Path) -> None:
    orders = tmp_path / "orders.csv"
    orders.write_text(ORDERS)
    target = tmp_path / "new.db"
    said = swedish("import", "orders", target, orders, "--currency", "GBP", "--today", "2026-10-10")
    for words in ("Skapade boken", "Importerade order från orders.csv", "Kolumner som används", "Rader: 2 lästa",
                  "Order: 2 nya", "Kunder: 2 nya", "Valuta: GBP (från den angivna valutan)"):
        assert words in said, words
    english_words_absent(said, "Imported", "Columns used", "Rows:", "Currency:", "Customers:", "comma-separated")
    again = swedish("import", "orders", target, orders, "--dry-run", "--today", "2026-10-10")
    assert "Skulle importera order" in again and "Provkörning: inget skrevs." in again
    bad = tmp_path / "bad.csv"
    bad.write_text("CustomerID,InvoiceDate,Amount\n1001,2026-02-31,10\n")
    said = swedish("import", "orders", target, bad, code=1)
    assert 'rad 2, kolumn "InvoiceDate": "2026-02-31" är inget datum (februari 2026 har 28 dagar)' in said
    assert "inget importerades" in said
    said = swedish("import", "orders", target, orders, "--map", "nonsense", code=2)
    assert "är inte FÄLT=KOLUMN" in said
    said = swedish("import", "orders", target, tmp_path / "none.csv", code=1)
    assert 'filen "' in said and "finns inte" in said
    quoted = tmp_path / "quoted.csv"
    quoted.write_text('CustomerID,InvoiceDate,Amount\n1001,"2026-10-01,10\n')
    assert "rad 2 har ett citattecken som aldrig stängs" in swedish("import", "orders", target, quoted, code=1)
    said = swedish("import", "orders", target, orders, "--currency", "EURO", code=1)
    assert '"EURO" är ingen valutakod' in said
    customers = tmp_path / "customers.csv"
    customers.write_text("Customer,Name,City\n1001,Acme AB,Lund\n,Gamma AB,Malmö\n")
    said = swedish("import", "customers", target, customers)
    assert "Kunder: 1 nya, 1 uppdaterade" in said or "uppdaterade" in said
    json_said = CliRunner().invoke(main, ["import", "customers", str(target), str(customers), "--format", "json",
                                          "--dry-run"], env=SWEDISH)
    assert '"skipped_rows"' in json_said.stdout and "Kunder:" not in json_said.stdout


def test_movements_in_swedish(book: Path) -> None:
    said = swedish("segments", book, "--as-of", "2026-11-23", "--compare", "2026-05-23")
    assert "förflyttningar från 23 maj 2026 till 23 nov. 2026" in said and "Kvadrant:" in said
    english_words_absent(said, "movements from", "customers moved", "Cash cows", "Moved quadrant", "more (")


def test_sync_and_team_in_swedish(book: Path, tmp_path: Path) -> None:
    import socket

    said = swedish("sync", tmp_path / "none.db", code=1)
    assert "ingen adress till teamboken" in said
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    said = swedish("sync", book, f"postgresql://rep@127.0.0.1:{port}/team", code=1)
    assert "når inte teamboken team på 127.0.0.1" in said and "inget ändrades" in said
    said = swedish("team", "init", f"postgresql://rep@127.0.0.1:{port}/team", code=1)
    assert "når inte teamboken team på 127.0.0.1" in said


def test_a_bad_week_and_a_demo_over_a_file_in_swedish(book: Path) -> None:
    assert "är ingen ISO-vecka (skriv den som 2026-W48)" in swedish("plan", book, "--week", "week 9", code=2)
    assert "finns redan; välj ett nytt filnamn" in swedish("demo", book, "--customers", "5", code=1)
