"""Shared fixtures: small books in memory."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

REAL_DATA_FILE = "online_retail.csv.gz"


def pytest_configure(config) -> None:
    """SEGTUI_TEST_DAY=2027-06-15 runs the whole suite with the wall clock moved to that day
    (time-machine; the clock keeps ticking from there). No test may depend on the real day:
    README "Run the tests on another day"."""
    day = os.environ.get("SEGTUI_TEST_DAY")
    if day:
        import time_machine

        traveller = time_machine.travel(dt.datetime.fromisoformat(day).replace(hour=9), tick=True)
        traveller.start()
        config.add_cleanup(traveller.stop)


def find_shared_data() -> Path | None:
    """The real data folder: $SEGTUI_SHARED_DATA when set, else shared/data beside
    the repository (a fresh clone in CI), else /work/shared/data; None when none
    of them holds the data."""
    candidates = [
        *([Path(os.environ["SEGTUI_SHARED_DATA"])] if os.environ.get("SEGTUI_SHARED_DATA") else []),
        ROOT.parent / "shared" / "data",
        Path("/work/shared/data"),
    ]
    return next((c for c in candidates if (c / REAL_DATA_FILE).is_file()), None)


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real data folder (see :func:`find_shared_data`); the test is skipped without it."""
    found = find_shared_data()
    if found is None:
        pytest.skip("the real data is not here: set SEGTUI_SHARED_DATA or put shared/data beside the repository")
    return found


@pytest.fixture(autouse=True)
def _private_dirs(tmp_path_factory, monkeypatch):
    """Tests never touch the user's own book, config or logs (platformdirs reads
    these on Linux), and an unexpected error in an app fails the test instead of
    becoming a notification (see segtui.ui.errors)."""
    home = tmp_path_factory.mktemp("home")
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    monkeypatch.setenv("SEGTUI_STRICT_ERRORS", "1")
    # English unless a test asks for another language (a command sets the language from LANG), and
    # back to English after it, whatever a command run in the test chose
    for name in ("LC_ALL", "LC_MESSAGES", "LANGUAGE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    yield
    from segtui import i18n

    i18n.use("en")


SAMPLE_SIDE_FILES = [ROOT / "sample.db-wal", ROOT / "sample.db-shm", ROOT / "sample.db-journal"]


@pytest.fixture(autouse=True)
def _sample_db_untouched():
    """The repo's sample.db is only ever read through a copy (``sample_copy``): even a read-only
    connection to a WAL book leaves an empty ``-wal`` and ``-shm`` next to it."""
    before = {p for p in SAMPLE_SIDE_FILES if p.exists()}
    yield
    appeared = sorted(p.name for p in SAMPLE_SIDE_FILES if p.exists() and p not in before)
    assert not appeared, f"this test left {', '.join(appeared)} next to the repo's sample.db: open a copy"


@pytest.fixture
def sample_copy(tmp_path) -> Path:
    """A copy of the repo's sample.db for one test to open (read or write)."""
    path = tmp_path / "sample.db"
    path.write_bytes((ROOT / "sample.db").read_bytes())
    return path


@pytest.fixture
def book():
    from segtui.store.book import open_book

    opened = open_book(":memory:")
    yield opened
    opened.close()


@pytest.fixture
def as_of() -> dt.date:
    return dt.date(2026, 11, 23)


DEMO_TODAY = dt.date(2026, 11, 23)


@pytest.fixture(scope="session")
def demo_book_path(tmp_path_factory) -> Path:
    """A 120-customer demo book generated for 2026-11-23, once per test run; copy it before writing."""
    from segtui.store.demo import generate

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    generate(path, customers=120, today=DEMO_TODAY).close()
    return path


@pytest.fixture
def demo_book_copy(demo_book_path, tmp_path) -> Path:
    """A fresh copy of the demo book for one test to change."""
    path = tmp_path / "demo.db"
    path.write_bytes(demo_book_path.read_bytes())
    return path
