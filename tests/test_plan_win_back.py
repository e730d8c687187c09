"""Win-back (domain/planning.py, docs/planning.md "Win-back"): slipping customers — declining,
silent or lapsed — are planned for a contact of ``policy.win_back``, ranked by the revenue at risk."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from segtui.cli import main
from segtui.domain import planning
from segtui.domain.planning import Customer, PlanConfig, Slip, slip
from segtui.domain.segments import Quadrant
from segtui.domain.settings import SettingError, validate
from segtui.domain.trends import Trend
from segtui.store import plan as plan_store
from segtui.store.book import open_book

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)  # a Monday
CONFIG = PlanConfig.from_settings()
BG, CC, SF, UI = Quadrant.BIG_GAME, Quadrant.CASH_COWS, Quadrant.SMALL_FRY, Quadrant.UNINTERESTING


def ago(n: int) -> dt.date:
    return TODAY - dt.timedelta(days=n)


SILENT = Trend("silent", 1_200_00, 900_00, 21, ago(64), ago(43), TODAY)
DECLINING = Trend("declining", 550_00, 1_000_00, None, ago(5), None, TODAY)
LAPSED = Trend(None, 0, 800_00, None, None, None, TODAY)


def test_a_slip_says_why_in_words_and_what_is_at_risk() -> None:
    assert slip(SILENT, False) == Slip("silent", 1_200_00, gap=21, days=64)
    assert slip(SILENT, False).words == "silent: orders every 21 days, none for 64"
    assert slip(DECLINING, False).at_risk == 1_000_00
    assert slip(DECLINING, False).words == "declining: bought 45% less than the 12 months before"
    assert slip(LAPSED, True, ago(400)).at_risk == 800_00
    assert slip(LAPSED, True, ago(400)).words == f"lapsed: no order since {ago(400).isoformat()}"
    assert slip(Trend(None, 5_00, 5_00), False) is None  # steady: not slipping
    assert slip(None, False) is None


def c(cid: int, quadrant=UI, last: int | None = None, trend=LAPSED, lapsed=True, **kw) -> Customer:
    return Customer(cid, f"Customer {cid}", "Umeå", quadrant, last_contact=None if last is None else ago(last),
                    slip=slip(trend, lapsed, ago(400)) if trend is not None else None, **kw)


def test_a_lapsed_customer_nobody_plans_gets_a_win_back_call() -> None:
    entry = planning.due(c(1), CONFIG, TODAY)  # Uninteresting: its own policy is none
    assert entry is not None and entry.win_back and entry.kind == "call"
    assert entry.priority == CONFIG.win_back_weight
    assert entry.reason == f"Uninteresting · win back · lapsed: no order since {ago(400).isoformat()}"


def test_a_contact_within_the_interval_holds_the_win_back_off() -> None:
    assert planning.due(c(1, last=10), CONFIG, TODAY) is None
    later = planning.due(c(1, last=45), CONFIG, TODAY)
    assert later is not None and later.win_back and later.days_overdue == 15
    assert later.priority > CONFIG.win_back_weight  # late, as any contact: more urgent
    assert later.reason.endswith(f"last contact {planning._day(ago(45))}")
    soon = planning.due(c(1, last=27), CONFIG, TODAY, until=TODAY + dt.timedelta(days=4))
    assert soon is not None and soon.due_on == ago(27) + dt.timedelta(days=30)


def test_the_segments_own_contact_wins_when_more_urgent_and_says_the_customer_slips() -> None:
    entry = planning.due(c(2, BG, last=30, trend=SILENT, lapsed=False), CONFIG, TODAY)
    assert entry is not None and not entry.win_back and entry.kind == "visit"
    assert entry.reason == "Big game · 16 days overdue · silent: orders every 21 days, none for 64"


def test_win_back_can_be_switched_off_and_refuses_once() -> None:
    off = PlanConfig.from_settings({"policy.win_back": "none"})
    assert planning.due(c(1), off, TODAY) is None
    assert validate("policy.win_back", "visit:60") == "visit:60"
    with pytest.raises(SettingError, match="win-back comes again"):
        validate("policy.win_back", "call:once")
    nothing_at_risk = c(1, trend=Trend(None, 0, 0), lapsed=True)
    assert planning.due(nothing_at_risk, CONFIG, TODAY) is None


def test_ties_go_to_the_larger_revenue_at_risk() -> None:
    small = c(1, trend=Trend(None, 0, 100_00))
    big = c(2, trend=Trend(None, 0, 9_000_00))
    assert [d.customer.id for d in planning.due_list([small, big], CONFIG, TODAY)] == [2, 1]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(
    st.sampled_from(list(Quadrant)), st.none() | st.integers(0, 200),
    st.sampled_from([None, SILENT, DECLINING, LAPSED]), st.integers(0, 3_000_000)), max_size=30),
    st.integers(0, 6), st.sampled_from(["call:30", "visit:60", "none"]))
def test_property_the_due_list_agrees_with_due_for_slipping_customers(rows, ahead, policy) -> None:
    config = PlanConfig.from_settings({"policy.win_back": policy})
    customers = [c(i, q, last, trend, trend is LAPSED, revenue=revenue) for i, (q, last, trend, revenue) in enumerate(rows)]
    until = TODAY + dt.timedelta(days=ahead)
    fast = planning.due_list(customers, config, TODAY, until)
    slow = sorted((d for x in customers if (d := planning.due(x, config, TODAY, until))), key=planning.by_priority)
    assert fast == slow
    for d in fast:  # a win-back is planned only when it is more urgent than the segment's own contact
        own = planning._segment_due(d.customer, config, TODAY, until)
        assert not d.win_back or own is None or own.priority < d.priority


def test_sample_db_plans_win_back_calls_within_capacity(tmp_path) -> None:
    path = shutil.copy(ROOT / "sample.db", tmp_path / "sample.db")
    book = open_book(path)
    as_of = dt.date(2026, 12, 7)
    customers = plan_store.planning_customers(book, as_of)
    slipping = [x for x in customers if x.slip is not None]
    assert {x.slip.kind for x in slipping} == {"declining", "silent", "lapsed"}
    proposals = plan_store.plan_week(book, as_of, as_of, customers)
    back = [p for p in proposals if " · win back · " in p.reason]
    assert back and all(p.kind == "call" for p in back)
    per_day = {}
    for p in proposals:
        per_day[p.day, p.kind] = per_day.get((p.day, p.kind), 0) + 1
    assert all(n <= CONFIG.per_day(kind) for (_, kind), n in per_day.items())
    # ranked by priority, then by revenue at risk
    risk = {x.id: x.slip.at_risk for x in slipping}
    calls = [p for p in back if p.priority == CONFIG.win_back_weight]
    assert [risk[p.customer_id] for p in calls] == sorted((risk[p.customer_id] for p in calls), reverse=True)
    result = CliRunner().invoke(main, ["plan", str(path), "--as-of", "2026-12-07", "--format", "csv"])
    assert result.exit_code == 0 and "win back" in result.output


def test_win_back_contacts_count_in_what_the_policy_needs() -> None:
    lapsed = [c(i) for i in range(30)]  # Uninteresting (policy none) but slipping: a call every 30 days
    assert planning.feasibility(lapsed, CONFIG, TODAY).needed["call"] == pytest.approx(30 * 7 / 30)
    small_fry = [c(i, SF, trend=None, lapsed=False) for i in range(13)]  # call:91, not slipping
    assert planning.feasibility(small_fry, CONFIG, TODAY).needed["call"] == pytest.approx(13 * 7 / 91)
    off = PlanConfig.from_settings({"policy.win_back": "none"})
    assert planning.feasibility(lapsed, off, TODAY).needed["call"] == 0


def test_credit_notes_below_nothing_read_as_no_net_revenue() -> None:
    """Returns larger than purchases: not '142% less', but no net revenue."""
    returned = Trend("declining", -420_00, 1_000_00, None, ago(5), None, TODAY)
    assert slip(returned, False).words == "declining: no net revenue in the last 12 months"
    assert returned.words().startswith("no net revenue in the last 12 months (")


def test_the_board_says_a_win_back_is_why_a_customer_is_due(tmp_path) -> None:
    """A small fry due only for its win-back call says so, not just '129 days overdue' (its own
    interval is 91 days)."""
    from segtui.store.board import board_rows
    from segtui.ui.board import describe

    book = open_book(shutil.copy(ROOT / "sample.db", tmp_path / "sample.db"))
    rows = board_rows(book, dt.date(2026, 12, 7))
    back = [r for r in rows if r.entry is not None and r.entry.win_back]
    assert back
    for row in back[:5]:
        assert "win-back call" in describe(row, "SEK").plain
    own = next(r for r in rows if r.entry is not None and not r.entry.win_back and not r.entry.once)
    assert "win-back" not in describe(own, "SEK").plain
