"""``python -m benchmarks``: build (or reuse) the inputs, measure, print the table.

    python -m benchmarks                 # the 20,000-customer / 1,000,000-order book
    python -m benchmarks --quick         # a small book, one run of each (CI smoke)
    python -m benchmarks --scale 200k --cache /tmp/books   # 200,000 customers / 5,000,000 orders
    python -m benchmarks --only segments,plan --runs 3
    python -m benchmarks --markdown BENCHMARKS.md   # also rewrite the figures there
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks import books
from benchmarks.suite import BENCHMARKS, BUDGETS, Budgets, Context, Row
from benchmarks.timing import BenchError
from benchmarks.report import markdown_table, text_table

DEFAULT_RUNS = {"import": 3, "segments": 5, "paint": 5, "language": 5, "tmux": 5, "plan": 1}


def machine() -> dict[str, str]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import sqlite3

    try:
        import textual

        textual_version = getattr(textual, "__version__", "")
        if not textual_version:
            from importlib.metadata import version

            textual_version = version("textual")
    except Exception:  # pragma: no cover
        textual_version = "?"
    return {
        "load": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": textual_version,
        "system": f"{platform.system()} {platform.release()}",
    }


@dataclass(frozen=True)
class Plan:
    """What one run measures: the book, its budgets, the benchmarks and their runs."""

    scale: books.Scale
    budgets: Budgets
    chosen: list[str]
    quick: bool


def parse(argv: list[str] | None = None) -> tuple[argparse.Namespace, Plan]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small book (500 / 20,000), one run each")
    parser.add_argument("--scale", choices=list(books.SCALES), default="20k",
                        help="the book: 20k (20,000 customers / 1,000,000 orders, every budget) or 200k "
                             "(200,000 / 5,000,000: segments, keystroke, memory, first start with no board "
                             "kept); default 20k")
    parser.add_argument("--runs", type=int, help="alternating runs of each (default: per benchmark)")
    parser.add_argument("--only", help=f"comma-separated subset of: {', '.join(BENCHMARKS)}")
    parser.add_argument("--no-tmux", action="store_true", help="skip the real-terminal start-up")
    parser.add_argument("--cache", type=Path, default=books.CACHE, help="where the built books are kept")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON here")
    parser.add_argument("--markdown", type=Path, help="rewrite the figures section of this Markdown file")
    args = parser.parse_args(argv)
    if args.quick and args.scale != "20k":
        parser.error("--quick is its own small book; leave out --scale")
    budgets = BUDGETS[args.scale]
    chosen = list(budgets.benchmarks) if not args.only else [n.strip() for n in args.only.split(",")]
    unknown = [n for n in chosen if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    scale = books.QUICK if args.quick else books.SCALES[args.scale]
    return args, Plan(scale, budgets, chosen, args.quick)


def main(argv: list[str] | None = None) -> int:
    args, plan = parse(argv)
    chosen, scale = plan.chosen, plan.scale

    def say(message: str) -> None:
        print(f"· {message}", file=sys.stderr, flush=True)

    inputs = books.prepare(scale, args.cache, say)
    say(f"book: {inputs.customers:,} customers, {inputs.orders:,} orders; CSV: {inputs.csv_rows:,} rows "
        f"({inputs.dir.name})")
    # Byte-compile the sources first, as installing a package does: otherwise, where
    # PYTHONDONTWRITEBYTECODE is set, every timed start would compile segtui again.
    import compileall

    compileall.compile_dir(str(books.SRC), quiet=1)
    started = time.perf_counter()
    load_before = " ".join(f"{x:.2f}" for x in os.getloadavg())
    rows: list[Row] = []
    failures: list[str] = []
    with tempfile.TemporaryDirectory(prefix="segtui-bench-") as work:
        ctx = Context(inputs, Path(work), runs=1, warmup=not args.quick, tmux=not args.no_tmux,
                      quick=args.quick, say=say, budgets=plan.budgets)
        for name in chosen:
            ctx.runs = args.runs or (1 if args.quick else DEFAULT_RUNS[name])
            say(f"{name}: {ctx.runs} run(s) …")
            try:
                rows.extend(BENCHMARKS[name](ctx))
            except BenchError as error:
                say(f"{name} failed: {error}")
                rows.append(Row(name, "", skipped=f"failed: {error}"))
                failures.append(name)
    elapsed = time.perf_counter() - started
    command = "python -m benchmarks" + (" " + " ".join(argv if argv is not None else sys.argv[1:])).rstrip()
    info = machine()
    info["load_before"] = load_before
    when = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = (f"{when} · {info['nproc']} × {info['cpu']} · Python {info['python']} · SQLite {info['sqlite']} · "
              f"Textual {info['textual']} · load average {load_before} before, {info['load']} after"
              f"\nbook: {inputs.customers:,} customers, {inputs.orders:,} orders; "
              f"import CSV: {inputs.csv_rows:,} rows · {elapsed:.0f} s")
    print(header)
    print()
    print(text_table(rows, args.quick))
    if args.json:
        args.json.write_text(json.dumps({
            "when": when, "machine": info, "command": command, "quick": args.quick,
            "scale": "quick" if args.quick else args.scale,
            "book": {"customers": inputs.customers, "orders": inputs.orders, "csv_rows": inputs.csv_rows},
            "rows": [{"name": r.name, "target": r.target, "baseline": r.baseline, "unit": r.unit,
                      "kind": r.kind, "budget": r.budget, "value": r.value, "passed": r.passed,
                      "samples": r.t.samples if r.t else None, "baseline_samples": r.b.samples if r.b else None,
                      "skipped": r.skipped, "note": r.note} for r in rows],
        }, indent=2))
    if args.markdown:
        section = "\n".join([
            f"Measured {when} with `{command}` (from the repository root, "
            "`PYTHONPATH=src` or an installed segtui) in {:.0f} s.".format(elapsed),
            "",
            f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['system']}, Python {info['python']}, "
            f"SQLite {info['sqlite']}, Textual {info['textual']}; load average (1, 5, 15 min) "
            f"{load_before} before the run, {info['load']} after.",
            f"Book: {inputs.customers:,} customers, {inputs.orders:,} orders (`segtui demo --customers "
            f"{scale.customers} --orders {scale.orders} --seed {scale.seed} --today {scale.today}`); "
            f"import CSV: {inputs.csv_rows:,} order rows.",
            "",
            markdown_table(rows, args.quick),
        ])
        write_section(args.markdown, section,
                      "figures" if args.quick or args.scale == "20k" else f"figures-{args.scale}")
    failed = [r for r in rows if r.passed is False]
    if failures:
        return 2
    return 0 if args.quick or not failed else 1


def write_section(path: Path, section: str, name: str = "figures") -> None:
    """Replace what stands between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``
    (each size of book has its own pair, so one run leaves the other's figures be)."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmarks\n\n{start}\n{end}\n"
    if start not in text:
        text += f"\n{start}\n{end}\n"
    text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: f"{start}\n{section}\n{end}",
                  text, flags=re.DOTALL)
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
