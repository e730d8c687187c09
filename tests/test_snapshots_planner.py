"""What the planner looks like (120×36, as of 2026-11-23), a planned demo week."""

from __future__ import annotations

from books import planner_host, settle
from conftest import DEMO_TODAY as TODAY

from segtui.store import plan as plan_store
from segtui.store.book import open_book


def test_planner_snapshot(snap_compare, demo_book_copy) -> None:
    book = open_book(demo_book_copy)
    plan_store.plan_week(book, TODAY, TODAY)
    first = plan_store.week_items(book, TODAY)[0]
    plan_store.mark_done(book, first.id, TODAY)

    async def run_before(pilot) -> None:
        await settle(pilot, final=0.1)
        await pilot.press("j")
        await settle(pilot, final=0.1)

    assert snap_compare(planner_host(book, TODAY), terminal_size=(120, 36), run_before=run_before)
