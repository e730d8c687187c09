"""In the app, an error is a message, not a traceback: a book error is a warning,
anything unexpected is logged (with the log's path in the message) and the app
goes on where it can."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static

from segtui.store.book import BookError, open_book
from segtui.ui.errors import GuardedApp, log_error, short_message, writes_allowed

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture
def log_dir(tmp_path: Path, monkeypatch) -> Path:
    folder = tmp_path / "logs"
    monkeypatch.setattr("segtui.paths.log_dir", lambda: folder)
    return folder


@pytest.fixture
def lenient(monkeypatch) -> None:
    """As for a user: no strict test mode."""
    monkeypatch.delenv("SEGTUI_STRICT_ERRORS", raising=False)


class Probe(GuardedApp):
    """A small app with a book, a counter, and ways to fail."""

    BINDINGS = [
        Binding("plus", "count", "Count", id="probe.count"),
        Binding("b", "boom", "Boom", id="probe.boom"),
        Binding("w", "fail_in_worker", "Fail in a worker", id="probe.worker"),
        Binding("e", "edit", "Edit", id="probe.edit"),
        Binding("x", "break_handler", "Break a handler", id="probe.handler"),
    ]
    CHECK_DELAY = None
    TITLE = "segtui"

    def __init__(self, book) -> None:
        super().__init__()
        self.book = book
        self.count = 0

    def compose(self):
        yield Header()
        yield Fragile("probe", id="probe")

    def on_mount(self) -> None:
        self.sub_title = f"{self.book.name} · as of {AS_OF}"

    def action_count(self) -> None:
        self.count += 1

    def action_boom(self) -> None:
        raise ZeroDivisionError("the action divided by zero")

    def action_fail_in_worker(self) -> None:
        self.fail()

    @work(thread=True)
    def fail(self) -> None:
        raise KeyError("missing in the worker")

    def action_edit(self) -> None:
        self.save_note()

    @work(thread=True)
    def save_note(self) -> None:
        with self.book.transaction() as conn:
            conn.execute("INSERT INTO activity (customer_id, date, kind, note) VALUES (1, '2026-11-23', 'call', 'x')")

    def action_break_handler(self) -> None:
        self.query_one("#probe", Fragile).post_message(Broken())


class WithHeader(Screen):
    def compose(self):
        yield Header()


class Broken(Message):
    pass


class Fragile(Static):
    def on_broken(self, message: Broken) -> None:
        raise RuntimeError("a handler broke")


async def settle(app, pilot) -> None:
    """Wait until every worker has finished, failed ones included."""
    for _ in range(200):
        if all(worker.is_finished for worker in app.workers):
            break
        await pilot.pause(0.02)
    await pilot.pause()


def header(app) -> str:
    from textual.widgets._header import HeaderTitle

    return app.screen.query_one(HeaderTitle).render().plain


def messages(app) -> list[tuple[str, str]]:
    return [(n.severity, n.message) for n in app._notifications]


def file_book(tmp_path: Path):
    path = tmp_path / "book.db"
    book = open_book(path)
    with book.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'Ekbyggen AB', '2026-01-01')")
    return book


async def test_an_unexpected_error_in_an_action_is_logged_and_the_app_goes_on(tmp_path, log_dir, lenient) -> None:
    app = Probe(file_book(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("b")
        await pilot.pause()
        await pilot.press("plus", "plus")
        await pilot.pause()
        assert app.count == 2 and app.is_running
        [(severity, text)] = messages(app)
    assert severity == "error"
    log = log_dir / "segtui.log"
    assert text == f"Something went wrong (ZeroDivisionError: the action divided by zero); details are in {log}"
    logged = log.read_text()
    assert "action boom" in logged and "Traceback" in logged and "ZeroDivisionError" in logged
    assert app.return_code in (0, None)


async def test_an_unexpected_error_in_a_worker_is_logged_and_the_app_goes_on(tmp_path, log_dir, lenient) -> None:
    app = Probe(file_book(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("w")
        await settle(app, pilot)
        await pilot.pause()
        await pilot.press("plus")
        await pilot.pause()
        assert app.count == 1 and app.is_running
        [(severity, text)] = messages(app)
    assert severity == "error" and "KeyError" in text and str(log_dir / "segtui.log") in text
    assert "missing in the worker" in (log_dir / "segtui.log").read_text()
    assert len(app.unexpected_errors) == 1


async def test_a_broken_handler_closes_the_app_with_one_line_not_a_traceback(tmp_path, log_dir, lenient) -> None:
    app = Probe(file_book(tmp_path))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("x")
        await pilot.pause()
    assert app.return_code == 1
    assert "a handler broke" in (log_dir / "segtui.log").read_text()
    rendered = "".join(str(r) for r in app._exit_renderables)
    assert "Traceback" not in rendered


async def test_strict_mode_keeps_failing_tests_loud(tmp_path, log_dir) -> None:
    app = Probe(file_book(tmp_path))
    with pytest.raises(ZeroDivisionError):
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press("b")
            await pilot.pause()


async def test_a_read_only_book_says_so_and_a_write_becomes_a_warning(tmp_path, log_dir) -> None:
    book = file_book(tmp_path)
    book.close()
    (tmp_path / "book.db").chmod(0o444)
    try:
        book = open_book(tmp_path / "book.db")
        app = Probe(book)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            assert header(app) == "segtui — book · as of 2026-11-23 · read-only"
            app.sub_title = "book · as of 2025-01-01"  # another day chosen: still marked
            await pilot.pause()
            assert header(app) == "segtui — book · as of 2025-01-01 · read-only"
            screen = WithHeader()
            screen.sub_title = "Planner"
            await app.push_screen(screen)  # a screen with a header of its own: still marked
            await pilot.pause()
            assert header(app) == "segtui — Planner · read-only"
            await app.pop_screen()
            assert messages(app) == [
                ("warning", "The file is read-only: you can look, but changes cannot be saved.")
            ]
            await pilot.press("e")  # strict mode is on: a BookError is still only a warning
            await settle(app, pilot)
            await pilot.pause()
            assert app.is_running
            assert messages(app)[-1] == (
                "warning", f"{book.path} is read-only (the file is read-only): changes cannot be saved"
            )
            assert writes_allowed(app, book) is False
        assert not (log_dir / "segtui.log").exists()
    finally:
        (tmp_path / "book.db").chmod(0o644)


async def test_a_busy_book_is_a_warning(tmp_path, log_dir) -> None:
    book = file_book(tmp_path)
    other = open_book(book.path)
    book.conn.execute("PRAGMA busy_timeout = 100")
    app = Probe(book)
    async with app.run_test(size=(120, 36)) as pilot:
        with other.transaction():
            await pilot.press("e")
            await settle(app, pilot)
        await pilot.pause()
        assert messages(app)[-1] == (
            "warning", f"{book.path} is busy: another program is writing to it; try again in a moment"
        )
        await pilot.press("e")  # and once the other is done, the edit is saved
        await settle(app, pilot)
    assert book.scalar("SELECT count(*) FROM activity") == 1
    other.close()


async def test_a_damaged_book_is_found_by_the_background_check(tmp_path, log_dir) -> None:
    from segtui.store.demo import generate

    path = tmp_path / "big.db"
    generate(path, customers=80, today=AS_OF).close()
    size = path.stat().st_size
    with path.open("r+b") as handle:  # garble pages deep in the orders
        handle.seek(size // 4096 // 2 * 4096)
        handle.write(b"\xff" * 4096 * 4)
    app = Probe(open_book(path))
    app.CHECK_DELAY = 0.05
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause(0.3)
        await settle(app, pilot)
        await pilot.pause()
        severity, text = messages(app)[-1]
    assert severity == "error" and text.startswith(f"{path} is damaged (")


async def test_an_upgraded_book_names_its_safety_copy(tmp_path, log_dir) -> None:
    book = file_book(tmp_path)
    book.safety_copy = tmp_path / "book.db.2026-11-23T0812.bak"
    app = Probe(book)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert messages(app) == [
            ("information", f"The book was upgraded; the previous book is kept at {book.safety_copy}")
        ]


def test_the_log_is_kept_small(tmp_path, log_dir, monkeypatch) -> None:
    monkeypatch.setattr("segtui.ui.errors.LOG_LIMIT", 2000)
    for n in range(40):
        try:
            raise ValueError(f"problem {n}")
        except ValueError as error:
            where = log_error(error, "a test")
    assert where == log_dir / "segtui.log"
    assert where.stat().st_size < 4000 and (log_dir / "segtui.log.1").exists()
    assert "problem 39" in where.read_text()


def test_short_messages_stay_short() -> None:
    message = short_message(RuntimeError("x" * 500 + "\nsecond line"), Path("/logs/segtui.log"))
    assert len(message) < 200 and "second line" not in message and message.endswith("/logs/segtui.log")
    assert short_message(RuntimeError(), None) == "Something went wrong (RuntimeError); the log could not be written"


def test_the_real_app_is_guarded() -> None:
    from segtui.ui.app import SegtuiApp

    assert issubclass(SegtuiApp, GuardedApp)
    assert BookError  # the error the app reports as a warning


async def test_a_damaged_book_found_by_a_worker_is_an_error_with_its_title(tmp_path, log_dir) -> None:
    book = file_book(tmp_path)
    app = Probe(book)

    import sqlite3

    def broken_transaction():
        error = sqlite3.DatabaseError("database disk image is malformed")
        error.sqlite_errorcode = 11
        raise error

    async with app.run_test(size=(120, 36)) as pilot:
        book.transaction = broken_transaction  # the next write meets a damaged page
        await pilot.press("e")
        await settle(app, pilot)
        [note] = [n for n in app._notifications]
    assert (note.severity, note.title) == ("error", "Damaged book")
    assert note.message == f"{book.path} is damaged (database disk image is malformed)"
    assert not (log_dir / "segtui.log").exists()


async def test_the_customer_screen_opens_no_form_on_a_read_only_book(tmp_path, log_dir) -> None:
    from customer_books import CustomerHost, settle as settle_customer

    from segtui.ui.form import FormScreen

    book = file_book(tmp_path)
    book.close()
    (tmp_path / "book.db").chmod(0o444)
    try:
        book = open_book(tmp_path / "book.db")
        app = CustomerHost(book, 1)
        async with app.run_test(size=(120, 36)) as pilot:
            await settle_customer(pilot)
            screen = app.screen
            for key in ("a", "b", "n"):
                await pilot.press(key)
                await settle_customer(pilot)
                assert app.screen is screen and not isinstance(app.screen, FormScreen)
            assert messages(app)[-1] == (
                "warning", "This book is read-only (the file is read-only); changes cannot be saved."
            )
        book.close()
    finally:
        (tmp_path / "book.db").chmod(0o644)


async def test_the_real_app_keeps_running_when_the_board_fails_to_read(book, tmp_path, log_dir, lenient, monkeypatch) -> None:
    from segtui.ui.app import SegtuiApp

    calls = []

    def flaky(book, as_of):
        calls.append(as_of)
        if len(calls) == 1:
            raise RuntimeError("the board could not read")
        return real(book, as_of)

    import segtui.store.board as board_store

    real = board_store.board_rows
    monkeypatch.setattr(board_store, "board_rows", flaky)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        [(severity, text)] = messages(app)
        assert severity == "error" and "RuntimeError: the board could not read" in text
        assert str(log_dir / "segtui.log") in text
        await pilot.press("r")  # read the book again: now it works
        await settle(app, pilot)
        assert app.board.loaded and app.is_running
    assert "the board could not read" in (log_dir / "segtui.log").read_text()
