"""What the planner looks like (120×36, as of 2026-11-23), a planned demo week."""

from __future__ import annotations

import datetime as dt

from textual.app import App

from segtui.store import plan as plan_store
from segtui.store.book import open_book
from segtui.store.demo import generate
from segtui.ui.planner import PlannerScreen

TODAY = dt.date(2026, 11, 23)


class PlannerApp(App):
    def __init__(self, book):
        super().__init__()
        self.book = book

    def on_mount(self) -> None:
        self.push_screen(PlannerScreen(self.book, TODAY))


async def settle(pilot) -> None:
    for _ in range(300):
        await pilot.pause(0.02)
        if not any(w.is_running or w.state.name == "PENDING" for w in pilot.app.workers):
            break
    await pilot.pause(0.1)


def test_planner_snapshot(snap_compare, tmp_path) -> None:
    path = tmp_path / "demo.db"
    generate(path, customers=120, today=TODAY).close()
    book = open_book(path)
    plan_store.plan_week(book, TODAY, TODAY)
    first = plan_store.week_items(book, TODAY)[0]
    plan_store.mark_done(book, first.id, TODAY)

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("j")
        await settle(pilot)

    assert snap_compare(PlannerApp(book), terminal_size=(120, 36), run_before=run_before)
