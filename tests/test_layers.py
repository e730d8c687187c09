"""The direction of imports (DESIGN §6): domain is pure, store never reaches the UI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "segtui"

FORBIDDEN = {
    "domain": ("segtui.store", "segtui.ui", "segtui.io", "segtui.cli", "textual", "sqlite3", "sqlite_utils"),
    "store": ("segtui.ui", "segtui.cli", "textual"),
    "io": ("segtui.ui", "segtui.cli", "textual"),
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_layer_imports_only_what_it_may(layer: str) -> None:
    offences = []
    for path in sorted((SRC / layer).rglob("*.py")):
        for name in imported_modules(path):
            if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN[layer]):
                offences.append(f"{path.relative_to(SRC)} imports {name}")
    assert offences == []


def test_the_check_catches_an_offence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from textual.app import App\nimport segtui.store.book\n")
    assert {"textual.app", "segtui.store.book"} <= imported_modules(bad)


@pytest.mark.parametrize(
    "args",
    [["segments", "--format", "csv"], ["plan", "--format", "csv"], ["plan", "--mailing", "--format", "csv"]],
    ids=["segments", "plan", "plan-mailing"],
)
def test_commands_do_not_load_textual(tmp_path: Path, args: list[str]) -> None:
    command, options = args[0], args[1:]
    code = (
        "import sys; from segtui.cli import main\n"
        f"try:\n    main([{command!r}, sys.argv[1], *{options!r}])\nexcept SystemExit:\n    pass\n"
        "assert not [m for m in sys.modules if m.startswith('textual')], 'textual was imported'\n"
    )
    from segtui.store.book import open_book

    open_book(tmp_path / "b.db").close()
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path / "b.db")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith(("customer,", "day,")), result.stdout  # the command ran
