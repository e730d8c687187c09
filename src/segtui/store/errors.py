"""The one error of the book: what every reader and writer of it raises (store.book re-exports it)."""

from __future__ import annotations

from segtui.i18n import Phrase


class BookError(Exception):
    """A book that cannot be opened or written, explained in one line.

    ``kind`` says what sort of trouble it is, for screens that show it: "busy",
    "readonly", "full", "disk", "damaged", or "" for anything else. ``message`` is a
    :class:`~segtui.i18n.Phrase` (``phrase``; ``str()`` is its English, ``i18n.said``
    the language in use) or, from older code, a plain English text."""

    def __init__(self, message: str | Phrase, kind: str = "") -> None:
        super().__init__(str(message))
        self.kind = kind
        self.phrase = message if isinstance(message, Phrase) else None
