"""The customer screen: everything needed to judge a customer's loyalty and potential,
and the place to record it (DESIGN §2, §4).

All database work runs on the screen's one writer thread (:mod:`segtui.ui.writer`),
so edits are saved in the order they were made, and those still queued when the
screen closes are saved all the same; every edit is its own transaction and is
followed by a fresh read of the record. ``ctrl+z`` undoes the last edit made here.
The screen dismisses with True when anything was saved (the board reloads then).
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any, Callable

from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, Static, Tab, TabbedContent, TabPane
from textual.worker import get_current_worker

from segtui.ui.display import Shown, ShownLabel
from segtui.domain import customer as rules
from segtui.i18n import N_, _, ngettext
from segtui.i18n import day as day_text
from segtui.i18n import SOURCE, language, weekday
from segtui.domain import records
from segtui.domain.money import short_money
from segtui.domain.movements import quarter_ends_before
from segtui.domain.checklist import QUESTIONS, QUESTION_KEYS, summarise
from segtui.domain.segments import (
    GROUP_STRATEGY,
    QUADRANT_STRATEGY,
    QUALIFICATION_ACTION,
    SALES_TRACK_TEXT,
    Quadrant,
    potential_in_window,
    qualification,
    sales_track,
)
from segtui.store import customers as store
from segtui.store import records as record_store
from segtui.store.book import Book, BookError
from segtui.store.segments import CustomerSegment
from segtui.ui.errors import writes_allowed
from segtui.ui.form import Field, FormScreen
from segtui.ui.rows import RowList
from segtui.ui.textual_private import show_keys_now, underline_tab
from segtui.ui.writer import SerialWriter

TABS = ("revenue", "checklist", "estimates", "deal", "people")
TAB_FOCUS = {
    "revenue": "#orders",
    "checklist": "#checklist",
    "estimates": "#assessments",
    "deal": "#contracts",
    "people": "#contacts",
}

QUADRANT_COLOURS = {
    Quadrant.CASH_COWS: "#2e7d32",
    Quadrant.BIG_GAME: "#c62828",
    Quadrant.SMALL_FRY: "#1565c0",
    Quadrant.UNINTERESTING: "#616161",
    Quadrant.NEEDS_ASSESSMENT: "#b58900",
}
CLASS_COLOURS = {"A": "#2e7d32", "B": "#558b2f", "C": "#9e9d24", "D": "#757575"}
ANSWER_MARKS = {
    "yes": ("✔", N_("yes"), "bold green"),
    "no": ("✘", N_("no"), "bold red"),
    "unknown": ("?", N_("unknown"), "yellow"),
    None: ("·", "", "dim"),
}
# What the customer screen shows of stored values (the values stay English in the book).
ANSWER_WORDS = {"yes": N_("yes"), "no": N_("no"), "unknown": N_("unknown")}
KIND_WORDS = {"visit": N_("visit"), "call": N_("call"), "mail": N_("mail"), "note": N_("note")}
SOURCE_WORDS = {"imported": N_("imported"), "estimated": N_("estimated"), "confirmed": N_("confirmed"),
                "entered": N_("entered")}
CONFIDENCE_WORDS = {"low": N_("low"), "medium": N_("medium"), "high": N_("high")}
FOCUS_WORDS = {"price": N_("price"), "performance": N_("performance"), "delivery": N_("delivery")}
TREND_WORDS = {"declining": N_("Declining"), "silent": N_("Silent")}
# What ctrl+z names (the store's labels of an edit).
UNDO_LABELS = (N_("customer details"), N_("archived"), N_("note"), N_("removed note"), N_("estimate"),
               N_("checklist answer"), N_("qualification"), N_("buying behaviour"), N_("competitor contract"),
               N_("follow-up"))


def said(words: dict[str, str], value: str | None) -> str:
    """A stored value (English in the book) in the language in use; an unknown value as it is."""
    if value is None:
        return ""
    return _(words[value]) if value in words else value


def parse_kind(text: str) -> str:
    """visit, call or mail typed in the language in use or in English, or the start of one ('b', 'sa', 'v')."""
    value = (text or "").strip().casefold()
    said_kinds = [k for k in rules.ACTIVITY_KINDS if value and _(KIND_WORDS[k]).casefold().startswith(value)]
    if len(said_kinds) == 1:
        return said_kinds[0]
    try:
        return rules.parse_kind(text)
    except rules.InputError:
        raise rules.InputError(_("{text} is not one of: {kinds}").format(
            text=repr((text or "").strip()), kinds=", ".join(_(KIND_WORDS[k]) for k in rules.ACTIVITY_KINDS))) from None


def yes_no(value: bool | None) -> str:
    return "?" if value is None else _("yes") if value else _("no")


def undo_label(label: str) -> str:
    """The store's label of an edit in the language in use ('added Anna', 'note')."""
    if label in UNDO_LABELS:
        return _(label)
    for prefix, template in (("added ", N_("added {name}")), ("changed ", N_("changed {name}")),
                             ("removed ", N_("removed {name}"))):
        if label.startswith(prefix):
            return _(template).format(name=label.removeprefix(prefix))
    if label.endswith(" primary"):
        return _("{name} primary").format(name=label.removesuffix(" primary"))
    return label


def date_text(iso: str | None, width: int = 0) -> str:
    """A stored ISO day for people: as it is in English, the locale's day otherwise ('2 dec. 2026');
    ``width`` pads it to a column (12 for the locale's longest day)."""
    if not iso:
        return ""
    try:
        text = day_text(dt.date.fromisoformat(iso))
    except ValueError:
        text = iso
    return text.ljust(max(width, len(iso))) if width and text != iso else text


def col(text: str, width: int) -> str:
    """``text`` padded to at least ``width`` cells, and to its own length and two more when longer
    (a translated word wider than its English column is never cut)."""
    return text.ljust(width) if len(text) < width else text + " "
BLOCKS = " ▁▂▃▄▅▆▇█"


def _badge(text: Text, label: str, colour: str) -> None:
    text.append(f" {label} ", style=Style(color="white", bgcolor=colour, bold=True))
    text.append(" ")


def bar_chart(
    series: list[tuple[rules.Quarter, int]], width: int, height: int, lines: list[tuple[str, int]]
) -> list[Text]:
    """Vertical bars per quarter with eighth blocks; ``lines`` are dotted reference levels."""
    axis = 7
    n = max(len(series), 1)
    col = max(3, (width - axis - 7) // n)
    bar = max(col - 1, 1)
    top = max([v for _, v in series] + [v for _, v in lines] + [1])
    step = top / height
    out: list[Text] = []
    for r in range(height - 1, -1, -1):
        low, high = r * step, (r + 1) * step
        row = Text()
        label = {height - 1: short_money(round(high)), height // 2: short_money(round(low)), 0: "0"}.get(r)
        row.append(f"{label:>{axis - 1}} " if label else " " * axis, style="dim")
        line_here = next((name for name, v in lines if low <= v < high or (r == height - 1 and v == top)), None)
        filler = "┄" if line_here else " "
        for _quarter, value in series:
            if value < 0 and r == 0:
                row.append("▁" * bar, style="red")
            else:
                fill = (value - low) / step if value > 0 else 0
                if fill >= 1:
                    row.append("█" * bar, style="cyan")
                elif fill > 0:
                    row.append(BLOCKS[max(1, round(fill * 8))] * bar, style="cyan")
                else:
                    row.append(filler * bar, style="yellow dim")
            row.append(filler * (col - bar), style="yellow dim")
        if line_here:
            row.append(f" {line_here}", style="yellow")
        out.append(row)
    quarters = Text(" " * axis)
    years = Text(" " * axis)
    for q, _value in series:
        quarters.append(_("Q{number}").format(number=q.q).ljust(col), style="dim")
        years.append((str(q.year) if q.q == 1 or q is series[0][0] else "").ljust(col), style="dim")
    out.extend([quarters, years])
    return out


class ChecklistList(RowList):
    HELP_SECTION = N_("On the checklist (tab 2)")
    BINDINGS = [
        Binding("y", "screen.answer('yes')", "Yes", id="customer.answer_yes"),
        Binding("n", "screen.answer('no')", "No", id="customer.answer_no"),
        Binding("u", "screen.answer('unknown')", "Unknown", id="customer.answer_unknown"),
        Binding("e,enter", "screen.checklist_note", "Note", id="customer.checklist_note"),
    ]


class ContractList(RowList):
    HELP_SECTION = N_("On the deal tab (4)")
    BINDINGS = [
        Binding("p", "screen.toggle_qualification('pain')", "Pain", id="customer.pain"),
        Binding("m", "screen.toggle_qualification('money')", "Money", id="customer.money"),
        Binding("t", "screen.toggle_qualification('timing')", "Timing", id="customer.timing"),
        Binding("f", "screen.cycle_focus", "Focus", id="customer.focus"),
        Binding("s", "screen.cycle_custom", "Custom", id="customer.custom"),
        Binding("o", "screen.cycle_collaborate", "Collab", id="customer.collaborate"),
        Binding("n", "screen.add_contract", "Add", id="customer.add_contract"),
        Binding("d,delete", "screen.remove_contract", "Remove", id="customer.remove_contract"),
    ]


class ContactList(RowList):
    HELP_SECTION = N_("In the contacts (tab 5)")
    BINDINGS = [
        Binding("c", "screen.copy('phone')", "Copy phone", id="customer.copy_phone"),
        Binding("e", "screen.copy('email')", "Copy email", id="customer.copy_email"),
        Binding("n", "screen.add_contact", "New contact", id="customer.add_contact"),
        Binding("enter", "screen.edit_contact", "Edit", id="customer.edit_contact"),
        Binding("d,delete", "screen.remove_contact", "Remove", id="customer.remove_contact"),
        Binding("p", "screen.primary_contact", "Primary", id="customer.primary_contact"),
    ]


class ActivityList(RowList):
    HELP_SECTION = N_("In the activity log (tab 5)")
    BINDINGS = [
        Binding("d,delete", "screen.remove_note", "Remove note", id="customer.remove_note"),
    ]


class RevenueChart(Static):
    """Revenue per calendar quarter over three years, with the class thresholds."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.record: store.CustomerRecord | None = None

    def show(self, record: store.CustomerRecord) -> None:
        self.record = record
        self.refresh(layout=True)

    def render(self) -> Text:
        record = self.record
        if record is None:
            return Text(_("Reading orders…"), style="dim")
        config = record.config
        quarters_in_window = max(config.window_months / 3, 1)
        # Pareto mode: the revenue at the cut-offs the ranking produced (docs/first-day.md)
        a_line, b_line = record.cutoffs or (config.a_above, config.b_from)
        lines = [
            (_("A pace"), round(a_line / quarters_in_window)),
            (_("B pace"), round(b_line / quarters_in_window)),
        ]
        out = Text()
        out.append(_("Net revenue per quarter, last three years") + "\n", style="bold")
        if not any(v for _, v in record.quarters):
            out.append("\n" + _("No orders in the last three years.") + "\n", style="dim italic")
        else:
            width = max(self.size.width, 40)
            for row in bar_chart(record.quarters, width, 10, lines):
                out.append_text(row)
                out.append("\n")
        seg = record.segment.segment if record.segment else None
        cur = record.currency
        out.append("\n")
        if seg is not None:
            out.append(_("Rolling {months} months to {day}: ").format(months=config.window_months,
                                                                      day=date_text(record.as_of)))
            out.append(rules.money(seg.revenue, cur), style="bold")
            out.append(_(" → class "))
            out.append(seg.revenue_class, style=Style(bold=True, color=CLASS_COLOURS[seg.revenue_class]))
            if seg.negative_revenue:
                out.append(_("  (negative net: credit notes exceed sales)"), style="red")
            out.append("\n")
        if record.cutoffs is not None:
            thresholds = _("Pareto cut-offs: A from {a} · B from {b} (the smallest revenue in each class)").format(
                a=rules.money(a_line), b=rules.money(b_line))
        else:
            thresholds = _("A above {a} · B from {b}").format(a=rules.money(config.a_above),
                                                             b=rules.money(config.b_from))
        out.append(thresholds + _(" · ┄ = that pace per quarter") + "\n", style="dim")
        out.append(_("Last 12 months: {revenue}").format(revenue=rules.money(record.revenue_12m, cur)))
        return out


class Standings(Static):
    """Where the customer stood at the last eight quarter ends: quadrant and revenue class,
    worked out from the book as it was on each day (``store.segments.standings``)."""

    DEFAULT_CSS = "Standings { height: auto; margin-bottom: 1; }"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.days: list[dt.date] = []
        self.found: dict[dt.date, tuple[Quadrant, str] | None] = {}

    def expect(self, days: list[dt.date]) -> None:
        self.days, self.found = list(days), {}
        self.refresh(layout=True)

    def add(self, day: dt.date, standing: tuple[Quadrant, str] | None) -> None:
        self.found[day] = standing
        self.refresh(layout=True)

    def render(self) -> Text:
        if not self.days:
            return Text(_("Working out where they stood…"), style="dim")
        out = Text(no_wrap=True, overflow="ellipsis")
        for i, day in enumerate(self.days):
            if i:
                out.append("\n")
            out.append(f"{date_text(day.isoformat(), 12)}  ")
            if day not in self.found:
                out.append("…", style="dim")
                continue
            standing = self.found[day]
            if standing is None:
                out.append(_("not classified"), style="dim")
                continue
            quadrant, revenue_class = standing
            out.append(f"{quadrant.label:<17}", style=Style(color=QUADRANT_COLOURS[quadrant], bold=True))
            out.append(" " + revenue_class, style=Style(color=CLASS_COLOURS[revenue_class], bold=True))
            older = self.days[i + 1] if i + 1 < len(self.days) else None
            then = self.found.get(older) if older is not None else None
            if then is not None and then != standing:
                out.append("  " + _("moved"), style="dim")
        return out


class KeysFooter(Footer):
    """A footer that shows the keys as soon as it is mounted and rebuilds only when
    they change (focus moving within a tab does not change them, and every rebuild
    costs a relayout)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        show_keys_now(self)
        self._shown: tuple | None = None

    @staticmethod
    def _keys(screen: Screen) -> tuple:
        return tuple(
            (binding.key, binding.description, enabled)
            for (_, binding, enabled, _) in screen.active_bindings.values()
            if binding.show
        )

    def compose(self) -> ComposeResult:
        self._shown = self._keys(self.screen)
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if self.children and self._keys(screen) == self._shown:
            return
        super().bindings_changed(screen)


class CustomerBody(Vertical):
    """The five tabs below the header."""

    DEFAULT_CSS = "CustomerBody { height: 1fr; }"

    def __init__(self, tab: str) -> None:
        super().__init__()
        self.tab = tab  # the pane shown first

    def compose(self) -> ComposeResult:
        with TabbedContent(id="tabs", initial=self.tab):
            with TabPane(_("1 Revenue & orders"), id="revenue"):
                with Horizontal():
                    yield RevenueChart(id="chart")
                    with Vertical():
                        yield ShownLabel(_("Quadrant and class at quarter ends (newest first)"),
                                         classes="list-title")
                        yield Standings(id="standings")
                        yield ShownLabel(_("Orders"), id="orders-title", classes="list-title")
                        yield RowList(_("No orders."), id="orders")
            with TabPane(_("2 Checklist"), id="checklist-tab"):
                yield Shown("", id="checklist-summary")
                yield ChecklistList(id="checklist")
                yield Shown("", id="checklist-detail")
            with TabPane(_("3 Estimates"), id="estimates"):
                yield Shown("", id="estimate-summary")
                yield ShownLabel(_("History (newest first) — b new estimate · B confirm the estimated one"),
                            classes="list-title")
                yield RowList(_("Never assessed — press b to enter a yearly budget or a loyalty."), id="assessments")
            with TabPane(_("4 Deal"), id="deal-tab"):
                yield Shown("", id="deal")
                yield ShownLabel(_("Competitor contracts — n add · d remove"), classes="list-title")
                yield ContractList(_("No competitor contracts known — press n to add one."), id="contracts")
            with TabPane(_("5 Contacts & activities"), id="people"):
                yield ShownLabel(_("Contacts — n new · enter edit · d remove · p primary · c copy phone · e copy email"),
                            classes="list-title")
                yield ContactList(_("No contacts — press n to add one."), id="contacts")
                yield ShownLabel(_("Activities and notes — a log a visit, call or mail · N note · E details · X archive"),
                            classes="list-title")
                yield ActivityList(_("No activities yet — press a to log one, N for a note."), id="activities")


class CustomerScreen(Screen[bool]):
    """One customer: badges, revenue, checklist, estimates, deal, contacts and activities."""

    DEFAULT_CSS = """
    CustomerScreen #badges { height: auto; max-height: 6; padding: 0 1; background: $panel;
                             text-wrap: nowrap; text-overflow: ellipsis; }
    CustomerScreen #status { height: 1; padding: 0 1; color: $text-muted; }
    CustomerScreen TabbedContent { height: 1fr; }
    CustomerScreen #body { height: 1fr; }
    CustomerScreen TabPane { padding: 0 1; }
    CustomerScreen #chart { width: 66; height: 1fr; }
    CustomerScreen .list-title { height: 1; text-style: bold; }
    CustomerScreen #checklist { height: 9; }
    CustomerScreen #checklist-summary { height: 1; margin-bottom: 1; }
    CustomerScreen #checklist-detail { height: auto; margin-top: 1; }
    CustomerScreen #estimate-summary { height: auto; margin-bottom: 1; }
    CustomerScreen #deal { height: auto; margin-bottom: 1; }
    CustomerScreen #contacts { height: 7; margin-bottom: 1; }
    """

    BINDINGS = [
        Binding("escape", "back", "Back", id="customer.back"),
        Binding("ctrl+z", "undo", "Undo", id="customer.undo"),
        Binding("b", "estimate", "Estimate", id="customer.estimate"),
        Binding("B", "confirm_estimate", "Confirm estimate", show=False, id="customer.confirm_estimate"),
        Binding("a", "add_activity", "Log activity", id="customer.add_activity"),
        Binding("F", "follow_up", "Follow-up", show=False, tooltip=N_("Plan a dated follow-up (call back on a day)"),
                id="customer.follow_up"),
        Binding("E", "edit_customer", "Edit details", show=False, id="customer.edit"),
        Binding("N", "add_note", "Note", show=False, id="customer.add_note"),
        Binding("X", "archive", "Archive/restore", show=False, id="customer.archive"),
        Binding("L", "set_place", "Place", show=False,
                tooltip=N_("Where the customer is: a town, postcode and town, or lat,lon (for day routes)"),
                id="customer.place"),
        Binding("1", "show_tab('revenue')", "Revenue", show=False, id="customer.tab_revenue"),
        Binding("2", "show_tab('checklist')", "Checklist", show=False, id="customer.tab_checklist"),
        Binding("3", "show_tab('estimates')", "Estimates", show=False, id="customer.tab_estimates"),
        Binding("4", "show_tab('deal')", "Deal", show=False, id="customer.tab_deal"),
        Binding("5", "show_tab('people')", "People", show=False, id="customer.tab_people"),
        Binding("right_square_bracket,l,right", "next_tab(1)", "Next tab", show=False, id="customer.next_tab"),
        Binding("left_square_bracket,h,left", "next_tab(-1)", "Prev tab", show=False, id="customer.prev_tab"),
    ]

    def __init__(self, book: Book, customer_id: int | None, as_of: dt.date, *,
                 segment: CustomerSegment | None = None, new: dict[str, Any] | None = None):
        """``segment`` is what the board already knows of the customer: with it, the
        first paint shows the name, badges and strategy while the record is read.
        ``new``: the details of a customer to add first (a prospect); ctrl+z takes it back."""
        super().__init__()
        self.book = book
        self.customer_id = customer_id or 0
        self.new = new
        self._added: store.Undo | None = None
        self.as_of = as_of
        self.segment = segment if segment is not None and segment.id == customer_id else None
        self.record: store.CustomerRecord | None = None
        self.edits = store.EditLog(book)
        self.writer = SerialWriter(f"customer-{customer_id}")
        self._leaving = False
        self._asking: tuple | None = None  # (form, saved) while a form's values are being queued
        self._unreadable = False
        self._body_requested = False
        self._body_ready = False
        self._wanted_tab: str | None = None  # a tab asked for before the tabs were there
        self._checklist_detail: Text | None = None
        #: where the customer stood at quarter ends: asked for once the record is shown
        self._standings: dict[dt.date, tuple[Quadrant, str] | None] = {}
        self._standings_days = quarter_ends_before(as_of, 8)
        self._standings_due = True
        self._standings_asked = False

    # --- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # A light frame paints first: the header (from the board's segment) and an
        # empty body; the tabs are mounted right after that paint, and filled when
        # the record has been read.
        yield Shown(self._header(None), id="badges")
        yield Vertical(id="body")
        yield Shown("", id="status")

    def on_mount(self) -> None:
        self._enqueue(("add", self.new) if self.new is not None else ("load", None))

    def on_screen_resume(self) -> None:
        # Handled before Screen's own resume, which paints the frame at once the
        # first time: the tabs are mounted right after that paint.
        if not self._body_requested:
            self._body_requested = True
            self.call_later(self._mount_body)

    async def _mount_body(self) -> None:
        """The tabs, the keys in the footer and (when read) the record, in one layout."""
        if not self.is_attached:
            return  # closed at once
        tab = self._wanted_tab or TABS[0]
        with self.app.batch_update():
            await self.query_one("#body").mount(CustomerBody(self._pane_id(tab)))
            if not self.is_attached:
                return
            self._body_ready = True
            if self._wanted_tab not in (None, tab):  # asked for while the tabs were being mounted
                self.call_after_refresh(self.action_show_tab, self._wanted_tab)
            self.query_one(TAB_FOCUS[tab]).focus()
            self._place_underline()
            if self.record is not None:
                self.show(self.record)
            await self.mount(KeysFooter(compact=True))  # after the focus: it shows that widget's keys too

    def _place_underline(self) -> None:
        """Put the bar under the active tab now: the tabs would move it there only
        after the first layout, and that costs another paint."""
        x = 0
        for tab in self.query(Tab):
            width = tab.label.cell_length
            if tab.has_class("-active"):
                underline_tab(self, x + 1, x + 1 + width)
                return
            x += width + 2  # a tab is padded by one cell each side

    def on_unmount(self) -> None:
        self.writer.close()  # edits still queued are saved all the same

    # --- the database thread ------------------------------------------------------
    @property
    def busy(self) -> bool:
        """True while the tabs, a read or an edit are still on their way (tests wait on this)."""
        return (self.writer.busy or not self._body_ready or (self.record is None and not self._unreadable)
                or self._standings_due)

    @property
    def _pending(self) -> int:
        return self.writer.pending

    def _ask(self, form: FormScreen, saved: Callable[[dict[str, Any] | None], None]) -> None:
        """Open ``form``; ``saved`` gets its values. When the edit it queues is refused by the
        book (busy, full, read-only), the form opens again with what was typed."""

        def answered(values: dict[str, Any] | None) -> None:
            if values is None:
                saved(values)
                return
            self._asking = (form, saved)
            try:
                saved(values)
            finally:
                self._asking = None

        self.app.push_screen(form, answered)

    def _enqueue(self, job: tuple[str, Any]) -> None:
        form = self._asking  # the form this edit came from, to open again if refused
        self.writer.submit(lambda: self._run_job(job), lambda result, error: self._job_finished(result, error, form))

    def _run_job(self, job: tuple[str, Any]) -> tuple[store.CustomerRecord | None, str, str | None]:
        """One job on the writer's thread: the edit (or undo), then a fresh read of the record."""
        kind, payload = job
        message = ""
        try:
            if kind == "add":
                self.customer_id, self._added = record_store.add_customer(self.book, payload, self.as_of)
                self.edits.record(self._added)
                message = _("Added {name} · ctrl+z takes it back").format(name=payload["name"])
            elif kind == "edit":
                fn, args, kwargs, message = payload
                self.edits.record(fn(self.book, *args, **kwargs))
                message += _(" · ctrl+z undoes")
            elif kind == "undo":
                undone = self.edits.undo()
                if undone is not None and undone is self._added:
                    # the customer is gone: the screen closes
                    return None, _("Undone: {edit}").format(edit=undo_label(undone.label)), None
                message = (_("Undone: {edit}").format(edit=undo_label(undone.label)) if undone
                           else _("Nothing to undo on this screen"))
                if undone and len(self.edits):
                    message += ngettext(" · 1 more edit can be undone", " · {count} more edits can be undone",
                                        len(self.edits)).format(count=len(self.edits))
            record = store.load_customer(self.book, self.customer_id, self.as_of)
        except (rules.InputError, BookError, sqlite3.Error) as error:
            return None, message, _("Not saved: {error}").format(error=error)
        return record, message, None

    def _job_finished(self, result, error: BaseException | None, form=None) -> None:
        if error is not None:
            result = (None, "", _("Not saved: {error}").format(error=error))
        self._job_done(*result, form=form)

    def _job_done(self, record: store.CustomerRecord | None, message: str, failed: str | None, form=None) -> None:
        if not self.is_attached:  # closed meanwhile (the app is quitting): the edit is saved already
            return
        if record is not None:
            self.record = record
            if self._body_ready:
                self.show(record)
            if not self._standings_asked:  # after the record: it paints first
                self._standings_asked = True
                self._read_standings(record.id)
        elif self.record is None and failed:
            self._standings_due = False
        if record is None and (self._added is not None and self.edits.last is None or
                               failed and self.new is not None and self._added is None):
            self.app.notify(failed or message, severity="error" if failed else "information", markup=False)
            self.dismiss(True)  # the customer just added was taken back (or could not be added)
            return
        if failed and self.record is None:
            self._unreadable = True
            reason = failed.removeprefix(_("Not saved: {error}").format(error=""))
            self.query_one("#badges", Static).update(
                Text(_("This customer cannot be shown: {reason}").format(reason=reason), style="red"))
        elif failed:
            self.notify(failed, severity="error", timeout=6, markup=False)
            self.query_one("#status", Static).update(Text(failed, style="red"))
            if form is not None and not self._leaving:
                self._ask(form[0].again(failed), form[1])  # what was typed is not lost
        elif message:
            self.notify(message.split(" · ")[0], timeout=3, markup=False)
            self.query_one("#status", Static).update(Text(message))
        if self._leaving and self._pending == 0:
            self.dismiss(self.edits.edited)

    @work(thread=True, exclusive=True, group="customer-standings")
    def _read_standings(self, customer_id: int) -> None:
        """Where the customer stood at each quarter end, newest first, each shown as it is
        worked out (one customer's rows; the whole book only when its rules need it)."""
        from segtui.store.segments import standings

        worker = get_current_worker()
        try:
            for day, standing in standings(self.book, customer_id, self._standings_days):
                if worker.is_cancelled:
                    return
                self.app.call_from_thread(self._standing_read, day, standing)
        except (BookError, sqlite3.Error):
            pass  # the record's own read says what is wrong with the book
        finally:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._standings_read)

    def _standing_read(self, day: dt.date, standing: tuple[Quadrant, str] | None) -> None:
        self._standings[day] = standing
        if self._body_ready and self.is_attached:
            self.query_one(Standings).add(day, standing)

    def _standings_read(self) -> None:
        self._standings_due = False

    def _show_standings(self) -> None:
        shown = self.query_one(Standings)
        shown.expect(self._standings_days)
        for day, standing in self._standings.items():
            shown.add(day, standing)

    def _edit(self, message: str, fn: Callable[..., store.Undo], *args: Any, **kwargs: Any) -> None:
        if self.record is None:
            return
        if self.book.readonly:
            self.notify(_("This book is read-only: changes cannot be saved"), severity="error")
            return
        self._enqueue(("edit", (fn, args, kwargs, message)))

    # --- showing the record -------------------------------------------------------
    def show(self, record: store.CustomerRecord) -> None:
        self.record = record
        self._show_badges(record)
        self.query_one(RevenueChart).show(record)
        self._show_standings()
        self._show_orders(record)
        self._show_checklist(record)
        self._show_estimates(record)
        self._show_deal(record)
        self._show_people(record)

    def _show_badges(self, r: store.CustomerRecord) -> None:
        self.query_one("#badges", Static).update(self._header(r))

    def _header(self, r: store.CustomerRecord | None) -> Text:
        """Name, badges, loyalty and strategy. Before the record is read (``r`` None)
        they come from the board's segment; the sales track, the industry and the
        at-a-glance line need the record."""
        if r is not None:
            customer = r.segment
            name, archived = r.name, r.archived
            details = [r.source_id, r.city, r.industry, _("owner {owner}").format(owner=r.owner) if r.owner else None]
        elif self.segment is not None:
            customer = self.segment
            name, archived = customer.name, False  # the board lists active customers only
            details = [customer.source_id, customer.city,
                       _("owner {owner}").format(owner=customer.owner) if customer.owner else None]
        else:
            return Text(_("Opening the customer…"), style="dim")
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(name or _("(no name)"), style="bold")
        text.append("  " + " · ".join(d for d in details if d), style="dim")
        if r is not None:
            if r.place is not None and r.place_source != "town":  # a town's place is the town shown
                source = {"typed": N_("typed"), "imported": N_("imported")}.get(r.place_source or "", "")
                text.append(_("  · at {lat}, {lon} ({source})").format(
                    lat=f"{r.place[0]:.3f}", lon=f"{r.place[1]:.3f}", source=_(source) if source else r.place_source),
                    style="dim")
            elif r.place is None:
                text.append(_("  · not on the map: L says where it is"), style="yellow")
        if archived:
            text.append(_("  archived — X restores"), style="bold red")
        text.append("\n")
        seg = customer.segment if customer else None
        if seg is None:
            text.append(_("Not classified (archived customers are not on the board)."), style="dim")
            return text
        _badge(text, _("Revenue {cls}").format(cls=seg.revenue_class), CLASS_COLOURS[seg.revenue_class])
        guess = customer.estimate is not None and customer.estimate.source == "estimated"
        if seg.potential_class:
            label = _("Potential {cls}").format(cls=seg.potential_class) + (_(" ~est.") if guess else "")
            _badge(text, label, CLASS_COLOURS[seg.potential_class])
        else:
            _badge(text, _("Potential {cls}").format(cls="?"), "#757575")
        _badge(text, seg.quadrant.label, QUADRANT_COLOURS[seg.quadrant])
        _badge(text, f"XYZ {seg.xyz or '–'}", "#455a64")
        _badge(text, seg.group.label if seg.group else _("No group"), "#5d4037")
        if seg.upgrade_candidate:
            _badge(text, _("↑ Upgrade"), "#6a1b9a")
        if r is not None:
            bb = r.buying_behaviour
            track = sales_track(bb.focus, bb.custom, bb.collaborate) if bb else None
            tracks = {"complex": N_("Complex sale"), "traditional": N_("Traditional sale"),
                      "": N_("Sales track unknown (4 Deal)")}
            _badge(text, _(tracks[track or ""]),
                   "#00695c" if track else "#757575")
        text.append(_("Loyalty "))
        text.append(rules.share(seg.loyalty) if seg.loyalty is not None else _("unknown"), style="bold")
        if seg.loyalty_source:
            text.append(_(" (computed)") if seg.loyalty_source == "computed" else _(" (entered)"), style="dim")
        text.append("\n")
        text.append(f"{seg.quadrant.label}: ", style="bold")
        text.append(_(QUADRANT_STRATEGY[seg.quadrant]))
        text.append("\n")
        if seg.group:
            text.append(f"{seg.group.label}: ", style="bold")
            text.append(_(GROUP_STRATEGY[seg.group]))
        else:
            text.append(_("No orders yet: no customer group."), style="dim")
        if seg.upgrade_candidate:
            text.append("\n")
            text.append(_("↑ Upgrade: a {revenue}-customer with {potential}-potential — meet more often, show more "
                          "of the range.").format(revenue=seg.revenue_class, potential=seg.potential_class),
                        style="magenta")
        text.append("\n")
        if r is not None:
            text.append_text(self._at_a_glance(r))
        else:
            text.append(_("Reading contacts, activities and contracts…"), style="dim")
        return text

    def _at_a_glance(self, r: store.CustomerRecord) -> Text:
        """What comes next (first: the line is cut at the screen's edge), the trend, the primary
        contact, the last activity and a contract about to end."""
        text = Text(style="dim")
        parts: list[Text] = []
        seg = r.segment.segment if r.segment else None
        for flag in seg.flags if seg else ():
            parts.append(Text(f"⚠ {_(flag)}", style="bold yellow"))
        if r.next_planned is not None:
            day, kind, follow_up = r.next_planned
            words = (_("follow-up {kind} {day}") if follow_up else _("next {kind} {day} in the plan")).format(
                kind=said(KIND_WORDS, kind), day=date_text(day))
            parts.append(Text("→ " + words, style="bold" if follow_up else ""))
        trend = r.segment.trend if r.segment else None
        if trend is not None and trend.kind:
            kind = _(TREND_WORDS[trend.kind]) if trend.kind in TREND_WORDS else trend.kind.capitalize()
            parts.append(Text(f"↓ {kind}: {trend.words()}", style="bold yellow"))
        if r.contacts:
            c = r.contacts[0]
            parts.append(Text(f"☎ {c.name}" + (f" {c.phone}" if c.phone else "")))
        if r.activities:
            a = r.activities[0]
            parts.append(Text(_("last {kind} {day}").format(kind=said(KIND_WORDS, a.kind), day=date_text(a.date))))
        else:
            parts.append(Text(_("never contacted")))
        today = dt.date.fromisoformat(r.as_of)
        latest = r.latest_assessment
        if latest is not None and rules.is_stale(latest.date, today, r.stale_months):
            parts.append(Text(_("⚠ estimate of {day} is stale").format(day=date_text(latest.date)), style="yellow"))
        for c in r.contracts:
            if rules.contract_ends_soon(c.ends_on, today, r.warn_days):
                parts.append(Text(_("⚑ {competitor} contract ends {day}").format(
                    competitor=c.competitor, day=date_text(c.ends_on)), style="bold yellow"))
                break
        for i, part in enumerate(parts):
            if i:
                text.append(" · ")
            text.append_text(part)
        return text

    def _show_orders(self, r: store.CustomerRecord) -> None:
        window_start = rules.add_months(dt.date.fromisoformat(r.as_of), -r.config.window_months).isoformat()
        credit = sum(1 for o in r.orders if o.is_credit_note)
        first_day = (dt.date.fromisoformat(window_start) + dt.timedelta(days=1)).isoformat()
        self.query_one("#orders-title", Label).update(
            _("Orders {orders} · credit notes {credit} · dim: before {day}").format(
                orders=len(r.orders), credit=credit, day=date_text(first_day))
        )

        def order_row(o: store.Order) -> Text:
            row = Text(style="dim" if o.date <= window_start or o.date > r.as_of else "")
            row.append(f"{date_text(o.date, 12)}  {(o.ref or '—')[:14]:<14} ")
            row.append(f"{rules.money(o.amount):>11}", style="red" if o.is_credit_note else "")
            if o.is_credit_note:
                row.append(_(" credit"), style="bold red")
            return row

        self.query_one("#orders", RowList).set_items(r.orders, order_row)

    def _show_checklist(self, r: store.CustomerRecord) -> None:
        answers = {k: a.answer for k, a in r.answers.items()}
        summary = summarise(answers)
        self.query_one("#checklist-summary", Static).update(
            Text.assemble((_("Potential checklist  "), "bold"), summary.text,
                          (_("   y yes · n no · u unknown · e note"), "dim"))
        )
        rows = []
        width = max(len(_(w)) for _s, w, _t in ANSWER_MARKS.values() if w)
        for i, q in enumerate(QUESTIONS, start=1):
            answer = r.answers.get(q.key)
            sign, word, style = ANSWER_MARKS[answer.answer if answer else None]
            row = Text(f"{i}. ")
            row.append(f"{sign} {_(word) if word else '':<{width}}", style=style)
            row.append(f"  {_(q.text)}")
            if answer and answer.note:
                row.append(f"  — {answer.note[:60]}", style="italic dim")
            rows.append(row)
        checklist = self.query_one("#checklist", ChecklistList)
        checklist.set_rows(rows)
        self._show_checklist_detail(checklist.cursor)

    def _show_checklist_detail(self, index: int) -> None:
        if self.record is None:
            return
        q = QUESTIONS[min(index, len(QUESTIONS) - 1)]
        answer = self.record.answers.get(q.key)
        text = Text(f"{_(q.text)}\n", style="bold")
        if answer is None:
            text.append(_("Not answered yet."), style="dim")
        else:
            text.append(_("Answered {answer} on {day}").format(answer=said(ANSWER_WORDS, answer.answer),
                                                               day=date_text(answer.date)) + "\n")
            text.append(answer.note or _("No note."), style="italic" if answer.note else "dim")
        if text != self._checklist_detail:  # the list says where its cursor is after every fill
            self._checklist_detail = text
            self.query_one("#checklist-detail", Static).update(text)

    @on(RowList.Highlighted, "#checklist")
    def _checklist_moved(self, event: RowList.Highlighted) -> None:
        self._show_checklist_detail(event.index)

    def _show_estimates(self, r: store.CustomerRecord) -> None:
        seg = r.segment.segment if r.segment else None
        used = r.segment.estimate if r.segment else None  # the budget the rules use (entered > imported > estimated)
        budget = used.budget_per_year if used is not None else None
        latest = r.latest_assessment
        cur = r.currency
        text = Text()
        if budget is not None and used.source == "estimated":
            text.append(_("Budget per year: "))
            text.append(rules.money(budget, cur), style="bold")
            text.append(_("  ESTIMATED"), style="bold yellow")
            text.append(f" — {estimate_basis(used.basis)}\n")
            text.append(_("Not yet your judgement: press B to confirm it as your own, or b to enter another budget "
                          "(the checklist helps).") + "\n", style="yellow")
        elif latest is None:
            text.append(_("Never assessed."), style="bold yellow")
            text.append(_(" Answer the checklist, then press b to enter their yearly budget for what we sell "
                          "(and a loyalty if you know it better than the figures).") + "\n")
        else:
            tier = ("imported",) if used is not None and used.source == "imported" else ("entered", "confirmed")
            source = next((a for a in r.assessments if a.budget_per_year is not None and a.source in tier), latest)
            stale = rules.is_stale(source.date, dt.date.fromisoformat(r.as_of), r.stale_months)
            text.append(_("Budget per year: "))
            text.append(rules.money(budget, cur) if budget is not None else _("not estimated"), style="bold")
            how = {"imported": N_("imported"), "confirmed": N_("confirmed")}.get(source.source, N_("estimated"))
            text.append(f"   {_(how)} {date_text(source.date)}"
                        + (_(" by {who}").format(who=source.who) if source.who else ""))
            if stale:
                text.append(_("  STALE — older than {months} months").format(months=r.stale_months), style="bold red")
            text.append("\n")
        if seg is not None:
            text.append(_("Potential: "))
            if seg.potential_class and budget is not None:
                scaled = potential_in_window(budget, r.config)
                text.append(_("class {cls}").format(cls=seg.potential_class), style="bold")
                text.append(_(" (budget over {months} months = {amount})").format(
                    months=r.config.window_months, amount=rules.money(scaled, cur)))
            else:
                text.append(_("unknown"), style="yellow")
            text.append("\n" + _("Loyalty: "))
            if seg.loyalty is not None:
                text.append(rules.share(seg.loyalty), style="bold")
            if seg.loyalty_source == "entered":
                text.append(_(" entered (override in the latest estimate)"))
            elif seg.loyalty_source == "computed" and budget:
                text.append(_(" computed — share of wallet: last 12 months {revenue} ÷ budget {budget}").format(
                    revenue=rules.money(r.revenue_12m, cur), budget=rules.money(budget, cur)))
            else:
                text.append(_("unknown — enter a budget or a loyalty"), style="yellow")
            if seg.budget_looks_stale:
                text.append("\n" + _("⚠ budget looks stale: they bought more than the budget in 12 months"),
                            style="yellow")
        self.query_one("#estimate-summary", Static).update(text)
        today = dt.date.fromisoformat(r.as_of)
        rows = []
        for a in r.assessments:
            row = Text(f"{date_text(a.date, 12)}  ")
            row.append(_("budget {amount}").format(amount=f"{rules.money(a.budget_per_year):>13}") + "  ")
            loyalty = rules.share(a.loyalty_override) if a.loyalty_override is not None else "—"
            row.append(_("loyalty {share}").format(share=f"{loyalty:>5}") + "  ")
            row.append(f"{col(said(CONFIDENCE_WORDS, a.confidence), 6)}  {(a.who or '')[:18]:<18}  ")
            if a.source != "entered":
                row.append(f"{said(SOURCE_WORDS, a.source)}  ", style="dim")
            row.append((a.note or "")[:40], style="italic dim")
            if rules.is_stale(a.date, today, r.stale_months):
                row.append(_("  stale"), style="red")
            rows.append(row)
        self.query_one("#assessments", RowList).set_rows(rows)

    def _show_deal(self, r: store.CustomerRecord) -> None:
        q = r.qualification
        text = Text()
        text.append(_("Qualification"), style="bold")
        text.append(_("   p pain · m money · t timing") + "\n", style="dim")
        pain, money, timing = (q.pain, q.money, q.timing) if q else (None, None, None)
        text.append(_("  Pain (a need): {pain} Money: {money} Timing (urgent): {timing}").format(
            pain=col(yes_no(pain), 4), money=col(yes_no(money), 4), timing=yes_no(timing)) + "\n")
        grade = qualification(pain, money, timing)
        if grade:
            text.append(f"  → {grade}: ", style="bold")
            text.append(_(QUALIFICATION_ACTION[grade]) + "\n")
            if grade == "C" and q and q.parked_reason:
                text.append(_("  Parked because: {reason}").format(reason=q.parked_reason) + "\n", style="italic")
        else:
            text.append(_("  → not qualified: no known need yet") + "\n", style="dim")
        text.append("\n" + _("Buying behaviour"), style="bold")
        text.append(_("   f focus · s standard/custom · o collaborate") + "\n", style="dim")
        bb = r.buying_behaviour
        focus, custom, collaborate = (bb.focus, bb.custom, bb.collaborate) if bb else (None, None, None)
        product = "?" if custom is None else (_("custom") if custom else _("standard"))
        text.append(_("  Focus: {focus}   Product: {product}   Willing to collaborate: {collaborate}").format(
            focus=said(FOCUS_WORDS, focus) or "?", product=product, collaborate=yes_no(collaborate)) + "\n")
        track = sales_track(focus, custom, collaborate)
        if track:
            text.append("  → ", style="bold")
            text.append(_(SALES_TRACK_TEXT[track]) + "\n")
        else:
            text.append(_("  → sales track not decided yet") + "\n", style="dim")
        self.query_one("#deal", Static).update(text)
        today = dt.date.fromisoformat(r.as_of)
        rows = []
        for c in r.contracts:
            days = rules.contract_days_left(c.ends_on, today)
            if days < 0:
                row = Text(f"{c.competitor[:24]:<24} " + _("ended {day}").format(day=date_text(c.ends_on)),
                           style="dim")
            else:
                soon = rules.contract_ends_soon(c.ends_on, today, r.warn_days)
                row = Text(f"{c.competitor[:24]:<24} " + _("ends {day}  in {days} days").format(
                    day=date_text(c.ends_on), days=days), style="bold yellow" if soon else "")
                if soon:
                    row.append(_("  ⚑ ends soon — hunt now"), style="bold red")
            if c.note:
                row.append(f"  {c.note[:30]}", style="italic dim")
            rows.append(row)
        self.query_one("#contracts", ContractList).set_rows(rows)

    def _show_people(self, r: store.CustomerRecord) -> None:
        contacts = []
        for c in r.contacts:
            row = Text("★ " if c.is_primary else "  ", style="yellow")
            phone = records.phone_national(c.phone, r.country) or "—"
            row.append(f"{c.name[:24]:<24} {(c.role or '')[:20]:<20} {phone:<18} {c.email or '—'}")
            contacts.append(row)
        self.query_one("#contacts", ContactList).set_rows(contacts)
        kinds = {"visit": "cyan", "call": "green", "mail": "magenta", "note": "yellow"}
        width = max(5, *(len(_(word)) for word in KIND_WORDS.values()))

        def activity_row(a: store.Activity | store.Note) -> Text:
            row = Text(f"{date_text(a.date, 12)}  ")
            if isinstance(a, store.Note):
                row.append(col(said(KIND_WORDS, "note"), width), style=kinds["note"])
                row.append(f"  {a.text[:90]}", style="italic")
                return row
            row.append(col(said(KIND_WORDS, a.kind), width), style=kinds.get(a.kind, ""))
            row.append(f"  {(a.outcome or '')[:30]:<30}")
            if a.note:
                row.append(f"  {a.note[:60]}", style="italic dim")
            return row

        self.query_one("#activities", ActivityList).set_items(self._log(r), activity_row)

    @staticmethod
    def _log(r: store.CustomerRecord) -> list[store.Activity | store.Note]:
        """Activities and notes, newest first (a note before an activity of its day)."""
        entries: list[Any] = [*r.activities, *r.notes]
        entries.sort(key=lambda e: (e.date, isinstance(e, store.Note), e.id), reverse=True)
        return entries

    # --- navigation ---------------------------------------------------------------
    def _pane_id(self, name: str) -> str:
        return {"checklist": "checklist-tab", "deal": "deal-tab"}.get(name, name)

    def action_show_tab(self, name: str) -> None:
        if not self._body_ready:
            self._wanted_tab = name  # shown as soon as the tabs are mounted
            return
        self.query_one(TabbedContent).active = self._pane_id(name)
        self.query_one(TAB_FOCUS[name]).focus()

    def action_next_tab(self, step: int) -> None:
        ids = [self._pane_id(t) for t in TABS]
        if self._body_ready:
            active = self.query_one(TabbedContent).active
        else:
            active = self._pane_id(self._wanted_tab or TABS[0])
        index = ids.index(active) if active in ids else 0
        self.action_show_tab(TABS[(index + step) % len(TABS)])

    @on(TabbedContent.TabActivated)
    def _tab_changed(self, event: TabbedContent.TabActivated) -> None:
        pane = event.pane.id or ""
        name = {"checklist-tab": "checklist", "deal-tab": "deal"}.get(pane, pane)
        if name in TAB_FOCUS and not (self.focused and event.pane in self.focused.ancestors):
            self.query_one(TAB_FOCUS[name]).focus()

    def action_back(self) -> None:
        if self._pending:
            self._leaving = True
            return
        self.dismiss(self.edits.edited)

    def action_undo(self) -> None:
        self._enqueue(("undo", None))

    # --- the checklist --------------------------------------------------------------
    def _question(self) -> str:
        return QUESTION_KEYS[min(self.query_one("#checklist", ChecklistList).cursor, len(QUESTION_KEYS) - 1)]

    def action_answer(self, answer: str) -> None:
        key = self._question()
        self._edit(_("Answered “{question}”: {answer}").format(question=key, answer=said(ANSWER_WORDS, answer)),
                   store.set_checklist_answer, self.customer_id, key,
                   self.as_of, answer=answer)

    def action_checklist_note(self) -> None:
        if self.record is None or not writes_allowed(self, self.book):
            return  # no form to fill on a read-only book
        key = self._question()
        current = self.record.answers.get(key)
        question = next(q for q in QUESTIONS if q.key == key)

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._edit(_("Note saved"), store.set_checklist_answer, self.customer_id, key, self.as_of,
                           note=values["note"])

        self._ask(
            FormScreen(_(question.text), [Field("note", _("Note"), (current.note if current else None) or "",
                                                rules.clean_note, hint=note_limit())]),
            saved,
        )

    # --- estimates ------------------------------------------------------------------
    def action_confirm_estimate(self) -> None:
        """Make the estimated budget the rep's own (a dated assessment, source confirmed)."""
        if self.record is None or not writes_allowed(self, self.book):
            return
        used = self.record.segment.estimate if self.record.segment else None
        if used is None or used.source != "estimated":
            self.notify(_("Nothing to confirm: the budget is already yours or there is none — b enters one"))
            return
        self._edit(_("Estimate confirmed: {amount} a year is now your budget").format(
            amount=rules.money(used.budget_per_year, self.record.currency)),
            store.confirm_estimate, self.customer_id, self.as_of)

    def action_estimate(self) -> None:
        if self.record is None or not writes_allowed(self, self.book):
            return  # no form to fill on a read-only book
        latest = self.record.latest_assessment
        budget = "" if latest is None or latest.budget_per_year is None else rules.money(latest.budget_per_year)
        loyalty = "" if latest is None or latest.loyalty_override is None else rules.share(latest.loyalty_override)

        def check(values: dict[str, Any]) -> dict[str, str]:
            if values["budget"] is None and values["loyalty"] is None:
                return {"budget": _("enter a budget, a loyalty, or both")}
            return {}

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._edit(_("Estimate saved"), store.add_assessment, self.customer_id, values["date"],
                           values["budget"], values["loyalty"], note=values["note"])

        self._ask(
            FormScreen(
                _("New estimate for {name} (saved as a new dated row; history is kept)").format(name=self.record.name),
                [
                    Field("budget", _("Budget per year"), budget, rules.parse_budget, _("e.g. 1 200 000"),
                          _("{currency}, what they buy per year of what we sell").format(
                              currency=self.record.currency)),
                    Field("loyalty", _("Loyalty override"), loyalty, rules.parse_loyalty, _("e.g. 60%"),
                          _("empty = computed from the budget (share of wallet)")),
                    Field("date", _("Date"), self.as_of.isoformat(), self._past_date, _("YYYY-MM-DD")),
                    Field("note", _("Note"), "", rules.clean_note, _("where the figure comes from")),
                ],
                check,
            ),
            saved,
        )

    def _past_date(self, text: str) -> str:
        return rules.parse_date(text, latest=self.as_of)

    # --- activities -----------------------------------------------------------------
    def action_add_activity(self) -> None:
        if self.record is None or not writes_allowed(self, self.book):
            return  # no form to fill on a read-only book

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._edit(_("Logged a {kind}").format(kind=said(KIND_WORDS, values["kind"])), store.add_activity, self.customer_id, values["date"],
                           values["kind"], values["outcome"], values["note"])

        self._ask(
            FormScreen(
                _("Log an activity with {name}").format(name=self.record.name),
                [
                    Field("kind", _("Kind"), said(KIND_WORDS, "visit"), parse_kind, _("visit / call / mail"),
                          _("visit, call or mail")),
                    Field("date", _("Date"), self.as_of.isoformat(), self._past_date, _("YYYY-MM-DD")),
                    Field("outcome", _("Outcome"), "", lambda t: rules.clean_note(t, rules.NAME_MAX, "outcome"),
                          _("e.g. Offer requested")),
                    Field("note", _("Note"), "", rules.clean_note),
                ],
            ),
            saved,
        )

    def action_follow_up(self) -> None:
        """A dated follow-up ("call back 2027-01-12"): planned on that day, ahead of the policy."""
        if self.record is None or not writes_allowed(self, self.book):
            return
        from segtui.store import plan as plan_store

        def add(book: Book, customer_id: int, day, kind: str, note: str | None) -> store.Undo:
            item_id, _ = plan_store.add_follow_up(book, customer_id, day, kind, note)
            return store.Undo("follow-up", (("DELETE FROM plan_item WHERE id = ?", (item_id,)),))

        def saved(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            day = values["day"]  # a day off moves to the next working day when it is written
            self._edit(_("Follow-up {kind} planned for {day} (a day off: the next working day)").format(
                kind=said(KIND_WORDS, values["kind"]), day=f"{weekday(day, short=True)} {day_text(day)}"),
                       add, self.customer_id, day, values["kind"], values["note"])

        def kind(text: str) -> str:
            value = parse_kind(text)
            if value == "mail":
                raise rules.InputError(_("a follow-up is a visit or a call"))
            return value

        def required_day(text: str):
            day = rules.follow_up_day(text, self.as_of)
            if day is None:
                raise rules.InputError(_("type the day of the follow-up, YYYY-MM-DD"))
            return day

        self._ask(
            FormScreen(
                _("Follow-up with {name}").format(name=self.record.name),
                [
                    Field("day", _("On"), "", required_day, _("YYYY-MM-DD"),
                          _("planned on that day (a day off: the next)")),
                    Field("kind", _("Kind"), said(KIND_WORDS, "call"), kind, _("call / visit"), _("call or visit")),
                    Field("note", _("What"), "", lambda t: rules.clean_note(t, rules.NAME_MAX, "follow-up"),
                          _("e.g. Call back after the budget meeting")),
                ],
            ),
            saved,
        )

    # --- qualification and buying behaviour -----------------------------------------
    def action_toggle_qualification(self, which: str) -> None:
        if self.record is None:
            return
        q = self.record.qualification
        state = {"pain": q.pain if q else None, "money": q.money if q else None, "timing": q.timing if q else None}
        state[which] = rules.cycle(state[which], (None, True, False))
        was_parked = q is not None and qualification(q.pain, q.money, q.timing) == "C" and bool(q.parked_reason)
        if qualification(**state) == "C" and not was_parked:
            current = q.parked_reason if q else ""

            def saved(values: dict[str, Any] | None) -> None:
                if values is not None:
                    self._edit(_("Parked as C"), store.set_qualification, self.customer_id, self.as_of,
                               parked_reason=values["reason"], **state)

            def required(text: str) -> str:
                reason = rules.clean_note(text, field="reason")
                if not reason:
                    raise rules.InputError(_("parking as C needs a reason"))
                return reason

            self._ask(
                FormScreen(_("Need but no money: park it as C — why?"),
                           [Field("reason", _("Reason"), current or "", required, _("e.g. budget frozen until Q3"))]),
                saved,
            )
            return
        what = {"pain": N_("pain"), "money": N_("money"), "timing": N_("timing")}[which]
        self._edit(_("Qualification: {what} {answer}").format(what=_(what), answer=yes_no(state[which])),
                   store.set_qualification,
                   self.customer_id, self.as_of, parked_reason=q.parked_reason if q else None, **state)

    def _behaviour(self) -> dict[str, Any]:
        bb = self.record.buying_behaviour if self.record else None
        return {
            "focus": bb.focus if bb else None,
            "custom": bb.custom if bb else None,
            "collaborate": bb.collaborate if bb else None,
        }

    def _save_behaviour(self, state: dict[str, Any], message: str) -> None:
        self._edit(message, store.set_buying_behaviour, self.customer_id, self.as_of, **state)

    def action_cycle_focus(self) -> None:
        state = self._behaviour()
        state["focus"] = rules.cycle(state["focus"], (None, *rules.FOCUSES))
        self._save_behaviour(state, _("Focus: {focus}").format(focus=said(FOCUS_WORDS, state["focus"]) or _("unknown")))

    def action_cycle_custom(self) -> None:
        state = self._behaviour()
        state["custom"] = rules.cycle(state["custom"], (None, False, True))
        product = {None: N_("unknown"), False: N_("standard"), True: N_("custom")}[state["custom"]]
        self._save_behaviour(state, _("Product: {product}").format(product=_(product)))

    def action_cycle_collaborate(self) -> None:
        state = self._behaviour()
        state["collaborate"] = rules.cycle(state["collaborate"], (None, True, False))
        self._save_behaviour(state, _("Willing to collaborate: {answer}").format(answer=yes_no(state["collaborate"])))

    # --- competitor contracts -------------------------------------------------------
    def action_add_contract(self) -> None:
        if not writes_allowed(self, self.book):
            return  # no form to fill on a read-only book

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._edit(_("Contract with {competitor} saved").format(competitor=values["competitor"]),
                           store.add_competitor_contract,
                           self.customer_id, values["competitor"], values["ends_on"], values["note"])

        self._ask(
            FormScreen(
                _("A competitor contract"),
                [
                    Field("competitor", _("Competitor"), "", lambda t: rules.clean_name(t, "competitor")),
                    Field("ends_on", _("Ends on"), "", lambda t: rules.parse_date(t, "ends on"), _("YYYY-MM-DD")),
                    Field("note", _("Note"), "", rules.clean_note),
                ],
            ),
            saved,
        )

    def action_remove_contract(self) -> None:
        if self.record is None or not self.record.contracts:
            return
        index = min(self.query_one("#contracts", ContractList).cursor, len(self.record.contracts) - 1)
        contract = self.record.contracts[index]
        self._edit(_("Removed the contract with {competitor}").format(competitor=contract.competitor),
                   store.remove_competitor_contract, contract.id)

    # --- contacts -------------------------------------------------------------------
    def action_copy(self, what: str) -> None:
        if self.record is None or not self.record.contacts:
            return
        index = min(self.query_one("#contacts", ContactList).cursor, len(self.record.contacts) - 1)
        contact = self.record.contacts[index]
        value = records.phone_international(contact.phone, self.record.country) if what == "phone" else contact.email
        thing = _("phone") if what == "phone" else _("e-mail")
        if not value:
            self.notify(_("{name} has no {what}").format(name=contact.name, what=thing), severity="warning",
                        markup=False)
            return
        self.app.copy_to_clipboard(value)
        self.notify(_("Copied {value}").format(value=value), markup=False)
        self.query_one("#status", Static).update(Text(_("Copied {name}'s {what}: {value}").format(
            name=contact.name, what=thing, value=value)))

    def customer_commands(self):
        """This screen's edits in the command palette."""
        from textual.app import SystemCommand

        archived = self.record is not None and self.record.archived
        yield SystemCommand(_("Edit customer details"), _("Name, ids, org number, address, owner … (E)"),
                            self.action_edit_customer)
        yield SystemCommand(_("Add a note"), _("A dated note in the activity log (N)"), self.action_add_note)
        yield SystemCommand(_("New contact"), _("Name, role, phone, e-mail (n in the contacts)"),
                            self.action_add_contact)
        yield SystemCommand(_("Restore customer") if archived else _("Archive customer"),
                            _("Back on the board (X)") if archived
                            else _("Off the board, the plan and the mailing list (X)"),
                            self.action_archive)

    def _contact(self) -> store.Contact | None:
        if self.record is None or not self.record.contacts:
            return None
        index = min(self.query_one("#contacts", ContactList).cursor, len(self.record.contacts) - 1)
        return self.record.contacts[index]

    def _contact_form(self, title: str, current: store.Contact | None, saved: Callable) -> None:
        country = self.record.country if self.record else None
        where = records.region(country)
        self._ask(
            FormScreen(
                title,
                [
                    Field("name", _("Name"), current.name if current else "", lambda t: rules.clean_name(t, "name")),
                    Field("role", _("Role"), (current.role if current else None) or "",
                          lambda t: records.clean_text(t, "role"), _("e.g. Buyer")),
                    Field("phone", _("Phone"), records.phone_national(current.phone if current else None, country),
                          lambda t: records.parse_phone(t, country), _("e.g. 070-123 45 67"),
                          _("numbers without +country are read as {where}").format(where=where)),
                    Field("email", _("E-mail"), (current.email if current else None) or "", records.parse_email,
                          _("name@company.se")),
                ],
            ),
            saved,
        )

    def action_add_contact(self) -> None:
        if self.record is None or not writes_allowed(self, self.book):
            return  # no form to fill on a read-only book

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._edit(_("Added {name}").format(name=values["name"]), record_store.add_contact,
                           self.customer_id, values)

        self._contact_form(_("A new contact at {name}").format(name=self.record.name), None, saved)

    def action_edit_contact(self) -> None:
        contact = self._contact()
        if contact is None or not writes_allowed(self, self.book):
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._edit(_("Saved {name}").format(name=values["name"]), record_store.update_contact,
                           contact.id, values)

        self._contact_form(_("{contact} at {name}").format(contact=contact.name, name=self.record.name), contact,
                           saved)

    def action_remove_contact(self) -> None:
        contact = self._contact()
        if contact is not None:
            self._edit(_("Removed {name}").format(name=contact.name), record_store.remove_contact, contact.id)

    def action_primary_contact(self) -> None:
        contact = self._contact()
        if contact is not None:
            self._edit(_("{name} is the primary contact").format(name=contact.name), record_store.set_primary_contact,
                       contact.id)

    # --- the customer itself --------------------------------------------------------
    def action_edit_customer(self) -> None:
        if self.record is None or not writes_allowed(self, self.book):
            return
        r = self.record
        fields = customer_fields(tuple(f for f in record_store.MASTER_FIELDS if f in r.master), r.master)

        def check(values: dict[str, Any]) -> dict[str, str]:
            return check_master_form(values)

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._edit(_("Customer details saved"), record_store.update_customer, self.customer_id, values)

        self._ask(FormScreen(_("Details of {name}").format(name=r.name), fields, check), saved)

    def action_set_place(self) -> None:
        """Type where the customer is: a town, postcode and town, or lat,lon (empty: its town)."""
        if self.record is None or not writes_allowed(self, self.book):
            return
        r = self.record
        country = r.country

        def parse(text: str) -> str:
            from segtui.io.places import locate

            text = " ".join((text or "").split())
            if not text:
                return ""
            try:
                found = locate(text, country)
            except ValueError as error:
                raise rules.InputError(str(error)) from None
            if found is None:
                raise rules.InputError(_("not a town on the map: type the nearest bigger town, or lat,lon"))
            return text

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                message = _("Place saved") if values["place"] else _("Place taken from the town again")
                self._edit(message, store.set_place, self.customer_id, values["place"])

        current = f"{r.place[0]:.5f},{r.place[1]:.5f}" if r.place is not None and r.place_source == "typed" else ""
        self._ask(
            FormScreen(_("Where is {name}?").format(name=r.name), [
                Field("place", _("Place"), current, parse, _("a town, 114 55 Stockholm, or 59.33,18.07"),
                      _("for day routes; empty: from the customer's town")),
            ]),
            saved,
        )

    def action_add_note(self) -> None:
        if self.record is None or not writes_allowed(self, self.book):
            return

        def required(text: str) -> str:
            note = rules.clean_note(text)
            if not note:
                raise rules.InputError(_("type the note"))
            return note

        def saved(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._edit(_("Note saved"), record_store.add_note, self.customer_id, values["date"], values["text"])

        self._ask(
            FormScreen(
                _("A note on {name}").format(name=self.record.name),
                [
                    Field("text", _("Note"), "", required, _("what you learnt"), note_limit()),
                    Field("date", _("Date"), self.as_of.isoformat(), self._past_date, _("YYYY-MM-DD")),
                ],
            ),
            saved,
        )

    def action_remove_note(self) -> None:
        if self.record is None:
            return
        log = self._log(self.record)
        if not log:
            return
        entry = log[min(self.query_one("#activities", ActivityList).cursor, len(log) - 1)]
        if not isinstance(entry, store.Note):
            self.notify(_("Only notes are removed here (a visit or call is taken back in the planner)"),
                        severity="warning")
            return
        self._edit(_("Removed the note of {day}").format(day=date_text(entry.date)), record_store.remove_note,
                   entry.id)

    def action_archive(self) -> None:
        if self.record is None:
            return
        if self.record.archived:
            self._edit(_("Restored {name} to the board").format(name=self.record.name), record_store.set_archived,
                       self.customer_id, False)
        else:
            self._edit(_("Archived {name}: off the board, the plan and the mailing list").format(name=self.record.name),
                       record_store.set_archived, self.customer_id, True)


FIELD_LABELS = {
    "name": (N_("Name"), "", N_("the company's name")),
    "source_id": (N_("Customer id"), N_("e.g. K10001"), N_("its number in your ERP")),
    "org_number": (N_("Org number"), "556677-8899", N_("checked for SE, NO, DK and FI")),
    "industry": (N_("Industry"), N_("e.g. Furniture"), ""),
    "employees": (N_("Employees"), N_("e.g. 45"), N_("company size")),
    "address": (N_("Address"), "", ""),
    "postcode": (N_("Postcode"), "", ""),
    "city": (N_("City"), "", ""),
    "country": (N_("Country"), "SE", N_("two letters: SE, NO, DK, FI …")),
    "owner": (N_("Owner"), "", N_("the rep who owns the customer")),
}


def note_limit() -> str:
    return _("up to {count:,} characters").format(count=rules.NOTE_MAX)


# The words of an estimate's basis (domain/estimate.py writes it in English: it is exported as it is).
BASIS_WORDS = {
    "X (about monthly)": N_("X (about monthly)"), "Y (regular)": N_("Y (regular)"),
    "Z (now and then)": N_("Z (now and then)"), "buying for over a year": N_("buying for over a year"),
    "new in the last 12 months": N_("new in the last 12 months"),
    "every customer with revenue": N_("every customer with revenue"),
}


def estimate_basis(basis: str) -> str:
    """How an estimated budget was reached ('80th percentile of 41 peers — Wholesale, X (about monthly)'),
    in the language in use; the names of industries and regions as the book writes them."""
    import re

    text = basis.removeprefix("estimated: ")
    if language() == SOURCE:
        return text
    found = re.fullmatch(r"(\d+(?:\.\d+)?)\D* percentile of (\d+) peers — (.*?)"
                         r"(; scaled to a year from (\d+) months of orders)?"
                         r"(; raised to its own best 12 months|; raised to its own, scaled to a year)?", text)
    if found is None:
        return text
    percent, peers, words, scaled, months, raised = found.groups()
    who = ", ".join(_(BASIS_WORDS[w]) if w in BASIS_WORDS else w for w in words.split(", "))
    out = _("{percent} percentile of {count} peers — {who}").format(percent=percent, count=peers, who=who)
    if scaled:
        out += _("; scaled to a year from {months} months of orders").format(months=months)
    if raised:
        out += (_("; raised to its own best 12 months") if raised == "; raised to its own best 12 months"
                else _("; raised to its own, scaled to a year"))
    return out


def customer_fields(present: tuple[str, ...], master: dict[str, Any], new: bool = False) -> list[Field]:
    """The form fields of a customer's details (every master field the book has).
    Each field is checked on its own; the org number against the country in :func:`check_master_form`."""
    fields = []
    for name in present:
        label, placeholder, hint = (_(t) for t in FIELD_LABELS[name])
        value = master.get(name)
        if name == "org_number":
            parse: Callable[[str], Any] = lambda t: (t or "").strip() or None  # checked with the country
        elif name == "source_id" and new:
            parse = lambda t: records.clean_text(t, "customer id")  # empty: a prospect id P1, P2 … is given
        else:
            parse = (lambda n: (lambda t: record_store.check_master({n: t})[n]))(name)
        if new and name == "source_id":
            placeholder, hint = _("empty: P1, P2 … for a prospect"), _("its number in your ERP, when it has one")
        fields.append(Field(name, label, "" if value is None else str(value), parse, placeholder, hint))
    return fields


def check_master_form(values: dict[str, Any]) -> dict[str, str]:
    """The org number is checked for the country typed in the same form."""
    if values.get("org_number"):
        try:
            values["org_number"] = records.parse_org_number(values["org_number"], values.get("country"))
        except rules.InputError as error:
            return {"org_number": str(error)}
    return {}
