"""The board: loyalty × potential as a 2×2 matrix, plus the needs-assessment tray.

The frame paints at once; one worker asks the engine (``store.board.board_rows``)
for every customer and the board filters and sorts those rows in memory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Grid, Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, Static

from segtui import clock
from segtui.ui import collector
from segtui.ui.display import Shown
from segtui.domain import planning
from segtui.domain.first_day import Thresholds, old_data_notice, thresholds_to_offer
from segtui.domain.money import short_amount
from segtui.i18n import N_, _, ngettext
from segtui.i18n import day as day_text
from segtui.domain.segments import CLASS_ORDER, QUADRANT_STRATEGY, Config, Group, Quadrant
from segtui.domain.settings import DEFAULT_CURRENCY, Settings
from segtui.ui.customer_list import CustomerList, estimated, loyalty_text, short_money
from segtui.ui.snapshot import Fingerprint, Snapshot, Totals
from segtui.ui.textual_private import show_keys_now

# Reading order of the matrix, and the numbers that jump there.
PANELS: tuple[Quadrant, ...] = (
    Quadrant.SMALL_FRY,
    Quadrant.CASH_COWS,
    Quadrant.UNINTERESTING,
    Quadrant.BIG_GAME,
    Quadrant.NEEDS_ASSESSMENT,
)
# Left / right neighbours in the matrix.
NEIGHBOURS = {
    (Quadrant.SMALL_FRY, "right"): Quadrant.CASH_COWS,
    (Quadrant.CASH_COWS, "left"): Quadrant.SMALL_FRY,
    (Quadrant.UNINTERESTING, "right"): Quadrant.BIG_GAME,
    (Quadrant.BIG_GAME, "left"): Quadrant.UNINTERESTING,
}

LEGEND = N_("""\
  ABC      revenue class over the last {window} months: {abc}
  XYZ      how often they order: X about monthly ({x_from}+ orders in {window} months), \
Y {y_from}–{x_below}, Z 1–{y_below}, · none
  revenue  net revenue in the window (major units: k thousand, M million, bn billion)
  loyal    share of wallet: revenue last 12 months ÷ yearly budget (— not assessed), high from \
{high}
           ~62% when the yearly budget is only estimated from similar customers: open the customer
           (enter) and press B to confirm it, or b to enter your own
  contact  when to contact them by the segment's policy: 12d late, due now, in 5d, or never
           (never visited or called: due now); blank when the policy plans no contact
  ↑A       upgrade candidate: potential class (here A) better than revenue class — meet more often
  ↓ ‖      slipping: ↓ declining (bought a lot less than the 12 months before), ‖ silent (no order for
           twice their usual gap); f lists them (Slipping), s sorts by revenue at risk
  B→C ←4   after m (moved since a day): the revenue class then → now, and the quadrant it came from
           (4 = Big game: the quadrants' numbers); the line at the bottom says it in words
  Quadrant titles count the customers shown, how many are due now (or late), their revenue and potential.
  The figures follow the book's settings: press , (comma) or run segtui settings BOOK.""")


def legend(config: Config) -> str:
    """What the board's columns mean, with the thresholds of the book's settings."""
    window = config.window_months
    if config.mode == "pareto":
        abc = _("A the customers making the first {a} of revenue, B up to {b}, C the rest, D none").format(
            a=f"{float(config.pareto_a):.0%}", b=f"{float(config.pareto_b):.0%}")
    else:
        abc = _("A above {a}, B {b}–{a}, C below {b}, D none").format(
            a=short_money(config.a_above), b=short_money(config.b_from))
    return _(LEGEND).format(
        window=window, abc=abc, x_from=config.x_from, y_from=config.y_from, x_below=config.x_from - 1,
        y_below=config.y_from - 1, high=f"{config.loyalty_high_from:.0%}",
    )


SORTS = ("priority", "revenue", "loyalty", "at_risk", "name")
SORT_LABELS = {
    "priority": N_("priority (most urgent first)"),
    "revenue": N_("revenue"),
    "loyalty": N_("loyalty"),
    "at_risk": N_("revenue at risk (slipping and lapsed customers first)"),
    "name": N_("name"),
}
FILTER_FIELDS = ("class", "xyz", "group", "trend", "city", "owner")
FILTER_LABELS = {"class": N_("class"), "xyz": "XYZ", "group": N_("group"), "trend": N_("slipping"), "city": N_("city"),
                 "owner": N_("owner")}

if TYPE_CHECKING:
    from segtui.store.board import BoardRow


def sort_key(mode: str):
    if mode == "revenue":
        return lambda r: (-r.customer.segment.revenue, r.customer.name.casefold())
    if mode == "loyalty":
        return lambda r: (
            r.customer.segment.loyalty is None,
            -(r.customer.segment.loyalty or 0.0),
            -r.customer.segment.revenue,
        )
    if mode == "name":
        return lambda r: (r.customer.name.casefold(), r.id)
    if mode == "at_risk":
        return lambda r: (-at_risk(r), r.customer.name.casefold(), r.id)
    # The planner's order (domain.planning.by_priority); customers never due last, by revenue.
    return lambda r: (
        (False, planning.by_priority(r.entry)) if r.entry is not None
        else (True, (-r.customer.segment.revenue, r.customer.name.casefold(), r.id))
    )


def row_values(row: BoardRow) -> dict[str, str]:
    """The values a filter chip can match, per field."""
    seg = row.customer.segment
    return {
        "class": seg.revenue_class,
        "xyz": seg.xyz or "none",
        "group": seg.group.label if seg.group else "none",
        "trend": trend_label(row.customer.trend, seg.group is Group.LAPSED),
        "city": row.customer.city or "none",
        "owner": row.customer.owner or "none",
    }


def trend_label(trend, lapsed: bool = False) -> str:
    """The Slipping filter's value: declining, silent, lapsed (no trend, already gone) or none."""
    if lapsed:
        return "lapsed"
    return trend.kind if trend is not None and trend.kind else "none"


def at_risk(row: BoardRow) -> int:
    """The revenue a win-back call is about: for a lapsed, declining or silent customer the
    net revenue of the 12 months before the last 12 (minor units); -1 for everyone else, who
    sort after them."""
    c = row.customer
    trend = c.trend
    if trend is None or not (trend.kind or c.segment.group is Group.LAPSED):
        return -1
    return max(trend.revenue_before_12m, 0)


def matches_search(row: BoardRow, needle: str) -> bool:
    c = row.customer
    return (
        needle in c.name.casefold()
        or (c.city is not None and needle in c.city.casefold())
        or needle in c.source_id.casefold()
        or needle == str(c.id)
        or needle in row.notes
    )


@dataclass
class BoardView:
    """What the board shows: search text, filter chips and the sort."""

    search: str = ""
    filters: dict[str, frozenset[str]] = field(default_factory=dict)
    sort: str = "priority"
    #: who moved since a day: that day, and customer → (quadrant, class) then and now
    moved_since: dt.date | None = None
    moves: dict[int, tuple[tuple[Quadrant, str], tuple[Quadrant, str]]] | None = None

    def apply(self, rows: list[BoardRow]) -> dict[Quadrant, list[BoardRow]]:
        needle = self.search.strip().casefold()
        active = {k: v for k, v in self.filters.items() if v}
        out: dict[Quadrant, list[BoardRow]] = {q: [] for q in PANELS}
        moves = self.moves
        for row in rows:
            if moves is not None and row.id not in moves:
                continue
            if needle and not matches_search(row, needle):
                continue
            if active:
                values = row_values(row)
                if any(values[k] not in v for k, v in active.items()):
                    continue
            out[row.quadrant].append(row)
        key = sort_key(self.sort)
        for q in out:
            out[q].sort(key=key)
        return out

    @property
    def narrowed(self) -> bool:
        return bool(self.search.strip()) or any(self.filters.values()) or self.moved_since is not None


def filter_options(rows: list[BoardRow]) -> dict[str, list[str]]:
    """Every value each filter can take in this book, in a sensible order."""
    cities = sorted({r.customer.city or "none" for r in rows}, key=str.casefold)
    owners = sorted({r.customer.owner or "none" for r in rows}, key=str.casefold)
    return {
        "class": sorted(CLASS_ORDER, key=CLASS_ORDER.get),
        "xyz": ["X", "Y", "Z", "none"],
        "group": [g.label for g in Group] + ["none"],
        "trend": ["declining", "silent", "lapsed", "none"],
        "city": cities,
        "owner": owners,
    }


class BoardFooter(Footer):
    """A footer that rebuilds only when the keys it shows change: moving between
    quadrants changes focus but not the keys, and rebuilding costs a frame."""

    _shown: tuple | None = None

    def bindings_changed(self, screen: Screen) -> None:
        shown = tuple(
            (binding.key, binding.description, enabled)
            for (_, binding, enabled, _) in screen.active_bindings.values()
            if binding.show
        )
        if shown == self._shown and self.children:
            show_keys_now(self)
            return
        self._shown = shown
        super().bindings_changed(screen)


def show_totals(customer_list: CustomerList, number: int, totals: Totals, total: int, currency: str) -> None:
    """A quadrant's title counts the customers shown (of ``total`` there) and those
    due; its subtitle gives their revenue and potential."""
    quadrant = customer_list.quadrant
    count = f"{totals.count:,}" if totals.count == total else _("{count:,} of {total:,}").format(
        count=totals.count, total=total)
    due = _(" · {due} due").format(due=f"{totals.due:,}") if totals.due else ""
    customer_list.border_title = f"{number} {quadrant.label} · {count}{due}"
    potential = short_amount(totals.potential, currency) if totals.potential is not None else _("unknown")
    customer_list.border_subtitle = _("revenue {revenue} · potential {potential}").format(
        revenue=short_amount(totals.revenue, currency), potential=potential)


def axis_labels(config: Config) -> tuple[tuple[str, str], tuple[str, str]]:
    """((high, low) loyalty, (low, high) potential): the matrix's axes as the settings draw them."""
    high = f"{config.loyalty_high_from:.0%}".replace("%", " %")
    classes = [c for c in CLASS_ORDER if c in config.high_potential]
    low_classes = [c for c in CLASS_ORDER if c not in config.high_potential]
    return (
        (_("HIGH\nLOYALTY") + f"\n≥ {high}", _("LOW\nLOYALTY") + f"\n< {high}"),
        (_("LOW POTENTIAL") + f"  ({', '.join(low_classes)})", _("HIGH POTENTIAL") + f"  ({', '.join(classes)})"),
    )


class PotentialAxis(Widget):
    """LOW POTENTIAL over the left column of the matrix, HIGH over the right."""

    DEFAULT_CSS = "PotentialAxis { height: 1; padding-left: 8; color: $text-accent; text-style: bold; }"

    labels = reactive(("LOW POTENTIAL", "HIGH POTENTIAL"))

    def render(self) -> str:
        half = self.content_size.width // 2
        low, high = self.labels
        return f"{low:^{half}}{high:^{self.content_size.width - half}}"


class LoyaltyAxis(Widget):
    """HIGH LOYALTY beside the upper row of the matrix, LOW beside the lower."""

    DEFAULT_CSS = "LoyaltyAxis { width: 8; height: 1fr; color: $text-accent; text-style: bold; }"

    labels = reactive(("HIGH\nLOYALTY", "LOW\nLOYALTY"))

    def render(self) -> str:
        height = self.content_size.height
        width = self.content_size.width
        halves = (height // 2, height - height // 2)
        lines: list[str] = []
        for label, room in zip(self.labels, halves):
            words = label.split("\n")
            top = max(0, (room - len(words)) // 2)
            block = [""] * top + words
            block += [""] * (room - len(block))
            lines.extend(block[:room])
        return "\n".join(f"{line:^{width}}" for line in lines)


class BoardScreen(Screen):
    """The home screen."""

    DEFAULT_CSS = """
    BoardScreen { layout: vertical; }
    #title { height: 1; background: $panel; color: $foreground; text-align: center; }
    #bar { height: 1; padding: 0 1; background: $boost; color: $text-muted; }
    #search { height: 3; border: tall $accent; }
    #matrix { height: 1fr; }
    #quadrants { grid-size: 2 2; grid-gutter: 0; height: 1fr; }
    .panel { border: round $primary-muted; border-title-color: $text; border-title-style: bold;
             border-subtitle-color: $text-muted; height: 1fr; }
    .panel:focus { border: round $accent; }
    #list-needs_assessment { height: 9; max-height: 30%; min-height: 5; }
    #detail { height: 2; padding: 0 1; background: $boost; }
    """

    BINDINGS = [
        Binding("left,h", "side('left')", "Left quadrant", show=False, id="board.left"),
        Binding("right,l", "side('right')", "Right quadrant", show=False, id="board.right"),
        Binding("tab", "cycle(1)", "Next quadrant", show=False, id="board.next"),
        Binding("shift+tab", "cycle(-1)", "Previous quadrant", show=False, id="board.previous"),
        Binding("1", "jump(0)", "Small fry", show=False, id="board.jump_small_fry"),
        Binding("2", "jump(1)", "Cash cows", show=False, id="board.jump_cash_cows"),
        Binding("3", "jump(2)", "Uninteresting", show=False, id="board.jump_uninteresting"),
        Binding("4", "jump(3)", "Big game", show=False, id="board.jump_big_game"),
        Binding("5", "jump(4)", "Needs assessment", show=False, id="board.jump_needs_assessment"),
        Binding("slash", "search", "Search", id="board.search"),
        Binding("f", "filter", "Filter", id="board.filter"),
        Binding("s", "cycle_sort", "Sort", id="board.sort"),
        Binding("escape", "clear", "Clear filters", show=False, id="board.clear"),
        Binding("r", "reload", "Reload", show=False, id="board.reload"),
        Binding("d", "as_of", "As of…", id="board.as_of"),
        Binding("m", "moved_since", "Moved since…", show=False, id="board.moved_since"),
        Binding("e", "app.review", "Review estimates", show=False, id="board.review"),
        Binding("n", "app.new_customer", "New customer", show=False, id="board.new_customer"),
        Binding("A", "app.archived", "Archived", show=False, id="board.archived"),
        Binding("D", "app.duplicates", "Duplicates", show=False, id="board.duplicates"),
        Binding("T", "accept_thresholds", "Use the book's own thresholds", show=False,
                id="board.accept_thresholds"),
    ]

    def __init__(
        self, book, as_of: dt.date, snapshot: Snapshot | None = None, keep_at: Path | None = None,
        today: dt.date | None = None,
    ) -> None:
        """``snapshot``: the board as last shown, painted at once until the book is
        read; ``keep_at``: where to keep this board's snapshot for the next start;
        ``today``: the day the data's age is judged on (default: the clock)."""
        super().__init__(id="board")
        self.book = book
        self.as_of = as_of
        self.snapshot = snapshot
        self.keep_at = keep_at
        self._start_as_of = as_of
        self.today = today or clock.today()
        self.newest_order: dt.date | None = None  # the book's newest order (read with the rows)
        self._reading = 0  # readings asked for so far; only the latest is shown
        self._settings_asked = -1  # the book's settings changes when the latest reading was asked for
        self._first_order: dict[Quadrant, list[BoardRow]] | None = None
        self.rows: list[BoardRow] = []
        self.estimated = 0  # customers whose potential is only estimated (the review's queue)
        #: thresholds from the book's own figures, offered while the defaults leave A and B empty
        self.threshold_offer: Thresholds | None = None
        self.view = BoardView()
        self.currency = snapshot.currency if snapshot else DEFAULT_CURRENCY
        self.loaded = False
        self.settled = False  # the first reading painted and the collector's full passes back on
        # the defaults until the book's settings are read
        self.config = Config.from_settings(snapshot.settings) if snapshot else Config()
        self._by_id: dict[int, BoardRow] = {}
        self._follow: int | None = None
        self._before: dict[int, Quadrant] = {}
        #: the book's stamp after the reading the snapshot last kept was taken of, and the book
        #: file's fingerprint before it (see App.close_book)
        self.kept: tuple[tuple[int, int], Fingerprint] | None = None

    # --- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Few widgets on purpose: each one costs start-up time (see BENCHMARKS.md).
        yield Shown(self._title(), id="title", markup=False)
        yield Shown(self._bar_while_reading(), id="bar", markup=False)
        loyalty, potential = axis_labels(self.config)
        axis = PotentialAxis(id="potential-axis")
        axis.labels = potential
        yield axis
        with Horizontal(id="matrix"):
            axis = LoyaltyAxis(id="loyalty-axis")
            axis.labels = loyalty
            yield axis
            with Grid(id="quadrants"):
                for quadrant in PANELS[:4]:
                    yield self._list(quadrant)
        yield self._list(Quadrant.NEEDS_ASSESSMENT, wide=True)
        yield Shown("", id="detail")
        yield BoardFooter()

    def _list(self, quadrant: Quadrant, wide: bool = False) -> CustomerList:
        customer_list = CustomerList(
            wide=wide, strategy=_(QUADRANT_STRATEGY[quadrant]), id=f"list-{quadrant.value}", classes="panel"
        )
        customer_list.quadrant = quadrant
        customer_list.border_title = f"{PANELS.index(quadrant) + 1} {quadrant.label}"
        return customer_list

    def _title(self) -> Content:
        """As Textual's header says it (a read-only book is marked there)."""
        return self.app.format_title(self.app.title, self.app.sub_title)

    def show_title(self) -> None:
        """The app's title and the book's name and as-of day."""
        if self.is_mounted:
            self.query_one("#title", Static).update(self._title())

    def on_mount(self) -> None:
        if self.snapshot is not None:
            self.refresh_lists()
        self.lists[0].focus()
        # Paint the frame first; the worker reading the book would compete with it.
        self.call_after_refresh(self.load)

    def _bar_while_reading(self) -> str:
        snapshot = self.snapshot
        if snapshot is None:
            return _("Reading the book…")
        saved = snapshot.saved
        when = saved.strftime("%H:%M") if saved.date() == clock.today() else saved.strftime("%Y-%m-%d %H:%M")
        seen = _(" as of {day}").format(day=snapshot.as_of.isoformat()) if snapshot.as_of != self.as_of else ""
        return _("Reading the book… showing the board as last read at {when}{seen} ({customers:,} customers)").format(
            when=when, seen=seen, customers=snapshot.customers)

    @property
    def lists(self) -> list[CustomerList]:
        return [self.query_one(f"#list-{q.value}", CustomerList) for q in PANELS]

    def list_for(self, quadrant: Quadrant) -> CustomerList:
        return self.query_one(f"#list-{quadrant.value}", CustomerList)

    @property
    def current_list(self) -> CustomerList | None:
        focused = self.focused
        return focused if isinstance(focused, CustomerList) else None

    @property
    def current_row(self) -> BoardRow | None:
        current = self.current_list
        return current.current if current else None

    # --- data ---------------------------------------------------------------------
    def load(self) -> None:
        """Read the book in a worker. A reading asked for later (another day, after
        an edit) wins: an earlier one still running is not shown when it ends."""
        self._reading += 1
        self._settings_asked = self.book.settings_changes
        self._read(self._reading)

    def on_screen_resume(self) -> None:
        """Back at the front: settings changed meanwhile (here, or by another program) read the book again."""
        if self.loaded:
            self._check_settings(self._settings_asked)

    @work(thread=True, exclusive=True, group="board-settings")
    def _check_settings(self, asked: int) -> None:
        self.book.settings_snapshot()  # finds a change another program saved
        if self.book.settings_changes != asked:
            self.app.call_from_thread(self._settings_moved, asked)

    def _settings_moved(self, asked: int) -> None:
        if asked == self._settings_asked:  # no reading asked for since
            self.reload()

    @work(thread=True, exclusive=True, group="board-load")
    def _read(self, reading: int) -> None:
        from segtui.store.board import board_rows

        taken_of = None
        if self.keep_at is not None:  # before reading: a change made meanwhile makes it stale, never wrong
            from segtui.ui import snapshot

            stamp = self.book.stamp()
            taken_of = snapshot.fingerprint(Path(self.book.path))
        try:
            settings = self.book.settings_snapshot()
            as_of = self.as_of
            rows = board_rows(self.book, as_of)
            read = self.book.stamp()  # with what the reading itself saved (places found from towns)
        except BaseException:
            collector.release()  # no first reading to end the hold on full passes
            raise
        # The board's first order (no search, no filter, by priority), sorted here
        # once: the board shows it and the next start's snapshot keeps its top rows.
        ordered = BoardView().apply(rows)
        newest = _newest_order(self.book, rows, as_of, self.today)
        config = settings.segments
        offer = thresholds_to_offer(settings, {r.id: r.customer.segment.revenue for r in rows},
                                    (k for r in rows for k in (r.customer.segment.revenue_class,
                                                               r.customer.segment.potential_class)), config,
                                    (r.potential for r in rows))
        # kept only when no other program saved to the book while it was read
        kept_from = ((read, taken_of) if taken_of is not None and as_of == self._start_as_of and read[1] == stamp[1]
                     else None)
        self.app.call_from_thread(self._loaded, rows, settings, config, reading, ordered, newest, offer, as_of,
                                  kept_from)

    @work(thread=True, exclusive=True, group="board-keep")
    def _keep(self, as_of: dt.date, settings: Settings, ordered: dict[Quadrant, list[BoardRow]],
              stamp: tuple[int, int], taken_of: Fingerprint) -> None:
        """Keep the board just painted for the next start (after the paint: it would compete with it)."""
        from segtui.ui import snapshot

        snapshot.save(self.keep_at, snapshot.take(as_of, settings.currency, settings, ordered,
                                                  book=taken_of))
        # an edit between the reading and now, here or by another program, leaves the
        # snapshot to this start only (App.close_book does not vouch for it)
        after = self.book.stamp()
        self.kept = (after, taken_of) if after == stamp else None

    def reload(self, follow: int | None = None) -> None:
        """Read the book again; ``follow`` a customer and say when it moved quadrant."""
        self._before = {r.id: r.quadrant for r in self.rows}
        self._follow = follow
        self.load()

    def _loaded(
        self,
        rows: list[BoardRow],
        settings: Settings,
        config: Config,
        reading: int = 0,
        ordered: dict[Quadrant, list[BoardRow]] | None = None,
        newest: dt.date | None = None,
        offer: Thresholds | None = None,
        as_of: dt.date | None = None,
        kept_from: tuple[tuple[int, int], Fingerprint] | None = None,
    ) -> None:
        if reading != self._reading:
            return  # a later reading (another day, say) is on its way: this one is out of date
        self.snapshot = None
        if newest != self.newest_order:
            self.newest_order = newest
            self.app.show_title()
        self.rows = rows
        self._first_order = ordered  # ``rows`` as BoardView() shows them
        first = not self.loaded
        self._by_id = {r.id: r for r in rows}
        # the bar points to the review while potentials are only estimated (once per reading, not per key)
        self.estimated = sum(1 for r in rows if r.customer.estimate is not None
                             and r.customer.estimate.source == "estimated")
        self.currency = settings.currency
        self.threshold_offer = offer
        self.loaded = True
        self.config = config
        self._axis_labels(config)
        follow, self._follow = self._follow, None
        before, self._before = self._before, {}
        if self.view.moved_since is not None:  # who moved, against the rows just read
            if self.view.moved_since >= self.as_of:
                self.view.moved_since, self.view.moves = None, None
            else:
                self._read_moves(self.view.moved_since, reading)
        self.refresh_lists()
        keep = kept_from is not None and ordered is not None
        if first or keep:  # once the rows are painted, not before
            self.call_after_refresh(self._after_paint, first, (as_of, settings, ordered, *kept_from) if keep else None)
        moved = [r for r in rows if before.get(r.id) not in (None, r.quadrant)]
        if follow is not None and follow in self._by_id:
            row = self._by_id[follow]
            old = before.get(follow)
            if old is not None and old is not row.quadrant:
                self.notify(_("{name} moved {old} → {new}").format(name=row.customer.name, old=old.label,
                            new=row.quadrant.label), title=_("Moved"), markup=False)
            self.select_customer(follow)
        elif moved:
            # An import or a settings change moved customers: say who, and show the first.
            moved.sort(key=lambda r: r.customer.name.casefold())
            lines = [f"{r.customer.name}: {before[r.id].label} → {r.quadrant.label}" for r in moved[:5]]
            if len(moved) > 5:
                lines.append(_("… and {count} more").format(count=len(moved) - 5))
            title = ngettext("1 customer moved", "{count} customers moved", len(moved)).format(count=len(moved))
            self.notify("\n".join(lines), title=title, markup=False, timeout=10)
            self.select_customer(moved[0].id)

    def _after_paint(self, first: bool, keep: tuple | None) -> None:
        """What the first paint of the book's rows need not wait for: the collector's
        full pass (on a big book ≈ 0.1–0.2 s) and keeping the board for the next start."""
        if first:
            import gc

            # The first reading, with nothing else open yet: what exists now (the
            # app, and tens of thousands of rows on a big book) stays, so keep the
            # collector's full passes (80–150 ms there) from walking it again and
            # again while the user works. Rows are still freed when replaced.
            collector.release()  # full passes were held until now (segtui.ui.collector)
            gc.collect()  # what is garbage already is not kept for good
            gc.freeze()
            self.settled = True
        if keep is not None:
            self._keep(*keep)

    def _axis_labels(self, config: Config) -> None:
        loyalty, potential = axis_labels(config)
        self.query_one(LoyaltyAxis).labels = loyalty
        self.query_one(PotentialAxis).labels = potential

    @property
    def legend(self) -> str:
        return legend(self.config)

    def refresh_lists(self, keep_selection: bool = True) -> None:
        """Apply search, filters and sort to the rows in memory and show them."""
        if not self.loaded and self.snapshot is not None:
            self._show_snapshot(self.snapshot)
            return
        first = self._first_order
        shown = first if first is not None and self.view == BoardView() else self.view.apply(self.rows)
        totals = {q: 0 for q in PANELS}
        for row in self.rows:
            totals[row.quadrant] += 1
        marks = {  # where each mover came from, as its row shows it
            cid: (was[1] if was[1] != now[1] else None, PANELS.index(was[0]) + 1 if was[0] is not now[0] else None)
            for cid, (was, now) in (self.view.moves or {}).items()
        }
        for quadrant in PANELS:
            customer_list = self.list_for(quadrant)
            customer_list.moves = marks
            keep = customer_list.current.id if customer_list.current and keep_selection else None
            if not self.loaded:
                empty = _("Reading the book…")
            elif not self.rows:
                empty = _("Empty book: press i to import orders or customers.")
            elif totals[quadrant] == 0:
                empty = _("No customers here.")
            else:
                empty = _("No customers match — esc clears the filter.")
            customer_list.set_rows(shown[quadrant], keep_id=keep, empty_text=empty)
            show_totals(customer_list, PANELS.index(quadrant) + 1, Totals.of(shown[quadrant]), totals[quadrant],
                        self.currency)
        self._update_bar(sum(len(v) for v in shown.values()))
        self._update_detail()

    def _show_snapshot(self, snapshot: Snapshot) -> None:
        """The board as last shown, until the book is read (search, filters and
        sort wait for the book's own rows)."""
        for quadrant in PANELS:
            totals = snapshot.totals.get(quadrant, Totals())
            empty = _("Reading the book…") if totals.count else _("No customers here.")
            customer_list = self.list_for(quadrant)
            customer_list.set_rows(snapshot.lists.get(quadrant, []), empty_text=empty)
            show_totals(customer_list, PANELS.index(quadrant) + 1, totals, totals.count, snapshot.currency)
        self._update_detail()

    def _update_bar(self, shown: int) -> None:
        from textual.content import Content

        total = len(self.rows)
        parts = []
        typed: dict[str, str] = {}  # what people typed or chose goes in as $variables, never as markup
        if self.view.search.strip():
            parts.append("[reverse] " + _("search") + ": $search [/reverse]")
            typed["search"] = self.view.search.strip()
        for n, key in enumerate(FILTER_FIELDS):
            values = self.view.filters.get(key)
            if values:
                from segtui.ui.dialogs import value_text  # loaded once a filter is set, not at start

                parts.append(f"[reverse] {_(FILTER_LABELS[key])}: $filter{n} [/reverse]")
                typed[f"filter{n}"] = ", ".join(sorted(value_text(key, v) for v in values))
        if self.view.moved_since is not None:
            moved = self.view.moves
            parts.append("[reverse] " + (
                _("moved since {day}: working it out…") if moved is None else
                ngettext("moved since {day}: 1 customer", "moved since {day}: {count:,} customers", len(moved))
            ).format(day=day_text(self.view.moved_since), count=len(moved or ())) + " [/reverse]")
        count = (_("{shown:,} of {total:,} customers").format(shown=shown, total=total) if self.view.narrowed
                 else _("{total:,} customers").format(total=total))
        if self.estimated:
            count += "  ·  " + ngettext("1 potential only estimated: {key} reviews it",
                                        "{count:,} potentials only estimated: {key} reviews them",
                                        self.estimated).format(count=self.estimated, key=self._review_key())
        head = "  ".join(parts) + (_("  esc clears  ·  ") if parts else "")
        old = old_data_notice(self.newest_order, self.as_of, self.today) if self.newest_order else None
        notice = f"[b]{old}[/b]  ·  " if old else ""  # our own words and ISO dates, no markup in them
        if self.threshold_offer is not None:  # first: without it the board's right half stays empty
            notice = "[b]" + self._offer_text() + "[/b]  ·  " + notice
        self.query_one("#bar", Shown).update(  # Shown: the render rule applies to what was typed
            Content.from_markup(f"{head}{notice}{count}  ·  " + _("sorted by {sort}").format(
                sort=_(SORT_LABELS[self.view.sort])), **typed)
        )

    def _review_key(self) -> str:
        """The key that opens the review (``e``, or what the key map made of it)."""
        return self._key_for("board.review", "e")

    def _key_for(self, binding_id: str, default: str) -> str:
        for key, active in self.active_bindings.items():
            if active.binding.id == binding_id:
                return self.app.get_key_display(active.binding)
        return default

    def _offer_text(self) -> str:
        """The top line's offer of the book's own thresholds (our words and figures, no markup)."""
        offer = self.threshold_offer
        assert offer is not None
        return _("nobody is class A or B: {key} sets the book's own thresholds (A above {a}, B from {b} {currency})"
                 ).format(key=self._key_for("board.accept_thresholds", "T"), a=f"{offer.a_above:,}",
                          b=f"{offer.b_from:,}", currency=self.currency)

    def action_accept_thresholds(self) -> None:
        """Store the thresholds offered from the book's own figures (docs/first-day.md)."""
        offer = self.threshold_offer
        if offer is None:
            self.notify(_("The class thresholds are the book's own already: , (settings) changes them."),
                        title=_("Thresholds"), markup=False)
            return
        self._save_thresholds(offer)

    @work(thread=True, exclusive=True, group="board-thresholds")
    def _save_thresholds(self, offer: Thresholds) -> None:
        from segtui.domain.settings import SettingError
        from segtui.store.book import BookError

        try:
            self.book.set_settings({"abc.a_above": str(offer.a_above), "abc.b_from": str(offer.b_from)})
        except (SettingError, BookError) as error:
            self.app.call_from_thread(self.notify, _("The thresholds were not saved: {error}").format(error=error),
                                      title=_("Thresholds"), severity="error", markup=False)
            return
        self.app.call_from_thread(self._thresholds_saved, offer)

    def _thresholds_saved(self, offer: Thresholds) -> None:
        self.threshold_offer = None
        self.notify(_("Class thresholds: A above {a}, B from {b} {currency}. , (settings) changes them.").format(
            a=f"{offer.a_above:,}", b=f"{offer.b_from:,}", currency=self.currency),
            title=_("Thresholds"), markup=False)
        row = self.current_row
        self.reload(follow=row.id if row else None)

    def _update_detail(self) -> None:
        row = self.current_row
        detail = self.query_one("#detail", Static)
        # The detail strip has a fixed height: updating it never needs a new layout.
        move = None
        if row is not None and self.view.moves is not None and self.view.moved_since is not None:
            move = (self.view.moved_since, *self.view.moves[row.id]) if row.id in self.view.moves else None
        detail.update("" if row is None else describe(row, self.currency, move), layout=False)

    def select_customer(self, customer_id: int) -> bool:
        """Focus the customer's quadrant and put the cursor on it."""
        row = self._by_id.get(customer_id)
        if row is None:
            return False
        customer_list = self.list_for(row.quadrant)
        if not customer_list.select_id(customer_id):
            # Hidden by the search or a filter: clear them so the customer shows.
            self.view = BoardView(sort=self.view.sort)
            self._hide_search()
            self.refresh_lists()
            customer_list.select_id(customer_id)
        customer_list.focus()
        return True

    # --- events -------------------------------------------------------------------
    @on(CustomerList.Highlighted)
    def _highlighted(self, event: CustomerList.Highlighted) -> None:
        if event.customer_list.has_focus:
            self._update_detail()

    @on(CustomerList.Opened)
    def _opened(self, event: CustomerList.Opened) -> None:
        self.app.open_customer(event.row.id)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.view.search = event.value
        self.refresh_lists()

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._focus_first_match()

    def _focus_first_match(self) -> None:
        target = next((cl for cl in self.lists if cl.rows), None)
        (target or self.lists[0]).focus()

    def _search_box(self) -> Input | None:
        """The search box, once it has been opened (it is made on first use)."""
        found = self.query("#search")
        return found.first(Input) if found else None

    def on_key(self, event) -> None:
        # Escape and down in the search box go back to the lists.
        box = self._search_box()
        if box is not None and self.focused is box:
            if event.key == "escape":
                event.stop()
                box.value = ""
                self._hide_search()
                self._focus_first_match()
            elif event.key in ("down", "tab"):
                event.stop()
                self._focus_first_match()

    def _hide_search(self) -> None:
        box = self._search_box()
        if box is not None:
            box.display = False

    # --- actions ------------------------------------------------------------------
    def action_jump(self, index: int) -> None:
        self.lists[index].focus()

    def action_cycle(self, step: int) -> None:
        lists = self.lists
        current = self.current_list
        index = lists.index(current) if current in lists else -step
        lists[(index + step) % len(lists)].focus()

    def action_side(self, direction: str) -> None:
        current = self.current_list
        if current is None:
            return
        target = NEIGHBOURS.get((current.quadrant, direction))
        if target is not None:
            other = self.list_for(target)
            other.cursor = min(current.cursor - current.scroll_offset.y + other.scroll_offset.y, len(other.rows) - 1)
            other.focus()

    def action_search(self) -> None:
        box = self._search_box()
        if box is None:
            box = Input(placeholder=_("Search by name, city or customer id — enter keeps it, esc clears"), id="search")
            self.mount(box, after="#bar")
        box.display = True
        box.focus()

    def action_filter(self) -> None:
        from segtui.ui.dialogs import FilterScreen

        if not self.loaded:
            self.notify(_("Still reading the book: the filters need every customer"), timeout=3)
            return

        def done(filters: dict[str, frozenset[str]] | None) -> None:
            if filters is not None:
                self.view.filters = filters
                self.refresh_lists()

        self.app.push_screen(FilterScreen(filter_options(self.rows), self.view.filters), done)

    def action_cycle_sort(self) -> None:
        self.view.sort = SORTS[(SORTS.index(self.view.sort) + 1) % len(SORTS)]
        self.refresh_lists(keep_selection=False)  # a new order is read from its top
        self.notify(_("Sorted by {sort}").format(sort=_(SORT_LABELS[self.view.sort])), timeout=2)

    def action_clear(self) -> None:
        if self.view.narrowed:
            self.view = BoardView(sort=self.view.sort)
            box = self._search_box()
            if box is not None:
                box.value = ""
            self._hide_search()
            self.refresh_lists()

    def action_reload(self) -> None:
        row = self.current_row
        self.reload(follow=row.id if row else None)
        self.notify(_("Read the book again"), timeout=2)

    def action_as_of(self) -> None:
        from segtui.ui.dialogs import AsOfScreen

        def done(day: dt.date | None) -> None:
            if day is not None and day != self.as_of:
                self.app.set_as_of(day)

        self.app.push_screen(AsOfScreen(self.as_of, self.today), done)

    def action_moved_since(self) -> None:
        """Ask for a day, then list only the customers whose quadrant or class changed since."""
        from segtui.domain.movements import last_quarter_end
        from segtui.ui.dialogs import MovedSinceScreen

        if not self.loaded:
            self.notify(_("Still reading the book: who moved needs every customer"), timeout=3)
            return

        def done(day: dt.date | None) -> None:
            if day is not None:
                self.view.moved_since, self.view.moves = day, None
                self._update_bar(sum(len(cl.rows) for cl in self.lists))
                self._read_moves(day, self._reading)

        offer = self.view.moved_since or last_quarter_end(self.as_of)
        self.app.push_screen(MovedSinceScreen(offer, self.as_of), done)

    @work(thread=True, exclusive=True, group="board-moves")
    def _read_moves(self, day: dt.date, reading: int) -> None:
        from segtui.store.segments import book_standings

        then = book_standings(self.book, day)
        self.app.call_from_thread(self._moves_read, day, then, reading)

    def _moves_read(self, day: dt.date, then: dict, reading: int) -> None:
        from segtui.domain.movements import movers

        if reading != self._reading or self.view.moved_since != day:
            return  # the board was read again or another day asked for meanwhile
        now = {r.id: (r.customer.segment.quadrant, r.customer.segment.revenue_class) for r in self.rows}
        self.view.moves = movers(then, now)
        self.refresh_lists(keep_selection=False)
        if self.view.moves:
            self._focus_first_match()

    def set_as_of(self, day: dt.date) -> None:
        self.as_of = day
        row = self.current_row
        self.reload(follow=row.id if row else None)


def _newest_order(book, rows: list[BoardRow], as_of: dt.date, today: dt.date) -> dt.date | None:
    """The book's newest order day: from the rows when the board shows today (their
    last orders are every order up to today), else read from the book."""
    if as_of >= today:
        newest = max((r.customer.last_order for r in rows if r.customer.last_order), default=None)
    else:
        newest = book.scalar('SELECT max(date) FROM "order"')
    return dt.date.fromisoformat(newest) if newest else None


def describe(row: BoardRow, currency: str, move: tuple | None = None) -> Content:
    """One line about the highlighted customer, in words. Names and reasons are
    the book's text: they go in as text, never read as markup. ``move``: (day, (quadrant,
    class) then, now) when the board lists who moved since that day."""
    from textual.content import Content

    def bold(text: str) -> Content:
        return Content.from_markup("[b]$text[/b]", text=text)

    c = row.customer
    seg = c.segment
    name = bold(c.name) + (Content(f" ({c.city})") if c.city else Content(""))
    parts: list[Content | str] = [name, seg.quadrant.label]
    if move is not None:
        day, (quadrant, revenue_class), _now = move

        def standing(q: Quadrant, klass: str) -> str:  # what changed only
            return " ".join(part for part in (
                q.label if quadrant is not seg.quadrant else "",
                _("class {klass}").format(klass=klass) if revenue_class != seg.revenue_class else "") if part)

        was, now = standing(quadrant, revenue_class), standing(seg.quadrant, seg.revenue_class)
        parts.append(bold(_("since {day}: {then} → {now}").format(day=day_text(day), then=was, now=now)))
    guess = c.estimate is not None and c.estimate.source == "estimated"
    potential = (_(", potential {klass}").format(klass=seg.potential_class) + (_(" (estimated)") if guess else "")
                 if seg.potential_class else _(", potential unknown"))
    parts.append(_("revenue {revenue} (class {klass}{potential})").format(
        revenue=short_amount(seg.revenue, currency), klass=seg.revenue_class, potential=potential))
    if seg.upgrade_candidate:
        parts.append(bold(_("upgrade candidate {now}→{then}").format(now=seg.revenue_class, then=seg.potential_class)))
    parts.append(_("loyalty {loyalty}").format(loyalty=loyalty_text(seg.loyalty, estimated(c))))
    if seg.group:
        parts.append(seg.group.label.lower())
    if c.trend is not None and c.trend.kind:
        parts.append(bold(f"{_(c.trend.kind)}: {c.trend.words()}"))
    # What the planner weighs, less what this line already says (quadrant, upgrade, due date).
    entry = row.entry
    if entry is not None:
        if entry.once:
            parts.append(_("visit to assess") if entry.kind == "visit" else _("call to assess"))
        else:
            if entry.win_back:  # due to win it back (docs/planning.md), not on its segment's interval
                parts.append(bold(_("win-back visit") if entry.kind == "visit" else _("win-back call")))
            if entry.overdue:
                late = entry.days_overdue
                parts.append(bold(ngettext("{late} day overdue", "{late} days overdue", late).format(late=late)))
        if entry.contract_urgent and row.contract_ends:
            competitor = entry.customer.contract[0]
            parts.append(Content(_("contract with {competitor} ends {day}").format(
                competitor=competitor, day=day_text(row.contract_ends))))
    if row.due is not None and row.overdue_days is not None and row.overdue_days < 0:
        parts.append(_("next contact {day}").format(day=day_text(row.due)))
    parts.append(_("last visit or call {day}").format(day=day_text(row.last_activity)) if row.last_activity
                 else _("never visited or called"))
    if row.contract_ends and not (entry is not None and entry.contract_urgent):
        parts.append(_("competitor contract ends {day}").format(day=day_text(row.contract_ends)))
    parts.extend(_(flag) for flag in seg.flags)
    return Content(" · ").join(p if isinstance(p, Content) else Content(p) for p in parts)
