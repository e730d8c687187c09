"""User text reaches SQL only as parameters: nasty text round-trips through every
place people type, and no SQL in the code is built from values by formatting."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "segtui"

NASTY = [
    "O'Brien & Söner",
    'Robert"); DROP TABLE customer;--',
    "'; DELETE FROM \"order\"; --",
    "100% natural",
    "under_score",
    "%",
    "_",
    "%_%\\",
    "a\x00b",
    "\x00",
    "tab\there\nnewline\r\n",
    "emoji 😀 åäö ÆØ ß",
    "?", ":name", "@p", "$1",
    "' OR '1'='1",
    "x" * 100_000,
    "",
    " ",
]

SQL_WORDS = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE|WHERE|VALUES|FROM|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK|CREATE|ALTER|DROP|LIKE|ORDER BY)\b")
MARKER = "sql-safe:"


def formatted_sql(path: Path) -> list[str]:
    """SQL text built with f-strings, % or .format() from values, without a
    ``# sql-safe: <why>`` note on the line (or the line above)."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    offences = []

    def marked(node: ast.AST) -> bool:
        first = max(node.lineno - 2, 0)
        return any(MARKER in line for line in lines[first : node.end_lineno])

    for node in ast.walk(ast.parse(source)):
        text = None
        if isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) for v in node.values):
            text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Constant):
            text = node.left.value if isinstance(node.left.value, str) else None
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "format"
            and isinstance(node.func.value, ast.Constant)
            and isinstance(node.func.value.value, str)
        ):
            text = node.func.value.value
        if text and SQL_WORDS.search(text) and not marked(node):
            offences.append(f"{path.relative_to(SRC.parent)}:{node.lineno}: {lines[node.lineno - 1].strip()}")
    return offences


def test_no_sql_is_formatted_from_values() -> None:
    offences = [o for path in sorted(SRC.rglob("*.py")) for o in formatted_sql(path)]
    assert offences == [], (
        "SQL built by formatting: pass values as ? parameters; if only fixed names or numbers "
        "from the code are formatted in, say so with a '# sql-safe: <why>' comment"
    )


def test_the_check_finds_formatted_sql(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(f"{__name__}.SRC", tmp_path)
    bad = tmp_path / "bad.py"
    bad.write_text(
        "def find(conn, name):\n"
        "    conn.execute(f\"SELECT * FROM customer WHERE name = '{name}'\")\n"
        "    conn.execute(\"SELECT * FROM customer WHERE name = '%s'\" % name)\n"
        "    conn.execute(\"DELETE FROM customer WHERE name = '{}'\".format(name))\n"
        "    conn.execute(f'SELECT count(*) FROM \"{name}\"')  # sql-safe: table names from the code\n"
        "    conn.execute('SELECT * FROM customer WHERE name = ?', (name,))\n"
        "    print(f'{name} is WHERE we are')\n"
    )
    assert [o.split(":")[1] for o in formatted_sql(bad)] == ["2", "3", "4", "7"]


# --- nasty text round-trips ----------------------------------------------------------


@pytest.mark.parametrize("text", NASTY, ids=lambda t: repr(t[:20]))
def test_nasty_text_round_trips_through_the_book(book, text: str) -> None:
    with book.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO customer (source_id, name, city, created) VALUES (?, ?, ?, '2026-01-01')",
            (f"id {text}", text, text),
        )
        customer = cur.lastrowid
        conn.execute(
            "INSERT INTO activity (customer_id, date, kind, note) VALUES (?, '2026-11-23', 'call', ?)", (customer, text)
        )
        conn.execute(
            "INSERT INTO checklist_answer (customer_id, question_key, answer, note, date) "
            "VALUES (?, 'services', 'yes', ?, '2026-11-23')",
            (customer, text),
        )
    assert book.scalar("SELECT name FROM customer WHERE id = ?", (customer,)) == text
    assert book.scalar("SELECT source_id FROM customer WHERE id = ?", (customer,)) == f"id {text}"
    assert book.scalar("SELECT note FROM activity WHERE customer_id = ?", (customer,)) == text
    assert book.scalar("SELECT note FROM checklist_answer WHERE customer_id = ?", (customer,)) == text
    assert book.scalar("SELECT count(*) FROM customer") == 1
    assert {r[0] for r in book.query("SELECT name FROM sqlite_master WHERE type = 'table'")} >= {"customer", "order"}


@pytest.mark.parametrize("text", ["O'Brien", "Robert'); DROP TABLE setting;--", "100%", "x" * 10_000, "a\x00b"])
def test_nasty_text_as_a_setting_is_refused_or_kept(book, text: str) -> None:
    from segtui.domain.settings import SettingError

    for key in ("abc.mode", "abc.a_above", "currency"):
        try:
            stored = book.set_setting(key, text)
        except SettingError:
            continue
        assert book.settings()[key] == stored
    assert book.scalar("SELECT count(*) FROM setting") > 0


# --- the board's search ------------------------------------------------------------


def test_nasty_searches_on_the_board_find_exactly_what_they_say(book, as_of) -> None:
    from segtui.store.board import board_rows
    from segtui.ui.board import BoardView

    names = [t for t in NASTY if t.strip()]
    with book.transaction() as conn:
        for n, name in enumerate(names):
            conn.execute(
                "INSERT INTO customer (source_id, name, city, created) VALUES (?, ?, 'Umeå', '2026-01-01')",
                (f"S{n}", name),
            )
    rows = board_rows(book, as_of)
    assert len(rows) == len(names)
    for needle in names + ["%%", "__", "' OR 1=1 --", "\x00", "x" * 200_000]:
        found = {r.customer.name for panel in BoardView(search=needle).apply(rows).values() for r in panel}
        wanted = needle.strip().casefold()
        assert found == {name for name in names if wanted in name.casefold() or wanted in "umeå"}, repr(needle[:20])
    assert book.scalar("SELECT count(*) FROM customer") == len(names)


@pytest.mark.parametrize("typed", ["'; DROP TABLE customer;--", "100%", "_", "[b]x[/b", "[red]", "\\", "x" * 300])
async def test_typing_nasty_text_into_the_board_search(book, as_of, tmp_path, typed: str) -> None:
    from board_books import fill_small_book

    from segtui.ui.app import SegtuiApp

    fill_small_book(book)
    with book.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('P1', ?, '2026-01-01')", (f"A {typed} B",))
    app = SegtuiApp(book, as_of=as_of, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):
            await pilot.pause()
            if app.board.loaded and not app.workers:
                break
        await pilot.press("slash")
        search = app.focused
        search.value = typed  # as if typed (pilot.press cannot type every character)
        await pilot.press("enter")
        await pilot.pause()
        visible = {r.customer.name for cl in app.board.lists for r in cl.rows}
        assert visible == {f"A {typed} B"}
        await pilot.press("escape")
        await pilot.pause()
        assert app.is_running
    assert book.scalar("SELECT count(*) FROM customer") == 8


# --- the customer screen's notes (store.customers) ----------------------------------

NOTES = [t for t in NASTY if t.strip() and len(t) <= 2000 and not any(ord(c) < 32 and c not in "\n\t" for c in t)]


@pytest.mark.parametrize("text", NOTES, ids=lambda t: repr(t[:20]))
def test_nasty_notes_round_trip_through_the_customer_screen_store(book, as_of, text: str) -> None:
    from segtui.store import customers

    with book.transaction() as conn:
        customer = conn.execute(
            "INSERT INTO customer (source_id, name, created) VALUES ('K1', 'Ekbyggen AB', '2026-01-01')"
        ).lastrowid
    customers.add_activity(book, customer, as_of, "call", outcome=text[:200], note=text)
    customers.set_checklist_answer(book, customer, "services", as_of, "yes", note=text)
    customers.add_assessment(book, customer, as_of, 100_000_00, None, who=text[:200], note=text)
    customers.add_competitor_contract(book, customer, text[:200], "2027-01-15", note=text)
    customers.set_qualification(book, customer, as_of, True, False, None, parked_reason=text)
    record = customers.load_customer(book, customer, as_of)
    expected = text.strip()
    assert [a.note for a in record.activities] == [expected]
    assert [a.outcome for a in record.activities] == [text[:200].strip()]
    assert {k: a.note for k, a in record.answers.items()} == {"services": expected}
    assert [a.note for a in record.assessments] == [expected]
    assert [c.competitor for c in record.contracts] == [text[:200].strip()]
    assert record.qualification.parked_reason == expected
    assert book.scalar("SELECT count(*) FROM customer") == 1


@pytest.mark.parametrize("text", ["a\x00b", "x" * 2001, "\x1b[31mred"])
def test_notes_that_cannot_be_kept_are_refused_and_nothing_is_saved(book, as_of, text: str) -> None:
    from segtui.domain.customer import InputError
    from segtui.store import customers

    with book.transaction() as conn:
        customer = conn.execute(
            "INSERT INTO customer (source_id, name, created) VALUES ('K1', 'Ekbyggen AB', '2026-01-01')"
        ).lastrowid
    with pytest.raises(InputError):
        customers.add_activity(book, customer, as_of, "call", note=text)
    assert book.scalar("SELECT count(*) FROM activity") == 0
