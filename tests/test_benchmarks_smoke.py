"""The benchmark harness still runs end to end (quick mode: a small book, one run of
each). A smoke test, not a timing assertion: the figures are in BENCHMARKS.md."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_benchmarks_run_and_report_every_budget(tmp_path: Path) -> None:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), str(ROOT), env.get("PYTHONPATH")]))
    figures = tmp_path / "figures.json"
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--no-tmux", "--cache", str(tmp_path / "cache"),
         "--json", str(figures)],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(figures.read_text())
    assert report["quick"] is True
    assert report["book"]["customers"] == 500
    rows = {row["name"].split(",")[0]: row for row in report["rows"]}
    # every budget of DESIGN §7 has a line: measured, or skipped with the reason
    for name in ("segments", "peak memory of segtui segments", "first paint (headless run_test)",
                 "cursor keystroke on the board", "peak memory of the app", "plan a week"):
        assert name in rows, sorted(rows)
    assert any(name.startswith("import") for name in rows)
    for row in report["rows"]:
        assert (row["value"] is not None) != bool(row["skipped"]), row
    # the engine has landed, so segments is always measured against its baseline
    segments = rows["segments"]
    assert segments["value"] > 0 and len(segments["samples"]) == 1 and len(segments["baseline_samples"]) == 1
    assert "segments" in done.stdout and "budget" in done.stdout


def test_the_cache_is_reused(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks import books

    calls: list[str] = []
    scale = books.Scale(customers=20, orders=200, csv_rows=50)
    first = books.prepare(scale, tmp_path, calls.append)
    assert first.customers == 20 and first.csv_rows == 50
    assert first.book.exists() and first.bare.exists()
    header = first.csv.read_text(encoding="utf-8").splitlines()[0]
    assert header == "customer,customer_name,order,date,amount,currency"
    built = len(calls)
    again = books.prepare(scale, tmp_path, calls.append)
    assert again.dir == first.dir and len(calls) == built  # nothing rebuilt
    shutil.rmtree(first.dir)
