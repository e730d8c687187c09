"""What trends and movements add to the segmentation engine (DESIGN §2 "Trend", §7).

    .venv/bin/segtui demo /tmp/big.db --customers 20000 --orders 1050000 --seed 1 --today 2026-11-23
    PYTHONPATH=src .venv/bin/python -m benchmarks.trends /tmp/big.db [--runs 5]

Times, in one process and alternating, ``segment_book`` with trends, without trends, what
``segments --compare`` classifies (the book now with trends and on the last quarter end
without) and the bare SQL aggregate over the same rows (sum and distinct orders per customer
in the window), and prints the medians (wall and CPU) and their ratios. Then one customer's
eight quarter ends as the customer screen works them out: from nothing kept, for a customer
whose own rows do and for one whose estimated budget needs the whole book, and again with
the quarter ends kept."""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import sqlite3
import statistics
import time

from segtui.domain.movements import last_quarter_end, quarter_ends_before
from segtui.domain.segments import subtract_months
from segtui.store.book import open_book
from segtui.store.segments import segment_book, standings

AS_OF = dt.date(2026, 11, 23)
EARLIER = last_quarter_end(AS_OF)
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
    jobs = {
        "with trends": lambda: segment_book(book, AS_OF),
        "without trends": lambda: segment_book(book, AS_OF, trends=False),
        "--compare": lambda: (segment_book(book, AS_OF), segment_book(book, EARLIER, trends=False)),
        "bare aggregate": lambda: bare.execute(BARE, window).fetchall(),
    }
    times: dict[str, list[float]] = {name: [] for name in jobs}
    cpu: dict[str, list[float]] = {name: [] for name in jobs}
    for name, job in jobs.items():  # warm the cache
        job()
    for _ in range(args.runs):
        for name, job in jobs.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            job()
            times[name].append(time.perf_counter() - start)
            cpu[name].append(time.process_time() - start_cpu)
    m = {name: statistics.median(values) for name, values in times.items()}
    c = {name: statistics.median(values) for name, values in cpu.items()}
    for name in jobs:
        print(f"{name:>15}: {m[name]:.3f} s wall, {c[name]:.3f} s CPU (medians of {args.runs})")
    print(f"trends add {m['with trends'] / m['without trends']:.2f}× to segment_book")
    for name in ("with trends", "without trends", "--compare"):
        print(f"{name} / bare aggregate: {m[name] / m['bare aggregate']:.2f}× wall, "
              f"{c[name] / c['bare aggregate']:.2f}× CPU")
    gc.enable()
    days = quarter_ends_before(AS_OF)
    now = segment_book(book, AS_OF, trends=False)
    # assessed before the oldest quarter end: its own rows do on every day
    own = book.scalar("SELECT a.customer_id FROM assessment a JOIN customer c ON c.id = a.customer_id "
                      "WHERE c.archived = 0 AND a.budget_per_year IS NOT NULL AND a.date <= ? "
                      "ORDER BY a.customer_id LIMIT 1", (days[-1].isoformat(),))
    estimated = next(s.id for s in now if s.estimate is not None and s.estimate.source == "estimated")
    for label, cid in (("an assessed customer", own), ("an estimated customer", estimated)):
        book.memo.clear()
        start = time.perf_counter()
        list(standings(book, cid, days))
        cold = time.perf_counter() - start
        start = time.perf_counter()
        list(standings(book, cid, days))
        print(f"eight quarter ends of {label}: {cold:.3f} s from nothing kept, "
              f"{time.perf_counter() - start:.4f} s with the quarter ends kept")


if __name__ == "__main__":
    main()
