"""The segmentation rules of the book (DESIGN §2), as pure functions.

Everything works on aggregates already computed by the store (revenue in the
window, orders, active months …) and on the customer's latest assessment.
Money is in integer minor units; thresholds from settings are in major units.
``as_of`` is never read here: the store computes the facts for a given day
(:func:`subtract_months` and :func:`month_periods` give it the day boundaries).

Decisions where DESIGN §2 is silent (kept here so every screen agrees):

* Pareto ties are broken by the customer's *source id* (the id in the ERP/CRM,
  the ``customer`` column of ``segtui segments``), not the book's internal row
  id, so the same orders give the same classes whatever order they were
  imported in. Source ids made only of digits compare as numbers and come
  before other ids, which compare as text. The Pareto total is the sum of the
  positive revenues (customers at zero or below are D and do not count).
* Potential class uses the fixed thresholds; in Pareto mode the revenue at the
  A and B cut-offs the ranking produced instead (:func:`pareto_cutoffs`,
  docs/first-day.md): A from the smallest revenue in class A, B from the
  smallest in class B.
* Budget: the latest assessment that states one; the loyalty override only
  counts when it is in the latest assessment (DESIGN: "in the latest
  assessment wins"). A budget of 0 with revenue is >100 % (clamped, flagged);
  a budget of 0 without revenue is a loyalty of 0.
* "Budget looks stale" is a fact about the budget: it is flagged whenever the
  last 12 months' revenue exceeds the yearly budget, even when an override
  sets the loyalty.
* Net revenue in the window at zero or below with orders or credit notes in
  the window is flagged (a customer with no rows in the window is simply D).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from enum import Enum
from fractions import Fraction
from typing import Iterable, Mapping, NamedTuple

from segtui.domain.settings import DEFAULTS
from segtui.i18n import N_, _


class Quadrant(str, Enum):
    CASH_COWS = "cash_cows"
    BIG_GAME = "big_game"
    SMALL_FRY = "small_fry"
    UNINTERESTING = "uninteresting"
    NEEDS_ASSESSMENT = "needs_assessment"

    @property
    def label(self) -> str:
        """The quadrant's name for people, in the app's language (QUADRANT_LABELS stay English)."""
        return _(QUADRANT_LABELS[self])


QUADRANT_LABELS = {
    Quadrant.CASH_COWS: N_("Cash cows"),
    Quadrant.BIG_GAME: N_("Big game"),
    Quadrant.SMALL_FRY: N_("Small fry"),
    Quadrant.UNINTERESTING: N_("Uninteresting"),
    Quadrant.NEEDS_ASSESSMENT: N_("Needs assessment"),
}
QUADRANT_SWEDISH = {
    Quadrant.CASH_COWS: "kassakor",
    Quadrant.BIG_GAME: "högvilt",
    Quadrant.SMALL_FRY: "småttingar",
    Quadrant.UNINTERESTING: "ointressanta",
    Quadrant.NEEDS_ASSESSMENT: "behöver bedömning",
}
QUADRANT_STRATEGY = {
    Quadrant.CASH_COWS: N_("Keep them: effort and personal contact."),
    Quadrant.BIG_GAME: N_("Hunt now: win a bigger share, watch when competitor contracts end."),
    Quadrant.SMALL_FRY: N_("Maintain: mass treatment, watch for growth."),
    Quadrant.UNINTERESTING: N_("Stop: spend no time."),
    Quadrant.NEEDS_ASSESSMENT: N_("Assess: estimate their yearly budget to place them."),
}


class Group(str, Enum):
    LAPSED = "lapsed"
    EXCLUSIVE = "exclusive"
    RECURRING = "recurring"
    ONE_OFF = "one_off"

    @property
    def label(self) -> str:
        """The group's name for people, in the app's language (GROUP_LABELS stay English)."""
        return _(GROUP_LABELS[self])


GROUP_LABELS = {
    Group.LAPSED: N_("Lapsed"),
    Group.EXCLUSIVE: N_("Exclusive"),
    Group.RECURRING: N_("Recurring"),
    Group.ONE_OFF: N_("One-off"),
}
GROUP_STRATEGY = {
    Group.LAPSED: N_("Win back: find out why they stopped buying and make an offer."),
    Group.EXCLUSIVE: N_("Protect: they buy nearly every month — never let service slip."),
    Group.RECURRING: N_("Grow: they come back — widen the range they buy."),
    Group.ONE_OFF: N_("Convert: turn the first order into a second."),
}

CLASS_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}


def _config_fields(v: Mapping[str, str]) -> dict:
    """The fields of :class:`Config` from every setting's value (the one reading of them)."""
    return dict(
        a_above=int(v["abc.a_above"]) * 100,
        b_from=int(v["abc.b_from"]) * 100,
        mode=v["abc.mode"],
        pareto_a=Fraction(v["abc.pareto_a"]),
        pareto_b=Fraction(v["abc.pareto_b"]),
        window_months=int(v["window.months"]),
        loyalty_high_from=float(v["loyalty.high_from"]),
        loyalty_exclusive_from=float(v["loyalty.exclusive_from"]),
        high_potential=frozenset(v["potential.high_classes"].split(",")),
        x_from=int(v["xyz.x_from"]),
        y_from=int(v["xyz.y_from"]),
        exclusive_months=int(v["group.exclusive_months"]),
    )


_DEFAULT = _config_fields(DEFAULTS)  # the registry's defaults (domain/settings.py), read as above


@dataclass(frozen=True)
class Config:
    """The thresholds of DESIGN §2, read from the book's settings; each default is the registry's."""

    a_above: int = _DEFAULT["a_above"]  # minor units
    b_from: int = _DEFAULT["b_from"]
    mode: str = _DEFAULT["mode"]
    pareto_a: Fraction = _DEFAULT["pareto_a"]
    pareto_b: Fraction = _DEFAULT["pareto_b"]
    window_months: int = _DEFAULT["window_months"]
    loyalty_high_from: float = _DEFAULT["loyalty_high_from"]
    loyalty_exclusive_from: float = _DEFAULT["loyalty_exclusive_from"]
    high_potential: frozenset[str] = _DEFAULT["high_potential"]
    x_from: int = _DEFAULT["x_from"]
    y_from: int = _DEFAULT["y_from"]
    exclusive_months: int = _DEFAULT["exclusive_months"]

    def __post_init__(self) -> None:
        # shares compare exactly: 0.8 means 4/5, not the nearest binary float
        for name in ("pareto_a", "pareto_b"):
            value = getattr(self, name)
            if not isinstance(value, Fraction):
                object.__setattr__(self, name, Fraction(str(value)))

    @classmethod
    def from_settings(cls, values: Mapping[str, str]) -> "Config":
        return cls(**_config_fields({**DEFAULTS, **values}))


class Facts(NamedTuple):
    """What the order history says about one customer on a given day.

    ``window_revenue`` and ``revenue_12m`` are net (credit notes included), in
    minor units. An *order* is an order id (rows without one: the customer's
    rows of one day) whose net amount is positive. ``entries_in_window`` counts
    every order id / day in the window whatever its net (credit notes too).
    ``ordered_before_12m``: a positive order on or before ``as_of − 12 months``.
    ``active_months_12``: how many of the twelve month-long periods ending on
    ``as_of`` hold an order.
    """

    customer_id: int
    window_revenue: int = 0
    revenue_12m: int = 0
    orders_in_window: int = 0
    orders_12m: int = 0
    ordered_before_12m: bool = False
    active_months_12: int = 0
    last_order: str | None = None
    entries_in_window: int = 0


class Estimate(NamedTuple):
    """The budget and loyalty the rules use: yearly budget (minor units) and loyalty
    override (0–1), where the budget comes from (``source``: 'entered' — the rep's,
    typed or a confirmed estimate —, 'imported', 'estimated' or None) and, for an
    estimate, why (``basis``, a sentence; docs/estimated-potential.md)."""

    budget_per_year: int | None = None
    loyalty_override: float | None = None
    source: str | None = None
    basis: str | None = None


class Segment(NamedTuple):
    """Every class of DESIGN §2 for one customer (immutable; a NamedTuple because
    the engine makes one per customer and a big book has tens of thousands)."""

    customer_id: int
    revenue: int
    orders: int
    revenue_class: str
    negative_revenue: bool
    potential_class: str | None
    upgrade_candidate: bool
    loyalty: float | None
    loyalty_source: str | None  # 'computed' | 'entered' | None
    budget_looks_stale: bool
    quadrant: Quadrant
    xyz: str | None
    group: Group | None
    flags: tuple[str, ...] = ()


def revenue_class(revenue: int, config: Config) -> str:
    """A–D on net revenue in the window with the fixed thresholds."""
    if revenue > config.a_above:
        return "A"
    if revenue >= config.b_from:
        return "B"
    if revenue > 0:
        return "C"
    return "D"


def source_id_order(source_id: str) -> tuple:
    """Sort key for source ids: all-digit ids as numbers first, then the rest as text."""
    text = str(source_id)
    return (0, int(text), text) if text.isascii() and text.isdigit() else (1, 0, text)


def pareto_classes(
    revenues: Mapping[int, int], config: Config, tie_keys: Mapping[int, object] | None = None
) -> dict[int, str]:
    """A–D by cumulative share, largest revenue first: a customer is A while the
    share of revenue *before* it is below ``pareto_a`` (80 %), B while below
    ``pareto_b`` (95 %), else C; revenue at zero or below is D. Equal revenues are
    ordered by ``tie_keys[customer]`` (the store passes the source id order),
    else by customer id. Shares are compared exactly (no float rounding)."""
    tie = tie_keys if tie_keys is not None else {cid: cid for cid in revenues}
    positive = sorted((cid for cid, r in revenues.items() if r > 0), key=lambda c: (-revenues[c], tie[c]))
    total = sum(revenues[cid] for cid in positive)
    classes = {cid: "D" for cid, r in revenues.items() if r <= 0}
    # before / total < share  <=>  before × denominator < numerator × total (exact)
    a_num, a_den = config.pareto_a.numerator, config.pareto_a.denominator
    b_num, b_den = config.pareto_b.numerator, config.pareto_b.denominator
    before = 0
    for cid in positive:
        if before * a_den < a_num * total:
            classes[cid] = "A"
        elif before * b_den < b_num * total:
            classes[cid] = "B"
        else:
            classes[cid] = "C"
        before += revenues[cid]
    return classes


def pareto_cutoffs(
    revenues: Mapping[int, int], config: Config, tie_keys: Mapping[int, object] | None = None
) -> tuple[int, int] | None:
    """The revenue (minor units) at the Pareto A and B cut-offs the ranking of
    :func:`pareto_classes` produces: the revenue of the last customer it puts in
    A, and of the last it puts in B (the A cut-off when none is B). None when no
    customer has revenue. Pareto mode's potential class and the proposed
    thresholds of a new book use them (docs/first-day.md)."""
    return cutoffs_of(pareto_classes(revenues, config, tie_keys), revenues)


def cutoffs_of(classes: Mapping[int, str], revenues: Mapping[int, int]) -> tuple[int, int] | None:
    """:func:`pareto_cutoffs` from classes already made."""
    a_cut = min((revenues[c] for c, k in classes.items() if k == "A"), default=None)
    if a_cut is None:
        return None
    b_cut = min((revenues[c] for c, k in classes.items() if k == "B"), default=a_cut)
    return a_cut, b_cut


def potential_in_window(budget_per_year: int | None, config: Config) -> int | None:
    """The potential in minor units: the yearly budget scaled to the window
    (× 2 for 24 months), rounded down; None without a budget."""
    if budget_per_year is None:
        return None
    return budget_per_year * config.window_months // 12


def potential_class(estimate: Estimate, config: Config, cutoffs: tuple[int, int] | None = None) -> str | None:
    """The revenue scale (fixed thresholds) applied to the yearly budget scaled
    to the window (× 2 for 24 months), compared exactly; None without a budget.
    ``cutoffs`` (Pareto mode: the revenue at the A and B cut-offs, minor units):
    A when the potential is at least the A cut-off, B when at least the B one."""
    if estimate.budget_per_year is None:
        return None
    # potential_in_window against the thresholds, multiplied out by 12 so the
    # comparison stays exact in whole numbers
    scaled = estimate.budget_per_year * config.window_months
    if cutoffs is not None:
        if scaled >= cutoffs[0] * 12:
            return "A"
        if scaled >= cutoffs[1] * 12:
            return "B"
        return "C" if scaled > 0 else "D"
    if scaled > config.a_above * 12:
        return "A"
    if scaled >= config.b_from * 12:
        return "B"
    return "C" if scaled > 0 else "D"


def is_upgrade_candidate(revenue_cls: str, potential_cls: str | None) -> bool:
    """True when the potential class is better than the revenue class."""
    return potential_cls is not None and CLASS_ORDER[potential_cls] < CLASS_ORDER[revenue_cls]


def budget_looks_stale(revenue_12m: int, estimate: Estimate) -> bool:
    """True when the last 12 months' revenue is above the yearly budget (> 100 %)."""
    return estimate.budget_per_year is not None and revenue_12m > estimate.budget_per_year


def loyalty(revenue_12m: int, estimate: Estimate) -> tuple[float | None, str | None, bool]:
    """(share of wallet, 'computed'|'entered'|None, budget looks stale).

    A manual override in the latest assessment wins. Otherwise revenue of the
    last 12 months ÷ yearly budget: above 100 % is clamped to 100 % and flagged
    as a stale budget, a net loss counts as 0 %. Unknown budget and no override
    → unknown."""
    stale = budget_looks_stale(revenue_12m, estimate)
    if estimate.loyalty_override is not None:
        return min(max(float(estimate.loyalty_override), 0.0), 1.0), "entered", stale
    budget = estimate.budget_per_year
    if budget is None:
        return None, None, False
    if stale:
        return 1.0, "computed", True
    if budget == 0 or revenue_12m <= 0:
        return 0.0, "computed", False
    return revenue_12m / budget, "computed", False


def quadrant(loyalty_share: float | None, potential_cls: str | None, config: Config) -> Quadrant:
    """Loyalty × potential; anything unknown goes to the needs-assessment tray."""
    if loyalty_share is None or potential_cls is None:
        return Quadrant.NEEDS_ASSESSMENT
    high_loyalty = loyalty_share >= config.loyalty_high_from
    high_potential = potential_cls in config.high_potential
    if high_loyalty:
        return Quadrant.CASH_COWS if high_potential else Quadrant.SMALL_FRY
    return Quadrant.BIG_GAME if high_potential else Quadrant.UNINTERESTING


def xyz(orders_in_window: int, config: Config) -> str | None:
    """Order frequency: X about monthly, Y regular, Z rare, None without orders."""
    if orders_in_window >= config.x_from:
        return "X"
    if orders_in_window >= config.y_from:
        return "Y"
    if orders_in_window >= 1:
        return "Z"
    return None


def group(facts: Facts, loyalty_share: float | None, config: Config) -> Group | None:
    """Lapsed, exclusive, recurring, one-off — checked in that order.

    Lapsed: no order in the last 12 months but at least one before (at any
    time). Exclusive: two or more orders in the window, an order in at least
    ``exclusive_months`` (9) of the twelve month-long periods ending on
    ``as_of``, and loyalty ≥ 75 % when known. Recurring: two or more orders in
    the window; one-off: exactly one. No orders ever → None."""
    if facts.orders_12m == 0:
        return Group.LAPSED if facts.ordered_before_12m or facts.orders_in_window > 0 else None
    if (
        facts.orders_in_window >= 2
        and facts.active_months_12 >= config.exclusive_months
        and (loyalty_share is None or loyalty_share >= config.loyalty_exclusive_from)
    ):
        return Group.EXCLUSIVE
    if facts.orders_in_window >= 2:
        return Group.RECURRING
    if facts.orders_in_window == 1:
        return Group.ONE_OFF
    return None


def classify(facts: Facts, estimate: Estimate, config: Config, revenue_cls: str | None = None,
             cutoffs: tuple[int, int] | None = None) -> Segment:
    """Every class for one customer. ``revenue_cls`` and ``cutoffs`` (see
    :func:`potential_class`) are given in Pareto mode."""
    revenue = facts.window_revenue
    rev_cls = revenue_cls or revenue_class(revenue, config)
    pot_cls = potential_class(estimate, config, cutoffs)
    share, source, stale = loyalty(facts.revenue_12m, estimate)
    negative = revenue < 0
    flags: tuple[str, ...] = ()
    if negative:
        flags = (N_("negative net revenue"),)
    elif revenue == 0 and facts.entries_in_window > 0:
        flags = (N_("credit notes net revenue to zero"),)
    if stale:
        flags += (N_("budget looks stale"),)
    # tuple.__new__ is what Segment(...) does, without the call through NamedTuple's
    # __new__: the engine classifies tens of thousands of customers per run
    return _new(Segment, (
        facts.customer_id,
        revenue,
        facts.orders_in_window,
        rev_cls,
        negative,
        pot_cls,
        is_upgrade_candidate(rev_cls, pot_cls),
        share,
        source,
        stale,
        quadrant(share, pot_cls, config),
        xyz(facts.orders_in_window, config),
        group(facts, share, config),
        flags,
    ))


_new = tuple.__new__


def classify_all(
    facts: Iterable[Facts],
    estimates: Mapping[int, Estimate],
    config: Config,
    tie_keys: Mapping[int, object] | None = None,
) -> dict[int, Segment]:
    """Every customer's segment; Pareto mode needs the whole book at once
    (``tie_keys``: see :func:`pareto_classes`)."""
    facts = list(facts)
    pareto = None
    if config.mode == "pareto":
        revenues = {f.customer_id: f.window_revenue for f in facts}
        pareto = pareto_classes(revenues, config, tie_keys)
        cutoffs = cutoffs_of(pareto, revenues)
    none = Estimate()
    estimate = estimates.get
    if pareto is None:
        return {f.customer_id: classify(f, estimate(f.customer_id, none), config) for f in facts}
    return {
        f.customer_id: classify(f, estimate(f.customer_id, none), config, pareto[f.customer_id], cutoffs)
        for f in facts
    }


# --- the calendar of the rules ------------------------------------------------------


def subtract_months(day: dt.date, months: int) -> dt.date:
    """``day`` minus whole months, the day clamped to the target month's end —
    the same as pendulum's ``subtract(months=…)`` (2028-02-29 − 24 → 2026-02-28)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_periods(as_of: dt.date, count: int = 12) -> list[tuple[dt.date, dt.date]]:
    """The ``count`` month-long periods ending on ``as_of``, latest first, each as
    (exclusive start, inclusive end): (as_of − 1 month, as_of], …"""
    bounds = [subtract_months(as_of, i) for i in range(count + 1)]
    return [(bounds[i + 1], bounds[i]) for i in range(count)]


def month_period(day: dt.date, as_of: dt.date) -> int | None:
    """Which month-long period ending on ``as_of`` holds ``day`` (0 = the latest,
    ending on ``as_of``), or None when ``day`` is after ``as_of``.

    ``day`` in calendar month M, k months before as_of's month, is in period k
    when its day of month is ≤ as_of's day (clamped to M's length), else k − 1."""
    if day > as_of:
        return None
    k = (as_of.year - day.year) * 12 + as_of.month - day.month
    return k - 1 if day.day > as_of.day else k


# --- qualification and sales track -------------------------------------------------

QUALIFICATION_ACTION = {
    "A": N_("Need, money and urgency — don't get in their way: close."),
    "B": N_("Need and money, not urgent — create urgency: an offer, a price deadline, prepayment."),
    "C": N_("Need but no money — park it, record why, revisit when they grow or a cheaper offer exists."),
}


def qualification(pain: bool | None, money: bool | None, timing: bool | None) -> str | None:
    """A/B/C from pain, money and timing; None while the need or the money is unknown.

    Money that is not known yet is not "no money": the customer is not parked as C
    until the rep has found out that there is no budget."""
    if not pain or money is None:
        return None
    if not money:
        return "C"
    return "A" if timing else "B"


def sales_track(focus: str | None, custom: bool | None, collaborate: bool | None) -> str | None:
    """'complex' (specialist, longer cycle) or 'traditional'; None when undecided."""
    if custom or collaborate:
        return "complex"
    if custom is False and focus in ("price", "delivery"):
        return "traditional"
    return None


SALES_TRACK_TEXT = {
    "complex": N_("Complex sale: bring a specialist, expect a longer cycle."),
    "traditional": N_("Traditional sale: standard offer, compete on price and delivery."),
}
