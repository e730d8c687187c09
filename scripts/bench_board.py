"""Time the board on a book (DESIGN §7 style benchmark, not a test).

    PYTHONPATH=src python scripts/bench_board.py /tmp/big.db [--as-of 2026-11-23]

Runs the app headless at 120×36, waits for the book to be read, then sends keys
one at a time and measures the wall time from the key to the end of the repaint
it causes (the screen's compositor refresh). Also prints how long reading the
book took (segment_book plus due dates, in the worker).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from textual import events

from segtui.store.book import open_book
from segtui.ui.app import SegtuiApp


async def run(path: str, as_of: dt.date) -> None:
    app = SegtuiApp(open_book(path), as_of=as_of, config_dir=Path(tempfile.mkdtemp()))
    async with app.run_test(size=(120, 36)) as pilot:
        start = time.perf_counter()
        while not app.board.loaded:
            await pilot.pause(0.01)
        await app.workers.wait_for_complete()
        await pilot.pause(0.5)
        print(f"read the book: {time.perf_counter() - start:.2f} s for {len(app.board.rows)} customers")
        screen = app.screen
        painted: list[float] = []
        original = screen._compositor_refresh

        def timed_refresh() -> None:
            original()
            painted.append(time.perf_counter())

        screen._compositor_refresh = timed_refresh
        for key, count in (("j", 200), ("k", 50), ("pagedown", 50), ("tab", 40)):
            times = []
            for _ in range(count):
                painted.clear()
                sent = time.perf_counter()
                app.post_message(events.Key(key, key if len(key) == 1 else None))
                while not painted:
                    await asyncio.sleep(0)
                times.append((painted[-1] - sent) * 1000)
                await pilot.pause(0.02)
            times.sort()
            print(
                f"{key:>8}: median {statistics.median(times):5.1f} ms  "
                f"p90 {times[int(len(times) * 0.9)]:5.1f} ms  max {times[-1]:5.1f} ms  (n={count})"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book")
    parser.add_argument("--as-of", default="2026-11-23")
    args = parser.parse_args()
    asyncio.run(run(args.book, dt.date.fromisoformat(args.as_of)))


if __name__ == "__main__":
    main()
