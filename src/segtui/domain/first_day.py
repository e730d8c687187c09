"""What a freshly imported book needs on its first day (docs/first-day.md):
the day to see it on when its data is old, and class thresholds taken from its
own potentials or revenue instead of the defaults (which are SEK millions).

Pure rules: the store gives the facts (the newest order day, revenues), the
callers pass ``today`` — nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction
from typing import Iterable, Mapping, NamedTuple, Sequence

from segtui.domain.segments import Config, pareto_cutoffs, subtract_months

#: The newest order more than this many months before today: the data is old.
OLD_AFTER_MONTHS = 1


def data_is_old(newest_order: dt.date | None, today: dt.date) -> bool:
    """True when the newest order is more than a month before ``today`` (every
    customer would look lapsed, class D, as of today)."""
    return newest_order is not None and newest_order < subtract_months(today, OLD_AFTER_MONTHS)


def view_day(stored: str | None, today: dt.date) -> dt.date:
    """The day the app shows a book on: the book's ``view.as_of`` (empty: today)."""
    if stored:
        try:
            return dt.date.fromisoformat(stored)
        except ValueError:
            return today
    return today


def old_data_notice(newest_order: dt.date, as_of: dt.date, today: dt.date) -> str | None:
    """One line saying the book's newest order is old and which day is shown;
    None when the data is recent."""
    if not data_is_old(newest_order, today):
        return None
    from segtui.i18n import _, day

    newest = day(newest_order)
    if as_of == newest_order:
        return _("newest order {newest} — showing the book as of that day; d to change").format(newest=newest)
    days = (as_of - newest_order).days
    if days <= 0:
        return _("newest order {newest} — the book holds no orders after that day; d to change").format(newest=newest)
    return _("newest order {newest}, {days} days before {as_of} — import newer orders, or d to see the book as of "
             "{newest}").format(newest=newest, days=days, as_of=day(as_of))


def two_significant(value: int) -> int:
    """A whole amount rounded to two significant figures, half up (5,649 → 5,600; 1,451 → 1,500)."""
    if value <= 0:
        return 0
    factor = 10 ** max(0, len(str(value)) - 2)
    return (value + factor // 2) // factor * factor


class Thresholds(NamedTuple):
    """Class thresholds in major units, as the settings ``abc.a_above`` / ``abc.b_from`` hold them."""

    a_above: int
    b_from: int


#: The proposed thresholds put the book's potentials (budgets scaled to the window, estimated ones too) so
#: that about the top fifth are high potential (B from their 80th percentile) and the top twentieth class A
#: (A above the 95th): the board's two sides then both hold customers. The Pareto cut-offs of revenue alone
#: did not: on the real wholesaler's file they gave A above 1,500 and B from 460 GBP, under which every
#: estimated customer (an estimate is what the top fifth of its peers buy, never less than its own last 12
#: months) was high potential and the left half of the board stood empty (docs/first-day.md).
POTENTIAL_A_QUANTILE = Fraction(19, 20)
POTENTIAL_B_QUANTILE = Fraction(4, 5)
#: Fewer potentials than this (estimates off, a tiny book): the revenue's Pareto cut-offs instead.
MIN_POTENTIALS = 20


def enough_potentials(potentials: Iterable[int | None]) -> bool:
    """Whether the thresholds are proposed from these potentials (else from revenue)."""
    return sum(1 for p in potentials if p is not None and p > 0) >= MIN_POTENTIALS


def nearest_rank(ordered: Sequence[int], quantile: Fraction) -> int:
    """The nearest-rank percentile of values sorted ascending: the smallest value with at least
    ``quantile`` of them at or below it."""
    rank = max(1, -(-quantile.numerator * len(ordered) // quantile.denominator))  # ceil(q·n), at least 1
    return ordered[rank - 1]


def proposed_thresholds(
    revenues: Mapping[int, int], config: Config, tie_keys: Mapping[int, object] | None = None,
    potentials: Iterable[int | None] = (),
) -> Thresholds | None:
    """Thresholds from the book's own figures, in major units rounded to two significant figures.

    With at least :data:`MIN_POTENTIALS` customers that have a potential (minor units, the yearly
    budget scaled to the window): B from the 80th percentile of those potentials, A above the 95th.
    Else from the revenue in the window (minor units per customer): the revenue at the Pareto A and
    B cut-offs (80 % and 95 % of cumulative revenue by default). None when neither is known."""
    known = sorted(p for p in potentials if p is not None and p > 0)
    if enough_potentials(known):
        a_above = two_significant(nearest_rank(known, POTENTIAL_A_QUANTILE) // 100)
        b_from = min(two_significant(nearest_rank(known, POTENTIAL_B_QUANTILE) // 100), a_above)
        return Thresholds(a_above, b_from)
    cut = pareto_cutoffs(revenues, config, tie_keys)
    if cut is None:
        return None
    a_above = two_significant(cut[0] // 100)
    b_from = min(two_significant(cut[1] // 100), a_above)
    return Thresholds(a_above, b_from)


def threshold_settings(current: Mapping[str, str], proposed: Thresholds) -> list[tuple[str, str]]:
    """The settings to change, in an order each step of which is valid on its own
    (``abc.b_from`` never above ``abc.a_above``)."""
    pairs = [("abc.a_above", str(proposed.a_above)), ("abc.b_from", str(proposed.b_from))]
    if proposed.a_above < int(current["abc.b_from"]):
        pairs.reverse()  # lower B first, then A
    return pairs


def thresholds_to_offer(
    settings: Mapping[str, str], revenues: Mapping[int, int], classes: Iterable[str | None], config: Config,
    potentials: Iterable[int | None] = (),
) -> Thresholds | None:
    """The book's own thresholds, offered on the board when the defaults plainly do
    not fit its revenue (docs/first-day.md "Offered on the board"): the mode is
    fixed, ``abc.a_above`` and ``abc.b_from`` are still the defaults, and not one
    customer reaches class A or B with them, neither by revenue nor by potential
    (``classes``: every customer's revenue class and potential class) — a book of
    pounds or euros, or of a smaller trade, where the defaults' SEK millions leave
    the high-potential quadrants empty. None otherwise, and when the proposal is
    what is set."""
    from segtui.domain.settings import DEFAULTS

    if config.mode != "fixed":
        return None
    if any(settings.get(k, DEFAULTS[k]) != DEFAULTS[k] for k in ("abc.a_above", "abc.b_from")):
        return None
    if any(k in ("A", "B") for k in classes):
        return None
    proposed = proposed_thresholds(revenues, config, potentials=potentials)
    if proposed is None or proposed == (config.a_above // 100, config.b_from // 100):
        return None
    return proposed
