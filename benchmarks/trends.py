"""What trends add to the segmentation engine (DESIGN §2 "Trend", §7).

    .venv/bin/segtui demo /tmp/big.db --customers 20000 --orders 1050000 --seed 1 --today 2026-11-23
    PYTHONPATH=src .venv/bin/python -m benchmarks.trends /tmp/big.db [--runs 5]

Times, in one process and alternating, ``segment_book`` with trends, without trends and the
bare SQL aggregate over the same rows (sum and distinct orders per customer in the window),
and prints the medians and their ratios."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sqlite3
import statistics
import time

from segtui.domain.segments import subtract_months
from segtui.store.book import open_book
from segtui.store.segments import segment_book

AS_OF = dt.date(2026, 11, 23)
BARE = (
    'SELECT customer_id, sum(amount), count(DISTINCT order_key) FROM "order" '
    "WHERE date > ? AND date <= ? GROUP BY customer_id"
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("book")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    book = open_book(args.book)
    bare = sqlite3.connect(f"file:{args.book}?mode=ro", uri=True)
    window = (subtract_months(AS_OF, 24).isoformat(), AS_OF.isoformat())
    gc.disable()
    times: dict[str, list[float]] = {"with trends": [], "without trends": [], "bare aggregate": []}
    jobs = {
        "with trends": lambda: segment_book(book, AS_OF),
        "without trends": lambda: segment_book(book, AS_OF, trends=False),
        "bare aggregate": lambda: bare.execute(BARE, window).fetchall(),
    }
    for name, job in jobs.items():  # warm the cache
        job()
    for _ in range(args.runs):
        for name, job in jobs.items():
            start = time.perf_counter()
            job()
            times[name].append(time.perf_counter() - start)
    m = {name: statistics.median(values) for name, values in times.items()}
    for name, value in m.items():
        print(f"{name:>15}: {value:.3f} s (median of {args.runs})")
    print(f"trends add {m['with trends'] / m['without trends']:.2f}× to segment_book")
    print(f"segment_book with trends / bare aggregate: {m['with trends'] / m['bare aggregate']:.2f}×")
    print(f"segment_book without trends / bare aggregate: {m['without trends'] / m['bare aggregate']:.2f}×")


if __name__ == "__main__":
    main()
