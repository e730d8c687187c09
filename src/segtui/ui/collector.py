"""The cyclic garbage collector while the app starts.

Start-up (Textual, the app, the board kept from the last start) makes tens of
thousands of objects that all stay. A full pass of the collector set off in the
middle of the first paint walks every one of them and frees next to nothing: on
sample.db it was the largest single cost of the board's first paint (a hello-world
app makes too few objects to set one off). So from the start until the board is on
screen only the young generations are collected; once it is painted the board
reads the book, runs one full pass and freezes what is left (``BoardScreen._loaded``).
"""

from __future__ import annotations

import gc

_held: tuple[int, int, int] | None = None  # the thresholds before the hold


def hold_full_passes() -> None:
    """No full pass of the collector until :func:`release` (young objects are still collected)."""
    global _held
    if _held is None:
        _held = gc.get_threshold()
        young, middle, _old = _held
        gc.set_threshold(young, middle, 1_000_000)


def release() -> None:
    """The collector as it was before :func:`hold_full_passes`."""
    global _held
    if _held is not None:
        gc.set_threshold(*_held)
        _held = None


def held() -> bool:
    return _held is not None
