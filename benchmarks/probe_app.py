"""Child process: start the board (or the hello-world app) headless with ``run_test``
and report, as JSON on stdout, when its first complete paint happened and how long
keystrokes take to reach the screen.

Times are ``time.monotonic()`` (one clock for every process on Linux), so the parent
subtracts its own launch time. Reading the screen text of paints that are not yet
the board costs the probe a few milliseconds each; that time is taken off. A paint is a call of ``App._display`` with an update;
headless apps render every update exactly as a terminal app does, then drop the bytes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path

LAUNCHED = time.monotonic()


def screen_text(app) -> str:
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    lines = []
    for line in update.strips:
        lines.append("".join(segment.text for strip in line for segment in strip))
    return "\n".join(lines)


class Watch:
    """Records paints; finds the first one that satisfies ``ready``."""

    def __init__(self, app, ready):
        self.app = app
        self.ready = ready
        self.first_ready: float | None = None
        self.last_paint: float | None = None
        self.first_paint: float | None = None  # first paint since last_paint was reset
        self.paints = 0
        self.overhead = 0.0  # seconds spent reading the screen before it was ready
        self.event = asyncio.Event()
        original = app._display

        def display(screen, renderable):
            original(screen, renderable)
            if renderable is None:
                return
            now = time.monotonic()
            self.paints += 1
            if self.last_paint is None:
                self.first_paint = now
            self.last_paint = now
            if self.first_ready is None:
                text = screen_text(app)
                checked = time.monotonic()
                if self.ready(text):
                    # the check itself is the probe's cost, not the app's
                    self.first_ready = now - self.overhead
                    self.event.set()
                else:
                    self.overhead += checked - now

        app._display = display


async def settle(pilot, watch: "Watch", quiet: float = 0.15, limit: float = 5.0) -> None:
    """Wait until the app has handled everything and nothing has painted for ``quiet``
    seconds (results from thread workers included). Long-lived workers (a screen's
    database loop, say) never finish, so they are not waited for."""
    started = time.monotonic()
    await pilot.pause()
    while time.monotonic() - started < limit:
        seen = watch.paints
        await asyncio.sleep(quiet)
        await pilot.pause()
        if watch.paints == seen:
            return


async def wait_ready(pilot, watch: "Watch", timeout: float, give_up: float | None) -> bool:
    """Wait for the ready paint; with ``give_up``, stop early once the app has not
    painted for that many seconds without showing it (is there a board at all?)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            await asyncio.wait_for(watch.event.wait(), timeout=0.25)
            return True
        except asyncio.TimeoutError:
            pass
        last = watch.last_paint or started
        if give_up is not None and time.monotonic() - last > give_up:
            return False
    return watch.event.is_set()


async def key_to_paint(
    pilot, watch: "Watch", key: str, quiet: float = 0.15, limit: float = 10.0
) -> tuple[float, float] | None:
    """Seconds from sending the key to the first and to the last paint it caused
    (None: nothing repainted).

    The key goes to the driver's queue as a terminal's would, and the app repaints on
    its own refresh timer: nothing here forces a paint or floods the widgets with
    messages (as ``pilot.pause`` does), so the figure is the app's, not the harness's.
    Waiting ends once nothing has painted for ``quiet`` seconds."""
    await settle(pilot, watch)
    app = pilot.app
    watch.last_paint = None
    started = time.monotonic()
    sending = asyncio.create_task(app._press_keys([key]))
    while time.monotonic() - started < limit:
        seen = watch.paints
        await asyncio.sleep(quiet)
        if watch.paints == seen and (watch.last_paint is not None or time.monotonic() - started > 1):
            break
    await sending
    if watch.last_paint is None:
        return None  # the key changed nothing on screen
    return watch.first_paint - started, watch.last_paint - started


async def drive(app, ready, args) -> dict:
    result: dict = {"launched": LAUNCHED}
    watch = Watch(app, ready)
    async with app.run_test(size=(args.width, args.height)) as pilot:
        if not await wait_ready(pilot, watch, args.timeout, args.give_up):
            result["first_paint"] = None
            result["screen"] = screen_text(app)
            return result
        result["first_paint"] = watch.first_ready
        result["probe_overhead"] = watch.overhead
        if args.settle and hasattr(app, "board"):
            # Let the board read the whole book (and keep it for the next start).
            started = time.monotonic()
            while time.monotonic() - started < args.timeout:
                await pilot.pause()
                if getattr(app.board, "loaded", True) and not app.workers:
                    break
                await asyncio.sleep(0.05)
            result["settled"] = time.monotonic()
        if args.keys:
            board = app.screen
            before = screen_text(app)
            moves = []
            for i in range(args.keys):
                moves.append(await key_to_paint(pilot, watch, "down" if i % 4 < 2 else "up"))
            result["cursor"] = [m[1] for m in moves if m is not None]
            await pilot.press("down")
            await settle(pilot, watch)
            result["cursor_moved"] = screen_text(app) != before
            opens = []
            for _ in range(args.opens):
                took = await key_to_paint(pilot, watch, "enter")
                result["opened_screen"] = type(app.screen).__name__
                if took is None or app.screen is board:
                    break
                opens.append(took)
                await pilot.press("escape")
                await settle(pilot, watch)
            result["open_customer"] = [o[0] for o in opens] or None
            result["open_customer_settled"] = [o[1] for o in opens] or None
        result["paints"] = watch.paints
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["app", "hello"])
    parser.add_argument("--book")
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=36)
    parser.add_argument("--timeout", type=float, default=60)
    parser.add_argument("--give-up", type=float, help="stop waiting after this long without a paint")
    parser.add_argument("--keys", type=int, default=0, help="cursor keystrokes to time")
    parser.add_argument("--opens", type=int, default=0, help="customer openings to time")
    parser.add_argument("--settle", action="store_true", help="after the first paint, wait until the book is read")
    parser.add_argument("--cache-dir", help="the app's cache folder (the board kept from the last start)")
    parser.add_argument("--language", help="LANG for the app (sv_SE.UTF-8: the board in Swedish)")
    args = parser.parse_args()
    import faulthandler

    # never hang a benchmark run: dump where it is stuck and give up
    faulthandler.dump_traceback_later(args.timeout + 60, exit=True)
    if args.mode == "app":
        import datetime as dt

        import segtui.launch  # noqa: F401  (what `segtui BOOK` loads before the app)
        from segtui.store.book import open_book
        from segtui.ui.app import SegtuiApp

        from benchmarks.screens import board_ready

        import inspect
        import tempfile

        options = {}
        if "config_dir" in inspect.signature(SegtuiApp).parameters:
            options["config_dir"] = Path(tempfile.mkdtemp(prefix="segtui-bench-config-"))  # not the user's
        if args.cache_dir and "cache_dir" in inspect.signature(SegtuiApp).parameters:
            options["cache_dir"] = Path(args.cache_dir)
        book = open_book(args.book, create=False)
        if args.language:
            import segtui.launch as launch

            if not hasattr(launch, "speak"):
                raise SystemExit("this segtui speaks only English")
            launch.speak(book, {"LANG": args.language})
        app = SegtuiApp(book, as_of=dt.date.fromisoformat(args.as_of), **options)
        ready = board_ready
    else:
        from benchmarks.hello import HelloApp
        from benchmarks.screens import hello_ready

        app, ready = HelloApp(), hello_ready
    result = asyncio.run(drive(app, ready, args))
    if hasattr(app, "close_book"):  # as the command line closes it: the board kept stays the book's
        app.close_book()
    json.dump(result, sys.stdout)


if __name__ == "__main__":
    main()
