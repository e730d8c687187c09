"""Shared fixtures: small books in memory."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path_factory, monkeypatch):
    """Tests never touch the user's own book, config or logs (platformdirs reads
    these on Linux), and an unexpected error in an app fails the test instead of
    becoming a notification (see segtui.ui.errors)."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("SEGTUI_STRICT_ERRORS", "1")


@pytest.fixture
def book():
    from segtui.store.book import open_book

    opened = open_book(":memory:")
    yield opened
    opened.close()


@pytest.fixture
def as_of() -> dt.date:
    return dt.date(2026, 11, 23)
