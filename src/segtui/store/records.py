"""The book kept by hand: customers added, edited, archived and restored; their
contacts and dated notes (docs/records.md).

Every write is one transaction and returns a :class:`~segtui.store.customers.Undo`
that puts the rows back as they were, like every other edit of the customer screen.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import Any

from segtui.domain import records as rules
from segtui.domain.customer import InputError, clean_name, clean_note, parse_date
from segtui.i18n import Phrase, _
from segtui.store.book import Book, BookError
from segtui.store.customers import Undo
from segtui.store.identity import RANDOM_UID

#: The master fields a rep edits, in the order the form shows them. A field whose
#: column the book does not have is left out.
MASTER_FIELDS = (
    "name", "source_id", "org_number", "industry", "employees", "address", "postcode", "city", "country", "owner",
)


def customer_columns(conn) -> set[str]:
    return {row[1] for row in conn.execute("PRAGMA table_info(customer)")}


def master_fields(book: Book) -> tuple[str, ...]:
    """The master fields this book holds (a column added by a later version appears here)."""
    present = {row[1] for row in book.query("PRAGMA table_info(customer)")}
    return tuple(f for f in MASTER_FIELDS if f in present)


def check_master(values: dict[str, Any]) -> dict[str, Any]:
    """The master fields as typed, checked and normalised (raises InputError naming the field)."""
    out: dict[str, Any] = {}
    country = rules.parse_country(str(values.get("country") or "")) if "country" in values else None
    for name, raw in values.items():
        text = "" if raw is None else str(raw)
        if name == "name":
            out[name] = clean_name(text, "name")
        elif name == "source_id":
            value = clean_note(text, rules.ID_MAX, "customer id")
            if not value:
                raise InputError(_("type the customer id (the number in your ERP)"))
            out[name] = value
        elif name == "org_number":
            out[name] = rules.parse_org_number(text, country)
        elif name == "employees":
            out[name] = rules.parse_size(text)
        elif name == "country":
            out[name] = country
        elif name in MASTER_FIELDS:
            out[name] = rules.clean_text(text, name.replace("_", " "))
        else:
            raise InputError(_("{name} is not a customer field").format(name=repr(name)))
    return out


def _source_id_taken(conn, source_id: str, other_than: int | None = None) -> bool:
    row = conn.execute("SELECT id FROM customer WHERE source_id = ?", (source_id,)).fetchone()
    return row is not None and row[0] != other_than


def _next_prospect_id(conn) -> str:
    """A free customer id for a prospect that is not in the ERP yet: P1, P2, …"""
    n = conn.execute("SELECT count(*) FROM customer WHERE source_id GLOB 'P[0-9]*'").fetchone()[0] + 1
    while _source_id_taken(conn, f"P{n}"):
        n += 1
    return f"P{n}"


def add_customer(book: Book, values: dict[str, Any], today: dt.date) -> tuple[int, Undo]:
    """A new customer (a prospect without orders yet); returns its id and the undo."""
    with book.transaction() as conn:
        present = customer_columns(conn)
        given = {k: v for k, v in values.items() if k in present}
        if not str(given.get("source_id") or "").strip():
            given["source_id"] = _next_prospect_id(conn)  # a prospect, not in the ERP yet
        fields = check_master(given)
        if _source_id_taken(conn, fields["source_id"]):
            raise InputError(f"customer id {fields['source_id']} is taken by another customer")
        names = list(fields)
        cur = conn.execute(
            f"INSERT INTO customer ({', '.join(names)}, created) "  # sql-safe: checked column names
            f"VALUES ({', '.join('?' for _ in names)}, ?)",
            (*fields.values(), today.isoformat()),
        )
        new_id = cur.lastrowid
    return new_id, Undo(f"added {fields['name']}", (("DELETE FROM customer WHERE id = ?", (new_id,)),))


def update_customer(book: Book, customer_id: int, values: dict[str, Any]) -> Undo:
    """Change master fields; the undo puts back every field as it was."""
    with book.transaction() as conn:
        present = customer_columns(conn)
        fields = check_master({k: v for k, v in values.items() if k in present})
        if not fields:
            raise InputError("nothing to change")
        names = list(fields)
        cols = ", ".join(names)
        before = conn.execute(f"SELECT {cols} FROM customer WHERE id = ?",  # sql-safe: checked column names
                              (customer_id,)).fetchone()
        if before is None:
            raise BookError(Phrase("there is no customer with id {id} in this book", id=customer_id))
        if "source_id" in fields and _source_id_taken(conn, fields["source_id"], customer_id):
            raise InputError(f"customer id {fields['source_id']} is taken by another customer")
        assign = ", ".join(f"{n} = ?" for n in names)
        sql = f"UPDATE customer SET {assign} WHERE id = ?"  # sql-safe: checked column names
        conn.execute(sql, (*fields.values(), customer_id))
    return Undo("customer details", ((sql, (*tuple(before), customer_id)),))


def set_archived(book: Book, customer_id: int, archived: bool) -> Undo:
    """Archive (off the board, the plan and the mailing list; history kept) or restore."""
    with book.transaction() as conn:
        row = conn.execute("SELECT archived FROM customer WHERE id = ?", (customer_id,)).fetchone()
        if row is None:
            raise BookError(Phrase("there is no customer with id {id} in this book", id=customer_id))
        conn.execute("UPDATE customer SET archived = ? WHERE id = ?", (int(archived), customer_id))
        # planned (not done) visits and calls of an archived customer leave the plan
        removed = []
        if archived:
            removed = [tuple(r) for r in conn.execute(
                "SELECT id, customer_id, day, kind, status, reason, manual, activity_id FROM plan_item "
                "WHERE customer_id = ? AND status = 'planned'", (customer_id,))]
            conn.execute("DELETE FROM plan_item WHERE customer_id = ? AND status = 'planned'", (customer_id,))
    statements = [("UPDATE customer SET archived = ? WHERE id = ?", (row[0], customer_id))]
    statements += [
        ("INSERT INTO plan_item (id, customer_id, day, kind, status, reason, manual, activity_id) "
         "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", r)
        for r in removed
    ]
    return Undo("archived" if archived else "restored", tuple(statements))


def archived_customers(book: Book) -> list[tuple[int, str, str, str | None]]:
    """Archived customers (id, customer id, name, city), by name."""
    return [
        (r[0], r[1], r[2], r[3])
        for r in book.query(
            "SELECT id, source_id, name, city FROM customer WHERE archived = 1 ORDER BY name COLLATE NOCASE, id"
        )
    ]


# --- contacts -------------------------------------------------------------------------


def check_contact(values: dict[str, Any], country: str | None) -> dict[str, Any]:
    return {
        "name": clean_name(values.get("name"), "name"),
        "role": rules.clean_text(values.get("role"), "role"),
        "phone": rules.parse_phone(values.get("phone") or "", country),
        "email": rules.parse_email(values.get("email") or ""),
    }


def _country_of(conn, customer_id: int) -> str | None:
    if "country" not in customer_columns(conn):
        return None
    row = conn.execute("SELECT country FROM customer WHERE id = ?", (customer_id,)).fetchone()
    return row[0] if row else None


def add_contact(book: Book, customer_id: int, values: dict[str, Any], primary: bool = False) -> Undo:
    """A new contact; the customer's first contact is its primary one."""
    with book.transaction() as conn:
        if conn.execute("SELECT 1 FROM customer WHERE id = ?", (customer_id,)).fetchone() is None:
            raise BookError(Phrase("there is no customer with id {id} in this book", id=customer_id))
        fields = check_contact(values, _country_of(conn, customer_id))
        has_primary = conn.execute(
            "SELECT 1 FROM contact WHERE customer_id = ? AND is_primary = 1", (customer_id,)
        ).fetchone()
        before = [] if not (primary and has_primary) else [
            (r[0],) for r in conn.execute(
                "SELECT id FROM contact WHERE customer_id = ? AND is_primary = 1", (customer_id,))
        ]
        if primary:
            conn.execute("UPDATE contact SET is_primary = 0 WHERE customer_id = ?", (customer_id,))
        cur = conn.execute(
            "INSERT INTO contact (customer_id, name, role, phone, email, is_primary) VALUES (?, ?, ?, ?, ?, ?)",
            (customer_id, fields["name"], fields["role"], fields["phone"], fields["email"],
             int(primary or not has_primary)),
        )
        new_id = cur.lastrowid
    statements = [("DELETE FROM contact WHERE id = ?", (new_id,))]
    statements += [("UPDATE contact SET is_primary = 1 WHERE id = ?", r) for r in before]
    return Undo(f"added {fields['name']}", tuple(statements))


def update_contact(book: Book, contact_id: int, values: dict[str, Any]) -> Undo:
    with book.transaction() as conn:
        row = conn.execute("SELECT customer_id, name, role, phone, email FROM contact WHERE id = ?",
                           (contact_id,)).fetchone()
        if row is None:
            raise BookError(Phrase("that contact is no longer in the book"))
        fields = check_contact(values, _country_of(conn, row[0]))
        conn.execute("UPDATE contact SET name = ?, role = ?, phone = ?, email = ? WHERE id = ?",
                     (fields["name"], fields["role"], fields["phone"], fields["email"], contact_id))
    return Undo(f"changed {fields['name']}", (
        ("UPDATE contact SET name = ?, role = ?, phone = ?, email = ? WHERE id = ?", (*tuple(row)[1:], contact_id)),
    ))


def remove_contact(book: Book, contact_id: int) -> Undo:
    """Remove a contact; when it was the primary one, the next by name becomes primary."""
    with book.transaction() as conn:
        row = conn.execute("SELECT id, customer_id, name, role, phone, email, is_primary FROM contact WHERE id = ?",
                           (contact_id,)).fetchone()
        if row is None:
            raise BookError(Phrase("that contact is no longer in the book"))
        conn.execute("DELETE FROM contact WHERE id = ?", (contact_id,))
        promoted = None
        if row["is_primary"]:
            nxt = conn.execute("SELECT id FROM contact WHERE customer_id = ? ORDER BY name COLLATE NOCASE, id LIMIT 1",
                               (row["customer_id"],)).fetchone()
            if nxt is not None:
                promoted = nxt[0]
                conn.execute("UPDATE contact SET is_primary = 1 WHERE id = ?", (promoted,))
    statements = []
    if promoted is not None:
        statements.append(("UPDATE contact SET is_primary = 0 WHERE id = ?", (promoted,)))
    statements.append(("INSERT INTO contact (id, customer_id, name, role, phone, email, is_primary) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)", tuple(row)))
    return Undo(f"removed {row['name']}", tuple(statements))


def set_primary_contact(book: Book, contact_id: int) -> Undo:
    with book.transaction() as conn:
        row = conn.execute("SELECT customer_id, name FROM contact WHERE id = ?", (contact_id,)).fetchone()
        if row is None:
            raise BookError(Phrase("that contact is no longer in the book"))
        before = [tuple(r) for r in conn.execute(
            "SELECT is_primary, id FROM contact WHERE customer_id = ?", (row[0],))]
        conn.execute("UPDATE contact SET is_primary = (id = ?) WHERE customer_id = ?", (contact_id, row[0]))
    return Undo(f"{row['name']} primary",
                tuple(("UPDATE contact SET is_primary = ? WHERE id = ?", r) for r in before))


@dataclass(frozen=True)
class BookContact:
    """One contact as the contacts export writes it (docs/exports.md "Contacts")."""

    uid: str
    source_id: str
    company: str
    country: str | None
    name: str
    role: str | None
    phone: str | None
    email: str | None
    primary: bool


def book_contacts(book: Book, owner: str | None = None) -> list[BookContact]:
    """The contacts of every customer that is not archived (with ``owner``: only that rep's
    customers), by company, the primary contact first. A contact the team book has not given
    its lasting id yet gets it here, as a sync would, so an exported card keeps its UID in every
    later export; a read-only book exports an id made from the customer and the contact that is
    the same in each of its exports."""
    from segtui.store.plan import owned_by

    if not book.readonly and book.scalar("SELECT 1 FROM contact WHERE uid IS NULL LIMIT 1"):
        with book.transaction() as conn:
            fresh = [r[0] for r in conn.execute("SELECT id FROM contact WHERE uid IS NULL")]
            conn.execute(f"UPDATE contact SET uid = {RANDOM_UID} WHERE uid IS NULL")  # sql-safe: our own SQL
            # logged as the change-log triggers log an edit, so the next sync sends these contacts
            conn.execute(
                "INSERT INTO team_change (tbl, uid, at) SELECT 'contact', uid, strftime('%Y-%m-%dT%H:%M:%f', 'now') "
                "FROM contact WHERE id IN (SELECT value FROM json_each(?)) "
                "AND EXISTS (SELECT 1 FROM team_state WHERE key = 'book')",
                (json.dumps(fresh),),
            )
    country = "c.country" if ("country",) in book.rows("SELECT name FROM pragma_table_info('customer')") else "NULL"
    rows = book.rows(
        f"SELECT k.uid, k.id, c.uid, c.source_id, c.name, {country}, c.owner, "  # sql-safe: a column name or NULL
        "k.name, k.role, k.phone, k.email, k.is_primary "
        "FROM contact k JOIN customer c ON c.id = k.customer_id WHERE c.archived = 0 "
        "ORDER BY c.name COLLATE NOCASE, c.source_id, k.is_primary DESC, k.name COLLATE NOCASE, k.id"
    )
    return [
        BookContact(
            uid or uuid.uuid5(uuid.NAMESPACE_OID, f"{customer_uid or source_id}\x1f{contact_id}").hex,
            source_id, company, place, name, role or None, phone or None, email or None, bool(primary),
        )
        for uid, contact_id, customer_uid, source_id, company, place, who, name, role, phone, email, primary in rows
        if owned_by(owner, who)
    ]


# --- notes ----------------------------------------------------------------------------


def add_note(book: Book, customer_id: int, on: str | dt.date, text: str) -> Undo:
    """A dated free-text note (shown in the activity log, found by the board's search)."""
    day = parse_date(on.isoformat() if isinstance(on, dt.date) else on)
    body = clean_note(text)
    if not body:
        raise InputError("type the note")
    with book.transaction() as conn:
        if conn.execute("SELECT 1 FROM customer WHERE id = ?", (customer_id,)).fetchone() is None:
            raise BookError(Phrase("there is no customer with id {id} in this book", id=customer_id))
        cur = conn.execute("INSERT INTO note (customer_id, date, text) VALUES (?, ?, ?)", (customer_id, day, body))
        new_id = cur.lastrowid
    return Undo("note", (("DELETE FROM note WHERE id = ?", (new_id,)),))


def remove_note(book: Book, note_id: int) -> Undo:
    with book.transaction() as conn:
        row = conn.execute("SELECT id, customer_id, date, text FROM note WHERE id = ?", (note_id,)).fetchone()
        if row is None:
            raise BookError(Phrase("that note is no longer in the book"))
        conn.execute("DELETE FROM note WHERE id = ?", (note_id,))
    return Undo("removed note", (("INSERT INTO note (id, customer_id, date, text) VALUES (?, ?, ?, ?)", tuple(row)),))
