"""The team book: a PostgreSQL database every rep's book syncs with.

Rules in docs/team.md; what travels and how changes are captured in
:mod:`segtui.store.identity`.

The team book keeps, per travelling row, its latest state only (``segtui.row``:
table, uid, the row as JSON or NULL for a tombstone, the team version that
wrote it, the book that wrote it and when that book changed it). Every write
takes the next number of one sequence, and a sync holds a transaction-level
advisory lock, so versions are handed out in commit order: "everything after
version N" is exactly what a book that has N has not seen. Two reps syncing at
once: the second waits for the first (seconds), then both succeed.

A sync, in order (each step all-or-nothing, so a sync killed anywhere leaves
both books consistent and the next one finishes the work):

1. connect (a server down or refusing: one line, the book untouched);
2. in the book: new rows get their uid and a change-log entry;
3. in the team book, one transaction: send this book's changed rows (the same
   value as the team's is not sent again), settle conflicts, read what other
   books wrote since this book's last version, and the conflicts told to it;
4. in the book, one transaction: write what was read, forget the log entries
   that were sent, store the team version reached and the time.

A crash between 3 and 4 sends the same rows again next time; they equal the
team's and are skipped, so the second sync moves nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

from segtui.i18n import N_, Phrase, _
from segtui.store import identity

TEAM_SCHEMA = 1
LOCK = 0x5E6770  # the advisory lock every sync holds while it writes

_SCHEMA = [
    "CREATE SCHEMA IF NOT EXISTS segtui",
    "CREATE TABLE IF NOT EXISTS segtui.meta (key text PRIMARY KEY, value text NOT NULL)",
    "CREATE SEQUENCE IF NOT EXISTS segtui.version",
    """CREATE TABLE IF NOT EXISTS segtui.row (
        tbl        text NOT NULL,
        uid        text NOT NULL,
        data       jsonb,
        version    bigint NOT NULL,
        book       text NOT NULL,
        changed_at text NOT NULL,
        PRIMARY KEY (tbl, uid))""",
    "CREATE INDEX IF NOT EXISTS row_version ON segtui.row (version)",
    """CREATE TABLE IF NOT EXISTS segtui.conflict (
        id          bigserial PRIMARY KEY,
        tbl         text NOT NULL,
        uid         text NOT NULL,
        customer    text,
        winner      jsonb,
        loser       jsonb,
        winner_book text NOT NULL,
        loser_book  text NOT NULL,
        winner_at   text NOT NULL,
        loser_at    text NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS segtui.book (
        id        text PRIMARY KEY,
        name      text NOT NULL,
        last_sync text NOT NULL)""",
]


#: A rep without a name in the team board (the JSON's owner; the table says it in the language in use).
NO_OWNER = N_("(no owner)")

#: What a conflict line calls a table whose rows travel, and the fields of those rows (English: the
#: words as written; in the JSON the table's and the column's own names). A field not here is its column.
TABLE_WORDS = {
    "setting": N_("setting"), "customer": N_("customer"), "customer_alias": N_("merged customer id"),
    "contact": N_("contact"), "order": N_("order"), "assessment": N_("assessment"),
    "checklist_answer": N_("checklist answer"), "qualification": N_("qualification"),
    "buying_behaviour": N_("buying behaviour"), "place": N_("place"), "competitor_contract": N_("competitor contract"),
    "activity": N_("activity"), "plan_item": N_("plan item"), "note": N_("note"),
}
FIELD_WORDS = {
    "deleted": N_("deleted"), "name": N_("name"), "owner": N_("owner"), "city": N_("city"), "phone": N_("phone"),
    "email": N_("email"), "role": N_("role"), "industry": N_("industry"), "address": N_("address"),
    "postcode": N_("postcode"), "country": N_("country"), "archived": N_("archived"), "note": N_("note"),
    "outcome": N_("outcome"), "status": N_("status"), "day": N_("day"), "date": N_("date"), "kind": N_("kind"), "value": N_("value"),
}


def conflict_line(conflict: dict[str, Any], english: bool = False) -> str:
    """One conflict of a sync for people: what it was on, whose value was kept, and each field's two values
    (``english``: as the JSON names them, for scripts reading English; otherwise the fields and tables in the language in use)."""
    def value(v) -> str:
        if isinstance(v, bool) and not english:
            return _("yes") if v else _("no")
        return repr(v)

    def field(name: str) -> str:
        return name if english or name not in FIELD_WORDS else _(FIELD_WORDS[name])

    table = conflict["table"]
    values = "; ".join(_("{field}: {kept} kept, {lost} in history").format(field=field(k), kept=value(w), lost=value(l))
                       for k, (w, l) in conflict["values"].items())
    who = _("your value was kept") if conflict["kept"] == "yours" else _("another rep's later value was kept")
    what = (_("customer {customer}") if table == "customer" else _("{table} of customer {customer}")).format(
        table=table if english or table not in TABLE_WORDS else _(TABLE_WORDS[table]), customer=conflict["customer"])
    return _("conflict on {what}: {who} ({values})").format(what=what, who=who, values=values)


class TeamError(Exception):
    """The team book cannot be reached or used, in one line: a :class:`~segtui.i18n.Phrase`
    (``phrase``; ``str()`` is its English, ``i18n.said`` the language in use)."""

    def __init__(self, message: Phrase) -> None:
        super().__init__(str(message))
        self.phrase = message


class _Crossed(Exception):
    """Two reps merged the same customers opposite ways (docs/team.md): (merged-away id, kept id,
    where the other rep's merge took the kept one, whether the team book never had this merge)."""

    def __init__(self, merges: list[tuple[str, str, str, bool]]) -> None:
        super().__init__(merges)
        self.merges = merges


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    conflicts: list[dict[str, Any]] = field(default_factory=list)
    version: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"pushed": self.pushed, "pulled": self.pulled, "conflicts": self.conflicts, "version": self.version}


def _where(url: str) -> Phrase:
    try:
        from psycopg.conninfo import conninfo_to_dict

        info = conninfo_to_dict(url)
    except Exception:
        return Phrase("the team book")
    host = info.get("host") or "localhost"
    name = info.get("dbname") or info.get("user") or ""
    if host.startswith("/"):
        return Phrase("the team book {name}", name=name)
    return Phrase("the team book {name} on {host}", name=name, host=host)


def connect(url: str):
    """A connection to the team book, or TeamError in one line (password from
    ~/.pgpass or PGPASSWORD, never from the book)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - a dependency of segtui
        raise TeamError(Phrase("psycopg is not installed: pip install 'psycopg[binary]'")) from None
    try:
        return psycopg.connect(url, connect_timeout=5, application_name="segtui")
    except psycopg.Error as error:
        first = (str(error).strip().splitlines() or ["no answer"])[0]
        if "server at" in first and "failed:" in first:
            first = first.split("failed:", 1)[1].strip()
        raise TeamError(Phrase("cannot reach {where}: {error}; nothing was changed", where=_where(url),
                               error=first)) from None
    except Exception as error:  # a URL that is not one
        raise TeamError(Phrase("cannot reach the team book: {error}; nothing was changed", error=error)) from None


def _version(conn) -> int | None:
    exists = conn.execute("SELECT to_regclass('segtui.meta')").fetchone()[0]
    if exists is None:
        return None
    row = conn.execute("SELECT value FROM segtui.meta WHERE key = 'schema'").fetchone()
    return None if row is None else int(row[0])


def init(url: str) -> Phrase:
    """Create the team schema (again: nothing happens). Returns a line for the user."""
    with connect(url) as conn:
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
        found = _version(conn)
        if found is not None and found > TEAM_SCHEMA:
            raise TeamError(Phrase(
                "{where} was set up by a newer segtui (team version {found}, this segtui knows up to "
                "{known}); upgrade segtui — the team book was not changed", where=_where(url), found=found,
                known=TEAM_SCHEMA))
        if found == TEAM_SCHEMA:
            return Phrase("{where} is ready (team version {version}); nothing to do", where=_where(url),
                          version=TEAM_SCHEMA)
        for sql in _SCHEMA:
            conn.execute(sql)
        conn.execute(
            "INSERT INTO segtui.meta (key, value) VALUES ('schema', %s) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(TEAM_SCHEMA),),
        )
    return Phrase("{where} is set up (team version {version}); reps can now run segtui sync", where=_where(url),
                  version=TEAM_SCHEMA)


def _checked(conn, url: str) -> None:
    found = _version(conn)
    if found is None:
        raise TeamError(Phrase("{where} is not set up: run segtui team init URL first; nothing was changed",
                               where=_where(url)))
    if found > TEAM_SCHEMA:
        raise TeamError(Phrase("{where} was set up by a newer segtui (team version {found}); upgrade segtui — "
                               "nothing was changed", where=_where(url), found=found))


def _stamp(now: dt.datetime) -> str:
    now = now.astimezone(dt.timezone.utc) if now.tzinfo else now
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}"


def state(book) -> dict[str, str]:
    return dict(book.rows("SELECT key, value FROM team_state"))


def _diff(winner: dict | None, loser: dict | None) -> dict[str, list[Any]]:
    """The fields that differ: {field: [winner's value, loser's value]}."""
    if winner is None or loser is None:
        return {"deleted": [winner is None, loser is None]}
    return {k: [winner.get(k), loser.get(k)] for k in sorted(set(winner) | set(loser)) if winner.get(k) != loser.get(k)}


def _report(row: tuple, me: str) -> dict[str, Any]:
    tbl, uid, customer, winner, loser, winner_book, loser_book, winner_at, loser_at = row
    return {
        "table": tbl,
        "uid": uid,
        "customer": customer,
        "kept": "yours" if winner_book == me else "theirs",
        "winner": winner,
        "loser": loser,
        "values": _diff(winner, loser),
        "winner_book": winner_book,
        "loser_book": loser_book,
        "winner_at": winner_at,
        "loser_at": loser_at,
    }


def sync(book, url: str, now: dt.datetime, pause=None, read_only: bool = False) -> SyncResult:
    """Push this book's changes since its last sync and pull everyone else's.

    ``pause(step)`` is called between the steps (tests use it to stop a sync
    half-way). ``read_only`` takes the team's rows and sends nothing (the
    manager's board)."""
    pause = pause or (lambda step: None)
    stamp = _stamp(now)
    remote = connect(url)
    try:
        with remote.transaction():
            _checked(remote, url)
        # 2. in the book: identity for new rows
        known = state(book)
        first = "version" not in known
        with book.transaction() as conn:
            me = known.get("book") or uuid.uuid4().hex
            conn.execute("INSERT OR IGNORE INTO team_state (key, value) VALUES ('book', ?)", (me,))
            identity.fill_keys(conn, stamp)
            upto = conn.execute("SELECT coalesce(max(seq), 0) FROM team_change").fetchone()[0]
        pause("filled")
        since = int(known.get("version", 0))
        seen_conflict = int(known.get("conflict", 0))
        with book.lock:
            rows = [] if read_only else identity.outgoing(book.conn, first, upto)
        result = SyncResult()
        # 3. the team book
        with remote.transaction():
            remote.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK,))
            _checked(remote, url)
            remote.execute(
                "CREATE TEMP TABLE incoming (n bigint GENERATED ALWAYS AS IDENTITY, tbl text NOT NULL, uid text NOT NULL, "
                "data jsonb, changed_at text NOT NULL, PRIMARY KEY (tbl, uid)) ON COMMIT DROP"
            )
            with remote.cursor().copy("COPY incoming (tbl, uid, data, changed_at) FROM STDIN") as copy:
                for tbl, uid, data, at in rows:
                    copy.write_row((tbl, uid, data, at or stamp))
            pause("sent")
            crossed = remote.execute(
                # this book merged S into K, and another rep's merge took K into another customer first
                """SELECT i.uid, i.data ->> 'customer_id', r.data ->> 'customer_id', t.uid IS NULL
                   FROM incoming i
                   JOIN segtui.row r ON r.tbl = 'customer_alias' AND r.uid = i.data ->> 'customer_id'
                        AND r.data IS NOT NULL
                   LEFT JOIN segtui.row t ON t.tbl = 'customer_alias' AND t.uid = i.uid
                   WHERE i.tbl = 'customer_alias' AND i.data IS NOT NULL ORDER BY i.n"""
            ).fetchall()
            if crossed:
                raise _Crossed(crossed)
            # the same value as the team's: nothing to send (the same merge made in two books is one merge:
            # the day and the undo, which puts back that book's own rows, stay each book's)
            remote.execute(
                "DELETE FROM incoming i USING segtui.row r "
                "WHERE r.tbl = i.tbl AND r.uid = i.uid AND (r.data IS NOT DISTINCT FROM i.data "
                "OR (i.tbl = 'customer_alias' AND r.data ->> 'customer_id' = i.data ->> 'customer_id'))"
            )
            # tombstones of rows the team never had
            remote.execute(
                "DELETE FROM incoming i WHERE i.data IS NULL AND NOT EXISTS "
                "(SELECT 1 FROM segtui.row r WHERE r.tbl = i.tbl AND r.uid = i.uid)"
            )
            # conflicts: another book changed the row since this one last synced
            # (a first sync takes the team's rows: its book was never the team's)
            remote.execute(
                """CREATE TEMP TABLE clash ON COMMIT DROP AS
                   SELECT i.tbl, i.uid, i.data AS ours, r.data AS theirs, i.changed_at AS our_at,
                          r.changed_at AS their_at, r.book AS their_book,
                          (NOT %(first)s AND (i.changed_at, %(me)s::text) > (r.changed_at, r.book)) AS we_win
                   FROM incoming i JOIN segtui.row r ON r.tbl = i.tbl AND r.uid = i.uid
                   WHERE r.version > %(since)s AND r.book <> %(me)s""",
                {"first": first, "me": me, "since": since},
            )
            remote.execute(
                """INSERT INTO segtui.conflict (tbl, uid, customer, winner, loser, winner_book, loser_book,
                                                winner_at, loser_at)
                   SELECT tbl, uid,
                          coalesce(ours ->> 'customer_id', theirs ->> 'customer_id',
                                   CASE WHEN tbl = 'customer' THEN uid END),
                          CASE WHEN we_win THEN ours ELSE theirs END, CASE WHEN we_win THEN theirs ELSE ours END,
                          CASE WHEN we_win THEN %(me)s ELSE their_book END,
                          CASE WHEN we_win THEN their_book ELSE %(me)s END,
                          CASE WHEN we_win THEN our_at ELSE their_at END,
                          CASE WHEN we_win THEN their_at ELSE our_at END
                   FROM clash c WHERE NOT %(first)s AND NOT EXISTS (
                       SELECT 1 FROM segtui.conflict k WHERE k.tbl = c.tbl AND k.uid = c.uid
                       AND k.winner IS NOT DISTINCT FROM (CASE WHEN c.we_win THEN c.ours ELSE c.theirs END)
                       AND k.loser IS NOT DISTINCT FROM (CASE WHEN c.we_win THEN c.theirs ELSE c.ours END))""",
                {"me": me, "first": first},
            )
            remote.execute(
                "DELETE FROM incoming i USING clash c WHERE c.tbl = i.tbl AND c.uid = i.uid AND NOT c.we_win"
            )
            cursor = remote.execute(
                """INSERT INTO segtui.row (tbl, uid, data, version, book, changed_at)
                   SELECT tbl, uid, data, nextval('segtui.version'), %(me)s, changed_at
                   FROM (SELECT * FROM incoming ORDER BY n) AS i
                   ON CONFLICT (tbl, uid) DO UPDATE SET data = excluded.data, version = excluded.version,
                       book = excluded.book, changed_at = excluded.changed_at""",
                {"me": me},
            )
            result.pushed = cursor.rowcount
            pause("pushed")
            result.version = remote.execute("SELECT coalesce(max(version), 0) FROM segtui.row").fetchone()[0]
            pulled = []
            with remote.cursor().copy(
                "COPY (SELECT tbl, uid, data::text, version FROM segtui.row WHERE version > %s AND book <> %s) "
                "TO STDOUT",
                (since, me),
            ) as copy:
                for row in copy.rows():
                    pulled.append(row)
            told = remote.execute(
                "SELECT id, tbl, uid, customer, winner, loser, winner_book, loser_book, winner_at, loser_at "
                "FROM segtui.conflict WHERE id > %s AND (winner_book = %s OR loser_book = %s) ORDER BY id",
                (seen_conflict, me, me),
            ).fetchall()
            if not read_only:
                remote.execute(
                    "INSERT INTO segtui.book (id, name, last_sync) VALUES (%s, %s, %s) "
                    "ON CONFLICT (id) DO UPDATE SET name = excluded.name, last_sync = excluded.last_sync",
                    (me, book.name, stamp),
                )
        pause("committed")
        # 4. in the book
        with book.transaction() as conn:
            conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS pulled (tbl TEXT NOT NULL, uid TEXT NOT NULL, data TEXT, "
                "version INTEGER NOT NULL)"
            )
            conn.execute("DELETE FROM temp.pulled")
            # what the team book holds enters by the one text rule (a control character, an over-long name)
            conn.executemany("INSERT INTO temp.pulled (tbl, uid, data, version) VALUES (?, ?, ?, ?)",
                             ((tbl, uid, identity.mended(tbl, data), version) for tbl, uid, data, version in pulled))
            # rows written while the team book was busy get their id first (one per customer, such as
            # a place found from the town, then meets the team's row by its id); they travel next time
            identity.fill_keys(conn, stamp)
            before = conn.execute("SELECT coalesce(max(seq), 0) FROM team_change").fetchone()[0]
            identity.apply(conn)
            # what was just written is the team's, not a change of this book; what was sent is sent
            conn.execute("DELETE FROM team_change WHERE seq <= ? OR seq > ?", (upto, before))
            conn.execute("DELETE FROM temp.pulled")
            for row in told:
                conn.execute(
                    "INSERT INTO team_conflict (tbl, uid, customer, winner, loser, winner_book, loser_book, "
                    "winner_at, loser_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (row[1], row[2], row[3], json.dumps(row[4]), json.dumps(row[5]), *row[6:]),
                )
            news = {"version": str(result.version), "last_sync": stamp, "url": _where(url)}
            if told:
                news["conflict"] = str(told[-1][0])
            conn.executemany(
                "INSERT INTO team_state (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                sorted(news.items()),
            )
        result.pulled = len(pulled)
        result.conflicts = [_report(row[1:], me) for row in told]
        return result
    except _Crossed as error:
        # nothing reached the team book; the merges it never had are this book's alone again (they can be undone)
        with book.transaction() as conn:
            conn.execute("UPDATE customer_alias SET uid = NULL WHERE source_id IN (SELECT value FROM json_each(?))",
                         (json.dumps([row[0] for row in error.merges if row[3]]),))
        other, keep, theirs, _new = error.merges[0]
        raise TeamError(Phrase(
            "{other} was merged into {keep} in this book, but another rep had merged {keep} into {theirs} first: "
            "undo this merge (segtui duplicates BOOK --undo, or ctrl+z on the duplicates screen) and sync again; "
            "nothing was sent", other=other, keep=keep, theirs=theirs)) from None
    except TeamError:
        raise
    except Exception as error:
        import psycopg

        if isinstance(error, psycopg.Error):
            first = (str(error).strip().splitlines() or ["no answer"])[0]
            raise TeamError(Phrase("the sync with {where} failed: {error}; try again (nothing half-done was kept)",
                                   where=_where(url), error=first)) from None
        raise
    finally:
        remote.close()


def last_sync(book) -> str | None:
    """When this book last synced (UTC, as stored), or None."""
    try:
        return book.scalar("SELECT value FROM team_state WHERE key = 'last_sync'")
    except Exception:
        return None


def coverage(book, as_of: dt.date, owner: str | None = None) -> list[dict[str, Any]]:
    """Per rep and segment: customers, plan items planned and done, and the
    share done (None when nothing was planned)."""
    from segtui.store.segments import segment_book

    segments = segment_book(book, as_of)
    items: dict[int, list[int]] = {}
    for customer_id, status, n in book.rows(
        "SELECT customer_id, status, count(*) FROM plan_item GROUP BY customer_id, status"
    ):
        counts = items.setdefault(customer_id, [0, 0])
        counts[0] += n
        if status == "done":
            counts[1] += n
    table: dict[tuple[str, str], list[int]] = {}
    for c in segments:
        rep = c.owner or NO_OWNER
        if owner is not None and rep != owner:
            continue
        cell = table.setdefault((rep, c.segment.quadrant.value), [0, 0, 0])
        planned, done = items.get(c.id, (0, 0))
        cell[0] += 1
        cell[1] += planned
        cell[2] += done
    return [
        {"owner": rep, "segment": seg, "customers": n, "planned": p, "done": d, "coverage": (d / p) if p else None}
        for (rep, seg), (n, p, d) in sorted(table.items())
    ]
