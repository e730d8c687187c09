"""A deterministic generator of a believable demo book.

Nordic wholesale customers with contacts, three years of orders with credit
notes, assessments with budget history, checklist answers, activities and
competitor contracts. Customers are drawn from profiles chosen so that the
default book populates every quadrant, the needs-assessment tray, every
revenue class, every order frequency and every customer group relative to the
day it is generated.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pendulum

from segtui import clock
from segtui.domain.checklist import QUESTION_KEYS
from segtui.i18n import Phrase
from segtui.store.book import Book, open_book

CITIES = [
    ("Stockholm", "111 20"), ("Göteborg", "411 04"), ("Malmö", "211 20"), ("Uppsala", "753 20"),
    ("Västerås", "722 12"), ("Örebro", "702 10"), ("Linköping", "582 22"), ("Helsingborg", "252 21"),
    ("Jönköping", "553 18"), ("Norrköping", "602 24"), ("Umeå", "903 26"), ("Luleå", "972 31"),
    ("Oslo", "0150"), ("Bergen", "5003"), ("Trondheim", "7011"), ("København", "1050"),
    ("Aarhus", "8000"), ("Odense", "5000"), ("Helsinki", "00100"), ("Tampere", "33100"),
]
PREFIXES = [
    "Norr", "Sör", "Väst", "Öst", "Fjäll", "Skog", "Sjö", "Berg", "Dal", "Lind", "Ek", "Björk",
    "Gran", "Hav", "Fjord", "Sol", "Nord", "Lyng", "Vik", "Strand", "Å", "Älv", "Mo", "Hed",
]
STEMS = [
    "byggen", "verken", "plast", "mekaniska", "trä", "el", "logistik", "frakt", "kraft", "stål",
    "data", "livs", "bageriet", "måleri", "VVS", "bruk", "kemi", "textil", "möbler", "energi",
]
FAMILY = [
    "Lindqvist", "Johansson", "Andersson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsen",
    "Hansen", "Jensen", "Nieminen", "Virtanen", "Berg", "Holm", "Sandberg", "Lund", "Dahl", "Ström",
]
TRADES = ["Bygg", "El", "Rör", "Transport", "Verktyg", "Maskin", "Trading", "Entreprenad", "Industri"]
FORMS = {"SE": ["AB", "AB", "Handel AB", "& Söner AB"], "NO": ["AS"], "DK": ["A/S", "ApS"], "FI": ["Oy", "Oy Ab"]}
FIRST = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sofia", "Per", "Ingrid",
    "Magnus", "Kristin", "Ole", "Sigrid", "Mikael", "Liisa", "Jukka", "Mette", "Henrik", "Astrid",
]
ROLES = ["Purchasing manager", "CEO", "Site manager", "Buyer", "Logistics lead", "CFO", "Production manager"]
OWNERS = ["Anna Lind", "Erik Berg", "Sara Holm"]
INDUSTRIES = ["Construction", "Manufacturing", "Food", "Retail", "Energy", "Logistics", "Healthcare"]
COMPETITORS = ["Ahlsell", "Würth", "Bufab", "Solar", "Onninen", "Beijer"]
OUTCOMES = ["Interested", "Asked for an offer", "No time", "Ordered", "Follow up later", "Met the buyer"]


def _country(city: str) -> str:
    if city in ("Oslo", "Bergen", "Trondheim"):
        return "NO"
    if city in ("København", "Aarhus", "Odense"):
        return "DK"
    if city in ("Helsinki", "Tampere"):
        return "FI"
    return "SE"


@dataclass(frozen=True)
class Profile:
    """How a kind of customer buys: yearly revenue, orders a year and a pattern."""

    name: str
    yearly: tuple[int, int]  # SEK per year
    per_year: tuple[float, float]
    pattern: str  # steady | monthly | lapsed | gone | oneoff | new | none | credit
    quadrants: tuple[str, ...]  # quadrants this kind of customer can be placed in
    weight: int


PROFILES = [
    Profile("key account", (1_100_000, 4_000_000), (16, 40), "monthly", ("cash_cows", "big_game"), 5),
    Profile("large regular", (1_050_000, 2_500_000), (6, 12), "steady", ("cash_cows", "big_game", "needs_assessment"), 5),
    Profile("mid monthly", (550_000, 950_000), (14, 30), "monthly", ("cash_cows", "small_fry", "big_game"), 6),
    Profile("mid regular", (520_000, 980_000), (5, 10), "steady", ("cash_cows", "big_game", "small_fry", "needs_assessment"), 8),
    Profile("small frequent", (60_000, 480_000), (13, 24), "steady", ("small_fry", "big_game", "uninteresting"), 10),
    Profile("small regular", (40_000, 450_000), (4, 9), "steady", ("small_fry", "uninteresting", "big_game", "needs_assessment"), 18),
    Profile("small rare", (10_000, 200_000), (1, 2.5), "steady", ("uninteresting", "small_fry", "needs_assessment"), 14),
    Profile("new", (50_000, 400_000), (4, 10), "new", ("big_game", "needs_assessment", "small_fry"), 6),
    Profile("one-off", (8_000, 150_000), (1, 1), "oneoff", ("uninteresting", "needs_assessment", "big_game"), 8),
    Profile("lapsed", (30_000, 600_000), (3, 8), "lapsed", ("big_game", "uninteresting", "needs_assessment"), 8),
    Profile("former", (20_000, 400_000), (2, 6), "gone", ("needs_assessment", "uninteresting"), 5),
    Profile("only credit", (5_000, 40_000), (1, 2), "credit", ("needs_assessment",), 2),
    Profile("prospect", (0, 0), (0, 0), "none", ("needs_assessment", "big_game"), 3),
]


class DemoBuilder:
    def __init__(self, today: dt.date, seed: int):
        self.rng = random.Random(seed)
        self.today = pendulum.date(today.year, today.month, today.day)
        self.names: set[str] = set()
        self.order_no = 100000

    # --- people and places -------------------------------------------------------
    def company(self, city: str) -> str:
        rng = self.rng
        country = _country(city)
        if rng.random() < 0.6:
            base = rng.choice(PREFIXES) + rng.choice(STEMS)
        else:
            base = f"{rng.choice(FAMILY)} {rng.choice(TRADES)}"
        name = f"{base} {rng.choice(FORMS[country])}"
        if name in self.names:
            name = f"{base} {city} {rng.choice(FORMS[country])}"
        n = 2
        while name in self.names:
            name = f"{base} {city} {n} {rng.choice(FORMS[country])}"
            n += 1
        self.names.add(name)
        return name

    def phone(self, country: str, mobile: bool) -> str:
        r = self.rng.randint
        if country == "SE":
            return f"07{r(0, 9)}-{r(100, 999)} {r(10, 99)} {r(10, 99)}" if mobile else f"0{r(8, 90)}-{r(100, 999)} {r(10, 99)} {r(10, 99)}"
        if country == "NO":
            return f"+47 {r(400, 999)} {r(10, 99)} {r(100, 999)}"
        if country == "DK":
            return f"+45 {r(20, 99)} {r(10, 99)} {r(10, 99)} {r(10, 99)}"
        return f"+358 {r(40, 50)} {r(100, 999)} {r(1000, 9999)}"

    # --- order history -----------------------------------------------------------
    def day(self, lo: int, hi: int) -> pendulum.Date:
        """A day between ``lo`` and ``hi`` days ago (inclusive)."""
        return self.today.subtract(days=self.rng.randint(min(lo, hi), max(lo, hi)))

    def orders(self, profile: Profile, per_year: float, yearly: int) -> list[tuple[str, int]]:
        """(date, amount in öre) for one customer; credit notes have negative amounts."""
        rng = self.rng
        pattern = profile.pattern
        if pattern == "none":
            return []
        span = {"lapsed": (395, 1090), "gone": (760, 1090), "new": (0, rng.randint(60, 300))}.get(pattern, (0, 1090))
        if pattern == "oneoff":
            days = [rng.randint(3, 300)]
        elif pattern == "credit":
            days = []
        else:
            count = max(1, round(per_year * (span[1] - span[0]) / 365))
            days = [rng.randint(*span) for _ in range(count)]
            if pattern == "monthly":
                # an order in nearly every month of the last year (exclusive customers)
                months = rng.sample(range(12), rng.randint(10, 12))
                for m in months:
                    start = self.today.subtract(months=m + 1)
                    length = (self.today.subtract(months=m) - start).days
                    days.append((self.today - start).days - rng.randint(1, length))
        mean = yearly * 100 / max(per_year, 1)
        result = []
        for ago in sorted(days, reverse=True):
            amount = int(mean * rng.uniform(0.4, 1.6))
            date = self.today.subtract(days=ago)
            result.append((date.isoformat(), max(amount, 10_000)))
            if rng.random() < 0.03 and ago > 5:
                credit = -int(result[-1][1] * rng.choice([0.1, 0.25, 0.5, 1.0]))
                result.append((date.add(days=rng.randint(1, 5)).isoformat(), credit))
        if pattern == "credit":
            for _ in range(rng.randint(1, 2)):
                result.append((self.day(30, 500).isoformat(), -int(yearly * 100 * rng.uniform(0.1, 0.5))))
        return result

    # --- estimates -------------------------------------------------------------
    def budget_for(self, quadrant: str, revenue_12m: int) -> tuple[int | None, float | None]:
        """A yearly budget (öre) and optional loyalty override that place the customer in ``quadrant``."""
        rng = self.rng
        high = 500_000_00  # budget × 2 ≥ 1,000,000 → potential A or B
        r = max(revenue_12m, 0)
        low_ceiling = high - 1_000_00  # the largest budget that still means low potential
        if quadrant == "needs_assessment":
            return None, None
        if quadrant == "small_fry" and r >= low_ceiling * 0.95:
            quadrant = "cash_cows"  # buys too much to have a small potential
        if quadrant == "cash_cows" and r >= high // 2:
            budget = max(high, int(r / rng.uniform(0.55, 0.98)))
        elif quadrant == "small_fry" and 0 < r:
            budget = int(r / rng.uniform(max(0.55, r / low_ceiling), 0.98))
        elif quadrant == "uninteresting" and r < low_ceiling // 2:
            budget = min(low_ceiling, max(int(r / rng.uniform(0.1, 0.45)), rng.randint(50_000, 400_000) * 100))
        else:  # big game is always possible: a large budget we hardly touch
            budget = max(rng.randint(600_000, 3_000_000) * 100, int(r / rng.uniform(0.08, 0.45)))
        budget = budget // 100_000 * 100_000  # people estimate in round thousands
        override = None
        if rng.random() < 0.08 and budget:
            share = r / budget
            override = round(min(0.95, max(0.05, share + rng.uniform(-0.05, 0.05))), 2)
            if (share >= 0.5) != (override >= 0.5):
                override = None
        return max(budget, 100_000), override


def generate(
    out: str | Path,
    customers: int = 300,
    orders: int | None = None,
    seed: int = 1,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Book:
    """Write a demo book to ``out`` (which must not exist yet) and return it open."""
    path = Path(out)
    if path.exists():
        raise FileExistsError(Phrase("{path} exists already; choose a new file name", path=path))
    book = open_book(path)
    build = DemoBuilder(today or clock.today(), seed)
    rng = build.rng
    cycle = [p for p in PROFILES for _ in range(p.weight)]
    profiles = [PROFILES[i % len(PROFILES)] if i < len(PROFILES) * 3 else rng.choice(cycle) for i in range(customers)]
    rates = [rng.uniform(*p.per_year) for p in profiles]
    if orders:
        natural = sum(rate * 3 for rate in rates)
        scale = orders / natural if natural else 1
        rates = [rate * scale if p.pattern not in ("oneoff", "credit", "none") else rate for p, rate in zip(profiles, rates)]
    created = build.today.subtract(years=3).isoformat()
    start12 = build.today.subtract(months=12).isoformat()
    with book.transaction() as conn:
        for index, (profile, rate) in enumerate(zip(profiles, rates), start=1):
            city, postcode = rng.choice(CITIES)
            country = _country(city)
            name = build.company(city)
            conn.execute(
                "INSERT INTO customer (id, source_id, name, org_number, industry, city, postcode, address, owner, created,"
                " country) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    index, f"K{10000 + index}", name,
                    f"556{rng.randint(100, 999)}-{rng.randint(1000, 9999)}" if country == "SE" else None,
                    rng.choice(INDUSTRIES), city, postcode,
                    f"{rng.choice(['Industrivägen', 'Storgatan', 'Hamngatan', 'Verkstadsgatan'])} {rng.randint(1, 80)}",
                    OWNERS[index % len(OWNERS)] if rng.random() < 0.9 else None, created, country,
                ),
            )
            for c in range(rng.choice([1, 1, 2, 2, 3])):
                first, last = rng.choice(FIRST), rng.choice(FAMILY)
                domain = name.split()[0].lower().replace("å", "a").replace("ä", "a").replace("ö", "o")
                conn.execute(
                    "INSERT INTO contact (customer_id, name, role, phone, email, is_primary) VALUES (?, ?, ?, ?, ?, ?)",
                    (index, f"{first} {last}", rng.choice(ROLES), build.phone(country, c > 0),
                     f"{first.lower()}.{last.lower()}@{domain}.example".replace("ö", "o").replace("ä", "a").replace("å", "a"),
                     int(c == 0)),
                )
            yearly = rng.randint(*profile.yearly) if profile.yearly[1] else 0
            history = build.orders(profile, rate, yearly)
            rows = []
            for date, amount in history:
                build.order_no += 1
                ref = f"{'C' if amount < 0 else 'F'}{build.order_no}"
                rows.append((index, ref, ref, date, amount))
            conn.executemany(
                'INSERT INTO "order" (customer_id, order_ref, order_key, date, amount, currency) VALUES (?, ?, ?, ?, ?, \'SEK\')',
                rows,
            )
            revenue_12m = sum(a for d, a in history if d > start12)
            quadrant = rng.choice(profile.quadrants)
            budget, override = build.budget_for(quadrant, revenue_12m)
            if budget is not None:
                # a history of estimates: older ones differ, the latest places the customer
                dates = sorted({build.day(10, 700) for _ in range(rng.choice([1, 1, 2, 3]))})
                for n, when in enumerate(dates):
                    latest = n == len(dates) - 1
                    conn.execute(
                        "INSERT INTO assessment (customer_id, date, who, budget_per_year, loyalty_override, confidence, note)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            index, when.isoformat(), OWNERS[index % len(OWNERS)],
                            budget if latest else budget // 100_000 * rng.randint(60_000, 140_000) // 100_000 * 100_000 or 100_000,
                            override if latest else None,
                            rng.choice(["low", "medium", "high"]),
                            rng.choice([None, "After visit", "From annual report", "Buyer's own figure"]),
                        ),
                    )
            if budget is not None or rng.random() < 0.3:
                asked = rng.sample(QUESTION_KEYS, rng.randint(1, len(QUESTION_KEYS)))
                for key in asked:
                    conn.execute(
                        "INSERT INTO checklist_answer (customer_id, question_key, answer, note, date) VALUES (?, ?, ?, ?, ?)",
                        (index, key, rng.choice(["yes", "yes", "no", "unknown"]),
                         rng.choice([None, None, "Asked at last visit", "Buyer mentioned it"]), build.day(5, 400).isoformat()),
                    )
            if rng.random() < 0.25:
                pain, money = rng.random() < 0.8, rng.random() < 0.6
                conn.execute(
                    "INSERT INTO qualification (customer_id, pain, money, timing, parked_reason, date) VALUES (?, ?, ?, ?, ?, ?)",
                    (index, int(pain), int(money), int(rng.random() < 0.4),
                     "Budget frozen until next year" if pain and not money else None, build.day(5, 200).isoformat()),
                )
            if rng.random() < 0.3:
                conn.execute(
                    "INSERT INTO buying_behaviour (customer_id, focus, custom, collaborate, date) VALUES (?, ?, ?, ?, ?)",
                    (index, rng.choice(["price", "performance", "delivery"]), int(rng.random() < 0.3),
                     int(rng.random() < 0.3), build.day(5, 300).isoformat()),
                )
            if rng.random() < 0.15:
                conn.execute(
                    "INSERT INTO competitor_contract (customer_id, competitor, ends_on) VALUES (?, ?, ?)",
                    (index, rng.choice(COMPETITORS), build.today.add(days=rng.randint(-30, 400)).isoformat()),
                )
            if rng.random() < 0.75:
                for _ in range(rng.randint(1, 4)):
                    kind = rng.choice(["visit", "call", "call", "mail"])
                    conn.execute(
                        "INSERT INTO activity (customer_id, date, kind, outcome, note) VALUES (?, ?, ?, ?, ?)",
                        (index, build.day(1, 200).isoformat(), kind, rng.choice(OUTCOMES),
                         rng.choice([None, "Talked about next season", "Wants a price list", "New buyer since spring"])),
                    )
            if progress:
                progress(index, customers)
    conn = book.conn
    with book.lock:
        conn.execute("ANALYZE")
    return book
