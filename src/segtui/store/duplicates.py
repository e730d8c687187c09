"""Duplicates in the book, and merging one customer into another (docs/duplicates.md).

A merge moves every row of the other customer to the kept one in one transaction,
after a safety copy of the book. Where the book keeps one row per customer (a
checklist answer per question, the qualification, the buying behaviour, the
place) and both have one, the newer one is kept (the kept customer's on equal
dates; its place, unless only the other's was typed or imported). The other customer is removed; its
customer id stays in ``customer_alias`` pointing at the kept one, so imports of
the ERP file put its orders on the kept customer instead of bringing it back.
The alias row carries the statements that undo the merge, so ``segtui duplicates
--undo`` can split the two again long after the app is closed — in a book synced
with a team book, until a sync has taken the merge to the other reps' books
(the merge travels as a merge there: docs/team.md, "Merged duplicates").
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from segtui.domain.duplicates import Candidate, duplicate_groups, reasons
from segtui.domain.segments import subtract_months
from segtui.i18n import N_, Phrase, plural_phrase
from segtui.store.book import Book, BookError
from segtui.store.customers import Statement, Undo, _apply
from segtui.store.merging import MOVED, ONE_PER, move_rows, same_orders

#: Master fields the kept customer takes from the other when it has none.
FILLED = (
    "org_number", "industry", "city", "postcode", "address", "owner", "crm_id", "country", "employees",
    "annual_revenue",
)
REVENUE_MONTHS = 24

#: Why a merge is refused, in English with {placeholders}; the app shows them translated.
UNDO_IN_A_TEAM = N_(
    "{other} was merged into {keep} and the merge has reached the team book: it cannot be undone here — "
    "the other reps' books have the two as one customer"
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
                                  currency or "SEK", last))
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


def in_a_team(book: Book) -> bool:
    return bool(book.scalar("SELECT 1 FROM team_state WHERE key = 'book'"))


def reached_team(book: Book, source_id: str) -> bool:
    """Whether the merge of ``source_id`` may have reached the team book: the book is in a team
    and a sync has taken the merge (given it its team id). Until then it is this book's alone."""
    if not in_a_team(book):
        return False
    return book.scalar("SELECT uid FROM customer_alias WHERE source_id = ?", (source_id,)) is not None


def undo_refusal(book: Book, source_id: str) -> MergeRefused | None:
    """Why the merge of ``source_id`` cannot be undone in this book, or None."""
    if not reached_team(book, source_id):
        return None
    kept = book.scalar("SELECT c.source_id FROM customer_alias a JOIN customer c ON c.id = a.customer_id "
                       "WHERE a.source_id = ?", (source_id,))
    return MergeRefused(UNDO_IN_A_TEAM, other=source_id, keep=kept or "?")


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


def merge_customers(book: Book, keep: int, other: int, today: dt.date) -> Undo:
    """Merge customer ``other`` into ``keep`` (both book ids) in one transaction; returns the undo.

    Refused (BookError, nothing changed) when both have the same order (the book keeps an
    order once per customer). In a book synced with a team book the merge travels as a merge
    (docs/team.md): the alias and the removed customer go to the team book, and every book
    moves its own rows of the customer when it applies them — so the rows this book moves are
    not sent as changes of their own (each book moves them itself, with the rows only it has)."""
    if keep == other:
        raise BookError(Phrase("a customer cannot be merged into itself"))
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
        clashes = same_orders(conn, keep, other)
        if clashes:
            kind, value, _row = clashes[0]
            if kind == "order":
                raise MergeRefused(SAME_ORDER, len(clashes) - 1, keep=names[keep], other=names[other], order=value)
            raise MergeRefused(SAME_DAY_ORDER, len(clashes) - 1, keep=names[keep], other=names[other], day=value)
        logged = conn.execute("SELECT coalesce(max(seq), 0) FROM team_change").fetchone()[0]
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
        undo.extend(move_rows(conn, keep, other))
        # the moves are the merge's, which every book of the team makes itself: they are not changes to send
        conn.execute(
            "DELETE FROM team_change WHERE seq > ? AND tbl IN (SELECT value FROM json_each(?))",
            (logged, json.dumps([*MOVED, *(t for t, _, _ in ONE_PER)])),
        )
        undo.append(("DELETE FROM customer_alias WHERE source_id = ?", (names[other],)))
        # in a team book not yet synced since: both customers and the alias are as the team has them again
        undo.append((
            "DELETE FROM team_change WHERE seq > ? AND ((tbl = 'customer' AND uid IN (?, ?)) "
            "OR (tbl = 'customer_alias' AND uid = ?))",
            (logged, names[keep], names[other], names[other]),
        ))
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


def merged_away_by(undo: Undo) -> str | None:
    """The customer id a merge's undo brings back (its last statement removes the alias)."""
    for sql, params in undo.statements:
        if sql == "DELETE FROM customer_alias WHERE source_id = ?":
            return str(params[0])
    return None


def undo_merge(book: Book, undo: Undo) -> None:
    """Split two merged customers again, in one transaction. Refused in a book synced with
    a team book once a sync has taken the merge: the other reps' books have the two as one
    customer, and the statements put back this book's rows by their local ids."""
    source_id = merged_away_by(undo)
    refused = None if source_id is None else undo_refusal(book, source_id)
    if refused is not None:
        raise refused
    _apply(book, undo.statements)
