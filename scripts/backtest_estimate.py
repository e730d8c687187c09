"""Back-test of the estimated potential (docs/estimated-potential.md "How good is it").

    python scripts/backtest_estimate.py BOOK --as-of 2011-06-09 [--months 6]

Classifies BOOK as on --as-of, takes every customer whose yearly budget is estimated and
sets its estimate beside what it then bought in the --months after --as-of (12 by default;
the estimate, and the customer's last 12 months, scaled to that many months). The estimate is
a high quantile (potential.quantile, 0.8) of what comparable customers buy, never below the
customer's own best year, so a fair estimate is exceeded by few customers, about 1 − q of
those whose estimate came from their peers, and the customers with the most headroom (estimate
less the last 12 months) should grow more than those with the least. Prints the figures as
JSON; nothing in the book is changed."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from segtui.domain.estimate import year_scale  # noqa: E402
from segtui.domain.segments import subtract_months  # noqa: E402
from segtui.store.book import open_book  # noqa: E402
from segtui.store.segments import segment_book  # noqa: E402


def add_months(day: dt.date, months: int) -> dt.date:
    return subtract_months(day, -months)


def backtest(book_path: str, as_of: dt.date, months: int = 12) -> dict:
    book = open_book(book_path)
    try:
        rows = segment_book(book, as_of, trends=False)
        after = dict(book.rows(
            'SELECT customer_id, sum(amount) FROM "order" WHERE date > ? AND date <= ? GROUP BY customer_id',
            (as_of.isoformat(), add_months(as_of, months).isoformat()),
        ))
        first = book.scalar('SELECT min(date) FROM "order" WHERE date <= ?', (as_of.isoformat(),))
    finally:
        book.close()
    scale = float(year_scale(dt.date.fromisoformat(first) if first else None, as_of))
    tested = []
    for r in rows:
        e = r.estimate
        if e is None or e.source != "estimated" or e.budget_per_year is None or r.facts is None:
            continue
        # (id, estimate, last 12 months, what came after), the first two scaled to ``months``
        # (a book younger than a year: its last 12 months are scaled to a year, as the estimate's are)
        tested.append((r.id, e.budget_per_year * months / 12, r.facts.revenue_12m * scale * months / 12,
                       after.get(r.id, 0)))
    exceeded = [t for t in tested if t[3] > t[1]]
    # headroom as a share of the estimate; growth = next 12 months - last 12 months
    by_headroom = sorted(tested, key=lambda t: (t[1] - t[2]) / t[1] if t[1] else 0)
    fifth = max(1, len(by_headroom) // 5)
    least, most = by_headroom[:fifth], by_headroom[-fifth:]

    def growth(group) -> float:
        return statistics.median((t[3] - t[2]) / 100 for t in group) if group else 0.0

    def share_grew(group) -> float:
        return sum(t[3] > t[2] for t in group) / len(group) if group else 0.0

    return {
        "as_of": as_of.isoformat(),
        "months_after": months,
        "year_scale": round(scale, 3),
        "estimated_customers": len(tested),
        "exceeded_estimate": len(exceeded),
        "share_exceeded": round(len(exceeded) / len(tested), 3) if tested else None,
        "most_headroom_fifth": {"customers": len(most), "median_growth": round(growth(most), 2),
                                "share_grew": round(share_grew(most), 3)},
        "least_headroom_fifth": {"customers": len(least), "median_growth": round(growth(least), 2),
                                 "share_grew": round(share_grew(least), 3)},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book")
    parser.add_argument("--as-of", required=True)
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args(argv)
    print(json.dumps(backtest(args.book, dt.date.fromisoformat(args.as_of), args.months), indent=1))


if __name__ == "__main__":
    main()
