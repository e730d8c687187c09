"""Trend: who is slipping (DESIGN §2 "Trend"), checked after the group.

- *silent*: at least 3 distinct order days (days with an order of positive net, whole history
  up to ``as_of``) and the days since the last of them exceed ``silent_factor`` × the median gap
  between consecutive order days;
- *declining* (when not silent): net revenue of the last 12 months below
  (1 − ``decline_from``) × the net revenue of the 12 months before those, which is above 0.

Lapsed customers have no trend. Money is in minor units."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from operator import sub
from dataclasses import dataclass
from typing import Mapping, NamedTuple, Sequence

from segtui.domain.money import money, share
from segtui.i18n import N_, _

DECLINING = "declining"
KIND_WORDS = (N_("declining"), N_("silent"))  # the kinds as people read them (the catalog translates them)
SILENT = "silent"


@dataclass(frozen=True)
class TrendConfig:
    decline_from: float = 0.3
    silent_factor: float = 2.0

    @classmethod
    def from_settings(cls, values: Mapping[str, str]) -> "TrendConfig":
        return cls(
            decline_from=float(values.get("trend.decline_from", "0.3")),
            silent_factor=float(values.get("trend.silent_factor", "2")),
        )


class Trend(NamedTuple):
    """A customer's trend and what it was judged on (a NamedTuple: a book makes one per customer)."""

    kind: str | None  # 'declining', 'silent' or None
    revenue_12m: int = 0
    revenue_before_12m: int = 0
    usual_gap_days: float | None = None  # median gap between order days (3+ order days)
    last_order_day: dt.date | None = None
    expected_order: dt.date | None = None  # last order day + the usual gap
    as_of: dt.date | None = None

    def words(self) -> str:
        """The trend as a salesperson says it ('' when there is none)."""
        if self.kind == SILENT:
            assert self.last_order_day is not None and self.usual_gap_days is not None
            return _("ordered every {gap} days; nothing for {days} days").format(
                gap=_days(self.usual_gap_days), days=self.silent_days)
        if self.kind == DECLINING:
            drop = 1 - self.revenue_12m / self.revenue_before_12m
            if drop >= 1:  # credit notes took the last 12 months to nothing or below
                return _("no net revenue in the last 12 months ({now} against {before} the 12 months before)").format(
                    now=money(self.revenue_12m), before=money(self.revenue_before_12m))
            return _("bought {drop} less than the 12 months before ({now} against {before})").format(
                drop=share(drop), now=money(self.revenue_12m), before=money(self.revenue_before_12m))
        return ""

    @property
    def silent_days(self) -> int | None:
        """Days from the last order day to as_of."""
        return None if self.as_of is None or self.last_order_day is None else (self.as_of - self.last_order_day).days


def _days(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def trend(
    lapsed: bool,
    order_days: Sequence[dt.date],
    revenue_12m: int,
    revenue_before_12m: int,
    as_of: dt.date,
    config: TrendConfig = TrendConfig(),
) -> Trend:
    """The trend of one customer. ``order_days``: the sorted days with an order of positive
    net up to ``as_of``; the revenues: net of the last 12 months and of the 12 before."""
    return trend_of_day_numbers(
        lapsed, [d.toordinal() for d in order_days], revenue_12m, revenue_before_12m, as_of, config
    )


def trend_of_day_numbers(
    lapsed: bool,
    day_numbers: Sequence[int],
    revenue_12m: int,
    revenue_before_12m: int,
    as_of: dt.date,
    config: TrendConfig = TrendConfig(),
) -> Trend:
    """:func:`trend` with the order days as sorted day numbers (``date.toordinal()``; a day
    may repeat, it counts once), which a book of a million orders hands over much faster
    than dates."""
    return trend_of_rhythm(lapsed, rhythm(day_numbers), revenue_12m, revenue_before_12m, as_of, config)


class Rhythm(NamedTuple):
    """What the silent rule reads of a customer's order days: the last one, how many there
    are (distinct) and the median gap between consecutive ones (3+ days, else None). A book
    keeps it for each customer (store/trends.py): it holds for every ``as_of`` on or after
    ``last_day``, since the days up to such a day are all the days."""

    last_day: dt.date | None = None
    days: int = 0
    gap: int | float | None = None  # an int when the gaps are odd in number, else the mean of the middle two

    @property
    def doubled_gap(self) -> int | None:
        """2 × the gap: a whole number of days (how the book stores it)."""
        return None if self.gap is None else int(self.gap * 2)

    @classmethod
    def stored(cls, last_day: str, days: int, doubled_gap: int | None) -> "Rhythm":
        """The rhythm from the book's columns (see :attr:`doubled_gap`)."""
        gap = None if doubled_gap is None else doubled_gap // 2 if days % 2 == 0 else doubled_gap / 2
        return _new(cls, (dt.date.fromisoformat(last_day), days, gap))


NO_RHYTHM = Rhythm()


def rhythm(day_numbers: Sequence[int]) -> Rhythm:
    """The rhythm of sorted day numbers (``date.toordinal()``; a day may repeat, it counts once)."""
    if not day_numbers:
        return NO_RHYTHM
    last = dt.date.fromordinal(day_numbers[-1])
    if len(day_numbers) < 3:
        return Rhythm(last, len(set(day_numbers)), None)
    # gaps between consecutive days, sorted; a repeated day gives a gap of 0, dropped
    gaps = sorted(map(sub, day_numbers[1:], day_numbers[:-1]))
    first = bisect_right(gaps, 0)
    k = len(gaps) - first  # distinct days - 1
    gap = None
    if k >= 2:
        middle = first + k // 2
        gap = gaps[middle] if k % 2 else (gaps[middle - 1] + gaps[middle]) / 2
    return Rhythm(last, k + 1, gap)


def trend_of_rhythm(
    lapsed: bool,
    days: Rhythm,
    revenue_12m: int,
    revenue_before_12m: int,
    as_of: dt.date,
    config: TrendConfig = TrendConfig(),
) -> Trend:
    """The trend of one customer whose order days up to ``as_of`` have the rhythm ``days``."""
    last, gap = days.last_day, days.gap
    kind: str | None = None
    expected: dt.date | None = None
    if gap is not None and last is not None:
        expected = last + dt.timedelta(days=round(gap))
        if not lapsed and (as_of - last).days > config.silent_factor * gap:
            kind = SILENT
    if (kind is None and not lapsed and revenue_before_12m > 0
            and revenue_12m < (1 - config.decline_from) * revenue_before_12m):
        kind = DECLINING
    return _new(Trend, (kind, revenue_12m, revenue_before_12m, gap, last, expected, as_of))


_new = tuple.__new__  # a NamedTuple made without its checks, as NamedTuple._make does
