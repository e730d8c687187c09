"""Helpers nobody calls are removed, not kept 'just in case' (they drift from the rules)."""

from __future__ import annotations

import inspect


def test_removed_helpers_stay_removed() -> None:
    from segtui.io.importer import Summary
    from segtui.store import plan
    from segtui.ui.dialogs import FilterScreen

    assert list(inspect.signature(FilterScreen).parameters) == ["options", "current"]
    assert not hasattr(Summary, "skipped_total")
    assert not hasattr(plan, "_date") and not hasattr(plan, "_tuples")  # Book.rows does it
