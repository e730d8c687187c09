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


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.stmt) -> bool:
    test = getattr(node, "test", None)
    return isinstance(node, ast.If) and (
        (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING")
        or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"))


def module_level_imports(path: Path, name: str, known: set[str]) -> set[str]:
    """The modules of ``known`` that importing ``name`` imports at once: its imports at module
    level (also inside a module-level ``if``/``try``, not under ``if TYPE_CHECKING``), relative
    ones resolved, ``from package import module`` and the packages a dotted name passes through."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    todo = list(ast.parse(path.read_text(encoding="utf-8")).body)
    while todo:
        node = todo.pop()
        if _is_type_checking(node):
            continue
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            todo.extend(ast.iter_child_nodes(node))
            continue
        if isinstance(node, ast.ExceptHandler):
            todo.extend(node.body)
            continue
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join(up + ([node.module] if node.module else []))
            targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for target in targets:
            parts = target.split(".")
            found.update(".".join(parts[:n]) for n in range(1, len(parts) + 1))
    return {m for m in found if m in known and m != name}


def import_cycles(root: Path) -> list[list[str]]:
    """Groups of modules under ``root`` that import one another at module level (Tarjan's strongly
    connected components of more than one module, or a module importing itself)."""
    paths = {_module_name(p, root): p for p in sorted(root.rglob("*.py"))}
    graph = {name: module_level_imports(path, name, set(paths)) for name, path in paths.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return sorted(cycles)


def test_no_module_imports_itself_through_others() -> None:
    """No cycle at module level. store.backup no longer needs the book (BookError is in
    store.errors), ui.mailing and ui.customer no longer need the planner (ui.names, and the
    follow-up day in domain.customer). A deferred import inside a function may still lead back
    (launch hands a command line to cli, which opens the app through launch, so `segtui BOOK`
    never loads click)."""
    assert import_cycles(SRC) == []


def test_the_cycle_check_catches_a_cycle(tmp_path: Path) -> None:
    pkg = tmp_path / "pkg"
    (pkg / "sub").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "sub" / "__init__.py").write_text("")
    (pkg / "a.py").write_text("from pkg.sub import b\n")
    (pkg / "sub" / "b.py").write_text("from .. import c\n")
    (pkg / "c.py").write_text("import pkg.a\n")
    (pkg / "d.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import e\n")
    (pkg / "e.py").write_text("def later():\n    from pkg import d\ntry:\n    from pkg import f\nexcept ImportError:\n    pass\n")
    (pkg / "f.py").write_text("import pkg.e\n")
    assert import_cycles(pkg) == [["pkg.a", "pkg.c", "pkg.sub.b"], ["pkg.e", "pkg.f"]]
