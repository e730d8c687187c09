"""The segmentation engine's data side: one aggregate pass over the orders in SQL,
then the rules of ``domain.segments`` over those aggregates.

Every screen and command asks :func:`segment_book`; nothing else re-implements a rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pendulum

from segtui.domain.segments import Config, Estimate, Facts, Segment, classify_all
from segtui.store.book import Book


@dataclass(frozen=True)
class Window:
    """The day boundaries the engine needs for one ``as_of``.

    ``start`` is exclusive (orders strictly after it count), ``as_of`` inclusive.
    ``month_starts[i]`` is the exclusive start of the i-th month-long period
    ending on ``as_of`` (i = 0 is the latest)."""

    as_of: str
    start: str
    year_start: str
    month_starts: tuple[str, ...]

    @classmethod
    def ending(cls, as_of: dt.date, months: int = 24) -> "Window":
        day = pendulum.date(as_of.year, as_of.month, as_of.day)
        return cls(
            as_of=day.isoformat(),
            start=day.subtract(months=months).isoformat(),
            year_start=day.subtract(months=12).isoformat(),
            month_starts=tuple(day.subtract(months=i).isoformat() for i in range(1, 13)),
        )


@dataclass(frozen=True)
class CustomerSegment:
    """A customer as the board and the commands list it."""

    id: int
    source_id: str
    name: str
    city: str | None
    owner: str | None
    last_order: str | None
    segment: Segment


def _aggregate_sql(window: Window) -> tuple[str, dict[str, str]]:
    params = {"as_of": window.as_of, "w0": window.start, "y0": window.year_start}
    period_cases = []
    for i, start in enumerate(window.month_starts):
        params[f"m{i}"] = start
        period_cases.append(f"WHEN date > :m{i} THEN {i}")
    period = "CASE " + " ".join(period_cases) + " END"
    # sql-safe: only parameter names and numbers from the code are formatted in
    sql = f"""
        WITH o AS (
            SELECT customer_id, min(date) AS date, sum(amount) AS net
            FROM "order" INDEXED BY order_aggregate
            WHERE date <= :as_of
            GROUP BY customer_id, order_key
        )
        SELECT customer_id,
               sum(CASE WHEN date > :w0 THEN net ELSE 0 END) AS window_revenue,
               sum(CASE WHEN date > :y0 THEN net ELSE 0 END) AS revenue_12m,
               sum(net > 0 AND date > :w0) AS orders_in_window,
               sum(net > 0 AND date > :y0) AS orders_12m,
               sum(net > 0 AND date <= :y0) AS orders_before_12m,
               count(DISTINCT CASE WHEN net > 0 AND date > :y0 THEN {period} END) AS active_months_12,
               max(CASE WHEN net > 0 THEN date END) AS last_order
        FROM o
        GROUP BY customer_id
    """
    return sql, params


def order_facts(book: Book, as_of: dt.date, months: int = 24) -> dict[int, Facts]:
    """Aggregates per customer with orders on or before ``as_of``."""
    sql, params = _aggregate_sql(Window.ending(as_of, months))
    return {row[0]: Facts(*row) for row in book.query(sql, params)}


def latest_estimates(book: Book, as_of: dt.date) -> dict[int, Estimate]:
    """Each customer's latest assessment made on or before ``as_of``."""
    rows = book.query(
        """
        SELECT customer_id, budget_per_year, loyalty_override FROM (
            SELECT customer_id, budget_per_year, loyalty_override,
                   row_number() OVER (PARTITION BY customer_id ORDER BY date DESC, id DESC) AS n
            FROM assessment WHERE date <= ?
        ) WHERE n = 1
        """,
        (as_of.isoformat(),),
    )
    return {cid: Estimate(budget, override) for cid, budget, override in rows}


def segment_book(book: Book, as_of: dt.date | None = None) -> list[CustomerSegment]:
    """Every active customer with every class of DESIGN §2, in name order."""
    as_of = as_of or dt.date.today()
    config = Config.from_settings(book.settings())
    facts = order_facts(book, as_of, config.window_months)
    estimates = latest_estimates(book, as_of)
    customers = book.query(
        "SELECT id, source_id, name, city, owner FROM customer "
        "WHERE archived = 0 ORDER BY name COLLATE NOCASE, id"
    )
    all_facts = [facts.get(c[0]) or Facts(customer_id=c[0]) for c in customers]
    segments = classify_all(all_facts, estimates, config)
    return [
        CustomerSegment(
            id=c[0],
            source_id=c[1],
            name=c[2],
            city=c[3],
            owner=c[4],
            last_order=facts[c[0]].last_order if c[0] in facts else None,
            segment=segments[c[0]],
        )
        for c in customers
    ]
