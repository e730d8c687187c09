"""The plan in the book (store.plan): what planning reads, and changes to plan items."""

from __future__ import annotations

import datetime as dt

from books import add_assessment, add_customer, add_order

from segtui.domain import planning
from segtui.domain.segments import Quadrant
from segtui.store import plan as plan_store

TODAY = dt.date(2026, 11, 23)


def big_game(book, city="Oslo", **kw) -> int:
    """A customer with A revenue, A potential and low loyalty: big game (not an upgrade candidate)."""
    cid = add_customer(book, city=city, **kw)
    add_order(book, cid, "2026-06-01", 2_500_000)
    add_assessment(book, cid, "2026-05-01", budget_major=6_000_000)
    return cid


def add_activity(book, cid: int, date: str, kind: str = "visit") -> None:
    with book.transaction() as conn:
        conn.execute("INSERT INTO activity (customer_id, date, kind) VALUES (?, ?, ?)", (cid, date, kind))


def test_planning_customers_reads_segment_last_contact_assessment_and_contract(book) -> None:
    cid = big_game(book)
    add_activity(book, cid, "2026-10-01", "visit")
    add_activity(book, cid, "2026-11-01", "mail")  # a mailing is not a real contact
    add_activity(book, cid, "2026-12-01", "call")  # after as_of
    with book.transaction() as conn:
        conn.execute("INSERT INTO competitor_contract (customer_id, competitor, ends_on) VALUES (?, 'Old', '2026-01-01')", (cid,))
        conn.execute("INSERT INTO competitor_contract (customer_id, competitor, ends_on) VALUES (?, 'Later', '2027-06-01')", (cid,))
        conn.execute("INSERT INTO competitor_contract (customer_id, competitor, ends_on) VALUES (?, 'Rival', '2027-01-15')", (cid,))
    (c,) = plan_store.planning_customers(book, TODAY)
    assert c.quadrant is Quadrant.BIG_GAME
    assert c.last_contact == dt.date(2026, 10, 1)
    assert c.last_assessment == dt.date(2026, 5, 1)
    assert c.contract == ("Rival", dt.date(2027, 1, 15))
    assert c.contracts == (("Rival", dt.date(2027, 1, 15)), ("Later", dt.date(2027, 6, 1)))  # every one still running
    assert c.revenue == 2_500_000 * 100 and c.potential == 6_000_000 * 100
    entry = planning.due(c, planning.PlanConfig.from_settings(book.settings()), TODAY)
    assert entry.reason == "Big game · 39 days overdue · contract with Rival ends 2027-01-15"


def test_plan_week_saves_items_and_a_replan_keeps_manual_done_and_skipped(book) -> None:
    ids = [big_game(book, city="Oslo") for _ in range(6)]
    proposals = plan_store.plan_week(book, TODAY, TODAY)
    assert len(proposals) == 6
    items = plan_store.week_items(book, TODAY)
    assert len(items) == 6 and all(not i.manual and i.status == "planned" for i in items)
    assert items[0].reason.startswith("Big game · never contacted")
    moved, done, skipped, auto = items[0], items[1], items[2], items[3]
    friday = TODAY + dt.timedelta(days=4)
    plan_store.move_item(book, moved.id, friday)
    plan_store.mark_done(book, done.id, TODAY)
    plan_store.skip_item(book, skipped.id)
    plan_store.plan_week(book, TODAY, TODAY)
    after = {i.id: i for i in plan_store.week_items(book, TODAY)}
    assert after[moved.id].day == friday and after[moved.id].manual
    assert after[done.id].status == "done"
    assert after[skipped.id].status == "skipped"
    assert auto.customer_id in {i.customer_id for i in after.values() if not i.manual and i.status == "planned"}
    assert sum(not i.manual and i.status == "planned" for i in after.values()) == 3  # re-proposed
    assert sorted(i.customer_id for i in after.values()) == sorted(ids)


def test_mark_done_records_an_activity_and_moves_the_due_date(book) -> None:
    cid = big_game(book)
    item = plan_store.add_item(book, cid, TODAY, "visit", "Big game · never contacted")
    activity = plan_store.mark_done(book, item, TODAY)
    row = book.query("SELECT customer_id, date, kind FROM activity WHERE id = ?", (activity,))[0]
    assert tuple(row) == (cid, "2026-11-23", "visit")
    assert plan_store.get_item(book, item).activity_id == activity
    assert plan_store.mark_done(book, item, TODAY) == activity  # twice records once
    (c,) = plan_store.planning_customers(book, TODAY)
    assert c.last_contact == TODAY
    assert planning.due(c, planning.PlanConfig.from_settings(), TODAY) is None
    plan_store.undo_done(book, item)
    assert book.scalar("SELECT count(*) FROM activity") == 0
    assert plan_store.get_item(book, item).status == "planned"


def test_done_ahead_of_its_day_is_recorded_today(book) -> None:
    cid = big_game(book)
    item = plan_store.add_item(book, cid, TODAY + dt.timedelta(days=3), "call")
    plan_store.mark_done(book, item, TODAY)
    assert book.scalar("SELECT date FROM activity") == "2026-11-23"


def test_skip_toggles_and_reschedule_moves_to_another_week(book) -> None:
    cid = big_game(book)
    item = plan_store.add_item(book, cid, TODAY, "visit")
    plan_store.skip_item(book, item)
    assert plan_store.get_item(book, item).status == "skipped"
    plan_store.skip_item(book, item)
    assert plan_store.get_item(book, item).status == "planned"
    plan_store.skip_item(book, item)
    next_week = TODAY + dt.timedelta(weeks=1)
    plan_store.reschedule_item(book, item, next_week)
    moved = plan_store.get_item(book, item)
    assert (moved.day, moved.status, moved.manual) == (next_week, "planned", True)
    assert plan_store.week_items(book, TODAY) == []
    plan_store.remove_item(book, item)
    assert plan_store.week_items(book, next_week) == []


def test_items_carry_the_primary_contact_and_address(book) -> None:
    cid = big_game(book, city="Bergen")
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET address = 'Kaien 1', postcode = '5003' WHERE id = ?", (cid,))
        conn.execute("INSERT INTO contact (customer_id, name, phone, is_primary) VALUES (?, 'Side', '1', 0)", (cid,))
        conn.execute("INSERT INTO contact (customer_id, name, phone, is_primary) VALUES (?, 'Kari', '+47 1', 1)", (cid,))
    plan_store.add_item(book, cid, TODAY, "call")
    (item,) = plan_store.week_items(book, TODAY)
    assert (item.contact, item.phone, item.location) == ("Kari", "+47 1", "Kaien 1, 5003 Bergen")


def test_customers_planned_in_another_week_are_not_planned_again(book) -> None:
    first, second = big_game(book), big_game(book)
    next_monday = TODAY + dt.timedelta(weeks=1)
    plan_store.add_item(book, first, next_monday, "visit")
    proposals = plan_store.plan_week(book, TODAY, TODAY)
    assert [p.customer_id for p in proposals] == [second]
    assert plan_store.planned_elsewhere(book, TODAY, TODAY) == {first}


def test_only_the_reps_own_budget_counts_as_assessed(book) -> None:
    """An assessment's source: 'entered' and 'confirmed' are the rep's own; an imported budget, or an
    assessment without a budget, leaves the customer to assess."""
    entered, confirmed, imported, empty = (add_customer(book, name=n) for n in ("E", "C", "I", "N"))
    add_assessment(book, entered, "2026-11-01", budget_major=100_000)
    add_assessment(book, confirmed, "2026-11-02", budget_major=100_000)
    add_assessment(book, imported, "2026-11-03", budget_major=100_000)
    add_assessment(book, empty, "2026-11-04", budget_major=None)
    with book.transaction() as conn:
        conn.execute("UPDATE assessment SET source = 'confirmed' WHERE customer_id = ?", (confirmed,))
        conn.execute("UPDATE assessment SET source = 'imported' WHERE customer_id = ?", (imported,))
    got = {c.id: c.assessed for c in plan_store.planning_customers(book, TODAY)}
    assert got == {entered: dt.date(2026, 11, 1), confirmed: dt.date(2026, 11, 2), imported: None, empty: None}
