"""CPU time to read the board's kept snapshot (the JSON cache painted at start)
against unpickling the same snapshot, each in fresh processes.

    PYTHONPATH=src python -m benchmarks.snapshot_load sample.db --runs 5
"""

from __future__ import annotations

import argparse
import datetime as dt
import pickle
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

AS_OF = dt.date(2026, 12, 7)


def make(book_path: Path, folder: Path) -> int:
    from segtui.store.board import board_rows
    from segtui.store.book import open_book
    from segtui.ui import snapshot
    from segtui.ui.board import BoardView

    book = open_book(book_path)
    try:
        taken = snapshot.take(AS_OF, "SEK", book.settings(), BoardView().apply(board_rows(book, AS_OF)))
    finally:
        book.close()
    snapshot.save(folder / "kept.board", taken)
    (folder / "kept.pickle").write_bytes(pickle.dumps((snapshot.VERSION, taken), protocol=pickle.HIGHEST_PROTOCOL))
    return sum(len(rows) for rows in taken.lists.values())


def read(kind: str, folder: Path) -> float:
    from segtui.store.board import BoardRow  # noqa: F401  (the board imports it anyway)
    from segtui.ui import snapshot

    start = time.process_time()
    if kind == "json":
        assert snapshot.load(folder / "kept.board") is not None
    else:
        pickle.loads((folder / "kept.pickle").read_bytes())
    return (time.process_time() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("book", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--read", choices=["json", "pickle"], help=argparse.SUPPRESS)
    parser.add_argument("--folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        print(read(args.read, args.folder))
        return
    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        copy = folder / "book.db"
        shutil.copy(args.book, copy)
        rows = make(copy, folder)
        times: dict[str, list[float]] = {"json": [], "pickle": []}
        for _run in range(args.runs):
            for kind in times:
                out = subprocess.run([sys.executable, "-m", "benchmarks.snapshot_load", str(copy), "--read", kind,
                                      "--folder", str(folder)], capture_output=True, text=True, check=True)
                times[kind].append(float(out.stdout))
    for kind, values in times.items():
        print(f"{kind:>6}: median {statistics.median(values):.1f} ms CPU ({min(values):.1f}–{max(values):.1f}), "
              f"{rows} rows kept")


if __name__ == "__main__":
    main()
