"""Benchmark (DESIGN §7): importing 1,000,000 order rows vs a bare executemany of the same rows.

    PYTHONPATH=src python benchmarks/import_1m.py [ROWS]

Writes an order-level CSV (order id, customer id of 20,000, date, amount), then
times (a) a bare ``executemany`` of the already-parsed rows into a fresh book's
"order" table, in one transaction, and (b) ``import_orders`` of the CSV into
another fresh book — reading, checking, grouping and writing. Budget: (b) ≤ 3 × (a).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path

from segtui.io.importer import import_orders
from segtui.store.book import open_book


def main(rows: int = 1_000_000) -> float:
    tmp = Path(tempfile.mkdtemp(prefix="segtui-bench-"))
    rnd = random.Random(7)
    start = dt.date(2024, 1, 1)
    records = []
    for n in range(rows):
        customer = f"K{rnd.randrange(20_000):05d}"
        day = (start + dt.timedelta(days=rnd.randrange(1060))).isoformat()
        cents = rnd.randrange(-20_000, 2_000_000)
        records.append((f"O{n}", customer, day, cents))
    path = tmp / "orders.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write("order,customer,date,amount\n")
        for ref, customer, day, cents in records:
            out.write(f"{ref},{customer},{day},{cents / 100:.2f}\n")

    bare = open_book(tmp / "bare.db")
    customers = sorted({r[1] for r in records})
    t0 = time.perf_counter()
    with bare.transaction() as conn:
        conn.executemany("INSERT INTO customer (source_id, name, created) VALUES (?, ?, '2026-11-23')",
                         ((c, c) for c in customers))
        ids = dict(conn.execute("SELECT source_id, id FROM customer"))
        conn.executemany(
            'INSERT INTO "order" (customer_id, order_ref, order_key, date, amount, currency) VALUES (?, ?, ?, ?, ?, ?)',
            ((ids[c], ref, ref, day, cents, "SEK") for ref, c, day, cents in records),
        )
    bare_s = time.perf_counter() - t0
    bare.close()

    book = open_book(tmp / "import.db")
    t0 = time.perf_counter()
    summary = import_orders(book, path, as_of=dt.date(2026, 11, 23))
    import_s = time.perf_counter() - t0
    book.close()
    assert summary.orders_new == rows, summary.text()
    ratio = import_s / bare_s
    print(f"{rows:,} order rows: bare executemany {bare_s:.2f} s, import_orders {import_s:.2f} s, "
          f"ratio {ratio:.2f} (budget 3.0)")
    return ratio


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
