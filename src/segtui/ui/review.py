"""The review of estimated potentials (DESIGN §4 "Review", docs/review.md): the
customers whose yearly budget is only estimated, one after another, largest
headroom first. ``y`` (or enter) confirms the estimate as the rep's own, typing a
figure corrects it (a budget; a share such as ``60%`` or ``0.6`` sets the loyalty),
``s`` skips, ``Y`` confirms every estimate of the list at once (after a question
that states the count and the total); ``ctrl+z`` undoes the last confirmation,
correction or batch and goes back to that customer.

The queue is read on a worker (from the board's rows when it has them); every edit
runs on the screen's one writer thread (:mod:`segtui.ui.writer`) through the
store's functions (``confirm_estimates``, ``add_assessment``, the customer screen's
own), so the next customer is on screen at once while the edit is being saved.
The screen dismisses with True when anything was saved (the board reloads then).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, NamedTuple

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, Static

from segtui.ui.display import Shown, safe
from segtui.domain import customer as rules
from segtui.domain.money import short_amount
from segtui.domain.review import LOYALTY, ReviewItem, read_typed
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

CONFIRMED, CORRECTED, LOYALTY_SET, SKIPPED, CHANGED = "confirmed", "corrected", "loyalty", "skipped", "changed"
DONE = (CONFIRMED, CORRECTED, CHANGED)  # the customer's budget is no longer only estimated
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
    "  a share (0.6 or 60%) sets the loyalty instead, s skips it for now (it stays estimated).\n"
    "  Largest headroom first: the estimate less the last 12 months' revenue. Y confirms every\n"
    "  estimate of the list at once; ctrl+z undoes the last confirmation, correction or batch."
)


class Edit(NamedTuple):
    """One saved edit of the review, for its undo: which customers, as they were before."""

    indices: tuple[int, ...]
    outcomes: dict[int, str | None]  # each index's outcome before the edit (None: not seen)
    items: dict[int, ReviewItem]  # each index's item before the edit
    position: int  # where the review goes back to


class ConfirmAllScreen(ModalScreen[bool]):
    """The question before a batch: how many estimates and how much potential, yes or no."""

    DEFAULT_CSS = """
    ConfirmAllScreen { align: center middle; }
    ConfirmAllScreen #confirm-all-box { width: 76; max-width: 100%; height: auto; border: round $warning;
                                        background: $surface; padding: 1 2; }
    """
    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes, confirm them all", id="confirm_all.yes"),
        Binding("n,escape", "answer(False)", "No", id="confirm_all.no"),
    ]

    def __init__(self, question: Text) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-all-box"):
            yield Shown(self.question, id="confirm-all-question")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class ReviewScreen(Screen[bool]):
    """One estimated customer at a time: confirm, correct or skip."""

    AUTO_FOCUS = ""  # keys go to the screen; the figure input takes focus only when opened
    DEFAULT_CSS = """
    ReviewScreen { layout: vertical; }
    ReviewScreen #review-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    ReviewScreen #review-card { height: auto; border: round $primary-muted; border-title-style: bold;
                                padding: 0 1; }
    ReviewScreen #review-ask { height: auto; padding: 0 1; }
    ReviewScreen #review-input-row { height: auto; display: none; }
    ReviewScreen #review-input-row.open { display: block; }
    ReviewScreen #review-budget { width: 96; max-width: 100%; }
    ReviewScreen #review-error { height: auto; padding: 0 1; }
    ReviewScreen #review-status { height: 1; padding: 0 1; color: $text-muted; }
    ReviewScreen #review-space { height: 1fr; }
    """
    BINDINGS = [
        Binding("y,enter", "confirm", "Confirm", id="review.confirm"),
        Binding("c", "correct", "Correct", id="review.correct"),
        Binding("s,space", "skip", "Skip", id="review.skip"),
        Binding("Y", "confirm_all", "Confirm all", id="review.confirm_all"),
        Binding("left,p", "previous", "Previous", show=False, id="review.previous"),
        Binding("o", "open", "Open customer", id="review.open"),
        Binding("ctrl+z", "undo", "Undo", id="review.undo"),
        Binding("r", "again", "Start again", show=False, id="review.again"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self, book: Book, as_of: dt.date, segments: list[CustomerSegment] | None = None,
                 only: set[int] | None = None, confirm_all: bool = False) -> None:
        """``segments``: the book's segments on ``as_of`` when the board has them (no second read);
        ``only``: review just these customers (the board's search or filter), None: the whole book;
        ``confirm_all``: ask at once whether to confirm every estimate of the list (the palette's)."""
        super().__init__()
        self.book = book
        self.as_of = as_of
        self._segments = segments
        self.only = only
        self._ask_all = confirm_all
        self.items: list[ReviewItem] = []
        self.currency = ""
        self.estimates_on = True
        self.position = 0
        self.outcomes: dict[int, str] = {}  # index → confirmed / corrected / loyalty / skipped / changed
        self.edits = store.EditLog(book)
        self._edited: list[Edit] = []  # each edit in ``edits``, in the same order
        self.writer = SerialWriter("review")
        self.loaded = False
        self._below: tuple[int, int] | None = None  # a budget below the last 12 months, typed once
        self.saved = False  # anything saved in an earlier pass (r) or on a customer's screen

    @property
    def HELP_LEGEND(self) -> str:  # noqa: N802 - the name the help screen reads
        return _(LEGEND)

    # --- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Shown(_("Review estimated potentials"), id="review-title")
        with Vertical(id="review-card"):
            yield Shown(_("Reading the book…"), id="review-body")
        yield Shown("", id="review-ask")
        with Vertical(id="review-input-row"):
            yield Input(placeholder=_("e.g. 250 000 (a yearly budget) or 60% (a loyalty)"), id="review-budget",
                        disabled=True, select_on_focus=False)
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
        self._edited = []
        self.saved = self.saved or self.edits.edited
        self.edits = store.EditLog(self.book)  # one pass, one undo history
        self.loaded = True
        self.show()
        if self._ask_all:
            self._ask_all = False
            self.action_confirm_all()

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
        if done.count(LOYALTY_SET):
            parts.append(_("{count} with your loyalty").format(count=done.count(LOYALTY_SET)))
        if done.count(CHANGED):
            parts.append(_("{count} changed on their screen").format(count=done.count(CHANGED)))
        return " · ".join(parts)

    @property
    def _title(self) -> str:
        if self.only is not None:
            return _("Review estimated potentials · the board's search and filter")
        return _("Review estimated potentials")

    def show(self) -> None:
        title = self.query_one("#review-title", Static)
        card = self.query_one("#review-card")
        body = self.query_one("#review-body", Static)
        ask = self.query_one("#review-ask", Static)
        item = self.current
        if item is None:
            title.update(Text(_("{title} · {done} of {count} done").format(
                title=self._title, done=len(self.items), count=len(self.items)) if self.items else self._title))
            card.border_title = None
            body.update(self._end_text())
            words = _("esc back to the board")
            if SKIPPED in self.outcomes.values():
                words += " · " + _("r go through the skipped ones again")
            ask.update(Text(words, style="bold"))
            self._close_input()
            return
        title.update(Text(_("{title} · {number} of {count} · {counts}").format(
            title=self._title, number=self.position + 1, count=len(self.items), counts=self._counts())))
        if item.name != item.source_id:
            name = item.name
        else:
            name = _("Customer {id}").format(id=item.name)
        if item.city:
            name += f" · {item.city}"
        if item.name != item.source_id:
            name += " · " + _("customer id {id}").format(id=item.source_id)
        card.border_title = safe(Text(name))
        body.update(self._card(item))
        outcome = self.outcomes.get(self.position)
        if outcome == CONFIRMED:
            ask.update(Text(_("Already confirmed in this review — ctrl+z takes it back · s next customer"),
                            style="bold"))
        elif outcome == CORRECTED:
            ask.update(Text(_("Already corrected in this review — ctrl+z takes it back · s next customer"),
                            style="bold"))
        else:
            ask.update(Text.assemble(
                (_("Is {amount} a year right?").format(amount=self._money(item.budget)) + "  ", "bold"),
                ("y", "bold reverse"), " " + _("yes, confirm") + "   ",
                ("0–9", "bold reverse"), " " + _("your budget, or 60% your loyalty") + "   ",
                ("s", "bold reverse"), " " + _("skip") + "   ",
                ("Y", "bold reverse"), " " + _("confirm all") + "   ",
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
        if item.answered:
            checklist = _("{answered} of 7 answered · {up} point to more potential").format(
                answered=item.answered, up=item.pointing_up)
        else:
            checklist = _("not answered yet (o opens the customer, tab 2)")
        grid.add_row(_("Checklist"), Text(checklist))
        grid.add_row("", "")
        estimate = Text.assemble((_("{amount} a year").format(amount=money(item.budget)), "bold yellow"))
        if item.potential_class:
            estimate.append("   " + _("potential class {grade}").format(grade=item.potential_class))
        if item.upgrade_candidate:
            estimate.append(" " + _("(upgrade candidate {now}→{could})").format(
                now=item.revenue_class, could=item.potential_class), style="bold")
        grid.add_row(_("Estimated"), estimate)
        grid.add_row("  " + _("from"), safe(Text(estimate_basis(item.basis))))  # names the peers' city
        headroom = Text(_("{amount} a year above the last 12 months").format(amount=money(item.headroom)))
        if item.loyalty is not None:
            headroom.append(" · " + _("loyalty {share}").format(share=rules.share(item.loyalty)))
            if self.outcomes.get(self.position) == LOYALTY_SET:
                headroom.append(" " + _("(yours)"), style="bold")
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
                text.append("\n\n" + _("Estimates are off in this book (setting potential.estimate), so no potential "
                                       "is only estimated. Turn them on with , (settings) to get one for every "
                                       "customer with orders."))
            elif self.only is not None:
                text.append("\n\n" + _("None of the customers the board's search and filter show has a potential "
                                       "only estimated. Clear them on the board to review the whole book."))
            else:
                text.append("\n\n" + _("No customer's potential is only estimated: every budget is your own or "
                                       "imported, or there is nothing to estimate it from (those wait in Needs "
                                       "assessment)."))
            return text
        text.append("\n\n" + ngettext("1 customer: {counts}.", "{count} customers: {counts}.", len(self.items)).format(
            count=len(self.items), counts=self._counts()))
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

    def _mark(self, indices: tuple[int, ...], outcome: str) -> Edit:
        """Set the outcome of ``indices``; the edit as it was before, for its undo."""
        edit = Edit(indices, {i: self.outcomes.get(i) for i in indices}, {i: self.items[i] for i in indices},
                    self.position)
        for i in indices:
            self.outcomes[i] = outcome
        return edit

    def _restore(self, edit: Edit) -> None:
        for i in edit.indices:
            before = edit.outcomes[i]
            if before is None:
                self.outcomes.pop(i, None)
            else:
                self.outcomes[i] = before
            self.items[i] = edit.items[i]

    def _save(self, index: int, outcome: str, change: Callable[[], store.Undo | None], message: str,
              placed: bool = False) -> None:
        """Run ``change`` on the writer; the next customer is shown at once. ``placed``: say where
        the customer now stands (read again after the edit)."""
        item = self.items[index]
        edits = self.edits
        edit = self._mark((index,), outcome)

        def job() -> tuple[bool, CustomerSegment | None]:
            undo = change()
            if undo is None:
                return False, None
            edits.record(undo)
            if not placed:
                return True, None
            try:
                return True, customer_now(self.book, item.customer_id, self.as_of)
            except Exception:  # noqa: BLE001 - saved; only where it now stands is not said
                return True, None

        def done(result: tuple[bool, CustomerSegment | None] | None, error: BaseException | None) -> None:
            if error is not None or result is None or not result[0]:
                self._restore(edit)
                if error is not None:
                    self.notify(_("Not saved: {error}").format(error=error), severity="error", markup=False,
                                timeout=6)
                    self._say(_("Not saved: {error} — {name} is still estimated").format(error=error, name=item.name),
                              "red")
                else:
                    self.outcomes[index] = CHANGED
                    self._say(_("{name} has a budget of its own by now: nothing to confirm").format(name=item.name))
                if error is not None and self.position > index:
                    self.position = index
                self.show()
                return
            self._edited.append(edit)
            now = result[1]
            where = ""
            if now is not None:
                where = " · " + _("now {quadrant}").format(quadrant=now.segment.quadrant.label)
                if outcome == LOYALTY_SET:
                    self.items[index] = self.items[index]._replace(loyalty=now.segment.loyalty,
                                                                   quadrant=now.segment.quadrant)
            self._say(message + where + " · " + _("ctrl+z undoes"))

        self._submit(job, done)
        self._advance()

    def _confirm_one(self, item: ReviewItem) -> store.Undo | None:
        undo, confirmed, _total = store.confirm_estimates(self.book, [(item.customer_id, item.budget, item.basis)],
                                                          self.as_of)
        return undo if confirmed else None

    def action_confirm(self) -> None:
        item = self.current
        if self._input_open() or item is None:
            return
        if self.outcomes.get(self.position) in (CONFIRMED, CORRECTED):
            self._advance()
            return
        if not writes_allowed(self, self.book):
            return
        self._save(self.position, CONFIRMED, lambda: self._confirm_one(item),
                   _("Confirmed: {name} — {amount} a year is now your budget").format(
                       name=item.name, amount=self._money(item.budget)))

    # --- every estimate of the list at once ----------------------------------------
    def _unconfirmed(self) -> list[int]:
        """The indices of the list whose budget is still only estimated (skipped ones too)."""
        return [i for i in range(len(self.items)) if self.outcomes.get(i) not in DONE]

    def action_confirm_all(self) -> None:
        """Ask, then confirm every estimate still open in the list as the rep's own, in one transaction."""
        if self._input_open() or not self.loaded:
            return
        indices = self._unconfirmed()
        if not indices:
            self._say(_("Nothing left to confirm in this review"))
            return
        if not writes_allowed(self, self.book):
            return
        total = sum(self.items[i].budget for i in indices)
        amount = short_amount(total, self.currency)
        question = Text()
        question.append(ngettext("Confirm 1 estimate, {amount} of potential, as your own?",
                                 "Confirm {count} estimates, {amount} of potential, as your own?",
                                 len(indices)).format(count=len(indices), amount=amount), style="bold")
        where = (_("Every customer of this review: the board's search and filter.") if self.only is not None
                 else _("Every customer of this review whose potential is only estimated."))
        question.append("\n\n" + where + " " + _("Each gets a dated assessment of its estimate, as y gives one; "
                                                  "ctrl+z on the review takes them all back."))
        question.append("\n\n")
        question.append("y", style="bold reverse")
        question.append(" " + _("yes, confirm them all") + "   ")
        question.append("n", style="bold reverse")
        question.append(" " + _("no"))
        self.app.push_screen(ConfirmAllScreen(question), lambda yes: self._confirm_all(indices) if yes else None)

    def _confirm_all(self, indices: list[int]) -> None:
        edits = self.edits
        rows = [(self.items[i].customer_id, self.items[i].budget, self.items[i].basis) for i in indices]
        edit = self._mark(tuple(indices), CONFIRMED)
        self.position = len(self.items)
        self.show()
        self._say(ngettext("Confirming 1 estimate…", "Confirming {count} estimates…", len(rows)).format(
            count=len(rows)))

        def job() -> tuple[list[int], int]:
            undo, confirmed, total = store.confirm_estimates(self.book, rows, self.as_of)
            if confirmed:
                edits.record(undo)
            return confirmed, total

        def done(result: tuple[list[int], int] | None, error: BaseException | None) -> None:
            if error is not None or result is None:
                self._restore(edit)
                self.position = edit.position
                self.show()
                self.notify(_("Not saved: {error}").format(error=error), severity="error", markup=False, timeout=6)
                self._say(_("Not saved: {error} — nothing was confirmed").format(error=error), "red")
                return
            confirmed, total = result
            kept = set(confirmed)
            left_out = [i for i in indices if self.items[i].customer_id not in kept]
            for i in left_out:
                self.outcomes[i] = CHANGED  # a budget of its own by now
            if confirmed:
                self._edited.append(edit._replace(indices=tuple(i for i in indices if i not in left_out)))
            self.show()
            message = ngettext("Confirmed 1 estimate, {amount} of potential, as your own",
                               "Confirmed {count} estimates, {amount} of potential, as your own",
                               len(confirmed)).format(count=len(confirmed), amount=short_amount(total, self.currency))
            if left_out:
                message += " · " + ngettext("1 left out: it has a budget of its own by now",
                                            "{count} left out: they have a budget of their own by now",
                                            len(left_out)).format(count=len(left_out))
            self._say(message + (" · " + _("ctrl+z takes them all back") if confirmed else ""))

        self._submit(job, done)

    # --- typing a budget or a loyalty ----------------------------------------------
    def action_correct(self, first: str = "") -> None:
        """Open the small input for the rep's own yearly budget or loyalty (``first``: the key typed)."""
        if self.current is None or self.outcomes.get(self.position) in (CONFIRMED, CORRECTED):
            return
        if not writes_allowed(self, self.book):
            return
        row = self.query_one("#review-input-row")
        box = self.query_one("#review-budget", Input)
        box.border_title = safe(Text(_("Your yearly budget for {name} ({currency}, whole units), or a loyalty (0.6 or "
                                       "60%)").format(name=self.current.name, currency=self.currency)))
        row.add_class("open")
        box.disabled = False
        box.value = first
        box.cursor_position = len(first)
        self._hint(first)
        box.focus()

    def _hint(self, text: str) -> None:
        """Under the input: what enter would set with what is typed (the budget or the loyalty)."""
        error = self.query_one("#review-error", Static)
        try:
            typed = read_typed(text)
        except rules.InputError:
            typed = None
        if typed is None:
            error.update(Text(_("a figure sets the yearly budget (1 000 and 1,000 are a thousand), a share the "
                                "loyalty (60%, or 0.6: a decimal from 0 to 1) · enter saves · esc cancels"),
                              style="dim"))
        elif typed.kind == LOYALTY:
            error.update(Text.assemble(
                (_("enter sets the loyalty: {share} of what they buy is with us").format(
                    share=rules.share(typed.value)), "bold"),
                " " + _("(the budget stays estimated)") + " · " + _("esc cancels")))
        else:
            error.update(Text.assemble(
                (_("enter sets the yearly budget: {amount}").format(amount=self._money(typed.value)), "bold"),
                " · " + _("esc cancels")))

    @on(Input.Changed, "#review-budget")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        if self._input_open():
            self._hint(event.value)

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
            typed = read_typed(event.value)
        except rules.InputError as problem:
            error.update(Text(_("{problem} — esc cancels").format(problem=problem), style="red"))
            return
        if typed is None:
            error.update(Text(_("Type their yearly budget (e.g. 250 000) or a loyalty (60%), or esc to cancel"),
                              style="red"))
            return
        if typed.kind == LOYALTY:
            self._close_input()
            share = float(typed.value)
            self._save(self.position, LOYALTY_SET,
                       lambda: store.add_assessment(self.book, item.customer_id, self.as_of, None, share,
                                                    note=_("loyalty set in the review")),
                       _("Loyalty set: {name} — {share} of what they buy is with us (the budget stays "
                         "estimated)").format(name=item.name, share=rules.share(share)),
                       placed=True)
            return
        budget = int(typed.value)
        if budget < item.revenue_12m and self._below != (item.customer_id, budget):
            self._below = (item.customer_id, budget)
            error.update(Text(_("{amount} is less than they bought in the last 12 months ({revenue}) — enter again "
                                "to save it anyway, or fix it").format(
                                    amount=self._money(budget), revenue=self._money(item.revenue_12m)),
                              style="yellow"))
            return
        self._close_input()
        estimated = self._money(item.budget)
        self._save(self.position, CORRECTED,
                   lambda: store.add_assessment(self.book, item.customer_id, self.as_of, budget, None,
                                                note=_("set in the review; the estimate was {amount} ({basis})").format(
                                                    amount=estimated, basis=estimate_basis(item.basis))),
                   _("Corrected: {name} — {amount} a year is now your budget").format(
                       name=item.name, amount=self._money(budget)),
                   placed=True)

    def on_key(self, event) -> None:
        """A digit (or a decimal point) typed on the card starts a correction with it."""
        if (event.character and (event.character.isdigit() or event.character in ".,")
                and not self._input_open() and self.current is not None):
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
            if undone is None or not self._edited:
                self._say(_("Nothing to undo in this review"))
                return
            edit = self._edited.pop()
            outcome = self.outcomes.get(edit.indices[0])
            self._restore(edit)
            self.position = edit.indices[0] if len(edit.indices) == 1 else edit.position
            self.show()
            if len(edit.indices) > 1:
                self._say(ngettext("Undone: the confirmation of 1 estimate — its potential is estimated again",
                                   "Undone: the confirmation of {count} estimates — their potential is estimated "
                                   "again", len(edit.indices)).format(count=len(edit.indices)))
                return
            name = self.items[edit.indices[0]].name
            if outcome == LOYALTY_SET:
                self._say(_("Undone: the loyalty of {name} — it is computed from the estimate again").format(name=name))
            elif outcome == CORRECTED:
                self._say(_("Undone: the correction of {name} — its potential is estimated again").format(name=name))
            else:
                self._say(_("Undone: the confirmation of {name} — its potential is estimated again").format(name=name))

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
                self.items[index] = item._replace(quadrant=now.segment.quadrant, loyalty=now.segment.loyalty)
                self.show()

        self._submit(lambda: customer_now(self.book, item.customer_id, self.as_of), done)


def _order_day(iso: str) -> str:
    """The last order's day as the language writes days ('2026-11-02' stays as it is when it is not a day)."""
    try:
        return day_text(dt.date.fromisoformat(iso))
    except ValueError:
        return iso
