"""Shared fixtures: small books in memory."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(Path(__file__).resolve().parent))


@pytest.fixture
def book():
    from segtui.store.book import open_book

    opened = open_book(":memory:")
    yield opened
    opened.close()


@pytest.fixture
def as_of() -> dt.date:
    return dt.date(2026, 11, 23)
