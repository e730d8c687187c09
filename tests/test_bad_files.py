"""Files that are not books — text, empty, truncated, garbled, a folder, nothing at
all — get one clear line and a non-zero exit from every command, a message screen
from the app, and are never changed."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from segtui import cli
from segtui.store.book import BookError, open_book
from segtui.store.demo import generate

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2026, 11, 23)
PAGE = 4096


@pytest.fixture(scope="module")
def real_book(tmp_path_factory) -> Path:
    """A real book of a few hundred pages, written and closed (no log beside it)."""
    path = tmp_path_factory.mktemp("real") / "real.db"
    generate(path, customers=120, today=TODAY).close()
    assert not Path(f"{path}-wal").exists()
    return path


def _truncate(at):
    def make(path: Path) -> None:
        size = path.stat().st_size
        with path.open("r+b") as handle:
            handle.truncate(at(size))
    return make


def _garble(pages, offset=0, length=PAGE):
    """Overwrite ``length`` bytes at ``offset`` of each page in ``pages(n)`` with noise."""
    def make(path: Path) -> None:
        noise = random.Random(8)
        count = path.stat().st_size // PAGE
        with path.open("r+b") as handle:
            for page in pages(count):
                handle.seek(page * PAGE + offset)
                handle.write(bytes(noise.randrange(256) for _ in range(length)))
    return make


def _foreign(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.execute("INSERT INTO notes VALUES ('hello')")
    conn.commit()
    conn.close()


def _empty_sqlite(path: Path) -> None:
    path.unlink()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 0")
    conn.execute("VACUUM")
    conn.close()


def _text(path: Path) -> None:
    path.write_text("customer;date;amount\nK1;2026-01-02;100\n", encoding="utf-8")


def _empty(path: Path) -> None:
    path.write_bytes(b"")


# name -> (how to spoil a copy of a real book, what the message must say)
SPOILED = {
    "text file": (_text, "not a SQLite file"),
    "empty file": (_empty, "is empty, not a book"),
    "header only": (_truncate(lambda size: 60), "truncated"),
    "truncated mid-page": (_truncate(lambda size: size // 2 + 1234), "truncated"),
    "truncated at a page": (_truncate(lambda size: size // PAGE // 2 * PAGE), "truncated"),
    "truncated to one page": (_truncate(lambda size: PAGE), "damaged"),
    "garbled page headers": (_garble(lambda n: range(1, n), length=16), "damaged"),
    "garbled schema page": (_garble(lambda n: [0], offset=100, length=PAGE - 100), "damaged"),
    "garbled header": (_garble(lambda n: [0], offset=16, length=8), "damaged"),
    "foreign sqlite file": (_foreign, "not a segtui book"),
    "empty sqlite file": (_empty_sqlite, "empty SQLite file, not a book"),
}


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(params=sorted(SPOILED), ids=lambda name: name.replace(" ", "-"))
def spoiled(request, real_book, tmp_path) -> tuple[Path, str]:
    make, message = SPOILED[request.param]
    path = tmp_path / "book.db"
    shutil.copy(real_book, path)
    make(path)
    return path, message


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.run(
        [sys.executable, "-m", "segtui", *args], capture_output=True, text=True, env=env, timeout=60,
        stdin=subprocess.DEVNULL,
    )


def assert_one_line(stderr: str, *needles: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("segtui: "), stderr
    for needle in needles:
        assert needle in lines[0], stderr
    assert "Traceback" not in stderr


def test_open_book_refuses_and_leaves_the_file_alone(spoiled) -> None:
    path, message = spoiled
    before = digest(path)
    with pytest.raises(BookError, match=message):
        open_book(path, create=False)
    if "empty" not in message:  # an empty file may become a book when asked to create
        with pytest.raises(BookError, match=message):
            open_book(path, create=True)
    assert digest(path) == before
    assert not Path(f"{path}-wal").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["segments", "{book}"],
        ["segments", "{book}", "--format", "csv"],
        ["settings", "{book}"],
        ["settings", "{book}", "abc.mode", "pareto"],
        ["plan", "{book}", "--week", "2026-W48"],
        ["plan", "{book}", "--week", "2026-W48", "--format", "ics"],
    ],
    ids=["segments", "segments-csv", "settings", "settings-set", "plan", "plan-ics"],
)
def test_every_command_says_one_line_and_fails(spoiled, command) -> None:
    path, message = spoiled
    before = digest(path)
    result = CliRunner().invoke(cli.main, [a.format(book=path) for a in command])
    assert result.exit_code == 1, result.output
    assert_one_line(result.stderr, str(path), message)
    assert result.stdout == ""
    assert digest(path) == before


def test_the_app_command_says_one_line_without_a_terminal(spoiled) -> None:
    path, message = spoiled
    if message == SPOILED["empty file"][1]:
        pytest.skip("an empty file becomes a new book when opened in the app")
    before = digest(path)
    result = run_cli(str(path))
    assert result.returncode == 1
    assert_one_line(result.stderr, message)
    assert digest(path) == before


def test_the_app_creates_a_new_book_in_an_empty_file(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "new.db"
    path.write_bytes(b"")
    ran = []
    monkeypatch.setattr("segtui.ui.app.SegtuiApp.run", lambda self: ran.append(self.book.version))
    monkeypatch.setattr("segtui.launch._interactive", lambda: True)  # as in a terminal
    result = CliRunner().invoke(cli.main, [str(path)])
    assert result.exit_code == 0, result.output
    assert ran == [open_book(path).version]


@pytest.mark.parametrize(
    "kind, message",
    [("folder", "is a folder, not a book"), ("missing", "there is no book at"), ("device", "not a regular file")],
)
def test_folders_missing_paths_and_devices(tmp_path: Path, kind: str, message: str) -> None:
    path = {"folder": tmp_path, "missing": tmp_path / "nothing.db", "device": Path(os.devnull)}[kind]
    for command in (["segments", str(path)], ["settings", str(path)], ["settings", str(path), "abc.mode", "pareto"],
                    ["plan", str(path), "--week", "2026-W48"]):
        result = CliRunner().invoke(cli.main, command)
        assert result.exit_code == 1, result.output
        assert_one_line(result.stderr, message)
    if kind != "missing":
        result = run_cli(str(path))
        assert result.returncode == 1
        assert_one_line(result.stderr, message)
    assert not (tmp_path / "nothing.db").exists()


def test_a_missing_folder_for_a_new_book(tmp_path: Path) -> None:
    result = run_cli(str(tmp_path / "no" / "such" / "book.db"))
    assert result.returncode == 1
    assert_one_line(result.stderr, "does not exist")


def test_damage_deep_in_the_orders_is_found_when_read(real_book, tmp_path: Path) -> None:
    """Pages nobody reads at open are only found when read: the command that reads
    them says so in one line (and the app's background check, see test_app_errors)."""
    path = tmp_path / "book.db"
    shutil.copy(real_book, path)
    _garble(lambda n: range(n // 2, n // 2 + 8))(path)
    result = CliRunner().invoke(cli.main, ["segments", str(path)])
    assert result.exit_code == 1
    assert_one_line(result.stderr, "damaged")
    book = open_book(path, create=False)
    assert "damaged" in (book.check() or "")
    book.close()


def test_a_damaged_book_names_the_newest_safety_copy(real_book, tmp_path: Path) -> None:
    from segtui.store.backup import backup_before

    path = tmp_path / "book.db"
    shutil.copy(real_book, path)
    copy = backup_before(path, "a test")
    _truncate(lambda size: size // 2 + 5)(path)
    with pytest.raises(BookError, match="newest safety copy is") as caught:
        open_book(path)
    assert str(copy) in str(caught.value)


def test_a_sound_book_passes_the_check(real_book, tmp_path: Path) -> None:
    path = tmp_path / "book.db"
    shutil.copy(real_book, path)
    book = open_book(path, create=False)
    assert book.check() is None
    assert open_book(":memory:").check() is None


def test_paths_with_odd_characters(tmp_path: Path) -> None:
    folder = tmp_path / "a b%20c?d#e"
    folder.mkdir()
    path = folder / "bok ö.db"
    open_book(path).close()
    result = CliRunner().invoke(cli.main, ["settings", str(path), "currency"])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "SEK"


def test_a_closed_pipe_is_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    generate(path, customers=300, today=TODAY).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "segtui", "segments", str(path), "--as-of", "2026-11-23"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
    )
    proc.stdout.read(10)
    proc.stdout.close()
    stderr = proc.stderr.read().decode()
    proc.wait(timeout=30)
    assert "Traceback" not in stderr


def test_the_app_shows_the_reason_on_a_message_screen(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "notes.db"
    path.write_text("just some notes\n")
    shown = []
    monkeypatch.setattr("segtui.launch._interactive", lambda: True)
    monkeypatch.setattr("segtui.ui.message.show_message", lambda *args, **kwargs: shown.append(args))
    result = CliRunner().invoke(cli.main, [str(path)])
    assert result.exit_code == 1
    assert shown == [("This book cannot be opened", f"{path} is not a segtui book (it is not a SQLite file)")]
    assert_one_line(result.stderr, "not a SQLite file")


async def test_message_screen_quits_with_a_key() -> None:
    from segtui.ui.message import MessageApp

    for key in ("q", "escape", "enter"):
        app = MessageApp("This book cannot be opened", "x.db is a folder, not a book")
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            text = str(app.screen.query_one("#message-text").render())
            assert "x.db is a folder, not a book" in text
            await pilot.press(key)
            await pilot.pause()
        assert app.return_code == 1


def test_message_screen_snapshot(snap_compare) -> None:
    from segtui.ui.message import MessageApp

    app = MessageApp("This book cannot be opened", "book.db is damaged (the file is truncated: 4096 bytes of 1155072)",
                     sub_title="book.db")
    assert snap_compare(app, terminal_size=(120, 36))


def test_no_folder_for_your_own_book_is_one_line(tmp_path: Path, monkeypatch) -> None:
    blocked = tmp_path / "file-not-folder"
    blocked.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocked))
    result = CliRunner().invoke(cli.main, [])
    assert result.exit_code == 1
    assert_one_line(result.stderr, "cannot make the folder for your book")


def test_your_own_book_is_made_on_first_use(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    ran = []
    monkeypatch.setattr("segtui.ui.app.SegtuiApp.run", lambda self: ran.append(self.book.path))
    monkeypatch.setattr("segtui.launch._interactive", lambda: True)  # as in a terminal
    result = CliRunner().invoke(cli.main, [])
    assert result.exit_code == 0, result.output
    assert ran == [str(tmp_path / "data" / "segtui" / "book.db")]
    assert result.stdout.startswith(f"Your book: {ran[0]}")


def test_segtui_book_opens_the_app_without_the_command_line_machinery(tmp_path: Path) -> None:
    """`segtui BOOK` (the everyday start) does not load click; anything else goes to the CLI."""
    book = tmp_path / "book.db"
    script = (
        "import sys\n"
        "import segtui.ui.app as ui\n"
        "ui.SegtuiApp.run = lambda self: print('opened', self.book.name, 'click' in sys.modules)\n"
        "import segtui.launch as launch\n"
        "launch._interactive = lambda: True\n"  # as in a terminal
        "from segtui.launch import main\n"
        "main(sys.argv[1:])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    run = subprocess.run([sys.executable, "-c", script, str(book)], capture_output=True, text=True, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().endswith("opened book False")
    run = subprocess.run([sys.executable, "-c", script, str(book), "--as-of", "2026-11-23"],
                         capture_output=True, text=True, env=env)
    assert run.stdout.strip().endswith("opened book False")
    run = subprocess.run([sys.executable, "-c", script, str(book), "--as-of", "23/11"],
                         capture_output=True, text=True, env=env)
    assert run.returncode == 1 and run.stderr.startswith("segtui: --as-of '23/11' is not a date")
    run = subprocess.run([sys.executable, "-c", script, "segments", "--help"], capture_output=True, text=True, env=env)
    assert run.returncode == 0 and "Usage:" in run.stdout


def test_every_command_is_known_to_the_launcher() -> None:
    from segtui.launch import COMMANDS

    assert COMMANDS == set(cli.main.commands)
