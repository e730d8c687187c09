"""The board as last shown: kept after each reading, painted at once on the next start
while the book is read again, then replaced by the book's own figures."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest
from board_books import fill_small_book, loaded
from books import add_customer, add_order

from segtui.domain.segments import Quadrant
from segtui.store.book import open_book
from segtui.ui import snapshot
from segtui.ui.app import SegtuiApp

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def file_book(tmp_path):
    book = open_book(tmp_path / "book.db")
    ids = fill_small_book(book)
    yield book, ids
    book.close()


def names(app, quadrant: Quadrant) -> list[str]:
    return [r.customer.name for r in app.board.list_for(quadrant).rows]


def bar(app) -> str:
    return str(app.board.query_one("#bar").render())


def held_reading(monkeypatch) -> threading.Event:
    """Hold the board's reading of the book until the event is set (to look at the first frames)."""
    import segtui.store.board as store_board

    release = threading.Event()
    real = store_board.board_rows

    def slow_board_rows(*args, **kwargs):
        assert release.wait(10), "the reading was never let go"
        return real(*args, **kwargs)

    monkeypatch.setattr(store_board, "board_rows", slow_board_rows)
    return release


async def shown_once(path: Path, cache: Path, tmp_path: Path, monkeypatch) -> dict[Quadrant, list[str]] | None:
    """Open the book at ``path`` and say what the board paints before the book is read (None:
    "Reading the book…", nothing from the cache); the app then reads it, keeps its board and
    closes the book as the command line does."""
    book = open_book(path)
    release = held_reading(monkeypatch)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path, cache_dir=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert not app.board.loaded
        painted = {q: names(app, q) for q in Quadrant} if "as last read" in bar(app) else None
        if painted is None:
            assert bar(app) == "Reading the book…" and not any(names(app, q) for q in Quadrant)
        release.set()
        await loaded(app, pilot)
    app.close_book()
    return painted


async def test_the_next_start_paints_the_last_board_at_once_then_the_books_figures(file_book, tmp_path, monkeypatch):
    book, ids = file_book
    cache = tmp_path / "cache"
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path, cache_dir=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        first = {q: names(app, q) for q in Quadrant}
    app.close_book()  # as the command line closes it
    kept = snapshot.path_for(cache, tmp_path / "book.db")
    assert kept.exists()

    book = open_book(tmp_path / "book.db")
    release = held_reading(monkeypatch)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path, cache_dir=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert not app.board.loaded
        assert {q: names(app, q) for q in Quadrant} == first  # the board as last shown
        assert "showing the board as last read at" in bar(app)
        assert app.board.list_for(Quadrant.BIG_GAME).border_title == "4 Big game · 2 · 2 due"
        await pilot.press("f")  # filters wait for every customer
        assert type(app.screen).__name__ == "BoardScreen"
        await pilot.press("4", "enter")  # a customer can be opened already
        assert type(app.screen).__name__ == "CustomerScreen"
        await pilot.press("escape")
        release.set()
        await loaded(app, pilot)
        assert {q: names(app, q) for q in Quadrant} == first  # the book's own figures replace it
        assert "7 customers  ·  sorted" in bar(app)
    app.close_book()
    assert snapshot.for_book(kept, tmp_path / "book.db") is not None  # and the next start paints it again


async def test_a_book_changed_by_another_program_since_is_read_before_its_board_is_shown(tmp_path, monkeypatch):
    path, cache = tmp_path / "book.db", tmp_path / "cache"
    book = open_book(path)
    fill_small_book(book)
    book.close()
    assert await shown_once(path, cache, tmp_path, monkeypatch) is None  # nothing kept yet
    assert await shown_once(path, cache, tmp_path, monkeypatch) is not None  # the board as last shown
    other = open_book(path)  # meanwhile another program imports orders
    new = add_customer(other, "N1", "Nya AB", city="Kiruna")
    add_order(other, new, "2026-10-01", 90_000, ref="N-1")
    other.close()
    assert await shown_once(path, cache, tmp_path, monkeypatch) is None
    painted = await shown_once(path, cache, tmp_path, monkeypatch)
    assert "Nya AB" in painted[Quadrant.NEEDS_ASSESSMENT]


async def test_two_books_copied_in_turn_to_one_path_never_show_each_others_board(tmp_path, monkeypatch):
    """A safety copy put back, another rep's book copied over: the board kept for the path is
    never painted for a book it was not read from."""
    import shutil

    cache, here = tmp_path / "cache", tmp_path / "book.db"
    books = {}
    for name, extra in (("a", "Alfa AB"), ("b", "Beta AB")):
        books[name] = tmp_path / f"{name}.db"
        book = open_book(books[name])
        fill_small_book(book)  # the same customers and size: only one name tells them apart
        add_customer(book, "X1", extra, city="Luleå")
        book.close()
    assert books["a"].stat().st_size == books["b"].stat().st_size
    seen = []
    for name in ("a", None, "b", None, "a", "b", "a", None):
        if name is not None:  # None: the same book opened again
            shutil.copy2(books[name], here)  # copied over the book, times kept (as a restore does)
        painted = await shown_once(here, cache, tmp_path, monkeypatch)
        seen.append(None if painted is None else ("Alfa AB" in painted[Quadrant.NEEDS_ASSESSMENT],
                                                  "Beta AB" in painted[Quadrant.NEEDS_ASSESSMENT]))
    # painted only when the same book is opened again, and then its own board
    assert seen == [None, (True, False), None, (False, True), None, None, None, (True, False)]


async def test_a_board_seen_as_of_another_day_is_not_kept(file_book, tmp_path):
    book, _ = file_book
    cache = tmp_path / "cache"
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path, cache_dir=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        kept = snapshot.path_for(cache, tmp_path / "book.db")
        saved = kept.stat().st_mtime_ns
        app.set_as_of(dt.date(2025, 1, 1))
        await loaded(app, pilot)
    assert kept.stat().st_mtime_ns == saved
    assert snapshot.load(kept).as_of == AS_OF


async def test_an_in_memory_book_keeps_nothing(book, tmp_path):
    fill_small_book(book)
    cache = tmp_path / "cache"
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path, cache_dir=cache)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
    assert not cache.exists()


def test_a_damaged_or_foreign_snapshot_is_ignored(tmp_path):
    path = tmp_path / "x.board"
    assert snapshot.load(path) is None  # none yet
    path.write_bytes(b"not a snapshot")
    assert snapshot.load(path) is None
    path.write_text(json.dumps({"version": snapshot.VERSION + 1, "lists": []}))
    assert snapshot.load(path) is None
    path.write_text(json.dumps({"version": snapshot.VERSION, "not": "a snapshot"}))
    assert snapshot.load(path) is None


class Planted:
    def __reduce__(self):
        return (Path("/proc/self").resolve().joinpath, ("ran",))  # anything a pickle would call


def test_a_tampered_snapshot_never_runs_code_and_wrong_shapes_are_refused(tmp_path, file_book, monkeypatch):
    import pickle

    from segtui.store.board import board_rows
    from segtui.ui.board import BoardView

    path = tmp_path / "x.board"
    called = []
    monkeypatch.setattr(pickle, "loads", lambda *a, **k: called.append(a))
    monkeypatch.setattr(pickle, "load", lambda *a, **k: called.append(a))
    path.write_bytes(pickle.dumps((snapshot.VERSION, Planted())))
    assert snapshot.load(path) is None and called == []  # the cache is never unpickled
    book, _ = file_book
    taken = snapshot.take(AS_OF, "SEK", book.settings(), BoardView().apply(board_rows(book, AS_OF)))
    snapshot.save(path, taken)
    data = json.loads(path.read_text())
    assert snapshot.load(path) == taken
    quadrant, rows = data["lists"][0]
    assert rows, "a quadrant with rows to tamper with"
    row = rows[0]
    for tampered in (
        [*row, "one field too many"],
        row[:-1],
        ["__import__('os').system('true')", *row[1:]],  # text where the customer is
        [row[0], "2026-13-45", *row[2:]],  # a day that is no day
    ):
        bad = {**data, "lists": [[quadrant, [tampered]]]}
        path.write_text(json.dumps(bad))
        assert snapshot.load(path) is None
    # the book's fingerprint is read by its declared type too: it comes back as it was taken
    fingerprint = snapshot.fingerprint(book.path)
    snapshot.save(path, taken._replace(book=fingerprint))
    assert fingerprint is not None and snapshot.load(path).book == fingerprint
    data = json.loads(path.read_text())
    for tampered in (["x"], [1, 2, 3, 4, 5, None], [*fingerprint[:5], [1]], "a text"):
        path.write_text(json.dumps({**data, "book": tampered}))
        assert snapshot.load(path) is None


def test_a_snapshot_is_written_whole_and_each_book_has_its_own(tmp_path, file_book):
    from segtui.store.board import board_rows
    from segtui.ui.board import BoardView

    book, _ = file_book
    rows = board_rows(book, AS_OF)
    taken = snapshot.take(AS_OF, "SEK", book.settings(), BoardView().apply(rows))
    assert taken.customers == 7
    assert taken.totals[Quadrant.BIG_GAME] == snapshot.Totals.of(
        [r for r in rows if r.quadrant is Quadrant.BIG_GAME]
    )
    path = snapshot.path_for(tmp_path / "cache", Path(book.path))
    snapshot.save(path, taken)
    assert snapshot.load(path) == taken
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left
    assert snapshot.path_for(tmp_path / "cache", tmp_path / "other.db") != path
    # a cache folder that cannot be written is only a slower next start
    blocked = tmp_path / "blocked"
    blocked.write_text("a file, not a folder")
    snapshot.save(snapshot.path_for(blocked, Path(book.path)), taken)
