"""The review, settings, import, mailing, archived and customer-list screens in Swedish: every text they
show has a translation, and no English word is left (the words of the English catalog that no Swedish
translation uses, as tests/test_i18n_screens.py reads them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from review_books import AS_OF, fill_review_book
from test_i18n_screens import english_on, english_words, screen_text

from segtui import i18n
from segtui.ui.app import SegtuiApp


@pytest.fixture
def swedish():
    i18n.use("sv")
    yield
    i18n.use("en")


async def idle(pilot, final: float = 0.05) -> None:
    """Until the app's workers and the screen's writes are done; raises after 6 seconds."""
    for _ in range(300):
        await pilot.pause(0.02)
        busy = getattr(pilot.app.screen, "busy", False)
        if not busy and not any(w.is_running or w.state.name == "PENDING" for w in pilot.app.workers):
            await pilot.pause(final)
            return
    raise TimeoutError(f"{type(pilot.app.screen).__name__} still busy")


async def until_screen(pilot, name: str) -> None:
    """Until the screen on top is ``name`` (and idle); raises after 4 seconds."""
    for _ in range(200):
        await pilot.pause(0.02)
        if type(pilot.app.screen).__name__ == name:
            await idle(pilot)
            return
    raise TimeoutError(f"{name} did not open; {type(pilot.app.screen).__name__} is on top")


async def until_footer(pilot, words: str) -> None:
    """Until the footer shows ``words`` (it is drawn again after the focus moves); raises after 4 seconds."""
    for _ in range(200):
        if words in screen_text(pilot.app):
            return
        await pilot.pause(0.02)
    raise TimeoutError(f"the footer does not show {words!r}")


# Keys as the help and the footer name them (Textual's names, the same in every language).
KEY_NAMES = {"space"}


# The folder the tests run from shows in the import screen's file field (a clone in ~/review, say).
FOLDER_WORDS = {w.casefold() for w in re.findall(r"[A-Za-z]{5,}", str(Path(__file__).resolve().parent.parent))}


def no_english(text: str, words: set[str]) -> None:
    assert english_on(text, words - KEY_NAMES - FOLDER_WORDS) == set(), text


def without_settings(text: str, values: dict[str, str]) -> str:
    """The screen's text without the settings' keys, values and the policy syntax (visit:DAGAR, call:once):
    they are the book's contract and stay English (docs/i18n.md)."""
    for key, value in sorted(values.items(), key=lambda kv: -len(kv[0])):
        text = text.replace(key, "")
        if value:
            text = text.replace(value, "")
    return re.sub(r"\b(?:visit|call|none)\b(?::\S*)?|\bfixed\b|\bpareto\b|\bpeers\b|\boff\b", "", text)


# --- the review of estimates --------------------------------------------------------------------------

async def test_the_review_in_swedish(book, tmp_path, swedish) -> None:
    fill_review_book(book)
    words = english_words()
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await idle(pilot)
        await pilot.press("e")
        await until_screen(pilot, "ReviewScreen")
        card = screen_text(app)
        assert "Granska uppskattade potentialer" in card and "1 av 5" in card
        assert "Omsättning" in card and "senaste 12 mån." in card and "Uppskattad" in card
        assert "per år" in card and "Hamnar i" in card and "liknande kunder" in card
        assert " kr" in card and "Bekräfta" in card and "Tillbaka" in card
        no_english(card, words)
        await pilot.press("1", "2", "x", "enter")  # not an amount
        await idle(pilot)
        wrong = screen_text(app)
        assert "är inget belopp" in wrong and "esc avbryter" in wrong and "Din årsbudget för" in wrong
        no_english(wrong, words)
        await pilot.press("escape", "c", *"500", "enter")  # below the last 12 months: asked once more
        await idle(pilot)
        below = screen_text(app)
        assert "är mindre än kunden köpte" in below
        no_english(below, words)
        await pilot.press("enter")
        await idle(pilot)
        saved = screen_text(app)
        assert "Rättad:" in saved and "ctrl+z ångrar" in saved
        no_english(saved, words)
        await pilot.press("ctrl+z")
        await idle(pilot)
        undone = screen_text(app)
        assert "Ångrat: rättelsen av" in undone
        no_english(undone, words)
        for _ in range(5):
            await pilot.press("s")
        await idle(pilot)
        done = screen_text(app)
        assert "Alla uppskattningar granskade" in done and "5 överhoppade" in done and "esc tillbaka" in done
        no_english(done, words)
        await pilot.press("question_mark")
        await until_screen(pilot, "HelpScreen")
        legend = screen_text(app).replace(str(tmp_path), "")
        assert "Varje kunds årsbudget är uppskattad" in legend
        no_english(legend, words)
    assert i18n.missing() == set()


async def test_nothing_to_review_in_swedish(book, tmp_path, swedish) -> None:
    fill_review_book(book)
    book.set_setting("potential.estimate", "off")
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await idle(pilot)
        await pilot.press("e")
        await until_screen(pilot, "ReviewScreen")
        text = screen_text(app)
        assert "Uppskattningar är avstängda" in text
        no_english(text, english_words())
    assert i18n.missing() == set()


def test_review_snapshot_in_swedish(snap_compare, swedish) -> None:
    from textual.app import App

    from segtui.store.book import open_book
    from segtui.ui.review import ReviewScreen

    book = open_book(":memory:")
    fill_review_book(book)

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(ReviewScreen(book, AS_OF))

    async def run_before(pilot) -> None:
        await idle(pilot, final=0.1)
        await pilot.press("s")
        await idle(pilot, final=0.1)

    assert snap_compare(Host(), terminal_size=(100, 30), run_before=run_before)


# --- settings ------------------------------------------------------------------------------------------

async def test_the_settings_in_swedish(book, swedish) -> None:
    from test_ui_settings import Host, help_text

    words = english_words()
    app = Host(book)

    def shown() -> str:
        return without_settings(screen_text(app), book.settings())

    async with app.run_test(size=(120, 36)) as pilot:
        await idle(pilot)
        text = screen_text(app)
        assert "Klasser" in text and "Lojalitet" in text and "inställningar sparade i" in text
        assert "omsättningsklasser efter fasta gränser" in text and "Ändra" in text and "Standard" in text
        assert "abc.a_above" in text and "2000000" in text  # keys and values stay as they are stored
        no_english(shown(), words)
        await pilot.press("down", "enter", *"mycket", "enter")  # abc.a_above: not an amount
        await idle(pilot)
        wrong = shown()
        assert "är inget helt belopp" in wrong
        no_english(wrong, words)
        await pilot.press("home", "ctrl+k", *"100", "enter")  # below abc.b_from
        await idle(pilot)
        assert help_text(app, "abc.a_above") == "abc.b_from får inte vara över abc.a_above"
        no_english(shown(), words)
        await pilot.press("home", "ctrl+k", *"3000000", "enter")
        await idle(pilot)
        assert "Sparat abc.a_above = 3000000" in screen_text(app)
        no_english(shown(), words)
        await pilot.press("end", "enter", *"igår", "enter")  # view.as_of, the last setting
        await idle(pilot)
        day = shown()
        assert "är ingen dag: skriv ÅÅÅÅ-MM-DD" in day
        no_english(day, words)
    assert i18n.missing() == set()


def test_settings_snapshot_in_swedish(snap_compare, swedish) -> None:
    from test_ui_settings import Host

    from segtui.store.book import open_book

    book = open_book(":memory:")
    book.set_setting("abc.a_above", "2500000")

    async def run_before(pilot) -> None:
        await idle(pilot, final=0.1)

    assert snap_compare(Host(book), terminal_size=(120, 36), run_before=run_before)


# --- import ----------------------------------------------------------------------------------------------

def _data():
    from pathlib import Path

    return Path(__file__).resolve().parent / "data"


def _file_words(app, path) -> str:
    """The screen's text without what the file itself holds (its column names and values, as written)."""
    text = screen_text(app).replace(path.name, "")
    raw = path.read_bytes().decode("utf-8", "replace")
    for cell in sorted(set(re.split(r"[;,\t\r\n]", raw)), key=len, reverse=True):
        if len(cell) >= 5:
            text = text.replace(cell, "")
    for field in ("customer_name", "unit_price", "customer", "amount", "quantity", "order", "currency", "country",
                  "city", "date"):  # the fields of an order, as --map names them
        text = text.replace(field, "")
    return text


async def test_the_import_screen_in_swedish(swedish) -> None:
    from test_ui_importer import Host

    from segtui.io.importer import Summary
    from segtui.store.book import open_book
    from segtui.ui.importer import ImportScreen

    words = english_words()
    data = _data()
    book = open_book(":memory:")
    path = data / "orders" / "visma_semicolon_latin1.csv"
    app = Host(book, str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await idle(pilot)
        await until_footer(pilot, "Order/kunder")
        text = screen_text(app)
        assert "Importera order" in text and "Förhandsvisning (första 20 raderna)" in text and "kontroll" in text
        assert "CSV (;-separerad" in text and "inget kundnummer" in text and "Klart: ctrl+r importerar" in text
        assert "kundens nummer i källsystemet (krävs)" in text and "Order/kunder" in text
        no_english(_file_words(app, path), words)
        screen = app.screen
        for broken, said in (("bad_date.csv", "är inget datum (februari 2024 har 29 dagar)"),
                             ("bad_number.csv", "är inget tal"), ("missing_column.csv", "ingen kolumn för datumet"),
                             ("empty.csv", "filen är tom")):
            screen.load_preview(str(data / "broken" / broken), "orders", {})
            await idle(pilot)
            shown = screen_text(app)
            assert said in shown, broken
            no_english(_file_words(app, data / "broken" / broken), words)
        screen.load_preview(str(path), "orders", {})
        await idle(pilot)
        await pilot.press("ctrl+r")
        await idle(pilot)
        proposed = screen_text(app)
        assert "Föreslagna klassgränser, utifrån bokens egen omsättning" in proposed and "ctrl+a godtar" in proposed
        assert "A över 12 000 kr" in proposed
        no_english(_file_words(app, path), words)
        await pilot.press("ctrl+a")
        await idle(pilot)
        assert isinstance(app.result, Summary) and not isinstance(app.screen, ImportScreen)
        said = [str(n.message) for n in app._notifications]
        assert any("Importerat 3 nya order, 2 nya kunder." in m and "Hoppade över 1 rad (inget kundnummer)." in m
                   for m in said), said
        assert any(m.startswith("Klassgränser: A över") for m in said), said
        for message in said:
            no_english(message, words)
    book.close()
    assert i18n.missing() == set()


async def test_the_customer_import_in_swedish(swedish) -> None:
    from test_ui_importer import Host

    from segtui.store.book import open_book

    words = english_words()
    path = _data() / "crm" / "hubspot_companies.csv"
    book = open_book(":memory:")
    app = Host(book, str(path), kind="customers")
    async with app.run_test(size=(120, 36)) as pilot:
        await idle(pilot)
        assert "Importera kunder (en CRM-export)" in screen_text(app) and "ctrl+t för order" in screen_text(app)
        text = _file_words(app, path)
        for field in ("org_number", "industry", "postcode", "address", "owner", "contact", "phone", "email",
                      "budget", "loyalty", "employees", "annual_revenue", "crm_id", "name", "lat", "lon"):
            text = text.replace(field, "")
        no_english(text, words)
    book.close()
    assert i18n.missing() == set()


def _without_fields(text: str) -> str:
    """The screen's text without a customer file's field names (as --map names them, in English)."""
    for field in ("org_number", "industry", "postcode", "address", "owner", "contact", "phone", "email",
                  "budget", "loyalty", "employees", "annual_revenue", "crm_id", "name", "lat", "lon"):
        text = text.replace(field, "")
    return text


def flat(text: str) -> str:
    """The screen's text with every run of spaces and line ends as one space (a status wraps)."""
    return re.sub(r"\s+", " ", text)


async def test_matching_a_customer_file_in_swedish(swedish, tmp_path) -> None:
    from test_ui_import_matching import HUBSPOT, Host, a_book, write

    words = english_words()
    book = a_book(tmp_path)
    path = Path(write(tmp_path, HUBSPOT))
    app = Host(book, str(path))
    async with app.run_test(size=(120, 36)) as pilot:
        await idle(pilot)
        text = flat(screen_text(app))
        assert "Matcha på (ctrl+f): [automatiskt]" in text and "Nya kunder (ctrl+n): [ ] bara när" in text
        assert "K1 · på namn och ort" in text and "K4 · tidigare K5" in text and "ny kund" in text
        assert "ingen träff: inte gissad 2 kunder har samma namn och" in text
        assert "inget CRM-id, organisationsnummer" in text
        no_english(_without_fields(_file_words(app, path)), words)
        strangers = Path(write(tmp_path, [["Record ID", "Company name", "City"], ["1", "Nobody AB", "Kiruna"]],
                               "strangers.csv"))
        app.screen.query_one("#import-path").value = str(strangers)
        await idle(pilot)
        assert "Den första raden är inte någon av bokens 6 kunder (matchat på CRM-id, sedan" in flat(screen_text(app))
        await pilot.press("ctrl+r")
        await idle(pilot)
        refused = flat(screen_text(app))
        assert "Inget importerades: filens rad är inte någon av bokens 6 kunder" in refused
        assert "ctrl+n lägger till raderna som nya kunder" in refused
        no_english(_without_fields(_file_words(app, strangers)), words)
    book.close()
    assert i18n.missing() == set()


def test_import_snapshot_in_swedish(snap_compare, monkeypatch, swedish) -> None:
    from test_snapshots_import import ImportHost

    monkeypatch.chdir(_data())  # a relative path: the same picture in every checkout

    async def loaded(pilot) -> None:
        await idle(pilot, final=0.1)

    assert snap_compare(ImportHost("orders/visma_semicolon_latin1.csv"), terminal_size=(120, 36), run_before=loaded)


# --- the mailing list, the archived customers and the board's dialogs -------------------------------------

@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    from segtui.store.demo import generate

    path = tmp_path_factory.mktemp("sv-side") / "demo.db"
    generate(path, customers=40, today=AS_OF).close()
    return path


def _demo_names(book) -> list[str]:
    """What the demo book holds as typed: names, contacts, towns and addresses stay as they are."""
    rows = [*book.rows("SELECT name, coalesce(city, ''), coalesce(owner, '') FROM customer"),
            *book.rows("SELECT name, coalesce(email, '') FROM contact")]
    return sorted({part for row in rows for value in row for part in str(value).split() if len(part) >= 5},
                  key=len, reverse=True)


def _without(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(name, "")
    return text


async def test_the_mailing_list_in_swedish(demo_path, tmp_path, swedish) -> None:
    from segtui.store.book import open_book

    words = english_words()
    book = open_book(demo_path)
    names = _demo_names(book)
    try:
        app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
        async with app.run_test(size=(140, 40)) as pilot:
            await idle(pilot)
            await pilot.press("w")
            await until_screen(pilot, "PlannerScreen")
            await pilot.press("m")
            await until_screen(pilot, "MailingScreen")
            text = screen_text(app)
            assert "Utskickslista för småttingar · per 23 nov. 2026" in text and "småttingar" in text
            assert "med e-post" in text and "massbehandling" in text and "senast mejlad" in text
            assert "Kopiera adresser" in text and "d noterar utskicket mån 23 nov. 2026" in text
            no_english(_without(text, names), words)
            await pilot.press("c")
            await idle(pilot)
            copied = screen_text(app)
            assert "till urklipp" in copied and "Hemlig kopia" in copied
            no_english(_without(copied, names), words)
            await pilot.press("d")
            await idle(pilot)
            marked = screen_text(app)
            assert "Noterade utskicket mån 23 nov. för" in marked and "ctrl+z tar tillbaka det" in marked
            no_english(_without(marked, names), words)
            await pilot.press("ctrl+z")
            await idle(pilot)
            undone = screen_text(app)
            assert "Tog tillbaka utskicket till" in undone and "kunder" in undone
            no_english(_without(undone, names), words)
            await pilot.press("e")
            await until_screen(pilot, "FormScreen")
            form = screen_text(app).replace(str(tmp_path), "")
            assert "Exportera utskickslistan (6 kunder) till CSV eller Excel" in form and "Fil" in form
            no_english(_without(form, names).replace("customer, name, contact, email, city", ""), words)
            await pilot.press("escape")
            await until_screen(pilot, "MailingScreen")
            await pilot.press("question_mark")
            await until_screen(pilot, "HelpScreen")
            legend = str(app.screen.query_one(".legend").render())
            assert legend.startswith("Vilka som står på listan")
            no_english(legend, words)
            no_english(screen_text(app).replace(str(tmp_path), ""), words)
    finally:
        book.close()
    assert i18n.missing() == set()


def test_mailing_snapshot_in_swedish(snap_compare, demo_path, swedish) -> None:
    from textual.app import App

    from segtui.store.book import open_book
    from segtui.ui.mailing import MailingScreen

    book = open_book(demo_path)

    class Host(App):
        TITLE = "segtui"

        def on_mount(self) -> None:
            self.push_screen(MailingScreen(book, AS_OF))

    async def run_before(pilot) -> None:
        await idle(pilot, final=0.1)

    try:
        assert snap_compare(Host(), terminal_size=(140, 30), run_before=run_before)
    finally:
        book.close()


def _archived_book():
    from books import add_customer

    from segtui.store.book import open_book
    from segtui.store.records import set_archived

    book = open_book(":memory:")
    for n, (name, city) in enumerate((("Vikmekaniska AB", "Umeå"), ("Solplast A/S", "Odense"))):
        set_archived(book, add_customer(book, f"K{n + 1}", name, city=city), True)
    return book


async def test_the_archived_customers_in_swedish(tmp_path, swedish) -> None:
    words = english_words()
    book = _archived_book()
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await idle(pilot)
        await pilot.press("A")
        await until_screen(pilot, "ArchivedScreen")
        text = screen_text(app)
        assert "Arkiverade kunder — enter öppna" in text and "Solplast A/S" in text and "Återställ" in text
        no_english(text, words)
        await pilot.press("r")
        await idle(pilot)
        restored = screen_text(app)
        assert "Återställde Solplast A/S till tavlan · ctrl+z ångrar" in restored
        no_english(restored, words)
        await pilot.press("ctrl+z")
        await idle(pilot)
        assert "Ångrat: återställningen" in screen_text(app)
        await pilot.press("ctrl+z")
        await idle(pilot)
        assert "Inget att ångra här" in screen_text(app)
        await pilot.press("question_mark")
        await until_screen(pilot, "HelpScreen")
        keys = screen_text(app).replace(str(tmp_path), "")
        assert "Bland de arkiverade kunderna" in keys
        no_english(keys, words)
    book.close()
    assert i18n.missing() == set()


def test_archived_snapshot_in_swedish(snap_compare, swedish) -> None:
    from textual.app import App

    from segtui.ui.archived import ArchivedScreen

    book = _archived_book()

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(ArchivedScreen(book, AS_OF))

    async def run_before(pilot) -> None:
        await idle(pilot, final=0.1)

    assert snap_compare(Host(), terminal_size=(100, 12), run_before=run_before)


async def test_the_boards_lists_and_dialogs_in_swedish(demo_path, tmp_path, swedish) -> None:
    """A quadrant's customer list, its column titles and help, the filter and the as-of dialogs."""
    from segtui.store.book import open_book

    words = english_words()
    book = open_book(demo_path)
    names = _demo_names(book)
    try:
        app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
        async with app.run_test(size=(120, 36)) as pilot:
            for _ in range(200):
                await idle(pilot)
                if app.board.loaded:
                    break
            board = screen_text(app)
            assert "kund" in board and "oms." in board and "lojal" in board and "kontakt" in board
            no_english(_without(board, names), words)
            await pilot.press("f")
            await until_screen(pilot, "FilterScreen")
            dialog = screen_text(app)
            assert "Filtrera tavlan" in dialog and "Oms.klass" in dialog and "På väg bort" in dialog and "minskande" in dialog
            assert "mellanslag eller enter kryssar i ett värde" in dialog
            no_english(_without(dialog, names), words)
            await pilot.press("escape")
            await until_screen(pilot, "BoardScreen")
            await pilot.press("d")
            await until_screen(pilot, "AsOfScreen")
            await pilot.press("ctrl+a", "ctrl+k", *"igår", "enter")
            await pilot.pause()
            as_of = screen_text(app)
            assert "Visa boken per" in as_of and "'igår' är ingen dag (ÅÅÅÅ-MM-DD)" in as_of
            no_english(_without(as_of, names), words)
            await pilot.press("escape")
    finally:
        book.close()
    assert i18n.missing() == set()


def test_filter_dialog_snapshot_in_swedish(snap_compare, demo_path, swedish) -> None:
    from test_i18n_screens import make_app, wait_for_board

    async def run_before(pilot) -> None:
        await wait_for_board(pilot)
        await pilot.press("f")
        await until_screen(pilot, "FilterScreen")

    assert snap_compare(make_app(demo_path), terminal_size=(120, 36), run_before=run_before)
