"""Estimated potential: a yearly budget for a customer nobody has assessed yet.

The rule (docs/estimated-potential.md, DESIGN §2 "Estimated potential"): a customer
with no entered or imported budget, who has bought from us in the window, gets the
*realistic wallet* of IBM's Market Alignment Program — a high quantile of what
comparable customers (peers) spend with us in a year — and never less than what the
customer has itself shown it buys.

Why a high quantile, and why 0.8 by default. Perlich, Rosset, Lawrence & Zadrozny
("High-quantile modeling for customer wallet estimation", KDD 2007) define the
realistic wallet as a high percentile of the spend of customers that look alike:
the customers at the top of a peer group show what a customer of that kind *can*
buy from us when we have most of its business. The median would call half of every
group "saturated"; the maximum is one outlier. IBM's reps worked with the 80th
percentile, and with it about one customer in five already buys more than the
estimate (they are at their own best 12 months, which we keep) — the share a
back-test on the real file checks (BENCHMARKS.md).

Peers are the customers with spend in the window that share the customer's
attributes at the first *level* below that holds at least ``min_peers`` of them:
industry, company size, region (city, else the postcode's first two characters,
within the country), country and the buying pattern (order frequency class and
whether the customer bought before the last 12 months). A level that needs an
attribute the customer lacks is skipped; the last level is everyone. A book with fewer
than ``min_peers`` customers with spend has no peers at all: nobody is estimated.

Pure: no SQL, no Textual. Amounts are minor units (integers).
"""

from __future__ import annotations

import datetime as dt

import math
from dataclasses import dataclass
from fractions import Fraction
from operator import itemgetter
from typing import Any, Callable, Iterable, Mapping, NamedTuple

# The attributes of a peer group, most specific first. "pattern" (frequency class
# and tenure) is in every level but the last: how often a customer orders says
# more about what it buys than anything else the book knows.
LEVELS: tuple[tuple[str, ...], ...] = (
    ("industry", "size", "region", "pattern"),
    ("industry", "size", "country", "pattern"),
    ("industry", "size", "pattern"),
    ("industry", "country", "pattern"),
    ("industry", "pattern"),
    ("size", "country", "pattern"),
    ("size", "pattern"),
    ("region", "pattern"),
    ("country", "pattern"),
    ("pattern",),
    (),
)

# company size bands (the EU's micro / small / medium / large by headcount)
EMPLOYEE_BANDS = ((10, "1–9 employees"), (50, "10–49 employees"), (250, "50–249 employees"))
# by annual revenue (major units) when the headcount is unknown
REVENUE_BANDS = ((1_000_000, "revenue under 1M"), (10_000_000, "revenue 1–10M"), (100_000_000, "revenue 10–100M"))

FREQUENCY_WORDS = {"X": "X (about monthly)", "Y": "Y (regular)", "Z": "Z (now and then)"}


@dataclass(frozen=True)
class EstimateConfig:
    """The settings of the estimate (``potential.*``)."""

    enabled: bool = True
    quantile: Fraction = Fraction(4, 5)
    min_peers: int = 20

    @classmethod
    def from_settings(cls, values: Mapping[str, str]) -> "EstimateConfig":
        return cls(
            enabled=values.get("potential.estimate", "peers") != "off",
            quantile=Fraction(values.get("potential.quantile", "0.8")),
            min_peers=int(values.get("potential.min_peers", "20")),
        )


class Profile(NamedTuple):
    """What the book knows of one customer, as the estimate reads it."""

    customer_id: int
    shown: int  # the most it bought in 12 months: max(last 12 months, the 12 before), minor units
    revenue_12m: int
    industry: str | None = None
    size: str | None = None
    region: str | None = None  # 'Malmö, SE' (city or postcode area, with the country)
    country: str | None = None
    pattern: str | None = None  # 'Z|established'


class Wallet(NamedTuple):
    """An estimated yearly budget and why."""

    budget_per_year: int  # minor units
    basis: str  # "estimated: 80th percentile of 41 peers — …"
    peers: int
    level: tuple[str, ...]


def size_band(employees: int | None, annual_revenue: int | None) -> str | None:
    """The company-size band by headcount, else by annual revenue (major units)."""
    if employees is not None and employees > 0:
        for below, words in EMPLOYEE_BANDS:
            if employees < below:
                return words
        return "250+ employees"
    if annual_revenue is not None and annual_revenue > 0:
        for below, words in REVENUE_BANDS:
            if annual_revenue < below:
                return words
        return "revenue 100M+"
    return None


def region_of(city: str | None, postcode: str | None, country: str | None) -> str | None:
    """The customer's region: its city, else its postcode area, within the country."""
    city = (city or "").strip()
    code = "".join((postcode or "").split())[:2]
    place = city.casefold() if city else (f"postcode {code}" if code else "")
    if not place:
        return None
    return f"{place}|{(country or '').strip().casefold()}"


def pattern_of(frequency: str | None, ordered_before_12m: bool) -> str | None:
    """The buying pattern: the XYZ class and the tenure (None without orders)."""
    if frequency is None:
        return None
    return f"{frequency}|{'established' if ordered_before_12m else 'new'}"


def shown_spend(window_revenue: int, revenue_12m: int) -> int:
    """The most the customer bought in 12 months, as far as the two halves of the
    window tell: the more of its last 12 months and the 12 before them."""
    return max(revenue_12m, window_revenue - revenue_12m)


def nearest_rank(values: list[int], quantile: Fraction) -> int:
    """The nearest-rank quantile of sorted ``values``: the ⌈q·n⌉-th smallest."""
    rank = max(1, math.ceil(quantile * len(values)))
    return values[min(rank, len(values)) - 1]


def ordinal(quantile: Fraction) -> str:
    """0.8 → '80th', 0.81 → '81st', 0.825 → '82.5th'."""
    percent = quantile * 100
    if percent.denominator != 1:
        return f"{float(percent):g}th"
    n = int(percent)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _words(level: tuple[str, ...], profile: Profile, names: Mapping[str, str]) -> str:
    parts: list[str] = []
    for attribute in level:
        value = getattr(profile, attribute)
        if attribute == "pattern":
            frequency, tenure = value.split("|")
            parts.append(FREQUENCY_WORDS.get(frequency, frequency))
            parts.append("buying for over a year" if tenure == "established" else "new in the last 12 months")
        else:
            parts.append(names.get(f"{attribute}:{value}", value))
    return ", ".join(parts) if parts else "every customer with revenue"


#: A book holding fewer days of orders than this is not scaled further up to a year: a few
#: weeks of orders say too little about a year to be multiplied by twelve.
MIN_HELD_DAYS = 91


def year_scale(first_order: dt.date | None, as_of: dt.date) -> Fraction:
    """What the peers' spends are multiplied by to be a year's (docs/estimated-potential.md):
    1 when the book holds a year of orders or more before ``as_of``; for a younger book (an
    ERP export of eight months, say), 365 ÷ the days it holds — at least MIN_HELD_DAYS — so
    that a book imported with half a year of history does not estimate every wallet at half
    its size. The customer's own figures, the estimate's floor, are never scaled."""
    if first_order is None or first_order > as_of:
        return Fraction(1)
    days = (as_of - first_order).days + 1
    if days >= 365:
        return Fraction(1)
    return Fraction(365, max(days, MIN_HELD_DAYS))


def held_months(scale: Fraction) -> int:
    """The whole months of orders a book holds, as the basis says it, from its ``year_scale``."""
    return max(1, round(12 / scale))


def estimate_wallets(
    profiles: Iterable[Profile],
    wanted: Iterable[int],
    config: EstimateConfig,
    names: Mapping[str, str] | None = None,
    scale: Fraction = Fraction(1),
) -> dict[int, Wallet]:
    """The estimated yearly budget of every customer in ``wanted`` that has a
    profile with spend; peers are every profile with spend (``shown`` > 0).
    ``names``: how an attribute's key is written ('region:malmö|se' → 'Malmö, SE',
    'industry:wholesale' → 'Wholesale'); a key without a name is written as it is. ``scale``
    (:func:`year_scale`) makes the peers' spends a year's in a book younger than a year."""
    names = names or {}
    profiles = [p for p in profiles if p.shown > 0]
    by_id = {p.customer_id: p for p in profiles}
    chosen = [by_id[cid] for cid in wanted if cid in by_id]
    if len(profiles) < config.min_peers or not chosen:
        return {}
    # the levels the book can fill at all (an attribute no customer has drops its levels),
    # each with a getter of its key from the profile tuple
    present = {a for a in Profile._fields[3:] if any(getattr(p, a) is not None for p in profiles)}
    levels: list[tuple[tuple[str, ...], Callable[[Profile], tuple[Any, ...]]]] = []
    for level in LEVELS:
        if set(level) <= present:
            index = [Profile._fields.index(a) for a in level]
            # a tuple of the attributes, in C (one attribute or none: a slice, still a tuple)
            one = slice(index[0], index[0] + 1) if index else slice(0, 0)
            key_of: Callable[[Profile], tuple[Any, ...]] = itemgetter(*index) if len(index) > 1 else itemgetter(one)
            levels.append((level, key_of))
    # level by level, only for the customers no earlier level could judge: the groups their
    # keys name, filled in one pass over the peers (most customers are judged at the first
    # level the book can fill, so the wider levels' passes are rarely needed)
    shown = [p.shown for p in profiles]
    quantiles: dict[tuple, tuple[int, int, str]] = {}
    result: dict[int, Wallet] = {}
    remaining = chosen
    for level, key_of in levels:
        if not remaining:
            break
        if level:
            groups: dict[tuple, list[int]] = {}
            for p in remaining:
                key = key_of(p)
                if None not in key:
                    groups[key] = []
            if not groups:
                continue
            get = groups.get
            for key, spend in zip(map(key_of, profiles), shown):
                group = get(key)
                if group is not None:
                    group.append(spend)
        else:
            groups = {(): list(shown)}
        left: list[Profile] = []
        for p in remaining:
            key = key_of(p)
            values = groups.get(key) if None not in key else None
            if values is None or len(values) < config.min_peers:
                left.append(p)  # too few to judge by; the last level too (a book this small has no peers)
                continue
            found = quantiles.get(key)
            if found is None:
                values.sort()
                found = quantiles[key] = (
                    int(nearest_rank(values, config.quantile) * scale + Fraction(1, 2)), len(values),
                    f"estimated: {ordinal(config.quantile)} percentile of {len(values)} peers — "
                    f"{_words(level, p, names)}"
                    + (f"; scaled to a year from {held_months(scale)} months of orders" if scale != 1 else ""),
                )
            value, count, basis = found
            # its own best 12 months, in a book younger than a year its own pace over it
            own = max(p.shown, p.revenue_12m)
            if scale != 1:
                own = int(own * scale + Fraction(1, 2))
            budget = max(value, own)
            if budget > value:
                basis += "; raised to its own best 12 months" if scale == 1 else "; raised to its own, scaled to a year"
            result[p.customer_id] = Wallet(budget, basis, count, level)
        remaining = left
        quantiles.clear()  # a key is a level's own: the next level's keys are other groups
    # in the order the customers were asked for
    return {p.customer_id: result[p.customer_id] for p in chosen if p.customer_id in result}
