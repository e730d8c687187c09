"""The segmentation rules of the book (DESIGN §2), as pure functions.

Everything works on aggregates already computed by the store (revenue in the
window, orders, active months …) and on the customer's latest assessment.
Money is in integer minor units; thresholds from settings are in major units.
``as_of`` is never read here: the store computes the facts for a given day.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Iterable, Mapping

from segtui.domain.settings import DEFAULTS


class Quadrant(str, Enum):
    CASH_COWS = "cash_cows"
    BIG_GAME = "big_game"
    SMALL_FRY = "small_fry"
    UNINTERESTING = "uninteresting"
    NEEDS_ASSESSMENT = "needs_assessment"

    @property
    def label(self) -> str:
        return QUADRANT_LABELS[self]


QUADRANT_LABELS = {
    Quadrant.CASH_COWS: "Cash cows",
    Quadrant.BIG_GAME: "Big game",
    Quadrant.SMALL_FRY: "Small fry",
    Quadrant.UNINTERESTING: "Uninteresting",
    Quadrant.NEEDS_ASSESSMENT: "Needs assessment",
}
QUADRANT_SWEDISH = {
    Quadrant.CASH_COWS: "kassakor",
    Quadrant.BIG_GAME: "högvilt",
    Quadrant.SMALL_FRY: "småttingar",
    Quadrant.UNINTERESTING: "ointressanta",
    Quadrant.NEEDS_ASSESSMENT: "behöver bedömning",
}
QUADRANT_STRATEGY = {
    Quadrant.CASH_COWS: "Keep them: effort and personal contact.",
    Quadrant.BIG_GAME: "Hunt now: win a bigger share, watch when competitor contracts end.",
    Quadrant.SMALL_FRY: "Maintain: mass treatment, watch for growth.",
    Quadrant.UNINTERESTING: "Stop: spend no time.",
    Quadrant.NEEDS_ASSESSMENT: "Assess: estimate their yearly budget to place them.",
}


class Group(str, Enum):
    LAPSED = "lapsed"
    EXCLUSIVE = "exclusive"
    RECURRING = "recurring"
    ONE_OFF = "one_off"

    @property
    def label(self) -> str:
        return GROUP_LABELS[self]


GROUP_LABELS = {
    Group.LAPSED: "Lapsed",
    Group.EXCLUSIVE: "Exclusive",
    Group.RECURRING: "Recurring",
    Group.ONE_OFF: "One-off",
}
GROUP_STRATEGY = {
    Group.LAPSED: "Win back: find out why they stopped buying and make an offer.",
    Group.EXCLUSIVE: "Protect: they buy nearly every month — never let service slip.",
    Group.RECURRING: "Grow: they come back — widen the range they buy.",
    Group.ONE_OFF: "Convert: turn the first order into a second.",
}

CLASS_ORDER = {"A": 0, "B": 1, "C": 2, "D": 3}


@dataclass(frozen=True)
class Config:
    """The thresholds of DESIGN §2, read from the book's settings."""

    a_above: int = 2_000_000_00  # minor units
    b_from: int = 1_000_000_00
    mode: str = "fixed"
    pareto_a: float = 0.80
    pareto_b: float = 0.95
    window_months: int = 24
    loyalty_high_from: float = 0.5
    loyalty_exclusive_from: float = 0.75
    high_potential: frozenset[str] = frozenset({"A", "B"})
    x_from: int = 24
    y_from: int = 8
    exclusive_months: int = 9

    @classmethod
    def from_settings(cls, values: Mapping[str, str]) -> "Config":
        v = {**DEFAULTS, **values}
        return cls(
            a_above=int(v["abc.a_above"]) * 100,
            b_from=int(v["abc.b_from"]) * 100,
            mode=v["abc.mode"],
            pareto_a=float(v["abc.pareto_a"]),
            pareto_b=float(v["abc.pareto_b"]),
            window_months=int(v["window.months"]),
            loyalty_high_from=float(v["loyalty.high_from"]),
            loyalty_exclusive_from=float(v["loyalty.exclusive_from"]),
            high_potential=frozenset(v["potential.high_classes"].split(",")),
            x_from=int(v["xyz.x_from"]),
            y_from=int(v["xyz.y_from"]),
            exclusive_months=int(v["group.exclusive_months"]),
        )


@dataclass(frozen=True)
class Facts:
    """What the order history says about one customer on a given day.

    ``window_revenue`` and ``revenue_12m`` are net (credit notes included), in
    minor units. Orders count only orders with a positive net amount.
    """

    customer_id: int
    window_revenue: int = 0
    revenue_12m: int = 0
    orders_in_window: int = 0
    orders_12m: int = 0
    orders_before_12m: int = 0
    active_months_12: int = 0
    last_order: str | None = None


@dataclass(frozen=True)
class Estimate:
    """The latest assessment: yearly budget (minor units) and loyalty override (0–1)."""

    budget_per_year: int | None = None
    loyalty_override: float | None = None


@dataclass(frozen=True)
class Segment:
    """Every class of DESIGN §2 for one customer."""

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
    flags: tuple[str, ...] = field(default=())


def revenue_class(revenue: int, config: Config) -> str:
    """A–D on net revenue in the window with the fixed thresholds."""
    if revenue > config.a_above:
        return "A"
    if revenue >= config.b_from:
        return "B"
    if revenue > 0:
        return "C"
    return "D"


def pareto_classes(revenues: Mapping[int, int], config: Config) -> dict[int, str]:
    """A–D by cumulative share: a customer is A while the revenue *before* it is
    below 80 %, B below 95 %, else C; no positive revenue is D. Ties by id."""
    positive = sorted(((-r, cid) for cid, r in revenues.items() if r > 0))
    total = sum(-r for r, _ in positive)
    classes = {cid: "D" for cid, r in revenues.items() if r <= 0}
    before = 0
    for neg, cid in positive:
        share = before / total if total else 0.0
        classes[cid] = "A" if share < config.pareto_a else "B" if share < config.pareto_b else "C"
        before += -neg
    return classes


def potential_class(estimate: Estimate, config: Config) -> str | None:
    """The revenue scale applied to the yearly budget scaled to the window."""
    if estimate.budget_per_year is None:
        return None
    scaled = estimate.budget_per_year * config.window_months // 12
    return revenue_class(scaled, config)


def is_upgrade_candidate(revenue_cls: str, potential_cls: str | None) -> bool:
    """True when the potential class is better than the revenue class."""
    return potential_cls is not None and CLASS_ORDER[potential_cls] < CLASS_ORDER[revenue_cls]


def loyalty(revenue_12m: int, estimate: Estimate) -> tuple[float | None, str | None, bool]:
    """(share of wallet, 'computed'|'entered'|None, budget looks stale).

    A manual override wins. Otherwise revenue of the last 12 months ÷ yearly
    budget, clamped to 0–1; above 100 % is flagged as a stale budget."""
    if estimate.loyalty_override is not None:
        return min(max(estimate.loyalty_override, 0.0), 1.0), "entered", False
    if not estimate.budget_per_year:
        return None, None, False
    share = revenue_12m / estimate.budget_per_year
    if share > 1:
        return 1.0, "computed", True
    return max(share, 0.0), "computed", False


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
    """Lapsed, exclusive, recurring, one-off — checked in that order."""
    if facts.orders_12m == 0:
        return Group.LAPSED if facts.orders_before_12m > 0 or facts.orders_in_window > 0 else None
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


def classify(facts: Facts, estimate: Estimate, config: Config, revenue_cls: str | None = None) -> Segment:
    """Every class for one customer. ``revenue_cls`` is given in Pareto mode."""
    rev_cls = revenue_cls or revenue_class(facts.window_revenue, config)
    pot_cls = potential_class(estimate, config)
    share, source, stale = loyalty(facts.revenue_12m, estimate)
    negative = facts.window_revenue < 0
    flags = []
    if negative:
        flags.append("negative net revenue")
    if stale:
        flags.append("budget looks stale")
    return Segment(
        customer_id=facts.customer_id,
        revenue=facts.window_revenue,
        orders=facts.orders_in_window,
        revenue_class=rev_cls,
        negative_revenue=negative,
        potential_class=pot_cls,
        upgrade_candidate=is_upgrade_candidate(rev_cls, pot_cls),
        loyalty=share,
        loyalty_source=source,
        budget_looks_stale=stale,
        quadrant=quadrant(share, pot_cls, config),
        xyz=xyz(facts.orders_in_window, config),
        group=group(facts, share, config),
        flags=tuple(flags),
    )


def classify_all(
    facts: Iterable[Facts], estimates: Mapping[int, Estimate], config: Config
) -> dict[int, Segment]:
    """Every customer's segment; Pareto mode needs the whole book at once."""
    facts = list(facts)
    pareto = None
    if config.mode == "pareto":
        pareto = pareto_classes({f.customer_id: f.window_revenue for f in facts}, config)
    none = Estimate()
    return {
        f.customer_id: classify(
            f, estimates.get(f.customer_id, none), config, pareto[f.customer_id] if pareto else None
        )
        for f in facts
    }


# --- qualification and sales track -------------------------------------------------

QUALIFICATION_ACTION = {
    "A": "Need, money and urgency — don't get in their way: close.",
    "B": "Need and money, not urgent — create urgency: an offer, a price deadline, prepayment.",
    "C": "Need but no money — park it, record why, revisit when they grow or a cheaper offer exists.",
}


def qualification(pain: bool | None, money: bool | None, timing: bool | None) -> str | None:
    """A/B/C from pain, money and timing; None while there is no known need."""
    if not pain:
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
    "complex": "Complex sale: bring a specialist, expect a longer cycle.",
    "traditional": "Traditional sale: standard offer, compete on price and delivery.",
}
