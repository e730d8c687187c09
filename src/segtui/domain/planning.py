"""The planning rules of the book (DESIGN §3), as pure functions.

From each customer's segment and last real contact the planner knows who is
due, how urgent they are (and why, in words), fills a week within capacity and
tells whether the contact policies fit at all.

Decisions made where DESIGN §3 is silent:

* **Real contact** is a visit or a call. Mailings do not count: a mass mailing
  to small fry does not replace the call.
* **Urgency.** Priority = segment weight × urgency, urgency = 1 + days overdue ÷
  interval, capped at 3 (``MAX_URGENCY``). The 1 makes a customer due today
  count (otherwise every "due now" customer would have priority 0); the cap
  says that three intervals without contact is as late as it gets — past that,
  the segment's weight and the customer's value decide.
* **Why the default weights are what they are** (``weight.*``, settings):
  big game 4 and cash cows 4 — equal, because the interval already says how
  often each needs a visit: one interval late is as late for a customer you
  keep as for one you hunt, and hunting must not starve the revenue you have.
  With cash cows at 3, a long-overdue big-game prospect (4 × 3 = 12) always
  beat a long-overdue cash cow (3 × 3 = 9): on sample.db the first six weeks
  were all big-game visits while its biggest cash cows, 60–80 days late,
  waited. At equal weights both stop at 12 and value decides, so a cash cow
  with millions in revenue goes ahead of a prospect buying for thousands.
  Needs assessment 2: a first assessment call (urgency 2 → 4) goes ahead of
  every small-fry call (at most 1 × 3). Small fry 1: with the cap, a small-fry
  customer never outranks a big-game or cash-cow customer that is due (4 × 1)
  even when both are visited. Uninteresting 0: never planned.
* **Ties** (equal priority — common at the cap and for first assessments) go
  to the customer worth more: higher revenue in the window, then higher
  potential (yearly budget), then the earlier due date, then the name.
* **Never contacted** counts as one full interval overdue (urgency 2).
* **Competitor contracts** (every one still running, not only the next to end):
  one ending within ``contract.warn_days`` makes a big-game customer due now
  when it has had no visit or call since the warning began (end − warn days);
  after a contact it is due again only when its interval has passed, and not
  at all when that comes after the end (see :func:`open_contract`). While it
  is, urgency is ``CONTRACT_URGENCY`` (3.5) rising to 4 as the end comes closer —
  above every merely overdue customer, whose urgency stops at 3 —
  and the visit has a deadline: the day before the contract ends.
* **Due later in the week**: a customer whose due date falls inside the week is
  planned on or after that day, never before (it would come back too soon after
  its last visit); when those days are full it waits for next week.
* **'once' policies** (needs assessment: a call to assess) keep a customer due
  until its potential is the rep's own: an assessment with a budget that was
  entered or confirmed (``Customer.assessed``; an imported budget is not the
  rep's judgement). With no visit or call since its latest assessment (or ever)
  it is due now at urgency 2 (``NEVER_URGENCY``). A contact after which no
  estimate was entered does not settle it: the customer comes back
  ``ASSESS_AGAIN_DAYS`` (14) after that contact at urgency 1
  (``ASSESS_AGAIN_URGENCY``) — behind every customer not yet called, with the
  reason "called …, no estimate entered yet" as the reminder to enter it.
* **Dated follow-ups** ("call back 2027-01-12", set on the customer screen, in the
  outcome dialog or with ``segtui log --follow-up``) are manual plan items on
  their day, so they hold their place and use the day's capacity before the
  policy fills the rest. The customer is due on that day (urgency
  ``FOLLOW_UP_URGENCY`` times the highest weight: above everything) with it as its
  deadline; until then it is planned, so not due.
* **Upgrade candidates** get the interval halved (rounded down, at least 1 day).
* **Estimated potentials**: a cash cow or big-game customer placed there by an estimated
  budget (no budget of the rep's own) carries the reason "potential only estimated: confirm
  it with the checklist", so the visit is where the estimate gets checked.
* **Win-back** (:func:`win_back`): a slipping customer — declining, silent or lapsed
  (domain/trends.py), with revenue at risk (the larger of its last 12 months and the 12
  before) — is due for a contact of ``policy.win_back`` (default a call, again after 30 days
  while it still slips) at weight ``weight.win_back`` (default 3): a call is the cheap way to
  learn why they stopped, and at weight 3 it comes after the assessment calls (2 × 2) and the
  overdue big-game and cash-cow visits (weight 4) but before a small fry's routine call (1,
  never contacted 2): on a real ERP history the first weeks are not all first calls.
  When its segment's own contact is more urgent, that contact is planned and its reason
  says the customer is slipping. Ties go to the larger revenue at risk.
* **Planning a week** considers customers due on or before the week's last
  working day, counts days overdue from ``max(today, Monday)``, only fills days
  from today on, and keeps every item already in the week (manual, done,
  skipped). Skipped items free their slot.
* **Laying out the week** (:func:`visit_days`): the more urgent a visit, the
  earlier in the week; a deadline is met whenever a day before it has room; a
  city's visits share a day.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple, Sequence

from segtui.domain.customer import contract_days_left, contract_ends_soon
from segtui.domain.days_off import day_off, parse_days_off
from segtui.domain.routes import Place, RouteConfig, day_minutes, insert, km, parse_day
from segtui.domain.routes import order as routes_order
from segtui.domain.segments import QUADRANT_LABELS, Quadrant
from segtui.domain.settings import DEFAULTS, KINDS, WEEKDAYS, Policy, SettingError, parse_policy, validate  # noqa: F401
from segtui.i18n import N_, _, ngettext

MAX_URGENCY = 3.0
NEVER_URGENCY = 2.0
#: A competitor contract about to end: above every merely overdue customer (whose urgency
#: stops at MAX_URGENCY), rising to CONTRACT_URGENCY_MAX as the end comes closer. Above the
#: cap by half an interval, so at equal weights it beats a capped cash cow too.
#: A customer to assess that was contacted without an estimate entered comes back this many
#: days after the contact, at this urgency (below a first assessment call's NEVER_URGENCY).
ASSESS_AGAIN_DAYS = 14
ASSESS_AGAIN_URGENCY = 1.0
#: A dated follow-up ("call back 12 January") the rep set: planned on its day, before any policy.
FOLLOW_UP_URGENCY = MAX_URGENCY + 2.0
CONTRACT_URGENCY = MAX_URGENCY + 0.5
CONTRACT_URGENCY_MAX = MAX_URGENCY + 1.0


# --- policies and capacity ---------------------------------------------------------


@dataclass(frozen=True)
class PlanConfig:
    """Policies, weights, capacity and the contract warning, from the book's settings."""

    policies: Mapping[Quadrant, Policy]
    weights: Mapping[Quadrant, int]
    visits_per_day: int = 4
    calls_per_day: int = 10
    working_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    warn_days: int = 90
    country: str = ""  # public holidays of this country are days off (DESIGN §3; domain/days_off.py)
    days_off: tuple[tuple[dt.date, dt.date], ...] = ()  # the rep's own days off, as (first, last)
    owner: str = ""  # plan only this rep's customers (empty: everyone's)
    route: RouteConfig = RouteConfig()  # where days start, how near a day's visits lie, the working hours
    win_back: Policy = Policy("call", 30)  # slipping customers (module docs: Win-back)
    win_back_weight: int = 3

    @classmethod
    def from_settings(cls, values: Mapping[str, str] | None = None) -> "PlanConfig":
        v = {**DEFAULTS, **(values or {})}
        return cls(
            policies={q: parse_policy(v[f"policy.{q.value}"]) for q in Quadrant},
            weights={q: int(v[f"weight.{q.value}"]) for q in Quadrant},
            visits_per_day=int(v["capacity.visits_per_day"]),
            calls_per_day=int(v["capacity.calls_per_day"]),
            working_days=tuple(WEEKDAYS.index(d) for d in v["capacity.working_days"].split(",")),
            warn_days=int(v["contract.warn_days"]),
            country=v["calendar.country"],
            days_off=parse_days_off(v["calendar.days_off"]),
            owner=v["plan.owner"],
            route=route_config(v),
            win_back=parse_policy(v["policy.win_back"]),
            win_back_weight=int(v["weight.win_back"]),
        )

    def off(self, day: dt.date) -> str | None:
        """Why ``day`` is never planned ('Christmas Eve', 'day off'), or None: a day to plan."""
        return day_off(day, self.country, self.days_off)

    def per_day(self, kind: str) -> int:
        return self.visits_per_day if kind == "visit" else self.calls_per_day

    def per_week(self, kind: str) -> int:
        return self.per_day(kind) * len(self.working_days)


def route_config(values: Mapping[str, str], start: Place | None = None) -> RouteConfig:
    """The route settings (``route.start`` is a town or ``lat,lon`` the book resolves: ``start``)."""
    v = {**DEFAULTS, **values}
    day_start, day_end = parse_day(v["route.day"])
    return RouteConfig(start, float(v["route.radius_km"]), day_start, day_end, int(v["route.visit_minutes"]),
                       float(v["route.speed_kmh"]))


# --- ISO weeks -----------------------------------------------------------------------


def week_monday(day: dt.date) -> dt.date:
    """The Monday of the ISO week containing ``day``."""
    return day - dt.timedelta(days=day.weekday())


def week_label(monday: dt.date) -> str:
    """'2026-W53'."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def parse_week(text: str) -> dt.date:
    """The Monday of ISO week 'YYYY-Www' (also 'YYYYWww', 'YYYY-ww'); ValueError otherwise."""
    raw = text.strip().upper().replace("W", "-").replace("--", "-")
    year_text, _dash, week_text = raw.partition("-")
    try:
        year, week = int(year_text), int(week_text)
        return dt.date.fromisocalendar(year, week, 1)
    except ValueError:
        if year_text.isdigit() and week_text.isdigit() and int(week_text) == 53:
            raise ValueError(_("{text}: {year} has only 52 ISO weeks").format(text=repr(text), year=year_text)) from None
        raise ValueError(_("{text} is not an ISO week (write it like 2026-W48)").format(text=repr(text))) from None


# A week to plan lies within this many years of the day planned on (before or after): a
# typo like 9999-W01 is refused instead of planning, and saving, a week in year 9999.
PLAN_YEARS = 5


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year without one
        return day.replace(year=day.year + years, day=28)


def week_in_reach(monday: dt.date, today: dt.date) -> str | None:
    """None when the week starting ``monday`` is within :data:`PLAN_YEARS` years of ``today``
    (the weeks of the same day ``PLAN_YEARS`` years before and after, included), else why not."""
    first = week_monday(_years_from(today, -PLAN_YEARS))
    last = week_monday(_years_from(today, PLAN_YEARS))
    if first <= monday <= last:
        return None
    return (f"{week_label(monday)} is more than {PLAN_YEARS} years from {today.isoformat()}: "
            f"plan a week from {week_label(first)} to {week_label(last)}")


def weeks_in_year(year: int) -> int:
    """52 or 53: the ISO week of 28 December is the year's last."""
    return dt.date(year, 12, 28).isocalendar()[1]


def week_days(monday: dt.date, config: PlanConfig) -> list[dt.date]:
    """The working weekdays of the week starting ``monday`` (the week view's columns),
    public holidays and days off included: :func:`plan_days` leaves those out."""
    return [monday + dt.timedelta(days=d) for d in config.working_days]


def plan_days(monday: dt.date, config: PlanConfig) -> list[dt.date]:
    """The days of the week that can be planned: working weekdays that are neither a
    public holiday of ``config.country`` nor one of the rep's days off."""
    return [d for d in week_days(monday, config) if config.off(d) is None]


def next_plan_day(day: dt.date, config: PlanConfig) -> dt.date:
    """``day`` itself when it can be planned, else the first day after it that can (within a year)."""
    for n in range(370):
        candidate = day + dt.timedelta(days=n)
        if candidate.weekday() in config.working_days and config.off(candidate) is None:
            return candidate
    raise ValueError("no working day within a year: check capacity.working_days and calendar.days_off")


# --- who is due ----------------------------------------------------------------------


class Slip(NamedTuple):
    """Why a customer is slipping, for the win-back: ``kind`` declining, silent or lapsed, the
    revenue at risk (minor units) and what the signal's words need (:attr:`words`)."""

    kind: str
    at_risk: int
    gap: int = 0  # silent: the usual days between orders
    days: int = 0  # silent: days since the last order
    drop: float = 0.0  # declining: the share the last 12 months fell by
    since: dt.date | None = None  # lapsed: the last order

    @property
    def words(self) -> str:
        """The signal in words (English, as plan reasons are: :func:`say_reason` shows them)."""
        if self.kind == "lapsed":
            return LAPSED_SINCE.format(date=self.since.isoformat()) if self.since else LAPSED
        if self.kind == "silent":
            return SILENT.format(gap=self.gap, days=self.days)
        if self.drop >= 1:  # credit notes took the last 12 months to nothing or below
            return DECLINED_TO_NOTHING
        return DECLINING.format(drop=f"{round(self.drop * 100)}%")


def slip(trend, lapsed: bool, last_order: dt.date | None = None) -> Slip | None:
    """The customer's slip from its trend (domain/trends.py) and whether it is lapsed, or None
    when it is not slipping. The revenue at risk is the larger of the last 12 months and the 12
    before (a lapsed customer's last 12 months are empty; a silent one may have grown first)."""
    if trend is None:
        return None
    # the Trend's fields by position (thousands of them on a big book)
    kind, now, before, usual_gap, last_day, _expected, as_of = trend
    if not (lapsed or kind):
        return None
    at_risk = now if now > before else before
    if at_risk < 0:
        at_risk = 0
    # Slip(kind, at_risk, gap, days, drop, since), all fields given
    if lapsed:
        return tuple.__new__(Slip, ("lapsed", at_risk, 0, 0, 0.0, last_order))
    if kind == "silent":
        days = (as_of - last_day).days if as_of and last_day else 0
        return tuple.__new__(Slip, ("silent", at_risk, round(usual_gap or 0), days, 0.0, None))
    drop = 1 - now / before if before > 0 else 0.0
    return tuple.__new__(Slip, ("declining", at_risk, 0, 0, drop, None))


class Customer(NamedTuple):
    """What planning needs to know about one customer (a tuple: 20,000 of them are cheap)."""

    id: int
    name: str
    city: str | None
    quadrant: Quadrant
    upgrade_candidate: bool = False
    last_contact: dt.date | None = None  # latest visit or call
    last_assessment: dt.date | None = None
    contract: tuple[str, dt.date] | None = None  # (competitor, ends on): the next contract to end
    # every competitor contract still running, soonest end first (empty: only ``contract``)
    contracts: tuple[tuple[str, dt.date], ...] = ()
    revenue: int = 0  # net revenue in the window, minor units: breaks ties
    potential: int | None = None  # yearly budget, minor units: breaks ties after revenue
    assessed: dt.date | None = None  # latest budget the rep entered or confirmed (None: never assessed)
    follow_up: tuple[dt.date, str] | None = None  # (day, visit/call): the next dated follow-up planned
    estimated: bool = False  # its potential is only estimated from similar customers (not the rep's own)
    place: Place | None = None  # (latitude, longitude), None: not located
    slip: Slip | None = None  # declining, silent or lapsed: due for a win-back (None: not slipping)

    def contacted_since_assessment(self) -> bool:
        """A visit or call on or after the latest assessment (or ever, without one)."""
        return self.last_contact is not None and (
            self.last_assessment is None or self.last_contact >= self.last_assessment)

    def running_contracts(self) -> tuple[tuple[str, dt.date], ...]:
        if self.contracts:
            return self.contracts
        return (self.contract,) if self.contract is not None else ()


class Due(NamedTuple):
    """A customer the policy says to contact, with how urgently; ``reason`` says why in words."""

    customer: Customer
    kind: str
    interval: int | None
    due_on: dt.date
    days_overdue: int
    priority: float
    on: dt.date  # the day it was judged on
    contract_urgent: bool = False
    once: bool = False
    contract: tuple[str, dt.date] | None = None  # the contract that makes it urgent
    deadline: dt.date | None = None  # plan it on or before this day (the day before the contract ends)
    follow_up: bool = False  # due because of a dated follow-up
    win_back: bool = False  # due because it is slipping (policy.win_back), not for its segment

    @property
    def overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def reason(self) -> str:
        """'Big game · 18 days overdue · contract with X ends 2027-01-15'."""
        c = self.customer
        parts = [QUADRANT_LABELS[c.quadrant]]
        if self.follow_up:
            parts.append(FOLLOW_UP_ON.format(day=_day(self.due_on)))
            return " · ".join(parts)
        if self.win_back:
            parts.append(WIN_BACK)
            parts.append(c.slip.words)
            if c.last_contact is not None:
                parts.append(LAST_CONTACT.format(day=_day(c.last_contact)))
            return " · ".join(parts)
        if self.once:
            parts.append(VISIT_TO_ASSESS if self.kind == "visit" else CALL_TO_ASSESS)
            if c.last_contact is None:
                parts.append(NEVER_CONTACTED)
            elif c.contacted_since_assessment():
                parts.append(NO_ESTIMATE_YET.format(day=_day(c.last_contact)))
        elif c.last_contact is None:
            parts.append(NEVER_CONTACTED)
        else:
            regular = c.last_contact + dt.timedelta(days=self.interval)
            late = (self.on - regular).days
            if late > 0:
                parts.append((DAY_OVERDUE if late == 1 else DAYS_OVERDUE).format(days=late))
            elif late == 0:
                parts.append(DUE_TODAY)
            else:
                parts.append(DUE_ON.format(day=_day(regular)))
        if self.contract_urgent:
            competitor, ends_on = self.contract or c.contract
            parts.append(CONTRACT_ENDS.format(competitor=competitor, date=ends_on.isoformat()))
        if c.upgrade_candidate and self.interval is not None:
            parts.append(UPGRADE_EVERY.format(days=self.interval))
        if c.estimated and c.quadrant in HIGH_POTENTIAL:
            parts.append(ESTIMATE_REMINDER)
        if c.slip is not None and c.slip.at_risk > 0:
            parts.append(c.slip.words)
        return " · ".join(parts)


# An estimate that put a customer among the high-potential quadrants is the planner's guess,
# not the rep's: the visit is the moment to check it with the potential checklist.
HIGH_POTENTIAL = frozenset({Quadrant.CASH_COWS, Quadrant.BIG_GAME})
ESTIMATE_REMINDER = N_("potential only estimated: confirm it with the checklist")

# --- the words of a reason ------------------------------------------------------------------
# A plan item's reason is stored and exported in English ('Big game · 18 days overdue · …'; plan
# --format csv is a contract). It is built from these phrases, and the screens show it in the
# language in use with say_reason(), which reads the stored phrases back and translates each.
FOLLOW_UP_ON = N_("follow-up {day}")
WIN_BACK = N_("win back")
LAST_CONTACT = N_("last contact {day}")
VISIT_TO_ASSESS = N_("visit to assess")
CALL_TO_ASSESS = N_("call to assess")
NEVER_CONTACTED = N_("never contacted")
NO_ESTIMATE_YET = N_("contacted {day}, no estimate entered yet")
DAY_OVERDUE = "{days} day overdue"  # the singular and plural of DAYS_OVERDUE (ngettext in say_reason)
DAYS_OVERDUE = "{days} days overdue"
DUE_TODAY = N_("due today")
DUE_ON = N_("due {day}")
CONTRACT_ENDS = N_("contract with {competitor} ends {date}")
UPGRADE_EVERY = N_("upgrade candidate: every {days} days")
LAPSED_SINCE = N_("lapsed: no order since {date}")
LAPSED = N_("lapsed: no order for 12 months")
SILENT = N_("silent: orders every {gap} days, none for {days}")
DECLINED_TO_NOTHING = N_("declining: no net revenue in the last 12 months")
DECLINING = N_("declining: bought {drop} less than the 12 months before")
#: A dated follow-up the rep set (store/plan.py writes it; its note is the rep's own words).
FOLLOW_UP_NOTE = N_("Follow-up: {note}")

#: What each placeholder of a phrase matches in the stored English.
_PLACEHOLDERS = {
    "day": r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2}",  # _day(): 'Mon 7 Dec'
    "date": r"\d{4}-\d{2}-\d{2}",
    "days": r"\d+", "gap": r"\d+",
    "drop": r"-?\d+%",
    "competitor": r".+",
}
_PHRASES = (FOLLOW_UP_ON, WIN_BACK, LAST_CONTACT, VISIT_TO_ASSESS, CALL_TO_ASSESS, NEVER_CONTACTED, NO_ESTIMATE_YET,
            DAY_OVERDUE, DAYS_OVERDUE, DUE_TODAY, DUE_ON, CONTRACT_ENDS, UPGRADE_EVERY, ESTIMATE_REMINDER,
            LAPSED_SINCE, LAPSED, SILENT, DECLINED_TO_NOTHING, DECLINING)


def _pattern(phrase: str):
    import re

    parts = re.split(r"\{(\w+)\}", phrase)
    regex = "".join(re.escape(part) if n % 2 == 0 else f"(?P<{part}>{_PLACEHOLDERS[part]})"
                    for n, part in enumerate(parts))
    return re.compile(regex)


_READERS = tuple((phrase, _pattern(phrase)) for phrase in _PHRASES)
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _say_day(text: str) -> str:
    """'Mon 7 Dec' (the stored day, no year) in the language in use: 'mån 7 dec.'."""
    from segtui.i18n import locale_name

    from babel.dates import format_date

    weekday, number, month = text.split()
    monday = dt.date(2024, 1, 1)  # a Monday
    name = format_date(monday + dt.timedelta(days=_WEEKDAY_NAMES.index(weekday)), "EEE", locale=locale_name())
    return f"{name} {number} {format_date(dt.date(2024, _MONTH_NAMES.index(month) + 1, 1), 'MMM', locale=locale_name())}"


def _say_part(part: str) -> str:
    from segtui.i18n import day, share

    label = next((q for q, text in QUADRANT_LABELS.items() if text == part), None)
    if label is not None:
        return label.label
    for phrase, pattern in _READERS:
        found = pattern.fullmatch(part)
        if found is None:
            continue
        values = found.groupdict()
        if phrase in (DAY_OVERDUE, DAYS_OVERDUE):
            n = int(values["days"])
            return ngettext("{days} day overdue", "{days} days overdue", n).format(days=n)
        if "day" in values:
            values["day"] = _say_day(values["day"])
        if "date" in values:
            values["date"] = day(dt.date.fromisoformat(values["date"]))
        if "drop" in values:
            values["drop"] = share(int(values["drop"][:-1]) / 100)
        return _(phrase).format(**values)
    return part  # words the planner did not write (a rep's own): as they are


def say_reason(reason: str) -> str:
    """A stored reason ('Small fry · win back · silent: orders every 21 days, none for 64') in the
    language in use; in English as stored. A follow-up's note and a competitor's name stay as typed."""
    from segtui.i18n import SOURCE, language

    if language() == SOURCE or not reason:
        return reason
    if reason.startswith("Follow-up: "):
        return _(FOLLOW_UP_NOTE).format(note=reason.removeprefix("Follow-up: "))
    if reason == "Follow-up":
        return _("Follow-up")
    return " · ".join(_say_part(part) for part in reason.split(" · "))


def interval(customer: Customer, config: PlanConfig) -> int | None:
    """Days between contacts for this customer (halved for upgrade candidates)."""
    policy = config.policies[customer.quadrant]
    if policy.every is None:
        return None
    return max(1, policy.every // 2) if customer.upgrade_candidate else policy.every


def _day(day: dt.date) -> str:
    return f"{day:%a} {day.day} {day:%b}"


def due(customer: Customer, config: PlanConfig, on: dt.date, until: dt.date | None = None) -> Due | None:
    """The customer as due on ``on`` (or by ``until``), or None when not due: for its segment,
    or to win it back when it is slipping, whichever is more urgent."""
    entry = _segment_due(customer, config, on, until)
    if customer.slip is None or (entry is not None and entry.follow_up):
        return entry
    back = win_back(customer, config, on, until)
    if back is None or (entry is not None and entry.priority >= back.priority):
        return entry
    return back


def win_back(customer: Customer, config: PlanConfig, on: dt.date, until: dt.date | None = None) -> Due | None:
    """The win-back contact of a slipping customer (module docs), or None: not slipping, nothing
    at risk, ``policy.win_back`` none, or a visit or call within its interval. Due from the
    contact's interval after the last contact (at once without one); as late as a segment's
    contact, its urgency grows from 1 to MAX_URGENCY."""
    policy, found = config.win_back, customer.slip
    if found is None or found.at_risk <= 0 or policy.kind is None or policy.every is None:
        return None
    every = policy.every
    due_on = on if customer.last_contact is None else customer.last_contact + dt.timedelta(days=every)
    if due_on > (until or on):
        return None
    late = (on - due_on).days
    urgency = 1.0 if late <= 0 else min(MAX_URGENCY, 1 + late / every)
    return Due(customer, policy.kind, every, due_on, late if late > 0 else 0,
               round(config.win_back_weight * urgency, 6), on, win_back=True)


def _segment_due(customer: Customer, config: PlanConfig, on: dt.date, until: dt.date | None = None) -> Due | None:
    """The customer as its segment's policy has it due on ``on`` (or by ``until``), or None."""
    if customer.follow_up is not None:  # a dated follow-up comes before the policy
        day, kind = customer.follow_up
        if day > (until or on):
            return None
        late = (on - day).days
        return Due(customer, kind, interval(customer, config), day, late if late > 0 else 0,
                   round(max(1, *config.weights.values()) * FOLLOW_UP_URGENCY, 6), on,
                   deadline=day, follow_up=True)
    policy = config.policies[customer.quadrant]
    if policy.kind is None:
        return None
    every = None
    if policy.once:
        if customer.assessed is not None:
            return None  # the rep's own estimate is in
        if customer.contacted_since_assessment():
            due_on = customer.last_contact + dt.timedelta(days=ASSESS_AGAIN_DAYS)
            urgency = ASSESS_AGAIN_URGENCY
        else:
            due_on, urgency = on, NEVER_URGENCY
    else:
        every = interval(customer, config)
        if customer.last_contact is None:
            due_on, urgency = on, NEVER_URGENCY
        else:
            due_on = customer.last_contact + dt.timedelta(days=every)
            late = (on - due_on).days
            urgency = 1.0 if late <= 0 else min(MAX_URGENCY, 1 + late / every)
    urgent, contract, deadline = False, None, None
    if customer.quadrant is Quadrant.BIG_GAME:
        found = open_contract(customer, config, on, until or on, every)
        if found is not None:
            contract, contract_due = found
            urgent, deadline = True, contract[1] - dt.timedelta(days=1)
            due_on = min(due_on, contract_due)
            left = contract_days_left(contract[1], on)
            closeness = 1 - left / config.warn_days if config.warn_days else 1.0
            urgency = max(urgency, CONTRACT_URGENCY + (CONTRACT_URGENCY_MAX - CONTRACT_URGENCY) * closeness)
    if due_on > (until or on):
        return None
    late = (on - due_on).days
    return Due(
        customer, policy.kind, every, due_on, late if late > 0 else 0,
        round(config.weights[customer.quadrant] * urgency, 6), on, urgent, policy.once, contract, deadline,
    )


def open_contract(
    customer: Customer, config: PlanConfig, on: dt.date, until: dt.date, every: int | None
) -> tuple[tuple[str, dt.date], dt.date] | None:
    """The competitor contract that calls for a visit by ``until``, with the day it
    is due from, or None.

    Every contract still running counts. One ending within ``contract.warn_days``
    of ``on`` is due now when the customer has had no visit or call since the
    warning began (its end − ``warn_days``); after one, it is due again only when
    the interval has passed, and not at all when that comes after the end: a
    visit in the warning window is the visit the contract asked for. Of several,
    the one due soonest wins."""
    best = None
    last = customer.last_contact
    for competitor, ends_on in customer.running_contracts():
        if not contract_ends_soon(ends_on, on, config.warn_days):
            continue
        if last is None or last < ends_on - dt.timedelta(days=config.warn_days):
            due_from = on
        elif every is None:
            continue
        else:
            due_from = max(on, last + dt.timedelta(days=every))
        if due_from >= ends_on or due_from > until:
            continue
        if best is None or due_from < best[1] or (due_from == best[1] and ends_on < best[0][1]):
            best = ((competitor, ends_on), due_from)
    return best


def by_priority(entry: Due) -> tuple:
    """Highest priority first; ties to the higher revenue (a win-back: the revenue at risk),
    then the higher potential, then the earlier due date, then by name."""
    c = entry.customer
    return (-entry.priority, -(c.slip.at_risk if entry.win_back else c.revenue), -(c.potential if c.potential is not None else -1), entry.due_on,
            c.name.casefold(), c.id)


def due_list(
    customers: Iterable[Customer], config: PlanConfig, on: dt.date, until: dt.date | None = None
) -> list[Due]:
    """Every due customer, highest priority first (:func:`by_priority`).

    The same rule as :func:`due`, written out for a book of 20,000 customers: only a dated
    follow-up or a big-game customer with a competitor contract goes through :func:`due`;
    the policies, the assessment call and the win-back are inline, and each entry's order
    is built with it (the tuple :func:`by_priority` gives), so the sort calls no function.
    Customers of one policy contacted last on the same day are due on the same day at the same
    priority: that is worked out once per day of last contact (``_when_due``), not per customer."""
    until = until or on
    on_ordinal, until_ordinal = on.toordinal(), until.toordinal()
    rules = {}
    for q, policy in config.policies.items():
        if policy.kind is not None:
            weight = config.weights[q]
            if policy.once:
                rules[q] = (policy.kind, None, None, weight, True, {})
            else:
                # (kind, the interval, that of an upgrade candidate, weight, once, and a memo of each)
                rules[q] = (policy.kind, policy.every, max(1, policy.every // 2), weight, False, ({}, {}))
    big_game = Quadrant.BIG_GAME
    back_kind, back_every, back_weight = config.win_back.kind, config.win_back.every, config.win_back_weight
    if back_kind is None:
        back_every = None
    back_memo: dict = {}
    new = tuple.__new__
    found = []
    append = found.append
    for c in customers:
        (cid, name, _city, quadrant, upgrade, last, last_assessment, contract, contracts, revenue, potential,
         assessed, follow_up, _estimated, _place, slipping) = c
        if follow_up is not None or (quadrant is big_game and (contract or contracts)):
            entry = due(c, config, on, until)
            if entry is not None:
                append((*by_priority(entry), len(found), entry))
            continue
        rule = rules.get(quadrant)
        entry = None
        if rule is not None:  # _segment_due(), inline
            kind, every, half, weight, once, memo = rule
            if once:
                if assessed is None:  # the rep's own estimate is not in yet
                    # due again ASSESS_AGAIN_DAYS after a contact since the latest assessment, else now
                    since = last if last is not None and (last_assessment is None or last >= last_assessment) \
                        else None
                    when = memo.get(since)
                    if when is None:
                        when = memo[since] = _when_due(
                            since, ASSESS_AGAIN_DAYS, weight, ASSESS_AGAIN_URGENCY, None, on_ordinal, until_ordinal)
                    if when:
                        due_on, late, priority = when
                        entry = new(Due, (c, kind, None, due_on, late, priority, on,
                                          False, True, None, None, False, False))
            else:
                if upgrade:
                    every, memo = half, memo[1]
                else:
                    memo = memo[0]
                when = memo.get(last)
                if when is None:
                    when = memo[last] = _when_due(last, every, weight, NEVER_URGENCY, every, on_ordinal, until_ordinal)
                if when:
                    due_on, late, priority = when
                    # Due(c, kind, every, due_on, late, priority, on) with its defaults, without the NamedTuple's __new__
                    entry = new(Due, (c, kind, every, due_on, late, priority, on,
                                      False, False, None, None, False, False))
        if slipping is not None and back_every and slipping.at_risk > 0:  # win_back(), inline: 7,000 of them
            when = back_memo.get(last)
            if when is None:
                when = back_memo[last] = _when_due(last, back_every, back_weight, 1.0, back_every,
                                                   on_ordinal, until_ordinal)
            if when:
                due_on, late, priority = when
                if entry is None or entry.priority < priority:  # the more urgent, as in due()
                    entry = new(Due, (c, back_kind, back_every, due_on, late, priority, on,
                                      False, False, None, None, False, True))
                    append((-priority, -slipping.at_risk, -(potential if potential is not None else -1),
                            due_on, name.casefold(), cid, len(found), entry))
                    continue
        if entry is not None:  # by_priority(entry), inline
            append((-entry.priority, -revenue, -(potential if potential is not None else -1),
                    entry.due_on, name.casefold(), cid, len(found), entry))
    found.sort()  # the keys end with the entry's place in the list (stable as a sort by key): entries are never compared
    return [key[-1] for key in found]


def _when_due(last: dt.date | None, after: int, weight: float, first: float, every: int | None,
              on_ordinal: int, until_ordinal: int) -> tuple[dt.date, int, float] | bool:
    """When a customer contacted last on ``last`` is due, ``after`` days later (without a contact:
    now, at urgency ``first``): (due on, days overdue, priority), or False when not due by
    ``until_ordinal``. With ``every`` the urgency grows as :func:`_segment_due` has it (from 1, by
    one per interval late, up to MAX_URGENCY); without, it stays ``first`` (the assessment call
    after a contact: ASSESS_AGAIN_URGENCY)."""
    if last is None:
        due_ordinal, urgency = on_ordinal, first if every is not None else NEVER_URGENCY
    else:
        due_ordinal = last.toordinal() + after
        late = on_ordinal - due_ordinal
        if every is None:
            urgency = first
        elif late > 0:
            urgency = 1 + late / every
            urgency = MAX_URGENCY if urgency > MAX_URGENCY else urgency
        else:
            urgency = 1.0
    if due_ordinal > until_ordinal:
        return False
    late = on_ordinal - due_ordinal
    return dt.date.fromordinal(due_ordinal), late if late > 0 else 0, round(weight * urgency, 6)


# --- filling a week ------------------------------------------------------------------


@dataclass(frozen=True)
class Booked:
    """An item already in the week (from the book): it keeps its place."""

    customer_id: int
    day: dt.date
    kind: str
    status: str = "planned"  # planned | done | skipped
    city: str | None = None
    place: Place | None = None


@dataclass(frozen=True)
class Proposal:
    """An item the planner proposes."""

    customer_id: int
    day: dt.date
    kind: str
    reason: str
    priority: float
    city: str | None = None


def fill_week(
    dues: Sequence[Due],
    days: Sequence[dt.date],
    config: PlanConfig,
    booked: Iterable[Booked] = (),
) -> list[Proposal]:
    """Fill ``days`` with the highest-priority due customers, never over capacity.

    ``dues`` must be in priority order. First the week's customers are chosen:
    the highest priorities that fit the week's free capacity (customers already
    in the week are not planned twice; booked items, except skipped ones, use
    capacity; a customer due later in the week is chosen only while the days from its
    due day on have room). Then the chosen visits are laid out by city and priority
    (:func:`visit_days`); calls fill the days in priority order. A customer with a
    deadline (a contract about to end) goes on a day on or before it whenever one
    has room."""
    booked = list(booked)
    days = sorted(days)
    taken = {b.customer_id for b in booked}
    load: dict[tuple[dt.date, str], int] = defaultdict(int)
    cities: dict[dt.date, set] = defaultdict(set)
    for b in booked:
        if b.status != "skipped":
            load[b.day, b.kind] += 1
            if b.kind == "visit" and b.city and b.city.strip():
                cities[b.day].add(b.city.strip().casefold())
    proposals: list[Proposal] = []
    for kind in KINDS:
        cap = config.per_day(kind)
        room = {d: max(0, cap - load[d, kind]) for d in days}
        free = sum(room.values())
        chosen: list[Due] = []
        # a customer due later in the week needs room from its due day on: count what is left
        later: dict[dt.date, int] = defaultdict(int)  # chosen entries due from a day on
        for entry in dues:
            if len(chosen) >= free:
                break
            if entry.kind != kind or entry.customer.id in taken:
                continue
            if days and entry.due_on > days[0]:
                if not _room_from(entry.due_on, days, room, later):
                    continue  # its due days are full: next week, rather than too soon after the last contact
                later[entry.due_on] += 1
            chosen.append(entry)
            taken.add(entry.customer.id)
        # a deadline after the week's last day does not limit the week
        deadlines = [e.deadline if e.deadline and days and e.deadline < days[-1] else None for e in chosen]
        earliest = [e.due_on if e.due_on > days[0] else None for e in chosen] if days else []
        if kind == "call":
            placed = call_days(deadlines, days, room, earliest)
        elif any(e.customer.place for e in chosen) or any(b.place for b in booked if b.kind == "visit"):
            rest = [e for e in dues if e.kind == "visit" and e.customer.id not in taken]
            laid = area_days(chosen, rest, days, room, config.route, booked)
            taken.update(e.customer.id for e, _ in laid)
            proposals.extend(_proposal(entry, day) for entry, day in laid)
            continue
        else:
            placed = visit_days([_city_key(e.customer) for e in chosen], days, room, cap, cities, deadlines, earliest)
        proposals.extend(_proposal(entry, day) for entry, day in zip(chosen, placed))
    return proposals


def _room_from(due_on: dt.date, days: Sequence[dt.date], room: Mapping[dt.date, int],
               later: Mapping[dt.date, int]) -> bool:
    """True when one more customer due from ``due_on`` still fits the days from it on,
    next to those already chosen that are due later in the week (``later``)."""
    for start in days:
        if start > due_on:
            break
        need = 1 + sum(n for d, n in later.items() if d >= start)
        if need > sum(room[d] for d in days if d >= start):
            return False
    return True


def call_days(
    deadlines: Sequence[dt.date | None],
    days: Sequence[dt.date],
    room: Mapping[dt.date, int],
    earliest: Sequence[dt.date | None] | None = None,
) -> list[dt.date]:
    """The day of each call, the calls in priority order: those with a deadline first
    (soonest first) on the earliest day with room, then the rest in order; a call due
    later in the week goes on or after its due day when one has room."""
    days = sorted(days)
    left = {d: room.get(d, 0) for d in days}
    earliest = list(earliest) if earliest is not None else [None] * len(deadlines)
    placed: list[dt.date] = [days[0]] * len(deadlines) if days else []
    order = sorted(range(len(deadlines)), key=lambda n: (deadlines[n] is None, deadlines[n] or dt.date.max, n))
    for n in order:
        open_days = [d for d in days if left[d] > 0]
        day = next((d for d in open_days if earliest[n] is None or d >= earliest[n]), open_days[0])
        left[day] -= 1
        placed[n] = day
    return placed


def _city_key(customer: Customer) -> object:
    """Visits group by city (case and spaces aside); a customer without a city is a group of its own."""
    city = customer.city
    return city.strip().casefold() if city and city.strip() else ("no city", customer.id)


def visit_days(
    keys: Sequence[object],
    days: Sequence[dt.date],
    room: Mapping[dt.date, int],
    capacity: int,
    booked_cities: Mapping[dt.date, set] | None = None,
    deadlines: Sequence[dt.date | None] | None = None,
    earliest: Sequence[dt.date | None] | None = None,
) -> list[dt.date]:
    """The day of each visit, ``keys`` being the visits' cities in priority order
    (the caller has made sure they fit: ``len(keys) <= sum(room.values())``),
    ``deadlines`` the last day each may go on and ``earliest`` the first (a customer
    due later in the week is not visited before its due day; None: any day).

    1. A city already visited on a day (a kept item) gets its new visits there,
       as far as the day has room (and the deadline allows).
    2. Then the cities are placed one after another: those holding a deadline
       first (the soonest first), then those due later in the week (latest due
       day first), then in priority order (the city of the most urgent visit
       first). So the more urgent a visit, the earlier in the week
       it goes. A city goes whole onto one day: a day of its own while there are
       at least as many days without visits as cities left, else the earliest
       day that holds it (a day's visits share cities only when the week is
       fuller than one city a day). Only a city that no day can hold whole is
       split, filling the emptiest day first.
    3. A visit with a deadline never goes after it while a day on or before it
       has room: when its city does not fit whole before the deadline, that
       visit goes alone onto the earliest day with room before it, and the rest of its city
       waits its turn among the cities bound by no deadline.
    4. Likewise a visit is not put before its ``earliest`` day while a day from it
       on can take its city; only when none can does it go earlier.
    """
    booked_cities = booked_cities or {}
    days = sorted(days)
    deadlines = list(deadlines) if deadlines is not None else [None] * len(keys)
    earliest = list(earliest) if earliest is not None else [None] * len(keys)
    if len(keys) > sum(room.get(d, 0) for d in days):
        raise ValueError(f"{len(keys)} visits do not fit the week's room")
    left = {d: room.get(d, 0) for d in days}
    content: dict[dt.date, list[int]] = {d: [] for d in days}

    def allowed(n: int, d: dt.date) -> bool:
        return (deadlines[n] is None or d <= deadlines[n]) and (earliest[n] is None or d >= earliest[n])

    def put(day: dt.date, members: list[int]) -> None:
        content[day].extend(members)
        left[day] -= len(members)

    groups: dict[object, list[int]] = {}
    for n, key in enumerate(keys):  # visits due later in the week group by city and due day
        groups.setdefault((key, earliest[n]), []).append(n)
    for (key, _due), members in groups.items():  # 1. next to the kept visits in the same city
        for d in sorted((d for d in days if key in booked_cities.get(d, ())), key=lambda d: -left[d]):
            take = [n for n in members if allowed(n, d)][: left[d]]
            members[:] = [n for n in members if n not in take]
            put(d, take)

    def latest(members: list[int]) -> dt.date | None:
        found = [deadlines[n] for n in members if deadlines[n] is not None]
        return min(found) if found else None

    def most_bound(members: list[int]) -> tuple:
        """Deadlines first (soonest first; of one deadline, the latest due day first), then visits due later in the week (the latest
        due day first: they have the fewest days to go on), then by priority."""
        last = latest(members)
        first = max((earliest[n] for n in members if earliest[n] is not None), default=None)
        if last is not None:  # the same deadline: the one with the fewest days to go on first
            return (0, last.toordinal(), -first.toordinal() if first is not None else 0, members[0])
        if first is not None:
            return (1, -first.toordinal(), members[0])
        return (2, 0, members[0])

    order = sorted((m for m in groups.values() if m), key=most_bound)
    place = -1
    while place + 1 < len(order):  # 2. the cities: the most bound first, then by priority
        place += 1
        members = order[place]
        last = latest(members)
        if last is not None:
            fits_before = [d for d in days if d <= last and left[d] >= len(members)]
            if not fits_before:  # 3. the visits with a deadline go alone, before it
                for n in sorted((n for n in members if deadlines[n] is not None), key=lambda n: (deadlines[n], n)):
                    open_days = [d for d in days if left[d] > 0]
                    before = [d for d in open_days if d <= deadlines[n]]
                    put(([d for d in before if allowed(n, d)] or before or open_days)[0], [n])
                members = [n for n in members if deadlines[n] is None]
                if members:  # the rest of the city is bound by no deadline now: it waits its turn
                    key = most_bound(members)
                    later_on = range(place + 1, len(order))
                    order.insert(next((i for i in later_on if most_bound(order[i]) > key), len(order)), members)
                    continue
        while members:
            n = len(members)
            open_days = [d for d in days if left[d] > 0]
            empty = [d for d in open_days if not content[d] and left[d] == capacity >= n
                     and all(allowed(m, d) for m in members)]
            fits = [d for d in open_days if left[d] >= n and all(allowed(m, d) for m in members)]
            if empty and len(order) - place <= len(empty):
                day = empty[0]
            elif fits:
                day = fits[0]
            else:  # split: the emptiest day that some of them may go on
                ok = [d for d in open_days if any(allowed(m, d) for m in members)]
                day = max(ok or open_days, key=lambda d: (left[d], -d.toordinal()))
                fitting = [m for m in members if allowed(m, day)] if ok else members
                take = fitting[: left[day]]
                members = [m for m in members if m not in take]
                put(day, take)
                continue
            take, members = members[: left[day]], members[left[day]:]
            put(day, take)
    placed: list[dt.date] = [days[0]] * len(keys) if days else []
    for d, members in content.items():
        for n in members:
            placed[n] = d
    return placed


def area_days(
    chosen: Sequence[Due],
    rest: Sequence[Due],
    days: Sequence[dt.date],
    room: Mapping[dt.date, int],
    route: RouteConfig,
    booked: Iterable[Booked] = (),
) -> list[tuple[Due, dt.date]]:
    """The week's visits by area (docs/routes.md), as (visit, day) in the order they were placed.

    ``chosen`` are the week's visits by priority, ``rest`` the due visits after them. Each day
    has an area: its anchor is the first visit placed on it (or a visit already kept there).

    1. The chosen visits are placed one after another, those with a deadline in the week first
       (the soonest first), then by priority: each goes on the earliest day it may go on whose
       anchor lies within ``route.radius_km`` of it and whose hours still hold it (the drive and
       the visit, ``route.day``); else on the earliest empty day, as its anchor, when the day's
       hours hold the drive from the start to it and the visit. A visit with a deadline that
       neither finds goes on the earliest day before its deadline whose hours still hold it,
       whatever its area (the deadline beats the area, never the hours); any other waits for a
       later week, as does a visit too far to reach and make within a day.
    2. A day with room left then takes the most urgent of the other due visits that lie within
       the radius of its anchor and fit its hours, before the planner looks further.
    3. A day still empty gets the most urgent other due visit that fits a day alone as its
       anchor, and is filled as in 2.

    Visits without a place share a day only with those of the same town (no other visit is
    known to be near them); they count their visit minutes only."""
    days = sorted(days)
    left = {d: room.get(d, 0) for d in days}
    anchor: dict[dt.date, tuple[Place | None, object]] = {}  # a day's area: its first visit's place and town
    stops: dict[dt.date, list[Place]] = {d: [] for d in days}  # the located visits, in a short order
    counts: dict[dt.date, int] = {d: 0 for d in days}  # every visit of the day, located or not
    for b in booked:
        if b.kind != "visit" or b.status == "skipped" or b.day not in left:
            continue
        anchor.setdefault(b.day, (b.place, _city_key_of(b.city, ("kept", b.customer_id))))
        if b.place is not None:
            stops[b.day] = insert(route.start, stops[b.day], b.place)[0]
        counts[b.day] += 1
    laid: list[tuple[Due, dt.date]] = []
    placed: set[int] = set()

    def deadline(e: Due) -> dt.date | None:  # a deadline after the week's last day does not limit the week
        return e.deadline if e.deadline is not None and e.deadline < days[-1] else None

    def allowed(e: Due, d: dt.date) -> bool:
        last = deadline(e)
        return e.due_on <= d and (last is None or d <= last)

    def near(e: Due, d: dt.date) -> bool:
        place, key = anchor[d]
        c = e.customer
        if place is None or c.place is None:
            return place is None and c.place is None and key == _city_key(c)
        if abs(place[0] - c.place[0]) * KM_PER_DEGREE > route.radius_km:  # farther north or south: no need to
            return False                                                  # measure the great circle
        return km(place, c.place) <= route.radius_km

    def fits(e: Due, d: dt.date) -> list[Place] | None:
        """The day's located stops with ``e`` among them, when the day's hours still hold it."""
        if left[d] <= 0:
            return None
        order = stops[d]
        if e.customer.place is not None:
            order = insert(route.start, stops[d], e.customer.place)[0]
        return order if day_minutes(route, order, counts[d] + 1) <= route.day_minutes + 1e-6 else None

    def put(e: Due, d: dt.date, order: list[Place]) -> None:
        anchor.setdefault(d, (e.customer.place, _city_key(e.customer)))
        stops[d] = order
        left[d] -= 1
        counts[d] += 1
        laid.append((e, d))
        placed.add(e.customer.id)

    def place_in_area(e: Due) -> bool:
        for wanted in (True, False):  # a day of its area first, then an empty day of its own
            for d in days:
                if (d in anchor) == wanted and allowed(e, d) and (not wanted or near(e, d)):
                    order = fits(e, d)
                    if order is not None:
                        put(e, d, order)
                        return True
        return False

    for e in sorted(chosen, key=lambda e: (deadline(e) is None, deadline(e) or dt.date.max)):  # stable: by priority
        if place_in_area(e) or deadline(e) is None:
            continue
        # 1. the deadline beats the area (not the hours): the earliest day before it that holds it
        fitting = [(d, order) for d in days if (order := fits(e, d)) is not None]
        if fitting:
            d, order = next(((d, o) for d, o in fitting if allowed(e, d)), None) or next(
                ((d, o) for d, o in fitting if d <= deadline(e)), fitting[0])
            put(e, d, order)
    # 2. and 3.: the other due visits fill each day's area. Thousands of them are looked at for
    # each day, so allowed() and near() are written out here, the cheapest test first; once a day's
    # anchor has a place, only the visits within the radius north or south of it can be near
    # (found by latitude, then taken in priority order as before)
    radius = route.radius_km
    others = [(e, e.customer.id, e.due_on, deadline(e), e.customer.place) for e in rest if e.customer.id not in placed]
    by_latitude = sorted((place[0], n) for n, (*_, place) in enumerate(others) if place is not None)
    latitudes = [lat for lat, _ in by_latitude]
    band = radius / KM_PER_DEGREE * (1 + 1e-9) + 1e-9  # a hair wider: the test below decides

    def within_band(lat: float, first: int) -> list[int]:
        """The located others from position ``first`` on whose latitude is within the radius of ``lat``."""
        low, high = bisect_left(latitudes, lat - band), bisect_right(latitudes, lat + band)
        return sorted(n for _, n in by_latitude[low:high] if n >= first)

    def full(d: dt.date) -> bool:
        """True when the day's hours cannot hold one more visit anywhere: a visit adds its minutes, and
        putting a stop into a path never makes it shorter (the triangle inequality), so when the stops as
        they are with one more visit's minutes are over the day, every fits() says no (a margin above
        rounding)."""
        return day_minutes(route, stops[d], counts[d] + 1) > route.day_minutes + 1e-3

    for d in days:
        area = anchor.get(d)
        n = 0
        while area is None and n < len(others) and left[d] > 0:  # no anchor yet: the first visit that fits is it
            e, cid, due_on, last, place = others[n]
            n += 1
            if cid in placed or due_on > d or (last is not None and d > last):
                continue  # placed already, or not allowed on d
            order = fits(e, d)
            if order is not None:
                put(e, d, order)
                area = anchor[d]
        if area is None:
            continue
        here = area[0]
        for m in within_band(here[0], n) if here is not None else range(n, len(others)):
            if left[d] <= 0 or full(d):
                break
            e, cid, due_on, last, place = others[m]
            if cid in placed or due_on > d or (last is not None and d > last):
                continue
            if here is None or place is None:  # near(e, d)
                if not (here is None and place is None and area[1] == _city_key(e.customer)):
                    continue
            elif abs(here[0] - place[0]) * KM_PER_DEGREE > radius or km(here, place) > radius:
                continue
            order = fits(e, d)
            if order is not None:
                put(e, d, order)
    # the hours were checked on the order visits were inserted in; the day is driven in its best
    # order (and back home): should that come out longer, its least urgent new visit waits
    for d in days:
        while True:
            best = [stops[d][i] for i in routes_order(route.start, stops[d])]
            if day_minutes(route, best, counts[d]) <= route.day_minutes + 1e-6:
                break
            last = next((n for n in range(len(laid) - 1, -1, -1) if laid[n][1] == d), None)
            if last is None:
                break
            e, _ = laid.pop(last)
            counts[d] -= 1
            if e.customer.place is not None:
                stops[d].remove(e.customer.place)
    return laid


#: Kilometres per degree of latitude: two places further apart in latitude than radius / this are
#: further apart than the radius.
KM_PER_DEGREE = 111.19


def _city_key_of(city: str | None, alone: object) -> object:
    return city.strip().casefold() if city and city.strip() else ("no city", alone)


def _proposal(entry: Due, day: dt.date) -> Proposal:
    return Proposal(entry.customer.id, day, entry.kind, entry.reason, entry.priority, entry.customer.city)


def plan_week(
    customers: Iterable[Customer],
    config: PlanConfig,
    monday: dt.date,
    today: dt.date,
    booked: Iterable[Booked] = (),
) -> list[Proposal]:
    """The proposals for the week of ``monday`` as seen on ``today``: only days
    from today on are filled, never a public holiday or a day off; customers due by the
    week's last working day count."""
    days = [d for d in plan_days(monday, config) if d >= today]
    if not days:
        return []
    on = max(today, monday)
    return fill_week(due_list(customers, config, on, until=days[-1]), days, config, booked)


# --- does the policy fit? -------------------------------------------------------------


@dataclass(frozen=True)
class Feasibility:
    """Contacts per week the policies need against the capacity."""

    needed: Mapping[str, float]
    capacity: Mapping[str, int]
    once_backlog: Mapping[str, int]
    advice: tuple[str, ...] = field(default=())
    per_day: Mapping[str, int] = field(default_factory=dict)  # capacity a working day
    changes: tuple[tuple[str, str], ...] = ()  # the settings the advice names, as (key, value)

    def fits(self, kind: str) -> bool:
        return math.ceil(self.needed[kind] - 1e-9) <= self.capacity[kind]

    def backlog_weeks(self, kind: str) -> float | None:
        """Weeks of the whole week's capacity the one-off backlog takes (None: no capacity)."""
        if not self.capacity[kind]:
            return None
        return self.once_backlog[kind] / self.capacity[kind]

    @property
    def text(self) -> str:
        """'Policy needs 23 visits a week (capacity 20) and 40 calls (capacity 50) …'; a
        backlog of assessments longer than BACKLOG_FITS_WEEKS is stated in weeks
        ('4372 customers to assess: 87 weeks of calls at 10 a day') and never fits."""
        visit, call = (math.ceil(self.needed[k] - 1e-9) for k in KINDS)
        line = _("Policy needs {visits} visits a week (capacity {visit_capacity}) "
                 "and {calls} calls (capacity {call_capacity})").format(
            visits=visit, visit_capacity=self.capacity["visit"], calls=call, call_capacity=self.capacity["call"])
        short, long = [], []
        for kind, n in self.once_backlog.items():
            if not n:
                continue
            weeks = self.backlog_weeks(kind)
            if weeks is not None and weeks <= BACKLOG_FITS_WEEKS:
                short.append((_("{count} visits to assess") if kind == "visit"
                              else _("{count} calls to assess")).format(count=n))
                continue
            who = ngettext("1 customer", "{count} customers", n).format(count=n)
            if weeks is None:
                long.append((_("{who} to assess, and no visits in the week (setting capacity.visits_per_day)")
                             if kind == "visit" else
                             _("{who} to assess, and no calls in the week (setting capacity.calls_per_day)")
                             ).format(who=who))
            else:
                per_day = self.per_day.get(kind) or round(self.capacity[kind] / 5)
                long.append((_("{who} to assess: {weeks} weeks of visits at {per_day} a day") if kind == "visit"
                             else _("{who} to assess: {weeks} weeks of calls at {per_day} a day")
                             ).format(who=who, weeks=max(1, round(weeks)), per_day=per_day))
        if short:
            line += _(", plus ") + _(" and ").join(short)
        if long:
            line += ". " + "; ".join(long) + _(
                " — more than a month of assessing: import their budgets (segtui import customers) "
                "or assess the biggest first"
            )
        if self.advice:
            return line + ". " + " ".join(self.advice)
        return line + "." if long else line + _(": it fits.")


#: An assessment backlog longer than this many weeks of capacity does not "fit".
BACKLOG_FITS_WEEKS = 4


def feasibility(customers: Iterable[Customer], config: PlanConfig, on: dt.date | None = None) -> Feasibility:
    """Visits and calls a week the policies need (7 ÷ interval per customer; a slipping
    customer whose segment weighs less than ``weight.win_back``: 7 ÷ the win-back's interval),
    the one-off backlog ('once' policies: customers not yet assessed), and what to change when
    the need is above capacity."""
    needed = {k: 0.0 for k in KINDS}
    backlog = {k: 0 for k in KINDS}
    by_segment: dict[tuple[str, Quadrant], float] = defaultdict(float)
    counts: dict[tuple[str, Quadrant], tuple[int, int]] = defaultdict(lambda: (0, 0))  # (regular, upgrade)
    back = config.win_back
    for c in customers:
        policy = config.policies[c.quadrant]
        if (c.slip is not None and c.slip.at_risk > 0 and back.kind is not None and back.every
                and (policy.kind is None or config.weights[c.quadrant] < config.win_back_weight)):
            needed[back.kind] += 7 / back.every  # its win-back contact comes before its segment's
            continue
        if policy.kind is None:
            continue
        if policy.once:
            if c.assessed is None:  # waiting for a call or for its estimate
                backlog[policy.kind] += 1
            continue
        rate = 7 / interval(c, config)
        needed[policy.kind] += rate
        by_segment[policy.kind, c.quadrant] += rate
        plain, upgrade = counts[policy.kind, c.quadrant]
        counts[policy.kind, c.quadrant] = (plain, upgrade + 1) if c.upgrade_candidate else (plain + 1, upgrade)
    capacity = {k: config.per_week(k) for k in KINDS}
    advice, changes = [], []
    for kind in KINDS:
        need = math.ceil(needed[kind] - 1e-9)
        if need <= capacity[kind]:
            continue
        biggest = max((q for (k, q) in by_segment if k == kind), key=lambda q: by_segment[kind, q])
        members = counts[kind, biggest]
        policy = config.policies[biggest]
        label = biggest.label
        seg_need = math.ceil(by_segment[kind, biggest] - 1e-9)
        count = sum(members)
        if kind == "visit":
            text = ngettext("Too many visits: you can make {capacity} visits a week for your {count} {segment} "
                            "customer; visits every {every} days need {need} a week",
                            "Too many visits: you can make {capacity} visits a week for your {count} {segment} "
                            "customers; visits every {every} days need {need} a week", count)
        else:
            text = ngettext("Too many calls: you can make {capacity} calls a week for your {count} {segment} "
                            "customer; calls every {every} days need {need} a week",
                            "Too many calls: you can make {capacity} calls a week for your {count} {segment} "
                            "customers; calls every {every} days need {need} a week", count)
        text = text.format(capacity=capacity[kind], count=count, segment=label, every=policy.every, need=seg_need)
        options = []
        days = len(config.working_days)
        key = f"capacity.{kind}s_per_day"
        per_day = math.ceil(need / days) if days else None
        if per_day is not None and per_day <= min(ADVICE_MAX_PER_DAY_FACTOR * config.per_day(kind), _top(key)):
            options.append((_("raise visits per day to {count} (setting {key})") if kind == "visit"
                            else _("raise calls per day to {count} (setting {key})")).format(count=per_day, key=key))
            changes.append((key, str(per_day)))
        longer = _interval_that_fits(members, capacity[kind] - (needed[kind] - by_segment[kind, biggest]))
        if longer is not None and longer > policy.every:
            options.append((_("visit {segment} every {days} days instead of {every} (setting {key}; upgrade "
                              "candidates go twice as often)") if kind == "visit" else
                            _("call {segment} every {days} days instead of {every} (setting {key}; upgrade "
                              "candidates go twice as often)")).format(
                segment=label, days=longer, every=policy.every, key=f"policy.{biggest.value}"))
            changes.append((f"policy.{biggest.value}", f"{kind}:{longer}"))
        if not options:
            options.append(_("no interval up to {days} days fits: see the most valuable first "
                             "and let the rest wait, or share the segment with a colleague").format(days=MAX_INTERVAL))
        advice.append(text + ". " + options[0][0].upper() + options[0][1:]
                      + "".join(_(", or {option}").format(option=o) for o in options[1:]) + ".")
    return Feasibility(needed, capacity, backlog, tuple(advice), {k: config.per_day(k) for k in KINDS},
                       tuple(changes))


#: The longest interval a policy takes (settings: 1–730 days).
MAX_INTERVAL = 730
#: Advice never says to raise a day's capacity beyond this many times what it is: more is no plan a
#: rep can keep ("raise visits per day to 190" helps nobody).
ADVICE_MAX_PER_DAY_FACTOR = 2


def _top(key: str) -> int:
    """The highest day's capacity setting ``key`` accepts (asked of its validator, so the
    advice follows the settings registry)."""
    for n in (1000, 500, 200, 100, 50, 20, 10, 5):
        try:
            validate(key, str(n))
            return n
        except SettingError:
            continue
    return 1


def _interval_that_fits(members: tuple[int, int], room: float) -> int | None:
    """The shortest interval (days, at most MAX_INTERVAL) at which ``members`` — (regular,
    upgrade candidates) customers of one segment — need no more than ``room`` contacts a
    week (upgrade candidates at half the interval, rounded down); None when none does."""
    plain, upgrade = members

    def rate(every: int) -> float:
        return 7 * plain / every + 7 * upgrade / max(1, every // 2)

    if room <= 0 or rate(MAX_INTERVAL) > room + 1e-9:
        return None
    low, high = 1, MAX_INTERVAL
    while low < high:
        mid = (low + high) // 2
        if rate(mid) <= room + 1e-9:
            high = mid
        else:
            low = mid + 1
    return low



# --- follow-up ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SegmentFollowUp:
    quadrant: Quadrant
    within: int  # contacted within their interval
    total: int


@dataclass(frozen=True)
class FollowUp:
    planned: int  # items in the week, whatever their status
    done: int
    skipped: int
    segments: tuple[SegmentFollowUp, ...]

    @property
    def text(self) -> str:
        return _("Done {done} of {planned} planned").format(done=self.done, planned=self.planned) + (
            _(" · {count} skipped").format(count=self.skipped) if self.skipped else "")


def within_interval(customer: Customer, config: PlanConfig, on: dt.date) -> bool | None:
    """True when the customer was contacted within its interval (None: no policy)."""
    policy = config.policies[customer.quadrant]
    if policy.kind is None:
        return None
    if policy.once:  # assessed: the rep's own estimate is in (a call alone does not count)
        return customer.assessed is not None
    if customer.last_contact is None:
        return False
    return 0 <= (on - customer.last_contact).days <= interval(customer, config)


def follow_up(customers: Iterable[Customer], config: PlanConfig, on: dt.date, statuses: Iterable[str]) -> FollowUp:
    """Planned vs done for the week's items, and per segment with a policy how
    many customers were contacted within their interval."""
    statuses = list(statuses)
    counts: dict[Quadrant, list[int]] = {}
    for c in customers:
        seen = within_interval(c, config, on)
        if seen is None:
            continue
        tally = counts.setdefault(c.quadrant, [0, 0])
        tally[0] += seen
        tally[1] += 1
    segments = tuple(SegmentFollowUp(q, *counts[q]) for q in Quadrant if q in counts)
    return FollowUp(len(statuses), statuses.count("done"), statuses.count("skipped"), segments)
