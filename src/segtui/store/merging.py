"""Moving one customer's rows onto another: what a merge does to the rows (docs/duplicates.md).

Two writers use it: the rep's own merge (:mod:`segtui.store.duplicates`, which adds the
safety copy, the master fields and the undo) and every book of a team that applies a
merge another rep made (:mod:`segtui.store.identity`, docs/team.md "Merged duplicates").
Both keep the same row where the two customers have one row each, so a merge ends the
same in every book.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Sequence

Statement = tuple[str, Sequence[Any]]

#: Tables whose rows belong to one customer and simply move.
MOVED = ("contact", "order", "assessment", "competitor_contract", "activity", "plan_item", "note")
#: Tables with one row per customer (and question): (table, key columns besides the customer, date column).
ONE_PER = (
    ("checklist_answer", ("question_key",), "date"),
    ("qualification", (), "date"),
    ("buying_behaviour", (), "date"),
    ("place", (), None),
)
ONE_PER_KEYS = {table: (keys, date) for table, keys, date in ONE_PER}
#: Where a place came from that makes it someone's knowledge (it travels to the team book).
KNOWN_PLACES = ("imported", "typed")


def theirs_kept(table: str, mine: dict[str, Any], theirs: dict[str, Any]) -> bool:
    """Where both customers have the one row (``mine``: the kept customer's), whether the
    other's is kept: the later date (the kept customer's on equal dates); for the place, the
    kept customer's unless only the other's was typed or imported (one found from the town
    is found again from the kept customer's town)."""
    _keys, date = ONE_PER_KEYS[table]
    if date is None:
        return theirs.get("source") in KNOWN_PLACES and mine.get("source") not in KNOWN_PLACES
    return str(theirs.get(date) or "") > str(mine.get(date) or "")


def columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]  # sql-safe: table names are ours


def same_orders(conn: sqlite3.Connection, keep: int, other: int) -> list[tuple[str, str, int]]:
    """The orders both customers have: ('order', its number, the other's row) or ('day', the day of
    one without number, the other's row) — the book keeps an order once per customer."""
    clashes = [
        ("order", r[0], r[1])
        for r in conn.execute(
            'SELECT o.order_ref, o.rowid FROM "order" o JOIN "order" k ON k.customer_id = ? '
            "AND k.order_ref = o.order_ref WHERE o.customer_id = ? AND o.order_ref IS NOT NULL",
            (keep, other),
        )
    ]
    clashes += [
        ("day", r[0], r[1])
        for r in conn.execute(
            'SELECT o.date, o.rowid FROM "order" o JOIN "order" k ON k.customer_id = ? AND k.order_ref IS NULL '
            "AND k.date = o.date AND k.amount = o.amount WHERE o.customer_id = ? AND o.order_ref IS NULL",
            (keep, other),
        )
    ]
    return clashes


def move_rows(conn: sqlite3.Connection, keep: int, other: int) -> list[Statement]:
    """Move every row of customer ``other`` onto ``keep`` in the caller's transaction (one row per
    customer: :func:`theirs_kept` decides, the other one is removed; customers merged into
    ``other`` earlier now point at ``keep``). The orders both have must be settled before.
    Returns the statements that put the rows back."""
    undo: list[Statement] = []
    restored: list[Statement] = []
    for table, keys, _date in ONE_PER:
        cols = columns(conn, table)
        every = ", ".join(["rowid", *(f'"{c}"' for c in cols)])

        def rows_of(cid: int) -> dict[tuple, tuple]:
            found = conn.execute(f'SELECT {every} FROM "{table}" WHERE customer_id = ?', (cid,))  # sql-safe: ours
            return {tuple(r[1 + cols.index(k)] for k in keys): tuple(r) for r in found}

        mine = rows_of(keep)
        for key, their_row in rows_of(other).items():
            my_row = mine.get(key)
            if my_row is None:
                continue
            kept_theirs = theirs_kept(table, dict(zip(cols, my_row[1:])), dict(zip(cols, their_row[1:])))
            loser = my_row if kept_theirs else their_row
            conn.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (loser[0],))  # sql-safe: ours
            marks = ", ".join("?" for _ in loser)
            restored.append((f'INSERT INTO "{table}" ({every}) VALUES ({marks})', loser))  # sql-safe: ours
    for table in (*MOVED, *(t for t, _, _ in ONE_PER)):
        # sql-safe: table names are ours
        moved = [r[0] for r in conn.execute(f'SELECT rowid FROM "{table}" WHERE customer_id = ?', (other,))]
        if not moved:
            continue
        conn.execute(f'UPDATE "{table}" SET customer_id = ? WHERE customer_id = ?', (keep, other))  # sql-safe: ours
        undo.append((
            # sql-safe: table names are ours
            f'UPDATE "{table}" SET customer_id = ? WHERE rowid IN (SELECT value FROM json_each(?))',
            (other, json.dumps(moved)),
        ))
    undo.extend(restored)
    repointed = [r[0] for r in conn.execute("SELECT source_id FROM customer_alias WHERE customer_id = ?", (other,))]
    conn.execute("UPDATE customer_alias SET customer_id = ? WHERE customer_id = ?", (keep, other))
    undo.append(("UPDATE customer_alias SET customer_id = ? WHERE source_id IN (SELECT value FROM json_each(?))",
                 (other, json.dumps(repointed))))
    return undo


def follow_merges(conn: sqlite3.Connection) -> int:
    """Merge every customer that is also a merged-away customer id (``customer_alias``) into the
    customer the id points at, in the caller's transaction: how a book applies a merge another rep
    made (docs/team.md). Orders both have stay the kept customer's. Returns how many customers."""
    done = 0
    while True:  # each round removes a customer (chains: one merged into a customer merged in turn)
        found = conn.execute(
            "SELECT c.id, a.customer_id FROM customer_alias a JOIN customer c ON c.source_id = a.source_id "
            "WHERE c.id <> a.customer_id ORDER BY c.id LIMIT 1"
        ).fetchone()
        if found is None:
            break
        other, keep = found
        for _kind, _value, rowid in same_orders(conn, keep, other):
            conn.execute('DELETE FROM "order" WHERE rowid = ?', (rowid,))
        move_rows(conn, keep, other)
        conn.execute("DELETE FROM customer WHERE id = ?", (other,))
        done += 1
    return done
