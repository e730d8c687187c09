"""What a rep types on the customer screen, checked; and the small judgements
the screen shows (stale estimate, contract ending soon, revenue per quarter).

Every parser takes the text as typed and returns the value to store, or raises
:class:`InputError` with a message meant to be shown next to the field.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Iterable

from segtui.domain.money import money, share  # noqa: F401 (the screens format through here)
from segtui.domain.segments import subtract_months
from segtui.domain.settings import SettingError, parse_share
from segtui.domain.text import ID_MAX, NAME_MAX, NOTE_MAX, TextError, clean  # noqa: F401 (the forms' limits)
from segtui.i18n import N_, _
from segtui.i18n import day as day_text
BUDGET_MAX = 10**12 * 100  # a yearly budget above a trillion is a typo, not a customer

ACTIVITY_KINDS = ("visit", "call", "mail")
#: Outcomes offered when a visit or call is done (any other text is fine too; offered in the
#: language in use, stored as the rep takes it).
OUTCOMES = (N_("Ordered"), N_("Asked for an offer"), N_("Interested"), N_("Follow up later"), N_("Met the buyer"),
            N_("No time"), N_("Not reached"), N_("Not interested"))
FOCUSES = ("price", "performance", "delivery")


class InputError(ValueError):
    """Text a rep typed that cannot be stored, with a message for the field (in the language in use)."""


#: The fields a message names ("the note is 5,000 characters …"), with their article: a language
#: says "the note" in its own way (anteckningen). A field not listed is named "the FIELD" in English.
FIELD_NAMES = {
    "note": N_("the note"), "outcome": N_("the outcome"), "follow-up": N_("the follow-up"),
    "reason": N_("the reason"), "competitor": N_("the competitor"), "name": N_("the name"),
    "customer id": N_("the customer id"), "org number": N_("the org number"), "role": N_("the role"),
    "industry": N_("the industry"), "address": N_("the address"), "postcode": N_("the postcode"),
    "city": N_("the city"), "owner": N_("the owner"), "e-mail": N_("the e-mail address"),
    "phone": N_("the phone number"),
}


def field_name(field: str) -> str:
    """'the note' in the language in use."""
    return _(FIELD_NAMES[field]) if field in FIELD_NAMES else f"the {field}"


def _count(n: int) -> str:
    from segtui.i18n import number

    return number(n)


def parse_budget(text: str) -> int | None:
    """A yearly budget in major units ('1 200 000', '1200000', '1 200 000,50 kr', '1,200,000')
    as integer minor units, read by the one money parser as typed money (docs/amounts.md);
    empty text is None (no budget)."""
    from segtui.domain.money import MoneyError, parse_money

    raw = (text or "").strip()
    if not raw:
        return None
    try:
        value = parse_money(raw, typed=True)
    except MoneyError as error:
        if error.why is None:
            raise InputError(_("{text} is not an amount — type whole units, e.g. 1 200 000").format(
                text=repr(raw))) from None
        raise InputError(_("{text} is not an amount ({why}) — type whole units, e.g. 1 200 000").format(
            text=repr(raw), why=error.why.said())) from None
    if value < 0:
        raise InputError(_("a budget cannot be negative"))
    if value * 100 > BUDGET_MAX:
        raise InputError(_("that budget is implausibly large — check the number of zeros"))
    return int(value * 100)


def parse_loyalty(text: str) -> float | None:
    """A loyalty override as a share 0–1: '60%', '60 %', '0.6', '0,6' or '60';
    empty text is None (loyalty is computed from the budget)."""
    if not (text or "").strip():
        return None
    try:
        return round(parse_share(text, "loyalty"), 4)
    except SettingError as error:
        raise InputError(str(error)) from None


def parse_day(text: str, field: str = "date") -> dt.date:
    """A day typed as YYYY-MM-DD exactly (a real calendar day, 1900–2200) — the one
    reading of dates people type, in forms and on the command line ('20261123' or
    '2026-W48-1', which Python's ISO parser also takes, are refused)."""
    raw = (text or "").strip()
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        raise InputError(_("date: type a date as YYYY-MM-DD") if field == "date"
                         else _("{field}: type a date as YYYY-MM-DD").format(field=field))
    try:
        day = dt.date.fromisoformat(raw)
    except ValueError:
        raise InputError(_("{day} is not a date in the calendar").format(day=raw)) from None
    if not 1900 <= day.year <= 2200:
        raise InputError(_("{day} is too far from today to be right").format(day=raw))
    return day


def follow_up_day(text: str, after: dt.date) -> dt.date | None:
    """A follow-up day typed in a form: empty is none; otherwise a date after ``after``."""
    if not (text or "").strip():
        return None
    day = parse_day(text.strip())
    if day <= after:
        raise InputError(_("a follow-up comes after {day}").format(day=day_text(after)))
    return day


def parse_date(text: str, field: str = "date", latest: dt.date | None = None) -> str:
    """An ISO date YYYY-MM-DD (a real calendar day) as text; not after ``latest`` when given."""
    day = parse_day(text, field)
    raw = day.isoformat()
    if latest is not None and day > latest:
        raise InputError(_("{day} is after today ({today}): record what has happened").format(
            day=raw, today=latest.isoformat()))
    return day.isoformat()


def clean_note(text: str | None, limit: int = NOTE_MAX, field: str = "note") -> str | None:
    """Text by the one text rule (domain/text.py), None when empty: a note (``limit``
    NOTE_MAX or more) keeps its line breaks, a shorter field is one line."""
    try:
        return clean(text, limit, field, lines=limit >= NOTE_MAX) or None
    except TextError as error:
        if error.code is not None:
            raise InputError(_("{field} holds a control character ({code}), which is not text").format(
                field=field_name(field), code=error.code)) from None
        raise InputError(_("{field} is {count} characters; at most {limit} fit").format(
            field=field_name(field), count=_count(error.count), limit=_count(error.limit))) from None


def clean_name(text: str | None, field: str = "name") -> str:
    """A required short name (a competitor)."""
    value = clean_note(text, NAME_MAX, field)
    if not value:
        raise InputError(_("type {field}").format(field=field_name(field)))
    return value


def parse_kind(text: str) -> str:
    """visit, call or mail — or the start of one ('v', 'ca')."""
    value = (text or "").strip().lower()
    matches = [k for k in ACTIVITY_KINDS if value and k.startswith(value)]
    if len(matches) != 1:
        raise InputError(_("{text} is not one of: {kinds}").format(text=repr(text.strip()), kinds=", ".join(ACTIVITY_KINDS)))
    return matches[0]


# --- judgements shown on the screen -------------------------------------------------


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus ``months`` calendar months (negative: back), clamped to the month's
    last day (Jan 31 + 1 → Feb 28) — the engine's month arithmetic."""
    return subtract_months(day, -months)


def is_stale(assessed_on: str, as_of: dt.date, stale_months: int = 12) -> bool:
    """An estimate older than ``stale_months`` months on ``as_of`` is stale."""
    return as_of > add_months(dt.date.fromisoformat(assessed_on), stale_months)


def contract_days_left(ends_on: str | dt.date, as_of: dt.date) -> int:
    if isinstance(ends_on, str):
        ends_on = dt.date.fromisoformat(ends_on)
    return (ends_on - as_of).days


def contract_ends_soon(ends_on: str | dt.date, as_of: dt.date, warn_days: int = 90) -> bool:
    """A competitor contract ending within ``warn_days`` (and not already over)."""
    return 0 <= contract_days_left(ends_on, as_of) <= warn_days


@dataclass(frozen=True)
class Quarter:
    year: int
    q: int  # 1–4

    @property
    def label(self) -> str:
        return f"Q{self.q} {self.year % 100:02d}"

    @property
    def key(self) -> str:
        return f"{self.year}-Q{self.q}"


def quarters_ending(as_of: dt.date, count: int = 12) -> list[Quarter]:
    """The ``count`` calendar quarters up to and including the one holding ``as_of``, oldest first."""
    index = as_of.year * 4 + (as_of.month - 1) // 3
    return [Quarter(i // 4, i % 4 + 1) for i in range(index - count + 1, index + 1)]


def quarter_series(as_of: dt.date, totals: dict[str, int], count: int = 12) -> list[tuple[Quarter, int]]:
    """Net revenue per quarter (0 for quarters without orders), oldest first."""
    return [(q, totals.get(q.key, 0)) for q in quarters_ending(as_of, count)]


def yes_no(value: bool | None) -> str:
    return "?" if value is None else ("yes" if value else "no")


def cycle(value, choices: Iterable):
    """The next of ``choices`` after ``value`` (wrapping)."""
    options = list(choices)
    try:
        return options[(options.index(value) + 1) % len(options)]
    except ValueError:
        return options[0]
