"""What estimated potential adds to `segtui segments` (DESIGN §7: at most 20 %).

    PYTHONPATH=src python -m benchmarks.estimate BOOK [--runs 5] [--as-of 2026-11-23]

Two copies of BOOK, one with `potential.estimate peers` (the default) and one with
`off`; `segtui segments COPY --format csv` on each, alternating, whole process; then
`segment_book` in process on each (what the board's first start runs); then the app's
first start with no board kept (a fresh cache folder each time), launch to the first
paint of the board with customers (benchmarks/probe_app.py). Reports the medians and
the ratio with / without.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.timing import run_process

PY = sys.executable


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("book")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--as-of", default="2026-11-23")
    args = parser.parse_args(argv)
    from segtui.store.book import open_book
    from segtui.store.segments import segment_book

    with tempfile.TemporaryDirectory() as tmp:
        copies = {}
        for mode in ("peers", "off"):
            copy = Path(tmp) / f"{mode}.db"
            shutil.copy(args.book, copy)
            book = open_book(copy)
            book.set_setting("potential.estimate", mode)
            book.close()
            copies[mode] = copy
        book = open_book(copies["peers"])
        rows = segment_book(book, dt.date.fromisoformat(args.as_of))
        estimated = sum(r.estimate is not None and r.estimate.source == "estimated" for r in rows)
        book.close()
        process: dict[str, list[float]] = {"peers": [], "off": []}
        inside: dict[str, list[float]] = {"peers": [], "off": []}
        for _ in range(args.runs + 1):  # the first round warms the file cache and is dropped
            for mode, copy in copies.items():
                cmd = [PY, "-m", "segtui", "segments", str(copy), "--format", "csv", "--as-of", args.as_of]
                process[mode].append(run_process(cmd).seconds)
                book = open_book(copy)
                start = time.perf_counter()
                segment_book(book, dt.date.fromisoformat(args.as_of))
                inside[mode].append(time.perf_counter() - start)
                book.close()
        # the estimate's own share of segment_book, timed inside the same calls (robust to a busy machine)
        from segtui.store import segments as engine

        own: list[float] = []
        whole: list[float] = []
        estimate = engine._with_estimates

        def timed(*a, **k):
            start = time.perf_counter()
            try:
                return estimate(*a, **k)
            finally:
                own.append(time.perf_counter() - start)

        engine._with_estimates = timed
        book = open_book(copies["peers"])
        for _ in range(args.runs):
            start = time.perf_counter()
            segment_book(book, dt.date.fromisoformat(args.as_of))
            whole.append(time.perf_counter() - start)
        book.close()
        engine._with_estimates = estimate
        print(f"{len(rows):,} customers, {estimated:,} estimated; {args.runs} runs after a warm-up")
        share = [o / w for o, w in zip(own, whole)]
        print(f"the estimate inside segment_book: median {statistics.median(own) * 1000:.0f} ms of "
              f"{statistics.median(whole) * 1000:.0f} ms; it adds {statistics.median([o / (w - o) for o, w in zip(own, whole)]):.0%} "
              f"to the rest (min {min(share):.0%} of the whole)")
        paint: dict[str, list[float]] = {"peers": [], "off": []}
        probe = Path(__file__).resolve().parent / "probe_app.py"
        for run in range(args.runs + 1):
            for mode, copy in copies.items():
                cache = Path(tmp) / f"cache-{mode}-{run}"  # nothing kept: the first start after an import
                launched = time.monotonic()
                done = run_process([PY, probe, "app", "--book", str(copy), "--as-of", args.as_of,
                                    "--cache-dir", str(cache)], capture=True, timeout=300)
                first = json.loads(done.stdout).get("first_paint")
                paint[mode].append(first - launched if first is not None else float("nan"))
        for name, series in (("segtui segments --format csv (process)", process),
                             ("segment_book (in process, the board's first start)", inside),
                             ("the app's first start, no board kept: launch to the board painted", paint)):
            on, off = statistics.median(series["peers"][1:]), statistics.median(series["off"][1:])
            low_on, low_off = min(series["peers"][1:]), min(series["off"][1:])
            print(f"{name}: median with estimates {on:.3f} s, without {off:.3f} s → {on / off:.2f}×; "
                  f"fastest {low_on:.3f} s vs {low_off:.3f} s → {low_on / low_off:.2f}×")


if __name__ == "__main__":
    main()
