"""The render rule (docs/safety.md): text from the book or a file never reaches the
terminal as a control — no ESC, no other C0 or C1 control, no bidi override — on any
screen or in any table of the command line; exports keep the text as it is."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from books import add_assessment, add_contact, add_customer, add_order, planner_host, settle
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from rich.text import Text
from textual.content import Content

from segtui.domain.display import HOSTILE, REPLACEMENT, shown, shown_same_length
from segtui.ui.display import safe

AS_OF = dt.date(2026, 11, 23)

# What an imported file can carry: a clipboard write (OSC 52), a window title, a link to
# anywhere, an erased screen by C1 CSI, a beep, a right-to-left override and isolate.
CLIPBOARD = "\x1b]52;c;cm0gLXJmIH4=\x07"
TITLE = "\x1b]0;pwned\x07"
LINK = "\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x1b\\"
ERASE = "\x9b2J\x9bH"
NAMES = [
    f"Acme{CLIPBOARD} AB",
    f"{TITLE}Berg Bygg",
    f"Cedervall {LINK}",
    f"Dahl{ERASE} & Son",
    "Ek\u202efdp.exe\u202c Handel\x07",
]
FORBIDDEN = set(HOSTILE)


def painted(app) -> str:
    """Every character the screen (with its notifications) would send to the terminal as text."""
    update = app.screen._compositor.render_full_update()
    return "".join(segment.text for line in update.strips for strip in line for segment in strip)


def assert_clean(text: str) -> None:
    found = sorted({f"U+{ord(c):04X}" for c in text if c in FORBIDDEN})
    assert found == []


# --- the rule ------------------------------------------------------------------------

@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from(sorted(FORBIDDEN | {"\r", "\n", "\t"}))))
def test_no_output_of_the_rule_holds_a_control(text: str) -> None:
    assert not FORBIDDEN & set(shown(text))
    same = shown_same_length(text)
    assert not FORBIDDEN & set(same) and len(same) == len(text)
    assert shown(shown(text)) == shown(text)


ORDINARY = st.text(alphabet=st.characters(exclude_characters=sorted(FORBIDDEN), codec="utf-8"))


@given(ORDINARY)
def test_text_without_controls_is_shown_as_written(text: str) -> None:
    assert "\r" not in text or shown(text) != text  # only a carriage return changes (it is a line break)
    if "\r" not in text:
        assert shown(text) == text
        assert shown_same_length(text) == text


@pytest.mark.parametrize("text", [
    "Åkesson & Söner AB", "Øresund Værktøj ApS", "Ähtäri Oy", "Þórsson ehf", "Jyväskylän Puu",
    "👍 bra möte", "👨‍👩‍👧 familjeföretag", "🇸🇪🇳🇴🇫🇮", "❤️ kund", "👋🏽 hej", "Zero\u200bwidth",
    "Line one\nline two", "שלום", "مرحبا",
])
def test_nordic_text_and_emoji_are_unchanged(text: str) -> None:
    assert shown(text) == text
    assert safe(Text(text)).plain == text


def test_each_control_becomes_the_replacement_character() -> None:
    assert shown(f"a{CLIPBOARD}b") == f"a{REPLACEMENT}]52;c;cm0gLXJmIH4={REPLACEMENT}b"
    assert shown("x\x9b2Jy") == f"x{REPLACEMENT}2Jy"
    assert shown("r\u202ekcab\u202c \u2066i\u2069") == f"r{REPLACEMENT}kcab{REPLACEMENT} {REPLACEMENT}i{REPLACEMENT}"
    assert shown("\x00\x7f\u0085\u200e") == REPLACEMENT * 4
    assert shown("tab\there") == "tab here"
    assert shown("one\r\ntwo\rthree") == "one\ntwo\nthree"
    assert shown("bad \udcff name") == f"bad {REPLACEMENT} name"


def test_styles_stay_where_they_were() -> None:
    text = Text.assemble(("Acme\x1b[31m", "bold"), " · ", ("Berg", "italic"))
    clean = safe(text)
    assert clean.plain == f"Acme{REPLACEMENT}[31m · Berg"
    assert [(s.start, s.end, str(s.style)) for s in clean.spans] == [
        (s.start, s.end, str(s.style)) for s in text.spans]
    assert text.plain.startswith("Acme\x1b")  # the original is not changed
    content = safe(Content.from_markup("[b]$name[/b] x", name="Dahl\x9b2J"))
    assert content.plain == f"Dahl{REPLACEMENT}2J x"
    assert content.spans and content.spans[0].end == len("Dahl\x9b2J")


# --- the screens ---------------------------------------------------------------------

def hostile_book(book) -> list[int]:
    ids = []
    for n, name in enumerate(NAMES):
        cid = add_customer(book, f"K{n}", name, city=f"Malmö{TITLE}", owner=f"Anna{ERASE}")
        add_order(book, cid, "2026-10-01", 100_000 + n * 50_000, ref=f"F{n}")
        add_order(book, cid, "2026-06-01", 80_000, ref=f"G{n}")
        add_assessment(book, cid, "2026-01-15", 1_000_000 if n % 2 else 200_000)
        add_contact(book, cid, f"Ole{CLIPBOARD}", email="ole@example.com", primary=True)
        ids.append(cid)
    with book.transaction() as conn:
        for cid in ids:
            conn.execute("INSERT INTO activity (customer_id, date, kind, outcome, note) VALUES (?, '2026-11-02', "
                         "'visit', ?, ?)", (cid, f"Offer{LINK}", f"Walked{ERASE} the line"))
            conn.execute("INSERT INTO competitor_contract (customer_id, competitor, ends_on) VALUES (?, ?, "
                         "'2026-12-20')", (cid, f"Bufab{TITLE}"))
    return ids


async def test_the_board_and_the_customer_screen_show_no_controls(book, tmp_path) -> None:
    from segtui.ui.app import SegtuiApp

    ids = hostile_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        for _ in range(200):
            await pilot.pause()
            if app.board.loaded and not app.workers:
                break
        for key in ("1", "2", "3", "4", "5"):
            await pilot.press(key)
            await pilot.pause()
            screen = painted(app)
            assert_clean(screen)
        assert "Acme" in screen or "Berg" in screen or "Dahl" in screen or "Cedervall" in screen or "Ek" in screen
        app.notify(f"Moved {NAMES[0]}", title=TITLE)
        await pilot.pause()
        assert_clean(painted(app))
        assert app.board.select_customer(ids[0])
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is not app.board
        text = painted(app)
        assert REPLACEMENT in text  # the customer's name, shown with its controls replaced
        assert_clean(text)
        for tab in ("2", "3", "4"):
            await pilot.press(tab)
            await settle(pilot)
            assert_clean(painted(app))


async def test_the_planner_and_the_mailing_list_show_no_controls(book) -> None:
    hostile_book(book)
    app = planner_host(book, AS_OF)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        text = painted(app)
        assert REPLACEMENT in text
        assert_clean(text)
        await pilot.press("m")
        await settle(pilot)
        assert_clean(painted(app))


async def test_the_review_shows_no_controls(book, tmp_path) -> None:
    from segtui.ui.review import ReviewScreen
    from textual.app import App

    book.set_setting("potential.min_peers", "3")
    for n, name in enumerate(NAMES):
        cid = add_customer(book, f"K{n}", name, city=f"Malmö{TITLE}")
        for k, day in enumerate(("2025-02-10", "2025-08-10", "2026-02-10", "2026-08-10")):
            add_order(book, cid, day, 40_000 * (n + 1), ref=f"F{n}-{k}")

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(ReviewScreen(book, AS_OF))

    app = Host()
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        text = painted(app)
        assert REPLACEMENT in text  # the first customer's card
        assert_clean(text)
        await pilot.press("1")  # the budget input opens, named for the customer
        await settle(pilot)
        assert_clean(painted(app))


# --- the command line ----------------------------------------------------------------

def test_cli_tables_show_no_controls_and_exports_keep_the_text(tmp_path) -> None:
    from segtui.cli import main
    from segtui.store.book import open_book

    path = tmp_path / "book.db"
    opened = open_book(str(path))
    hostile_book(opened)
    opened.close()
    runner = CliRunner()
    for args in (["segments", str(path), "--as-of", AS_OF.isoformat()],
                 ["plan", str(path), "--as-of", AS_OF.isoformat()],
                 ["plan", str(path), "--mailing", "--as-of", AS_OF.isoformat()],
                 ["duplicates", str(path), "--as-of", AS_OF.isoformat()]):
        result = runner.invoke(main, args)
        assert result.exit_code == 0, result.output
        assert_clean(result.output)
    table = runner.invoke(main, ["segments", str(path), "--as-of", AS_OF.isoformat()]).output
    assert f"Acme{REPLACEMENT}]52;c;" in table
    exported = runner.invoke(main, ["segments", str(path), "--as-of", AS_OF.isoformat(), "--format", "json"]).output
    assert NAMES[0] in {r["name"] for r in json.loads(exported)}
