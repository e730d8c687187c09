"""The planner's fast paths against its rules as written (domain/planning.py, store/plan.py).

``due_list`` writes :func:`planning.due` out inline for a book of 20,000 customers and
``planning_customers`` unpacks the segments by position: here both are held to the plain
versions — every customer through ``due()``, sorted by ``by_priority``; every field read by
name — and the week planned on a demo book is the week the plain versions give."""

from __future__ import annotations

import datetime as dt
import gc
import shutil

from hypothesis import given, settings
from hypothesis import strategies as st

from segtui.domain import planning
from segtui.domain.planning import Customer, PlanConfig, slip
from segtui.domain.segments import Group, Quadrant
from segtui.domain.trends import Trend
from segtui.store import plan as plan_store
from segtui.store.book import open_book
from segtui.store.places import all_places
from segtui.store.segments import segment_book

TODAY = dt.date(2026, 11, 23)  # a Monday


def ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


TRENDS = [
    None,
    Trend("silent", 1_200_00, 900_00, 21, ago(64), ago(43), TODAY),
    Trend("declining", 550_00, 1_000_00, None, ago(5), None, TODAY),
    Trend(None, 0, 800_00, None, None, None, TODAY),  # with lapsed: a lapsed customer
    Trend(None, 0, 0, None, None, None, TODAY),  # lapsed, nothing at risk
]
days_ago = st.none() | st.integers(-3, 400)


def when(n: int | None) -> dt.date | None:
    return None if n is None else ago(n)


customers = st.lists(st.builds(
    lambda cid, quadrant, upgrade, last, assessment, assessed, contracts, revenue, potential, follow_up,
    estimated, trend, lapsed, name: Customer(
        cid, name, "Umeå", quadrant, upgrade, when(last), when(assessment),
        contracts[0] if contracts else None, tuple(contracts), revenue, potential, when(assessed),
        (TODAY + dt.timedelta(days=follow_up[0]), follow_up[1]) if follow_up else None, estimated, None,
        slip(trend, lapsed, ago(400))),
    st.integers(1, 12), st.sampled_from(list(Quadrant)), st.booleans(), days_ago, days_ago, days_ago,
    st.lists(st.tuples(st.sampled_from(["Ahlsell", "Onninen"]), st.integers(-5, 200).map(lambda n: TODAY + dt.timedelta(days=n))),
             max_size=2).map(sorted),
    st.sampled_from([0, 50_000_00, 3_000_000_00]), st.none() | st.sampled_from([0, 1_000_000_00]),
    st.none() | st.tuples(st.integers(-3, 10), st.sampled_from(["visit", "call"])), st.booleans(),
    st.sampled_from(TRENDS), st.booleans(), st.sampled_from(["Berg AB", "berg ab", "Åkers"]),
), max_size=40)

configs = st.builds(
    lambda big, cows, fry, uninteresting, assess, back, weight: PlanConfig.from_settings({
        "policy.big_game": big, "policy.cash_cows": cows, "policy.small_fry": fry,
        "policy.uninteresting": uninteresting, "policy.needs_assessment": assess, "policy.win_back": back,
        "weight.small_fry": weight}),
    st.sampled_from(["visit:14", "visit:1", "call:7"]), st.sampled_from(["visit:28", "none"]),
    st.sampled_from(["call:91", "call:once"]), st.sampled_from(["none", "call:60"]),
    st.sampled_from(["call:once", "visit:once", "none"]), st.sampled_from(["call:30", "visit:60", "none"]),
    st.sampled_from(["1", "4"]),
)


def plain_due_list(found, config, on, until):
    return sorted((d for c in found if (d := planning.due(c, config, on, until)) is not None), key=planning.by_priority)


@settings(max_examples=300, deadline=None)
@given(customers, configs, st.integers(0, 6))
def test_property_the_due_list_is_every_due_customer_by_priority(found, config, ahead) -> None:
    until = TODAY + dt.timedelta(days=ahead)
    assert planning.due_list(found, config, TODAY, until) == plain_due_list(found, config, TODAY, until)


def plain_planning_customers(book, as_of, segments):
    """planning_customers() field by field (its queries are the same)."""
    day = as_of.isoformat()
    contacts = dict(book.rows("SELECT customer_id, max(date) FROM activity WHERE kind IN ('visit', 'call') "
                              "AND date <= ? GROUP BY customer_id", (day,)))
    assessed = dict(book.rows("SELECT customer_id, max(date) FROM assessment WHERE date <= ? GROUP BY customer_id",
                              (day,)))
    own = dict(book.rows("SELECT customer_id, max(date) FROM assessment WHERE date <= ? AND budget_per_year IS NOT "
                         "NULL AND source IN ('entered', 'confirmed') GROUP BY customer_id", (day,)))
    running = {}
    for cid, competitor, ends_on in book.rows("SELECT customer_id, competitor, ends_on FROM competitor_contract "
                                              "WHERE ends_on >= ? ORDER BY customer_id, ends_on, id", (day,)):
        running.setdefault(cid, []).append((competitor, dt.date.fromisoformat(ends_on)))
    located = all_places(book)
    date = dt.date.fromisoformat
    return [
        Customer(
            s.id, s.name, s.city, s.segment.quadrant, s.segment.upgrade_candidate,
            last_contact=date(contacts[s.id]) if s.id in contacts else None,
            last_assessment=date(assessed[s.id]) if s.id in assessed else None,
            contract=running[s.id][0] if s.id in running else None,
            contracts=tuple(running.get(s.id, ())),
            revenue=s.segment.revenue,
            potential=s.estimate.budget_per_year if s.estimate is not None else None,
            assessed=date(own[s.id]) if s.id in own else None,
            follow_up=None,
            estimated=s.estimate is not None and s.estimate.source == "estimated",
            place=located.get(s.id),
            slip=slip(s.trend, s.segment.group is Group.LAPSED, date(s.last_order) if s.last_order else None),
        )
        for s in segments
    ]


def test_the_planned_weeks_of_a_demo_book_are_those_of_the_plain_rules(demo_book_path, tmp_path) -> None:
    book = open_book(shutil.copy(demo_book_path, tmp_path / "demo.db"))
    segments = segment_book(book, TODAY)
    found = plan_store.planning_customers(book, TODAY, segments)
    assert found == plain_planning_customers(book, TODAY, segments)
    assert any(c.slip for c in found) and any(c.contracts for c in found) and any(c.place for c in found)
    config = plan_store.plan_config(book)
    for weeks in range(3):
        monday = TODAY + dt.timedelta(weeks=weeks)
        days = [d for d in planning.plan_days(monday, config) if d >= TODAY]
        on = max(TODAY, monday)
        plain = planning.fill_week(plain_due_list(found, config, on, days[-1]), days, config)
        assert plan_store.plan_week(book, monday, TODAY, found, config, save=False) == plain
        assert plain
    assert gc.isenabled()  # the collector, paused while planning, is back on
