"""A kill (SIGKILL: no clean-up, like a flat battery for the program) in the middle
of writing leaves a sound book holding all or nothing of the interrupted work."""

from __future__ import annotations

import os
import sqlite3
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from segtui.store.book import open_book

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL"),
]


def start(script: str, *args: str) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-u", "-c", textwrap.dedent(script), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def read_until(proc: subprocess.Popen, wanted) -> str:
    """Lines from the writer until one satisfies ``wanted``; that line."""
    while True:
        line = proc.stdout.readline()
        if not line:
            raise AssertionError(f"the writer stopped early: {proc.stderr.read()}")
        if wanted(line.strip()):
            return line.strip()


def kill(proc: subprocess.Popen, after: float = 0.0) -> None:
    if after:
        time.sleep(after)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    proc.stderr.close()


def sound(path: Path):
    """The book opens with the current code and every page checks out."""
    book = open_book(path, create=False)
    assert book.scalar("PRAGMA integrity_check") == "ok"
    assert book.scalar("PRAGMA foreign_key_check") is None
    assert book.check() is None
    return book


# --- an app session: many small edits, each saved at once ------------------------

SESSION = """
    import sys
    from segtui.store.book import open_book
    book = open_book(sys.argv[1], create=False)
    i = 0
    while True:
        # one edit on the customer screen: a note, a contact, a renamed customer, a plan item done
        with book.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO activity (customer_id, date, kind, note) VALUES (1, '2026-11-23', 'visit', ?)",
                (f"edit {i}",),
            )
            conn.execute("INSERT INTO contact (customer_id, name) VALUES (1, ?)", (f"edit {i}",))
            conn.execute("UPDATE customer SET name = ? WHERE id = 1", (f"edit {i}",))
            conn.execute(
                "INSERT INTO plan_item (customer_id, day, kind, status, activity_id) VALUES (1, '2026-11-23', 'visit', 'done', ?)",
                (cur.lastrowid,),
            )
        print(i, flush=True)
        i += 1
"""


def session_book(tmp_path: Path) -> Path:
    path = tmp_path / "book.db"
    book = open_book(path)
    with book.transaction() as conn:
        conn.execute("INSERT INTO customer (source_id, name, created) VALUES ('K1', 'Ekbyggen AB', '2026-01-01')")
    book.close()
    return path


@pytest.mark.parametrize("edits, extra", [(1, 0.0), (20, 0.001), (150, 0.0), (400, 0.003)])
def test_killing_an_app_session_keeps_every_saved_edit_whole(tmp_path: Path, edits: int, extra: float) -> None:
    path = session_book(tmp_path)
    proc = start(SESSION, str(path))
    saved = int(read_until(proc, lambda line: int(line) >= edits - 1))
    kill(proc, extra)  # the writer is somewhere in its next edits by now
    book = sound(path)
    notes = [r[0] for r in book.query("SELECT note FROM activity ORDER BY id")]
    last = len(notes) - 1
    assert last >= saved  # every edit reported saved is there
    assert notes == [f"edit {i}" for i in range(last + 1)]  # and nothing half
    assert [r[0] for r in book.query("SELECT name FROM contact ORDER BY id")] == notes
    assert book.scalar("SELECT name FROM customer WHERE id = 1") == f"edit {last}"
    assert book.scalar("SELECT count(*) FROM plan_item WHERE activity_id IS NOT NULL") == last + 1
    # and the book takes new edits
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET name = 'after' WHERE id = 1")
    book.close()


# --- one large write: all of it or none of it ---------------------------------------

LARGE = """
    import sys
    from segtui.store.book import open_book
    book = open_book(sys.argv[1], create=False)
    chunks, size = int(sys.argv[2]), 20_000
    with book.transaction() as conn:
        for chunk in range(chunks):
            rows = [
                (1, f"R{chunk}-{n}", f"R{chunk}-{n}", f"2026-{1 + n % 12:02d}-{1 + n % 28:02d}", 100 + n)
                for n in range(size)
            ]
            conn.executemany(
                'INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (?, ?, ?, ?, ?)', rows
            )
            print(f"chunk {chunk}", flush=True)
        print("committing", flush=True)
    print("committed", flush=True)
    book.close()
    print("closed", flush=True)
"""

CHUNKS = 12


def large_book(tmp_path: Path) -> Path:
    path = session_book(tmp_path)
    book = open_book(path)
    with book.transaction() as conn:  # some earlier work that must survive
        conn.executemany(
            'INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (1, ?, ?, ?, 5)',
            [(f"old{n}", f"old{n}", "2025-01-01") for n in range(1000)],
        )
    book.close()
    return path


@pytest.mark.parametrize(
    "moment, extra",
    [("chunk 0", 0.0), ("chunk 5", 0.002), (f"chunk {CHUNKS - 1}", 0.0), ("committing", 0.0), ("committing", 0.02),
     ("committed", 0.0)],
)
def test_killing_a_large_write_leaves_all_or_nothing(tmp_path: Path, moment: str, extra: float) -> None:
    path = large_book(tmp_path)
    proc = start(LARGE, str(path), str(CHUNKS))
    read_until(proc, lambda line: line == moment)
    kill(proc, extra)
    book = sound(path)
    total = book.scalar('SELECT count(*) FROM "order"')
    assert total in (1000, 1000 + CHUNKS * 20_000)
    if moment == "committed":
        assert total == 1000 + CHUNKS * 20_000
    assert book.scalar("SELECT count(*) FROM \"order\" WHERE order_ref LIKE 'old%'") == 1000
    book.close()


# --- a large import: `segtui import orders` killed while it works -------------------

IMPORT_ROWS = 60_000


@pytest.fixture(scope="module")
def big_orders(tmp_path_factory) -> Path:
    import csv
    import random

    path = tmp_path_factory.mktemp("import") / "orders.csv"
    rng = random.Random(5)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["customer", "customer_name", "order", "date", "amount"])
        for n in range(IMPORT_ROWS):
            c = rng.randrange(1500)
            writer.writerow([f"C{c}", f"Customer {c}", f"N{n}", f"20{rng.randrange(23, 27)}-{rng.randrange(1, 13):02d}-"
                             f"{rng.randrange(1, 29):02d}", f"{rng.randrange(-500, 90000)}.{rng.randrange(100):02d}"])
    return path


def wal_size(path: Path) -> int:
    try:
        return Path(f"{path}-wal").stat().st_size
    except OSError:
        return 0


def run_import(book: Path, data: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    return subprocess.Popen(
        [sys.executable, "-m", "segtui", "import", "orders", str(book), str(data), "--as-of", "2026-11-23",
         "--currency", "SEK"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env,
    )


def wait_for(condition, proc: subprocess.Popen, limit: float = 60.0) -> bool:
    """Poll until ``condition()``; False if the process ended first."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if condition():
            return True
        if proc.poll() is not None:
            return False
        time.sleep(0.002)
    raise AssertionError("the import neither got there nor ended")


@pytest.mark.parametrize(
    "moment",
    ["reading the file", "writing begun", "writing, 2 MB in", "writing, 6 MB in", "written, folding the log in"],
)
def test_killing_an_import_leaves_all_or_nothing(tmp_path: Path, big_orders: Path, moment: str) -> None:
    from segtui.store.backup import list_backups

    path = session_book(tmp_path)  # a book with work in it already
    book = open_book(path)
    with book.transaction() as conn:
        conn.execute("""INSERT INTO "order" (customer_id, order_ref, order_key, date, amount) VALUES (1, 'F1', 'F1', '2026-01-02', 100)""")
    book.close()
    start_size = path.stat().st_size
    proc = run_import(path, big_orders)
    if moment == "reading the file":  # the book is open (its log exists) and the file is being read
        reached = wait_for(lambda: Path(f"{path}-wal").exists(), proc)
        time.sleep(0.1)
    elif moment == "writing begun":
        reached = wait_for(lambda: wal_size(path) > 64 * 1024, proc)
    elif moment.startswith("writing, "):
        megabytes = int(moment.split()[1])
        reached = wait_for(lambda: wal_size(path) > megabytes * 1024 * 1024, proc)
    else:  # the transaction committed: the log stops growing while it is checkpointed
        reached = wait_for(lambda: path.stat().st_size > start_size, proc)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert reached or proc.returncode == 0, "the import ended before the moment of the kill"
    book = sound(path)
    orders = book.scalar('SELECT count(*) FROM "order"')
    imported = book.scalar("SELECT count(*) FROM customer WHERE source_id LIKE 'C%'")
    assert (orders, imported) in ((1, 0), (1 + IMPORT_ROWS, 1500)), (orders, imported)
    if moment == "written, folding the log in":
        assert orders == 1 + IMPORT_ROWS
    assert book.scalar("SELECT name FROM customer WHERE source_id = 'K1'") == "Ekbyggen AB"
    book.close()
    for copy in list_backups(path):  # any safety copy is a sound book as it was before
        kept = sqlite3.connect(copy)
        assert kept.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert kept.execute('SELECT count(*) FROM "order"').fetchone()[0] == 1
        kept.close()


# --- the customer screen's own edits, killed -----------------------------------------

CUSTOMER_SCREEN = """
    import sys
    import datetime as dt
    from segtui.store import customers
    from segtui.store.book import open_book
    book = open_book(sys.argv[1], create=False)
    day = dt.date(2026, 11, 23)
    i = 0
    while True:
        customers.add_activity(book, 1, day, "visit", outcome="Met the buyer", note=f"edit {i}")
        customers.add_assessment(book, 1, day, 100_000_00 + i, None, note=f"edit {i}")
        customers.set_checklist_answer(book, 1, "services", day, "yes" if i % 2 else "no", note=f"edit {i}")
        print(i, flush=True)
        i += 1
"""


@pytest.mark.parametrize("edits", [3, 60])
def test_killing_the_customer_screens_edits_keeps_them_whole(tmp_path: Path, edits: int) -> None:
    path = session_book(tmp_path)
    proc = start(CUSTOMER_SCREEN, str(path))
    saved = int(read_until(proc, lambda line: int(line) >= edits))
    kill(proc)
    book = sound(path)
    activities = [r[0] for r in book.query("SELECT note FROM activity ORDER BY id")]
    assessments = [r[0] for r in book.query("SELECT note FROM assessment ORDER BY id")]
    last = len(activities) - 1
    assert last >= saved
    assert activities == [f"edit {i}" for i in range(last + 1)]
    assert assessments == [f"edit {i}" for i in range(len(assessments))]
    assert len(assessments) in (last, last + 1)  # killed between two edits, or not
    answer = book.scalar("SELECT note FROM checklist_answer WHERE customer_id = 1")
    assert answer in (f"edit {last}", f"edit {last - 1}")
    book.close()
