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


def test_merge_refusals_and_a_leftover_journal_in_swedish(book: Path) -> None:
    said = swedish("duplicates", book, "--merge", "K10001", "K10001", "--yes", code=1)
    assert "en kund kan inte slås ihop med sig själv" in said
    said = swedish("duplicates", book, "--merge", "K10001", "NOPE", "--yes", code=1)
    assert "det finns ingen kund 'NOPE' i boken" in said
    english_words_absent(said, "there is no customer", "in this book")
    (book.parent / "sample.db-journal").write_bytes(b"\xd9" + bytes(range(256)) * 16)
    said = swedish("segments", book, code=1)
    assert "sample.db-journal ligger bredvid" in said and "flytta bort den och öppna sedan boken igen" in said
    english_words_absent(said, "lies beside", "move it away")


def test_a_bad_stored_setting_and_no_terminal_in_swedish(book: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(book)
    with conn:
        conn.execute("UPDATE setting SET value = 'many' WHERE key = 'window.months'")
    conn.close()
    said = swedish("settings", book, "window.months")
    assert f"segtui: inställningen window.months i {book} är 'many', vilket inte är giltigt; standardvärdet 24 används" \
           in said and f"(ändra den: segtui settings {book} window.months VÄRDE)" in said
    english_words_absent(said, "which is not valid", "is used")
    said = swedish("open", book, code=1)
    assert "segtui: appen behöver en terminal (standard in eller ut är ingen)" in said
    english_words_absent(said, "needs a terminal", "in a script")


@pytest.fixture(scope="module")
def team_server():
    from team_server import Server, bindir

    found = bindir()
    if found is None:
        pytest.skip("PostgreSQL is not installed here (no initdb/pg_ctl; apt-get install postgresql-15)")
    server = Server(found)
    server.start()
    yield server
    server.stop()


def test_team_init_sync_conflicts_and_board_in_swedish(team_server, book: Path, tmp_path: Path) -> None:
    import datetime as dt

    from segtui.store import team
    from segtui.store.book import open_book

    url = team_server.create_db("sv_team")
    said = swedish("team", "init", url)
    assert said.strip() == "teamboken sv_team på 127.0.0.1 är uppsatt (teamversion 1); säljarna kan nu köra segtui sync"
    assert "är klar (teamversion 1); inget att göra" in swedish("team", "init", url)
    said = swedish("sync", book, url)
    assert said.startswith(f"Synkade {book}: skickade ") and " ändringar, tog emot 0." in said
    sent = said.split("skickade ")[1].split(" ändringar")[0]
    assert "\xa0" in sent and "," not in sent  # thousands grouped the Swedish way
    rep = tmp_path / "rep.db"
    said = swedish("sync", rep, url)
    assert f"skickade 0 ändringar, tog emot {sent}." in said
    now = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)
    for path, owner, stamp in ((book, "Lead's pick", "2026-12-01T10:00:00.000"), (rep, "Rep's pick", "2026-12-01T11:00:00.000")):
        opened = open_book(path)
        with opened.transaction() as conn:
            conn.execute("UPDATE customer SET owner = ? WHERE source_id = 'K10001'", (owner,))
            conn.execute("UPDATE team_change SET at = ?", (stamp,))
        if path == rep:
            team.sync(opened, url, now)
        opened.close()
    said = swedish("sync", book, url)
    assert "konflikt för kund K10001: en annan säljares senare värde behölls" in said
    assert "ansvarig: \"Rep's pick\" behölls" in said
    english_words_absent(said, "conflict on", "owner:", " kept", "in history")
    board = swedish("team", "board", url, "--as-of", "2026-12-01")
    assert board.splitlines()[0].split() == ["säljare", "segment", "kunder", "planerad", "klar", "täckning"]
    assert "(ingen ansvarig)" in board and "Högvilt" in board
    english_words_absent(board, "(no owner)", "Big game")


def test_help_in_swedish_for_every_command_and_in_english_after_it() -> None:
    import click

    said = swedish("--help")
    assert "Kundplanering i terminalen: se vilka kunder som är värda din tid." in said
    assert "Kör `segtui BOOK` för att öppna en bok" in said
    english_words_absent(said, "Account planning", "Open the app on", "Write a believable")

    def commands(group: click.Group, path: tuple[str, ...] = ()):
        for name, command in group.commands.items():
            yield (*path, name)
            if isinstance(command, click.Group):
                yield from commands(command, (*path, name))

    english_env = {"LANG": "en_GB.UTF-8", "LC_ALL": None, "LC_MESSAGES": None}
    for path in commands(main):  # each command's help and its options' from the catalog, none left in English
        english = CliRunner().invoke(main, [*path, "--help"], env=english_env).output
        first = english.split("\n\n")[1].strip().splitlines()[0]
        assert first, english
        said = swedish(*path, "--help")
        assert first not in said, (path, said)
    said = swedish("segments", "--help")
    assert "Varje kunds omsättningsklass" in said and "Klassa som den här dagen (ÅÅÅÅ-MM-DD," in said
    assert "Ersätt --output-filen om den finns." in said
    english_words_absent(said, "Every customer's", "Classify as on this day", "Replace the --output file")
    said = swedish("import", "orders", "--help")
    assert "\n  Fält: customer (krävs), date (krävs), amount — eller quantity och\n" in said  # kept as written
    english = CliRunner().invoke(main, ["import", "orders", "--help"],
                                 env=english_env).output
    assert "Import orders or invoice lines from FILE into BOOK" in english and "Fält" not in english
    assert "The currency of the amounts" in english


def test_clicks_own_words_are_swedish_too_and_english_after_them(book: Path) -> None:
    said = swedish("--help")
    assert said.startswith("Användning: ") and " [FLAGGOR] KOMMANDO [ARGUMENT]...\n" in said.splitlines(True)[0]
    assert "\nFlaggor:\n" in said and "\nKommandon:\n" in said
    english_words_absent(said, "Usage:", "Options:", "Commands:", "[OPTIONS]", "Show the version")
    said = swedish("segments", book, "--format", "xml", code=2)
    assert " segments --help' för hjälp." in said and "\nProva '" in said
    assert "Fel: Ogiltigt värde för '--format': 'xml' är inte något av 'table', 'csv', 'json', 'xlsx'." in said
    assert "Fel: Flaggan '--bogus' finns inte." in swedish("segments", book, "--bogus", code=2)
    assert "Fel: Argument saknas 'BOOK'." in swedish("plan", code=2)
    english = CliRunner().invoke(main, ["plan"], env={"LANG": "en_GB.UTF-8", "LC_ALL": None, "LC_MESSAGES": None,
                                                      "LANGUAGE": None}).output
    assert " plan [OPTIONS] BOOK" in english and "Usage: " in english and "Error: Missing argument 'BOOK'." in english


def test_the_catalog_of_clicks_words_is_whole_and_compiled() -> None:
    """Every text of the installed click (locale/click.pot, scripts/i18n.sh) has its Swedish, and the .mo says it."""
    import gettext

    from babel.messages.pofile import read_po

    locale = Path(i18n.LOCALE_DIR)
    template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po((locale / "click.pot").open("rb")) if m.id}
    po = read_po((locale / "sv" / "LC_MESSAGES" / "click.po").open("rb"))
    with (locale / "sv" / "LC_MESSAGES" / "click.mo").open("rb") as file:
        mo = gettext.GNUTranslations(file)
    have = {}
    for m in po:
        if m.id:
            strings = m.string if isinstance(m.string, tuple) else (m.string,)
            assert all(s.strip() for s in strings) and not m.fuzzy, m.id
            got = (mo.ngettext(*m.id, 1), mo.ngettext(*m.id, 2)) if isinstance(m.id, tuple) else mo.gettext(m.id)
            assert got == (tuple(m.string) if isinstance(m.id, tuple) else m.string), m.id
            have[m.id if isinstance(m.id, str) else m.id[0]] = m
    assert template - set(have) == set()
