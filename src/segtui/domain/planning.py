"""Contact policies, due dates and priority (DESIGN §3), as pure functions.

A policy is the text of a ``policy.*`` setting: ``visit:14``, ``call:91``,
``call:once`` or ``none``. Due date = last activity + interval (halved for
upgrade candidates); never contacted → due now; a competitor contract ending
within ``contract.warn_days`` makes a big-game customer due now. Priority =
segment weight × days overdue ÷ interval.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Policy:
    """How often a segment should be contacted: kind 'visit'/'call', every N days
    (None = once), or no contact at all (kind None)."""

    kind: str | None
    every: int | None = None

    @classmethod
    def parse(cls, text: str) -> "Policy":
        value = text.strip().lower()
        if value == "none":
            return cls(None)
        kind, _, every = value.partition(":")
        return cls(kind, None if every == "once" else int(every))

    @property
    def once(self) -> bool:
        return self.kind is not None and self.every is None

    def interval(self, upgrade_candidate: bool = False) -> int | None:
        """Days between contacts; halved (at least one day) for upgrade candidates."""
        if self.every is None:
            return None
        return max(1, self.every // 2) if upgrade_candidate else self.every


def due_on(
    policy: Policy,
    last_activity: dt.date | None,
    as_of: dt.date,
    upgrade_candidate: bool = False,
    contract_ends: dt.date | None = None,
    contract_warn_days: int | None = None,
) -> dt.date | None:
    """The day the customer should next be contacted; None when the policy asks for nothing.

    ``contract_ends`` (the next competitor contract end) makes the customer due now
    when it falls within ``contract_warn_days`` of ``as_of`` (pass the warn days only
    for segments where that matters: big game)."""
    if policy.kind is None:
        return None
    if last_activity is None:
        due = as_of
    elif policy.once:
        due = None
    else:
        due = last_activity + dt.timedelta(days=policy.interval(upgrade_candidate))
    if contract_ends is not None and contract_warn_days is not None:
        if as_of <= contract_ends <= as_of + dt.timedelta(days=contract_warn_days):
            due = as_of if due is None else min(due, as_of)
    return due


def days_overdue(due: dt.date | None, as_of: dt.date) -> int | None:
    """Days past the due date (0 = due today, negative = not yet due)."""
    return None if due is None else (as_of - due).days


def priority(weight: int, due: dt.date | None, as_of: dt.date, interval: int | None) -> float | None:
    """Segment weight × how overdue (days overdue ÷ interval); None when nothing is due ever.

    Customers due today score 0; not-yet-due customers score below 0, so the order
    is the same as "most overdue relative to their rhythm first"."""
    if due is None:
        return None
    overdue = (as_of - due).days
    return weight * overdue / (interval or 1) if weight else 0.0
