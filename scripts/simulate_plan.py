"""Plan week after week and do every planned visit and call on its day: are the
big-game customers whose competitor contract ends in those weeks visited before it ends?

    python scripts/simulate_plan.py sample.db --from 2026-W50 --weeks 6
    segtui demo /tmp/demo.db --customers 3000 --today 2026-11-23 && \
        python scripts/simulate_plan.py /tmp/demo.db --from 2026-W48 --weeks 14

The book is copied first (the original is never changed). Each week is planned on its
Monday as `segtui plan --week W --as-of MONDAY` plans it, then every planned item is
logged on its day with `segtui log BOOK CUSTOMER KIND --date DAY` (run in-process),
which marks it done. At the end: the contracts of big-game customers (as of the first
Monday) that end in the simulated weeks, how many had a visit before they ended, and
any customer visited twice within seven days. Older versions without `segtui log` mark
the items done with the store instead (same activity, same effect on due dates).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import sys
import tempfile
from collections import defaultdict
from pathlib import Path


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book")
    parser.add_argument("--from", dest="start", required=True, help="first ISO week, e.g. 2026-W50")
    parser.add_argument("--weeks", type=int, default=6)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--verbose", "-v", action="store_true", help="list every contract")
    args = parser.parse_args(argv)

    from click.testing import CliRunner

    from segtui.cli import main as cli
    from segtui.domain import planning
    from segtui.domain.segments import Quadrant
    from segtui.store import plan as plan_store
    from segtui.store.book import open_book
    from segtui.store.segments import segment_book

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "book.db"
        shutil.copyfile(args.book, path)
        book = open_book(path)
        first = planning.parse_week(args.start)
        last_day = first + dt.timedelta(weeks=args.weeks) - dt.timedelta(days=1)
        big_game = {s.id for s in segment_book(book, first) if s.segment.quadrant is Quadrant.BIG_GAME}
        contracts = [
            (cid, competitor, dt.date.fromisoformat(ends))
            for cid, competitor, ends in book.rows(
                "SELECT customer_id, competitor, ends_on FROM competitor_contract WHERE ends_on BETWEEN ? AND ? "
                "ORDER BY ends_on, customer_id", (first.isoformat(), last_day.isoformat()))
            if cid in big_game
        ]
        source = dict(book.rows("SELECT id, source_id FROM customer"))
        runner = CliRunner()
        has_log = "log" in cli.commands
        planned = logged = 0
        for n in range(args.weeks):
            monday = first + dt.timedelta(weeks=n)
            plan_store.plan_week(book, monday, monday)
            for item in plan_store.week_items(book, monday):
                if item.status != "planned":
                    continue
                planned += 1
                if has_log:
                    result = runner.invoke(cli, ["log", str(path), source[item.customer_id], item.kind,
                                                 "--date", item.day.isoformat()], catch_exceptions=False)
                    if result.exit_code != 0:
                        sys.exit(result.output)
                else:
                    plan_store.mark_done(book, item.id, item.day)
                logged += 1
        visits: dict[int, list[dt.date]] = defaultdict(list)
        for cid, day in book.rows(
            "SELECT customer_id, date FROM activity WHERE kind = 'visit' AND date BETWEEN ? AND ? ORDER BY date",
            (first.isoformat(), last_day.isoformat()),
        ):
            visits[cid].append(dt.date.fromisoformat(day))
        in_time = [c for c in contracts if any(first <= d < c[2] for d in visits[c[0]])]
        no_day_before = [c for c in contracts if c[2] <= first]
        twice = sorted(
            cid for cid, days in visits.items() if any((b - a).days < 7 for a, b in zip(days, days[1:]))
        )
        contract_customers = {c[0] for c in contracts}
        figures = {
            "weeks": f"{planning.week_label(first)} … {planning.week_label(first + dt.timedelta(weeks=args.weeks - 1))}",
            "items_logged": logged,
            "contracts_ending": len(contracts),
            "visited_before_end": len(in_time),
            "ending_on_the_first_day": len(no_day_before),
            "customers_visited_twice_within_7_days": len(twice),
            "contract_customers_visited_twice_within_7_days": len(set(twice) & contract_customers),
            "logged_with": "segtui log" if has_log else "store.mark_done",
        }
        if args.verbose:
            reasons = {(cid, day): reason for cid, day, reason in book.rows(
                "SELECT customer_id, day, reason FROM plan_item WHERE kind = 'visit'")}
            for cid in twice:
                days = visits[cid]
                close = [(a, b) for a, b in zip(days, days[1:]) if (b - a).days < 7]
                for a, b in close:
                    print(f"twice: {cid} {a} {b} · {reasons.get((cid, b.isoformat()), '')}")
            names = dict(book.rows("SELECT id, name FROM customer"))
            for cid, competitor, ends in contracts:
                seen = ", ".join(d.isoformat() for d in visits[cid]) or "never"
                print(f"{ends}  {names[cid][:30]:<30} {competitor:<14} visits: {seen}")
        book.close()
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['weeks']}: {logged} planned items logged ({figures['logged_with']}); "
              f"{figures['visited_before_end']} of {figures['contracts_ending']} big-game contracts ending in "
              f"those weeks visited before they end ({figures['ending_on_the_first_day']} end on the first day); "
              f"{figures['customers_visited_twice_within_7_days']} customers visited twice within 7 days "
              f"({figures['contract_customers_visited_twice_within_7_days']} of them with a contract)")
    return figures


if __name__ == "__main__":
    main()
