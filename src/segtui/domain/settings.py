"""Every threshold and policy of the book, with its default and how to validate it.

Settings live in the book itself (so the file is self-contained); this module
only knows their names, defaults and valid values. Values are stored as text.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Callable

from segtui.i18n import N_, _

QUADRANTS = ("cash_cows", "big_game", "small_fry", "uninteresting")
SEGMENTS = QUADRANTS + ("needs_assessment",)
CLASSES = ("A", "B", "C", "D")


class SettingError(ValueError):
    """A setting that does not exist or a value it cannot take."""


def _money(text: str) -> str:
    """A threshold in whole major units, read by the one money parser (docs/amounts.md):
    '2000000', '2 000 000', '2,000,000', '2 000 000 kr'."""
    from segtui.domain.money import MoneyError, parse_money

    try:
        value = parse_money(text, typed=True)
    except MoneyError as error:
        if error.why is None:
            raise SettingError(_("{text} is not a whole amount (major units, e.g. 2000000)").format(
                text=repr(text))) from None
        raise SettingError(_("{text} is not a whole amount ({why})").format(
            text=repr(text), why=error.why.said())) from None
    if value < 0:
        raise SettingError(_("an amount cannot be negative"))
    if value != value.to_integral_value():
        raise SettingError(_("{text} is not a whole amount (major units, e.g. 2000000)").format(text=repr(text)))
    return str(int(value))


def _count(low: int, high: int) -> Callable[[str], str]:
    def check(text: str) -> str:
        try:
            value = int(text)
        except ValueError:
            raise SettingError(_("{text} is not a whole number").format(text=repr(text))) from None
        if not low <= value <= high:
            raise SettingError(_("must be between {low} and {high}").format(low=low, high=high))
        return str(value)

    return check


def parse_share(text: str, what: str = N_("a share")) -> float:
    """A share 0–1 as people type it: '60%', '60 %', '0.6', '0,6' or '60'
    (above 1 is read as a percentage). The one reading of shares: settings and
    the loyalty override both use it."""
    raw = (text or "").strip().replace(",", ".").replace(" ", "")
    what = _(what)
    percent = raw.endswith("%")
    raw = raw.rstrip("%")
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(_("{text} is not a share — type 0.6 or 60%").format(text=repr((text or "").strip()))) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise SettingError(_("{text} is not a share — type 0.6 or 60%").format(text=repr(text.strip())))
    if value < 0:
        raise SettingError(_("{what} cannot be negative (0–100 %)").format(what=what))
    if percent or value > 1:
        value = value / 100
    if value > 1:
        raise SettingError(_("{what} cannot be above 100 %").format(what=what))
    return value


def _positive(text: str) -> str:
    """A number above 0 ('2', '1.5', '1,5')."""
    try:
        value = float(text.strip().replace(",", "."))
    except ValueError:
        raise SettingError(_("{text} is not a number").format(text=repr(text.strip()))) from None
    if not value > 0 or value == float("inf"):
        raise SettingError(_("must be a number above 0"))
    return f"{value:g}"


def _share(text: str) -> str:
    return f"{parse_share(text):g}"


def _quantile(text: str) -> str:
    value = parse_share(text, N_("a quantile"))
    if value <= 0:
        raise SettingError(_("a quantile must be above 0 (e.g. 0.8)"))
    return f"{value:g}"


def _currency(text: str) -> str:
    """An ISO 4217 code: three letters A–Z ('sek' is SEK) that name a currency ('ABC' does not)."""
    from segtui.domain.money import is_currency

    value = text.strip().upper()
    if len(value) != 3 or not all("A" <= ch <= "Z" for ch in value) or not is_currency(value):
        raise SettingError(_("{text} is not a currency code: use three letters like SEK or EUR").format(text=repr(text)))
    return value


def _day_or_today(text: str) -> str:
    """A day YYYY-MM-DD, or empty (or 'today'): today, whatever day that is."""
    value = text.strip()
    if value.lower() in ("", "today"):
        return ""
    import datetime as dt

    try:
        day = dt.date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        day = None
    if day is None or not 1900 <= day.year <= 2200:
        raise SettingError(_("{text} is not a day: type YYYY-MM-DD, or nothing (today)").format(text=repr(text)))
    return day.isoformat()


def _choice(*choices: str) -> Callable[[str], str]:
    def check(text: str) -> str:
        value = text.strip().lower()
        if value not in choices:
            raise SettingError(_("{text} is not one of: {choices}").format(text=repr(text), choices=", ".join(choices)))
        return value

    return check


def _classes(text: str) -> str:
    parts = [p.strip().upper() for p in text.split(",") if p.strip()]
    if not parts or any(p not in CLASSES for p in parts):
        raise SettingError(_("{text} is not a comma-separated list of classes from A, B, C, D").format(text=repr(text)))
    return ",".join(sorted(set(parts)))


WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _weekdays(text: str) -> str:
    parts = [p.strip().lower()[:3] for p in text.split(",") if p.strip()]
    if not parts or any(p not in WEEKDAYS for p in parts):
        raise SettingError(_("{text} is not a comma-separated list of days from {days}").format(
            text=repr(text), days=", ".join(WEEKDAYS)))
    return ",".join(d for d in WEEKDAYS if d in parts)


def _route_start(text: str) -> str:
    """A town or ``lat,lon``: coordinates are checked here, a town when the planner looks it up."""
    from segtui.domain.routes import parse_coordinates

    value = " ".join(text.split())
    try:
        place = parse_coordinates(value)
    except ValueError as error:
        raise SettingError(str(error)) from None
    return f"{place[0]:g},{place[1]:g}" if place else value


def _working_hours(text: str) -> str:
    from segtui.domain.routes import parse_day

    try:
        start, end = parse_day(text)
    except ValueError as error:
        raise SettingError(str(error)) from None
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


KINDS = ("visit", "call")


@dataclass(frozen=True)
class Policy:
    """How often a segment is to be contacted: ``kind`` visit/call (None: never),
    ``every`` days, or ``once``."""

    kind: str | None = None
    every: int | None = None
    once: bool = False

    @property
    def text(self) -> str:
        if self.kind is None:
            return "none"
        return f"{self.kind} once" if self.once else f"{self.kind} every {self.every} days"

    @property
    def setting(self) -> str:
        """As stored in the book: 'visit:14', 'call:once', 'none'."""
        if self.kind is None:
            return "none"
        return f"{self.kind}:once" if self.once else f"{self.kind}:{self.every}"


def parse_policy(text: str) -> Policy:
    """A contact policy: 'visit:14', 'call:91', 'call:once' or 'none' (empty: none).
    The one reading of policies: settings and the planner both use it."""
    value = (text or "").strip().lower().replace(" ", "")
    if value in ("", "none"):
        return Policy()
    kind, _sep, every = value.partition(":")
    if kind not in KINDS:
        raise SettingError(_("{text} is not a policy: use visit:DAYS, call:DAYS, call:once or none").format(
            text=repr(text)))
    if every == "once":
        return Policy(kind, None, True)
    try:
        days = int(every)
    except ValueError:
        raise SettingError(_("{text} is not a policy: use visit:DAYS, call:DAYS, call:once or none").format(
            text=repr(text))) from None
    if not 1 <= days <= 730:
        raise SettingError(_("the interval must be between 1 and 730 days"))
    return Policy(kind, days)


def _policy(text: str) -> str:
    if not text.strip():
        raise SettingError(_("empty is not a policy: use visit:DAYS, call:DAYS, call:once or none"))
    return parse_policy(text).setting


def _win_back_policy(text: str) -> str:
    value = _policy(text)
    if value.endswith(":once"):
        raise SettingError(_("a win-back comes again while the customer slips: use call:DAYS, visit:DAYS or none"))
    return value


def _team_url(text: str) -> str:
    """A PostgreSQL connection URL or empty; never one holding a password (the
    password belongs in ~/.pgpass or PGPASSWORD, not in the book)."""
    value = text.strip()
    if not value:
        return ""
    if not value.startswith(("postgresql://", "postgres://")) and "=" not in value:
        raise SettingError(_("{text} is not a team book address: use postgresql://USER@HOST/DB").format(text=repr(value)))
    head = value.split("://", 1)[-1].split("@", 1)
    if "password=" in value.lower() or (len(head) == 2 and ":" in head[0]):
        raise SettingError(_("the address must not hold a password: put it in ~/.pgpass or PGPASSWORD"))
    return value


def _country(text: str) -> str:
    """A country the holidays package knows (two letters, 'se' is SE), or empty: no public holidays."""
    from segtui.domain.days_off import supported_countries

    value = text.strip().upper()
    if value in ("", "NONE"):
        return ""
    if value not in supported_countries():
        raise SettingError(_("{text} is not a country code the holiday calendar knows: use two letters like SE, "
                             "NO, DK, FI, DE, GB (empty: no public holidays)").format(text=repr(text.strip())))
    return value


def _days_off(text: str) -> str:
    from segtui.domain.days_off import DaysOffError, format_days_off, parse_days_off

    try:
        return format_days_off(parse_days_off(text))
    except DaysOffError as error:
        raise SettingError(str(error)) from None


def _language(text: str) -> str:
    """A language with a catalog ('sv', 'en'; 'sv_SE' is sv), or empty: the environment's (LANG)."""
    from segtui.i18n import available

    value = text.strip().lower().replace("-", "_").split("_")[0]
    if value in ("", "auto"):
        return ""
    if value not in available():
        raise SettingError(_("{text} is not a language segtui speaks: use {languages} (empty: the language of the "
                             "environment, LANG)").format(text=repr(text.strip()), languages=", ".join(available())))
    return value


@dataclass(frozen=True)
class Setting:
    key: str
    default: str
    check: Callable[[str], str]
    help: str


_ALL = [
    Setting("abc.mode", "fixed", _choice("fixed", "pareto"),
            N_("revenue classes by fixed thresholds or by Pareto share (80/95 %)")),
    Setting("abc.a_above", "2000000", _money, N_("class A: revenue in the window above this (major units)")),
    Setting("abc.b_from", "1000000", _money, N_("class B: revenue in the window from this (major units)")),
    Setting("abc.pareto_a", "0.8", _share, N_("Pareto mode: class A until this share of cumulative revenue")),
    Setting("abc.pareto_b", "0.95", _share, N_("Pareto mode: class B until this share of cumulative revenue")),
    Setting("window.months", "24", _count(12, 120), N_("the rolling revenue window in months (12–120)")),
    Setting("loyalty.high_from", "0.5", _share, N_("high loyalty from this share of wallet")),
    Setting("loyalty.exclusive_from", "0.75", _share, N_("exclusive customers need at least this loyalty when known")),
    Setting("potential.high_classes", "A,B", _classes, N_("potential classes that count as high potential")),
    Setting("potential.estimate", "peers", _choice("peers", "off"),
            N_("a customer without an entered or imported budget gets one estimated from its peers (peers, off)")),
    Setting("potential.quantile", "0.8", _quantile,
            N_("the estimate: this quantile of the peers' yearly spend (0.8 = 80th percentile)")),
    Setting("potential.min_peers", "20", _count(1, 100000),
            N_("the estimate widens the peer group until it holds at least this many customers")),
    Setting("xyz.x_from", "24", _count(1, 100000), N_("X: at least this many orders in the window")),
    Setting("xyz.y_from", "8", _count(1, 100000), N_("Y: at least this many orders in the window (below X)")),
    Setting("group.exclusive_months", "9", _count(1, 12), N_("exclusive: an order in at least this many of the last 12 months")),
    Setting("trend.decline_from", "0.3", _share,
            N_("declining: the last 12 months' revenue fell by more than this share of the 12 months before")),
    Setting("trend.silent_factor", "2", _positive,
            N_("silent: no order for more than this many times the usual gap between orders")),
    Setting("estimate.stale_months", "12", _count(1, 120), N_("an estimate older than this is stale")),
    Setting("policy.big_game", "visit:14", _policy, N_("contact policy for Big game")),
    Setting("policy.cash_cows", "visit:28", _policy, N_("contact policy for Cash cows")),
    Setting("policy.small_fry", "call:91", _policy, N_("contact policy for Small fry")),
    Setting("policy.uninteresting", "none", _policy, N_("contact policy for Uninteresting")),
    Setting("policy.needs_assessment", "call:once", _policy, N_("contact policy for customers that need assessment")),
    Setting("policy.win_back", "call:30", _win_back_policy,
            N_("contact policy for slipping customers (declining, silent, lapsed): call:DAYS, visit:DAYS or none")),
    Setting("weight.big_game", "4", _count(0, 100), N_("planning weight of Big game")),
    Setting("weight.cash_cows", "4", _count(0, 100), N_("planning weight of Cash cows")),
    Setting("weight.needs_assessment", "2", _count(0, 100), N_("planning weight of customers that need assessment")),
    Setting("weight.small_fry", "1", _count(0, 100), N_("planning weight of Small fry")),
    Setting("weight.uninteresting", "0", _count(0, 100), N_("planning weight of Uninteresting")),
    Setting("weight.win_back", "3", _count(0, 100), N_("planning weight of a win-back contact (policy.win_back)")),
    Setting("contract.warn_days", "90", _count(0, 730), N_("a competitor contract ending within this many days is urgent")),
    Setting("capacity.visits_per_day", "4", _count(0, 50), N_("visits per working day")),
    Setting("capacity.calls_per_day", "10", _count(0, 200), N_("calls per working day")),
    Setting("capacity.working_days", "mon,tue,wed,thu,fri", _weekdays, N_("working days of the week")),
    Setting("plan.owner", "", lambda t: " ".join(t.split()),
            N_("plan only this rep's customers (the customer's owner; empty: everyone's)")),
    Setting("calendar.country", "SE", _country,
            N_("public holidays of this country are never planned (SE, NO, DK, FI, …; empty: none)")),
    Setting("calendar.days_off", "", _days_off,
            N_("your own days off, never planned: days and ranges like 2026-12-28..2027-01-03, 2027-02-15")),
    Setting("route.start", "", _route_start,
            N_("where your days start: a town, a postcode and town, or lat,lon (empty: the day's first visit)")),
    Setting("route.radius_km", "50", _positive, N_("a day's visits lie within this many km of its most urgent visit")),
    Setting("route.day", "08:00-17:00", _working_hours, N_("working hours: the drive and the visits fit in them")),
    Setting("route.visit_minutes", "60", _count(5, 600), N_("minutes a visit takes")),
    Setting("route.speed_kmh", "70", _count(10, 200),
            N_("average driving speed (km/h) on the road distance (the straight distance × 1.3)")),
    Setting("team.url", "", _team_url, N_("the team book's address (postgresql://USER@HOST/DB; password in ~/.pgpass)")),
    Setting("currency", "SEK", _currency, N_("the book's currency (three letters, e.g. SEK, EUR)")),
    Setting("ui.language", "", _language,
            N_("the language of the app and the command line's tables: sv, en (empty: LANG's); read at start")),
    Setting("view.as_of", "", _day_or_today,
            N_("the app shows the book as of this day (YYYY-MM-DD; empty: today); d on the board changes it")),
]

REGISTRY: dict[str, Setting] = {s.key: s for s in _ALL}
DEFAULTS: dict[str, str] = {s.key: s.default for s in _ALL}


def validate(key: str, value: str) -> str:
    """The normalised value for ``key``, or SettingError naming the valid choices."""
    setting = REGISTRY.get(key)
    if setting is None:
        raise SettingError(f"unknown setting {key!r}; valid keys: {', '.join(sorted(REGISTRY))}")
    try:
        return setting.check(str(value))
    except SettingError as error:
        raise SettingError(f"{key}: {error} ({_(setting.help)})") from None


@functools.lru_cache(maxsize=512)
def usable(key: str, value: str) -> bool:
    """Whether a value found stored in a book for ``key`` can be used (else its default is): what
    :func:`validate` accepts. The country is only checked for its shape here (two letters, or empty),
    so reading a book's settings never loads the holiday calendars; a setting that is not ours is usable."""
    setting = REGISTRY.get(key)
    if setting is None or value == setting.default:
        return True
    if key == "country":
        return value.strip().upper() in ("", "NONE") or (len(value.strip()) == 2 and value.strip().isalpha())
    try:
        setting.check(str(value))
    except (SettingError, ValueError):
        return False
    return True


def validate_all(values: dict[str, str]) -> None:
    """Cross-checks between settings (called after a change)."""
    if int(values["abc.b_from"]) > int(values["abc.a_above"]):
        raise SettingError(_("{low} must not be above {high}").format(low="abc.b_from", high="abc.a_above"))
    if int(values["xyz.y_from"]) > int(values["xyz.x_from"]):
        raise SettingError(_("{low} must not be above {high}").format(low="xyz.y_from", high="xyz.x_from"))
    if float(values["abc.pareto_a"]) > float(values["abc.pareto_b"]):
        raise SettingError(_("{low} must not be above {high}").format(low="abc.pareto_a", high="abc.pareto_b"))


# Sections of the settings list (CLI and Settings screen), by key prefix.
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (N_("Classes"), ("abc.", "window.", "potential.")),
    (N_("Loyalty"), ("loyalty.", "estimate.")),
    (N_("Frequency"), ("xyz.",)),
    (N_("Groups"), ("group.", "trend.")),
    (N_("Contact policies"), ("policy.", "weight.", "contract.")),
    (N_("Capacity"), ("capacity.", "calendar.", "plan.")),
    (N_("Routes"), ("route.",)),
)


def sections() -> list[tuple[str, list[str]]]:
    """Every setting key under its section title, in registry order; keys no
    section claims go under "Book"."""
    result: list[tuple[str, list[str]]] = []
    claimed: set[str] = set()
    for title, prefixes in SECTIONS:
        keys = [k for k in REGISTRY if k.startswith(prefixes) and k not in claimed]
        claimed.update(keys)
        if keys:
            result.append((title, keys))
    rest = [k for k in REGISTRY if k not in claimed]
    if rest:
        result.append((N_("Book"), rest))
    return result
