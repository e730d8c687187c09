"""Where the user's own book, backups, logs and key map live."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP = "segtui"


def data_dir() -> Path:
    path = Path(platformdirs.user_data_dir(APP, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_book() -> Path:
    return data_dir() / "book.db"


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP, appauthor=False))


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP, appauthor=False))


def cache_dir() -> Path:
    """What can be made again from the books (the board as last shown)."""
    return Path(platformdirs.user_cache_dir(APP, appauthor=False))
