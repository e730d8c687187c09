"""Customers for the customer-screen tests, and a tiny app that opens the screen."""

from __future__ import annotations

import datetime as dt

from books import add_assessment, add_customer, add_order
from textual.app import App

from segtui.ui.customer import CustomerScreen

AS_OF = dt.date(2026, 11, 23)


def tray_customer(book) -> int:
    """Buys (300,000 in the last 12 months) but was never assessed: in the needs-assessment tray."""
    cid = add_customer(book, source_id="K20417", name="Gränsö Snickeri AB", city="Västervik", owner="Anna Lind")
    add_order(book, cid, "2025-06-12", 80_000, "F-0901")
    add_order(book, cid, "2026-01-15", 100_000, "F-1001")
    add_order(book, cid, "2026-04-20", 120_000, "F-1002")
    add_order(book, cid, "2026-05-02", -10_000, "K-1002")
    add_order(book, cid, "2026-09-30", 90_000, "F-1003")
    return cid


def full_customer(book) -> int:
    """A customer with every part of the record filled in."""
    cid = add_customer(book, source_id="K10001", name="Lindmöbler ApS", city="Odense", owner="Erik Berg")
    amounts = [310, 280, 420, 390, 150, 510, 460, 330, 620, 270, 480, 350, 400, 290, 530, 610, 380, 440]
    for i, amount in enumerate(amounts):
        year, month = 2024 + (i * 2) // 12, (i * 2) % 12 + 1
        add_order(book, cid, f"{year}-{month:02d}-14", amount * 1000, f"F{1000 + i}")
    add_order(book, cid, "2026-08-20", -45_000, "C2001")
    add_assessment(book, cid, "2025-05-24", 3_500_000)
    add_assessment(book, cid, "2026-09-18", 4_200_000)
    with book.transaction() as conn:
        conn.executemany(
            "INSERT INTO contact (customer_id, name, role, phone, email, is_primary) VALUES (?, ?, ?, ?, ?, ?)",
            [(cid, "Ole Karlsson", "Production manager", "+45 46 83 59 36", "ole@lindmobler.example", 1),
             (cid, "Mette Holm", "Buyer", "+45 23 25 82 11", "mette@lindmobler.example", 0)],
        )
        conn.executemany(
            "INSERT INTO checklist_answer (customer_id, question_key, answer, note, date) VALUES (?, ?, ?, ?, ?)",
            [(cid, "services", "yes", "Needs fittings and tools", "2026-09-01"),
             (cid, "replace", "yes", "Buys tools from Bufab", "2026-09-01"),
             (cid, "growing", "no", None, "2026-09-01"),
             (cid, "purchasing", "unknown", "Ask Mette", "2026-09-01")],
        )
        conn.execute("INSERT INTO qualification (customer_id, pain, money, timing, parked_reason, date) "
                     "VALUES (?, 1, 1, 0, NULL, '2026-09-18')", (cid,))
        conn.execute("INSERT INTO buying_behaviour (customer_id, focus, custom, collaborate, date) "
                     "VALUES (?, 'performance', 1, 1, '2026-09-18')", (cid,))
        conn.executemany(
            "INSERT INTO competitor_contract (customer_id, competitor, ends_on, note) VALUES (?, ?, ?, ?)",
            [(cid, "Bufab", "2027-01-15", "Tools"), (cid, "Solar", "2027-09-30", None),
             (cid, "Ahlsell", "2026-03-31", None)],
        )
        conn.executemany(
            "INSERT INTO activity (customer_id, date, kind, outcome, note) VALUES (?, ?, ?, ?, ?)",
            [(cid, "2026-11-02", "visit", "Offer requested", "Walked the new line"),
             (cid, "2026-10-12", "call", "Follow up later", None),
             (cid, "2026-09-18", "mail", "Sent price list", None)],
        )
    return cid


class CustomerHost(App):
    """Opens one customer's screen; keeps what it dismissed with."""

    def __init__(self, book, customer_id: int, as_of: dt.date = AS_OF):
        super().__init__()
        self.book = book
        self.customer_id = customer_id
        self.as_of = as_of
        self.result: bool | None = None
        self.customer_screen: CustomerScreen | None = None

    def on_mount(self) -> None:
        self.customer_screen = CustomerScreen(self.book, self.customer_id, self.as_of)
        self.push_screen(self.customer_screen, self._done)

    def _done(self, result: bool) -> None:
        self.result = result


async def settle(pilot) -> None:
    """Wait until the screen has read the record and saved every pending edit."""
    for _ in range(500):
        await pilot.pause()
        screen = pilot.app.customer_screen
        if screen is not None and not screen.busy:
            await pilot.pause()
            return
    raise AssertionError("the customer screen never settled")
