"""The review of estimated potentials (DESIGN §4 "Review", docs/review.md): the
customers whose yearly budget is only estimated, one after another, largest
headroom first. ``y`` (or enter) confirms the estimate as the rep's own, typing a
number corrects it, ``s`` skips; ``ctrl+z`` undoes the last confirmation or
correction and goes back to that customer.

The queue is read on a worker (from the board's rows when it has them); every edit
runs on the screen's one writer thread (:mod:`segtui.ui.writer`) through the
customer screen's own store functions (``confirm_estimate``, ``add_assessment``),
so the next customer is on screen at once while the edit is being saved.
The screen dismisses with True when anything was saved (the board reloads then).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from segtui.ui.display import Shown, safe
from segtui.domain import customer as rules
from segtui.domain.review import ReviewItem
from segtui.domain.segments import QUADRANT_STRATEGY, Quadrant
from segtui.i18n import N_, _, ngettext
from segtui.i18n import day as day_text
from segtui.store import customers as store
from segtui.store.book import Book
from segtui.store.review import ReviewQueue, customer_now, review_queue
from segtui.store.segments import CustomerSegment
from segtui.ui.customer import estimate_basis
from segtui.ui.errors import writes_allowed
from segtui.ui.writer import SerialWriter

CONFIRMED, CORRECTED, SKIPPED, CHANGED = "confirmed", "corrected", "skipped", "changed"
QUADRANT_STYLE = {
    Quadrant.CASH_COWS: "bold green",
    Quadrant.BIG_GAME: "bold red",
    Quadrant.SMALL_FRY: "bold blue",
    Quadrant.UNINTERESTING: "bold",
    Quadrant.NEEDS_ASSESSMENT: "bold yellow",
}

LEGEND = N_(
    "  Each customer's yearly budget was estimated from similar customers (its peers). Judge it:\n"
    "  y or enter confirms it as your own budget, typing a number (whole units) sets yours instead,\n"
    "  s skips it for now (it stays estimated). Largest headroom first: the estimate less the last\n"
    "  12 months' revenue. ctrl+z undoes the last confirmation or correction."
)


class ReviewScreen(Screen[bool]):
    """One estimated customer at a time: confirm, correct or skip."""

    AUTO_FOCUS = ""  # keys go to the screen; the budget input takes focus only when opened

    @property
    def HELP_LEGEND(self) -> str:  # noqa: N802 - the help screen reads a screen's HELP_LEGEND
        return _(LEGEND)

    DEFAULT_CSS = """
    ReviewScreen { layout: vertical; }
    ReviewScreen #review-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    ReviewScreen #review-card { height: auto; border: round $primary-muted; border-title-style: bold;
                                padding: 0 1; }
    ReviewScreen #review-ask { height: auto; padding: 0 1; }
    ReviewScreen #review-input-row { height: auto; display: none; }
    ReviewScreen #review-input-row.open { display: block; }
    ReviewScreen #review-budget { width: 72; max-width: 100%; }
    ReviewScreen #review-error { height: auto; padding: 0 1; color: $error; }
    ReviewScreen #review-status { height: 1; padding: 0 1; color: $text-muted; }
    ReviewScreen #review-space { height: 1fr; }
    """
    BINDINGS = [
        Binding("y,enter", "confirm", "Confirm", id="review.confirm"),
        Binding("c", "correct", "Correct", id="review.correct"),
        Binding("s,space", "skip", "Skip", id="review.skip"),
        Binding("left,p", "previous", "Previous", show=False, id="review.previous"),
        Binding("o", "open", "Open customer", id="review.open"),
        Binding("ctrl+z", "undo", "Undo", id="review.undo"),
        Binding("r", "again", "Start again", show=False, id="review.again"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self, book: Book, as_of: dt.date, segments: list[CustomerSegment] | None = None,
                 only: set[int] | None = None) -> None:
        """``segments``: the book's segments on ``as_of`` when the board has them (no second read);
        ``only``: review just these customers (the board's search or filter), None: the whole book."""
        super().__init__()
        self.book = book
        self.as_of = as_of
        self._segments = segments
        self.only = only
        self.items: list[ReviewItem] = []
        self.currency = ""
        self.estimates_on = True
        self.position = 0
        self.outcomes: dict[int, str] = {}  # index → confirmed / corrected / skipped / changed
        self.edits = store.EditLog(book)
        self._edited_at: list[int] = []  # the index of each edit in ``edits``, in the same order
        self.writer = SerialWriter("review")
        self.loaded = False
        self._below: tuple[int, int] | None = None  # a budget below the last 12 months, typed once
        self.saved = False  # anything saved in an earlier pass (r) or on a customer's screen

    # --- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Shown(_("Review estimated potentials"), id="review-title")
        with Vertical(id="review-card"):
            yield Shown(_("Reading the book…"), id="review-body")
        yield Shown("", id="review-ask")
        with Vertical(id="review-input-row"):
            yield Input(placeholder=_("e.g. 250 000"), id="review-budget", disabled=True,
                        select_on_focus=False)
            yield Shown("", id="review-error")
        yield Shown("", id="review-status")
        yield Shown("", id="review-space")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._read(self.only)

    def on_unmount(self) -> None:
        self.writer.close()  # edits still queued are saved all the same

    @property
    def busy(self) -> bool:
        """True while the queue or an edit is on its way (tests wait on this)."""
        return self.writer.busy or not self.loaded

    @work(thread=True, exclusive=True, group="review-read")
    def _read(self, keep: set[int] | None = None) -> None:
        queue = review_queue(self.book, self.as_of, self._segments)
        self._segments = None  # the board's rows are the first reading only
        self.app.call_from_thread(self._loaded, queue, keep)

    def _loaded(self, queue: ReviewQueue, keep: set[int] | None) -> None:
        items = queue.items
        if keep is not None:
            items = [i for i in items if i.customer_id in keep]
        self.items = items
        self.currency = queue.currency
        self.estimates_on = queue.estimates_on
        self.position = 0
        self.outcomes = {}
        self._edited_at = []
        self.saved = self.saved or self.edits.edited
        self.edits = store.EditLog(self.book)  # one pass, one undo history
        self.loaded = True
        self.show()

    # --- showing ------------------------------------------------------------------
    @property
    def current(self) -> ReviewItem | None:
        return self.items[self.position] if self.loaded and self.position < len(self.items) else None

    def _money(self, minor: int) -> str:
        return rules.money(minor, self.currency)

    def _counts(self) -> str:
        done = list(self.outcomes.values())
        parts = [_("{count} confirmed").format(count=done.count(CONFIRMED)),
                 _("{count} corrected").format(count=done.count(CORRECTED)),
                 _("{count} skipped").format(count=done.count(SKIPPED))]
        if done.count(CHANGED):
            parts.append(_("{count} changed on their screen").format(count=done.count(CHANGED)))
        return " · ".join(parts)

    @property
    def _title(self) -> str:
        return _("Review estimated potentials") + (_(" · the board's search and filter") if self.only is not None
                                                    else "")

    def show(self) -> None:
        title = self.query_one("#review-title", Static)
        card = self.query_one("#review-card")
        body = self.query_one("#review-body", Static)
        ask = self.query_one("#review-ask", Static)
        item = self.current
        if item is None:
            title.update(Text(self._title + " · " + _("{done} of {count} done").format(
                done=len(self.items), count=len(self.items)) if self.items else self._title))
            card.border_title = None
            body.update(self._end_text())
            ask.update(Text(_("esc back to the board") + (_(" · r go through the skipped ones again")
                                                           if SKIPPED in self.outcomes.values() else ""),
                            style="bold"))
            self._close_input()
            return
        title.update(Text(self._title + " · " + _("{position} of {count}").format(
            position=self.position + 1, count=len(self.items)) + " · " + self._counts()))
        name = item.name if item.name != item.source_id else _("Customer {name}").format(name=item.name)
        card.border_title = safe(Text(name + (f" · {item.city}" if item.city else "")
                                      + (" · " + _("customer id {id}").format(id=item.source_id)
                                         if item.name != item.source_id else "")))
        body.update(self._card(item))
        outcome = self.outcomes.get(self.position)
        if outcome in (CONFIRMED, CORRECTED):
            already = (_("Already confirmed in this review — ctrl+z takes it back · s next customer")
                       if outcome == CONFIRMED else
                       _("Already corrected in this review — ctrl+z takes it back · s next customer"))
            ask.update(Text(already, style="bold"))
        else:
            ask.update(Text.assemble(
                (_("Is {budget} a year right?").format(budget=self._money(item.budget)) + "  ", "bold"),
                ("y", "bold reverse"), " " + _("yes, confirm") + "   ",
                ("0–9", "bold reverse"), " " + _("type your figure") + "   ",
                ("s", "bold reverse"), " " + _("skip") + "   ",
                ("o", "bold reverse"), " " + _("open the customer"),
            ))

    def _card(self, item: ReviewItem) -> Table:
        """What a rep needs to judge the estimate, a label and its line per row."""
        money = self._money
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        revenue = Text.assemble(_("last 12 months") + " ", (money(item.revenue_12m), "bold"),
                                "   " + _("last 24 months") + " ", (money(item.revenue_window), "bold"),
                                "   " + _("revenue class") + " ", (item.revenue_class, "bold"))
        grid.add_row(_("Revenue"), revenue)
        orders = [_("{count} in 24 months").format(count=item.orders)]
        if item.xyz:
            orders.append(f"XYZ {item.xyz}")
        if item.group is not None:
            orders.append(item.group.label)
        if item.last_order:
            orders.append(_("last order {day}").format(day=_order_day(item.last_order)))
        grid.add_row(_("Orders"), Text(" · ".join(orders)))
        grid.add_row(_("Checklist"), Text(
            _("{answered} of 7 answered · {up} point to more potential").format(answered=item.answered,
                                                                                up=item.pointing_up)
            if item.answered else _("not answered yet (o opens the customer, tab 2)")))
        grid.add_row("", "")
        estimate = Text.assemble((_("{budget} a year").format(budget=money(item.budget)), "bold yellow"))
        if item.potential_class:
            estimate.append("   " + _("potential class {klass}").format(klass=item.potential_class))
        if item.upgrade_candidate:
            estimate.append(" (" + _("upgrade candidate {now}→{then}").format(now=item.revenue_class,
                                                                            then=item.potential_class) + ")",
                            style="bold")
        grid.add_row(_("Estimated"), estimate)
        grid.add_row("  " + _("from"), safe(Text(estimate_basis(item.basis))))  # names the peers' city
        headroom = Text(_("{amount} a year above the last 12 months").format(amount=money(item.headroom)))
        if item.loyalty is not None:
            headroom.append(" · " + _("loyalty {loyalty}").format(loyalty=rules.share(item.loyalty)))
        grid.add_row("  " + _("headroom"), headroom)
        grid.add_row("", "")
        grid.add_row(_("Puts them in"), Text.assemble(
            (item.quadrant.label, QUADRANT_STYLE.get(item.quadrant, "bold")),
            f" — {_(QUADRANT_STRATEGY[item.quadrant])}"))
        return grid

    def _end_text(self) -> Text:
        text = Text()
        text.append(_("All estimates reviewed"), style="bold green")
        if not self.items:
            if not self.estimates_on:
                text.append("\n\n" + _("Estimates are off in this book (setting potential.estimate), so no "
                                        "potential is only estimated. Turn them on with , (settings) to get one "
                                        "for every customer with orders."))
            elif self.only is not None:
                text.append("\n\n" + _("None of the customers the board's search and filter show has a "
                                        "potential only estimated. Clear them on the board to review the whole "
                                        "book."))
            else:
                text.append("\n\n" + _("No customer's potential is only estimated: every budget is your own or "
                                        "imported, or there is nothing to estimate it from (those wait in Needs "
                                        "assessment)."))
            return text
        text.append("\n\n" + ngettext("1 customer: {counts}.", "{count} customers: {counts}.",
                                       len(self.items)).format(count=len(self.items), counts=self._counts()))
        if SKIPPED in self.outcomes.values():
            text.append("\n" + _("The skipped ones stay estimated on the board (~ before their loyalty); "
                                 "r goes through them again."))
        if self.saved or self.edits.edited:
            text.append("\n" + _("The board shows the confirmed and corrected budgets as your own."))
        return text

    def _say(self, message: str, style: str = "") -> None:
        self.query_one("#review-status", Static).update(Text(message, style=style))

    # --- moving -------------------------------------------------------------------
    def _advance(self) -> None:
        self.position = min(self.position + 1, len(self.items))
        self.show()

    def action_skip(self) -> None:
        if self._input_open() or self.current is None:
            return
        self.outcomes.setdefault(self.position, SKIPPED)
        self._advance()

    def action_previous(self) -> None:
        if self._input_open() or not self.loaded or self.position == 0:
            return
        self.position -= 1
        self.show()

    def action_again(self) -> None:
        """Once through: go through the skipped customers again (read afresh from the book)."""
        if self.current is not None or not self.loaded:
            return
        skipped = {self.items[i].customer_id for i, o in self.outcomes.items() if o == SKIPPED}
        if not skipped:
            return
        self.loaded = False
        self._read(skipped)

    def action_back(self) -> None:
        if self._input_open():
            self._close_input()
            return
        self.dismiss(self.saved or self.edits.edited)

    # --- editing ------------------------------------------------------------------
    def _submit(self, job: Callable[[], Any], done: Callable[[Any, BaseException | None], None]) -> None:
        self.writer.submit(job, lambda result, error: done(result, error) if self.is_attached else None)

    def _save(self, index: int, outcome: str, change: Callable[[], store.Undo], message: str) -> None:
        """Run ``change`` on the writer; the next customer is shown at once."""
        item = self.items[index]
        edits = self.edits
        self.outcomes[index] = outcome

        def job() -> CustomerSegment | None:
            edits.record(change())
            try:
                return customer_now(self.book, item.customer_id, self.as_of)
            except Exception:  # noqa: BLE001 - saved; only where it now stands is not said
                return None

        def done(now: CustomerSegment | None, error: BaseException | None) -> None:
            if error is not None:
                self.outcomes.pop(index, None)
                self.notify(_("Not saved: {error}").format(error=error), severity="error", markup=False, timeout=6)
                self._say(_("Not saved: {error} — {name} is still estimated").format(error=error, name=item.name),
                          "red")
                if self.position > index:
                    self.position = index
                self.show()
                return
            self._edited_at.append(index)
            placed = (" · " + _("now {quadrant}").format(quadrant=now.segment.quadrant.label)
                      if now is not None and outcome == CORRECTED else "")
            self._say(message + placed + _(" · ctrl+z undoes"))

        self._submit(job, done)
        self._advance()

    def action_confirm(self) -> None:
        item = self.current
        if self._input_open() or item is None:
            return
        if self.outcomes.get(self.position) in (CONFIRMED, CORRECTED):
            self._advance()
            return
        if not writes_allowed(self, self.book):
            return
        self._save(self.position, CONFIRMED,
                   lambda: store.confirm_estimate(self.book, item.customer_id, self.as_of),
                   _("Confirmed: {name} — {budget} a year is now your budget").format(
                       name=item.name, budget=self._money(item.budget)))

    def action_correct(self, first: str = "") -> None:
        """Open the small input for the rep's own yearly budget (``first``: the key typed)."""
        if self.current is None or self.outcomes.get(self.position) in (CONFIRMED, CORRECTED):
            return
        if not writes_allowed(self, self.book):
            return
        row = self.query_one("#review-input-row")
        box = self.query_one("#review-budget", Input)
        box.border_title = safe(Text(_("Your yearly budget for {name} ({currency}, whole units)").format(
            name=self.current.name, currency=self.currency)))
        row.add_class("open")
        box.disabled = False
        box.value = first
        box.cursor_position = len(first)
        self.query_one("#review-error", Static).update(_("enter saves · esc cancels"))
        box.focus()

    def _input_open(self) -> bool:
        return self.query_one("#review-input-row").has_class("open")

    def _close_input(self) -> None:
        row = self.query_one("#review-input-row")
        if row.has_class("open"):
            row.remove_class("open")
            box = self.query_one("#review-budget", Input)
            box.value = ""
            box.disabled = True
            self.set_focus(None)

    @on(Input.Submitted, "#review-budget")
    def _typed(self, event: Input.Submitted) -> None:
        event.stop()
        item = self.current
        if item is None:
            self._close_input()
            return
        error = self.query_one("#review-error", Static)
        try:
            budget = rules.parse_budget(event.value)
        except rules.InputError as problem:
            error.update(Text(_("{problem} — esc cancels").format(problem=problem), style="red"))
            return
        if budget is None:
            error.update(Text(_("Type their yearly budget (e.g. 250 000), or esc to cancel"), style="red"))
            return
        if budget < item.revenue_12m and self._below != (item.customer_id, budget):
            self._below = (item.customer_id, budget)
            error.update(Text(_("{budget} is less than they bought in the last 12 months ({bought}) — enter "
                                "again to save it anyway, or fix it").format(
                budget=self._money(budget), bought=self._money(item.revenue_12m)), style="yellow"))
            return
        self._close_input()
        estimated = self._money(item.budget)
        self._save(self.position, CORRECTED,
                   lambda: store.add_assessment(self.book, item.customer_id, self.as_of, budget, None,
                                                note=_("set in the review; the estimate was {estimate} ({basis})").format(
                                                    estimate=estimated, basis=estimate_basis(item.basis))),
                   _("Corrected: {name} — {budget} a year is now your budget").format(
                       name=item.name, budget=self._money(budget)))

    def on_key(self, event) -> None:
        """A digit typed on the card starts a correction with that digit."""
        if event.character and event.character.isdigit() and not self._input_open() and self.current is not None:
            event.stop()
            event.prevent_default()
            self.action_correct(event.character)

    def action_undo(self) -> None:
        if self._input_open():
            return

        def job() -> store.Undo | None:
            return self.edits.undo()

        def done(undone: store.Undo | None, error: BaseException | None) -> None:
            if error is not None:
                self.notify(_("Not undone: {error}").format(error=error), severity="error", markup=False)
                return
            if undone is None or not self._edited_at:
                self._say(_("Nothing to undo in this review"))
                return
            index = self._edited_at.pop()
            outcome = self.outcomes.pop(index, None)
            self.position = index
            self.show()
            name = self.items[index].name
            if outcome == CONFIRMED:
                said = _("Undone: the confirmation of {name} — its potential is estimated again")
            elif outcome == CORRECTED:
                said = _("Undone: the correction of {name} — its potential is estimated again")
            else:
                said = _("Undone: the edit of {name} — its potential is estimated again")
            self._say(said.format(name=name))

        self._submit(job, done)

    # --- a closer look ------------------------------------------------------------
    def action_open(self) -> None:
        """The customer's own screen (orders, checklist, history); back here with esc."""
        item = self.current
        if item is None or self._input_open():
            return
        from segtui.ui.customer import CustomerScreen

        index = self.position
        self.app.push_screen(CustomerScreen(self.book, item.customer_id, self.as_of),
                             lambda edited: self._back_from_customer(index, edited))

    def _back_from_customer(self, index: int, edited: bool | None) -> None:
        """Edited there (B, b or the checklist): read the customer again; no longer estimated, it is done."""
        if not edited:
            return
        self.saved = True  # the board reloads
        item = self.items[index]

        def done(now: CustomerSegment | None, error: BaseException | None) -> None:
            if error is not None or now is None:
                return
            estimate = now.estimate
            if estimate is None or estimate.source != "estimated":
                self.outcomes[index] = CHANGED
                if self.position == index:
                    self._advance()
                self._say(_("{name}: your budget was set on its screen").format(name=item.name))
            else:
                self.items[index] = item._replace(quadrant=now.segment.quadrant)
                self.show()

        self._submit(lambda: customer_now(self.book, item.customer_id, self.as_of), done)


def _order_day(iso: str) -> str:
    """The last order's day as the language writes days ('2026-11-02' stays as it is when it is not a day)."""
    try:
        return day_text(dt.date.fromisoformat(iso))
    except ValueError:
        return iso
