"""Every key has a binding id (so it can be remapped) and the README names every id."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

from textual.binding import Binding

import segtui.ui

README = Path(__file__).resolve().parent.parent / "README.md"


def app_bindings() -> list[tuple[str, Binding]]:
    found = []
    for module_info in pkgutil.iter_modules(segtui.ui.__path__):
        module = importlib.import_module(f"segtui.ui.{module_info.name}")
        for name, klass in inspect.getmembers(module, inspect.isclass):
            if klass.__module__ != module.__name__:
                continue
            for binding in klass.__dict__.get("BINDINGS", ()):
                found.append((f"{module.__name__}.{name}", binding))
    return found


def test_every_binding_has_a_dotted_id_and_the_readme_names_it() -> None:
    bindings = app_bindings()
    assert len(bindings) > 80
    readme = README.read_text(encoding="utf-8")
    for where, binding in bindings:
        assert isinstance(binding, Binding), f"{where}: keys as a tuple have no id"
        assert binding.id, f"{where}: {binding.key} → {binding.action} has no id"
        assert "." in binding.id and " " not in binding.id, f"{where}: {binding.id}"
        assert f"`{binding.id}`" in readme, f"README does not name {binding.id} ({where})"
    ids = [b.id for _, b in bindings]
    assert len(ids) == len(set(ids)), "a binding id is used twice"
