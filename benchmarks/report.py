"""The table of figures: plain text for the terminal, Markdown for BENCHMARKS.md."""

from __future__ import annotations

from benchmarks.suite import Row
from benchmarks.timing import Series


def _num(value: float, unit: str) -> str:
    if unit == "s":
        return f"{value:.3f} s" if value < 10 else f"{value:.2f} s"
    if unit == "ms":
        return f"{value:.1f} ms"
    return f"{value:.0f} MB"


def _series(series: Series | None, unit: str) -> str:
    if series is None:
        return ""
    if len(series.samples) == 1:
        return _num(series.median, unit)
    return f"{_num(series.median, unit)} ({_num(series.low, unit)}–{_num(series.high, unit)})"


def _budget(row: Row) -> str:
    if row.budget is None:
        return ""
    if row.kind == "ratio":
        return f"≤ {row.budget:g}×"
    return f"≤ {_num(row.budget, row.unit)}"


def _result(row: Row) -> str:
    if row.value is None:
        return ""
    return f"{row.value:.2f}×" if row.kind == "ratio" else _num(row.value, row.unit)


def _verdict(row: Row, quick: bool) -> str:
    if row.skipped:
        return "skipped"
    if row.passed is None:
        return ""
    if quick:
        return "(quick)"
    return "pass" if row.passed else "FAIL"


COLUMNS = ["benchmark", "measured", "median (min–max)", "baseline", "baseline median (min–max)",
           "result", "budget", "verdict"]


def cells(row: Row, quick: bool) -> list[str]:
    return [row.name, row.target, _series(row.t, row.unit), row.baseline if row.t else row.baseline,
            _series(row.b, row.unit), _result(row), _budget(row), _verdict(row, quick)]


def text_table(rows: list[Row], quick: bool) -> str:
    table = [COLUMNS] + [cells(r, quick) for r in rows]
    # the baseline's description is long; keep the terminal table narrow
    keep = [0, 2, 4, 5, 6, 7]
    table = [[line[i] for i in keep] for line in table]
    widths = [max(len(line[i]) for line in table) for i in range(len(keep))]
    out = []
    for n, line in enumerate(table):
        out.append("  ".join(cell.ljust(w) for cell, w in zip(line, widths)).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    notes = [f"- {r.name}: {r.skipped}" for r in rows if r.skipped]
    notes += [f"- {r.name}: {r.note}" for r in rows if r.note and not r.skipped]
    return "\n".join(out + ([""] + notes if notes else []))


def markdown_table(rows: list[Row], quick: bool) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    for row in rows:
        out.append("| " + " | ".join(esc(c) for c in cells(row, quick)) + " |")
    notes = [f"- **{esc(r.name)}**: {esc(r.skipped)}" for r in rows if r.skipped]
    notes += [f"- {esc(r.name)}: {esc(r.note)}" for r in rows if r.note and not r.skipped]
    return "\n".join(out + ([""] + notes if notes else []))
