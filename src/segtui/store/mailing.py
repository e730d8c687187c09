"""The small-fry mailing list (DESIGN §3: small fry get a call every 91 days and
a mass mailing).

Who is on it comes from :func:`segtui.store.segments.segment_book` (the one
engine): every active customer in the Small fry quadrant. This module adds the
contact to write to and the last mailing, and records a mailing as one ``mail``
activity per customer in one transaction. A mailing is not a visit or a call,
so it does not move anyone's due date (see :mod:`segtui.domain.planning`).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Iterable, Sequence

from segtui.domain.segments import Quadrant
from segtui.store.book import Book, BookError
from segtui.store.customers import Undo
from segtui.store.segments import CustomerSegment, segment_book
from segtui.i18n import Phrase, ngettext

#: The note a recorded mailing carries in the activity log.
MAILING_NOTE = "Small-fry mailing"


@dataclass(frozen=True)
class Recipient:
    """One customer on the mailing list and the contact to write to."""

    customer_id: int
    source_id: str
    name: str
    city: str | None
    contact: str | None
    email: str | None
    last_mailed: dt.date | None


# The contact to write to: the primary one when it has an e-mail, else the first
# contact that has one, else the primary contact (shown without an e-mail).
_CONTACT_SQL = """
    SELECT ids.value, k.name, nullif(trim(k.email), '')
    FROM json_each(?) ids
    LEFT JOIN contact k ON k.id = (
        SELECT id FROM contact WHERE customer_id = ids.value
        ORDER BY (email IS NULL OR trim(email) = ''), is_primary DESC, id LIMIT 1
    )
"""


def mailing_list(
    book: Book, as_of: dt.date, segments: Sequence[CustomerSegment] | None = None
) -> list[Recipient]:
    """Every active Small fry customer on ``as_of`` in name order, with the
    contact to write to and the day of their last mailing (None: never)."""
    if segments is None:
        segments = segment_book(book, as_of)
    members = [s for s in segments if s.segment.quadrant is Quadrant.SMALL_FRY]
    ids = json.dumps([s.id for s in members])
    contacts = {cid: (name, email) for cid, name, email in book.rows(_CONTACT_SQL, (ids,))}
    mailed = dict(book.rows(
        "SELECT customer_id, max(date) FROM activity WHERE kind = 'mail' AND date <= ? "
        "AND customer_id IN (SELECT value FROM json_each(?)) GROUP BY customer_id",
        (as_of.isoformat(), ids),
    ))
    result = []
    for s in members:
        name, email = contacts.get(s.id, (None, None))
        last = mailed.get(s.id)
        result.append(Recipient(
            s.id, s.source_id, s.name, s.city, name, email, dt.date.fromisoformat(last) if last else None,
        ))
    return result


def customers(count: int, kind: str = "") -> str:
    """'1 customer', '43 small-fry customers'."""
    return f"{count} {kind}{' ' * bool(kind)}customer{'s' * (count != 1)}"


def summary(recipients: Sequence[Recipient]) -> str:
    """'43 small-fry customers, 39 with an e-mail, 4 without'."""
    missing = sum(r.email is None for r in recipients)
    return ngettext("1 small-fry customer, {with_email} with an e-mail, {missing} without",
                    "{count} small-fry customers, {with_email} with an e-mail, {missing} without",
                    len(recipients)).format(count=len(recipients), with_email=len(recipients) - missing,
                                            missing=missing)


@dataclass(frozen=True)
class Mailing:
    """What recording a mailing did, and how to take it back."""

    recorded: int  # new mail activities
    already: int  # customers already recorded as mailed that day (left as they were)
    undo: Undo


def mark_mailed(book: Book, customer_ids: Iterable[int], on: dt.date) -> Mailing:
    """Record one ``mail`` activity on ``on`` for each customer, in one transaction.

    A customer already recorded as mailed that day gets no second one, so
    marking twice changes nothing. Visits and calls, and so due dates, are left
    alone."""
    wanted = list(dict.fromkeys(customer_ids))
    day = on.isoformat()
    with book.transaction() as conn:
        gone = [row[0] for row in conn.execute(
            "SELECT value FROM json_each(?) WHERE value NOT IN (SELECT id FROM customer)", (json.dumps(wanted),)
        )]
        if gone:
            raise BookError(Phrase("{count} of these customers are no longer in the book: nothing was recorded", count=len(gone)))
        already = {
            row[0] for row in conn.execute(
                "SELECT DISTINCT customer_id FROM activity WHERE kind = 'mail' AND date = ? "
                "AND customer_id IN (SELECT value FROM json_each(?))",
                (day, json.dumps(wanted)),
            )
        }
        new_ids = []
        for customer_id in wanted:
            if customer_id in already:
                continue
            cur = conn.execute(
                "INSERT INTO activity (customer_id, date, kind, outcome, note) VALUES (?, ?, 'mail', NULL, ?)",
                (customer_id, day, MAILING_NOTE),
            )
            new_ids.append(cur.lastrowid)
    undo = Undo(
        f"mailing to {customers(len(new_ids))}",
        (("DELETE FROM activity WHERE kind = 'mail' AND id IN (SELECT value FROM json_each(?))", (json.dumps(new_ids),)),),
    )
    return Mailing(len(new_ids), len(already), undo)
