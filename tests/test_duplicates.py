"""Duplicates: which customers look like one company, and merging them with undo (docs/duplicates.md)."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from books import add_assessment, add_customer, add_order
from hypothesis import HealthCheck, given, settings, strategies as st

from segtui.domain.duplicates import Candidate, duplicate_groups
from segtui.store.book import BookError, open_book
from segtui.store.customers import EditLog
from segtui.store.duplicates import MOVED, ONE_PER, find_duplicates, last_merge, merge_customers, undo_merge

TODAY = dt.date(2026, 11, 23)


def test_same_org_number_or_same_name_and_town() -> None:
    people = [
        Candidate(1, "Acme AB", "Norrköping", None),
        Candidate(2, "ACME Aktiebolag", " NORRKÖPING ", None),
        Candidate(3, "Acme AB", "Linköping", None),           # another town: another firm
        Candidate(4, "Berg & Son", None, "556677-8899"),
        Candidate(5, "Bergs Trä", "Umeå", "5566778899"),       # same org number, other name
        Candidate(6, "Nilssons", None, None),                  # a name without a town matches nothing
        Candidate(7, "Nilssons", None, None),
        Candidate(8, "Bergs Trä HB", "umeå", None),            # joins 4 and 5 through 5's name and town
    ]
    assert duplicate_groups(people) == [[1, 2], [4, 5, 8]]


def test_the_legal_form_alone_is_not_a_name() -> None:
    assert duplicate_groups([Candidate(1, "AB", "Ystad", None), Candidate(2, "Aktiebolag", "Ystad", None)]) == []


def _two(book):
    keep = add_customer(book, source_id="K1", name="Acme AB", city="Norrköping")
    other = add_customer(book, source_id="K2", name="ACME Aktiebolag", city="norrköping")
    add_order(book, keep, "2026-01-10", 1000, "F1")
    add_order(book, other, "2026-02-10", 500, "F2")
    add_order(book, other, "2020-02-10", 700, "F3")  # outside the 24 months
    return keep, other


def dump(book) -> dict[str, list]:
    tables = [r[0] for r in book.rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: sorted(map(tuple, book.rows(f'SELECT rowid, * FROM "{t}"')), key=repr) for t in tables}


def test_the_list_shows_both_with_orders_and_revenue(book) -> None:
    keep, other = _two(book)
    [group] = find_duplicates(book, TODAY)
    assert group.why == ("name and town",)
    assert [(m.source_id, m.orders, m.revenue) for m in group.members] == [("K1", 1, 100_000), ("K2", 2, 50_000)]


def test_merge_moves_everything_and_undo_restores_both(book) -> None:
    keep, other = _two(book)
    add_assessment(book, other, "2026-03-01", 5000)
    with book.transaction() as conn:
        conn.execute("INSERT INTO checklist_answer (customer_id, question_key, answer, date) VALUES (?, 'q', 'no', '2026-01-01')", (keep,))
        conn.execute("INSERT INTO checklist_answer (customer_id, question_key, answer, date) VALUES (?, 'q', 'yes', '2026-05-01')", (other,))
        conn.execute("INSERT INTO note (customer_id, date, text) VALUES (?, '2026-04-01', 'call back')", (other,))
        conn.execute("UPDATE customer SET org_number = '556677-8899' WHERE id = ?", (other,))
    before = dump(book)
    undo = merge_customers(book, keep, other, TODAY)
    assert book.scalar("SELECT count(*) FROM customer") == 1
    assert book.scalar('SELECT count(*) FROM "order" WHERE customer_id = ?', (keep,)) == 3
    assert book.scalar("SELECT answer FROM checklist_answer WHERE customer_id = ?", (keep,)) == "yes"  # the newer
    assert book.scalar("SELECT org_number FROM customer WHERE id = ?", (keep,)) == "556677-8899"
    assert book.scalar("SELECT customer_id FROM customer_alias WHERE source_id = 'K2'") == keep
    assert find_duplicates(book, TODAY) == []
    log = EditLog(book)
    log.record(undo)
    log.undo()
    assert dump(book) == before


def test_the_cli_undo_reads_the_merge_from_the_book(book) -> None:
    keep, other = _two(book)
    before = dump(book)
    merge_customers(book, keep, other, TODAY)
    source, kept, undo = last_merge(book)
    assert (source, kept) == ("K2", keep)
    undo_merge(book, undo)
    assert dump(book) == before
    assert last_merge(book) is None


def test_same_order_twice_is_refused_and_nothing_changes(book) -> None:
    keep, other = _two(book)
    add_order(book, other, "2026-01-10", 1000, "F1")
    before = dump(book)
    with pytest.raises(BookError, match="order F1"):
        merge_customers(book, keep, other, TODAY)
    assert dump(book) == before


def test_a_synced_book_merges_and_undoes_until_a_sync_takes_the_merge(book) -> None:
    keep, other = _two(book)
    with book.transaction() as conn:
        conn.execute("INSERT INTO team_state (key, value) VALUES ('book', 'b1')")
    before = dump(book)
    undo = merge_customers(book, keep, other, TODAY)
    assert book.scalar("SELECT count(*) FROM customer") == 1
    undo_merge(book, undo)  # no sync has taken it: it is this book's alone
    assert dump(book) == before
    undo = merge_customers(book, keep, other, TODAY)
    with book.transaction() as conn:  # what a sync does first: the merge gets its team id
        conn.execute("UPDATE customer_alias SET uid = source_id")
    with pytest.raises(BookError, match="K2 was merged into K1 and the merge has reached the team book"):
        undo_merge(book, undo)
    assert book.scalar("SELECT count(*) FROM customer") == 1


def test_every_table_that_points_at_a_customer_is_merged(book) -> None:
    pointing = {
        t for (t,) in book.rows("SELECT name FROM sqlite_master WHERE type = 'table'")
        if any(fk[2] == "customer" for fk in book.rows(f'PRAGMA foreign_key_list("{t}")'))
    }
    assert pointing == {*MOVED, *(t for t, _, _ in ONE_PER), "customer_alias"}


def test_a_merged_customer_id_is_not_brought_back_by_an_import(tmp_path) -> None:
    from segtui.io.importer import import_orders, parse_map_options

    path = tmp_path / "book.db"
    opened = open_book(path)
    keep, other = _two(opened)
    merge_customers(opened, keep, other, TODAY)
    assert list(tmp_path.glob("book.db.*.bak")), "a safety copy before the merge"
    orders = tmp_path / "orders.csv"
    orders.write_text("customer,date,amount,order\nK2,2026-02-10,500,F2\nK2,2026-06-01,300,F9\n")
    import_orders(opened, str(orders), parse_map_options(()), today=TODAY)
    assert opened.rows("SELECT source_id FROM customer") == [("K1",)]
    assert opened.scalar('SELECT count(*) FROM "order" WHERE customer_id = ?', (keep,)) == 4


# --- the property: nothing lost, nothing doubled, undo exact -------------------------------------

DAYS = st.sampled_from(["2025-01-05", "2025-06-01", "2026-03-03", "2026-11-01"])
customer_rows = st.fixed_dictionaries({
    "orders": st.lists(st.tuples(DAYS, st.integers(-50, 500), st.one_of(st.none(), st.sampled_from("ABC"))),
                       max_size=4),
    "activities": st.lists(st.tuples(DAYS, st.sampled_from(["visit", "call", "mail"])), max_size=3),
    "assessments": st.lists(DAYS, max_size=2),
    "notes": st.lists(DAYS, max_size=2),
    "answers": st.dictionaries(st.sampled_from(["q1", "q2"]), DAYS, max_size=2),
})


def _fill(book, source_id: str, rows: dict) -> int:
    cid = add_customer(book, source_id=source_id, name="Acme AB", city="Ystad")
    with book.transaction() as conn:
        for day, amount, ref in rows["orders"]:
            conn.execute(
                'INSERT OR IGNORE INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (?, ?, ?, ?, ?)',
                (cid, ref, ref or f"d:{day}", day, amount * 100),
            )
        for day, kind in rows["activities"]:
            conn.execute("INSERT INTO activity (customer_id, date, kind) VALUES (?, ?, ?)", (cid, day, kind))
        for day in rows["assessments"]:
            conn.execute("INSERT INTO assessment (customer_id, date, budget_per_year) VALUES (?, ?, 100)", (cid, day))
        for day in rows["notes"]:
            conn.execute("INSERT INTO note (customer_id, date, text) VALUES (?, ?, ?)", (cid, day, source_id + day))
        for q, day in rows["answers"].items():
            conn.execute("INSERT INTO checklist_answer (customer_id, question_key, answer, date) VALUES (?, ?, 'yes', ?)",
                         (cid, q, day))
    return cid


def _multiset(book, table: str, columns: str) -> Counter:
    return Counter(book.rows(f'SELECT {columns} FROM "{table}"'))


CONTENT = {"order": "order_ref, order_key, date, amount", "activity": "date, kind", "assessment": "date, budget_per_year",
           "note": "date, text"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(a=customer_rows, b=customer_rows)
def test_merge_loses_and_doubles_nothing_and_undo_restores_both(a, b) -> None:
    book = open_book(":memory:")
    keep, other = _fill(book, "K1", a), _fill(book, "K2", b)
    before = dump(book)
    contents = {t: _multiset(book, t, c) for t, c in CONTENT.items()}
    revenue = book.scalar('SELECT coalesce(sum(amount), 0) FROM "order"')
    try:
        undo = merge_customers(book, keep, other, TODAY)
    except BookError as error:
        assert "cannot be merged" in str(error)
        assert dump(book) == before
        return
    assert {t: _multiset(book, t, c) for t, c in CONTENT.items()} == contents
    assert book.rows('SELECT DISTINCT customer_id FROM "order"') in ([], [(keep,)])
    assert book.scalar('SELECT coalesce(sum(amount), 0) FROM "order" WHERE customer_id = ?', (keep,)) == revenue
    answers = dict(book.rows("SELECT question_key, date FROM checklist_answer WHERE customer_id = ?", (keep,)))
    for q in {*a["answers"], *b["answers"]}:
        assert answers[q] == max(d for d in (a["answers"].get(q), b["answers"].get(q)) if d)
    stored = json.loads(book.scalar("SELECT undo FROM customer_alias"))
    assert len(stored) == len(undo.statements)
    undo_merge(book, undo)
    assert dump(book) == before


def test_the_cli_lists_merges_and_undoes(tmp_path) -> None:
    from click.testing import CliRunner

    from segtui.cli import main

    path = tmp_path / "book.db"
    opened = open_book(path)
    _two(opened)
    before = dump(opened)
    opened.close()
    run = CliRunner()
    listed = run.invoke(main, ["duplicates", str(path), "--format", "json", "--as-of", "2026-11-23"])
    assert listed.exit_code == 0, listed.output
    [group] = json.loads(listed.output)
    assert [(c["source_id"], c["orders"], c["revenue_24m"]) for c in group["customers"]] == [("K1", 1, 1000), ("K2", 2, 500)]
    refused = run.invoke(main, ["duplicates", str(path), "--merge", "K1", "K2"], input="n\n")
    assert refused.exit_code != 0 and "nothing was merged" in refused.output
    merged = run.invoke(main, ["duplicates", str(path), "--merge", "K1", "K2", "--yes"])
    assert merged.exit_code == 0 and "Merged K2 into K1" in merged.output
    assert "No duplicates" in run.invoke(main, ["duplicates", str(path)]).output
    assert run.invoke(main, ["duplicates", str(path), "--undo"]).exit_code == 0
    reopened = open_book(path)
    assert dump(reopened) == before
