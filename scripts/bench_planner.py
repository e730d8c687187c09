"""Time planning a week on a big book (DESIGN §7 style benchmark, not a test).

    PYTHONPATH=src python scripts/bench_planner.py /tmp/big-planner.db [--as-of 2026-11-23]

Segments are computed once first (the segmentation engine has its own budget);
the planning step is: reading last contacts, assessments and contracts, the due
list, filling the week, and saving it. Runs on a copy of the book in memory, so
the book itself is not changed.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import sqlite3
import statistics
import time

from segtui.domain import planning
from segtui.store import plan as plan_store
from segtui.store.book import Book, open_book
from segtui.store.segments import segment_book


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("book")
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    as_of = dt.date.fromisoformat(args.as_of)
    source = open_book(args.book, create=False)
    memory = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
    source.conn.backup(memory)
    source.close()
    memory.row_factory = sqlite3.Row
    book = Book(memory, ":memory:")
    start = time.perf_counter()
    segments = segment_book(book, as_of)
    seg_ms = (time.perf_counter() - start) * 1000
    monday = planning.week_monday(as_of)
    timings, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        customers = plan_store.planning_customers(book, as_of, segments)
        proposals = plan_store.plan_week(book, monday, as_of, customers)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    config = planning.PlanConfig.from_settings(book.settings())
    paused = getattr(plan_store, "collector_paused", contextlib.nullcontext)  # (not in older versions)
    phases = {"read contacts, assessments, contracts": [], "due list": [], "fill the week": []}
    for _ in range(args.runs):
        t0 = time.perf_counter()
        customers = plan_store.planning_customers(book, as_of, segments)
        t1 = time.perf_counter()
        with paused():  # as plan_week() runs them
            dues = planning.due_list(customers, config, as_of, until=monday + dt.timedelta(days=4))
            t2 = time.perf_counter()
            planning.fill_week(dues, planning.week_days(monday, config), config)
            t3 = time.perf_counter()
        for name, took in zip(phases, (t1 - t0, t2 - t1, t3 - t2)):
            phases[name].append(took * 1000)
    print(f"{len(segments)} customers; segments (given input) {seg_ms:.0f} ms")
    for name, values in phases.items():
        print(f"  {name}: median {statistics.median(values):.1f} ms")
    print(f"planning a week ({len(proposals)} items): median {statistics.median(timings):.1f} ms, "
          f"min {min(timings):.1f} ms, max {max(timings):.1f} ms over {args.runs} runs; "
          f"CPU time median {statistics.median(cpu):.1f} ms, min {min(cpu):.1f} ms (less disturbed by other programs)")


if __name__ == "__main__":
    main()
