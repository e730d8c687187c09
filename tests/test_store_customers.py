"""One customer's record and every edit of the customer screen, with their undo."""

from __future__ import annotations

import datetime as dt

import pytest
from books import add_assessment, add_customer, add_order
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from segtui.domain.customer import InputError
from segtui.domain.segments import Quadrant
from segtui.store import customers as store
from segtui.store.book import BookError
from segtui.store.segments import segment_book, segment_customer

AS_OF = dt.date(2026, 11, 23)


def dump(book) -> dict[str, list[tuple]]:
    """Every row an edit of the customer screen can touch."""
    tables = ["assessment", "checklist_answer", "qualification", "buying_behaviour", "competitor_contract", "activity"]
    return {t: [tuple(r) for r in book.query(f"SELECT * FROM {t} ORDER BY 1, 2")] for t in tables}


@pytest.fixture
def customer(book):
    cid = add_customer(book, name="Lindqvist Bygg")
    add_order(book, cid, "2024-03-01", 100_000, "F1")
    add_order(book, cid, "2026-02-10", 150_000, "F2")
    add_order(book, cid, "2026-03-10", -20_000, "C2")
    add_order(book, cid, "2026-10-01", 170_000, "F3")
    add_order(book, cid, "2026-12-01", 999_000, "F4")  # after as_of: not counted
    return cid


def test_the_record_holds_everything_of_one_customer(book, customer):
    other = add_customer(book)
    add_order(book, other, "2026-05-05", 5_000)
    with book.transaction() as conn:
        conn.execute("INSERT INTO contact (customer_id, name, phone, email, is_primary) VALUES (?, 'Ann', '+46 1', "
                     "'ann@x.example', 1)", (customer,))
    record = store.load_customer(book, customer, AS_OF)
    assert record.name == "Lindqvist Bygg"
    assert [o.ref for o in record.orders] == ["F4", "F3", "C2", "F2", "F1"]
    assert [o.is_credit_note for o in record.orders] == [False, False, True, False, False]
    quarters = dict((q.key, v) for q, v in record.quarters)
    assert quarters["2024-Q1"] == 100_000_00
    assert quarters["2026-Q1"] == 130_000_00
    assert quarters["2026-Q4"] == 170_000_00  # the December order is after as_of
    assert record.revenue_12m == 300_000_00
    assert record.contacts[0].email == "ann@x.example"
    assert record.segment.segment.quadrant is Quadrant.NEEDS_ASSESSMENT
    assert record.latest_assessment is None and record.answers == {} and record.qualification is None


def test_the_record_takes_its_12_month_revenue_from_the_engine(book, customer):
    record = store.load_customer(book, customer, AS_OF)
    assert record.segment.facts.revenue_12m == record.revenue_12m == 300_000_00
    assert record.segment.facts.window_revenue == record.segment.segment.revenue
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET archived = 1 WHERE id = ?", (customer,))
    archived = store.load_customer(book, customer, AS_OF)
    assert archived.segment is None and archived.revenue_12m == 300_000_00


def test_unknown_customer_is_a_clear_error(book):
    with pytest.raises(BookError, match="no customer with id 99"):
        store.load_customer(book, 99, AS_OF)


def test_single_customer_segment_is_the_book_engine(book, customer):
    other = add_customer(book)
    add_order(book, other, "2026-05-05", 3_000_000)
    add_assessment(book, customer, "2026-01-01", 2_000_000)
    whole = {c.id: c for c in segment_book(book, AS_OF)}
    for cid in (customer, other):
        assert segment_customer(book, cid, AS_OF) == whole[cid]
    book.set_setting("abc.mode", "pareto")
    whole = {c.id: c for c in segment_book(book, AS_OF)}
    assert segment_customer(book, customer, AS_OF) == whole[customer]
    assert segment_customer(book, 12345, AS_OF) is None


def test_a_budget_moves_the_customer_from_the_tray_to_big_game(book, customer):
    before = dump(book)
    undo = store.add_assessment(book, customer, AS_OF, 2_000_000_00, None, note="from the buyer")
    seg = segment_customer(book, customer, AS_OF).segment
    assert seg.quadrant is Quadrant.BIG_GAME and seg.potential_class == "A"
    assert seg.loyalty == pytest.approx(0.15) and seg.loyalty_source == "computed"
    store._apply(book, undo.statements)
    assert dump(book) == before


def test_estimates_are_history_never_overwritten(book, customer):
    store.add_assessment(book, customer, "2025-01-01", 1_000_000_00, None)
    store.add_assessment(book, customer, "2026-11-23", None, 0.6)
    store.add_assessment(book, customer, "2026-11-23", 900_000_00, 0.7)
    rows = book.query("SELECT date, budget_per_year, loyalty_override FROM assessment ORDER BY id")
    assert [tuple(r) for r in rows] == [("2025-01-01", 1_000_000_00, None), ("2026-11-23", None, 0.6),
                                         ("2026-11-23", 900_000_00, 0.7)]
    record = store.load_customer(book, customer, AS_OF)
    assert record.latest_assessment.loyalty_override == 0.7
    assert record.segment.segment.loyalty_source == "entered"


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"budget_per_year": -1, "loyalty_override": None}, "negative"),
        ({"budget_per_year": 10**15, "loyalty_override": None}, "implausibly large"),
        ({"budget_per_year": None, "loyalty_override": 1.3}, "between 0 and 100"),
        ({"budget_per_year": None, "loyalty_override": None}, "budget, a loyalty, or both"),
        ({"budget_per_year": 1, "loyalty_override": None, "on": "2026-02-30"}, "not a date"),
        ({"budget_per_year": 1, "loyalty_override": None, "note": "x" * 10_000}, "at most"),
    ],
)
def test_bad_estimates_save_nothing(book, customer, kwargs, message):
    before = dump(book)
    with pytest.raises(InputError, match=message):
        store.add_assessment(book, customer, **{"on": AS_OF, **kwargs})
    assert dump(book) == before


def test_checklist_answer_and_note_with_undo(book, customer):
    log = store.EditLog(book)
    log.record(store.set_checklist_answer(book, customer, "services", AS_OF, answer="yes"))
    log.record(store.set_checklist_answer(book, customer, "services", AS_OF, note="needs three"))
    log.record(store.set_checklist_answer(book, customer, "services", "2026-11-24", answer="no"))
    assert [tuple(r) for r in book.query("SELECT question_key, answer, note, date FROM checklist_answer")] == [
        ("services", "no", "needs three", "2026-11-24")
    ]
    assert log.undo().label == "checklist answer"
    assert tuple(book.query("SELECT answer, note, date FROM checklist_answer")[0]) == ("yes", "needs three",
                                                                                        "2026-11-23")
    log.undo()
    assert tuple(book.query("SELECT answer, note FROM checklist_answer")[0]) == ("yes", None)
    log.undo()
    assert book.query("SELECT * FROM checklist_answer") == []
    assert log.undo() is None and log.edited


def test_checklist_refuses_unknown_questions_and_answers(book, customer):
    with pytest.raises(InputError):
        store.set_checklist_answer(book, customer, "weather", AS_OF, answer="yes")
    with pytest.raises(InputError):
        store.set_checklist_answer(book, customer, "services", AS_OF, answer="maybe")
    with pytest.raises(InputError):
        store.set_checklist_answer(book, customer, "services", AS_OF, note="x" * 10_000)
    assert book.query("SELECT * FROM checklist_answer") == []


def test_qualification_parking_as_c_needs_a_reason(book, customer):
    with pytest.raises(InputError, match="needs a reason"):
        store.set_qualification(book, customer, AS_OF, True, False, None)
    log = store.EditLog(book)
    log.record(store.set_qualification(book, customer, AS_OF, True, False, None, "budget frozen"))
    record = store.load_customer(book, customer, AS_OF)
    assert record.qualification.grade == "C" and record.qualification.parked_reason == "budget frozen"
    log.record(store.set_qualification(book, customer, AS_OF, True, True, True, "ignored unless C"))
    record = store.load_customer(book, customer, AS_OF)
    assert record.qualification.grade == "A" and record.qualification.parked_reason is None
    log.undo()
    assert store.load_customer(book, customer, AS_OF).qualification.parked_reason == "budget frozen"
    log.undo()
    assert store.load_customer(book, customer, AS_OF).qualification is None


def test_buying_behaviour_gives_the_sales_track(book, customer):
    log = store.EditLog(book)
    log.record(store.set_buying_behaviour(book, customer, AS_OF, "price", False, False))
    assert store.load_customer(book, customer, AS_OF).buying_behaviour.focus == "price"
    log.record(store.set_buying_behaviour(book, customer, AS_OF, "performance", True, None))
    bb = store.load_customer(book, customer, AS_OF).buying_behaviour
    assert (bb.focus, bb.custom, bb.collaborate) == ("performance", True, None)
    log.undo()
    bb = store.load_customer(book, customer, AS_OF).buying_behaviour
    assert (bb.focus, bb.custom, bb.collaborate) == ("price", False, False)
    with pytest.raises(InputError):
        store.set_buying_behaviour(book, customer, AS_OF, "colour", None, None)


def test_competitor_contracts_add_remove_and_undo(book, customer):
    log = store.EditLog(book)
    log.record(store.add_competitor_contract(book, customer, "Bufab", "2027-01-15"))
    log.record(store.add_competitor_contract(book, customer, "Solar", "2027-06-01", "frame agreement"))
    record = store.load_customer(book, customer, AS_OF)
    assert [c.competitor for c in record.contracts] == ["Bufab", "Solar"]
    before = dump(book)
    log.record(store.remove_competitor_contract(book, record.contracts[0].id))
    assert [c.competitor for c in store.load_customer(book, customer, AS_OF).contracts] == ["Solar"]
    log.undo()
    assert dump(book) == before  # the same row, same id, is back
    with pytest.raises(InputError, match="not a date"):
        store.add_competitor_contract(book, customer, "Ahlsell", "2027-02-30")
    with pytest.raises(InputError, match="type the competitor"):
        store.add_competitor_contract(book, customer, " ", "2027-02-01")
    assert dump(book) == before


def test_activities_and_undo(book, customer):
    log = store.EditLog(book)
    log.record(store.add_activity(book, customer, AS_OF, "visit", "Offer requested", "Met the buyer"))
    log.record(store.add_activity(book, customer, "2026-11-20", "call"))
    record = store.load_customer(book, customer, AS_OF)
    assert [(a.date, a.kind, a.outcome) for a in record.activities] == [
        ("2026-11-23", "visit", "Offer requested"), ("2026-11-20", "call", None)]
    assert log.undo().label == "call"
    assert len(store.load_customer(book, customer, AS_OF).activities) == 1
    for bad in [{"kind": "lunch"}, {"on": "2026-13-01"}, {"note": "x" * 10_000}, {"outcome": "y" * 500}]:
        with pytest.raises(InputError):
            store.add_activity(book, customer, **{"on": AS_OF, "kind": "visit", **bad})
    assert len(store.load_customer(book, customer, AS_OF).activities) == 1


def test_edits_of_an_unknown_customer_save_nothing(book):
    with pytest.raises(BookError):
        store.add_activity(book, 4242, AS_OF, "visit")
    assert dump(book)["activity"] == []


EDITS = st.lists(
    st.one_of(
        st.tuples(st.just("answer"), st.sampled_from(["services", "replace", "volume"]),
                  st.sampled_from(["yes", "no", "unknown"])),
        st.tuples(st.just("estimate"), st.integers(0, 10**9), st.none() | st.floats(0, 1)),
        st.tuples(st.just("activity"), st.sampled_from(["visit", "call", "mail"]), st.text(max_size=20)),
        st.tuples(st.just("qualify"), st.booleans(), st.booleans(), st.none() | st.booleans()),
        st.tuples(st.just("behave"), st.sampled_from([None, "price", "delivery"]), st.none() | st.booleans(),
                  st.none() | st.booleans()),
        st.tuples(st.just("contract"), st.text(min_size=1, max_size=10).filter(str.strip)),
    ),
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(EDITS)
def test_undoing_every_edit_restores_the_book_exactly(book, edits):
    cid = add_customer(book)
    before = dump(book)
    log = store.EditLog(book)
    for edit in edits:
        kind = edit[0]
        try:
            if kind == "answer":
                log.record(store.set_checklist_answer(book, cid, edit[1], AS_OF, answer=edit[2]))
            elif kind == "estimate":
                log.record(store.add_assessment(book, cid, AS_OF, edit[1], edit[2]))
            elif kind == "activity":
                log.record(store.add_activity(book, cid, AS_OF, edit[1], note=edit[2]))
            elif kind == "qualify":
                log.record(store.set_qualification(book, cid, AS_OF, edit[1], edit[2], edit[3], "why"))
            elif kind == "behave":
                log.record(store.set_buying_behaviour(book, cid, AS_OF, *edit[1:]))
            elif kind == "contract":
                log.record(store.add_competitor_contract(book, cid, edit[1], "2027-01-01"))
                record = store.load_customer(book, cid, AS_OF)
                log.record(store.remove_competitor_contract(book, record.contracts[-1].id))
        except InputError:
            pass  # refused text (say, control characters): nothing saved, nothing to undo
    while log.undo():
        pass
    assert dump(book) == before
