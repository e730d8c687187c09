"""Child process: time the planner filling one week on a book, in process.

``--check`` only says whether the planner has landed. Otherwise the segments are
computed once first (the board already has them when a rep plans; the engine has
its own budget), then "planning a week" is timed ``--times`` times: reading last
contacts, assessments and contracts (``store.plan.planning_customers``), the due
list and filling the week within capacity, and saving it (``store.plan.plan_week``).
The book is a scratch copy: the saved plan items go nowhere that matters.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time


def available() -> tuple[bool, str]:
    for module in ("segtui.domain.planning", "segtui.store.plan"):
        if importlib.util.find_spec(module) is None:
            return False, f"the planner ({module}) has not landed on main"
    from segtui.store import plan

    for name in ("planning_customers", "plan_week"):
        if not hasattr(plan, name):
            return False, f"segtui.store.plan has no {name}() (the benchmark needs updating)"
    return True, ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--book")
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--times", type=int, default=5)
    args = parser.parse_args()
    ok, why = available()
    if args.check or not ok:
        json.dump({"available": ok, "why": why}, sys.stdout)
        return
    import datetime as dt

    from segtui.domain import planning
    from segtui.store import plan as plan_store
    from segtui.store.book import open_book
    from segtui.store.segments import segment_book

    as_of = dt.date.fromisoformat(args.as_of)
    book = open_book(args.book, create=False)
    started = time.perf_counter()
    segments = segment_book(book, as_of)
    segment_seconds = time.perf_counter() - started
    monday = planning.week_monday(as_of)
    times = []
    proposals: list = []
    for _ in range(args.times):
        started = time.perf_counter()
        customers = plan_store.planning_customers(book, as_of, segments)
        proposals = plan_store.plan_week(book, monday, as_of, customers)
        times.append(time.perf_counter() - started)
    book.close()
    json.dump({
        "available": True, "plan": times,
        "note": f"{len(proposals)} items planned for {planning.week_label(monday)}; "
                f"segments computed once before, {segment_seconds:.2f} s, not counted",
    }, sys.stdout)


if __name__ == "__main__":
    main()
