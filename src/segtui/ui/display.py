"""The render rule (:mod:`segtui.domain.display`) for what Textual shows: strings, Rich
``Text`` and Textual ``Content``, their styles kept."""

from __future__ import annotations

from rich.text import Text
from textual.content import Content
from textual.widgets import Label, Static

from segtui.domain.display import shown, shown_same_length


def safe(value):
    """``value`` with every code point the render rule forbids replaced (same type back)."""
    if isinstance(value, str):
        return shown(value)
    if isinstance(value, Text):
        plain = value.plain
        clean = shown_same_length(plain)
        if clean is plain:
            return value
        value = value.copy()
        value.plain = clean
        return value
    if isinstance(value, Content):
        plain = value.plain
        clean = shown_same_length(plain)
        if clean is plain:
            return value
        return Content(clean, spans=list(value.spans))
    return value


class _SafeContent:
    """Content set at creation or by ``update`` goes through the render rule."""

    def __init__(self, content="", *args, **kwargs) -> None:
        super().__init__(safe(content), *args, **kwargs)

    def update(self, content="", *, layout: bool = True) -> None:
        super().update(safe(content), layout=layout)


class Shown(_SafeContent, Static):
    """A ``Static`` for text that holds the book's or a file's words."""


class ShownLabel(_SafeContent, Label):
    """A ``Label`` for text that holds the book's or a file's words."""
