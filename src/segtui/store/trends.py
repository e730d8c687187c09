"""The trend of each customer (DESIGN §2 "Trend") from one SQL pass over the orders.

Per customer the pass gives the days with an order of positive net up to ``as_of`` (an
order's day is the day of its first row) and the net revenue of the last 12 months and of
the 12 months before; ``domain.trends`` applies the rule.

What keeps the pass cheap (it reads every order row of the history, BENCHMARKS.md
"Trends"): the orders come from the same sources as the segments' window pass (one index
scan in customer order, and the rows without an order id summed per day only when a book
has such rows), so SQLite groups them without a sort; the days are handed over as day
numbers in one text per customer, without a DISTINCT (a b-tree per customer), and Python
drops the repeats; on a large book the pass runs in two threads at once while the caller
classifies the book (:class:`segtui.store.segments._WindowJob`)."""

from __future__ import annotations

import datetime as dt
import json

from segtui.domain.segments import subtract_months
from segtui.domain.trends import Trend, TrendConfig, trend_of_day_numbers
from segtui.store.book import Book

# julianday(date) - 1721424.5 is the day's number as Python's date.toordinal() gives it
_TRENDS = """
    SELECT customer_id,
           group_concat(CAST(julianday(date) AS INTEGER) - 1721424) FILTER (WHERE net > 0),
           ifnull(sum(net) FILTER (WHERE date > :y0), 0),
           ifnull(sum(net) FILTER (WHERE date > :w0 AND date <= :y0), 0)
    FROM ({source})
    GROUP BY customer_id
"""
_HISTORY = "date <= :as_of"


def _params(as_of: dt.date) -> dict:
    return {
        "as_of": as_of.isoformat(),
        "y0": subtract_months(as_of, 12).isoformat(),
        "w0": subtract_months(as_of, 24).isoformat(),
    }


class TrendJob:
    """The trend pass, started at once (in threads on a large book) so the caller can
    classify the book meanwhile; :meth:`trends` waits for it."""

    def __init__(self, book: Book, as_of: dt.date, customer_ids: list[int] | None = None) -> None:
        from segtui.store.segments import _CUSTOMERS, _LISTED, _WindowJob, _sources, has_rows_without_id

        self.book, self.as_of = book, as_of
        params = _params(as_of)
        without_id = has_rows_without_id(book)
        if customer_ids is not None:
            params["ids"] = json.dumps(customer_ids)
            source = " UNION ALL ".join(_sources(without_id, _LISTED))
            self.jobs = None
            self.rows = book.rows(_TRENDS.format(source=source), params)
            return
        self.rows = None

        def sql(part: int):
            def of(customers: str) -> str:
                return _TRENDS.format(source=_sources(without_id, _HISTORY + _CUSTOMERS[customers])[part])

            return of

        self.jobs = [_WindowJob(book, sql(part), params) for part in range(2 if without_id else 1)]

    def inputs(self, skip: set[int] = frozenset()) -> dict[int, tuple[list[int], int, int]]:
        """customer id → (sorted day numbers, a day repeated when it holds several orders, revenue of the last 12 months, of the 12
        before); the customers in ``skip`` (lapsed: no trend) get no days."""
        parts = [self.rows] if self.rows is not None else [job.result() for job in self.jobs]
        out: dict[int, tuple[list[int], int, int]] = {}
        for rows in parts:
            for cid, days, r12, before in rows:
                numbers = sorted(map(int, days.split(","))) if days and cid not in skip else []
                seen = out.get(cid)
                if seen is not None:  # the same customer from both sources: add up
                    numbers = sorted(numbers + seen[0])
                    r12 += seen[1]
                    before += seen[2]
                out[cid] = (numbers, r12, before)
        return out

    def trends(self, lapsed: set[int], customer_ids: list[int] | None = None,
               config: TrendConfig | None = None) -> dict[int, Trend]:
        config = config or TrendConfig.from_settings(self.book.settings())
        inputs = self.inputs(lapsed)
        empty: tuple[list[int], int, int] = ([], 0, 0)
        ids = customer_ids if customer_ids is not None else list(inputs)
        as_of = self.as_of
        return {
            cid: trend_of_day_numbers(cid in lapsed, *inputs.get(cid, empty), as_of, config)
            for cid in ids
        }


def trend_inputs(book: Book, as_of: dt.date, customer_ids: list[int] | None = None):
    """customer id → (sorted order days, revenue of the last 12 months, of the 12 before)."""
    day = dt.date.fromordinal
    return {
        cid: ([day(n) for n in sorted(set(numbers))], r12, before)
        for cid, (numbers, r12, before) in TrendJob(book, as_of, customer_ids).inputs().items()
    }


def book_trends(book: Book, as_of: dt.date, lapsed: set[int], customer_ids: list[int] | None = None,
                config: TrendConfig | None = None) -> dict[int, Trend]:
    """The trend of every customer listed (default: every customer with orders);
    ``lapsed`` holds the lapsed customers' ids (they have none)."""
    return TrendJob(book, as_of, customer_ids).trends(lapsed, customer_ids, config)
