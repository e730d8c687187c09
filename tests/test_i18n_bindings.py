"""Every key's description and tooltip (what the footer and the help show) is in the Swedish catalog."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

from babel.messages.pofile import read_po
from textual.binding import Binding

import segtui.ui

CATALOG = Path(__file__).resolve().parent.parent / "src" / "segtui" / "locale" / "sv" / "LC_MESSAGES" / "segtui.po"


def bindings():
    """(where, binding) for every binding a segtui class declares."""
    for info in pkgutil.iter_modules(segtui.ui.__path__):
        module = importlib.import_module(f"segtui.ui.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__:
                for binding in value.__dict__.get("BINDINGS", ()):  # its own, not the framework's
                    if isinstance(binding, Binding):
                        yield f"{module.__name__}.{name}", binding


def test_every_key_text_has_a_swedish_translation() -> None:
    catalog = {m.id: m.string for m in read_po(CATALOG.open("rb")) if m.id and not m.context}
    found = list(bindings())
    assert len(found) > 100  # the app's screens were read
    missing = sorted({(where, text) for where, b in found for text in (b.description, b.tooltip)
                      if text and not catalog.get(text)})
    assert missing == []
