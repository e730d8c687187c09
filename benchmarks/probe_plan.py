"""Child process: time the planner filling one week on a book, in process.

``--check`` only says whether the planner has landed. Otherwise the segments are
computed first (the board has them already when a rep plans) and then only the
planning of the week is timed, ``--times`` times.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
import time


def available() -> tuple[bool, str]:
    for module in ("segtui.domain.planning", "segtui.store.plan"):
        if importlib.util.find_spec(module) is None:
            return False, f"the planner ({module}) has not landed on main"
    return True, ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--book")
    parser.add_argument("--as-of", default="2026-11-23")
    parser.add_argument("--times", type=int, default=5)
    args = parser.parse_args()
    ok, why = available()
    if args.check:
        json.dump({"available": ok, "why": why}, sys.stdout)
        return
    raise SystemExit("the planner's entry point is not wired into the benchmark yet")


if __name__ == "__main__":
    main()
