"""The benchmarks of DESIGN §7, each measured against its baseline in the same run."""

from __future__ import annotations

import importlib.util
import json
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from benchmarks.books import AS_OF, ROOT, SRC, Inputs
from benchmarks.screens import board_ready, hello_ready
from benchmarks.timing import BenchError, Series, alternate, run_process

PY = sys.executable
HERE = Path(__file__).resolve().parent


@dataclass
class Row:
    """One line of the table."""

    name: str
    target: str
    baseline: str = ""
    unit: str = "s"
    budget: float | None = None
    kind: str = "ratio"  # ratio: target ÷ baseline ≤ budget; max: target ≤ budget (in unit)
    t: Series | None = None
    b: Series | None = None
    skipped: str = ""
    note: str = ""

    @property
    def value(self) -> float | None:
        if self.t is None:
            return None
        if self.kind == "ratio":
            return self.t.median / self.b.median if self.b else None
        return self.t.median

    @property
    def passed(self) -> bool | None:
        if self.value is None or self.budget is None:
            return None
        return self.value <= self.budget


@dataclass(frozen=True)
class Budgets:
    """DESIGN §7's budgets for one size of book (None: measured for information)."""

    segments: float = 2.0  # segtui segments ÷ the bare aggregate
    memory_mb: float = 250  # peak resident memory of segments, the import and the app
    keystroke_ms: float = 50  # a cursor key on the board to its repaint
    paint_kept: float | None = 2.5  # first paint, board kept from the last start ÷ hello
    paint_cold: float | None = 2.5  # first paint, no board kept (as after an import) ÷ hello
    sample: bool = True  # also measure the first paint on sample.db (≤ 1.5× hello)
    probe_timeout: float = 60  # seconds the app may take to paint the board or read the book
    keys_after_reading: bool = False  # time the keys on the board read from the book, not the kept one
    benchmarks: tuple[str, ...] = ("import", "segments", "paint", "language", "tmux", "plan")


BUDGETS = {
    "20k": Budgets(),
    # a distributor's team book: segments, keystroke, memory and the first start with no board kept
    "200k": Budgets(memory_mb=500, paint_kept=None, paint_cold=5.0, sample=False, probe_timeout=300,
                    keys_after_reading=True, benchmarks=("segments", "paint")),
}


@dataclass
class Context:
    inputs: Inputs
    work: Path  # scratch folder of this run
    runs: int
    warmup: bool
    tmux: bool
    quick: bool
    say: Callable[[str], None] = print
    budgets: Budgets = Budgets()
    board: str | None = None  # "" when the app paints a board, else why not
    book: Path = field(init=False)
    sample: Path = field(init=False)

    def __post_init__(self) -> None:
        # Working copies: nothing a benchmark does may change the cached book or sample.db.
        self.book = self.work / "book.db"
        shutil.copyfile(self.inputs.book, self.book)
        self.sample = self.work / "sample.db"
        shutil.copyfile(ROOT / "sample.db", self.sample)

    @property
    def scale_label(self) -> str:
        return f"{self.inputs.customers:,} customers / {self.inputs.orders:,} orders"


def _fmt_cmd(cmd: list) -> str:
    return " ".join(shlex.quote(str(c)) for c in cmd)


def _segtui_command(name: str) -> bool:
    from segtui.cli import main

    return name in main.commands


# --- import -----------------------------------------------------------------------

BARE_IMPORT = """
import csv, sqlite3, sys
conn = sqlite3.connect(sys.argv[2])
conn.execute("CREATE TABLE order_rows (customer TEXT, customer_name TEXT, order_ref TEXT, date TEXT, amount TEXT, currency TEXT)")
with open(sys.argv[1], encoding="utf-8", newline="") as handle:
    rows = csv.reader(handle)
    next(rows)
    with conn:
        conn.executemany("INSERT INTO order_rows VALUES (?, ?, ?, ?, ?, ?)", rows)
conn.close()
"""


def _remove_book(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


def bench_import(ctx: Context) -> list[Row]:
    rows = ctx.inputs.csv_rows
    row = Row(f"import {rows:,} order rows", "segtui import orders (new book)",
              "executemany into a bare table", budget=3.0)
    if importlib.util.find_spec("segtui.io.importer") is None or not _segtui_command("import"):
        row.skipped = "not available yet: `segtui import orders` has not landed on main"
        return [row]
    target_book, bare_book = ctx.work / "imported.db", ctx.work / "bare-import.db"
    target_cmd = [PY, "-m", "segtui", "import", "orders", target_book, ctx.inputs.csv]
    bare_cmd = [PY, "-c", BARE_IMPORT, ctx.inputs.csv, bare_book]

    cpu: dict[str, list[float]] = {"t": [], "b": []}
    rss: list[float] = []

    def target() -> float:
        _remove_book(target_book)
        run = run_process(target_cmd)
        cpu["t"].append(run.cpu)
        rss.append(run.maxrss_mb)
        return run.seconds

    def baseline() -> float:
        _remove_book(bare_book)
        run = run_process(bare_cmd)
        cpu["b"].append(run.cpu)
        return run.seconds

    if ctx.warmup:
        target(), baseline()
    row.t, row.b = alternate(ctx.runs, target, baseline)
    import sqlite3

    conn = sqlite3.connect(target_book)
    got = conn.execute('SELECT count(*) FROM "order"').fetchone()[0]
    customers = conn.execute("SELECT count(*) FROM customer").fetchone()[0]
    conn.close()
    row.note = f"book after import: {got:,} orders, {customers:,} customers; {_cpu_note(cpu, ctx.warmup)}"
    _remove_book(target_book), _remove_book(bare_book)
    mem = Row("peak memory of segtui import orders", "ru_maxrss of the process", unit="MB", kind="max",
              budget=ctx.budgets.memory_mb, t=Series(rss[1:] if ctx.warmup else rss),
              note="DESIGN §7's 250 MB, applied to the import as well")
    return [row, mem]


# --- segments ------------------------------------------------------------------------

BARE_AGGREGATE = """
import csv, sqlite3, sys
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
out = csv.writer(sys.stdout)
out.writerow(["customer_id", "revenue", "orders"])
out.writerows(conn.execute(
    "SELECT customer_id, sum(amount), count(DISTINCT order_key) FROM order_bare "
    "WHERE date > ? AND date <= ? GROUP BY customer_id", (sys.argv[2], sys.argv[3])))
"""


def _cpu_note(cpu: dict[str, list[float]], warmup: bool) -> str:
    """The same comparison in CPU seconds (user + system), which other load on the
    machine disturbs less than wall time."""
    import statistics

    t = cpu["t"][1:] if warmup else cpu["t"]
    b = cpu["b"][1:] if warmup else cpu["b"]
    tm, bm = statistics.median(t), statistics.median(b)
    return f"CPU time {tm:.2f} s vs {bm:.2f} s = {tm / bm:.2f}×"


def _window_start(as_of: str) -> str:
    import pendulum

    day = pendulum.parse(as_of).date()
    return day.subtract(months=24).isoformat()


def bench_segments(ctx: Context) -> list[Row]:
    row = Row(f"segments, {ctx.scale_label}", "segtui segments BOOK --format csv",
              "bare SQL aggregate on the bare table", budget=2.0)
    row.budget = ctx.budgets.segments
    mem = Row("peak memory of segtui segments", "ru_maxrss of the process", unit="MB", kind="max",
              budget=ctx.budgets.memory_mb)
    target_cmd = [PY, "-m", "segtui", "segments", ctx.book, "--format", "csv", "--as-of", AS_OF]
    bare_cmd = [PY, "-c", BARE_AGGREGATE, ctx.inputs.bare, _window_start(AS_OF), AS_OF]
    rss: list[float] = []
    cpu: dict[str, list[float]] = {"t": [], "b": []}

    def target() -> float:
        run = run_process(target_cmd)
        rss.append(run.maxrss_mb)
        cpu["t"].append(run.cpu)
        return run.seconds

    def baseline() -> float:
        run = run_process(bare_cmd)
        cpu["b"].append(run.cpu)
        return run.seconds

    if ctx.warmup:
        target(), baseline()
    row.t, row.b = alternate(ctx.runs, target, baseline)
    mem.t = Series(rss[1:] if ctx.warmup else rss)
    lines = run_process(target_cmd, capture=True).stdout.count("\n") - 1
    row.note = f"{lines:,} customers written; {_cpu_note(cpu, ctx.warmup)}"
    return [row, mem]


# --- start to first paint, keystrokes, memory of the app --------------------------------


def _probe(args: list, timeout: float = 60) -> tuple[float | None, dict, float]:
    """Launch the headless probe; seconds from launch to the first ready paint.
    ``timeout``: how long the app may take to paint (or to read the book)."""
    launched = time.monotonic()
    run = run_process([PY, HERE / "probe_app.py", *args, "--timeout", str(timeout)], capture=True,
                      timeout=timeout + 120)
    result = json.loads(run.stdout)
    paint = result.get("first_paint")
    return (paint - launched if paint is not None else None), result, run.maxrss_mb


def _not_a_board(result: dict) -> str:
    first = next((line.strip() for line in result.get("screen", "").splitlines()[1:] if line.strip()), "")
    return ("not available yet: the app does not paint a board with quadrants and customers "
            f"(its first screen shows {first[:60]!r})")


def bench_paint_headless(ctx: Context) -> list[Row]:
    """First paint with the board kept from the last start (how segtui is opened every
    day); for information also the first start of all, with no board kept."""
    out = []
    budgets = ctx.budgets
    books = [("sample.db", ctx.sample, 1.5, 1.5)] if budgets.sample else []
    books.append((ctx.scale_label, ctx.book, budgets.paint_kept, budgets.paint_cold))
    keys = Row(f"cursor keystroke on the board, {ctx.scale_label}", "key to repaint (headless Pilot)",
               unit="ms", kind="max", budget=budgets.keystroke_ms)
    opens = Row(f"open a customer from the board, {ctx.scale_label}", "enter to the customer screen's first paint",
                unit="ms", kind="max", budget=50)
    settled = Row(f"open a customer, data shown, {ctx.scale_label}", "enter to its last paint (screen quiet 150 ms)",
                  unit="ms", kind="max")
    mem = Row("peak memory of the app", "ru_maxrss, board open + keystrokes (headless)", unit="MB",
              kind="max", budget=budgets.memory_mb)
    cold_rows = []
    wait = budgets.probe_timeout
    for number, (label, book, budget, cold_budget) in enumerate(books):
        row = Row(f"first paint (headless run_test), {label}", "board with customers painted (board kept from the last start)",
                  "hello-world Textual app", budget=budget)
        cold = Row(f"first paint, first start (no board kept), {label}", "board with customers painted",
                   "hello-world Textual app", budget=cold_budget)
        out.append(row)
        cold_rows.append(cold)
        big = book == ctx.book
        if board_available(ctx):
            row.skipped = cold.skipped = board_available(ctx)
            if big:
                for r in (keys, opens, settled, mem):
                    r.skipped = "not available yet: needs the board (see first paint)"
            continue
        cache = ctx.work / f"cache-{number}"  # the app's cache folder for this book: not the user's
        extra = (["--keys", "4", "--opens", "1"] if ctx.quick else ["--keys", "10", "--opens", "3"]) if big else []
        if big and budgets.keys_after_reading:
            extra.append("--settle")
        cursor: list[float] = []
        opened: list[float] = []
        opened_settled: list[float] = []
        rss: list[float] = []
        notes: list[str] = []

        def target() -> float:
            seconds, result, maxrss = _probe(["app", "--book", book, "--cache-dir", cache, *extra], wait)
            if seconds is None:
                raise BenchError("the board did not paint")
            if big:
                rss.append(maxrss)
                cursor.extend(1000 * s for s in result.get("cursor", []))
                opened.extend(1000 * s for s in result.get("open_customer") or [])
                opened_settled.extend(1000 * s for s in result.get("open_customer_settled") or [])
                if not result.get("cursor_moved"):
                    notes.append("the cursor keys did not change the screen")
                if result.get("open_customer") is None:
                    notes.append(f"enter did not open a customer (screen: {result.get('opened_screen')})")
            return seconds

        def first_start() -> float:
            empty = ctx.work / f"cache-empty-{time.monotonic_ns()}"
            seconds, _, maxrss = _probe(["app", "--book", book, "--cache-dir", empty], wait)
            if big:
                rss.append(maxrss)
            if seconds is None:
                raise BenchError("the board did not paint")
            return seconds

        def baseline() -> float:
            seconds, _, _ = _probe(["hello"])
            return seconds

        # Untimed: the first start reads the whole book and keeps the board for the next.
        _probe(["app", "--book", book, "--cache-dir", cache, "--settle"], wait)
        if ctx.warmup:
            target(), baseline()
            cursor.clear(), opened.clear(), opened_settled.clear(), rss.clear(), notes.clear()
        row.t, row.b = alternate(ctx.runs, target, baseline)
        cold.t, cold.b = alternate(max(1, ctx.runs // 2), first_start, baseline)
        cold.note = ("the first start after an import, an install or with the cache folder cleared paints "
                     "the frame at once and the customers once the book is read")
        if cold_budget is None:
            cold.note = "for information: " + cold.note
        if budget is None:
            row.note = "for information: DESIGN §7 sets no budget for this size of book"
        if big:
            mem.t = Series(rss)
            mem.note = "starts with the board kept and with none, the book read, keys pressed, customers opened"
            if cursor and "the cursor keys did not change the screen" not in notes:
                keys.t = Series(cursor)
                keys.note = f"{len(cursor)} keystrokes (down/up) over {ctx.runs} runs" + (
                    ", on the board read from the book" if budgets.keys_after_reading else "")
            else:
                keys.skipped = "not available yet: the board's cursor keys do not move anything"
            if opened:
                opens.t = Series(opened)
                opens.note = f"{len(opened)} openings over {ctx.runs} runs"
                settled.t = Series(opened_settled)
                settled.note = "for information: no budget of its own"
            else:
                opens.skipped = settled.skipped = "not available yet: enter on the board does not open a customer screen"
    return out + cold_rows + [keys, opens, settled, mem]


# --- start-up in Swedish -----------------------------------------------------------------------


def bench_language(ctx: Context) -> list[Row]:
    """First paint of the board in Swedish (LANG=sv_SE.UTF-8: catalog and Babel's formats loaded)
    against the hello-world app (DESIGN §7's budget) and against the same board in English."""
    hello = Row("first paint in Swedish (headless run_test), sample.db",
                "board in Swedish painted (board kept from the last start)", "hello-world Textual app", budget=1.5)
    english = Row("first paint in Swedish against English, sample.db", "board in Swedish painted",
                  "the same board in English")
    try:
        probe = run_process([PY, HERE / "probe_app.py", "app", "--book", ctx.sample, "--language", "sv_SE.UTF-8",
                             "--timeout", "30", "--give-up", "10"], capture=True, timeout=180)
        speaks = json.loads(probe.stdout or "{}").get("first_paint") is not None
    except BenchError:
        speaks = False
    if not speaks:
        hello.skipped = english.skipped = "not available yet: the app does not speak Swedish"
        return [hello, english]
    cache = ctx.work / "cache-language"

    def paint(*extra: str) -> float:
        seconds, _, _ = _probe(["app", "--book", ctx.sample, "--cache-dir", cache, *extra])
        if seconds is None:
            raise BenchError("the board did not paint")
        return seconds

    def swedish() -> float:
        return paint("--language", "sv_SE.UTF-8")

    def in_english() -> float:
        return paint("--language", "en_GB.UTF-8")

    def baseline() -> float:
        seconds, _, _ = _probe(["hello"])
        return seconds

    _probe(["app", "--book", ctx.sample, "--cache-dir", cache, "--settle"])  # untimed: keep the board
    if ctx.warmup:
        swedish(), in_english(), baseline()
    hello.t, hello.b = alternate(ctx.runs, swedish, baseline)
    english.t, english.b = alternate(ctx.runs, swedish, in_english)
    english.note = "for information: what speaking Swedish costs at start (no budget of its own)"
    return [hello, english]


# --- start to first paint in a real terminal (tmux) ---------------------------------------


class Tmux:
    """A private tmux server (own socket) kept warm for the whole benchmark."""

    def __init__(self, width: int = 120, height: int = 36):
        self.socket = f"segtui-bench-{time.monotonic_ns()}"
        self.size = (str(width), str(height))
        self.count = 0
        self._tmux("new-session", "-d", "-s", "keep", "-x", self.size[0], "-y", self.size[1], "sleep 86400")

    def _tmux(self, *args: str, capture: bool = False) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, *args], capture_output=True, text=True)
        return done.stdout if capture else ""

    def first_paint(self, command: str, ready: Callable[[str], bool], timeout: float = 60) -> float:
        self.count += 1
        name = f"run{self.count}"
        started = time.monotonic()
        self._tmux("new-session", "-d", "-s", name, "-x", self.size[0], "-y", self.size[1], command)
        try:
            while time.monotonic() - started < timeout:
                if ready(self._tmux("capture-pane", "-p", "-t", name, capture=True)):
                    return time.monotonic() - started
                time.sleep(0.005)
            raise BenchError(f"tmux: {command} did not paint within {timeout} s")
        finally:
            self._tmux("kill-session", "-t", name)

    def close(self) -> None:
        self._tmux("kill-server")


def board_available(ctx: Context) -> str:
    """Empty when the app paints a board; otherwise why not (asked once per run)."""
    if ctx.board is None:
        first, result, _ = _probe(["app", "--book", ctx.sample, "--give-up", "5"])
        ctx.board = "" if first is not None else _not_a_board(result)
    return ctx.board


def bench_paint_tmux(ctx: Context) -> list[Row]:
    books = [("sample.db", ctx.sample, 1.5), (ctx.scale_label, ctx.book, 2.5)]
    rows = [Row(f"first paint (tmux terminal), {label}", "board with customers on screen",
                "hello-world Textual app", budget=budget) for label, _, budget in books]
    if not ctx.tmux:
        for row in rows:
            row.skipped = "skipped: --no-tmux"
        return rows
    if shutil.which("tmux") is None:
        for row in rows:
            row.skipped = "skipped: tmux is not installed here"
        return rows
    config = ctx.work / "config"  # the app's theme and key map: not the user's
    config.mkdir(exist_ok=True)
    cache = ctx.work / "tmux-cache"  # the board kept from the last start: not the user's
    env = (f"cd {shlex.quote(str(ROOT))} && exec env PYTHONPATH={shlex.quote(str(SRC))} "
           f"XDG_CONFIG_HOME={shlex.quote(str(config))} XDG_CACHE_HOME={shlex.quote(str(cache))} ")
    hello = env + f"{shlex.quote(PY)} {shlex.quote(str(HERE / 'hello.py'))}"
    if board_available(ctx):
        for row in rows:
            row.skipped = board_available(ctx)
        return rows
    tmux = Tmux()
    try:
        for row, (label, book, budget) in zip(rows, books):
            app = env + f"{shlex.quote(PY)} -m segtui {shlex.quote(str(book))} --as-of {AS_OF}"
            try:
                probe = tmux.first_paint(app, board_ready, timeout=20 if not ctx.quick else 10)
            except BenchError:
                row.skipped = "not available yet: the app does not paint a board with quadrants and customers"
                continue
            # Untimed: a first start that reads the whole book keeps the board for the next.
            _probe(["app", "--book", book, "--cache-dir", cache / "segtui", "--settle"])
            if ctx.warmup:
                tmux.first_paint(hello, hello_ready)
            row.t, row.b = alternate(ctx.runs, lambda: tmux.first_paint(app, board_ready),
                                     lambda: tmux.first_paint(hello, hello_ready))
            row.note = "polling tmux capture-pane every 5 ms"
            del probe
    finally:
        tmux.close()
    return rows


# --- planning a week ---------------------------------------------------------------------------


def bench_plan(ctx: Context) -> list[Row]:
    row = Row(f"plan a week, {ctx.scale_label}", "planning_customers + plan_week, in process (saved)",
              unit="ms", kind="max", budget=200)
    probe = HERE / "probe_plan.py"
    run = run_process([PY, probe, "--check"], capture=True)
    status = json.loads(run.stdout)
    if not status.get("available"):
        row.skipped = f"not available yet: {status.get('why')}"
        return [row]
    samples: list[float] = []
    for _ in range(1 if ctx.quick else 3):
        out = json.loads(run_process([PY, probe, "--book", ctx.book, "--as-of", AS_OF,
                                      "--times", "1" if ctx.quick else "5"], capture=True).stdout)
        samples.extend(1000 * s for s in out["plan"])
        row.note = out.get("note", "")
    row.t = Series(samples)
    return [row]


BENCHMARKS: dict[str, Callable[[Context], list[Row]]] = {
    "import": bench_import,
    "segments": bench_segments,
    "paint": bench_paint_headless,
    "language": bench_language,
    "tmux": bench_paint_tmux,
    "plan": bench_plan,
}
