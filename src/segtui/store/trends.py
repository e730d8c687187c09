"""The trend of each customer (DESIGN §2 "Trend") without reading every order ever.

The rule needs, per customer, the net revenue of the last 12 months and of the 12 before
(the segments' window pass has them: the window is 24 months) and the rhythm of its order
days (days with an order of positive net up to ``as_of``, an order's day the day of its
first row): the last one, how many, the median gap between them (``domain.trends.Rhythm``).

The book keeps each customer's rhythm over its whole history (table ``order_rhythm``,
book version 11). It holds for every ``as_of`` on or after its last order day, since the
days up to such a day are all the days; a customer whose last order day is later than
``as_of`` (a back-test, a day in the past) has its days read from the orders instead, as
has every customer whose orders changed since the rhythms were worked out. So the answer
is the same as reading every order, whatever the day.

What changed is found without a trigger on every new order (one would cost an import of a
million rows seconds): orders added get ids above ``order_rhythm_seen.last_order_id``;
triggers note the customers of orders changed or deleted (``order_rhythm_stale``) and count
the deleted ones, so an order added with an id in a gap below the mark shows as a count
that does not add up, and then no kept rhythm is trusted. :func:`refresh_rhythms` works the
changed ones out again before a transaction of the book commits (``Book.transaction``).

Reading the days (for the changed customers, or all of them): the orders come from the
same sources as the segments' window pass (one index scan in customer order, the rows
without an order id summed per day only when a book has such rows), the days handed over
as day numbers in one text per customer, without a DISTINCT (a b-tree per customer); on a
large book the pass runs in two threads while the caller classifies the book
(:class:`segtui.store.segments._WindowJob`)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3

from segtui.domain.segments import Facts, subtract_months
from segtui.domain.trends import NO_RHYTHM, Rhythm, Trend, TrendConfig, rhythm, trend_of_rhythm
from segtui.store.book import Book

# julianday(date) - 1721424.5 is the day's number as Python's date.toordinal() gives it
_DAYS = """
    SELECT customer_id, group_concat(CAST(julianday(date) AS INTEGER) - 1721424) FILTER (WHERE net > 0)
    FROM ({source})
    GROUP BY customer_id
"""
# what the book keeps: the days, and the customer's first order row
_KEPT = """
    SELECT customer_id, group_concat(CAST(julianday(date) AS INTEGER) - 1721424) FILTER (WHERE net > 0), min(date)
    FROM ({source})
    GROUP BY customer_id
"""
_HISTORY = "date <= :as_of"
_EVER = "1"
_LISTED_EVER = "customer_id IN (SELECT value FROM json_each(:ids))"
# the two yearly revenues, when the book's window is not the 24 months they span
_REVENUES = """
    SELECT customer_id,
           ifnull(sum(net) FILTER (WHERE date > :y0), 0),
           ifnull(sum(net) FILTER (WHERE date <= :y0), 0)
    FROM ({source})
    GROUP BY customer_id
"""
_IN_24_MONTHS = "date > :w0 AND date <= :as_of"
# a day's numbers over this many customers are read in one pass over the whole book
WHOLE_BOOK_FROM = 4000


def _params(as_of: dt.date) -> dict:
    return {
        "as_of": as_of.isoformat(),
        "y0": subtract_months(as_of, 12).isoformat(),
        "w0": subtract_months(as_of, 24).isoformat(),
    }


def _rows(conn: sqlite3.Connection, sql: str, params: object = ()) -> list[tuple]:
    cursor = conn.cursor()
    cursor.row_factory = None
    try:
        return cursor.execute(sql, params).fetchall()
    finally:
        cursor.close()


def changed_customers(conn: sqlite3.Connection) -> set[int] | None:
    """The customers whose kept rhythm may no longer hold (their orders changed since it was
    worked out); None when that cannot be told (an order was added into a gap of the ids) and
    no kept rhythm holds."""
    (mark, orders, deleted), = _rows(conn, "SELECT last_order_id, orders, deleted FROM order_rhythm_seen")
    if mark == 0:
        return None  # never worked out
    added = _rows(conn, 'SELECT customer_id FROM "order" WHERE id > ?', (mark,))
    (total,), = _rows(conn, 'SELECT count(*) FROM "order"')
    if total != orders - deleted + len(added):
        return None
    stale = _rows(conn, "SELECT customer_id FROM order_rhythm_stale")
    return {r[0] for r in added} | {r[0] for r in stale}


def _any_change(conn: sqlite3.Connection) -> bool:
    (changed,), = _rows(conn, 'SELECT EXISTS (SELECT 1 FROM order_rhythm_stale) OR EXISTS (SELECT 1 FROM "order" '
                              "WHERE id > (SELECT last_order_id FROM order_rhythm_seen))")
    return bool(changed)


def _day_numbers(parts) -> dict[int, list[int]]:
    """customer id → its day numbers (unsorted, repeats kept; empty for a customer with orders
    but none of positive net) from rows of (customer id, days, …) of one or more sources."""
    out: dict[int, list[int]] = {}
    for rows in parts:
        for cid, days, *_ in rows:
            numbers = list(map(int, days.split(","))) if days else []
            seen = out.get(cid)
            out[cid] = numbers + seen if seen is not None else numbers
    return out


def refresh_rhythms(conn: sqlite3.Connection) -> None:
    """Work out again, in the caller's transaction, the kept rhythm of every customer whose
    orders changed since it was last worked out (nothing to do: two index seeks)."""
    from segtui.store.segments import _sources

    if not _any_change(conn):
        return
    changed = changed_customers(conn)
    without_id = conn.execute('SELECT EXISTS (SELECT 1 FROM "order" WHERE order_ref IS NULL)').fetchone()[0]
    if changed is None:
        where, params = _EVER, {}
        conn.execute("DELETE FROM order_rhythm")
    else:
        ids = json.dumps(sorted(changed))
        where, params = _LISTED_EVER, {"ids": ids}
        conn.execute("DELETE FROM order_rhythm WHERE customer_id IN (SELECT value FROM json_each(?))", (ids,))
    parts = [_rows(conn, _KEPT.format(source=source), params) for source in _sources(bool(without_id), where)]
    first: dict[int, str] = {}
    for rows in parts:
        for cid, _days, day in rows:
            first[cid] = min(day, first.get(cid, day))
    kept = []
    for cid, numbers in _day_numbers(parts).items():
        found = rhythm(sorted(numbers))
        last = found.last_day.isoformat() if found.last_day is not None else None
        kept.append((cid, first[cid], last, found.days, found.doubled_gap))
    conn.executemany(
        "INSERT INTO order_rhythm (customer_id, first_day, last_day, days, gap2) VALUES (?, ?, ?, ?, ?)", kept)
    conn.execute("DELETE FROM order_rhythm_stale")
    conn.execute('UPDATE order_rhythm_seen SET last_order_id = (SELECT ifnull(max(id), 0) FROM "order"), '
                 'orders = (SELECT count(*) FROM "order"), deleted = 0')


class TrendJob:
    """The trends of a book on ``as_of``: the kept rhythms, and the order days of the
    customers they do not answer for read from the orders, started at once (in threads on a
    large book) so the caller can classify the book meanwhile; :meth:`trends` waits for it.

    ``customer_ids`` (a few customers, the customer screen): their days are read from their
    orders (index seeks). ``months``: the book's window; the yearly revenues come from its
    facts when it is the 24 months they span, else from a pass of their own."""

    def __init__(self, book: Book, as_of: dt.date, customer_ids: list[int] | None = None, months: int = 24) -> None:
        from segtui.store.segments import _CUSTOMERS, _WindowJob, _sources, has_rows_without_id

        self.book, self.as_of = book, as_of
        params = _params(as_of)
        without_id = has_rows_without_id(book)
        # the kept rhythms that hold on as_of, as stored (a customer whose first order is later has none)
        self.kept: dict[int, tuple[str | None, int, int | None]] = {}
        self.every = customer_ids is not None  # a trend for each customer listed, also without orders
        self.revenues: dict[int, tuple[int, int]] | None = None
        self.jobs: list[_WindowJob] | None = None
        self.rows: list[list[tuple]] = []
        listed = None
        if customer_ids is not None:
            listed = customer_ids
        else:
            with book.lock:
                changed = changed_customers(book.conn)
            if changed is not None:
                later = []
                day = params["as_of"]
                for cid, first, *kept in book.rows(
                        "SELECT customer_id, first_day, last_day, days, gap2 FROM order_rhythm"):
                    if cid in changed:
                        continue
                    if first > day:
                        continue  # no order yet: no trend
                    if kept[0] is None:
                        self.kept[cid] = (None, 0, None)  # orders, none of positive net
                    elif kept[0] > day:
                        later.append(cid)
                    else:
                        self.kept[cid] = kept  # type: ignore[assignment]
                need = changed.union(later)
                if len(need) < WHOLE_BOOK_FROM:
                    listed = sorted(need)
        if months != 24:
            where = (_IN_24_MONTHS + " AND customer_id IN (SELECT value FROM json_each(:ids))"
                     if customer_ids is not None else _IN_24_MONTHS)
            revenue_params = {**params, "ids": json.dumps(customer_ids)} if customer_ids is not None else params
            self.revenues = {}
            for source in _sources(without_id, where):
                for cid, r12, before in book.rows(_REVENUES.format(source=source), revenue_params):
                    seen = self.revenues.get(cid, (0, 0))
                    self.revenues[cid] = (seen[0] + r12, seen[1] + before)
        if listed is not None:
            if listed:
                where = _HISTORY + " AND " + _LISTED_EVER
                self.rows = [book.rows(_DAYS.format(source=source), {**params, "ids": json.dumps(listed)})
                             for source in _sources(without_id, where)]
            return

        def sql(part: int):
            def of(customers: str) -> str:
                return _DAYS.format(source=_sources(without_id, _HISTORY + _CUSTOMERS[customers])[part])

            return of

        self.jobs = [_WindowJob(book, sql(part), params) for part in range(2 if without_id else 1)]

    def rhythms(self, skip: set[int] = frozenset()) -> dict[int, Rhythm]:
        """customer id → the rhythm of its order days up to ``as_of``, for every customer with
        an order up to that day; the customers in ``skip`` (lapsed: no trend) get none."""
        parts = self.rows if self.jobs is None else [job.result() for job in self.jobs]
        kept = self.kept
        # the days read from the orders, of the customers no kept rhythm answers for
        read = _day_numbers([(row for row in rows if row[0] not in kept) for rows in parts])
        stored = Rhythm.stored
        out = {cid: NO_RHYTHM if cid in skip or found[0] is None else stored(*found)  # type: ignore[arg-type]
               for cid, found in kept.items()}
        for cid, numbers in read.items():
            out[cid] = NO_RHYTHM if cid in skip else rhythm(sorted(numbers))
        return out

    def trends(self, lapsed: set[int], facts: dict[int, Facts],
               config: TrendConfig | None = None) -> dict[int, Trend]:
        """The trend of every customer in ``facts`` (the segments' window facts on ``as_of``)."""
        config = config or TrendConfig.from_settings(self.book.settings())
        rhythms = self.rhythms(lapsed)
        found = rhythms.get
        as_of, revenues = self.as_of, self.revenues
        every = self.every
        out = {}
        for cid, f in facts.items():
            if cid not in rhythms and not every:
                continue  # no order up to as_of: no trend
            if revenues is None:
                r12, before = f.revenue_12m, f.window_revenue - f.revenue_12m
            else:
                r12, before = revenues.get(cid, (0, 0))
            out[cid] = trend_of_rhythm(cid in lapsed, found(cid, NO_RHYTHM), r12, before, as_of, config)
        return out
