"""The code passes mypy with the settings in pyproject.toml ([tool.mypy]: which files, how
strict). A finding fails the suite with mypy's own line, so CI holds every change to it.
The cache is a fresh directory per run: nothing of an earlier run or another checkout counts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_nothing(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(tmp_path / "mypy"), "--no-incremental",
         "--no-error-summary", "--config-file", "pyproject.toml"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
