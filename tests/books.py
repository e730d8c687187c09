"""Builders of tiny books for tests: write exactly the rows a test needs."""

from __future__ import annotations

import itertools

_ids = itertools.count(1)


def add_customer(book, source_id: str | None = None, name: str | None = None, **fields) -> int:
    n = next(_ids)
    with book.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO customer (source_id, name, city, owner, created) VALUES (?, ?, ?, ?, ?)",
            (source_id or f"C{n}", name or f"Customer {n}", fields.get("city"), fields.get("owner"), "2020-01-01"),
        )
        return cur.lastrowid


def add_order(book, customer_id: int, date: str, amount_major: float, ref: str | None = None) -> None:
    """One order; without ``ref`` it is keyed by its day like an id-less ERP row."""
    with book.transaction() as conn:
        conn.execute(
            'INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (?, ?, ?, ?, ?)',
            (customer_id, ref, ref if ref is not None else f"d:{date}", date, round(amount_major * 100)),
        )


def add_assessment(book, customer_id: int, date: str, budget_major: float | None, loyalty: float | None = None) -> None:
    with book.transaction() as conn:
        conn.execute(
            "INSERT INTO assessment (customer_id, date, budget_per_year, loyalty_override) VALUES (?, ?, ?, ?)",
            (customer_id, date, None if budget_major is None else round(budget_major * 100), loyalty),
        )


def add_contact(book, customer_id: int, name: str, email: str | None = None, primary: bool = False,
                phone: str | None = None) -> int:
    with book.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO contact (customer_id, name, email, phone, is_primary) VALUES (?, ?, ?, ?, ?)",
            (customer_id, name, email, phone, int(primary)),
        )
        return cur.lastrowid


def add_small_fry(book, name: str | None = None, city: str | None = None) -> int:
    """A customer with high loyalty and low (C) potential: small fry on 2026-11-23."""
    cid = add_customer(book, name=name, city=city)
    add_order(book, cid, "2026-06-01", 100_000)
    add_assessment(book, cid, "2026-05-01", budget_major=150_000)
    return cid


# --- hosting a screen in Pilot tests ------------------------------------------------


def planner_host(book, today):
    """An app that opens the planner on ``book`` as of ``today``."""
    from segtui.ui.planner import PlannerScreen
    from textual.app import App

    class PlannerApp(App):
        def __init__(self) -> None:
            super().__init__()
            self.book = book

        def on_mount(self) -> None:
            self.push_screen(PlannerScreen(book, today))

    return PlannerApp()


async def settle(pilot, final: float = 0.05) -> None:
    """Wait until the app's thread workers have finished (then ``final`` seconds for the screen to draw)."""
    for _ in range(300):
        await pilot.pause(0.02)
        if getattr(pilot.app.screen, "busy", False):  # a change still on its way to the book
            continue
        if not any(w.is_running or w.state.name == "PENDING" for w in pilot.app.workers):
            break
    await pilot.pause(final)


async def open_mailing_export(pilot) -> None:
    """From the planner: the mailing list (m), then its export form (e)."""
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    await pilot.press("e")
    await pilot.pause()
