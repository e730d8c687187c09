"""The trend of each customer (DESIGN §2 "Trend") from one SQL pass over the orders.

Per customer the pass gives the distinct days with an order of positive net up to ``as_of``
(an order's day is the day of its first row) and the net revenue of the last 12 months and of
the 12 months before; ``domain.trends`` applies the rule."""

from __future__ import annotations

import datetime as dt
import json

from segtui.domain.segments import subtract_months
from segtui.domain.trends import Trend, TrendConfig, trend
from segtui.store.book import Book

_ORDERS = (
    'SELECT customer_id, date, amount AS net FROM "order" WHERE order_key NOT GLOB \'d:*\' AND {where} '
    "UNION ALL "
    'SELECT customer_id, min(date) AS date, sum(amount) AS net FROM "order" '
    "WHERE order_key GLOB 'd:*' AND {where} GROUP BY customer_id, order_key"
)
# sql-safe: {source} is _ORDERS with fixed conditions
_TRENDS = """
    SELECT customer_id,
           group_concat(DISTINCT date) FILTER (WHERE net > 0),
           ifnull(sum(net) FILTER (WHERE date > :y0), 0),
           ifnull(sum(net) FILTER (WHERE date > :w0 AND date <= :y0), 0)
    FROM ({source})
    GROUP BY customer_id
"""
_ALL = "date <= :as_of"
_LISTED = "date <= :as_of AND customer_id IN (SELECT value FROM json_each(:ids))"


def trend_inputs(book: Book, as_of: dt.date, customer_ids: list[int] | None = None):
    """customer id → (sorted order days, revenue of the last 12 months, of the 12 before)."""
    params = {
        "as_of": as_of.isoformat(),
        "y0": subtract_months(as_of, 12).isoformat(),
        "w0": subtract_months(as_of, 24).isoformat(),
    }
    where = _ALL
    if customer_ids is not None:
        where, params["ids"] = _LISTED, json.dumps(customer_ids)
    rows = book.rows(_TRENDS.format(source=_ORDERS.format(where=where)), params)
    day = dt.date.fromisoformat
    return {
        cid: (sorted(map(day, days.split(","))) if days else [], r12, before)
        for cid, days, r12, before in rows
    }


def book_trends(book: Book, as_of: dt.date, lapsed: set[int], customer_ids: list[int] | None = None,
                config: TrendConfig | None = None) -> dict[int, Trend]:
    """The trend of every customer listed (default: every customer with orders);
    ``lapsed`` holds the lapsed customers' ids (they have none)."""
    config = config or TrendConfig.from_settings(book.settings())
    inputs = trend_inputs(book, as_of, customer_ids)
    empty = ([], 0, 0)
    ids = customer_ids if customer_ids is not None else list(inputs)
    return {
        cid: trend(cid in lapsed, *inputs.get(cid, empty), as_of, config)
        for cid in ids
    }
