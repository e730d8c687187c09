"""Contact policies, due dates and priority (DESIGN §3)."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from segtui.domain.planning import Policy, due_on, priority

AS_OF = dt.date(2026, 11, 23)


def test_policies_parse():
    assert Policy.parse("visit:14") == Policy("visit", 14)
    assert Policy.parse("call:once").once
    assert Policy.parse("none").kind is None


def test_due_is_last_activity_plus_interval_halved_for_upgrades():
    visit = Policy.parse("visit:14")
    assert due_on(visit, dt.date(2026, 11, 1), AS_OF) == dt.date(2026, 11, 15)
    assert due_on(visit, dt.date(2026, 11, 1), AS_OF, upgrade_candidate=True) == dt.date(2026, 11, 8)
    assert due_on(visit, None, AS_OF) == AS_OF
    assert due_on(Policy.parse("none"), None, AS_OF) is None
    assert due_on(Policy.parse("call:once"), dt.date(2026, 1, 1), AS_OF) is None


def test_contract_ending_within_warning_makes_due_now():
    visit = Policy.parse("visit:14")
    last = dt.date(2026, 11, 20)
    assert due_on(visit, last, AS_OF, contract_ends=dt.date(2027, 1, 15), contract_warn_days=90) == AS_OF
    assert due_on(visit, last, AS_OF, contract_ends=dt.date(2027, 6, 1), contract_warn_days=90) == dt.date(2026, 12, 4)


@given(st.integers(0, 100), st.integers(-400, 400), st.integers(1, 365))
def test_priority_grows_with_weight_and_lateness(weight, late, interval):
    due = AS_OF - dt.timedelta(days=late)
    value = priority(weight, due, AS_OF, interval)
    assert value == weight * late / interval
    later = priority(weight, due - dt.timedelta(days=1), AS_OF, interval)
    assert later >= value
