"""Days off: the public holidays of the book's country and the rep's own days off (docs/planning.md).

The holidays come from the maintained ``holidays`` package (its ``public`` category), with what
offices in the Nordics close for on top of it:

* Sweden: the package's *de facto* days — midsommarafton, julafton and nyårsafton;
* Norway and Denmark: Christmas Eve and New Year's Eve (offices close; the package lists them
  as optional or not at all);
* Finland: Christmas Eve and Midsummer Eve are public holidays in the package already.

A rep's own days off are a setting (``calendar.days_off``): single days and ranges,
``2026-12-28..2027-01-03, 2027-02-15``. No day off is ever planned.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Iterable

from segtui.i18n import _

#: Extra days off a country's offices close for, as (month, day, name), beyond the package's public holidays.
EXTRA_DAYS_OFF: dict[str, tuple[tuple[int, int, str], ...]] = {
    "NO": ((12, 24, "Christmas Eve"), (12, 31, "New Year's Eve")),
    "DK": ((12, 24, "Christmas Eve"), (12, 31, "New Year's Eve")),
    "FI": ((12, 24, "Christmas Eve"),),
}

#: Categories of the package that are days off, per country (default: public only).
CATEGORIES: dict[str, tuple[str, ...]] = {"SE": ("public", "de_facto")}


class DaysOffError(ValueError):
    """A days-off text that cannot be read; the message says which part and why."""


def supported_countries() -> set[str]:
    """The two-letter codes the holidays package knows."""
    import holidays

    return set(holidays.list_supported_countries())


@functools.lru_cache(maxsize=64)
def holidays_of(country: str, year: int) -> dict[dt.date, str]:
    """The public holidays (and the extra Nordic days off) of ``country`` in ``year``, with their
    English names; Sundays are left out (they are not working days anyway). Empty country: none."""
    country = (country or "").strip().upper()
    if not country:
        return {}
    import holidays

    categories = CATEGORIES.get(country, ("public",))
    try:
        found = holidays.country_holidays(country, years=year, categories=categories, language="en_US")
        dict(found)  # the language is checked lazily
    except (NotImplementedError, ValueError, KeyError):
        found = holidays.country_holidays(country, years=year, categories=categories)
    days = {day: name for day, name in sorted(found.items()) if name != "Sunday"}
    for month, day, name in EXTRA_DAYS_OFF.get(country, ()):
        days.setdefault(dt.date(year, month, day), name)
    return days


def holiday(day: dt.date, country: str) -> str | None:
    """The name of the public holiday on ``day`` (None: a normal day)."""
    return holidays_of(country, day.year).get(day)


def parse_days_off(text: str) -> tuple[tuple[dt.date, dt.date], ...]:
    """The rep's days off as (first, last) ranges, sorted: ``2026-12-28..2027-01-03, 2027-02-15``
    (also ``2026-12-28 - 2027-01-03``); empty text: none. DaysOffError names the part it cannot read."""
    ranges = []
    for part in (text or "").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        if ".." in part:
            first_text, _sep, last_text = part.partition("..")
        elif part.count("-") == 5:  # 2026-12-28-2027-01-03 or with spaces around the dash
            first_text, last_text = part[:10], part[10:].strip().lstrip("-")
        elif " - " in part:
            first_text, _sep, last_text = part.partition(" - ")
        else:
            first_text = last_text = part
        try:
            first = dt.date.fromisoformat(first_text.strip())
            last = dt.date.fromisoformat(last_text.strip())
        except ValueError:
            raise DaysOffError(_("{part} is not a day or a range: write 2026-12-28 or 2026-12-28..2027-01-03").format(
                part=repr(part))) from None
        if last < first:
            raise DaysOffError(_("{part} ends before it starts").format(part=repr(part)))
        if (last - first).days > 366:
            raise DaysOffError(_("{part} is longer than a year").format(part=repr(part)))
        ranges.append((first, last))
    return tuple(sorted(ranges))


def format_days_off(ranges: Iterable[tuple[dt.date, dt.date]]) -> str:
    """The setting's normal form: '2026-12-28..2027-01-03, 2027-02-15'."""
    return ", ".join(a.isoformat() if a == b else f"{a.isoformat()}..{b.isoformat()}" for a, b in ranges)


def day_off(day: dt.date, country: str, own: Iterable[tuple[dt.date, dt.date]] = ()) -> str | None:
    """Why ``day`` is not planned ('Christmas Eve', 'day off'), or None when it is a normal day."""
    name = holiday(day, country)
    if name:
        return name
    if any(first <= day <= last for first, last in own):
        return "day off"
    return None
