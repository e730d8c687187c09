"""Global identity and change capture: what of a book travels to the team book.

Rules in docs/team.md. Every table that travels is declared here as a
:class:`Synced` (a table added later joins by appending one line to ``TABLES``
and giving itself a ``uid TEXT`` column with a unique index in its migration;
its columns are read from the table itself, so new columns travel too).

How changes are captured, and why: **a change log kept by triggers**
(``team_change``) for updates and deletes, and **"no uid yet"** for new rows.

- Triggers see every writer (the app, the CLI, imports, a future module)
  without any of them knowing about the team, and the log entry is written in
  the same transaction as the edit: an edit is never saved without its entry.
- Inserts are not logged: a row without a ``uid`` is new since the last sync
  and gets its uid when the sync takes it. So importing a million orders costs
  the importer nothing extra (no trigger fires on insert).
- The log holds only (table, uid, when); what travels is the row as it is at
  the sync (a row changed ten times travels once, a row gone travels as a
  tombstone). It was preferred over the SQLite session extension (APSW only,
  and sqlite-utils cannot work on an APSW connection) and over diffing against
  a copy of the book as it was at the last sync (a second book on disk, and a
  full comparison at every sync).
- A book that has never synced logs nothing (the triggers check
  ``team_state``): its first sync sends every row.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field

from segtui.domain.settings import REGISTRY as SETTINGS
from segtui.domain.text import ID_MAX, NAME_MAX, NOTE_MAX, mend
from segtui.store import merging
from segtui.store.merging import ONE_PER_KEYS

RANDOM_UID = "lower(hex(randomblob(16)))"

# Settings that define the classes (and so every figure) are the team's: they
# travel; the rest (contact policies, capacity, currency, team.url) stay the rep's.
TEAM_SETTING_PREFIXES = ("abc.", "window.", "loyalty.", "potential.", "xyz.", "group.", "trend.", "estimate.")
TEAM_SETTINGS = tuple(k for k in SETTINGS if k.startswith(TEAM_SETTING_PREFIXES))


@dataclass(frozen=True)
class Synced:
    """A table whose rows travel. ``key`` is the column holding the global id;
    ``new_key`` the SQL giving a new row its id (random, or from its natural key
    so two books creating the same thing agree); ``refs`` maps columns holding a
    local id to the table they point at (they travel as that row's key);
    ``only`` limits the rows that travel: an SQL condition on ``{row}`` (the
    row's name in each statement). A row outside it gets its id but no log
    entry; a row that leaves it travels as a tombstone, one that enters it
    travels as itself."""

    table: str
    new_key: str = RANDOM_UID
    key: str = "uid"
    refs: dict[str, str] = field(default_factory=lambda: {"customer_id": "customer"})
    only: str | None = None


def _of_customer(table: str, rest: str = "") -> str:
    # sql-safe: table and column names of the code
    return f'(SELECT c.uid FROM customer c WHERE c.id = "{table}".customer_id){rest}'


TABLES: list[Synced] = [
    Synced(
        "setting", new_key="key", key="key", refs={},
        only="{row}.key IN (" + ", ".join("'" + k + "'" for k in TEAM_SETTINGS) + ")",
    ),
    Synced("customer", new_key="source_id", refs={}),
    # a customer merged into another: every book makes the merge (moves its own rows of the customer
    # onto the kept one, store/merging.py) and puts that customer id's rows and orders on the kept one
    Synced("customer_alias", new_key="source_id"),
    Synced("contact"),
    Synced(
        "order",
        new_key=_of_customer(
            "order",
            ''' || char(31) || "order".order_key || CASE WHEN "order".order_ref IS NULL '''
            '''THEN char(31) || "order".amount ELSE '' END''',
        ),
    ),
    Synced("assessment"),
    Synced("checklist_answer", new_key=_of_customer("checklist_answer", " || char(31) || checklist_answer.question_key")),
    Synced("qualification", new_key=_of_customer("qualification")),
    Synced("buying_behaviour", new_key=_of_customer("buying_behaviour")),
    # a place the rep typed or an import brought travels; one found from the customer's town
    # does not: every book finds it again from the town, which travels with the customer
    Synced("place", new_key=_of_customer("place"), only="{row}.source IN ('imported', 'typed')"),
    Synced("competitor_contract"),
    Synced("activity"),
    Synced("plan_item", refs={"customer_id": "customer", "activity_id": "activity"}),
    Synced("note"),
]
BY_NAME = {t.table: t for t in TABLES}


def _only(t: Synced, row: str) -> str:
    """`` AND`` the table's condition on the rows that travel, for ``row`` ('' when all travel)."""
    return f" AND ({t.only.format(row=row)})" if t.only else ""


def present(conn: sqlite3.Connection) -> list[Synced]:
    """The declared tables this book has (with their key column), in order."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    found = []
    for t in TABLES:
        if t.table in names and t.key in columns_of(conn, t.table, everything=True):
            found.append(t)
    return found


def columns_of(conn: sqlite3.Connection, table: str, everything: bool = False) -> list[str]:
    """The columns of ``table`` that travel (all but the local id and the key)."""
    rows = conn.execute("SELECT name, pk FROM pragma_table_info(?)", (table,)).fetchall()
    if everything:
        return [r[0] for r in rows]
    t = BY_NAME[table]
    return [r[0] for r in rows if r[0] != t.key and not (r[0] == "id" and r[1])]


def ensure_capture(conn: sqlite3.Connection) -> None:
    """Create the change-log triggers of every declared table that lacks them, and
    write again those this segtui words differently (the team's settings grew)."""
    if "team_change" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}:
        return
    have = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    wanted = []
    for t in present(conn):
        synced = "EXISTS (SELECT 1 FROM team_state WHERE key = 'book')"
        for event in ("UPDATE", "DELETE"):
            name = f"team_{event.lower()}_{t.table}"
            only = _only(t, "OLD")
            if t.only and event == "UPDATE":  # a row that enters or leaves the rows that travel
                only = f" AND ({t.only.format(row='OLD')} OR {t.only.format(row='NEW')})"
            # sql-safe: trigger, table and column names of the code
            sql = (
                f'CREATE TRIGGER "{name}" AFTER {event} ON "{t.table}" '  # sql-safe: names of the code
                f"WHEN OLD.{t.key} IS NOT NULL{only} AND {synced} BEGIN "
                f"INSERT INTO team_change (tbl, uid, at) VALUES ('{t.table}', OLD.{t.key}, "
                f"strftime('%Y-%m-%dT%H:%M:%f', 'now')); END"
            )
            if have.get(name) == sql:
                continue
            if name in have:
                wanted.append(f'DROP TRIGGER "{name}"')  # sql-safe: names of the code
            wanted.append(sql)
    if wanted:
        conn.execute("BEGIN IMMEDIATE")
        try:
            for sql in wanted:
                conn.execute(sql)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def fill_keys(conn: sqlite3.Connection, at: str) -> int:
    """Give every new row (no uid yet) its global id and log it as changed at
    ``at`` (when it travels), in the caller's transaction; returns how many rows
    were logged."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS fresh (r INTEGER PRIMARY KEY)")
    filled = 0
    for t in present(conn):
        if t.key == t.new_key:
            continue
        conn.execute("DELETE FROM temp.fresh")
        # sql-safe: table, column names and key expressions of the code
        conn.execute(f'INSERT INTO temp.fresh (r) SELECT rowid FROM "{t.table}" WHERE {t.key} IS NULL')
        conn.execute(f'UPDATE "{t.table}" SET {t.key} = {t.new_key} WHERE {t.key} IS NULL')  # sql-safe: as above
        cursor = conn.execute(
            # sql-safe: as above
            f'INSERT INTO team_change (tbl, uid, at) SELECT ?, {t.key}, ? FROM "{t.table}" '
            f"WHERE rowid IN (SELECT r FROM temp.fresh){_only(t, t.table)}",
            (t.table, at),
        )
        filled += cursor.rowcount
    return filled


def _payload(conn: sqlite3.Connection, t: Synced) -> str:
    parts = []
    for column in columns_of(conn, t.table):
        target = t.refs.get(column)
        if target:
            ref = BY_NAME[target]
            # sql-safe: names of the code
            parts.append(f"'{column}', (SELECT r.{ref.key} FROM \"{target}\" r WHERE r.id = x.{column})")
        else:
            parts.append(f"'{column}', x.\"{column}\"")  # sql-safe: names of the code
    return "json_object(" + ", ".join(parts) + ")"


def outgoing(conn: sqlite3.Connection, everything: bool, upto: int) -> list[tuple[str, str, str | None, str | None]]:
    """(table, uid, row as JSON or None for a tombstone, when it changed) for
    every row to send: all rows when ``everything`` (a first sync), else the rows
    in the change log up to entry ``upto``, each once, as it is now."""
    out = []
    for t in present(conn):
        payload = _payload(conn, t)
        only = _only(t, "x")
        if everything:
            # sql-safe: names and expressions of the code
            sql = f'SELECT x.{t.key}, {payload}, NULL FROM "{t.table}" x WHERE x.{t.key} IS NOT NULL{only} ORDER BY x.rowid'
            out.extend((t.table, *row) for row in conn.execute(sql))
            continue
        # sql-safe: names and expressions of the code
        sql = (
            f"SELECT k.uid, CASE WHEN x.{t.key} IS NULL{' OR NOT (' + t.only.format(row='x') + ')' if t.only else ''} "
            f"THEN NULL ELSE {payload} END, k.at "  # sql-safe: names of the code
            "FROM (SELECT uid, max(at) AS at, min(seq) AS first FROM team_change WHERE tbl = ? AND seq <= ? "
            "GROUP BY uid) k "
            f'LEFT JOIN "{t.table}" x ON x.{t.key} = k.uid ORDER BY k.first'
        )
        out.extend((t.table, *row) for row in conn.execute(sql, (t.table, upto)))
    return out


def dump(conn: sqlite3.Connection) -> dict[str, list[tuple[str, str]]]:
    """Every travelling row as it travels, by table, in uid order: two books that
    agree on the team's rows have equal dumps."""
    out = {}
    for t in present(conn):
        only = _only(t, "x")
        # sql-safe: names and expressions of the code
        sql = f'SELECT x.{t.key}, {_payload(conn, t)} FROM "{t.table}" x WHERE 1{only} ORDER BY x.{t.key}'
        out[t.table] = [tuple(r) for r in conn.execute(sql)]
    return out


#: The text rule's limit per column of a synced row (domain/text.py; the forms' and imports' limits);
#: a column not named here is a short one-line field (NAME_MAX).
TEXT_LIMITS = {"source_id": ID_MAX, "order_ref": ID_MAX, "order_key": ID_MAX, "crm_id": ID_MAX, "org_number": 40}
#: Columns that keep their line breaks, as a note typed in a form does.
MULTI_LINE = {"note", "text", "outcome", "reason", "parked_reason"}
#: Columns the code writes, not people (a merge's undo statements, as JSON).
VERBATIM = {"undo"}


def mended(table: str, data: str | None) -> str | None:
    """A row pulled from the team book (JSON, None for a tombstone) with every text value by
    the one text rule (domain/text.py ``mend``): what another book or program put in the team
    book enters this book as a form's text would. Keys and references to other rows are ids
    of the code and stay as they are."""
    if data is None:
        return None
    row = json.loads(data)
    if not isinstance(row, dict):
        return data
    t = BY_NAME.get(table)
    refs = t.refs if t is not None else {}
    changed = False
    for column, value in row.items():
        if not isinstance(value, str) or column in refs or column in VERBATIM:
            continue
        if table == "setting":
            fixed = mend(value, NOTE_MAX)
        elif column in MULTI_LINE:
            fixed = mend(value, NOTE_MAX, lines=True)
        else:
            fixed = mend(value, TEXT_LIMITS.get(column, NAME_MAX))
        if fixed != value:
            row[column] = fixed
            changed = True
    return json.dumps(row, ensure_ascii=False) if changed else data


def _ref(column: str, target: str, data: str = "p.data") -> str:
    """The book's id of the row a pulled row points at; a customer merged into another (its id in
    ``customer_alias``) is the kept customer."""
    ref = BY_NAME[target]
    pointed = f"json_extract({data}, '$.{column}')"
    # sql-safe: names of the code
    found = f'(SELECT r.id FROM "{target}" r WHERE r.{ref.key} = {pointed})'
    if target != "customer":
        return found
    # sql-safe: names of the code
    return f"coalesce({found}, (SELECT a.customer_id FROM customer_alias a WHERE a.source_id = {pointed}))"


def _held(conn: sqlite3.Connection, t: Synced) -> None:
    """Mark in ``temp.held`` the pulled rows of ``t`` that need a merge's rules: rows of a customer
    merged into another (they go onto the kept one), and rows kept one per customer that would meet
    another row of the same customer and question (two customers merged: one of them is kept)."""
    if "customer_id" not in t.refs:
        return
    pointed = "json_extract(p.data, '$.customer_id')"
    # sql-safe: names of the code
    merged = (f"({pointed} NOT IN (SELECT uid FROM customer WHERE uid IS NOT NULL) "
              f"AND {pointed} IN (SELECT source_id FROM customer_alias))")
    conditions = [merged]
    if t.table in ONE_PER_KEYS:
        keys, _date = ONE_PER_KEYS[t.table]
        own = pointed + "".join(f" || char(31) || json_extract(p.data, '$.{k}')" for k in keys)
        same = "".join(f" AND x.{k} = json_extract(p.data, '$.{k}')" for k in keys)
        conditions.append(f"p.uid IS NOT ({own})")  # a row moved onto another customer by a merge
        conditions.append(  # sql-safe: names of the code
            f'EXISTS (SELECT 1 FROM "{t.table}" x WHERE x.customer_id = {_ref("customer_id", "customer")}{same} '
            "AND x.uid IS NOT p.uid)"
        )
    conn.execute(
        # sql-safe: names and expressions of the code
        "INSERT OR IGNORE INTO temp.held (r) SELECT p.rowid FROM temp.pulled p "
        f"WHERE p.tbl = ? AND p.data IS NOT NULL AND ({' OR '.join(conditions)})",
        (t.table,),
    )


def _apply_held(conn: sqlite3.Connection, t: Synced) -> int:
    """Write the held rows of ``t`` one by one, in the order the team wrote them: onto the kept
    customer; where that customer already has the one row for the question, the merge's rule
    (:func:`merging.theirs_kept`) keeps one; an order the kept customer already has stays once."""
    cols = columns_of(conn, t.table)
    quoted = ", ".join(f'"{c}"' for c in cols)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols)
    marks = ", ".join("?" for _ in range(len(cols) + 1))
    notnull = {r[0] for r in conn.execute("SELECT name FROM pragma_table_info(?) WHERE \"notnull\" OR pk",
                                          (t.table,))}
    one_per = ONE_PER_KEYS.get(t.table)
    done = 0
    held = conn.execute(
        "SELECT p.uid, p.data FROM temp.pulled p JOIN temp.held h ON h.r = p.rowid WHERE p.tbl = ? ORDER BY p.version",
        (t.table,),
    ).fetchall()
    for uid, data in held:
        row = json.loads(data)
        values = []
        for column in cols:
            target = t.refs.get(column)
            if target:
                # sql-safe: names of the code; the row is a parameter
                values.append(conn.execute(f"SELECT {_ref(column, target, '?1')}", (data,)).fetchone()[0])
            else:
                values.append(row.get(column))
        if any(v is None and c in notnull for c, v in zip(cols, values)):
            continue
        mine = dict(zip(cols, values))
        if one_per is not None:
            keys, _date = one_per
            where = " AND ".join(f'"{c}" = ?' for c in ("customer_id", *keys))
            # sql-safe: names of the code
            there = conn.execute(f'SELECT rowid, * FROM "{t.table}" WHERE {where} AND uid IS NOT ?',
                                 (*(mine[c] for c in ("customer_id", *keys)), uid))
            names = [d[0] for d in there.description]
            existing = there.fetchone()
            if existing is not None:
                if not merging.theirs_kept(t.table, dict(zip(names, existing)), mine):
                    conn.execute(f'DELETE FROM "{t.table}" WHERE uid = ?', (uid,))  # sql-safe: names of the code
                    continue
                conn.execute(f'DELETE FROM "{t.table}" WHERE rowid = ?', (existing[0],))  # sql-safe: as above
        conn.execute("SAVEPOINT held")
        try:
            conn.execute(
                # sql-safe: names of the code
                f'INSERT INTO "{t.table}" ({t.key}, {quoted}) VALUES ({marks}) ON CONFLICT ({t.key}) DO UPDATE SET {updates}',
                (uid, *values),
            )
        except sqlite3.IntegrityError:  # the kept customer has this order already: the book keeps it once
            conn.execute("ROLLBACK TO held")
        else:
            done += 1
        conn.execute("RELEASE held")
    return done


def apply(conn: sqlite3.Connection) -> int:
    """Write the rows of ``temp.pulled`` (tbl, uid, data, version) into the book:
    tombstones delete, the rest insert or update by key. A merge another rep made
    (a pulled ``customer_alias``) is made here too, before any tombstone: this
    book's rows of the merged customer move onto the kept one (:mod:`merging`),
    and rows pulled for the merged customer go there. Returns how many rows."""
    tables = present(conn)
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS held (r INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM temp.held")
    first = [t for t in tables if t.table in ("customer", "customer_alias")]
    done = sum(_upsert(conn, t) for t in first)
    for t in reversed(tables):
        # a merged customer's tombstone waits: its rows move onto the kept customer first
        merged = " AND uid NOT IN (SELECT source_id FROM customer_alias)" if t.table == "customer" else ""
        # sql-safe: names of the code
        cursor = conn.execute(
            f'DELETE FROM "{t.table}" WHERE {t.key} IN (SELECT uid FROM temp.pulled WHERE tbl = ? AND data IS NULL)'  # sql-safe: names of the code
            + merged,
            (t.table,),
        )
        done += max(cursor.rowcount, 0)
    merging.follow_merges(conn)
    merges = conn.execute("SELECT 1 FROM customer_alias LIMIT 1").fetchone() is not None
    for t in tables:
        if t in first:
            continue
        if merges:  # without a merge in the team every row meets its own customer and its own row
            _held(conn, t)
        done += _upsert(conn, t) + _apply_held(conn, t)
    conn.execute("DELETE FROM temp.held")
    return done


def _upsert(conn: sqlite3.Connection, t: Synced) -> int:
    cols = columns_of(conn, t.table)
    values, guards = [], []
    notnull = {r[0] for r in conn.execute("SELECT name FROM pragma_table_info(?) WHERE \"notnull\" OR pk",
                                          (t.table,))}
    for column in cols:
        target = t.refs.get(column)
        if target:
            expr = _ref(column, target)
            if column in notnull:
                guards.append(f" AND {expr} IS NOT NULL")
            values.append(expr)
        else:
            values.append(f"json_extract(p.data, '$.\"{column}\"')")  # sql-safe: names of the code
    quoted = ", ".join(f'"{c}"' for c in cols)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in cols)
    # sql-safe: names and expressions of the code
    sql = (
        f'INSERT INTO "{t.table}" ({t.key}, {quoted}) '  # sql-safe: names of the code
        f"SELECT p.uid, {', '.join(values)} FROM temp.pulled p "
        f"WHERE p.tbl = ? AND p.data IS NOT NULL{''.join(guards)} "
        "AND p.rowid NOT IN (SELECT r FROM temp.held) ORDER BY p.version "
        f"ON CONFLICT ({t.key}) DO UPDATE SET {updates}"
    )
    cursor = conn.execute(sql, (t.table,))
    return max(cursor.rowcount, 0)
