"""The small-fry mailing list in the book (store.mailing) and its exports."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from books import add_assessment, add_contact, add_customer, add_order, add_small_fry

from segtui.domain import planning
from segtui.io import export
from segtui.store import mailing
from segtui.store import plan as plan_store
from segtui.store.book import BookError
from segtui.store.customers import EditLog
from segtui.store.segments import segment_book

TODAY = dt.date(2026, 11, 23)


def mail_count(book, day: str = "2026-11-23") -> int:
    return book.scalar("SELECT count(*) FROM activity WHERE kind = 'mail' AND date = ?", (day,))


def test_only_active_small_fry_are_listed_in_name_order(book) -> None:
    b = add_small_fry(book, "Beta AB", "Oslo")
    a = add_small_fry(book, "alfa AB")
    archived = add_small_fry(book, "Arkiv AB")
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET archived = 1 WHERE id = ?", (archived,))
    cash_cow = add_customer(book, name="Cow AB")
    add_order(book, cash_cow, "2026-06-01", 1_500_000)
    add_assessment(book, cash_cow, "2026-05-01", budget_major=1_000_000)
    add_customer(book, name="Never assessed AB")  # needs assessment

    recipients = mailing.mailing_list(book, TODAY)
    assert [r.customer_id for r in recipients] == [a, b]
    assert recipients[1].city == "Oslo" and recipients[1].source_id
    # the planner's segments give the same list without reading them again
    assert mailing.mailing_list(book, TODAY, segment_book(book, TODAY)) == recipients


def test_the_contact_is_the_primary_one_or_else_one_with_an_email(book) -> None:
    primary = add_small_fry(book, "A primary")
    add_contact(book, primary, "Other", "other@a.example")
    add_contact(book, primary, "Boss", "boss@a.example", primary=True)
    fallback = add_small_fry(book, "B fallback")
    add_contact(book, fallback, "Boss", None, primary=True)
    add_contact(book, fallback, "Clerk", "clerk@b.example")
    blank = add_small_fry(book, "C blank email")
    add_contact(book, blank, "Boss", "   ", primary=True)
    add_small_fry(book, "D no contact")

    rows = {r.name: (r.contact, r.email) for r in mailing.mailing_list(book, TODAY)}
    assert rows == {
        "A primary": ("Boss", "boss@a.example"),
        "B fallback": ("Clerk", "clerk@b.example"),
        "C blank email": ("Boss", None),
        "D no contact": (None, None),
    }
    assert mailing.summary(mailing.mailing_list(book, TODAY)) == (
        "4 small-fry customers, 2 with an e-mail, 2 without"
    )


def test_last_mailed_is_the_latest_mail_up_to_as_of(book) -> None:
    cid = add_small_fry(book)
    with book.transaction() as conn:
        conn.executemany(
            "INSERT INTO activity (customer_id, date, kind) VALUES (?, ?, ?)",
            [(cid, "2026-03-01", "mail"), (cid, "2026-10-01", "call"), (cid, "2026-12-01", "mail")],
        )
    (r,) = mailing.mailing_list(book, TODAY)
    assert r.last_mailed == dt.date(2026, 3, 1)
    assert mailing.summary([r]) == "1 small-fry customer, 0 with an e-mail, 1 without"


def test_marking_mailed_records_one_mail_each_once_a_day_and_leaves_due_dates(book) -> None:
    ids = [add_small_fry(book, f"Fry {n}") for n in range(3)]
    config = planning.PlanConfig.from_settings(book.settings())
    before = plan_store.planning_customers(book, TODAY)
    due_before = planning.due_list(before, config, TODAY)

    result = mailing.mark_mailed(book, ids[:2], TODAY)
    assert (result.recorded, result.already) == (2, 0)
    rows = book.rows("SELECT customer_id, date, kind, note FROM activity WHERE kind = 'mail' ORDER BY customer_id")
    assert rows == [(ids[0], "2026-11-23", "mail", mailing.MAILING_NOTE), (ids[1], "2026-11-23", "mail", mailing.MAILING_NOTE)]
    assert [r.last_mailed for r in mailing.mailing_list(book, TODAY)] == [TODAY, TODAY, None]

    # a mailing is no visit or call: the due dates do not move
    after = plan_store.planning_customers(book, TODAY)
    assert after == before
    assert planning.due_list(after, config, TODAY) == due_before

    again = mailing.mark_mailed(book, ids, TODAY)
    assert (again.recorded, again.already) == (1, 2)
    assert mail_count(book) == 3


def test_a_mailing_is_undone_in_one_go_and_leaves_older_mail(book) -> None:
    ids = [add_small_fry(book) for _ in range(3)]
    with book.transaction() as conn:
        conn.execute("INSERT INTO activity (customer_id, date, kind) VALUES (?, '2026-01-05', 'mail')", (ids[0],))
    log = EditLog(book)
    log.record(mailing.mark_mailed(book, ids, TODAY).undo)
    assert mail_count(book) == 3
    assert log.undo() is not None
    assert mail_count(book) == 0
    assert book.scalar("SELECT count(*) FROM activity") == 1


def test_a_mailing_that_fails_writes_nothing(book) -> None:
    cid = add_small_fry(book)
    with pytest.raises(BookError):
        mailing.mark_mailed(book, [cid, 999_999], TODAY)  # no such customer
    assert book.scalar("SELECT count(*) FROM activity") == 0


def test_mailing_csv_and_table() -> None:
    recipients = [
        mailing.Recipient(1, "K1", "Alfa, AB", "Oslo", "Anna", "anna@alfa.example", None),
        mailing.Recipient(2, "K2", "Beta AB", None, None, None, TODAY),
    ]
    out = io.StringIO()
    export.write_mailing_csv(recipients, out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert list(rows[0]) == export.MAILING_COLUMNS == ["customer", "name", "contact", "email", "city"]
    assert rows == [
        {"customer": "K1", "name": "Alfa, AB", "contact": "Anna", "email": "anna@alfa.example", "city": "Oslo"},
        {"customer": "K2", "name": "Beta AB", "contact": "", "email": "", "city": ""},
    ]
    table = io.StringIO()
    export.write_mailing_table(recipients, table, "Mailing list")
    text = table.getvalue()
    assert text.startswith("Mailing list\n")
    assert "anna@alfa.example" in text and "— no e-mail" in text


# --- the outcome of a done visit or call -------------------------------------------------


def test_outcome_and_note_go_onto_the_done_items_activity(book) -> None:
    cid = add_small_fry(book)
    item = plan_store.add_item(book, cid, TODAY, "call")
    with pytest.raises(BookError, match="press d first"):
        plan_store.set_outcome(book, item, "Order placed", None)
    plan_store.mark_done(book, item, TODAY)
    plan_store.set_outcome(book, item, "  Order placed ", "Wants 40 pallets\nin January")
    saved = plan_store.get_item(book, item)
    assert (saved.outcome, saved.note) == ("Order placed", "Wants 40 pallets\nin January")
    assert book.rows("SELECT date, kind, outcome FROM activity") == [("2026-11-23", "call", "Order placed")]
    plan_store.set_outcome(book, item, "", "")
    assert (plan_store.get_item(book, item).outcome, plan_store.get_item(book, item).note) == (None, None)


def test_too_long_outcome_is_refused_and_nothing_changes(book) -> None:
    from segtui.domain.customer import NAME_MAX, NOTE_MAX, InputError

    cid = add_small_fry(book)
    item = plan_store.add_item(book, cid, TODAY, "visit")
    with pytest.raises(InputError, match="outcome"):
        plan_store.mark_done(book, item, TODAY, "x" * (NAME_MAX + 1))
    assert plan_store.get_item(book, item).status == "planned"
    assert book.scalar("SELECT count(*) FROM activity") == 0
    plan_store.mark_done(book, item, TODAY, "Offer requested", "ok")
    with pytest.raises(InputError, match="note"):
        plan_store.set_outcome(book, item, "Order placed", "y" * (NOTE_MAX + 1))
    assert plan_store.get_item(book, item).outcome == "Offer requested"
