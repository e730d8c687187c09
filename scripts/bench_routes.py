"""Day routes measured (BENCHMARKS.md "Day routes"): on a book, one week planned from a start
with routes (customers located, docs/routes.md) and without (the same customers with no place:
visits grouped by town name, as before routes), in the same run:

- the time to plan the week (planning_customers + the week's layout and order, as plan_week
  does it, without saving), median of ``--times``;
- the kilometres the week drives: each day from the start through its visits (before: in the
  order they were listed, by name; after: in driving order), straight-line and × the road factor;
- the days that need more hours than ``route.day`` gives, and the widest day (km between two visits).

    python scripts/bench_routes.py /tmp/demo3k.db --start Stockholm --week 2026-W50 --as-of 2026-12-07
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from segtui.domain import planning, routes  # noqa: E402
from segtui.store import plan as plan_store  # noqa: E402
from segtui.store import places  # noqa: E402
from segtui.store.book import open_book  # noqa: E402
from segtui.store.segments import segment_book  # noqa: E402


def week_figures(proposals, where, config) -> dict:
    days: dict[dt.date, list[int]] = {}
    for p in proposals:
        if p.kind == "visit":
            days.setdefault(p.day, []).append(p.customer_id)
    km = over = 0.0
    widest = 0.0
    for ids in days.values():
        spots = [where[i] for i in ids if where.get(i) is not None]
        route = routes.plan_day(config.route, [(i, where.get(i)) for i in ids])
        km += route.km
        over += route.minutes > config.route.day_minutes
        widest = max([widest] + [routes.km(a, b) for a, b in itertools.combinations(spots, 2)])
    return {"visits": sum(len(v) for v in days.values()), "km": km, "days_over": int(over), "widest": widest}


def listed_km(proposals, where, config, names) -> float:
    """Before routes: each day driven in the order the plan listed its visits (by name)."""
    days: dict[dt.date, list[int]] = {}
    for p in proposals:
        if p.kind == "visit":
            days.setdefault(p.day, []).append(p.customer_id)
    return sum(sum(routes.path_km(config.route.start, [where[i] for i in sorted(ids, key=lambda i: names[i])
                                                        if where.get(i) is not None]))
               for ids in days.values())


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser()
    parser.add_argument("book")
    parser.add_argument("--start", default="Stockholm")
    parser.add_argument("--week", default="2026-W50")
    parser.add_argument("--as-of", default="2026-12-07")
    parser.add_argument("--times", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.db"
        shutil.copyfile(args.book, path)
        book = open_book(path)
        as_of = dt.date.fromisoformat(args.as_of)
        monday = planning.parse_week(args.week)
        with book.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('route.start', ?)", (args.start,))
        started = time.perf_counter()
        places.fill(book)
        fill_seconds = time.perf_counter() - started
        config = plan_store.plan_config(book)
        segments = segment_book(book, as_of)
        names = {s.id: s.name.casefold() for s in segments}
        results = {}
        for label in ("without places", "with routes"):
            times, proposals = [], []
            for _ in range(args.times):
                started = time.perf_counter()
                customers = plan_store.planning_customers(book, as_of, segments)
                if label == "without places":
                    customers = [c._replace(place=None) for c in customers]
                proposals = planning.plan_week(customers, config, monday, as_of)
                times.append(time.perf_counter() - started)
            results[label] = (statistics.median(times), proposals)
        where = places.all_places(book)
        located = sum(1 for s in segments if s.id in where)
        book.close()
    before_s, before = results["without places"]
    after_s, after = results["with routes"]
    fb, fa = week_figures(before, where, config), week_figures(after, where, config)
    figures = {
        "customers": len(segments), "located": located, "fill_seconds": fill_seconds,
        "plan_ms_without": before_s * 1000, "plan_ms_with": after_s * 1000, "ratio": after_s / before_s,
        "before": {**fb, "km_as_listed": listed_km(before, where, config, names)}, "after": fa,
    }
    f = figures
    print(f"{f['customers']} customers, {f['located']} located ({100 * f['located'] / f['customers']:.1f} %); "
          f"towns looked up in {f['fill_seconds']:.2f} s (once)")
    print(f"plan a week: {f['plan_ms_with']:.1f} ms with routes, {f['plan_ms_without']:.1f} ms without places "
          f"({f['ratio']:.2f}×)")
    for name, fig in (("before (by town name)", f["before"]), ("after (routes)", f["after"])):
        extra = f", {fig['km_as_listed']:.0f} km driven in the listed order" if "km_as_listed" in fig else ""
        print(f"{name}: {fig['visits']} visits, {fig['km']:.0f} km straight in driving order "
              f"({fig['km'] * routes.ROAD_FACTOR:.0f} km by road){extra}; days longer than route.day: "
              f"{fig['days_over']}; widest day {fig['widest']:.0f} km")
    return figures


if __name__ == "__main__":
    main()
