"""The planner's fast paths against its rules as written (domain/planning.py, store/plan.py).

``due_list`` writes :func:`planning.due` out inline for a book of 20,000 customers,
``planning_customers`` reads the segments by position and ``area_days`` looks only near a
day's anchor: here each is held to the plain version — every customer through ``due()``,
sorted by ``by_priority``; every field read by name; every other due visit tested in turn —
and the weeks planned on a demo book are the weeks the plain versions give."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gc
import shutil
from typing import Iterable, Mapping, Sequence

from hypothesis import given, settings
from hypothesis import strategies as st

from segtui.domain import planning
from segtui.domain.planning import KM_PER_DEGREE, Booked, Customer, Due, PlanConfig, _city_key, _city_key_of, slip
from segtui.domain.routes import Place, RouteConfig, day_minutes, insert, km
from segtui.domain.routes import order as routes_order
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


def plain_area_days(
    chosen: Sequence[Due],
    rest: Sequence[Due],
    days: Sequence[dt.date],
    room: Mapping[dt.date, int],
    route: RouteConfig,
    booked: Iterable[Booked] = (),
) -> list[tuple[Due, dt.date]]:
    """area_days() as it was written before its fast paths: every other due visit tested in turn."""
    days = sorted(days)
    left = {d: room.get(d, 0) for d in days}
    anchor: dict[dt.date, tuple[Place | None, object]] = {}  # a day's area: its first visit's place and town
    stops: dict[dt.date, list[Place]] = {d: [] for d in days}  # the located visits, in a short order
    counts: dict[dt.date, int] = {d: 0 for d in days}  # every visit of the day, located or not
    for b in booked:
        if b.kind != "visit" or b.status == "skipped" or b.day not in left:
            continue
        anchor.setdefault(b.day, (b.place, _city_key_of(b.city, ("kept", b.customer_id))))
        if b.place is not None:
            stops[b.day] = insert(route.start, stops[b.day], b.place)[0]
        counts[b.day] += 1
    laid: list[tuple[Due, dt.date]] = []
    placed: set[int] = set()

    def deadline(e: Due) -> dt.date | None:  # a deadline after the week's last day does not limit the week
        return e.deadline if e.deadline is not None and e.deadline < days[-1] else None

    def allowed(e: Due, d: dt.date) -> bool:
        last = deadline(e)
        return e.due_on <= d and (last is None or d <= last)

    def near(e: Due, d: dt.date) -> bool:
        place, key = anchor[d]
        c = e.customer
        if place is None or c.place is None:
            return place is None and c.place is None and key == _city_key(c)
        if abs(place[0] - c.place[0]) * KM_PER_DEGREE > route.radius_km:  # farther north or south: no need to
            return False                                                  # measure the great circle
        return km(place, c.place) <= route.radius_km

    def fits(e: Due, d: dt.date) -> list[Place] | None:
        """The day's located stops with ``e`` among them, when the day's hours still hold it."""
        if left[d] <= 0:
            return None
        order = stops[d]
        if e.customer.place is not None:
            order = insert(route.start, stops[d], e.customer.place)[0]
        return order if day_minutes(route, order, counts[d] + 1) <= route.day_minutes + 1e-6 else None

    def put(e: Due, d: dt.date, order: list[Place]) -> None:
        anchor.setdefault(d, (e.customer.place, _city_key(e.customer)))
        stops[d] = order
        left[d] -= 1
        counts[d] += 1
        laid.append((e, d))
        placed.add(e.customer.id)

    def place_in_area(e: Due) -> bool:
        for wanted in (True, False):  # a day of its area first, then an empty day of its own
            for d in days:
                if (d in anchor) == wanted and allowed(e, d) and (not wanted or near(e, d)):
                    order = fits(e, d)
                    if order is not None:
                        put(e, d, order)
                        return True
        return False

    for e in sorted(chosen, key=lambda e: (deadline(e) is None, deadline(e) or dt.date.max)):  # stable: by priority
        if place_in_area(e) or deadline(e) is None:
            continue
        # 1. the deadline beats the area (not the hours): the earliest day before it that holds it
        fitting = [(d, order) for d in days if (order := fits(e, d)) is not None]
        if fitting:
            d, order = next(((d, o) for d, o in fitting if allowed(e, d)), None) or next(
                ((d, o) for d, o in fitting if d <= deadline(e)), fitting[0])
            put(e, d, order)
    others = [e for e in rest if e.customer.id not in placed]
    for d in days:  # 2. and 3.: the other due visits fill each day's area
        for e in others:
            if left[d] <= 0:
                break
            if e.customer.id in placed or not allowed(e, d) or (d in anchor and not near(e, d)):
                continue
            order = fits(e, d)
            if order is not None:
                put(e, d, order)
    # the hours were checked on the order visits were inserted in; the day is driven in its best
    # order (and back home): should that come out longer, its least urgent new visit waits
    for d in days:
        while True:
            best = [stops[d][i] for i in routes_order(route.start, stops[d])]
            if day_minutes(route, best, counts[d]) <= route.day_minutes + 1e-6:
                break
            last = next((n for n in range(len(laid) - 1, -1, -1) if laid[n][1] == d), None)
            if last is None:
                break
            e, _ = laid.pop(last)
            counts[d] -= 1
            if e.customer.place is not None:
                stops[d].remove(e.customer.place)
    return laid


TOWNS = [(63.83, 20.26), (63.9, 20.5), (64.75, 20.95), (59.33, 18.07), (63.6, 19.9)]  # Umeå, near it, Skellefteå, …
located_customers = st.lists(st.builds(
    lambda cid, town, jitter, last, revenue, upgrade: Customer(
        cid, f"Customer {cid}", ["Umeå", "Vännäs", "Skellefteå", "Stockholm", "Nordmaling"][town] if town is not None else None,
        Quadrant.BIG_GAME if upgrade else Quadrant.CASH_COWS, upgrade, when(last), revenue=revenue,
        place=(TOWNS[town][0] + jitter, TOWNS[town][1]) if town is not None and jitter is not None else None),
    st.integers(1, 60), st.none() | st.integers(0, 4), st.none() | st.sampled_from([0.0, 0.1, -0.3]), days_ago,
    st.sampled_from([0, 50_000_00]), st.booleans(),
), max_size=60, unique_by=lambda c: c.id)


@settings(max_examples=200, deadline=None)
@given(located_customers, st.sampled_from([10.0, 50.0, 400.0]), st.sampled_from(["08:00-17:00", "08:00-11:00"]),
       st.sampled_from([None, TOWNS[0], TOWNS[3]]), st.integers(1, 4),
       st.lists(st.tuples(st.integers(1, 60), st.integers(0, 4), st.sampled_from(["planned", "skipped"])), max_size=4))
def test_property_the_week_by_area_is_the_plain_one(found, radius, hours, start, per_day, kept) -> None:
    config = PlanConfig.from_settings({"route.radius_km": str(radius), "route.day": hours,
                                       "capacity.visits_per_day": str(per_day)})
    config = dataclasses.replace(config, route=dataclasses.replace(config.route, start=start))
    days = planning.plan_days(TODAY, config)
    places = {c.id: c.place for c in found}
    booked = [Booked(cid, days[day], "visit", status, None, places.get(cid, TOWNS[day])) for cid, day, status in kept]
    dues = planning.due_list(found, config, TODAY, days[-1])
    fast = planning.fill_week(dues, days, config, booked)
    with plain_areas():
        assert fast == planning.fill_week(dues, days, config, booked)


@contextlib.contextmanager
def plain_areas():
    """fill_week() with plain_area_days() in place of area_days()."""
    fast = planning.area_days
    planning.area_days = plain_area_days
    try:
        yield
    finally:
        planning.area_days = fast


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
        fast = plan_store.plan_week(book, monday, TODAY, found, config, save=False)
        with plain_areas():
            assert fast == planning.fill_week(plain_due_list(found, config, on, days[-1]), days, config)
        assert fast
    assert gc.isenabled()  # the collector, paused while planning, is back on
