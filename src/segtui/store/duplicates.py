"""Duplicates in the book, and merging one customer into another (docs/duplicates.md).

A merge moves every row of the other customer to the kept one in one transaction,
after a safety copy of the book. Where the book keeps one row per customer (a
checklist answer per question, the qualification, the buying behaviour, the
place) and both have one, the newer one is kept (the kept customer's on equal
dates; its place always, when it has one). The other customer is removed; its
customer id stays in ``customer_alias`` pointing at the kept one, so imports of
the ERP file put its orders on the kept customer instead of bringing it back.
The alias row carries the statements that undo the merge, so ``segtui duplicates
--undo`` can split the two again long after the app is closed.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from segtui.domain.duplicates import Candidate, duplicate_groups, reasons
from segtui.domain.segments import subtract_months
from segtui.domain.settings import DEFAULT_CURRENCY
from segtui.i18n import N_, Phrase, plural_phrase
from segtui.store.book import Book, BookError
from segtui.store.customers import Statement, Undo, _apply

#: Tables whose rows belong to one customer and simply move.
MOVED = ("contact", "order", "assessment", "competitor_contract", "activity", "plan_item", "note")
#: Tables with one row per customer (and question): (table, key columns besides the customer, date column).
ONE_PER = (
    ("checklist_answer", ("question_key",), "date"),
    ("qualification", (), "date"),
    ("buying_behaviour", (), "date"),
    ("place", (), None),
)
#: Master fields the kept customer takes from the other when it has none.
FILLED = (
    "org_number", "industry", "city", "postcode", "address", "owner", "crm_id", "country", "employees",
    "annual_revenue",
)
REVENUE_MONTHS = 24

#: Why a merge is refused, in English with {placeholders}; the app shows them translated.
IN_A_TEAM = N_(
    "this book is synced with a team book: merging customers is not possible here yet — "
    "fix the customer ids in the ERP and re-import, so every rep's book gets the same change"
)
UNDO_IN_A_TEAM = N_(
    "this book is synced with a team book: a merge cannot be undone here — the other reps' books "
    "have the merged customer as one; split it in the ERP and re-import"
)
SAME_ORDER = N_("{keep} and {other} both have order {order}{more}: the book keeps an order once per customer, "
                "so they cannot be merged; nothing was changed")
SAME_DAY_ORDER = N_("{keep} and {other} both have an order without number on {day}{more}: the book keeps an order "
                    "once per customer, so they cannot be merged; nothing was changed")


class MergeRefused(BookError):
    """A merge the book does not allow, nothing changed: ``reason`` (one of the texts
    above) with ``values`` for its placeholders; ``others`` more orders both have."""

    def __init__(self, reason: str, others: int = 0, **values: str) -> None:
        self.reason = reason
        self.values = values
        self.others = others
        more = plural_phrase(" (and {count} more)", " (and {count} more)", others) if others else ""
        super().__init__(Phrase(reason, more=more, **values))


@dataclass(frozen=True)
class Member:
    id: int
    source_id: str
    name: str
    city: str | None
    org_number: str | None
    orders: int
    revenue: int  # minor units, the last REVENUE_MONTHS months
    currency: str
    last_order: str | None = None  # ISO day, up to as_of

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "source_id": self.source_id, "name": self.name, "city": self.city,
            "org_number": self.org_number, "orders": self.orders, "revenue_24m": self.revenue / 100,
            "currency": self.currency, "last_order": self.last_order,
        }


@dataclass(frozen=True)
class Group:
    members: tuple[Member, ...]
    why: tuple[str, ...]  # 'org number', 'name and town'

    def as_json(self) -> dict[str, Any]:
        return {"why": list(self.why), "customers": [m.as_json() for m in self.members]}


def find_duplicates(book: Book, as_of: dt.date) -> list[Group]:
    """The groups of active customers that look like one company, with their orders and revenue."""
    rows = book.query("SELECT id, source_id, name, city, org_number FROM customer WHERE archived = 0")
    candidates = {r["id"]: Candidate(r["id"], r["name"], r["city"], r["org_number"]) for r in rows}
    groups = duplicate_groups(candidates.values())
    if not groups:
        return []
    by_id = {r["id"]: r for r in rows}
    start = subtract_months(as_of, REVENUE_MONTHS).isoformat()
    figures = {
        r[0]: r[1:]
        for r in book.rows(
            'SELECT customer_id, count(DISTINCT order_key), '
            'coalesce(sum(CASE WHEN date > ? AND date <= ? THEN amount END), 0), max(currency), '
            'max(CASE WHEN date <= ? THEN date END) '
            'FROM "order" GROUP BY customer_id',
            (start, as_of.isoformat(), as_of.isoformat()),
        )
    }
    out = []
    for ids in groups:
        members = []
        for cid in ids:
            r = by_id[cid]
            orders, revenue, currency, last = figures.get(cid, (0, 0, None, None))
            members.append(Member(cid, r["source_id"], r["name"], r["city"], r["org_number"], orders, revenue,
                                  currency or DEFAULT_CURRENCY, last))
        why: list[str] = []
        first = candidates[ids[0]]
        for cid in ids[1:]:
            why.extend(w for w in reasons(first, candidates[cid]) if w not in why)
        out.append(Group(tuple(members), tuple(why or ["name and town"])))
    return out


def what_moves(book: Book, ids: list[int]) -> dict[int, dict[str, int]]:
    """Per customer, how many of its rows a merge moves, by table (``order``: distinct orders,
    as the list counts them); tables without rows are left out."""
    out: dict[int, dict[str, int]] = {cid: {} for cid in ids}
    if not ids:
        return out
    wanted = json.dumps(ids)
    for table in (*MOVED, *(t for t, _, _ in ONE_PER)):
        counted = "count(DISTINCT order_key)" if table == "order" else "count(*)"
        for cid, count in book.rows(
            f'SELECT customer_id, {counted} FROM "{table}" '  # sql-safe: table names are ours
            "WHERE customer_id IN (SELECT value FROM json_each(?)) GROUP BY customer_id",
            (wanted,),
        ):
            out[cid][table] = count
    return out


def merge_refusal(book: Book) -> MergeRefused | None:
    """Why no merge can be made in this book at all (a team book), or None."""
    if book.scalar("SELECT 1 FROM team_state WHERE key = 'book'"):
        return MergeRefused(IN_A_TEAM)
    return None


def merged_away(book: Book) -> list[tuple[str, str | None, str]]:
    """Every customer merged into another and not in the book again: its customer id, the CRM id it
    had (read from the merge's undo, which holds the whole customer row) and the kept customer's id."""
    out = []
    for source_id, undo, kept in book.rows(
        "SELECT a.source_id, a.undo, c.source_id FROM customer_alias a JOIN customer c ON c.id = a.customer_id "
        "WHERE a.source_id NOT IN (SELECT source_id FROM customer) ORDER BY a.merged, a.rowid"
    ):
        crm_id = None
        for sql, params in json.loads(undo):
            columns = re.match(r'INSERT INTO customer \((.*?)\) VALUES', sql)
            if columns:
                names = [c.strip().strip('"') for c in columns.group(1).split(",")]
                if "crm_id" in names and len(params) == len(names):
                    crm_id = params[names.index("crm_id")]
                break
        out.append((source_id, crm_id, kept))
    return out


def customer_by_source(book: Book, source_id: str) -> int:
    """The book's id of the customer with this ERP id (or the one it was merged into)."""
    found = book.scalar("SELECT id FROM customer WHERE source_id = ?", (source_id,))
    if found is None:
        found = book.scalar("SELECT customer_id FROM customer_alias WHERE source_id = ?", (source_id,))
    if found is None:
        raise BookError(Phrase("there is no customer {customer} in this book", customer=repr(source_id)))
    return found


def _columns(conn, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')]  # sql-safe: table names are ours


def _rowids(conn, table: str, customer_id: int) -> list[int]:
    # sql-safe: table names are ours
    return [r[0] for r in conn.execute(f'SELECT rowid FROM "{table}" WHERE customer_id = ?', (customer_id,))]


def _ids_param(ids: list[int]) -> str:
    return json.dumps(ids)


def _order_clashes(conn, keep: int, other: int) -> list[tuple[str, str]]:
    """The orders both customers have: ('order', its number) or ('day', the day of one without number)."""
    clashes = [
        ("order", r[0])
        for r in conn.execute(
            'SELECT o.order_ref FROM "order" o JOIN "order" k ON k.customer_id = ? AND k.order_ref = o.order_ref '
            "WHERE o.customer_id = ? AND o.order_ref IS NOT NULL",
            (keep, other),
        )
    ]
    clashes += [
        ("day", r[0])
        for r in conn.execute(
            'SELECT o.date FROM "order" o JOIN "order" k ON k.customer_id = ? AND k.order_ref IS NULL '
            "AND k.date = o.date AND k.amount = o.amount WHERE o.customer_id = ? AND o.order_ref IS NULL",
            (keep, other),
        )
    ]
    return clashes


def merge_customers(book: Book, keep: int, other: int, today: dt.date) -> Undo:
    """Merge customer ``other`` into ``keep`` (both book ids) in one transaction; returns the undo.

    Refused (BookError, nothing changed) for a book in a team (a merge would have to
    travel as a tombstone the other reps' books apply to their own rows of the
    customer) and when both have the same order (the book keeps an order once per customer)."""
    if keep == other:
        raise BookError(Phrase("a customer cannot be merged into itself"))
    refused = merge_refusal(book)
    if refused is not None:
        raise refused
    from segtui.store.backup import backup_before

    with book.transaction() as conn:
        names = {}
        for cid in (keep, other):
            row = conn.execute("SELECT source_id FROM customer WHERE id = ?", (cid,)).fetchone()
            if row is None:
                raise BookError(Phrase("there is no customer with id {id} in this book", id=cid))
            names[cid] = row[0]
    backup_before(book, Phrase("merging {other} into {keep}", other=names[other], keep=names[keep]))
    undo: list[Statement] = []
    with book.transaction() as conn:
        clashes = _order_clashes(conn, keep, other)
        if clashes:
            kind, value = clashes[0]
            if kind == "order":
                raise MergeRefused(SAME_ORDER, len(clashes) - 1, keep=names[keep], other=names[other], order=value)
            raise MergeRefused(SAME_DAY_ORDER, len(clashes) - 1, keep=names[keep], other=names[other], day=value)
        columns = _columns(conn, "customer")
        marks = ", ".join("?" for _ in columns)
        listed = ", ".join(f'"{c}"' for c in columns)
        other_row = conn.execute(f"SELECT {listed} FROM customer WHERE id = ?", (other,)).fetchone()  # sql-safe: ours
        keep_row = conn.execute(f"SELECT {listed} FROM customer WHERE id = ?", (keep,)).fetchone()  # sql-safe: ours
        undo.append((f"INSERT INTO customer ({listed}) VALUES ({marks})", tuple(other_row)))  # sql-safe: ours
        undo.append((
            f"UPDATE customer SET {', '.join(f'{c} = ?' for c in columns)} WHERE id = ?",  # sql-safe: ours
            (*tuple(keep_row), keep),
        ))
        restored: list[Statement] = []
        for table, keys, date in ONE_PER:
            cols = _columns(conn, table)
            every = ", ".join(["rowid", *(f'"{c}"' for c in cols)])

            def rows_of(cid: int) -> dict[tuple, tuple]:
                found = conn.execute(f'SELECT {every} FROM "{table}" WHERE customer_id = ?', (cid,))  # sql-safe: ours
                return {tuple(r[1 + cols.index(k)] for k in keys): tuple(r) for r in found}

            mine = rows_of(keep)
            for key, their_row in rows_of(other).items():
                my_row = mine.get(key)
                if my_row is None:
                    continue
                newer = date is not None and their_row[1 + cols.index(date)] > my_row[1 + cols.index(date)]
                loser = my_row if newer else their_row
                conn.execute(f'DELETE FROM "{table}" WHERE rowid = ?', (loser[0],))  # sql-safe: ours
                marks = ", ".join("?" for _ in loser)
                restored.append((f'INSERT INTO "{table}" ({every}) VALUES ({marks})', loser))  # sql-safe: ours
        for table in (*MOVED, *(t for t, _, _ in ONE_PER)):
            moved = _rowids(conn, table, other)
            if not moved:
                continue
            conn.execute(f'UPDATE "{table}" SET customer_id = ? WHERE customer_id = ?', (keep, other))  # sql-safe: ours
            undo.append((
                # sql-safe: table names are ours
                f'UPDATE "{table}" SET customer_id = ? WHERE rowid IN (SELECT value FROM json_each(?))',
                (other, _ids_param(moved)),
            ))
        undo.extend(restored)
        repointed = [r[0] for r in conn.execute("SELECT source_id FROM customer_alias WHERE customer_id = ?", (other,))]
        conn.execute("UPDATE customer_alias SET customer_id = ? WHERE customer_id = ?", (keep, other))
        undo.append(("UPDATE customer_alias SET customer_id = ? WHERE source_id IN (SELECT value FROM json_each(?))",
                     (other, json.dumps(repointed))))
        undo.append(("DELETE FROM customer_alias WHERE source_id = ?", (names[other],)))
        filled = {
            c: other_row[columns.index(c)]
            for c in FILLED
            if c in columns and keep_row[columns.index(c)] in (None, "") and other_row[columns.index(c)] not in (None, "")
        }
        if filled:
            conn.execute(
                f"UPDATE customer SET {', '.join(f'{c} = ?' for c in filled)} WHERE id = ?",  # sql-safe: ours
                (*filled.values(), keep),
            )
        conn.execute("DELETE FROM customer WHERE id = ?", (other,))
        statements = tuple(undo)
        conn.execute(
            "INSERT INTO customer_alias (source_id, customer_id, merged, undo) VALUES (?, ?, ?, ?)",
            (names[other], keep, today.isoformat(), json.dumps(statements)),
        )
    return Undo(f"merged {names[other]} into {names[keep]}", statements)


@dataclass(frozen=True)
class Merge:
    """One merge written down in the book: the merged-away customer id, the kept customer, the day, the undo."""

    source_id: str
    kept: int
    kept_source_id: str
    kept_name: str
    day: str
    undo: Undo


def newest_merge(book: Book) -> Merge | None:
    """The book's newest merge (the one ``--undo`` splits), with the kept customer as it is now."""
    rows = book.query(
        "SELECT a.source_id, a.customer_id, a.merged, a.undo, c.source_id AS kept_source_id, c.name "
        "FROM customer_alias a JOIN customer c ON c.id = a.customer_id ORDER BY a.merged DESC, a.rowid DESC LIMIT 1"
    )
    if not rows:
        return None
    r = rows[0]
    statements = tuple((sql, tuple(params)) for sql, params in json.loads(r["undo"]))
    return Merge(r["source_id"], r["customer_id"], r["kept_source_id"], r["name"], r["merged"],
                 Undo(f"merged {r['source_id']}", statements))


def last_merge(book: Book) -> tuple[str, int, Undo] | None:
    """The newest merge in the book: the merged-away customer id, the kept customer and its undo."""
    row = book.query("SELECT source_id, customer_id, undo FROM customer_alias ORDER BY merged DESC, rowid DESC LIMIT 1")
    if not row:
        return None
    statements = tuple((sql, tuple(params)) for sql, params in json.loads(row[0]["undo"]))
    return row[0]["source_id"], row[0]["customer_id"], Undo(f"merged {row[0]['source_id']}", statements)


def undo_merge(book: Book, undo: Undo) -> None:
    """Split two merged customers again, in one transaction. Refused in a book synced
    with a team book: the statements put back this book's rows by their local ids,
    and the customer put back would never reach the other books."""
    if merge_refusal(book) is not None:
        raise MergeRefused(UNDO_IN_A_TEAM)
    _apply(book, undo.statements)
