"""What a freshly imported book needs on its first day (docs/first-day.md):
the day to see it on when its data is old, and class thresholds taken from its
own revenue instead of the defaults (which are SEK millions).

Pure rules: the store gives the facts (the newest order day, revenues), the
callers pass ``today`` — nothing here reads the clock.
"""

from __future__ import annotations

import datetime as dt
from typing import Mapping, NamedTuple

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


def proposed_thresholds(
    revenues: Mapping[int, int], config: Config, tie_keys: Mapping[int, object] | None = None
) -> Thresholds | None:
    """Thresholds from the book's own revenue in the window (minor units per
    customer): the revenue at the Pareto A and B cut-offs (80 % and 95 % of
    cumulative revenue by default), in major units, rounded to two significant
    figures. None when no customer has revenue."""
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
