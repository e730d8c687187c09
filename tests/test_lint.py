"""The code passes ruff with the rules in pyproject.toml ([tool.ruff.lint]: syntax errors and
pyflakes — unused imports and variables, undefined names, an import shadowed by a loop variable).
A finding fails the suite with ruff's own line, so CI holds every change to it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise",
         "src", "tests", "scripts", "benchmarks"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
