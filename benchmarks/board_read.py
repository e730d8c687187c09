"""Where the board's reading of a book goes: time and memory, step by step.

    PYTHONPATH=src python -m benchmarks.board_read BOOK [--as-of 2026-11-23] [--profile 25]

The steps of the board's worker (``ui/board.py``, ``BoardScreen._read``), in one
process with no screen: ``segment_book`` (the engine, trends included), the
planner's view of every customer (``planning_customers``), the board's rows with
their due dates (the rest of ``store.board.board_rows``), the first order of the
lists, the newest order and the thresholds offered. For each: wall and CPU
seconds, and the resident memory after it (and the peak so far), so what the
first start with no board kept waits for and what the app holds afterwards can be
read off. ``--profile N`` also prints cProfile's N most expensive functions of the
whole reading (cumulative), which slows it down.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
from pathlib import Path


def _resident_mb() -> float:
    pages = int(Path("/proc/self/statm").read_text().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("book")
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--profile", type=int, default=0, help="print this many functions of cProfile's")
    args = parser.parse_args(argv)
    as_of = dt.date.fromisoformat(args.as_of)

    from segtui.domain.segments import Config
    from segtui.store import board as store_board
    from segtui.store import plan as store_plan
    from segtui.store.book import open_book
    from segtui.ui.board import BoardView, _newest_order, thresholds_to_offer

    steps: list[tuple[str, float, float, float, float]] = []
    clock = [time.perf_counter(), time.process_time()]

    def step(name: str) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        steps.append((name, wall - clock[0], cpu - clock[1], _resident_mb(), _peak_mb()))
        clock[0], clock[1] = time.perf_counter(), time.process_time()

    book = open_book(args.book, create=False)
    step("open the book (imports included)")
    segment_book, planning_customers = store_board.segment_book, store_plan.planning_customers

    def timed_segments(*a, **k):
        step("(board_rows: settings)")
        segments = segment_book(*a, **k)
        step("segment_book (engine, estimates, trends)")
        return segments

    def timed_planning(*a, **k):
        customers = planning_customers(*a, **k)
        step("planning_customers (contacts, assessments, contracts, places)")
        return customers

    store_board.segment_book, store_plan.planning_customers = timed_segments, timed_planning
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    settings = book.settings()
    rows = store_board.board_rows(book, as_of)
    step("the board's rows: due dates, notes, BoardRow")
    ordered = BoardView().apply(rows)
    step("the first order of the lists (BoardView().apply)")
    _newest_order(book, rows, as_of, as_of)
    step("the newest order")
    thresholds_to_offer(settings, {r.id: r.customer.segment.revenue for r in rows},
                        (k for r in rows for k in (r.customer.segment.revenue_class,
                                                   r.customer.segment.potential_class)),
                        Config.from_settings(settings), (r.potential for r in rows))
    step("the thresholds offered")
    if profiler is not None:
        profiler.disable()
    store_board.segment_book, store_plan.planning_customers = segment_book, planning_customers
    print(f"{len(rows):,} customers on the board; {sum(len(v) for v in ordered.values()):,} in the lists")
    print(f"{'step':<66} {'wall s':>7} {'CPU s':>7} {'RSS MB':>7} {'peak MB':>8}")
    for name, wall, cpu, rss, peak in steps:
        print(f"{name:<66} {wall:7.2f} {cpu:7.2f} {rss:7.0f} {peak:8.0f}")
    total_wall = sum(s[1] for s in steps[1:])
    total_cpu = sum(s[2] for s in steps[1:])
    print(f"{'the reading (every step after opening)':<66} {total_wall:7.2f} {total_cpu:7.2f}")
    if profiler is not None:
        import pstats

        pstats.Stats(profiler).sort_stats("cumulative").print_stats(args.profile)
    book.close()


if __name__ == "__main__":
    main()
