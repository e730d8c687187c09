"""The one place segtui reads the wall clock.

Everything that asks "what day is it" takes ``today``/``now`` as a parameter and falls back to
these functions only at the edge (a command run without ``--as-of``, the app opened without a
day). Tests never rely on them: they pass the day. To run the whole suite on another day, see
the README ("Run the tests on another day")."""

from __future__ import annotations

import datetime as dt
import time


def today() -> dt.date:
    """The local calendar day (what a rep calls today)."""
    return dt.date.today()


def now_local() -> dt.datetime:
    """Local wall time, without a zone, to show to a person."""
    return dt.datetime.now()


def now_utc() -> dt.datetime:
    """The time in UTC, for stamps that must sort right across clock changes (DST, travel)."""
    return dt.datetime.now(dt.timezone.utc)


def seconds() -> float:
    """Seconds since the epoch, for ages of files."""
    return time.time()
