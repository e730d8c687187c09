"""One customer's full record, and every edit the customer screen makes.

Every write runs in one transaction and returns an :class:`Undo` — the inverse
statements that put the book back as it was before that write. A screen keeps
them in an :class:`EditLog` for its session, so ``ctrl+z`` undoes exactly the
last edit made there. Assessments are history: a new estimate is a new dated
row, never an update.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any, Sequence

from segtui.domain import customer as rules
from segtui.domain.checklist import ANSWERS, QUESTION_KEYS
from segtui.domain.segments import Config, qualification as qualify
from segtui.domain.settings import Settings
from segtui.store import places
from segtui.i18n import Phrase
from segtui.store.book import Book, BookError
from segtui.store.plan import IS_FOLLOW_UP
from segtui.store.segments import CustomerSegment, customer_facts, latest_estimates, segment_customer

Statement = tuple[str, tuple[Any, ...]]


# --- the record ---------------------------------------------------------------------


@dataclass(frozen=True)
class Contact:
    id: int
    name: str
    role: str | None
    phone: str | None
    email: str | None
    is_primary: bool


@dataclass(frozen=True)
class Order:
    id: int
    ref: str | None
    date: str
    amount: int  # minor units; negative = credit note
    currency: str

    @property
    def is_credit_note(self) -> bool:
        return self.amount < 0


@dataclass(frozen=True)
class Assessment:
    id: int
    date: str
    who: str | None
    budget_per_year: int | None
    loyalty_override: float | None
    confidence: str | None
    note: str | None
    source: str = "entered"  # 'entered' (typed), 'imported' (a file), 'confirmed' (an estimate made the rep's own)


@dataclass(frozen=True)
class Answer:
    question_key: str
    answer: str
    note: str | None
    date: str


@dataclass(frozen=True)
class Qualification:
    pain: bool | None
    money: bool | None
    timing: bool | None
    parked_reason: str | None
    date: str

    @property
    def grade(self) -> str | None:
        return qualify(self.pain, self.money, self.timing)


@dataclass(frozen=True)
class BuyingBehaviour:
    focus: str | None
    custom: bool | None
    collaborate: bool | None
    date: str


@dataclass(frozen=True)
class Contract:
    id: int
    competitor: str
    ends_on: str
    note: str | None


@dataclass(frozen=True)
class Activity:
    id: int
    date: str
    kind: str
    outcome: str | None
    note: str | None


@dataclass(frozen=True)
class Note:
    id: int
    date: str
    text: str


@dataclass(frozen=True)
class CustomerRecord:
    """Everything the customer screen shows, read in one go."""

    id: int
    source_id: str
    name: str
    org_number: str | None
    industry: str | None
    city: str | None
    address: str | None
    postcode: str | None
    owner: str | None
    archived: bool
    as_of: str
    segment: CustomerSegment | None
    contacts: list[Contact]
    orders: list[Order]  # newest first
    quarters: list[tuple[rules.Quarter, int]]  # oldest first, 12 calendar quarters
    revenue_12m: int
    assessments: list[Assessment]  # newest first
    answers: dict[str, Answer]
    qualification: Qualification | None
    buying_behaviour: BuyingBehaviour | None
    contracts: list[Contract]  # soonest end first
    activities: list[Activity]  # newest first
    config: Config
    settings: Settings = field(default_factory=Settings.from_values)
    notes: list[Note] = field(default_factory=list)  # newest first
    master: dict[str, Any] = field(default_factory=dict)  # every column of the customer row
    #: Pareto mode: the revenue (minor units) at the A and B cut-offs the ranking produced
    cutoffs: tuple[int, int] | None = None
    place: tuple[float, float] | None = None  # where the customer is (docs/routes.md); None: not located
    place_source: str | None = None  # 'imported', 'typed' or 'town'
    #: the next visit or call planned from ``as_of`` on: (day, kind, a dated follow-up the rep set)
    next_planned: tuple[str, str, bool] | None = None

    @property
    def country(self) -> str | None:
        return self.master.get("country")

    @property
    def latest_assessment(self) -> Assessment | None:
        return self.assessments[0] if self.assessments else None

    @property
    def stale_months(self) -> int:
        return int(self.settings["estimate.stale_months"])

    @property
    def warn_days(self) -> int:
        return int(self.settings["contract.warn_days"])

    @property
    def currency(self) -> str:
        return self.settings.currency


def _bool(value: Any) -> bool | None:
    return None if value is None else bool(value)


def _int(value: bool | None) -> int | None:
    return None if value is None else int(bool(value))


def load_customer(book: Book, customer_id: int, as_of: dt.date) -> CustomerRecord:
    """The customer's full record on ``as_of``; BookError when there is no such customer."""
    rows = book.query(
        "SELECT * FROM customer WHERE id = ?",
        (customer_id,),
    )
    if not rows:
        raise BookError(Phrase("there is no customer with id {id} in this book", id=customer_id))
    c = rows[0]
    day = as_of.isoformat()
    settings = book.settings_snapshot()
    config = settings.segments
    first_quarter = rules.quarters_ending(as_of)[0]
    quarter_rows = book.query(
        """
        SELECT substr(date, 1, 4) || '-Q' || ((CAST(substr(date, 6, 2) AS INTEGER) + 2) / 3) AS quarter,
               sum(amount)
        FROM "order" WHERE customer_id = ? AND date >= ? AND date <= ?
        GROUP BY quarter
        """,
        (customer_id, f"{first_quarter.year}-{(first_quarter.q - 1) * 3 + 1:02d}-01", day),
    )
    cutoffs = None
    if config.mode == "pareto":  # the whole book is ranked: its cut-offs come with it (docs/first-day.md)
        from segtui.domain.segments import cutoffs_of
        from segtui.store.segments import segment_book

        everyone = segment_book(book, as_of)
        segment = next((s for s in everyone if s.id == customer_id), None)
        cutoffs = cutoffs_of({s.id: s.segment.revenue_class for s in everyone},
                             {s.id: s.segment.revenue for s in everyone})
    else:
        segment = segment_customer(book, customer_id, as_of)
    facts = segment.facts if segment is not None else customer_facts(book, customer_id, as_of, config.window_months)
    place, place_source = places.place_of(book, customer_id)
    planned = book.rows(
        f"SELECT day, kind, {IS_FOLLOW_UP} FROM plan_item "  # sql-safe: a fixed condition from the code
        "WHERE customer_id = ? AND status = 'planned' AND day >= ? ORDER BY day, id LIMIT 1",
        (customer_id, day),
    )
    return CustomerRecord(
        place=place,
        place_source=place_source,
        next_planned=(planned[0][0], planned[0][1], bool(planned[0][2])) if planned else None,
        id=c["id"],
        source_id=c["source_id"],
        name=c["name"],
        org_number=c["org_number"],
        industry=c["industry"],
        city=c["city"],
        address=c["address"],
        postcode=c["postcode"],
        owner=c["owner"],
        archived=bool(c["archived"]),
        as_of=day,
        segment=segment,
        contacts=[
            Contact(r[0], r[1], r[2], r[3], r[4], bool(r[5]))
            for r in book.query(
                "SELECT id, name, role, phone, email, is_primary FROM contact WHERE customer_id = ? "
                "ORDER BY is_primary DESC, name COLLATE NOCASE, id",
                (customer_id,),
            )
        ],
        orders=[
            Order(*r)
            for r in book.query(
                'SELECT id, order_ref, date, amount, currency FROM "order" WHERE customer_id = ? '
                "ORDER BY date DESC, id DESC",
                (customer_id,),
            )
        ],
        quarters=rules.quarter_series(as_of, {q: total for q, total in quarter_rows}),
        revenue_12m=facts.revenue_12m,
        assessments=[
            Assessment(*r)
            for r in book.query(
                "SELECT id, date, who, budget_per_year, loyalty_override, confidence, note, source FROM assessment "
                "WHERE customer_id = ? ORDER BY date DESC, id DESC",
                (customer_id,),
            )
        ],
        answers={
            r[0]: Answer(*r)
            for r in book.query(
                "SELECT question_key, answer, note, date FROM checklist_answer WHERE customer_id = ?",
                (customer_id,),
            )
        },
        qualification=next(
            (
                Qualification(_bool(r[0]), _bool(r[1]), _bool(r[2]), r[3], r[4])
                for r in book.query(
                    "SELECT pain, money, timing, parked_reason, date FROM qualification WHERE customer_id = ?",
                    (customer_id,),
                )
            ),
            None,
        ),
        buying_behaviour=next(
            (
                BuyingBehaviour(r[0], _bool(r[1]), _bool(r[2]), r[3])
                for r in book.query(
                    "SELECT focus, custom, collaborate, date FROM buying_behaviour WHERE customer_id = ?",
                    (customer_id,),
                )
            ),
            None,
        ),
        contracts=[
            Contract(*r)
            for r in book.query(
                "SELECT id, competitor, ends_on, note FROM competitor_contract WHERE customer_id = ? "
                "ORDER BY ends_on, id",
                (customer_id,),
            )
        ],
        activities=[
            Activity(*r)
            for r in book.query(
                "SELECT id, date, kind, outcome, note FROM activity WHERE customer_id = ? "
                "ORDER BY date DESC, id DESC",
                (customer_id,),
            )
        ],
        config=config,
        cutoffs=cutoffs,
        settings=settings,
        notes=[
            Note(*r)
            for r in book.query(
                "SELECT id, date, text FROM note WHERE customer_id = ? ORDER BY date DESC, id DESC", (customer_id,)
            )
        ],
        master={k: c[k] for k in c.keys()},
    )


# --- edits and their inverses -------------------------------------------------------


@dataclass(frozen=True)
class Undo:
    """The inverse of one edit: statements that restore the rows it changed."""

    label: str
    statements: tuple[Statement, ...]


def _apply(book: Book, statements: Sequence[Statement]) -> None:
    with book.transaction() as conn:
        for sql, params in statements:
            conn.execute(sql, params)


def set_place(book: Book, customer_id: int, text: str) -> Undo:
    """The rep types where the customer is (a town, postcode and town, or ``lat,lon``; empty: back
    to its town) — store/places.py; undo puts the place it had back."""
    before = book.query("SELECT lat, lon, source, looked_up FROM place WHERE customer_id = ?", (customer_id,))
    try:
        places.set_place(book, customer_id, text)
    except ValueError as error:
        raise rules.InputError(str(error)) from None
    restore: list[Statement] = [("DELETE FROM place WHERE customer_id = ?", (customer_id,))]
    if before:
        restore.append(("INSERT INTO place (customer_id, lat, lon, source, looked_up) VALUES (?, ?, ?, ?, ?)",
                        (customer_id, *tuple(before[0]))))
    return Undo("place", tuple(restore))


def _require_customer(conn, customer_id: int) -> None:
    if conn.execute("SELECT 1 FROM customer WHERE id = ?", (customer_id,)).fetchone() is None:
        raise BookError(Phrase("there is no customer with id {id} in this book", id=customer_id))


def _check_date(value: str | dt.date, field_name: str = "date") -> str:
    return rules.parse_date(value.isoformat() if isinstance(value, dt.date) else value, field_name)


def add_assessment(
    book: Book,
    customer_id: int,
    on: str | dt.date,
    budget_per_year: int | None,
    loyalty_override: float | None,
    who: str | None = None,
    note: str | None = None,
    confidence: str | None = None,
    source: str = "entered",
) -> Undo:
    """A new dated estimate (yearly budget in minor units and/or loyalty override 0–1);
    ``source`` 'confirmed' when the rep makes an estimated budget their own."""
    day = _check_date(on)
    if budget_per_year is None and loyalty_override is None:
        raise rules.InputError("enter a budget, a loyalty, or both")
    if budget_per_year is not None and budget_per_year < 0:
        raise rules.InputError("a budget cannot be negative")
    if budget_per_year is not None and budget_per_year > rules.BUDGET_MAX:
        raise rules.InputError("that budget is implausibly large — check the number of zeros")
    if loyalty_override is not None and not 0 <= loyalty_override <= 1:
        raise rules.InputError("loyalty must be between 0 and 100 %")
    if confidence not in (None, "low", "medium", "high"):
        raise rules.InputError("confidence is low, medium or high")
    if source not in ("entered", "confirmed"):
        raise rules.InputError("an assessment by hand is entered or confirmed")
    note = rules.clean_note(note)
    who = rules.clean_note(who, rules.NAME_MAX, "name")
    with book.transaction() as conn:
        _require_customer(conn, customer_id)
        cur = conn.execute(
            "INSERT INTO assessment (customer_id, date, who, budget_per_year, loyalty_override, confidence, note, "
            "source) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (customer_id, day, who, budget_per_year, loyalty_override, confidence, note, source),
        )
        new_id = cur.lastrowid
    return Undo("estimate", (("DELETE FROM assessment WHERE id = ?", (new_id,)),))


def confirm_estimate(book: Book, customer_id: int, on: str | dt.date, as_of: dt.date | None = None) -> Undo:
    """The rep makes the customer's estimated budget their own: a dated assessment of
    that budget (source 'confirmed'), which from then on wins like one typed in.
    InputError when the customer has no estimated budget on ``as_of`` (default ``on``)."""
    day = _check_date(on)
    segment = segment_customer(book, customer_id, as_of or dt.date.fromisoformat(day))
    estimate = segment.estimate if segment is not None else None
    if estimate is None or estimate.source != "estimated" or estimate.budget_per_year is None:
        raise rules.InputError("there is no estimated budget to confirm: enter one with b")
    return add_assessment(book, customer_id, day, estimate.budget_per_year, estimate.loyalty_override,
                          note=estimate.basis, source="confirmed")


def confirm_estimates(
    book: Book, estimates: Sequence[tuple[int, int, str]], on: str | dt.date, as_of: dt.date | None = None,
) -> tuple[Undo, list[int], int]:
    """Many estimated budgets made the rep's own at once (the review's bulk confirm): for each
    ``(customer_id, budget_per_year, basis)`` the assessment :func:`confirm_estimate` writes (source
    'confirmed', the basis as its note, the customer's loyalty override kept), all in one transaction
    with one ``executemany``. A customer whose budget an assessment states by then (entered, confirmed
    or imported, on ``as_of``, default ``on``), or that is archived or gone, is left out. Returns the
    undo (one statement deleting exactly these rows), the customers confirmed and their total budget."""
    day = _check_date(on)
    seen = dt.date.fromisoformat(day) if as_of is None else as_of
    for _cid, budget, _basis in estimates:
        if budget < 0 or budget > rules.BUDGET_MAX:
            raise rules.InputError("an estimated budget out of range cannot be confirmed")
    with book.transaction() as conn:
        active = {row[0] for row in conn.execute("SELECT id FROM customer WHERE archived = 0")}
        # one customer (the review's y): its own assessments only
        stated = latest_estimates(book, seen, estimates[0][0] if len(estimates) == 1 else None)
        rows, done = [], set()
        for cid, budget, basis in estimates:
            known = stated.get(cid)
            if cid not in active or cid in done or (known is not None and known.budget_per_year is not None):
                continue
            done.add(cid)
            override = known.loyalty_override if known is not None else None
            rows.append((cid, day, budget, override, rules.clean_note(basis)))
        before = conn.execute("SELECT coalesce(max(id), 0) FROM assessment").fetchone()[0]
        conn.executemany(
            "INSERT INTO assessment (customer_id, date, budget_per_year, loyalty_override, note, source) "
            "VALUES (?, ?, ?, ?, ?, 'confirmed')",
            rows,
        )
        # the transaction holds the book's write lock: every row above ``before`` is one of these
        new_ids = [row[0] for row in conn.execute("SELECT id FROM assessment WHERE id > ? ORDER BY id", (before,))]
    undo = Undo("estimates", (("DELETE FROM assessment WHERE id IN (SELECT value FROM json_each(?))",
                               (json.dumps(new_ids),)),))
    return undo, [r[0] for r in rows], sum(r[2] for r in rows)


_KEEP: Any = object()


def set_checklist_answer(
    book: Book,
    customer_id: int,
    question_key: str,
    on: str | dt.date,
    answer: str | None = None,
    note: str | None = _KEEP,
) -> Undo:
    """Answer one checklist question (yes/no/unknown) and/or set its note; the other part is kept."""
    if question_key not in QUESTION_KEYS:
        raise rules.InputError(f"{question_key!r} is not a checklist question")
    if answer is not None and answer not in ANSWERS:
        raise rules.InputError(f"{answer!r} is not one of: {', '.join(ANSWERS)}")
    day = _check_date(on)
    if note is not _KEEP:
        note = rules.clean_note(note)
    with book.transaction() as conn:
        _require_customer(conn, customer_id)
        before = conn.execute(
            "SELECT answer, note, date FROM checklist_answer WHERE customer_id = ? AND question_key = ?",
            (customer_id, question_key),
        ).fetchone()
        new_answer = answer or (before["answer"] if before else "unknown")
        new_note = (before["note"] if before else None) if note is _KEEP else note
        conn.execute(
            "INSERT INTO checklist_answer (customer_id, question_key, answer, note, date) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (customer_id, question_key) DO UPDATE SET "
            "answer = excluded.answer, note = excluded.note, date = excluded.date",
            (customer_id, question_key, new_answer, new_note, day),
        )
    if before is None:
        inverse: Statement = (
            "DELETE FROM checklist_answer WHERE customer_id = ? AND question_key = ?",
            (customer_id, question_key),
        )
    else:
        inverse = (
            "UPDATE checklist_answer SET answer = ?, note = ?, date = ? WHERE customer_id = ? AND question_key = ?",
            (before["answer"], before["note"], before["date"], customer_id, question_key),
        )
    return Undo("checklist answer", (inverse,))


def set_qualification(
    book: Book,
    customer_id: int,
    on: str | dt.date,
    pain: bool | None,
    money: bool | None,
    timing: bool | None,
    parked_reason: str | None = None,
) -> Undo:
    """Pain / money / timing; parking as C (need, no money) needs the reason."""
    day = _check_date(on)
    reason = rules.clean_note(parked_reason, field="reason")
    if qualify(pain, money, timing) == "C":
        if not reason:
            raise rules.InputError("parking as C needs a reason")
    else:
        reason = None
    with book.transaction() as conn:
        _require_customer(conn, customer_id)
        before = conn.execute(
            "SELECT pain, money, timing, parked_reason, date FROM qualification WHERE customer_id = ?",
            (customer_id,),
        ).fetchone()
        conn.execute(
            "INSERT INTO qualification (customer_id, pain, money, timing, parked_reason, date) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (customer_id) DO UPDATE SET pain = excluded.pain, "
            "money = excluded.money, timing = excluded.timing, parked_reason = excluded.parked_reason, "
            "date = excluded.date",
            (customer_id, _int(pain), _int(money), _int(timing), reason, day),
        )
    if before is None:
        inverse: Statement = ("DELETE FROM qualification WHERE customer_id = ?", (customer_id,))
    else:
        inverse = (
            "UPDATE qualification SET pain = ?, money = ?, timing = ?, parked_reason = ?, date = ? "
            "WHERE customer_id = ?",
            (*tuple(before), customer_id),
        )
    return Undo("qualification", (inverse,))


def set_buying_behaviour(
    book: Book,
    customer_id: int,
    on: str | dt.date,
    focus: str | None,
    custom: bool | None,
    collaborate: bool | None,
) -> Undo:
    """Price / performance / delivery focus, standard or custom, willing to collaborate."""
    day = _check_date(on)
    if focus not in (None, *rules.FOCUSES):
        raise rules.InputError(f"{focus!r} is not one of: {', '.join(rules.FOCUSES)}")
    with book.transaction() as conn:
        _require_customer(conn, customer_id)
        before = conn.execute(
            "SELECT focus, custom, collaborate, date FROM buying_behaviour WHERE customer_id = ?", (customer_id,)
        ).fetchone()
        conn.execute(
            "INSERT INTO buying_behaviour (customer_id, focus, custom, collaborate, date) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (customer_id) DO UPDATE SET focus = excluded.focus, custom = excluded.custom, "
            "collaborate = excluded.collaborate, date = excluded.date",
            (customer_id, focus, _int(custom), _int(collaborate), day),
        )
    if before is None:
        inverse: Statement = ("DELETE FROM buying_behaviour WHERE customer_id = ?", (customer_id,))
    else:
        inverse = (
            "UPDATE buying_behaviour SET focus = ?, custom = ?, collaborate = ?, date = ? WHERE customer_id = ?",
            (*tuple(before), customer_id),
        )
    return Undo("buying behaviour", (inverse,))


def add_competitor_contract(
    book: Book, customer_id: int, competitor: str, ends_on: str | dt.date, note: str | None = None
) -> Undo:
    name = rules.clean_name(competitor, "competitor")
    day = _check_date(ends_on, "ends on")
    note = rules.clean_note(note)
    with book.transaction() as conn:
        _require_customer(conn, customer_id)
        cur = conn.execute(
            "INSERT INTO competitor_contract (customer_id, competitor, ends_on, note) VALUES (?, ?, ?, ?)",
            (customer_id, name, day, note),
        )
        new_id = cur.lastrowid
    return Undo("competitor contract", (("DELETE FROM competitor_contract WHERE id = ?", (new_id,)),))


def remove_competitor_contract(book: Book, contract_id: int) -> Undo:
    with book.transaction() as conn:
        row = conn.execute(
            "SELECT id, customer_id, competitor, ends_on, note FROM competitor_contract WHERE id = ?",
            (contract_id,),
        ).fetchone()
        if row is None:
            raise BookError(Phrase("that competitor contract is no longer in the book"))
        conn.execute("DELETE FROM competitor_contract WHERE id = ?", (contract_id,))
    return Undo(
        "removed contract",
        (
            (
                "INSERT INTO competitor_contract (id, customer_id, competitor, ends_on, note) VALUES (?, ?, ?, ?, ?)",
                tuple(row),
            ),
        ),
    )


def add_activity(
    book: Book,
    customer_id: int,
    on: str | dt.date,
    kind: str,
    outcome: str | None = None,
    note: str | None = None,
) -> Undo:
    """A visit, call or mail with its outcome and a note."""
    day = _check_date(on)
    kind = rules.parse_kind(kind)
    outcome = rules.clean_note(outcome, rules.NAME_MAX, "outcome")
    note = rules.clean_note(note)
    with book.transaction() as conn:
        _require_customer(conn, customer_id)
        cur = conn.execute(
            "INSERT INTO activity (customer_id, date, kind, outcome, note) VALUES (?, ?, ?, ?, ?)",
            (customer_id, day, kind, outcome, note),
        )
        new_id = cur.lastrowid
    return Undo(kind, (("DELETE FROM activity WHERE id = ?", (new_id,)),))


class EditLog:
    """The edits of one screen session, newest last; :meth:`undo` reverts the last one."""

    def __init__(self, book: Book):
        self.book = book
        self._stack: list[Undo] = []
        self.edited = False

    def record(self, undo: Undo) -> None:
        self._stack.append(undo)
        self.edited = True

    def __len__(self) -> int:
        return len(self._stack)

    @property
    def last(self) -> Undo | None:
        return self._stack[-1] if self._stack else None

    def undo(self) -> Undo | None:
        """Revert the last edit in one transaction; None when there is nothing to undo."""
        if not self._stack:
            return None
        undo = self._stack[-1]
        _apply(self.book, undo.statements)
        self._stack.pop()
        self.edited = True
        return undo
