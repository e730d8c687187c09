"""The team book's sync, measured on a PostgreSQL of its own (docs/team.md).

    PYTHONPATH=src:tests python -m benchmarks.team_sync [--customers 20000 --orders 1050000]

1. a 20,000-customer / 1,000,000-order book is published to an empty team book;
2. the first pull of that team book into an empty book, against a bare COPY of
   the same rows out of PostgreSQL into one SQLite table without indexes;
3. a day's edits (50 changes) in the joined book, synced (median of 5).

Not part of the suite (`python -m benchmarks`): it needs the server binaries
and builds its own book. Figures go in BENCHMARKS.md by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from segtui.store import team
from segtui.store.book import open_book
from segtui.store.demo import generate
from team_server import Server, bindir

NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


def bare_copy(url: str, out: Path) -> tuple[float, int]:
    import psycopg

    started = time.perf_counter()
    conn = sqlite3.connect(out, isolation_level=None)
    conn.execute("CREATE TABLE pulled (tbl TEXT, uid TEXT, data TEXT, version INTEGER)")
    conn.execute("BEGIN")
    with psycopg.connect(url) as remote, remote.cursor().copy(
        "COPY (SELECT tbl, uid, data::text, version FROM segtui.row) TO STDOUT"
    ) as copy:
        rows = list(copy.rows())
    conn.executemany("INSERT INTO pulled VALUES (?, ?, ?, ?)", rows)
    conn.execute("COMMIT")
    conn.close()
    return time.perf_counter() - started, len(rows)


def day_of_edits(book, day: int) -> None:
    """50 changes: 20 owners, 15 contacts' phones, 10 visits, 5 estimates."""
    from segtui.store.customers import add_activity, add_assessment

    ids = [r[0] for r in book.rows("SELECT id FROM customer ORDER BY id LIMIT 50 OFFSET ?", (day * 50,))]
    with book.transaction() as conn:
        for cid in ids[:20]:
            conn.execute("UPDATE customer SET owner = ? WHERE id = ?", (f"Rep {day}", cid))
        for cid in ids[20:35]:
            conn.execute("INSERT INTO contact (customer_id, name, phone) VALUES (?, ?, ?)",
                         (cid, f"Buyer {day}", f"+46 70 {day:03d} 00 00"))
    for cid in ids[35:45]:
        add_activity(book, cid, "2026-11-30", "visit", note=f"day {day}")
    for cid in ids[45:50]:
        add_assessment(book, cid, "2026-11-30", 1_000_000, None, note=f"day {day}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=1_050_000)
    args = parser.parse_args()
    found = bindir()
    if found is None:
        raise SystemExit("PostgreSQL is not installed here")
    server = Server(found)
    server.start()
    try:
        url = server.create_db("bench")
        team.init(url)
        with tempfile.TemporaryDirectory() as folder:
            here = Path(folder)
            started = time.perf_counter()
            lead = generate(here / "lead.db", customers=args.customers, orders=args.orders, seed=1,
                            today=dt.date(2026, 11, 23))
            customers, orders = lead.counts()["customer"], lead.counts()["order"]
            print(f"built the book: {time.perf_counter() - started:.1f} s, {customers} customers, {orders} orders")
            started = time.perf_counter()
            published = team.sync(lead, url, NOW)
            print(f"publish (first push): {time.perf_counter() - started:.2f} s, {published.pushed} rows")
            lead.close()

            bare_times = []
            for i in range(2):
                seconds, rows = bare_copy(url, here / f"bare{i}.db")
                bare_times.append(seconds)
            bare = min(bare_times)
            print(f"bare COPY into one SQLite table: {bare:.2f} s, {rows} rows (best of 2)")
            pulls = []
            for i in range(2):
                started = time.perf_counter()
                joined = team.sync(open_book(here / f"rep{i}.db"), url, NOW)
                pulls.append(time.perf_counter() - started)
            pull = min(pulls)
            print(f"first pull into an empty book: {pull:.2f} s, {joined.pulled} rows (best of 2), "
                  f"{pull / bare:.1f}x the bare COPY")

            rep = open_book(here / "rep0.db")
            times = []
            for day in range(5):
                day_of_edits(rep, day)
                started = time.perf_counter()
                result = team.sync(rep, url, NOW + dt.timedelta(days=day))
                times.append(time.perf_counter() - started)
                assert result.pushed == 50, result.pushed
            print(f"a day's edits (50 changes) synced: median {statistics.median(times) * 1000:.0f} ms "
                  f"(min {min(times) * 1000:.0f}, max {max(times) * 1000:.0f}, 5 days)")
            rep.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
