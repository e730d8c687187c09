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


def test_the_200k_run_measures_the_distributor_budgets_on_the_distributor_book() -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks import books
    from benchmarks.__main__ import parse

    args, plan = parse(["--scale", "200k", "--cache", "/tmp/books"])
    assert (plan.scale.customers, plan.scale.orders) == (200_000, 5_000_000)
    assert (plan.scale.seed, plan.scale.today) == (1, "2026-11-23")
    assert args.cache == Path("/tmp/books")
    # DESIGN §7 at 200,000 / 5,000,000: segments ≤ 2×, keystroke ≤ 50 ms, memory ≤ 500 MB, no board kept ≤ 5×
    budgets = plan.budgets
    assert (budgets.segments, budgets.keystroke_ms, budgets.memory_mb, budgets.paint_cold) == (2.0, 50, 500, 5.0)
    assert plan.chosen == ["segments", "paint"]
    assert books.cache_key(plan.scale) != books.cache_key(books.BIG)  # a book of its own in the cache

    _, default = parse([])
    assert default.scale == books.BIG and default.budgets.memory_mb == 250 and default.budgets.paint_cold == 2.5
    assert "import" in default.chosen and "plan" in default.chosen
    _, subset = parse(["--scale", "200k", "--only", "segments"])
    assert subset.chosen == ["segments"] and subset.scale == books.DISTRIBUTOR


def test_the_scale_is_checked(capsys) -> None:
    sys.path.insert(0, str(ROOT))
    import pytest

    from benchmarks.__main__ import parse

    for argv in (["--scale", "2m"], ["--scale", "200k", "--quick"], ["--scale", "200k", "--only", "sort"]):
        with pytest.raises(SystemExit):
            parse(argv)
    assert "--scale" in capsys.readouterr().err


def test_each_size_of_book_rewrites_only_its_own_figures(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from benchmarks.__main__ import write_section

    page = tmp_path / "BENCHMARKS.md"
    page.write_text("# Benchmarks\n\n<!-- figures:start -->\nold 20k\n<!-- figures:end -->\n\nprose\n")
    write_section(page, "new 200k", "figures-200k")
    write_section(page, "new 20k")
    text = page.read_text()
    assert "new 20k" in text and "old 20k" not in text and "prose" in text
    assert "<!-- figures-200k:start -->\nnew 200k\n<!-- figures-200k:end -->" in text
    write_section(page, "newer 200k", "figures-200k")
    assert "newer 200k" in page.read_text() and "new 200k\n" not in page.read_text()
