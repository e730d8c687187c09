"""The segmentation engine's data side: aggregates of the orders in SQL, then the
rules of ``domain.segments`` over those aggregates.

Every screen and command asks :func:`segment_book`; nothing else re-implements a rule.

How the orders are read (DESIGN §2): an *order* is an order id; rows without
one are grouped by customer and day (their ``order_key`` is ``'d:' + date``),
and an order counts only when its net amount is positive. Rows with an id are
one row per order (the unique index ``order_by_ref``), so the engine reads them
directly in one pass over the covering index ``order_aggregate`` (customer,
key, date, amount) in customer order, read backwards (see _WINDOW) — no
temporary b-tree, no DISTINCT. Only
when the book holds rows without an id are those rows (and only those) summed
per customer and day first, in a second pass; the results add up per customer.
On a large book on disk the pass runs in two halves at once (two read-only
connections, two cores). Customers with no order in the window, and the rare
customer with 256+ orders in the last 12 months, get a small follow-up query by
customer id (index seeks).
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import NamedTuple

from segtui import clock
from segtui.domain.estimate import (
    EstimateConfig,
    Profile,
    estimate_wallets,
    pattern_of,
    region_of,
    size_band,
    year_scale,
)
from segtui.domain.segments import (
    Config,
    Estimate,
    Facts,
    Quadrant,
    Segment,
    classify_all,
    month_periods,
    source_id_order,
    subtract_months,
)
from segtui.domain.trends import Trend
from segtui.store.book import Book


@dataclass(frozen=True)
class Window:
    """The day boundaries the engine needs for one ``as_of`` (ISO dates).

    ``start`` and ``year_start`` are exclusive (orders strictly after them
    count), ``as_of`` inclusive: ``as_of − 24 months < d ≤ as_of``."""

    as_of: str
    start: str
    year_start: str
    period_starts: tuple[str, ...]  # exclusive starts of the 12 month-long periods, latest first

    @classmethod
    def ending(cls, as_of: dt.date, months: int = 24) -> "Window":
        return cls(
            as_of=as_of.isoformat(),
            start=subtract_months(as_of, months).isoformat(),
            year_start=subtract_months(as_of, 12).isoformat(),
            period_starts=tuple(start.isoformat() for start, _ in month_periods(as_of, 12)),
        )

    def params(self) -> dict[str, object]:
        return {
            "as_of": self.as_of,
            "w0": self.start,
            "y0": self.year_start,
            **{f"m{i}": start for i, start in enumerate(self.period_starts)},
        }


# Tuples of the engine's NamedTuples are made with tuple.__new__ (as NamedTuple._make
# does, without its checks): a big book makes tens of thousands per run.
_new = tuple.__new__


class CustomerSegment(NamedTuple):
    """A customer as the board and the commands list it."""

    id: int
    source_id: str
    name: str
    city: str | None
    owner: str | None
    last_order: str | None
    segment: Segment
    facts: Facts | None = None  # what the order history says, as the rules read it
    estimate: Estimate | None = None  # the latest assessment the rules used (None: never assessed)
    trend: Trend | None = None  # declining or silent (domain.trends), after the group


# The orders as (customer_id, date, net), for the rows matching {where}. Rows
# with an order id are orders already (one row per customer and id); rows
# without one (key 'd:' + date) are summed per customer and day first.
_ROWS = 'SELECT customer_id, date, amount AS net FROM "order" INDEXED BY order_aggregate WHERE {where}'
_DAYS = (
    'SELECT customer_id, min(date) AS date, sum(amount) AS net FROM "order" INDEXED BY order_aggregate '
    "WHERE {where} GROUP BY customer_id, order_key"
)
_WITH_ID = "order_key NOT GLOB 'd:*'"
_WITHOUT_ID = "order_key GLOB 'd:*'"
_IN_WINDOW = "date > :w0 AND date <= :as_of"
# Which customers a pass reads (see _WindowJob). A bound costs a comparison per
# row, so a pass over every customer has none, and of the two halves read at
# once only the upper one needs a bound where its (backward) scan ends: the
# lower half starts below :split and runs to the first row of the index.
_CUSTOMERS = {
    "all": "",
    "one": " AND customer_id = :customer",
    "lower": " AND customer_id < :split",
    "upper": " AND customer_id >= :split",
}
_LISTED = "date <= :as_of AND customer_id IN (SELECT value FROM json_each(:ids))"


def _sources(without_id: bool, where: str) -> list[str]:
    """The order sources to aggregate (their results add up per customer)."""
    if not without_id:
        return [_ROWS.format(where=where)]
    return [_ROWS.format(where=f"{_WITH_ID} AND {where}"), _DAYS.format(where=f"{_WITHOUT_ID} AND {where}")]


def _listed_source(without_id: bool) -> str:
    """One source for queries over a list of customers (:ids)."""
    return " UNION ALL ".join(_sources(without_id, _LISTED))


# One pass over the window: revenue (24 months and 12 months), positive orders
# (both), every order id / day including credit notes, the last positive order,
# and which of the twelve month-long periods ending on as_of hold an order.
# :m0 … :m11 are the periods' exclusive starts, latest first (domain.segments.
# month_periods). The periods are counted without a DISTINCT (which costs a
# b-tree per customer): each order adds 1 to an 8-bit field of its period, six
# periods per sum, and Python reads which fields are non-zero and adds them up
# (the positive orders of the last 12 months). A field can only carry over with
# 256+ orders in one month; customers with 256+ entries in the window are
# counted again exactly (_ACTIVE_MONTHS_EXACT).
#
# What keeps the pass cheap (it reads every order row of the window): the
# source already holds only the window's rows (no second WHERE), an aggregate
# step runs only for the rows its FILTER selects (so the positive orders are the
# entries less the rare credit notes), each FILTER tests its most selective
# condition first, and an order's period is found by halving (three comparisons
# at most) rather than a chain of six. The index is read backwards (ORDER BY
# customer_id DESC): a customer's order ids mostly follow their dates, so read
# backwards the latest order comes first and max(date) seldom has to take a new
# value (each new text maximum costs SQLite a memory allocation).


def _period_field(first: int, last: int, base: int) -> str:
    """SQL for 1 << 8·(period − base) of an order in periods first … last (a
    period p holds the dates after :m{p} up to :m{p−1}), by halving."""
    if first == last:
        return str(1 << (8 * (first - base)))
    middle = (first + last) // 2
    return (
        f"CASE WHEN date > :m{middle} THEN {_period_field(first, middle, base)} "
        f"ELSE {_period_field(middle + 1, last, base)} END"
    )


# sql-safe: _WINDOW and _ACTIVE_MONTHS_EXACT format in only parameter names and numbers from the code
_WINDOW = f"""
    SELECT customer_id,
           sum(net),
           ifnull(sum(net) FILTER (WHERE date > :y0), 0),
           count(*) - count(*) FILTER (WHERE net <= 0),
           count(*),
           max(date) FILTER (WHERE net > 0),
           sum({_period_field(0, 5, 0)}) FILTER (WHERE date > :m5 AND net > 0),
           sum({_period_field(6, 11, 6)}) FILTER (WHERE date <= :m5 AND date > :y0 AND net > 0)
    FROM ({{source}})
    GROUP BY customer_id
    ORDER BY customer_id DESC
"""
_PERIOD = "CASE " + " ".join(f"WHEN date > :m{i} THEN {i}" for i in range(11)) + " ELSE 11 END"
# sql-safe: see _WINDOW
_ACTIVE_MONTHS_EXACT = f"""
    SELECT customer_id, count(*), count(DISTINCT {_PERIOD})
    FROM ({{source}})
    WHERE date > :y0 AND date <= :as_of AND net > 0 AND customer_id IN (SELECT value FROM json_each(:ids))
    GROUP BY customer_id
"""
FIELD_LIMIT = 256  # entries in the window from which the 8-bit fields could carry over


# The last positive order on or before the window's start, for the customers
# that need it (lapsed, and the last order of a customer with none in the window).
_BEFORE_WINDOW = """
    SELECT customer_id, max(date)
    FROM ({source})
    WHERE date <= :w0 AND net > 0
      AND customer_id IN (SELECT value FROM json_each(:ids))
    GROUP BY customer_id
"""


# Books with more order rows than this are aggregated in two halves at once (two
# connections, two cores); SQLite does the work outside Python's GIL.
PARALLEL_FROM_ROWS = 200_000


def has_rows_without_id(book: Book) -> bool:
    """True when some order rows have no order id (answered by a partial index)."""
    return bool(book.scalar('SELECT EXISTS (SELECT 1 FROM "order" WHERE order_ref IS NULL)'))


def order_facts(
    book: Book, as_of: dt.date, months: int = 24, customer_ids: list[int] | None = None
) -> dict[int, Facts]:
    """Aggregates per customer of the orders on or before ``as_of`` (a window of
    ``months`` ending on it). Every customer in ``customer_ids`` (default: every
    customer with orders) gets Facts, also without orders."""
    return _FactsJob(book, as_of, months).facts(customer_ids)


class _FactsJob:
    """The order facts of a book, started at once so the caller can read the
    customers and assessments while SQLite aggregates (see :class:`_WindowJob`)."""

    def __init__(self, book: Book, as_of: dt.date, months: int, only: int | None = None) -> None:
        self.book = book
        self.params = Window.ending(as_of, months).params()
        self.without_id = has_rows_without_id(book)
        self.windows = [
            _WindowJob(book, _window_sql(self.without_id, part), self.params, only)
            for part in range(2 if self.without_id else 1)
        ]

    def facts(self, customer_ids: list[int] | None = None) -> dict[int, Facts]:
        book, params = self.book, self.params
        source = _listed_source(self.without_id)
        sums = _add_up([job.result() for job in self.windows])
        busy = {cid for cid, row in sums.items() if row[4] >= FIELD_LIMIT}
        exact = (
            {cid: (orders, months) for cid, orders, months in book.rows(
                _ACTIVE_MONTHS_EXACT.format(source=source), {**params, "ids": json.dumps(sorted(busy))}
            )}
            if busy
            else {}
        )
        if customer_ids is None:
            customer_ids = [r[0] for r in book.rows('SELECT DISTINCT customer_id FROM "order"')]

        facts: dict[int, Facts | None] = {}
        # customers whose orders in the window do not already prove an order before the
        # last 12 months: their last positive order before the window is asked for below
        need_before = []
        found = sums.get
        for cid in customer_ids:
            s = found(cid)
            if s is None:
                facts[cid] = None
                need_before.append(cid)
                continue
            _, revenue, revenue_12m, orders, entries, last, latest_six, earlier_six = s
            if cid in busy:
                orders_12m, active = exact.get(cid, (0, 0))
            elif latest_six or earlier_six:
                # (positive orders, active periods) of the last 12 months from the two packed
                # sums: the sum of the twelve 8-bit fields and how many are non-zero
                fields = ((latest_six or 0) | (earlier_six or 0) << 48).to_bytes(12, "little")
                orders_12m, active = sum(fields), 12 - fields.count(0)
            else:
                orders_12m = active = 0
            if orders == orders_12m:
                need_before.append(cid)
            facts[cid] = _new(
                Facts, (cid, revenue, revenue_12m, orders, orders_12m, orders > orders_12m, active, last, entries)
            )
        before = (
            dict(book.rows(_BEFORE_WINDOW.format(source=source), {**params, "ids": json.dumps(need_before)}))
            if need_before
            else {}
        )
        for cid in need_before:
            earlier = before.get(cid)
            seen = facts[cid]
            if seen is None:
                facts[cid] = _new(Facts, (cid, 0, 0, 0, 0, earlier is not None, 0, earlier, 0))
            elif earlier is not None:
                facts[cid] = seen._replace(ordered_before_12m=True, last_order=seen.last_order or earlier)
        return facts


def _add_up(results) -> dict[int, tuple]:
    """Window rows per customer; rows of the same customer from several sources add
    up (sums and counts, the packed month fields too) and keep the latest order."""
    first, *others = results
    sums: dict[int, tuple] = {row[0]: row for row in first}  # one row per customer and source
    for rows in others:
        for row in rows:
            seen = sums.get(row[0])
            if seen is None:
                sums[row[0]] = row
                continue
            last = max((d for d in (seen[5], row[5]) if d is not None), default=None)
            add = [(seen[i] or 0) + (row[i] or 0) for i in (1, 2, 3, 4, 6, 7)]
            sums[row[0]] = (row[0], *add[:4], last, *add[4:])
    return sums


def _window_sql(without_id: bool, part: int):
    """The window aggregate over source ``part`` of the orders (see :func:`_sources`)
    for a choice of customers (a key of _CUSTOMERS)."""

    def sql(customers: str) -> str:
        return _WINDOW.format(source=_sources(without_id, _IN_WINDOW + _CUSTOMERS[customers])[part])

    return sql


def _parallel_sees_the_book(book: Book) -> bool:
    """Whether the aggregate may run on separate read-only connections: only a
    large book on disk whose own connection holds no open transaction. Inside a
    transaction (an import classifying the book before and after its writes, a dry
    run) other connections cannot see the uncommitted rows, so the book's own
    connection must answer."""
    if book.path == ":memory:" or book.conn.in_transaction:
        return False
    return (book.scalar('SELECT max(rowid) FROM "order"') or 0) >= PARALLEL_FROM_ROWS


class _WindowJob:
    """The window aggregate. On a large book on disk it runs at once in two
    threads, each on its own read-only connection over half of the customers
    (SQLite works outside Python's GIL, so two cores share it); :meth:`result`
    waits for both. Otherwise (small or in-memory books, or ``only`` one customer)
    it runs on the spot."""

    def __init__(self, book: Book, sql, params: dict, only: int | None = None) -> None:
        self.book, self.whole, self.params = book, sql("all"), params
        self.rows: list[tuple] | None = None
        self.parts: list[list[tuple]] = [[], []]
        self.failed = False
        self.threads: list[threading.Thread] = []
        if only is not None:
            self.rows = book.rows(sql("one"), {**params, "customer": only})
            return
        if not _parallel_sees_the_book(book):
            self.rows = book.rows(self.whole, params)
            return
        first, last = book.rows("SELECT min(id), max(id) FROM customer")[0]
        halves = {**params, "split": (first + last) // 2 + 1}
        # read-only connections opened the way the book's own was (an immutable read of
        # a read-only file leaves no -wal/-shm files beside it)
        self.uri = getattr(book, "reader_uri", None) or f"{Path(book.path).resolve().as_uri()}?mode=ro"
        for part, customers in enumerate(("lower", "upper")):
            thread = threading.Thread(
                target=self._run, args=(part, sql(customers), halves), name=f"segments-{part}", daemon=True
            )
            thread.start()
            self.threads.append(thread)

    def _run(self, part: int, sql: str, params: dict) -> None:
        # Sorted once more (a sort SQLite cannot skip), the whole pass runs in the
        # query's first step, with Python's GIL released throughout. Streamed, the
        # thread would take the GIL back for every customer's row (column by column,
        # in Python 3.11) and wait for it while the main thread runs Python — stalling
        # the pass — and the two halves would hand the GIL to and fro.
        sql = f"SELECT * FROM ({sql}) ORDER BY customer_id + 0 DESC"  # sql-safe: our own SQL
        try:
            conn = sqlite3.connect(self.uri, uri=True, check_same_thread=False)
            try:
                self.parts[part] = conn.execute(sql, params).fetchall()
            finally:
                conn.close()
        except sqlite3.Error:  # e.g. a file that cannot be opened twice: one connection below
            self.failed = True

    def result(self) -> list[tuple]:
        if self.rows is None:
            for thread in self.threads:
                thread.join()
            self.rows = self.book.rows(self.whole, self.params) if self.failed else self.parts[0] + self.parts[1]
        return self.rows


# the rep's own word beats a file's (DESIGN §2): 'entered' and 'confirmed' are the rep's
_HUMAN = ("entered", "confirmed")


def latest_estimates(book: Book, as_of: dt.date, customer_id: int | None = None) -> dict[int, Estimate]:
    """Each customer's assessed budget and loyalty override on ``as_of``, by tier: the
    rep's own assessments (typed, or an estimate confirmed) win over imported ones.
    Within the tier that counts: the budget of the latest assessment that states one,
    and the loyalty override of the latest assessment (an override only counts while
    it is in the latest one). The budget's tier is the ``source`` ('entered' for the
    rep's, 'imported'); a budget only an import states is used when the rep stated
    none. Latest = by date, then by the order they were entered. One customer's when
    ``customer_id`` is given."""
    only = "" if customer_id is None else "AND customer_id = ? "
    params = (as_of.isoformat(),) if customer_id is None else (as_of.isoformat(), customer_id)
    rows = book.rows(  # sql-safe: `only` is fixed text with a ? parameter
        "SELECT customer_id, budget_per_year, loyalty_override, source FROM assessment "
        f"WHERE date <= ? {only}ORDER BY customer_id, date, id",
        params,
    )
    # in that order a later row replaces an earlier one: the latest override, the latest stated budget
    human_override: dict[int, float | None] = {}
    imported_override: dict[int, float | None] = {}
    human_budget: dict[int, int] = {}
    imported_budget: dict[int, int] = {}
    for cid, budget, override, source in rows:
        if source in _HUMAN:
            human_override[cid] = override
            if budget is not None:
                human_budget[cid] = budget
        else:
            imported_override[cid] = override
            if budget is not None:
                imported_budget[cid] = budget
    result: dict[int, Estimate] = {}
    for cid in {**imported_override, **human_override}:
        override = human_override[cid] if cid in human_override else imported_override[cid]
        if cid in human_budget:
            result[cid] = _new(Estimate, (human_budget[cid], override, "entered", None))
        elif cid in imported_budget:
            result[cid] = _new(Estimate, (imported_budget[cid], override, "imported", None))
        else:
            result[cid] = _new(Estimate, (None, override, None, None))
    return result


def _profiles(customers: list[tuple], facts: dict[int, Facts], config: Config) -> tuple[list[Profile], dict[str, str]]:
    """Every buying customer's profile for the estimate, and how its attributes are written.
    A book has few distinct places, sizes and industries: each is worked out once."""
    profiles: list[Profile] = []
    names: dict[str, str] = {}
    places: dict[tuple, tuple] = {}  # (city, postcode, country) → (region, country key)
    sizes: dict[tuple, str | None] = {}
    industries: dict[str | None, str | None] = {None: None}
    patterns: dict[tuple, str | None] = {}
    x_from, y_from = config.x_from, config.y_from
    for cid, _source, _name, city, _owner, industry, employees, annual_revenue, country, postcode in customers:
        f = facts.get(cid)
        if f is None or f.orders_in_window == 0:
            continue
        place = places.get((city, postcode, country))
        if place is None:
            country_key = (country or "").strip().casefold() or None
            region = region_of(city, postcode, country)
            if country_key is not None:
                names.setdefault(f"country:{country_key}", country.strip())
            if region is not None:
                where = (city or "").strip() or f"postcode {''.join((postcode or '').split())[:2]}"
                names.setdefault(f"region:{region}", f"{where}, {country.strip()}" if country_key else where)
            place = places[(city, postcode, country)] = (region, country_key)
        size = sizes.get((employees, annual_revenue), False)
        if size is False:
            size = sizes[(employees, annual_revenue)] = size_band(
                employees, None if annual_revenue is None else annual_revenue // 100)
        trade = industries.get(industry, False)
        if trade is False:
            clean = (industry or "").strip()
            trade = industries[industry] = clean.casefold() if clean else None
            if clean:
                names.setdefault(f"industry:{trade}", clean)
        n = f.orders_in_window
        frequency = "X" if n >= x_from else "Y" if n >= y_from else "Z"
        pattern = patterns.get((frequency, f.ordered_before_12m))
        if pattern is None:
            pattern = patterns[(frequency, f.ordered_before_12m)] = pattern_of(frequency, f.ordered_before_12m)
        revenue_12m = f.revenue_12m
        earlier = f.window_revenue - revenue_12m
        profiles.append(_new(Profile, (
            cid, revenue_12m if revenue_12m >= earlier else earlier, revenue_12m,
            trade, size, place[0], place[1], pattern,
        )))
    return profiles, names


def book_year_scale(book: Book, as_of: dt.date) -> Fraction:
    """The estimate's year scale of ``book`` on ``as_of`` (domain.estimate.year_scale): from the
    book's first order on or before that day."""
    first = book.scalar('SELECT min(date) FROM "order" WHERE date <= ?', (as_of.isoformat(),))
    return year_scale(dt.date.fromisoformat(first) if first else None, as_of)


def _with_estimates(
    customers: list[tuple], facts: dict[int, Facts], estimates: dict[int, Estimate], config: Config,
    settings: dict[str, str], book: Book | None = None, as_of: dt.date | None = None,
) -> dict[int, Estimate]:
    """``estimates`` with an estimated budget for each customer that has no budget
    from any assessment (DESIGN §2 "Estimated potential")."""
    wanted_config = EstimateConfig.from_settings(settings)
    if not wanted_config.enabled:
        return estimates
    none = Estimate()
    wanted = [c[0] for c in customers if estimates.get(c[0], none).budget_per_year is None]
    if not wanted:
        return estimates
    profiles, names = _profiles(customers, facts, config)
    scale = Fraction(1)
    if book is not None and as_of is not None and not any(f is not None and f.ordered_before_12m
                                                          for f in facts.values()):
        scale = book_year_scale(book, as_of)  # nobody bought before the last 12 months: maybe a young book
    wallets = estimate_wallets(profiles, wanted, wanted_config, names, scale)
    if not wallets:
        return estimates
    result = dict(estimates)
    for cid, wallet in wallets.items():
        override = estimates.get(cid, none).loyalty_override
        result[cid] = _new(Estimate, (wallet.budget_per_year, override, "estimated", wallet.basis))
    return result


_CUSTOMERS_SQL = (
    "SELECT id, source_id, name, city, owner, industry, employees, annual_revenue, country, postcode "
    "FROM customer WHERE archived = 0"
)


def segment_book(book: Book, as_of: dt.date | None = None, trends: bool = True) -> list[CustomerSegment]:
    """Every active (not archived) customer with every class of DESIGN §2, in name order
    (with its trend unless ``trends`` is False)."""
    as_of = as_of or clock.today()
    settings = book.settings()
    config = Config.from_settings(settings)
    job = _FactsJob(book, as_of, config.window_months)  # aggregates while we read the customers
    trend_job = _trend_job(book, as_of, months=config.window_months) if trends else None  # and the trends'
    customers = book.rows(_CUSTOMERS_SQL + " ORDER BY name COLLATE NOCASE, id")
    ids = [c[0] for c in customers]
    estimates = latest_estimates(book, as_of)
    facts = job.facts(ids)
    estimates = _with_estimates(customers, facts, estimates, config, settings, book, as_of)
    ties = {c[0]: source_id_order(c[1]) for c in customers} if config.mode == "pareto" else None
    segments = classify_all((facts[i] for i in ids), estimates, config, ties)
    estimate = estimates.get
    trend = trend_job.trends(_lapsed(segments), facts).get if trend_job is not None else {}.get
    # (id, source_id, name, city, owner, last_order, segment, facts, estimate, trend)
    return [
        _new(CustomerSegment, (*c[:5], f.last_order, segments[cid], f, estimate(cid), trend(cid)))
        for c in customers
        for cid in (c[0],)
        for f in (facts[cid],)
    ]


def _trend_job(book: Book, as_of: dt.date, customer_ids: list[int] | None = None, months: int = 24):
    from segtui.store.trends import TrendJob

    return TrendJob(book, as_of, customer_ids, months)


def _lapsed(segments: dict) -> set[int]:
    from segtui.domain.segments import Group

    return {cid for cid, s in segments.items() if s.group is Group.LAPSED}


def _trends(book: Book, as_of: dt.date, segments: dict, facts: dict[int, Facts], months: int) -> dict[int, Trend]:
    return _trend_job(book, as_of, list(facts), months).trends(_lapsed(segments), facts)


_WHOLE_BOOK = object()  # the customer's classes need the whole book classified


def segment_customer(
    book: Book, customer_id: int, as_of: dt.date | None = None, trends: bool = True
) -> CustomerSegment | None:
    """One customer's segment, by the same aggregate and rules as :func:`segment_book`
    over that customer's rows only (None for an archived or unknown customer), with its
    trend unless ``trends`` is False.

    Pareto classes depend on the whole book, so in that mode the whole book is
    classified; so is an estimated budget (its peers are the whole book)."""
    as_of = as_of or clock.today()
    found = _one_customer(book, customer_id, as_of, trends)
    if found is _WHOLE_BOOK:
        return next((c for c in segment_book(book, as_of, trends) if c.id == customer_id), None)
    return found


def _one_customer(book: Book, customer_id: int, as_of: dt.date, trends: bool):
    """:func:`segment_customer` from the customer's rows, or ``_WHOLE_BOOK`` when its
    rules need every customer."""
    settings = book.settings()
    config = Config.from_settings(settings)
    if config.mode == "pareto":
        return _WHOLE_BOOK
    rows = book.rows(_CUSTOMERS_SQL + " AND id = ?", (customer_id,))
    if not rows:
        return None
    c = rows[0]
    facts = customer_facts(book, customer_id, as_of, config.window_months)
    estimates = latest_estimates(book, as_of, customer_id)
    if (
        EstimateConfig.from_settings(settings).enabled
        and facts.orders_in_window > 0
        and estimates.get(customer_id, Estimate()).budget_per_year is None
    ):
        return _WHOLE_BOOK
    segments = classify_all([facts], estimates, config)
    trend = (_trends(book, as_of, segments, {customer_id: facts}, config.window_months).get(customer_id)
             if trends else None)
    return CustomerSegment(
        c[0], c[1], c[2], c[3], c[4], facts.last_order, segments[customer_id], facts, estimates.get(customer_id), trend
    )


Standing = tuple[Quadrant, str]  # (quadrant, revenue class)


def book_standings(book: Book, day: dt.date) -> dict[int, Standing]:
    """Every active customer's quadrant and revenue class on ``day``, by the rules
    ``segments --compare`` classifies an earlier day with (:func:`segment_book` without
    trends). Kept beside the book while nothing is saved to it (:meth:`Book.stamp`), so
    the board and each customer opened ask the engine once per day."""
    key = ("standings", day)
    kept = book.recalled(key)
    if kept is not None:
        return kept  # type: ignore[return-value]
    found = {c.id: (c.segment.quadrant, c.segment.revenue_class) for c in segment_book(book, day, trends=False)}
    days = [k for k in book.memo if isinstance(k, tuple) and k[0] == "standings"]
    for old in days[: max(0, len(days) - 11)]:  # a dozen days at most (20,000 customers: ~2 MB each)
        book.memo.pop(old, None)
    book.remember(key, found)
    return found


def standings(book: Book, customer_id: int, days: list[dt.date]):
    """Where the customer stood on each of ``days``: yields (day, (quadrant, revenue class)
    or None for a customer not on the board), classified from the book as it stood then —
    the orders up to the day, the assessments dated on or before it, today's settings —
    by the rules of ``segments --compare`` (no trend). Nothing of the past is stored: each
    day is worked out from the book, from the customer's rows when its rules allow, else
    with the whole book (:func:`book_standings`)."""
    for day in days:
        kept = book.recalled(("standings", day))
        if kept is not None:
            yield day, kept.get(customer_id)  # type: ignore[attr-defined]
            continue
        found = _one_customer(book, customer_id, day, trends=False)
        if found is _WHOLE_BOOK:
            yield day, book_standings(book, day).get(customer_id)
        else:
            yield day, None if found is None else (found.segment.quadrant, found.segment.revenue_class)


def customer_facts(book: Book, customer_id: int, as_of: dt.date, months: int | None = None) -> Facts:
    """One customer's order facts on ``as_of`` (archived customers too), over that
    customer's rows only; ``months`` defaults to the book's window."""
    if months is None:
        months = Config.from_settings(book.settings()).window_months
    return _FactsJob(book, as_of, months, only=customer_id).facts([customer_id])[customer_id]
