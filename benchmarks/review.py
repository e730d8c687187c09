"""How fast a rep gets through the review of estimates (issue: 100 customers in ten minutes).

    PYTHONPATH=src python -m benchmarks.review BOOK [--as-of 2026-11-23] [--customers 20]

On a copy of BOOK, headless at 120×36: the board is read, `e` opens the review, then one key
per customer — `y` confirms the estimate shown (a dated assessment, saved on the screen's writer)
and `s` skips — each timed from the key to the last paint it caused, and until its save is done.
Then `Y` and `y` confirm every estimate left, in one transaction, timed until the count on screen
says they are saved. The baseline, in the same run: `down` on the board (a cursor move, the
quickest thing the app paints). Reports medians in milliseconds and keys per customer.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.probe_app import Watch, key_to_paint, settle


async def _until(condition, limit: float = 120.0) -> float:
    """Seconds until ``condition()`` holds; raises when it never does within ``limit``."""
    started = time.monotonic()
    while not condition():
        if time.monotonic() - started > limit:
            raise TimeoutError("the review did not finish its work")
        await asyncio.sleep(0.005)
    return time.monotonic() - started


async def _run(book_path: Path, as_of: dt.date, customers: int) -> dict:
    from segtui.store.book import open_book
    from segtui.ui.app import SegtuiApp
    from segtui.ui.review import ReviewScreen

    book = open_book(book_path)
    app = SegtuiApp(book, as_of=as_of, config_dir=book_path.parent / "config")
    out: dict = {}
    watch = Watch(app, lambda text: True)
    async with app.run_test(size=(120, 36)) as pilot:
        await _until(lambda: app.board.loaded and not app.workers, 300)
        await settle(pilot, watch)
        base = [await key_to_paint(pilot, watch, "down" if i % 2 == 0 else "up") for i in range(customers)]
        out["board_cursor"] = [b[1] for b in base if b]
        started = time.monotonic()
        await pilot.press("e")
        await _until(lambda: isinstance(app.screen, ReviewScreen) and not app.screen.busy, 300)
        out["open_review"] = time.monotonic() - started
        screen = app.screen
        out["waiting"] = len(screen.queue) if hasattr(screen, "queue") else None
        for key, name in (("y", "confirm"), ("s", "skip")):
            paints, saved = [], []
            for _ in range(customers):
                took = await key_to_paint(pilot, watch, key)
                if took is None:
                    raise RuntimeError(f"{key} painted nothing")
                paints.append(took[1])
                saved.append(took[1] + await _until(lambda: not screen.busy))
            out[name] = paints
            out[name + "_saved"] = saved
        started = time.monotonic()
        await pilot.press("Y")
        await pilot.pause()
        await pilot.press("y")
        await _until(lambda: app.screen is screen and not screen.busy, 300)
        out["confirm_all"] = time.monotonic() - started
    book.close()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("book")
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--customers", type=int, default=20)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "review.db"
        shutil.copy(args.book, copy)
        (copy.parent / "config").mkdir()
        from segtui.store.book import open_book
        from segtui.store.segments import segment_book

        book = open_book(copy)
        rows = segment_book(book, dt.date.fromisoformat(args.as_of))
        estimated = sum(r.estimate is not None and r.estimate.source == "estimated" for r in rows)
        book.close()
        result = asyncio.run(_run(copy, dt.date.fromisoformat(args.as_of), args.customers))
        book = open_book(copy)
        left = sum(r.estimate is not None and r.estimate.source == "estimated"
                   for r in segment_book(book, dt.date.fromisoformat(args.as_of)))
        book.close()

    def ms(values) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})"

    base = statistics.median(result["board_cursor"])
    print(f"book: {len(rows):,} customers, {estimated:,} potentials only estimated; {args.customers} of each key")
    print(f"baseline: down on the board, key to paint          {ms(result['board_cursor'])}")
    for name, words in (("confirm", "y confirms, key to next customer"), ("skip", "s skips, key to next customer")):
        ratio = statistics.median(result[name]) / base
        print(f"{words:<50} {ms(result[name])}  {ratio:.1f}× the baseline")
        print(f"{'  … until its save is done':<50} {ms(result[name + '_saved'])}")
    print(f"open the review (e) until it is ready               {result['open_review'] * 1000:.0f} ms")
    print(f"confirm all the rest (Y, y) until saved             {result['confirm_all'] * 1000:.0f} ms "
          f"({estimated - left:,} confirmed in all; {left:,} estimates left in the book)")
    print("keys per customer: 1 (y or s); a corrected figure: its digits and enter")


if __name__ == "__main__":
    main()
