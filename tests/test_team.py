"""The team book against a real PostgreSQL that the tests start (docs/team.md)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from segtui.store.book import open_book
from segtui.store.schema import SCHEMA_VERSION
from segtui.store import team
from team_server import Server, bindir

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "sample.db"
NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="session")
def server():
    found = bindir()
    if found is None:
        pytest.skip("PostgreSQL is not installed here (no initdb/pg_ctl; apt-get install postgresql-15)")
    s = Server(found)
    s.start()
    yield s
    s.stop()


@pytest.fixture
def url(server) -> str:
    address = server.create_db("t" + uuid.uuid4().hex[:12])
    team.init(address)
    return address


def at(minute: int) -> dt.datetime:
    return NOW + dt.timedelta(minutes=minute)


def test_init_is_idempotent_and_a_newer_team_book_is_refused(server):
    address = server.create_db("init" + uuid.uuid4().hex[:8])
    assert "is set up" in team.init(address)
    assert "nothing to do" in team.init(address)
    import psycopg

    with psycopg.connect(address, autocommit=True) as conn:
        conn.execute("UPDATE segtui.meta SET value = '99' WHERE key = 'schema'")
    with pytest.raises(team.TeamError, match="newer segtui"):
        team.init(address)


def test_publish_and_join(url, tmp_path):
    a_path = tmp_path / "a.db"
    shutil.copy(SAMPLE, a_path)
    a = open_book(a_path)
    first = team.sync(a, url, at(0))
    assert first.pushed > 0
    b = open_book(tmp_path / "b.db")
    joined = team.sync(b, url, at(1))
    assert joined.pulled >= first.pushed - 40
    assert b.counts() == a.counts()
    again_a, again_b = team.sync(a, url, at(2)), team.sync(b, url, at(3))
    assert (again_a.pushed, again_a.pulled, again_b.pushed, again_b.pulled) == (0, 0, 0, 0)


# --- helpers -------------------------------------------------------------------


def cli(*args: str, check: bool = True, env: dict | None = None) -> subprocess.CompletedProcess:
    run = subprocess.run(
        [sys.executable, "-m", "segtui", *args], capture_output=True, text=True, timeout=120,
        env={**os.environ, **(env or {})},
    )
    if check:
        assert run.returncode == 0, run.stderr
    return run


def sync_json(book: Path, url: str) -> dict:
    return json.loads(cli("sync", str(book), url, "--format", "json").stdout)


def dump(book) -> dict:
    from segtui.store.identity import dump as dumped

    with book.lock:
        return dumped(book.conn)


def customer_id(book, source_id: str) -> int:
    return book.scalar("SELECT id FROM customer WHERE source_id = ?", (source_id,))


def edited_at(book, stamp: str) -> None:
    """Say when this book's pending edits were made (offline, at a known time)."""
    with book.transaction() as conn:
        conn.execute("UPDATE team_change SET at = ?", (stamp,))


def orders_file(path: Path, customers: list[str], n: int) -> Path:
    import random

    rng = random.Random(7)
    with path.open("w", encoding="utf-8") as out:
        out.write("CustomerID,InvoiceNo,InvoiceDate,Amount\n")
        for i in range(n):
            day = dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(0, 690))
            out.write(f"{rng.choice(customers)},T{i:06d},{day.isoformat()},{rng.randrange(100, 90000)}.00\n")
    return path


# --- the must-show: publish, join, 60,000 orders, killed syncs -----------------


def test_sixty_thousand_orders_reach_the_other_rep_through_killed_syncs(url, tmp_path):
    import random
    import signal
    import time

    from segtui.io.importer import import_orders

    a_path, b_path = tmp_path / "a.db", tmp_path / "b.db"
    shutil.copy(SAMPLE, a_path)
    published = sync_json(a_path, url)
    assert published["pushed"] > 7000 and published["pulled"] == 0
    joined = sync_json(b_path, url)  # B's book does not exist yet: the sync creates it
    assert joined["pulled"] >= published["pushed"] - len(team_settings_left_alone())

    a = open_book(a_path)
    sources = [r[0] for r in a.rows("SELECT source_id FROM customer")]
    import_orders(a, orders_file(tmp_path / "new.csv", sources, 60_000), as_of=dt.date(2026, 12, 1))
    total = a.scalar('SELECT count(*) FROM "order"')
    assert total >= 7827 + 59_000
    a.close()

    # killed at every step of the sync (in the process), then at random moments (from outside)
    for step in ("filled", "sent", "pushed", "committed"):
        def stop(at_step: str, step=step) -> None:
            if at_step == step:
                raise KeyboardInterrupt
        a = open_book(a_path)
        with pytest.raises(KeyboardInterrupt):
            team.sync(a, url, at(10), pause=stop)
        assert a.scalar('SELECT count(*) FROM "order"') == total
        assert a.scalar("PRAGMA integrity_check") == "ok"
        a.close()
    rng = random.Random(21)
    for _ in range(3):
        started = subprocess.Popen([sys.executable, "-m", "segtui", "sync", str(a_path), url],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 2.5))
        started.send_signal(signal.SIGKILL)
        started.wait(timeout=30)
        check = sqlite3.connect(a_path)
        assert check.execute('SELECT count(*) FROM "order"').fetchone()[0] == total
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        check.close()

    completed = sync_json(a_path, url)
    assert completed["conflicts"] == []
    received = sync_json(b_path, url)
    assert received["pulled"] >= 59_000 and received["pushed"] == 0

    as_of = ["--as-of", "2026-12-01", "--format", "csv"]
    assert cli("segments", str(a_path), *as_of).stdout == cli("segments", str(b_path), *as_of).stdout
    counts = [sqlite3.connect(p).execute('SELECT count(*) FROM "order"').fetchone()[0] for p in (a_path, b_path)]
    assert counts == [total, total]
    for path in (a_path, b_path):
        again = sync_json(path, url)
        assert (again["pushed"], again["pulled"]) == (0, 0)


def team_settings_left_alone() -> tuple[str, ...]:
    from segtui.store.identity import TEAM_SETTINGS

    return TEAM_SETTINGS


# --- three reps, every order --------------------------------------------------


def _three_books(tmp_path: Path, url: str):
    from segtui.store.demo import generate

    a = generate(tmp_path / "a.db", customers=25, orders=400, seed=3, today=dt.date(2026, 12, 1))
    team.sync(a, url, at(0))
    b, c = open_book(tmp_path / "b.db"), open_book(tmp_path / "c.db")
    team.sync(b, url, at(1))
    team.sync(c, url, at(2))
    return {"a": a, "b": b, "c": c}


def _offline_edits(books: dict) -> tuple[str, str]:
    """Each rep edits offline; A and B both change one customer's owner, and C
    deletes a contact. Returns the contested customer and A's contact."""
    from segtui.store.customers import add_activity, add_assessment

    contested = books["a"].scalar("SELECT source_id FROM customer ORDER BY source_id LIMIT 1")
    for i, (name, book) in enumerate(sorted(books.items())):
        cid = customer_id(book, contested)
        add_assessment(book, cid, "2026-11-2" + str(i), 100_000 * (i + 1), None, who=name, note="estimate by " + name)
        add_activity(book, cid, "2026-11-2" + str(i), "call", outcome="spoke", note="call by " + name)
        with book.transaction() as conn:
            conn.execute("INSERT INTO contact (customer_id, name, phone) VALUES (?, ?, ?)",
                         (cid, "Contact of " + name, "+46 70 000 00 0" + str(i)))
    for name, stamp in (("a", "2026-12-01T10:00:00.000"), ("b", "2026-12-01T11:00:00.000")):
        with books[name].transaction() as conn:
            conn.execute("UPDATE customer SET owner = ? WHERE source_id = ?", ("Owner by " + name, contested))
    with books["c"].transaction() as conn:
        conn.execute("DELETE FROM contact WHERE id = (SELECT min(id) FROM contact)")
    edited_at(books["a"], "2026-12-01T10:00:00.000")
    edited_at(books["b"], "2026-12-01T11:00:00.000")
    edited_at(books["c"], "2026-12-01T12:00:00.000")
    return contested, books["a"].scalar("SELECT uid FROM contact WHERE name = 'Contact of a'")


@pytest.mark.parametrize("order", list(itertools.permutations("abc")), ids="".join)
def test_three_reps_syncing_in_any_order_end_identical(order, server, tmp_path):
    url = server.create_db("three" + uuid.uuid4().hex[:10])
    team.init(url)
    books = _three_books(tmp_path, url)
    deleted = books["c"].scalar("SELECT uid FROM contact WHERE id = (SELECT min(id) FROM contact)")
    contested, _ = _offline_edits(books)
    told: dict[str, list] = {name: [] for name in books}
    for round_ in range(2):
        for i, name in enumerate(order):
            told[name] += team.sync(books[name], url, at(10 + 3 * round_ + i)).conflicts
    dumps = {name: dump(book) for name, book in books.items()}
    assert dumps["a"] == dumps["b"] == dumps["c"]
    every = dumps["a"]
    for name in "abc":
        assert any(json.loads(row[1])["note"] == "estimate by " + name for row in every["assessment"])
        assert any(json.loads(row[1])["note"] == "call by " + name for row in every["activity"])
        assert any(json.loads(row[1])["name"] == "Contact of " + name for row in every["contact"])
    assert deleted not in {row[0] for row in every["contact"]}
    # the later change (B's) won, whatever the order; both A and B were told, with both values
    owner = books["a"].scalar("SELECT owner FROM customer WHERE source_id = ?", (contested,))
    assert owner == "Owner by b"
    for name in "ab":
        reports = [c for c in told[name] if c["table"] == "customer" and c["customer"] == contested]
        assert len(reports) == 1, told[name]
        assert reports[0]["values"]["owner"] == ["Owner by b", "Owner by a"]
        assert reports[0]["kept"] == ("yours" if name == "b" else "theirs")
        kept = books[name].rows("SELECT winner, loser FROM team_conflict WHERE customer = ?", (contested,))
        assert [(json.loads(w)["owner"], json.loads(l)["owner"]) for w, l in kept] == [("Owner by b", "Owner by a")]
    assert told["c"] == []
    for book in books.values():
        assert (lambda r: (r.pushed, r.pulled))(team.sync(book, url, at(30))) == (0, 0)
        book.close()


# --- faults ---------------------------------------------------------------------


def test_a_server_that_is_down_says_so_in_one_line_and_changes_nothing(tmp_path):
    import hashlib
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = tmp_path / "a.db"
    shutil.copy(SAMPLE, path)
    open_book(path).close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run = cli("sync", str(path), f"postgresql://rep@127.0.0.1:{port}/team", check=False)
    assert run.returncode == 1
    assert run.stderr.count("\n") == 1 and "cannot reach the team book team on 127.0.0.1" in run.stderr
    assert "nothing was changed" in run.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_a_team_book_not_set_up_is_refused_before_anything_changes(server, tmp_path):
    address = server.create_db("bare" + uuid.uuid4().hex[:8])
    book = open_book(tmp_path / "a.db")
    with pytest.raises(team.TeamError, match="team init"):
        team.sync(book, address, at(0))
    assert book.rows("SELECT * FROM team_state") == []


def test_two_reps_syncing_at_the_same_moment_both_succeed(url, tmp_path):
    import threading

    from segtui.store.customers import add_activity

    books = _three_books(tmp_path, url)
    a, b = books["a"], books["b"]
    add_activity(a, 1, "2026-11-30", "visit", note="from a")
    add_activity(b, 2, "2026-11-30", "visit", note="from b")
    results, errors = {}, []

    def run(name, book):
        try:
            results[name] = team.sync(book, url, at(20))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=item) for item in (("a", a), ("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == [] and results["a"].pushed == 1 and results["b"].pushed == 1
    team.sync(a, url, at(21))
    assert dump(a) == dump(b) or team.sync(b, url, at(22)) and dump(a) == dump(b)


# --- identity -------------------------------------------------------------------


def test_the_migration_gives_every_row_an_id_and_changes_no_figure(tmp_path):
    path = tmp_path / "v1.db"
    shutil.copy(ROOT / "tests" / "fixtures" / "books" / "v1.db", path)
    tables = ["customer", "contact", "order", "assessment", "checklist_answer", "qualification",
              "buying_behaviour", "competitor_contract", "activity", "plan_item", "setting"]

    def rows(conn, table, columns):
        # sql-safe: table and column names of the test
        return [tuple(r) for r in conn.execute(f'SELECT {", ".join(columns)} FROM "{table}" ORDER BY rowid')]

    raw = sqlite3.connect(path)
    columns = {t: [r[1] for r in raw.execute("SELECT * FROM pragma_table_info(?)", (t,))] for t in tables}
    before = {t: rows(raw, t, columns[t]) for t in tables}
    raw.close()
    book = open_book(path)
    assert book.version == SCHEMA_VERSION
    for t in tables:
        after = rows(book.conn, t, columns[t])
        assert after == before[t] if t != "setting" else set(before[t]) <= set(after)
        if t != "setting":
            uids = [r[0] for r in book.rows(f'SELECT uid FROM "{t}"')]  # sql-safe: table names of the test
            assert None not in uids and len(set(uids)) == len(uids)
    assert book.rows("SELECT uid FROM customer ORDER BY id") == book.rows("SELECT source_id FROM customer ORDER BY id")


def test_a_password_is_never_stored_as_the_team_address():
    from segtui.domain.settings import SettingError, validate

    assert validate("team.url", "postgresql://rep@db.example/team") == "postgresql://rep@db.example/team"
    with pytest.raises(SettingError, match="pgpass"):
        validate("team.url", "postgresql://rep:secret@db.example/team")
    with pytest.raises(SettingError, match="pgpass"):
        validate("team.url", "host=db dbname=team password=secret")


# --- the app ----------------------------------------------------------------------


async def test_ctrl_y_syncs_the_open_book_and_the_title_says_when(url, tmp_path):
    from segtui.ui.app import SegtuiApp

    team.sync(_published(tmp_path, url), url, at(0))
    book = open_book(tmp_path / "rep.db")
    book.set_setting("team.url", url)
    app = SegtuiApp(book, as_of=dt.date(2026, 12, 1), config_dir=tmp_path / "config", cache_dir=tmp_path / "cache")
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if app.board.loaded and not app.workers:
                break
        assert "synced" not in app.sub_title
        await pilot.press("ctrl+y")
        for _ in range(400):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if "synced" in app.sub_title:
                break
        else:
            raise AssertionError("the sync did not finish: " + app.sub_title)
    assert book.scalar("SELECT count(*) FROM customer") == 300
    stamp = book.scalar("SELECT value FROM team_state WHERE key = 'last_sync'")
    shown = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")
    # opened again later, the title still says when the book last synced
    again = SegtuiApp(book, as_of=dt.date(2026, 12, 1), config_dir=tmp_path / "config", cache_dir=tmp_path / "cache")
    async with again.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert "synced " + shown in again.sub_title


async def test_a_sync_in_the_app_with_the_server_down_says_so_in_one_line_and_changes_nothing(tmp_path):
    import socket

    from segtui.ui.app import SegtuiApp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    path = tmp_path / "rep.db"
    shutil.copy(SAMPLE, path)
    book = open_book(path)
    book.set_setting("team.url", f"postgresql://rep@127.0.0.1:{port}/team")
    before = dump(book)
    app = SegtuiApp(book, as_of=dt.date(2026, 12, 1), config_dir=tmp_path / "config", cache_dir=tmp_path / "cache")
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(200):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            if app.board.loaded and not app.workers:
                break
        await pilot.press("ctrl+y")
        for _ in range(400):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            errors = [n for n in app._notifications if n.severity == "error"]
            if errors:
                break
        else:
            raise AssertionError("no word from the sync")
        assert len(errors) == 1 and "\n" not in errors[0].message
        assert "cannot reach the team book team on 127.0.0.1" in errors[0].message
        assert "nothing was changed" in errors[0].message
        assert "synced" not in app.sub_title
    assert book.rows("SELECT * FROM team_state") == [] and dump(book) == before


def _published(tmp_path: Path, url: str):
    path = tmp_path / "lead.db"
    shutil.copy(SAMPLE, path)
    return open_book(path)


def test_the_team_board_shows_coverage_per_rep_and_sends_nothing(url, tmp_path):
    lead = _published(tmp_path, url)
    with lead.transaction() as conn:
        cid = conn.execute("SELECT id FROM customer WHERE owner = 'Erik Berg' ORDER BY id LIMIT 1").fetchone()[0]
        conn.execute("INSERT INTO plan_item (customer_id, day, kind, status) VALUES (?, '2026-11-30', 'visit', 'done')", (cid,))
        conn.execute("INSERT INTO plan_item (customer_id, day, kind, status) VALUES (?, '2026-12-01', 'call', 'planned')", (cid,))
    team.sync(lead, url, at(0))
    expected = {}
    for owner, status, n in lead.rows(
        "SELECT c.owner, p.status, count(*) FROM plan_item p JOIN customer c ON c.id = p.customer_id "
        "WHERE c.archived = 0 GROUP BY c.owner, p.status"
    ):
        cell = expected.setdefault(owner or "(no owner)", [0, 0])
        cell[0] += n
        cell[1] += n if status == "done" else 0
    rows = json.loads(cli("team", "board", url, "--as-of", "2026-12-01", "--format", "json").stdout)
    reps = {r["owner"] for r in rows}
    assert reps == {r[0] or "(no owner)" for r in lead.rows("SELECT DISTINCT owner FROM customer WHERE archived = 0")}
    got = {}
    for r in rows:
        cell = got.setdefault(r["owner"], [0, 0])
        cell[0] += r["planned"]
        cell[1] += r["done"]
    assert {k: v for k, v in got.items() if v != [0, 0]} == expected
    assert sum(r["customers"] for r in rows) == lead.scalar("SELECT count(*) FROM customer WHERE archived = 0")
    mine = json.loads(cli("team", "board", url, "--owner", "Erik Berg", "--format", "json").stdout)
    assert {r["owner"] for r in mine} == {"Erik Berg"}
    table = cli("team", "board", url, "--owner", "Erik Berg").stdout
    assert "Erik Berg" in table and "coverage" in table
    import psycopg

    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM segtui.book").fetchone()[0] == 1  # the board sent nothing


def test_a_conflict_is_printed_with_both_values(url, tmp_path):
    lead = _published(tmp_path, url)
    team.sync(lead, url, at(0))
    rep = open_book(tmp_path / "rep.db")
    team.sync(rep, url, at(1))
    for book, owner, stamp in ((lead, "Lead's pick", "2026-12-01T10:00:00.000"), (rep, "Rep's pick", "2026-12-01T11:00:00.000")):
        with book.transaction() as conn:
            conn.execute("UPDATE customer SET owner = ? WHERE source_id = 'K10001'", (owner,))
        edited_at(book, stamp)
    team.sync(rep, url, at(2))
    rep.close()
    lead.close()
    out = cli("sync", str(tmp_path / "lead.db"), url).stdout
    assert "conflict on customer K10001: another rep's later value was kept" in out
    assert "owner: \"Rep's pick\" kept, \"Lead's pick\" in history" in out


# --- property: any edits, any sync order, the books end identical ---------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

EDIT = st.tuples(
    st.sampled_from("abc"),
    st.sampled_from(["activity", "owner", "contact", "phone", "drop_contact", "answer", "sync"]),
    st.integers(0, 4),
    st.integers(0, 3),
)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(EDIT, min_size=1, max_size=25))
def test_any_edits_synced_in_any_order_end_identical_with_every_dated_row(server, edits):
    import tempfile

    from segtui.store.customers import add_activity, set_checklist_answer
    from segtui.store.demo import generate

    url = server.create_db("prop" + uuid.uuid4().hex[:10])
    team.init(url)
    with tempfile.TemporaryDirectory() as folder:
        here = Path(folder)
        books = {"a": generate(here / "a.db", customers=5, orders=30, seed=5, today=dt.date(2026, 12, 1))}
        team.sync(books["a"], url, at(0))
        for name in "bc":
            books[name] = open_book(here / (name + ".db"))
            team.sync(books[name], url, at(1))
        sources = [r[0] for r in books["a"].rows("SELECT source_id FROM customer ORDER BY source_id")]
        notes = []
        for step, (name, kind, who, value) in enumerate(edits):
            book = books[name]
            cid = customer_id(book, sources[who])
            if kind == "sync":
                team.sync(book, url, at(2 + step))
            elif kind == "activity":
                note = f"{name}{step}"
                notes.append(note)
                add_activity(book, cid, "2026-11-30", "call", note=note)
            elif kind == "owner":
                with book.transaction() as conn:
                    conn.execute("UPDATE customer SET owner = ? WHERE id = ?", (f"{name}{value}", cid))
            elif kind == "contact":
                with book.transaction() as conn:
                    conn.execute("INSERT INTO contact (customer_id, name) VALUES (?, ?)", (cid, f"{name}{step}"))
            elif kind == "phone":
                with book.transaction() as conn:
                    conn.execute("UPDATE contact SET phone = ? WHERE id = (SELECT min(id) FROM contact "
                                 "WHERE customer_id = ?)", (f"+46 {name}{value}", cid))
            elif kind == "drop_contact":
                with book.transaction() as conn:
                    conn.execute("DELETE FROM contact WHERE id = (SELECT max(id) FROM contact WHERE customer_id = ?)",
                                 (cid,))
            elif kind == "answer":
                set_checklist_answer(book, cid, "growing", "2026-11-30", ["yes", "no", "unknown", "yes"][value])
        for round_ in range(2):
            for name in "abc":
                team.sync(books[name], url, at(100 + round_))
        dumps = [dump(b) for b in books.values()]
        assert dumps[0] == dumps[1] == dumps[2]
        present = {json.loads(row[1])["note"] for row in dumps[0]["activity"]}
        assert set(notes) <= present
        for b in books.values():
            again = team.sync(b, url, at(200))
            assert (again.pushed, again.pulled) == (0, 0)
            b.close()


# --- places on the map --------------------------------------------------------------


def test_a_typed_place_reaches_the_other_reps_and_a_town_place_stays_in_each_book(url, tmp_path):
    import psycopg

    from segtui.store import places

    lead = _published(tmp_path, url)
    places.fill(lead)  # every customer found from its town, before the book ever synced
    team.sync(lead, url, at(0))
    rep = open_book(tmp_path / "rep.db")
    team.sync(rep, url, at(1))
    cid_lead, cid_rep = customer_id(lead, "K10001"), customer_id(rep, "K10001")
    town_place = places.place_of(rep, cid_rep)
    assert town_place[1] == "town"
    places.fill(rep)
    team.sync(rep, url, at(2))  # the rep's town places got their ids; they do not travel
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM segtui.row WHERE tbl = 'place'").fetchone()[0] == 0

    places.set_place(lead, cid_lead, "59.3293,18.0686")
    sent = team.sync(lead, url, at(3))
    assert sent.pushed == 1
    got = team.sync(rep, url, at(4))
    assert got.pulled == 1 and got.conflicts == []
    assert places.place_of(rep, cid_rep) == ((59.3293, 18.0686), "typed")
    assert dump(rep)["place"] == dump(lead)["place"] and len(dump(rep)["place"]) == 1

    # the lead goes back to the customer's town: the typed place leaves every book
    places.set_place(lead, cid_lead, "")
    assert places.place_of(lead, cid_lead) == town_place
    assert team.sync(lead, url, at(5)).pushed == 1
    team.sync(rep, url, at(6))
    assert places.place_of(rep, cid_rep) == town_place
    assert dump(rep)["place"] == dump(lead)["place"] == []

    # both type a place offline: the later one is kept everywhere, both are told, the other is in history
    places.set_place(lead, cid_lead, "57.7089,11.9746")
    places.set_place(rep, cid_rep, "55.6050,13.0038")
    edited_at(lead, "2026-12-01T10:00:00.000")
    edited_at(rep, "2026-12-01T11:00:00.000")
    told = team.sync(lead, url, at(7)).conflicts + team.sync(rep, url, at(8)).conflicts + \
        team.sync(lead, url, at(9)).conflicts
    assert [(c["table"], c["customer"], c["values"]["lat"]) for c in told] == \
        [("place", "K10001", [55.605, 57.7089])] * 2
    for book, cid in ((lead, cid_lead), (rep, cid_rep)):
        assert places.place_of(book, cid) == ((55.605, 13.0038), "typed")
        assert (lambda r: (r.pushed, r.pulled))(team.sync(book, url, at(10))) == (0, 0)


def test_a_place_from_the_customer_import_travels(url, tmp_path):
    from segtui.io.importer import import_customers
    from segtui.store import places

    lead = _published(tmp_path, url)
    team.sync(lead, url, at(0))
    rep = open_book(tmp_path / "rep.db")
    team.sync(rep, url, at(1))
    places.fill(lead)
    places.fill(rep)
    team.sync(lead, url, at(2))
    team.sync(rep, url, at(3))
    file = tmp_path / "customers.csv"
    file.write_text("CustomerID,Name,lat,lon\nK10002,Kund Två,63.8258,20.2630\n", encoding="utf-8")
    import_customers(lead, file)
    assert places.place_of(lead, customer_id(lead, "K10002")) == ((63.8258, 20.263), "imported")
    assert team.sync(lead, url, at(4)).pushed >= 1
    team.sync(rep, url, at(5))
    assert places.place_of(rep, customer_id(rep, "K10002")) == ((63.8258, 20.263), "imported")
    assert dump(rep) == dump(lead)


# --- merged duplicates ---------------------------------------------------------------


def test_a_merge_made_before_joining_stays_merged_in_every_book_and_is_not_undone_once_synced(url, tmp_path):
    from segtui.io.importer import import_orders
    from segtui.store import duplicates

    lead = _published(tmp_path, url)
    keep, other = customer_id(lead, "K10163"), customer_id(lead, "K10188")
    undo = duplicates.merge_customers(lead, keep, other, dt.date(2026, 11, 30))
    assert team.sync(lead, url, at(0)).pushed > 0
    rep = open_book(tmp_path / "rep.db")
    team.sync(rep, url, at(1))
    assert rep.rows("SELECT a.source_id, c.source_id FROM customer_alias a JOIN customer c ON c.id = a.customer_id") \
        == [("K10188", "K10163")]
    assert rep.scalar("SELECT count(*) FROM customer WHERE source_id = 'K10188'") == 0

    # the rep's next ERP import names the merged-away customer: its orders go to the kept one
    file = tmp_path / "orders.csv"
    file.write_text("CustomerID,InvoiceNo,InvoiceDate,Amount\nK10188,M900001,2026-11-28,1234.00\n", encoding="utf-8")
    import_orders(rep, file, as_of=dt.date(2026, 12, 1))
    kept_rep = customer_id(rep, "K10163")
    assert rep.scalar("SELECT customer_id FROM \"order\" WHERE order_ref = 'M900001'") == kept_rep
    assert rep.scalar("SELECT count(*) FROM customer WHERE source_id = 'K10188'") == 0
    team.sync(rep, url, at(2))
    team.sync(lead, url, at(3))
    assert lead.scalar("SELECT customer_id FROM \"order\" WHERE order_ref = 'M900001'") == keep
    assert dump(rep) == dump(lead)

    # the merge reached the team book: it is not split again in one book, the others would not follow
    with pytest.raises(duplicates.MergeRefused, match="K10188 was merged into K10163 and the merge has reached"):
        duplicates.undo_merge(lead, undo)
    assert rep.scalar("SELECT count(*) FROM customer_alias") == 1
    for book in (lead, rep):
        assert (lambda r: (r.pushed, r.pulled))(team.sync(book, url, at(4))) == (0, 0)


def _two_reps_and_a_pair(tmp_path: Path, url: str):
    """Rep A publishes a book with a duplicate pair (kept K, merged-away S, which answered the
    same checklist question earlier and one K did not); rep B joins."""
    from segtui.store.customers import set_checklist_answer, set_qualification
    from segtui.store.demo import generate

    a = generate(tmp_path / "a.db", customers=12, orders=150, seed=11, today=dt.date(2026, 12, 1))
    kept, merged = (r[0] for r in a.rows("SELECT source_id FROM customer ORDER BY source_id LIMIT 2"))
    with a.transaction() as conn:  # no order of one is the other's: they can be merged
        conn.execute('DELETE FROM "order" WHERE customer_id = ? AND (order_ref IN (SELECT order_ref FROM "order" '
                     'WHERE customer_id = ?) OR order_ref IS NULL)', (customer_id(a, merged), customer_id(a, kept)))
    set_checklist_answer(a, customer_id(a, kept), "growing", "2026-11-01", "no")
    set_checklist_answer(a, customer_id(a, merged), "growing", "2026-10-01", "yes")
    set_checklist_answer(a, customer_id(a, merged), "services", "2026-10-05", "yes")
    set_qualification(a, customer_id(a, merged), "2026-10-07", True, True, None)
    team.sync(a, url, at(0))
    b = open_book(tmp_path / "b.db")
    team.sync(b, url, at(1))
    return a, b, kept, merged


def _rows_on(book, source_id: str) -> dict[str, set[str]]:
    """The dated rows of a customer, by table: their team ids."""
    cid = customer_id(book, source_id)
    return {
        table: {r[0] for r in book.rows(f'SELECT uid FROM "{table}" WHERE customer_id = ?', (cid,))}  # noqa: S608
        for table in ("activity", "note", "plan_item", "assessment", "contact", "order", "checklist_answer")
    }


@pytest.mark.parametrize("first", ["a", "b"])
def test_a_merge_in_a_synced_book_travels_and_every_book_moves_its_own_rows(first, server, tmp_path):
    from segtui.store import duplicates
    from segtui.store.customers import add_activity, add_assessment, set_checklist_answer

    url = server.create_db("merge" + uuid.uuid4().hex[:10])
    team.init(url)
    a, b, kept, merged = _two_reps_and_a_pair(tmp_path, url)
    before = {name: _rows_on(book, kept) for name, book in (("a", a), ("b", b))}
    merged_rows = _rows_on(a, merged)
    # A merges S into K offline
    duplicates.merge_customers(a, customer_id(a, kept), customer_id(a, merged), dt.date(2026, 12, 1))
    # B, offline too, works on S: a visit, a note, a plan item, an estimate, a contact, and a newer answer
    s_in_b = customer_id(b, merged)
    add_activity(b, s_in_b, "2026-11-25", "visit", outcome="met", note="visit by b on the merged customer")
    add_assessment(b, s_in_b, "2026-11-25", 250_000, None, who="b", note="estimate by b")
    set_checklist_answer(b, s_in_b, "growing", "2026-11-20", "unknown")  # later than K's: it wins, as in one book
    with b.transaction() as conn:
        conn.execute("INSERT INTO note (customer_id, date, text) VALUES (?, '2026-11-26', 'note by b')", (s_in_b,))
        conn.execute("INSERT INTO plan_item (customer_id, day, kind, status) VALUES (?, '2026-12-03', 'visit', "
                     "'planned')", (s_in_b,))
        conn.execute("INSERT INTO contact (customer_id, name) VALUES (?, 'Contact by b')", (s_in_b,))
    edited_at(a, "2026-12-01T10:00:00.000")
    edited_at(b, "2026-12-01T10:30:00.000")
    books = {"a": a, "b": b}
    order = [first, "b" if first == "a" else "a", first]
    told = [c for i, name in enumerate(order) for c in team.sync(books[name], url, at(10 + i)).conflicts]
    assert told == []
    b_rows = {t: ids - before["b"][t] - merged_rows[t] for t, ids in _rows_on(b, kept).items()}
    assert {t: len(ids) for t, ids in b_rows.items() if ids} == {
        "activity": 1, "note": 1, "plan_item": 1, "assessment": 1, "contact": 1}
    for book in (a, b):
        assert book.scalar("SELECT count(*) FROM customer WHERE source_id = ?", (merged,)) == 0
        assert book.rows("SELECT a.source_id, c.source_id FROM customer_alias a JOIN customer c "
                         "ON c.id = a.customer_id") == [(merged, kept)]
        on_kept = _rows_on(book, kept)
        for table in on_kept:  # every dated row of both customers and B's new ones, none lost
            if table != "checklist_answer":
                assert on_kept[table] >= before["a"][table] | merged_rows[table] | b_rows[table], table
        answers = dict(book.rows("SELECT question_key, answer FROM checklist_answer WHERE customer_id = ?",
                                 (customer_id(book, kept),)))
        assert (answers["growing"], answers["services"]) == ("unknown", "yes")
        assert book.scalar("SELECT count(*) FROM qualification WHERE customer_id = ?", (customer_id(book, kept),)) == 1
    assert dump(a) == dump(b)
    a.close()
    b.close()
    as_of = ["--as-of", "2026-12-01", "--format", "csv"]
    assert cli("segments", str(tmp_path / "a.db"), *as_of).stdout == cli("segments", str(tmp_path / "b.db"), *as_of).stdout
    for name in "ab":
        again = sync_json(tmp_path / f"{name}.db", url)
        assert (again["pushed"], again["pulled"]) == (0, 0)
    # a rep who joins afterwards gets the merged book too
    c = open_book(tmp_path / "c.db")
    team.sync(c, url, at(30))
    a = open_book(tmp_path / "a.db")
    assert dump(c) == dump(a)
    assert (lambda r: (r.pushed, r.pulled))(team.sync(c, url, at(31))) == (0, 0)


def test_two_reps_merging_the_same_pair_opposite_ways_the_second_is_told_and_undoes(url, tmp_path):
    from segtui.store import duplicates
    from segtui.store.customers import add_activity

    a, b, kept, merged = _two_reps_and_a_pair(tmp_path, url)
    on_both = {t: _rows_on(a, kept)[t] | _rows_on(a, merged)[t] for t in _rows_on(a, kept)}
    duplicates.merge_customers(a, customer_id(a, kept), customer_id(a, merged), dt.date(2026, 12, 1))
    duplicates.merge_customers(b, customer_id(b, merged), customer_id(b, kept), dt.date(2026, 12, 1))
    add_activity(b, customer_id(b, merged), "2026-11-28", "call", note="call by b after merging")
    edited_at(a, "2026-12-01T10:00:00.000")
    edited_at(b, "2026-12-01T10:30:00.000")
    assert team.sync(a, url, at(10)).conflicts == []
    def rows(book):  # every row as it travels, without the team ids a sync gives new rows first
        return {table: sorted(row[1] for row in found) for table, found in dump(book).items()}

    mine = rows(b)
    with pytest.raises(team.TeamError) as refused:
        team.sync(b, url, at(11))
    said = str(refused.value)
    assert "\n" not in said and said == (
        f"{kept} was merged into {merged} in this book, but another rep had merged {merged} into {kept} first: "
        "undo this merge (segtui duplicates BOOK --undo, or ctrl+z on the duplicates screen) and sync again; "
        "nothing was sent")
    assert rows(b) == mine  # nothing was sent, nothing taken
    import psycopg

    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM segtui.row WHERE tbl = 'customer_alias'").fetchone()[0] == 1
    _source, _kept, undo = duplicates.last_merge(b)
    duplicates.undo_merge(b, undo)  # the merge never reached the team book: it can be split again
    for i, name in enumerate("bab"):
        assert team.sync({"a": a, "b": b}[name], url, at(12 + i)).conflicts == []
    assert dump(a) == dump(b)
    for book in (a, b):
        assert book.scalar("SELECT count(*) FROM customer WHERE source_id = ?", (merged,)) == 0
        on_kept = _rows_on(book, kept)
        for table in ("activity", "note", "plan_item", "assessment", "contact", "order"):
            assert on_kept[table] >= on_both[table], table
        assert book.scalar("SELECT count(*) FROM activity WHERE note = 'call by b after merging' AND customer_id = ?",
                           (customer_id(book, kept),)) == 1
        assert (lambda r: (r.pushed, r.pulled))(team.sync(book, url, at(20))) == (0, 0)


def test_two_reps_making_the_same_merge_make_one_merge(url, tmp_path):
    from segtui.store import duplicates

    a, b, kept, merged = _two_reps_and_a_pair(tmp_path, url)
    on_both = {t: _rows_on(a, kept)[t] | _rows_on(a, merged)[t] for t in _rows_on(a, kept)}
    for book in (a, b):
        duplicates.merge_customers(book, customer_id(book, kept), customer_id(book, merged), dt.date(2026, 12, 1))
    edited_at(a, "2026-12-01T10:00:00.000")
    edited_at(b, "2026-12-01T10:30:00.000")
    for i, book in enumerate((a, b, a)):
        assert team.sync(book, url, at(10 + i)).conflicts == []
    for book in (a, b):
        assert book.scalar("SELECT count(*) FROM customer WHERE source_id = ?", (merged,)) == 0
        on_kept = _rows_on(book, kept)
        for table in ("activity", "note", "plan_item", "assessment", "contact", "order"):
            assert on_kept[table] == on_both[table], table
        assert (lambda r: (r.pushed, r.pulled))(team.sync(book, url, at(20))) == (0, 0)
    ours, theirs = dump(a), dump(b)
    assert {t: rows for t, rows in ours.items() if t != "customer_alias"} == \
        {t: rows for t, rows in theirs.items() if t != "customer_alias"}


# --- the team's settings, the address, a server that refuses, the same ERP file twice ---


def test_the_settings_that_define_the_classes_are_the_teams_and_the_rest_stay_each_reps(url, tmp_path):
    from segtui.store.identity import TEAM_SETTINGS

    lead = _published(tmp_path, url)
    team.sync(lead, url, at(0))
    rep = open_book(tmp_path / "rep.db")
    team.sync(rep, url, at(1))
    lead.set_settings({"abc.a_above": "3000000", "trend.decline_from": "0.4", "capacity.visits_per_day": "6",
                       "policy.small_fry": "call:60"})
    team.sync(lead, url, at(2))
    team.sync(rep, url, at(3))
    got = rep.settings()
    assert (got["abc.a_above"], got["trend.decline_from"]) == ("3000000", "0.4")
    assert (got["capacity.visits_per_day"], got["policy.small_fry"]) != ("6", "call:60")
    assert {k: got[k] for k in TEAM_SETTINGS} == {k: lead.settings()[k] for k in TEAM_SETTINGS}
    as_of = ["--as-of", "2026-12-01", "--format", "csv"]
    lead.close()
    rep.close()
    assert cli("segments", str(tmp_path / "lead.db"), *as_of).stdout == cli("segments", str(tmp_path / "rep.db"), *as_of).stdout


def test_the_address_comes_from_the_argument_the_book_or_the_environment(url, tmp_path):
    _published(tmp_path, url).close()
    lead = tmp_path / "lead.db"
    missing = cli("sync", str(tmp_path / "nobody.db"), check=False, env={"SEGTUI_TEAM_URL": ""})
    assert missing.returncode == 1 and missing.stderr.count("\n") == 1 and "no team book address" in missing.stderr
    assert not (tmp_path / "nobody.db").exists()
    from_env = json.loads(cli("sync", str(lead), "--format", "json", env={"SEGTUI_TEAM_URL": url}).stdout)
    assert from_env["pushed"] > 7000
    cli("settings", str(lead), "team.url", url)
    from_book = json.loads(cli("sync", str(lead), "--format", "json", env={"SEGTUI_TEAM_URL": ""}).stdout)
    assert (from_book["pushed"], from_book["pulled"]) == (0, 0)
    rep = cli("sync", str(tmp_path / "rep.db"), "--format", "json", env={"SEGTUI_TEAM_URL": url})
    assert json.loads(rep.stdout)["pulled"] >= from_env["pushed"] - len(team_settings_left_alone())


@pytest.mark.parametrize("who, database, said", [
    ("nobody", None, 'role "nobody" does not exist'),
    ("postgres", "no_such_team", 'database "no_such_team" does not exist'),
])
def test_a_server_that_refuses_says_so_in_one_line_and_changes_nothing(server, tmp_path, who, database, said):
    import hashlib

    address = server.url(database or "postgres").replace("postgres@", who + "@", 1)
    path = tmp_path / "a.db"
    shutil.copy(SAMPLE, path)
    open_book(path).close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    run = cli("sync", str(path), address, check=False)
    assert run.returncode == 1 and run.stderr.count("\n") == 1, run.stderr
    assert said in run.stderr and "nothing was changed" in run.stderr
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_two_reps_importing_the_same_erp_file_have_each_order_once(url, tmp_path):
    from segtui.io.importer import import_orders

    lead = _published(tmp_path, url)
    team.sync(lead, url, at(0))
    rep = open_book(tmp_path / "rep.db")
    team.sync(rep, url, at(1))
    sources = [r[0] for r in lead.rows("SELECT source_id FROM customer ORDER BY source_id LIMIT 40")]
    file = orders_file(tmp_path / "erp.csv", sources, 500)
    for book in (lead, rep):
        import_orders(book, file, as_of=dt.date(2026, 12, 1))
    total = lead.scalar('SELECT count(*) FROM "order"')
    assert total == rep.scalar('SELECT count(*) FROM "order"') > 7827
    results = [team.sync(b, url, at(2 + i)) for i, b in enumerate((lead, rep, lead))]
    assert [r.conflicts for r in results] == [[], [], []]
    assert results[1].pushed == 0  # the rep's 500 orders are the lead's, by customer and order number
    assert lead.scalar('SELECT count(*) FROM "order"') == rep.scalar('SELECT count(*) FROM "order"') == total
    assert dump(lead) == dump(rep)


def test_a_sync_cut_off_on_the_server_side_changes_nothing_and_the_next_one_completes(url, tmp_path):
    import psycopg

    from segtui.store.customers import add_activity

    lead = _published(tmp_path, url)
    team.sync(lead, url, at(0))
    rep = open_book(tmp_path / "rep.db")
    team.sync(rep, url, at(1))
    add_activity(lead, customer_id(lead, "K10001"), "2026-11-30", "visit", note="cut off")
    state_before = team.state(lead)

    for step in ("sent", "pushed"):
        def cut(at_step: str, step=step) -> None:
            if at_step == step:  # the server ends the sync's session, as a restart or an admin would
                with psycopg.connect(url, autocommit=True) as admin:
                    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE application_name = 'segtui' AND pid <> pg_backend_pid()")
        with pytest.raises(team.TeamError, match="failed") as failed:
            team.sync(lead, url, at(2), pause=cut)
        assert "\n" not in str(failed.value)
        assert team.state(lead)["version"] == state_before["version"]
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT count(*) FROM segtui.row WHERE data ->> 'note' = 'cut off'").fetchone()[0] == 0
    assert team.sync(lead, url, at(3)).pushed == 1
    assert team.sync(rep, url, at(4)).pulled == 1
    assert dump(rep) == dump(lead)


def test_a_book_whose_triggers_are_worded_by_an_older_segtui_gets_them_rewritten(url, tmp_path):
    lead = _published(tmp_path, url)
    team.sync(lead, url, at(0))
    with lead.transaction() as conn:  # the setting trigger as written before trend.* were the team's
        conn.execute('DROP TRIGGER "team_update_setting"')
        conn.execute(
            'CREATE TRIGGER "team_update_setting" AFTER UPDATE ON "setting" WHEN OLD.key IS NOT NULL '
            "AND OLD.key IN ('abc.a_above') AND EXISTS (SELECT 1 FROM team_state WHERE key = 'book') BEGIN "
            "INSERT INTO team_change (tbl, uid, at) VALUES ('setting', OLD.key, '2026-12-01T09:00:00.000'); END;"
        )
    lead.close()
    lead = open_book(tmp_path / "lead.db")
    lead.set_setting("trend.decline_from", "0.45")
    assert lead.rows("SELECT tbl, uid FROM team_change") == [("setting", "trend.decline_from")]
    assert team.sync(lead, url, at(1)).pushed == 1


def test_text_from_the_team_book_enters_by_the_text_rule(url, tmp_path):
    """Another program wrote terminal commands, hidden characters and an endless city into one
    rep's book; a rep who syncs gets them as a form would have taken them (domain/text.py)."""
    lead = _published(tmp_path, url)
    cid = lead.scalar("SELECT id FROM customer ORDER BY id LIMIT 1")
    source_id = lead.scalar("SELECT source_id FROM customer WHERE id = ?", (cid,))
    with lead.transaction() as conn:  # not through a form: straight into the file
        conn.execute("UPDATE customer SET name = ?, city = ? WHERE id = ?",
                     ("Acme\x1b]52;c;cm0gLXJmIH4=\x07 AB\u200b", "Kiruna" * 20_000, cid))
        conn.execute("INSERT INTO note (customer_id, date, text) VALUES (?, '2026-11-30', ?)",
                     (cid, "Ring\r\nefter\x9b2J jul"))
    team.sync(lead, url, at(0))
    rep = open_book(tmp_path / "rep.db")
    team.sync(rep, url, at(1))
    name, city = rep.query("SELECT name, city FROM customer WHERE source_id = ?", (source_id,))[0]
    assert name == "Acme\ufffd]52;c;cm0gLXJmIH4=\ufffd AB"
    assert city == ("Kiruna" * 20_000)[:200]
    note = rep.scalar("SELECT text FROM note WHERE customer_id = (SELECT id FROM customer WHERE source_id = ?)",
                      (source_id,))
    assert note == "Ring\nefter\ufffd2J jul"
    assert rep.scalar("SELECT count(*) FROM customer WHERE name GLOB '*[\x01-\x1f\x7f]*'") == 0
    # the mended values are this book's reading of the team's rows, not edits to send back
    again = team.sync(rep, url, at(2))
    assert (again.pushed, again.pulled) == (0, 0)
    lead.close()
    rep.close()


def test_a_conflict_is_said_in_words_in_the_app_and_in_swedish():
    from segtui import i18n

    conflict = {"table": "contact", "customer": "K10001", "kept": "theirs",
                "values": {"phone": ["+46 70 111", "+46 70 222"], "archived": [True, False]}}
    assert team.conflict_line(conflict) == (
        "conflict on contact of customer K10001: another rep's later value was kept "
        "(phone: '+46 70 111' kept, '+46 70 222' in history; archived: yes kept, no in history)")
    assert "archived: True kept" in team.conflict_line(conflict, english=True)  # as the JSON names them
    i18n.use("sv")
    try:
        line = team.conflict_line(conflict)
    finally:
        i18n.use("en")
    assert "telefon" in line and "kund K10001" in line and "phone" not in line
