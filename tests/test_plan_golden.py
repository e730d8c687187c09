"""The weeks the planner proposes on a fixed demo book stay what they were.

A 2,000-customer demo book (seed 1, as of Monday 2026-11-23) is planned four weeks in a row,
each week saved before the next is planned (so the later weeks leave out customers planned in
an earlier one), once with the visits grouped by town and once by area from ``route.start``
Stockholm. Every proposal — customer, day, kind, priority and reason — is compared with
``tests/data/plan_golden.txt``, written by the planner of 2026-12-08 before its speed-ups
(BENCHMARKS.md, "Plan a week"). A change that means to change the plan rewrites the file:

    PYTHONPATH=src python tests/test_plan_golden.py --write
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from segtui.store import plan as plan_store
from segtui.store.demo import generate
from segtui.store.segments import segment_book

TODAY = dt.date(2026, 11, 23)  # a Monday
GOLDEN = Path(__file__).parent / "data" / "plan_golden.txt"


def planned_weeks(path: Path) -> list[str]:
    """One line per proposal of four weeks planned on the demo book at ``path`` (which it writes)."""
    lines = []
    book = generate(path, customers=2000, seed=1, today=TODAY)
    try:
        segments = segment_book(book, TODAY)
        for start in ("", "Stockholm"):
            with book.transaction() as conn:
                conn.execute("DELETE FROM plan_item")
                conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('route.start', ?)", (start,))
            for week in range(4):
                monday = TODAY + dt.timedelta(weeks=week)
                customers = plan_store.planning_customers(book, TODAY, segments)
                for p in plan_store.plan_week(book, monday, TODAY, customers):
                    lines.append(f"{start or '-'}|{p.day.isoformat()}|{p.kind}|{p.customer_id}|{p.city}|"
                                 f"{p.priority!r}|{p.reason}")
    finally:
        book.close()
    return lines


def test_the_demo_book_is_planned_as_before(tmp_path: Path) -> None:
    lines = planned_weeks(tmp_path / "demo.db")
    assert len(lines) > 400
    assert lines == GOLDEN.read_text(encoding="utf-8").splitlines()


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        GOLDEN.write_text("\n".join(planned_weeks(Path(tmp) / "demo.db")) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}")
