"""A day's visits as a drive: distances, the order of the stops and the hours the day takes.

The rules (docs/routes.md):

* **Distance** is the great-circle distance between two places (latitude, longitude), in
  kilometres. Roads are longer than a straight line: driving distance is the straight
  distance times ``ROAD_FACTOR`` (1.3, the usual detour of Nordic roads between towns), and
  the drive takes that distance at ``route.speed_kmh``.
* **The order** of a day's stops is the shortest path from the rep's start
  (``route.start``) through every stop, ending at the last one. Up to ``EXACT_UP_TO`` stops the path is the shortest
  there is (python-tsp's exact dynamic programme); above that python-tsp's 2-opt local
  search from the nearest-neighbour path. Without a start the path may begin at any stop.
* **The day** (``route.day``, e.g. 08:00-17:00) holds the drive to each stop,
  ``route.visit_minutes`` at each and the drive from the last stop back to the start; a day
  never gets a visit that would make it longer.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Mapping, Sequence

from segtui.domain.settings import DEFAULTS
from segtui.i18n import _

Place = tuple[float, float]

EARTH_RADIUS_KM = 6371.0088
ROAD_FACTOR = 1.3
EXACT_UP_TO = 8

_COORDINATES = re.compile(r"^\s*([-+]?\d{1,2}(?:[.,]\d+)?)\s*[,;/ ]\s*([-+]?\d{1,3}(?:[.,]\d+)?)\s*$")
_DAY = re.compile(r"^\s*(\d{1,2})[:.](\d{2})\s*-\s*(\d{1,2})[:.](\d{2})\s*$")


def parse_coordinates(text: str) -> Place | None:
    """``"59.33,18.07"`` (or ``"59.33 18.07"``, ``"59,33; 18,07"``) as a place; None when the
    text is not a pair of numbers. A pair out of range raises ValueError with the reason."""
    found = _COORDINATES.match(text or "")
    if not found:
        return None
    lat, lon = (float(part.replace(",", ".")) for part in found.groups())
    if not -90 <= lat <= 90:
        raise ValueError(_("latitude {lat} is not between -90 and 90").format(lat=f"{lat:g}"))
    if not -180 <= lon <= 180:
        raise ValueError(_("longitude {lon} is not between -180 and 180").format(lon=f"{lon:g}"))
    return (lat, lon)


def parse_day(text: str) -> tuple[int, int]:
    """'08:00-17:00' as minutes after midnight (480, 1020); ValueError when it is not a day."""
    found = _DAY.match(text or "")
    if not found:
        raise ValueError(_("{text} is not working hours: type them like 08:00-17:00").format(text=repr(text)))
    h1, m1, h2, m2 = (int(g) for g in found.groups())
    if h1 > 23 or h2 > 24 or m1 > 59 or m2 > 59 or (h2 == 24 and m2):
        raise ValueError(_("{text} is not working hours: hours 00–24, minutes 00–59").format(text=repr(text)))
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if end <= start:
        raise ValueError(_("{text}: the day must end after it starts").format(text=repr(text)))
    return start, end


def km(a: Place, b: Place) -> float:
    """The great-circle distance between two places in kilometres (haversine)."""
    found = _KM.get((a, b))
    if found is None:
        found = _KM[(a, b)] = _KM[(b, a)] = _haversine(a, b)
        if len(_KM) > _KM_KEPT:  # a long session does not keep every pair it ever measured
            _KM.clear()
    return found


def _haversine(a: Place, b: Place) -> float:
    lat1, lon1, lat2, lon2 = math.radians(a[0]), math.radians(a[1]), math.radians(b[0]), math.radians(b[1])
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


# Distances already measured: customers share their town's place, and planning a week measures
# the same pairs again and again (the day's anchor to every due customer, each insertion).
_KM: dict[tuple[Place, Place], float] = {}
_KM_KEPT = 200_000


def route_fields(v: Mapping[str, str]) -> dict:
    """The fields of :class:`RouteConfig` but its start from every setting's value (``route.*``)."""
    day_start, day_end = parse_day(v["route.day"])
    return dict(radius_km=float(v["route.radius_km"]), day_start=day_start, day_end=day_end,
                visit_minutes=int(v["route.visit_minutes"]), speed_kmh=float(v["route.speed_kmh"]))


_DEFAULT = route_fields(DEFAULTS)  # the registry's defaults (domain/settings.py)


@dataclass(frozen=True)
class RouteConfig:
    """Where the rep starts, how near a day's visits lie, and how long a day is; each default
    is the registry's."""

    start: Place | None = None
    radius_km: float = _DEFAULT["radius_km"]
    day_start: int = _DEFAULT["day_start"]  # minutes after midnight
    day_end: int = _DEFAULT["day_end"]
    visit_minutes: int = _DEFAULT["visit_minutes"]
    speed_kmh: float = _DEFAULT["speed_kmh"]

    @property
    def day_minutes(self) -> int:
        return self.day_end - self.day_start

    def drive_minutes(self, straight_km: float) -> float:
        """Minutes to drive between two places ``straight_km`` apart."""
        return straight_km * ROAD_FACTOR / self.speed_kmh * 60


def path_km(start: Place | None, stops: Sequence[Place]) -> list[float]:
    """The straight kilometres of each leg, stops in the given order: the first from the
    start (0 without a start), each next from the stop before."""
    legs, here = [], start
    for stop in stops:
        legs.append(km(here, stop) if here is not None else 0.0)
        here = stop
    return legs


def order(start: Place | None, stops: Sequence[Place]) -> list[int]:
    """The stops' indices in the order of the shortest path from ``start`` through all of them
    (exact up to ``EXACT_UP_TO`` stops, 2-opt above); with no start, from the best first stop."""
    n = len(stops)
    if n <= 1:
        return list(range(n))
    if n == 2 and start is not None:
        return [0, 1] if km(start, stops[0]) <= km(start, stops[1]) else [1, 0]
    import numpy as np

    size = n + 1  # row and column 0 are the start (all zeros without one); stop i is at i + 1
    matrix = np.zeros((size, size))
    for i in range(1, size):
        for j in range(i + 1, size):
            matrix[i, j] = matrix[j, i] = km(stops[i - 1], stops[j - 1])
        if start is not None:
            matrix[0, i] = km(start, stops[i - 1])  # from the start; back to it costs nothing (an open path)
    if n <= EXACT_UP_TO:
        from python_tsp.exact import solve_tsp_dynamic_programming

        permutation, _ = solve_tsp_dynamic_programming(matrix)
    else:
        from python_tsp.heuristics import solve_tsp_local_search

        permutation, _ = solve_tsp_local_search(matrix, x0=_nearest_first(matrix))
    return [int(p) - 1 for p in permutation[1:]]


def _nearest_first(matrix) -> list[int]:
    """The nearest-neighbour path from node 0 (the start, or a free start)."""
    left = set(range(1, len(matrix)))
    path = [0]
    while left:
        here = path[-1]
        nxt = min(left, key=lambda j: (matrix[here, j], j))
        path.append(nxt)
        left.remove(nxt)
    return path


def day_minutes(config: RouteConfig, stops: Sequence[Place], visits: int | None = None) -> float:
    """Minutes a day takes: ``visits`` visits (default: one per stop), the drive from the start
    through the located ``stops`` in this order, and the drive from the last back to the start."""
    visits = len(stops) if visits is None else visits
    home = km(stops[-1], config.start) if stops and config.start is not None else 0.0
    return visits * config.visit_minutes + config.drive_minutes(sum(path_km(config.start, stops)) + home)


def insert(start: Place | None, stops: Sequence[Place], new: Place) -> tuple[list[Place], float]:
    """``stops`` with ``new`` put where it lengthens the path from ``start`` least (the first
    such place), and the new path's straight kilometres. Never shorter than the best order of
    the same stops, so a day whose hours hold this path hold its best order too."""
    legs = path_km(start, stops)
    best_at, best_added = 0, math.inf
    for at in range(len(stops) + 1):
        before = stops[at - 1] if at else start
        added = km(before, new) if before is not None else 0.0
        if at < len(stops):
            added += km(new, stops[at]) - legs[at]
        if added < best_added - 1e-9:
            best_at, best_added = at, added
    return [*stops[:best_at], new, *stops[best_at:]], sum(legs) + best_added


def clock(config: RouteConfig, stops: Sequence[Place | None]) -> list[tuple[int, int]]:
    """Each stop's (arrival, departure) in minutes after midnight, in the given order: the day
    starts at ``day_start`` with the drive from the start."""
    times, now, here = [], float(config.day_start), config.start
    for stop in stops:
        if stop is not None and here is not None:
            now += config.drive_minutes(km(here, stop))
        if stop is not None:
            here = stop
        arrive = round(now)
        now += config.visit_minutes
        times.append((arrive, round(now)))
    return times


@dataclass(frozen=True)
class Stop:
    """One visit of a day's route: its place in the order (1, 2, …), the straight kilometres
    from the stop before (or from the start; None: not located) and its clock times."""

    key: object
    number: int
    place: Place | None
    km: float | None
    arrive: int  # minutes after midnight
    depart: int


@dataclass(frozen=True)
class DayRoute:
    stops: tuple[Stop, ...]
    km: float  # straight kilometres from the start through every located stop
    minutes: float  # the drive and the visits

    @property
    def road_km(self) -> float:
        return self.km * ROAD_FACTOR


def plan_day(config: RouteConfig, visits: Sequence[tuple[object, Place | None]]) -> DayRoute:
    """The day's visits (key, place) in driving order: the located ones on the shortest path
    from the start, then those without a place in the order given."""
    located = [(k, p) for k, p in visits if p is not None]
    unlocated = [(k, p) for k, p in visits if p is None]
    ordered = [located[i] for i in order(config.start, [p for _, p in located])] + unlocated
    legs = path_km(config.start, [p for _, p in ordered if p is not None])
    times = clock(config, [p for _, p in ordered])
    stops, n = [], 0
    for number, ((k, p), (arrive, depart)) in enumerate(zip(ordered, times), 1):
        leg = None
        if p is not None:
            leg, n = legs[n], n + 1
        stops.append(Stop(k, number, p, leg, arrive, depart))
    return DayRoute(tuple(stops), sum(legs), day_minutes(config, [p for _, p in ordered if p is not None], len(visits)))
