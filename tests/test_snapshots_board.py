"""Snapshots of the board at 120×36 on a demo book as of 2026-11-23."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from segtui.store.demo import generate
from segtui.ui.app import SegtuiApp

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("snap") / "demo.db"
    generate(path, customers=40, today=AS_OF).close()
    return path


def make_app(demo_path, tmp_path, theme=None):
    from segtui.store.book import open_book

    # A fixed (empty) config folder: the help screen shows its path.
    config = Path("/tmp/segtui-snapshot-config")
    return SegtuiApp(open_book(demo_path), as_of=AS_OF, config_dir=config, theme=theme)


async def wait_for_board(pilot):
    """The worker reading the book starts after the first frame: wait for it to finish."""
    for _ in range(200):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if pilot.app.board.loaded and not pilot.app.workers:
            return


def test_board(snap_compare, demo_path, tmp_path):
    assert snap_compare(make_app(demo_path, tmp_path), terminal_size=(120, 36), run_before=wait_for_board)


def test_board_filtered_by_search(snap_compare, demo_path, tmp_path):
    async def search(pilot):
        await wait_for_board(pilot)
        await pilot.press("4", "down", "slash", *"ab", "enter")
        await pilot.pause()

    assert snap_compare(make_app(demo_path, tmp_path), terminal_size=(120, 36), run_before=search)


def test_board_in_sixteen_colours(snap_compare, demo_path, tmp_path):
    app = make_app(demo_path, tmp_path, theme="ansi-dark")
    assert snap_compare(app, terminal_size=(120, 36), run_before=wait_for_board)


def test_help(snap_compare, demo_path, tmp_path):
    async def help_screen(pilot):
        await wait_for_board(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make_app(demo_path, tmp_path), terminal_size=(120, 36), run_before=help_screen)
