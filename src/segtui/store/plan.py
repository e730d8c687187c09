"""The plan in the book: what planning needs to read, and every change to plan items.

Segments come from :func:`segtui.store.segments.segment_book` (the one engine);
this module adds each customer's last real contact, latest assessment and the
competitor contracts still running in three small queries, and reads and writes ``plan_item``.
Every write is one transaction; marking an item done records the activity in
the same transaction and links it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gc
import uuid
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter
from typing import Iterable, Sequence

from segtui.domain import customer as rules
from segtui.domain import planning
from segtui.domain import routes
from segtui.domain.planning import slip
from segtui.domain.routes import DayRoute, Place, RouteConfig
from segtui.domain.segments import Estimate, Group, Segment
from segtui.i18n import Phrase
from segtui.store.book import Book, BookError
from segtui.store.places import all_places, resolve
from segtui.store.segments import CustomerSegment, segment_book


#: A dated follow-up is a plan item kept by hand whose reason starts with this word.
FOLLOW_UP = "Follow-up"
#: The SQL condition of a dated follow-up the rep set (a manual item whose reason starts "Follow-up").
IS_FOLLOW_UP = "manual = 1 AND reason GLOB 'Follow-up*'"


@contextlib.contextmanager
def collector_paused():
    """Planning builds some 50,000 small tuples (customers, due entries) that all live until the
    week is planned, none of them part of a cycle: the cyclic collector would walk them (and
    everything else alive, the segments among them) again and again — 60–200 ms on a
    20,000-customer book — and free nothing. It is switched back on when they are built, unless
    it was off already (another thread may have paused it too: then it comes back when that one is done)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def plan_config(book: Book, settings: dict[str, str] | None = None) -> planning.PlanConfig:
    """The book's planning settings, with ``route.start`` found on the map (store/places.py)."""
    settings = book.settings() if settings is None else settings
    config = planning.PlanConfig.from_settings(settings)
    start = resolve(book, settings.get("route.start", ""))
    return dataclasses.replace(config, route=dataclasses.replace(config.route, start=start)) if start else config


def owned_by(owner: str | None, customer_owner: str | None) -> bool:
    """True when ``owner`` (empty or None: everyone) owns the customer; names match
    case and extra spaces aside."""
    if not owner or not owner.strip():
        return True
    return " ".join((customer_owner or "").split()).casefold() == " ".join(owner.split()).casefold()


def book_owners(book: Book) -> list[str]:
    """The owners named on the book's active customers, each once (spaces tidied), sorted."""
    names = {" ".join(o.split()) for (o,) in book.rows(
        "SELECT DISTINCT owner FROM customer WHERE owner IS NOT NULL AND trim(owner) <> ''")}
    return sorted(names, key=str.casefold)


#: Where planning_customers finds what it reads in a Segment and an Estimate (read by position).
_SEGMENT_FIELDS = tuple(Segment._fields.index(f) for f in ("group", "quadrant", "upgrade_candidate", "revenue"))
_ESTIMATE_FIELDS = tuple(Estimate._fields.index(f) for f in ("budget_per_year", "source"))


def planning_customers(
    book: Book, as_of: dt.date, segments: Sequence[CustomerSegment] | None = None, owner: str | None = None
) -> list[planning.Customer]:
    """Every active customer as planning sees it on ``as_of``: segment, last
    visit or call, latest assessment, every competitor contract still running
    (``contract`` the next to end), revenue and potential (they break ties), and
    the latest budget the rep entered or confirmed (``assessed``).
    With ``owner``, only that rep's customers (a rep plans their own)."""
    with collector_paused():
        return _planning_customers(book, as_of, segments, owner)


def _planning_customers(
    book: Book, as_of: dt.date, segments: Sequence[CustomerSegment] | None, owner: str | None
) -> list[planning.Customer]:
    if segments is None:
        segments = segment_book(book, as_of)
    if owner and owner.strip():
        segments = [s for s in segments if owned_by(owner, s.owner)]
    if not segments:
        return []
    day = as_of.isoformat()
    dates = functools.lru_cache(maxsize=None)(dt.date.fromisoformat)
    # each read column by column (``_by_customer``): a dict built in C, not row by row
    contacts = _by_customer(book.rows(
        # from the index alone, already in customer order (book version 10); date > '': an empty
        # date is no contact
        "SELECT customer_id, max(date) FROM activity INDEXED BY activity_last_contact "
        "WHERE kind IN ('visit', 'call') AND date <= ? AND date > '' GROUP BY customer_id",
        (day,),
    ), dates)
    # the latest assessment, and the latest of the rep's own estimates: a budget typed ('entered')
    # or an estimate made their own ('confirmed') — one pass over the assessments
    rows = book.rows(
        "SELECT customer_id, max(date), max(CASE WHEN source IN ('entered', 'confirmed') "
        "AND budget_per_year IS NOT NULL THEN date END) FROM assessment INDEXED BY assessment_latest "
        "WHERE date <= ? AND date > '' GROUP BY customer_id",
        (day,),
    )
    assessed = _by_customer(rows, dates)
    own = {cid: dates(latest_own) for cid, _latest, latest_own in rows if latest_own is not None}
    running: dict[int, list[tuple[str, dt.date]]] = {}
    for cid, competitor, ends_on in book.rows(
        "SELECT customer_id, competitor, ends_on FROM competitor_contract WHERE ends_on >= ? "
        "ORDER BY customer_id, ends_on, id",
        (day,),
    ):
        running.setdefault(cid, []).append((competitor, dates(ends_on)))
    contracts = {cid: tuple(found) for cid, found in running.items()}
    follow_ups = {
        cid: (dates(day), kind)
        for cid, day, kind in book.rows(
            # SQLite: with min(), the bare column comes from the row holding the minimum
            "SELECT customer_id, min(day), kind FROM plan_item WHERE status = 'planned' AND day >= ? "
            f"AND {IS_FOLLOW_UP} GROUP BY customer_id",  # sql-safe: a fixed condition from the code
            (day,),
        )
    }
    located = all_places(book)
    # 20,000 customers: built column by column (each column one pass, most of them in C: map over
    # the ids), then zipped into the customers; only one with a trend or lapsed can be slipping
    column = dict(zip(CustomerSegment._fields, zip(*segments)))
    ids, estimates, trends = column["id"], column["estimate"], column["trend"]
    group, quadrant, upgrade, revenue = (list(map(itemgetter(n), column["segment"])) for n in _SEGMENT_FIELDS)
    budget_at, source_at = _ESTIMATE_FIELDS
    LAPSED = Group.LAPSED
    slips = [
        slip(trend, lapsed, dates(last) if last else None) if trend is not None and (lapsed or trend.kind) else None
        for trend, lapsed, last in zip(trends, (g is LAPSED for g in group), column["last_order"])
    ]
    n = len(ids)
    columns = zip(
        ids, column["name"], column["city"], quadrant, upgrade,
        map(contacts.get, ids),
        map(assessed.get, ids),
        map({cid: found[0] for cid, found in contracts.items()}.get, ids),  # the next contract to end
        map(contracts.get, ids, repeat((), n)),
        revenue,
        [e[budget_at] if e is not None else None for e in estimates],
        map(own.get, ids),
        map(follow_ups.get, ids),
        [e is not None and e[source_at] == "estimated" for e in estimates],
        map(located.get, ids),
        slips,
    )
    # all 16 fields given: tuple.__new__ makes each Customer without the NamedTuple's own __new__
    return list(map(tuple.__new__, repeat(planning.Customer, n), columns))


def _by_customer(rows: Sequence[tuple], value) -> dict:
    """{customer id: value(second column)} of ``rows`` (the id first), in C: one pass a column."""
    if not rows:
        return {}
    return dict(zip(map(itemgetter(0), rows), map(value, map(itemgetter(1), rows))))


@dataclass(frozen=True)
class PlanItem:
    """One visit or call in the plan, with what a rep needs to do it."""

    id: int
    customer_id: int
    day: dt.date
    kind: str
    status: str
    reason: str
    manual: bool
    activity_id: int | None
    source_id: str
    name: str
    city: str | None
    address: str | None
    postcode: str | None
    contact: str | None
    phone: str | None
    outcome: str | None = None  # of the visit or call, once done
    note: str | None = None
    place: Place | None = None  # where the customer is (None: not located)

    @property
    def location(self) -> str:
        place = " ".join(p for p in (self.postcode, self.city) if p)
        return ", ".join(p for p in (self.address, place) if p)

    @property
    def follow_up(self) -> bool:
        """A dated follow-up the rep set ('call back 12 January')."""
        return self.manual and self.reason.startswith(FOLLOW_UP)

    def booked(self) -> planning.Booked:
        return planning.Booked(self.customer_id, self.day, self.kind, self.status, self.city, self.place)


# The contact a plan item shows: the primary one, preferring one with a phone.
_CONTACT_JOIN = """
    LEFT JOIN contact k ON k.id = (
        SELECT id FROM contact WHERE customer_id = c.id
        ORDER BY is_primary DESC, (phone IS NULL OR phone = ''), id LIMIT 1
    )
"""

_ITEM_SQL = """
    SELECT p.id, p.customer_id, p.day, p.kind, p.status, coalesce(p.reason, ''), p.manual, p.activity_id,
           c.source_id, c.name, c.city, c.address, c.postcode, k.name, k.phone, a.outcome, a.note, pl.lat, pl.lon
    FROM plan_item p
    JOIN customer c ON c.id = p.customer_id
    LEFT JOIN activity a ON a.id = p.activity_id
    LEFT JOIN place pl ON pl.customer_id = c.id
""" + _CONTACT_JOIN


def item_order(item: PlanItem) -> tuple:
    """How plan items are listed: by day, visits before calls, then by name."""
    return (item.day, item.kind != "visit", item.name.casefold(), item.id)


def _item(row) -> PlanItem:
    return PlanItem(
        row[0], row[1], dt.date.fromisoformat(row[2]), row[3], row[4], row[5], bool(row[6]), row[7],
        row[8], row[9], row[10], row[11], row[12], row[13], row[14], row[15], row[16],
        (row[17], row[18]) if row[17] is not None else None,
    )


def week_items(book: Book, monday: dt.date, owner: str | None = None) -> list[PlanItem]:
    """The plan items of the ISO week starting ``monday``, by day, kind and name
    (with ``owner``: only that rep's customers)."""
    sunday = monday + dt.timedelta(days=6)
    rows = book.query(_ITEM_SQL + " WHERE p.day BETWEEN ? AND ?", (monday.isoformat(), sunday.isoformat()))
    items = sorted((_item(r) for r in rows), key=item_order)
    if owner and owner.strip():
        owners = dict(book.rows("SELECT id, owner FROM customer"))
        items = [i for i in items if owned_by(owner, owners.get(i.customer_id))]
    return items


def proposed_items(book: Book, proposals: Sequence[planning.Proposal]) -> list[PlanItem]:
    """Proposals shaped like plan items without saving them (a read-only book):
    the same customer fields and contact as saved items, in the same order."""
    ids = sorted({p.customer_id for p in proposals})
    if not ids:
        return []
    rows = {
        r[0]: r[1:]
        for r in book.rows(
            "SELECT c.id, c.source_id, c.name, c.city, c.address, c.postcode, k.name, k.phone FROM customer c"
            + _CONTACT_JOIN
            + f"WHERE c.id IN ({','.join('?' * len(ids))})",  # sql-safe: only ? placeholders
            ids,
        )
    }
    located = all_places(book)  # on a read-only book: looked up, not kept
    items = [
        PlanItem(-n, p.customer_id, p.day, p.kind, "planned", p.reason, False, None, *rows[p.customer_id],
                 place=located.get(p.customer_id))
        for n, p in enumerate(proposals, 1)
    ]
    return sorted(items, key=item_order)


def get_item(book: Book, item_id: int) -> PlanItem:
    rows = book.query(_ITEM_SQL + " WHERE p.id = ?", (item_id,))
    if not rows:
        raise BookError(Phrase("plan item {item} no longer exists", item=item_id))
    return _item(rows[0])


def planned_elsewhere(book: Book, monday: dt.date, today: dt.date) -> set[int]:
    """Customers with a visit or call still planned from ``today`` on in another
    week: planning this week leaves them alone."""
    sunday = monday + dt.timedelta(days=6)
    rows = book.query(
        "SELECT DISTINCT customer_id FROM plan_item WHERE status = 'planned' AND day >= ? "
        "AND (day < ? OR day > ?)",
        (today.isoformat(), monday.isoformat(), sunday.isoformat()),
    )
    return {r[0] for r in rows}


# --- writes ------------------------------------------------------------------------------


def add_item(book: Book, customer_id: int, day: dt.date, kind: str, reason: str = "", manual: bool = True) -> int:
    """Put a visit or call in the plan (manual: kept when the week is re-planned)."""
    if kind not in planning.KINDS:
        raise ValueError(f"{kind!r} is not a visit or a call")
    with book.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO plan_item (customer_id, day, kind, status, reason, manual) VALUES (?, ?, ?, 'planned', ?, ?)",
            (customer_id, day.isoformat(), kind, reason, int(manual)),
        )
        return cur.lastrowid


def move_item(book: Book, item_id: int, day: dt.date) -> None:
    """Move an item to another day; it becomes manual so a re-plan keeps it."""
    with book.transaction() as conn:
        conn.execute("UPDATE plan_item SET day = ?, manual = 1 WHERE id = ?", (day.isoformat(), item_id))


def reschedule_item(book: Book, item_id: int, day: dt.date) -> None:
    """Move an item to ``day`` (often another week) and plan it again (manual)."""
    with book.transaction() as conn:
        conn.execute(
            "UPDATE plan_item SET day = ?, status = 'planned', manual = 1 WHERE id = ? AND status != 'done'",
            (day.isoformat(), item_id),
        )


def remove_item(book: Book, item_id: int) -> None:
    """Take an item out of the plan (a done item keeps its recorded activity)."""
    with book.transaction() as conn:
        conn.execute("DELETE FROM plan_item WHERE id = ?", (item_id,))


def skip_item(book: Book, item_id: int) -> None:
    """Mark an item skipped (again: planned). Kept by re-plans; frees its slot."""
    with book.transaction() as conn:
        conn.execute(
            "UPDATE plan_item SET status = CASE status WHEN 'skipped' THEN 'planned' ELSE 'skipped' END, manual = 1 "
            "WHERE id = ? AND status != 'done'",
            (item_id,),
        )


def _outcome_and_note(outcome: str | None, note: str | None) -> tuple[str | None, str | None]:
    """Outcome and note trimmed and checked as every form checks them (InputError when too long)."""
    return rules.clean_note(outcome, rules.NAME_MAX, "outcome"), rules.clean_note(note)


def mark_done(book: Book, item_id: int, today: dt.date, outcome: str | None = None, note: str | None = None) -> int:
    """Record the visit or call as an activity (on the item's day, or today when
    that is still ahead) and link it: the customer's next due date moves."""
    outcome, note = _outcome_and_note(outcome, note)
    with book.transaction() as conn:
        row = conn.execute(
            "SELECT customer_id, day, kind, status, activity_id FROM plan_item WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise BookError(Phrase("plan item {item} no longer exists", item=item_id))
        customer_id, day, kind, status, activity_id = row
        if status == "done" and activity_id is not None:
            return activity_id
        when = min(dt.date.fromisoformat(day), today).isoformat()
        cur = conn.execute(
            "INSERT INTO activity (customer_id, date, kind, outcome, note) VALUES (?, ?, ?, ?, ?)",
            (customer_id, when, kind, outcome, note),
        )
        conn.execute(
            "UPDATE plan_item SET status = 'done', activity_id = ? WHERE id = ?", (cur.lastrowid, item_id)
        )
        return cur.lastrowid


@dataclass(frozen=True)
class Logged:
    """What :func:`log_contact` recorded: the activity, and the plan item it marked done (or None)."""

    activity_id: int
    item_id: int | None
    customer_id: int
    name: str


def log_contact(book: Book, source_id: str, day: dt.date, kind: str, outcome: str | None = None,
                note: str | None = None) -> Logged:
    """Record a visit, call or mail with customer ``source_id`` on ``day`` (`segtui log`).
    When a visit or call of that kind is planned for the customer on that day, it is
    marked done with this activity, as ``d`` in the planner does."""
    kind = rules.parse_kind(kind)
    outcome, note = _outcome_and_note(outcome, note)
    with book.transaction() as conn:
        row = conn.execute("SELECT id, name FROM customer WHERE source_id = ?", (source_id.strip(),)).fetchone()
        if row is None:
            raise BookError(Phrase("no customer with the id {customer} in this book", customer=repr(source_id.strip())))
        customer_id, name = row
        cur = conn.execute(
            "INSERT INTO activity (customer_id, date, kind, outcome, note) VALUES (?, ?, ?, ?, ?)",
            (customer_id, day.isoformat(), kind, outcome, note),
        )
        activity_id = cur.lastrowid
        item = conn.execute(
            "SELECT id FROM plan_item WHERE customer_id = ? AND day = ? AND kind = ? AND status = 'planned' "
            "ORDER BY id LIMIT 1",
            (customer_id, day.isoformat(), kind),
        ).fetchone()
        if item is not None:
            conn.execute("UPDATE plan_item SET status = 'done', activity_id = ? WHERE id = ?", (activity_id, item[0]))
        return Logged(activity_id, item[0] if item else None, customer_id, name)


def add_follow_up(book: Book, customer_id: int, day: dt.date, kind: str = "call", note: str | None = None,
                  config: planning.PlanConfig | None = None) -> tuple[int, dt.date]:
    """A dated follow-up ("call back 2027-01-12"): a visit or call kept on its day, ahead
    of the policy. A day off moves it to the next working day. Returns the item and its day."""
    if kind not in planning.KINDS:
        raise ValueError(f"{kind!r} is not a visit or a call")
    config = config or plan_config(book)
    day = planning.next_plan_day(day, config)
    note = rules.clean_note(note, rules.NAME_MAX, "follow-up")
    reason = f"{FOLLOW_UP}: {note}" if note else FOLLOW_UP
    return add_item(book, customer_id, day, kind, reason, manual=True), day


def set_outcome(book: Book, item_id: int, outcome: str | None, note: str | None) -> None:
    """Write the outcome and note of a done item onto the activity it recorded
    (empty text clears them). The activity's day and kind stay as they are."""
    outcome, note = _outcome_and_note(outcome, note)
    with book.transaction() as conn:
        row = conn.execute("SELECT status, activity_id FROM plan_item WHERE id = ?", (item_id,)).fetchone()
        if row is None:
            raise BookError(Phrase("plan item {item} no longer exists", item=item_id))
        status, activity_id = row
        if status != "done":
            raise BookError(Phrase("only a visit or call marked done has an outcome: press d first"))
        if activity_id is None:
            raise BookError(Phrase("the activity this item recorded has been removed: d twice records it again"))
        conn.execute("UPDATE activity SET outcome = ?, note = ? WHERE id = ?", (outcome, note, activity_id))


def undo_done(book: Book, item_id: int) -> None:
    """Back to planned; the activity the item recorded is removed with it."""
    with book.transaction() as conn:
        row = conn.execute("SELECT activity_id FROM plan_item WHERE id = ? AND status = 'done'", (item_id,)).fetchone()
        if row is None:
            return
        conn.execute("UPDATE plan_item SET status = 'planned', activity_id = NULL WHERE id = ?", (item_id,))
        if row[0] is not None:
            conn.execute("DELETE FROM activity WHERE id = ?", (row[0],))


def replace_proposals(book: Book, monday: dt.date, today: dt.date, proposals: Iterable[planning.Proposal],
                      owner: str | None = None) -> int:
    """Re-plan: drop the week's automatic, still-planned items from ``today`` on
    (with ``owner``: only that rep's) and insert ``proposals`` — one transaction.
    Returns how many were inserted."""
    sunday = monday + dt.timedelta(days=6)
    start = max(monday, today)
    rows = [(p.customer_id, p.day.isoformat(), p.kind, p.reason) for p in proposals]
    drop = None
    if owner and owner.strip():
        drop = [(i.id,) for i in week_items(book, monday, owner)
                if not i.manual and i.status == "planned" and i.day >= start]
    with book.transaction() as conn:
        if drop is None:
            conn.execute(
                "DELETE FROM plan_item WHERE day BETWEEN ? AND ? AND manual = 0 AND status = 'planned'",
                (start.isoformat(), sunday.isoformat()),
            )
        else:
            conn.executemany("DELETE FROM plan_item WHERE id = ?", drop)
        conn.executemany(
            "INSERT INTO plan_item (customer_id, day, kind, status, reason, manual) VALUES (?, ?, ?, 'planned', ?, 0)",
            rows,
        )
    return len(rows)


def plan_week(
    book: Book,
    monday: dt.date,
    today: dt.date,
    customers: Sequence[planning.Customer] | None = None,
    config: planning.PlanConfig | None = None,
    save: bool = True,
) -> list[planning.Proposal]:
    """Fill the week from priorities, keeping manual, done and skipped items.

    Automatic items not yet done are re-proposed (so a re-plan reflects today's
    priorities); customers already planned in another week are left out. With
    ``save=False`` nothing is written (read-only books). With ``config.owner`` only that
    rep's customers are planned and only their automatic items are replaced."""
    config = config or plan_config(book)
    if customers is None:
        customers = planning_customers(book, today, owner=config.owner)
    start = max(monday, today)
    kept = [
        i.booked() for i in week_items(book, monday, config.owner)
        if i.manual or i.status != "planned" or i.day < start
    ]
    elsewhere = planned_elsewhere(book, monday, today)
    if elsewhere:
        customers = [c for c in customers if c.id not in elsewhere]
    with collector_paused():
        proposals = planning.plan_week(customers, config, monday, today, kept)
    if save:
        replace_proposals(book, monday, today, proposals, config.owner)
    return proposals


def day_routes(items: Iterable[PlanItem], route: RouteConfig) -> dict[dt.date, DayRoute]:
    """Each day's visits (skipped ones aside) in driving order (domain/routes.py), keyed by item id."""
    by_day: dict[dt.date, list[tuple[int, Place | None]]] = {}
    for i in sorted(items, key=item_order):  # the same items give the same order, however listed
        if i.kind == "visit" and i.status != "skipped":
            by_day.setdefault(i.day, []).append((i.id, i.place))
    return {day: routes.plan_day(route, visits) for day, visits in sorted(by_day.items())}


def in_route_order(items: Sequence[PlanItem], route: RouteConfig) -> tuple[list[PlanItem], dict[int, routes.Stop]]:
    """The items by day, each day's visits in driving order first, then the rest as listed;
    and each routed visit's stop."""
    stops = {s.key: s for r in day_routes(items, route).values() for s in r.stops}
    ordered = sorted(items, key=lambda i: (i.day, i.id not in stops, stops[i.id].number if i.id in stops else 0,
                                           *item_order(i)[1:]))
    return ordered, stops


@dataclass(frozen=True)
class CalendarEntry:
    """One event of the calendar export: a plan item (``item``) or a removed one sent as cancelled
    (``item`` None, ``day``/``summary`` as last sent). ``start``/``end`` are minutes after midnight
    for a timed visit, None for an all-day item."""

    uid: str
    sequence: int
    item: PlanItem | None
    day: dt.date
    summary: str
    start: int | None = None
    end: int | None = None

    @property
    def cancelled(self) -> bool:
        return self.item is None or self.item.status == "skipped"


def calendar_summary(item: PlanItem) -> str:
    return f"{'Visit' if item.kind == 'visit' else 'Call'}: {item.name}"


def calendar_entries(book: Book, items: Sequence[PlanItem], stops: dict[int, routes.Stop],
                     monday: dt.date) -> list[CalendarEntry]:
    """The week's events for the calendar export, and the book remembers what it sent
    (docs/routes.md): a plan item keeps its UID for good; its SEQUENCE goes up when its day,
    time, status or title changed since the last export; a removed item of the week that was
    sent before is sent once more, cancelled. Visits with a stop get their times in route
    order; calls stay all-day. A read-only book exports the same but remembers nothing."""
    sunday = monday + dt.timedelta(days=6)
    sent = {row[1]: row for row in book.rows(
        "SELECT uid, item_id, day, sequence, signature, summary, cancelled FROM calendar_event WHERE item_id IN "
        f"({','.join('?' * len(items))})", [i.id for i in items])} if items else {}  # sql-safe: only ? marks
    gone = {summary: (uid, day, sequence, signature) for uid, day, sequence, signature, summary in book.rows(
        "SELECT uid, day, sequence, signature, summary FROM calendar_event WHERE item_id IS NULL AND cancelled = 0 "
        "AND day BETWEEN ? AND ? ORDER BY day DESC", (monday.isoformat(), sunday.isoformat()))}
    entries, writes = [], []
    for item in items:
        stop = stops.get(item.id) if item.status != "skipped" else None
        start, end = (stop.arrive, stop.depart) if stop is not None else (None, None)
        summary = calendar_summary(item)
        signature = f"{item.day.isoformat()}|{'' if start is None else start}|{'' if end is None else end}|" \
                    f"{item.status}|{summary}"
        row = sent.get(item.id)
        again = gone.pop(summary, None) if row is None else None  # re-planned: the same event, moved
        if row is not None:
            uid, sequence, before = row[0], row[3] + (row[4] != signature), row[4]
        elif again is not None:
            uid, sequence, before = again[0], again[2] + (again[3] != signature), again[3]
        else:
            uid, sequence, before = f"{uuid.uuid4().hex}@segtui", 0, None
        if before != signature or row is None:
            writes.append((uid, item.id, item.day.isoformat(), sequence, signature, summary))
        entries.append(CalendarEntry(uid, sequence, item, item.day, summary, start, end))
    for summary, (uid, day, sequence, _) in gone.items():
        entries.append(CalendarEntry(uid, sequence + 1, None, dt.date.fromisoformat(day), summary))
    if not book.readonly and (writes or gone):
        with book.transaction() as conn:
            conn.executemany(
                "INSERT INTO calendar_event (uid, item_id, day, sequence, signature, summary) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (uid) DO UPDATE SET item_id = excluded.item_id, day = excluded.day, "
                "sequence = excluded.sequence, cancelled = 0, "
                "signature = excluded.signature, summary = excluded.summary", writes)
            conn.executemany("UPDATE calendar_event SET cancelled = 1, sequence = sequence + 1 WHERE uid = ?",
                             [(g[0],) for g in gone.values()])
    return entries
