"""The wall clock is read in one place (segtui.clock), so the suite can move it."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "segtui"
READS = {("date", "today"), ("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"), ("time", "time")}


def wall_clock_reads(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", None)
            if (name, node.func.attr) in READS:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    return found


def test_only_the_clock_module_reads_the_wall_clock() -> None:
    offences = [hit for path in sorted(SRC.rglob("*.py")) if path.name != "clock.py" for hit in wall_clock_reads(path)]
    assert offences == []


def test_the_check_finds_a_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import datetime as dt, time\nx = dt.date.today()\ny = time.time()\nz = dt.datetime.now(tz=None)\n")
    global SRC
    old, SRC = SRC, tmp_path
    try:
        assert wall_clock_reads(bad) == ["bad.py:2", "bad.py:3", "bad.py:4"]
    finally:
        SRC = old


def test_safety_copies_are_stamped_in_utc(tmp_path: Path, monkeypatch) -> None:
    from segtui import clock
    from segtui.store.backup import backup_before

    book = tmp_path / "book.db"
    import sqlite3

    sqlite3.connect(book).execute("CREATE TABLE t (x)").connection.commit()
    monkeypatch.setattr(clock, "now_utc", lambda: dt.datetime(2026, 10, 25, 1, 30, tzinfo=dt.timezone.utc))
    copy = backup_before(book, "a test")
    assert copy is not None and copy.name == "book.db.2026-10-25T0130.bak"
