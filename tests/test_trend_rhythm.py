"""The order rhythm the book keeps for the silent rule (store/trends.py, book version 11): after every
kind of change to the orders, and on any day, the trends are those read from the orders themselves."""

from __future__ import annotations

import datetime as dt
import random
import statistics

import pytest

from segtui.store import trends as store_trends
from segtui.store.segments import segment_book
from tests.books import add_customer, add_order

DAYS = [dt.date(2026, 11, 23), dt.date(2026, 6, 30), dt.date(2025, 12, 31), dt.date(2024, 3, 1)]


def plain_rhythms(book) -> dict[int, tuple]:
    """(first order row, last order day, order days, median gap) of every customer with orders, from
    the raw rows: an order is its id, rows without one are the customer's rows of a day; an order day
    is a day with an order of positive net."""
    net: dict[tuple[int, str], list] = {}
    first: dict[int, str] = {}
    for cid, key, date, amount in book.rows('SELECT customer_id, order_key, date, amount FROM "order"'):
        seen = net.setdefault((cid, key), [date, 0])
        seen[0] = min(seen[0], date)
        seen[1] += amount
        first[cid] = min(first.get(cid, date), date)
    days: dict[int, set[dt.date]] = {cid: set() for cid in first}
    for (cid, _key), (date, amount) in net.items():
        if amount > 0:
            days[cid].add(dt.date.fromisoformat(date))
    out = {}
    for cid, found in days.items():
        ordered = sorted(found)
        gaps = [(b - a).days for a, b in zip(ordered, ordered[1:])]
        out[cid] = (first[cid], ordered[-1].isoformat() if ordered else None, len(ordered),
                    statistics.median(gaps) if len(ordered) >= 3 else None)
    return out


def kept_rhythms(book) -> dict[int, tuple]:
    from segtui.domain.trends import Rhythm

    out = {}
    for cid, first, last_day, days, gap2 in book.rows(
            "SELECT customer_id, first_day, last_day, days, gap2 FROM order_rhythm"):
        r = Rhythm.stored(last_day, days, gap2) if last_day is not None else Rhythm()
        out[cid] = (first, last_day, r.days, r.gap)
    return out


def trends_on(book, day: dt.date) -> dict[str, object]:
    return {r.source_id: r.trend for r in segment_book(book, day)}


def read_from_the_orders(book, day: dt.date, monkeypatch) -> dict[str, object]:
    with monkeypatch.context() as m:
        m.setattr(store_trends, "changed_customers", lambda conn: None)
        return trends_on(book, day)


def assert_exact(book, monkeypatch) -> None:
    for day in DAYS:
        found = trends_on(book, day)
        assert found == read_from_the_orders(book, day, monkeypatch), day
        assert found.get("NONE", "no customer") is None  # no orders: no trend (JSON has no revenues for it)


def _random_orders(book, rng: random.Random, customers: list[int], n: int, ref: str) -> None:
    with book.transaction() as conn:
        for i in range(n):
            cid = rng.choice(customers)
            date = (dt.date(2023, 1, 1) + dt.timedelta(days=rng.randrange(1400))).isoformat()
            amount = rng.choice([-5000, 0, 10000, 25000, 120000])
            key = f"{ref}{i}" if rng.random() < 0.7 else f"d:{date}"
            conn.execute(
                'INSERT OR IGNORE INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (?, ?, ?, ?, ?)',
                (cid, None if key.startswith("d:") else key, key, date, amount),
            )


@pytest.fixture
def busy(book):
    rng = random.Random(7)
    customers = [add_customer(book, f"K{i}", f"Customer {i}") for i in range(12)]
    _random_orders(book, rng, customers, 300, "a")
    credits_only = add_customer(book, "CR", "Credit notes only")
    add_order(book, credits_only, "2022-05-05", -100, ref="cr1")
    add_order(book, credits_only, "2025-05-05", 0)
    add_customer(book, "NONE", "No orders")
    return book, rng, customers


def test_the_kept_rhythm_is_the_orders_rhythm_after_every_change(busy, monkeypatch) -> None:
    book, rng, customers = busy
    assert kept_rhythms(book) == plain_rhythms(book)
    assert_exact(book, monkeypatch)
    steps = [
        lambda conn: None,  # more orders, added below
        lambda conn: conn.execute('DELETE FROM "order" WHERE id IN (SELECT id FROM "order" ORDER BY id LIMIT 20)'),
        lambda conn: conn.execute('UPDATE "order" SET date = \'2026-11-20\' WHERE id % 17 = 0 AND order_ref IS NOT NULL'),
        lambda conn: conn.execute('UPDATE "order" SET amount = -amount WHERE id % 13 = 0 AND order_ref IS NOT NULL'),
        lambda conn: conn.execute('UPDATE "order" SET customer_id = ? WHERE customer_id = ?', customers[:2]),
        lambda conn: conn.execute("DELETE FROM customer WHERE id = ?", (customers[3],)),
    ]
    for i, step in enumerate(steps):
        with book.transaction() as conn:
            step(conn)
        _random_orders(book, rng, customers[:3] + customers[4:], 15, f"s{i}-")
        assert kept_rhythms(book) == plain_rhythms(book), i
        assert book.scalar("SELECT count(*) FROM order_rhythm_stale") == 0
        assert_exact(book, monkeypatch)


def test_changes_made_outside_a_transaction_of_the_book_are_read_from_the_orders(busy, monkeypatch) -> None:
    """A program that writes the file without segtui's transactions (nothing worked out again at its
    commit) still gets exact trends: the changed customers' days are read from the orders."""
    book, rng, customers = busy
    conn = book.conn
    conn.execute('DELETE FROM "order" WHERE customer_id = ? AND id % 2 = 0', (customers[0],))
    conn.execute('INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) '
                 "VALUES (?, 'late', 'late', '2026-11-22', 900000)", (customers[1],))
    conn.execute("UPDATE \"order\" SET date = date(date, '+3 days') WHERE customer_id = ? AND order_ref IS NOT NULL",
                 (customers[2],))
    assert store_trends.changed_customers(conn) == set(customers[:3])
    assert_exact(book, monkeypatch)


def test_an_order_put_back_with_its_old_id_is_noticed(busy, monkeypatch) -> None:
    """An order added with an id in a gap below the last one worked out (as undoing a merge puts rows
    back) changes no trigger's table, but the count does not add up: nothing kept is trusted."""
    book, rng, customers = busy
    row = book.rows('SELECT id, customer_id, order_ref, order_key, date, amount FROM "order" '
                    "WHERE amount > 0 ORDER BY id LIMIT 1")[0]
    with book.transaction() as conn:
        conn.execute('DELETE FROM "order" WHERE id = ?', (row[0],))
    conn = book.conn
    # put back for another customer, on a late day, by a writer that does not work anything out
    conn.execute('INSERT INTO "order" (id, customer_id, order_ref, order_key, date, amount) VALUES (?, ?, ?, ?, ?, ?)',
                 (row[0], customers[5], "back", "back", "2026-11-21", 70000))
    assert store_trends.changed_customers(conn) is None
    assert_exact(book, monkeypatch)
    _random_orders(book, rng, customers, 3, "next")  # the next change to the orders works every rhythm out again
    assert store_trends.changed_customers(conn) == set()
    assert kept_rhythms(book) == plain_rhythms(book)
    assert_exact(book, monkeypatch)


def test_a_day_before_a_customers_last_order_reads_its_days_up_to_that_day(book) -> None:
    c = add_customer(book, "S1", "Silent then back AB")
    for i, day in enumerate(("2026-01-05", "2026-01-26", "2026-02-16", "2026-03-09", "2026-11-20")):
        add_order(book, c, day, 100, ref=f"o{i}")
    assert kept_rhythms(book)[c][1] == "2026-11-20"
    assert segment_book(book, dt.date(2026, 6, 1))[0].trend.kind == "silent"  # nothing after 2026-03-09 yet
    assert segment_book(book, dt.date(2026, 11, 23))[0].trend.kind is None
