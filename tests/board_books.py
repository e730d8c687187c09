"""A tiny hand-made book with one customer per quadrant (and a few more), for board tests."""

from __future__ import annotations

from books import add_assessment, add_customer, add_order


def add_activity(book, customer_id: int, date: str, kind: str = "visit") -> None:
    with book.transaction() as conn:
        conn.execute(
            "INSERT INTO activity (customer_id, date, kind) VALUES (?, ?, ?)", (customer_id, date, kind)
        )


def add_contract(book, customer_id: int, competitor: str, ends_on: str) -> None:
    with book.transaction() as conn:
        conn.execute(
            "INSERT INTO competitor_contract (customer_id, competitor, ends_on) VALUES (?, ?, ?)",
            (customer_id, competitor, ends_on),
        )


def fill_small_book(book) -> dict[str, int]:
    """Seven customers as of 2026-11-23; returns name → id.

    Cash cows: Alfa (budget 1 M/yr → potential B, 600 k in 12 months → loyalty 60 %).
    Big game: Beta (Malmö, 10 days overdue), Zeta (never contacted → due now), both potential A.
    Small fry: Gamma. Uninteresting: Delta. Needs assessment: Epsilon, Eta (no budget)."""
    ids = {}
    ids["Alfa AB"] = add_customer(book, "A1", "Alfa AB", city="Göteborg", owner="Anna Lind")
    ids["Beta AB"] = add_customer(book, "B1", "Beta AB", city="Malmö", owner="Erik Berg")
    ids["Zeta AB"] = add_customer(book, "Z1", "Zeta AB", city="Göteborg", owner="Anna Lind")
    ids["Gamma AB"] = add_customer(book, "G1", "Gamma AB", city="Luleå", owner="Anna Lind")
    ids["Delta AB"] = add_customer(book, "D1", "Delta AB", city="Malmö", owner="Erik Berg")
    ids["Epsilon AB"] = add_customer(book, "E1", "Epsilon AB", city="Umeå", owner="Erik Berg")
    ids["Eta AB"] = add_customer(book, "H1", "Eta AB", city="Umeå", owner="Anna Lind")
    for month in range(1, 7):
        add_order(book, ids["Alfa AB"], f"2026-{month + 4:02d}-10", 100_000, ref=f"A-{month}")
    add_order(book, ids["Beta AB"], "2026-06-01", 100_000, ref="B-1")
    add_order(book, ids["Zeta AB"], "2026-03-01", 50_000, ref="Z-1")
    add_order(book, ids["Gamma AB"], "2026-09-01", 80_000, ref="G-1")
    add_order(book, ids["Delta AB"], "2026-02-01", 10_000, ref="D-1")
    add_order(book, ids["Epsilon AB"], "2026-04-01", 50_000, ref="E-1")
    add_order(book, ids["Eta AB"], "2026-05-01", 20_000, ref="H-1")
    add_assessment(book, ids["Alfa AB"], "2026-01-15", 1_000_000)
    add_assessment(book, ids["Beta AB"], "2026-01-15", 1_500_000)
    add_assessment(book, ids["Zeta AB"], "2026-01-15", 1_200_000)
    add_assessment(book, ids["Gamma AB"], "2026-01-15", 100_000)
    add_assessment(book, ids["Delta AB"], "2026-01-15", 100_000)
    add_activity(book, ids["Beta AB"], "2026-10-30")  # visit:14, upgrade C→A halves it: due 11-06
    add_activity(book, ids["Alfa AB"], "2026-11-20")
    return ids


async def loaded(app, pilot):
    """Wait until the board has read the book (the worker starts after the first frame)."""
    for _ in range(200):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if app.board.loaded and app.board.settled and not app.workers:
            return
    raise AssertionError("the board never finished reading the book")
