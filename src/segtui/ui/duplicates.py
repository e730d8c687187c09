"""Duplicates (docs/duplicates.md): the customers that look like one company, pair by
pair, side by side with what a rep needs to pick the one to keep. ``←``/``→`` choose
the side to keep, ``m`` merges after a confirmation that says what moves, ``s`` skips,
``ctrl+z`` splits the last merge made here again.

The list is read on a worker; merges and undos run on the screen's one writer thread
(:mod:`segtui.ui.writer`) through the store's ``merge_customers`` and the edit log,
and the list is read again there. The screen dismisses with True when anything was
merged or split (the board reloads then).
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
from textual.widgets import Footer, Static

from segtui.domain.duplicates import Candidate, pairs
from segtui.domain.money import money
from segtui.i18n import N_, _, day, ngettext, said
from segtui.store import duplicates as store
from segtui.store.book import Book, BookError
from segtui.store.customers import EditLog
from segtui.ui.errors import writes_allowed
from segtui.ui.rows import RowList
from segtui.ui.writer import SerialWriter

LEGEND = N_(
    "  Two customers look like one company when they have the same org number, or the same name\n"
    "  (without legal form: Acme AB = ACME Aktiebolag) in the same town. ← or → chooses the one to\n"
    "  keep, m merges the other into it after saying what moves, s skips the pair, ctrl+z splits\n"
    "  the last merge again. The rules: docs/duplicates.md."
)
WHY = {"org number": N_("same org number"), "name and town": N_("same name and town")}


class Pair(NamedTuple):
    left: store.Member
    right: store.Member
    why: tuple[str, ...]

    @property
    def key(self) -> tuple[int, int]:
        return (self.left.id, self.right.id)


class Reading(NamedTuple):
    """What the screen shows, read on a thread: the pairs and what each customer's merge would move."""

    pairs: list[Pair]
    moves: dict[int, dict[str, int]]


def read(book: Book, as_of: dt.date) -> Reading:
    found: list[Pair] = []
    for group in store.find_duplicates(book, as_of):
        members = {m.id: m for m in group.members}
        candidates = [Candidate(m.id, m.name, m.city, m.org_number) for m in group.members]
        for a, b, why in pairs(candidates):
            found.append(Pair(members[a.id], members[b.id], tuple(why)))
    ids = sorted({m.id for p in found for m in (p.left, p.right)})
    return Reading(found, store.what_moves(book, ids))


def refusal_text(error: BaseException) -> str:
    """The store's reason in the app's language."""
    return said(error)


def moves_words(moves: dict[str, int]) -> tuple[str, int]:
    """'12 orders, 2 contacts, 1 note' and how many rows that is, for what a merge moves."""
    words = {
        "order": lambda n: ngettext("1 order", "{count:,} orders", n),
        "contact": lambda n: ngettext("1 contact", "{count:,} contacts", n),
        "note": lambda n: ngettext("1 note", "{count:,} notes", n),
        "activity": lambda n: ngettext("1 visit, call or mail", "{count:,} visits, calls and mails", n),
        "assessment": lambda n: ngettext("1 estimate", "{count:,} estimates", n),
        "checklist_answer": lambda n: ngettext("1 checklist answer", "{count:,} checklist answers", n),
        "plan_item": lambda n: ngettext("1 plan item", "{count:,} plan items", n),
        "competitor_contract": lambda n: ngettext("1 competitor contract", "{count:,} competitor contracts", n),
    }
    parts = [words[t](moves[t]).format(count=moves[t]) for t in words if moves.get(t)]
    return ", ".join(parts), sum(moves.get(t, 0) for t in words)


class Confirm(ModalScreen[bool]):
    """A question with what it changes: ``y``/``enter`` yes, ``n``/``esc`` no."""

    DEFAULT_CSS = """
    Confirm { align: center middle; }
    #confirm-box { width: 84; max-width: 100%; height: auto; border: round $warning; background: $surface;
                   padding: 0 1; }
    #confirm-box > .hint { color: $text-muted; }
    """
    BINDINGS = [
        Binding("y,enter", "yes", "Yes", id="confirm.yes"),
        Binding("n,escape", "no", "No", id="confirm.no"),
    ]

    def __init__(self, question: str, lines: list[str], hint: str) -> None:
        super().__init__()
        self.question, self.lines, self.hint = question, lines, hint

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box"):
            yield Static(Text(self.question, style="bold"))
            for line in self.lines:
                yield Static(Text(line))
            yield Static(self.hint, classes="hint")

    @property
    def said(self) -> str:
        """Everything the dialog says, in one line (what a test reads)."""
        return " ".join([self.question, *self.lines, self.hint])

    def action_yes(self) -> None:
        self.dismiss(True)

    def action_no(self) -> None:
        self.dismiss(False)


def merge_question(keep: store.Member, other: store.Member, moves: dict[str, int]) -> Confirm:
    """Merge ``other`` into ``keep``? Says what moves and what becomes of the other."""
    what, count = moves_words(moves)
    if count:
        moving = ngettext("{what} moves to {name}.", "{what} move to {name}.", count).format(what=what, name=keep.name)
    else:
        moving = _("{name} has no orders, contacts or notes: only its customer id moves.").format(name=other.name)
    names = dict(other=other.name, other_id=other.source_id, keep=keep.name, keep_id=keep.source_id)
    return Confirm(
        _("Merge {other} ({other_id}) into {keep} ({keep_id})?").format(**names),
        [moving, _("{other} ({other_id}) leaves the book; an import that names {other_id} puts its orders on "
                   "{keep_id}. Fields {keep} has empty are filled from {other}; where both answered the same "
                   "question, the newer answer stays. A safety copy of the book is made first.").format(**names)],
        _("y or enter merges · n or esc cancels · ctrl+z splits them again afterwards"),
    )


def split_question(merge: store.Merge) -> Confirm:
    """Split the book's newest merge (made earlier, not on this screen) again?"""
    names = dict(other_id=merge.source_id, keep=merge.kept_name, keep_id=merge.kept_source_id,
                 day=day(dt.date.fromisoformat(merge.day)))
    return Confirm(
        _("Split {other_id} off {keep} ({keep_id}) again?").format(**names),
        [_("The book's newest merge, made {day}: {other_id} comes back with everything it had, and {keep}'s "
           "details go back to what they were before the merge. What was added to {keep} since stays with it.").format(
            **names)],
        _("y or enter splits them · n or esc cancels"),
    )


class DuplicatesScreen(Screen[bool]):
    """The pairs that look like one company: keep one side, merge the other into it, or skip."""

    DEFAULT_CSS = """
    DuplicatesScreen { layout: vertical; }
    DuplicatesScreen #dups-title { height: 1; padding: 0 1; background: $panel; text-style: bold; }
    DuplicatesScreen #dups-card { height: auto; border: round $primary-muted; border-title-style: bold;
                                  padding: 0 1; }
    DuplicatesScreen #dups-ask { height: auto; padding: 0 1; }
    DuplicatesScreen #dups-status { height: auto; padding: 0 1; color: $text-muted; }
    DuplicatesScreen #dups-list { height: 1fr; border: round $primary-muted; }
    DuplicatesScreen #dups-list:focus { border: round $accent; }
    """
    BINDINGS = [
        Binding("left,h", "keep('left')", "Keep left", id="dups.keep_left"),
        Binding("right,l", "keep('right')", "Keep right", id="dups.keep_right"),
        Binding("m,enter", "merge", "Merge", id="dups.merge"),
        Binding("s,space", "skip", "Skip", id="dups.skip"),
        Binding("ctrl+z", "undo", "Undo", id="dups.undo"),
        Binding("escape", "back", "Back", id="dups.back"),
    ]

    def __init__(self, book: Book, as_of: dt.date, today: dt.date) -> None:
        """``as_of``: the day revenue and last orders are counted to; ``today``: the merge's date."""
        super().__init__()
        self.book = book
        self.as_of = as_of
        self.today = today
        self.pairs: list[Pair] = []
        self.moves: dict[int, dict[str, int]] = {}
        self.keep_right: dict[tuple[int, int], bool] = {}  # the rep's choice per pair; else the suggestion
        self.skipped: set[tuple[int, int]] = set()
        self.edits = EditLog(book)
        self._merged: list[tuple[store.Member, store.Member]] = []  # (kept, merged), as in ``edits``
        self.writer = SerialWriter("duplicates")
        self.loaded = False
        self.split = False  # the book's newest merge, made before, was split here

    # --- layout -------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Static(_("Duplicates"), id="dups-title")
        with Vertical(id="dups-card"):
            yield Static(_("Reading the book…"), id="dups-body")
        yield Static("", id="dups-ask")
        yield Static("", id="dups-status")
        yield RowList(_("No duplicates: no two customers share an org number, or a name and town."), id="dups-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#dups-list", RowList).border_title = _("Pairs")
        self.query_one("#dups-list", RowList).focus()
        self._read()

    def on_unmount(self) -> None:
        self.writer.close()  # a merge still queued is saved all the same

    @property
    def HELP_LEGEND(self) -> str:  # noqa: N802 - the name the help screen reads
        return _(LEGEND)

    @property
    def busy(self) -> bool:
        """True while the list or a merge is on its way (tests wait on this)."""
        return self.writer.busy or not self.loaded

    @work(thread=True, exclusive=True, group="duplicates-read")
    def _read(self) -> None:
        reading = read(self.book, self.as_of)
        self.app.call_from_thread(self._loaded, reading)

    def _loaded(self, reading: Reading, select: tuple[int, int] | None = None) -> None:
        listing = self.query_one("#dups-list", RowList)
        self.pairs = reading.pairs
        self.moves = reading.moves
        self.loaded = True
        if select is not None:
            for index, pair in enumerate(self.pairs):
                if set(pair.key) == set(select):
                    listing.cursor = index
                    break
        listing.set_items(self.pairs, self._row)
        self.show()

    # --- showing ------------------------------------------------------------------
    @property
    def position(self) -> int:
        return self.query_one("#dups-list", RowList).cursor

    @property
    def current(self) -> Pair | None:
        if not self.loaded or not self.pairs:
            return None
        return self.pairs[min(self.position, len(self.pairs) - 1)]

    def kept_right(self, pair: Pair) -> bool:
        """The side to keep: the rep's choice, else the one with more orders (then revenue, then the older)."""
        chosen = self.keep_right.get(pair.key)
        if chosen is not None:
            return chosen
        left, right = pair.left, pair.right
        return (right.orders, right.revenue) > (left.orders, left.revenue)

    def sides(self, pair: Pair) -> tuple[store.Member, store.Member]:
        """(kept, merged away)."""
        return (pair.right, pair.left) if self.kept_right(pair) else (pair.left, pair.right)

    def _why(self, pair: Pair) -> str:
        return " · ".join(_(WHY.get(w, w)) for w in pair.why)

    def _row(self, pair: Pair) -> Text:
        index = self.pairs.index(pair)
        keep, other = self.sides(pair)
        text = Text(f"{index + 1:>3}  ")
        text.append(f"{keep.name[:26]:<26} {keep.source_id:<10}", style="bold")
        text.append(" ← ")
        text.append(f"{other.name[:26]:<26} {other.source_id:<10}")
        text.append(f"  {self._why(pair)}", style="dim")
        if pair.key in self.skipped:
            text.append("  " + _("skipped"), style="yellow")
        return text

    def show(self) -> None:
        title = self.query_one("#dups-title", Static)
        card = self.query_one("#dups-card")
        body = self.query_one("#dups-body", Static)
        ask = self.query_one("#dups-ask", Static)
        pair = self.current
        if pair is None:
            title.update(Text(_("Duplicates")))
            card.border_title = None
            body.update(Text(_("No duplicates: no two customers share an org number, or a name and town."),
                             style="bold green"))
            ask.update(Text(_("esc back to the board") + (_(" · ctrl+z splits the last merge again")
                                                           if len(self.edits) else ""), style="bold"))
            return
        count = len(self.pairs)
        title.update(Text(ngettext("Duplicates · 1 pair that looks like one company",
                                   "Duplicates · {count} pairs that look like one company", count).format(count=count)
                          + " · " + _("pair {n} of {count}").format(n=self.position + 1, count=count)))
        card.border_title = Text(_("Pair {n}: {why}").format(n=self.position + 1, why=self._why(pair)))
        body.update(self._card(pair))
        keep, other = self.sides(pair)
        ask.update(Text.assemble(
            (_("Keep {keep} and merge {other} into it?").format(keep=keep.source_id, other=other.source_id) + "  ",
             "bold"),
            ("←/→", "bold reverse"), " " + _("choose the one to keep") + "   ",
            ("m", "bold reverse"), " " + _("merge") + "   ",
            ("s", "bold reverse"), " " + _("skip") + "   ",
            ("↑/↓", "bold reverse"), " " + _("another pair"),
        ))

    def _card(self, pair: Pair) -> Table:
        """Both customers side by side, the kept one marked."""
        right = self.kept_right(pair)
        grid = Table.grid(padding=(0, 3))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(ratio=1)
        grid.add_column(ratio=1)
        keep_mark = Text(_("KEEP"), style="bold reverse green")
        away_mark = Text(_("merged in, then removed"), style="yellow")
        grid.add_row("", away_mark if right else keep_mark, keep_mark if right else away_mark)

        def both(value: Callable[[store.Member], str], bold: bool = False) -> tuple[Text, Text]:
            texts = []
            for member, kept in ((pair.left, not right), (pair.right, right)):
                texts.append(Text(value(member), style="bold" if bold and kept else ""))
            return texts[0], texts[1]

        moves = self.moves
        grid.add_row(_("Name"), *both(lambda m: m.name, bold=True))
        grid.add_row(_("Town"), *both(lambda m: m.city or "—"))
        grid.add_row(_("Org number"), *both(lambda m: m.org_number or "—"))
        grid.add_row(_("Customer id"), *both(lambda m: m.source_id))
        grid.add_row(_("Revenue 24 months"), *both(lambda m: money(m.revenue, m.currency)))
        grid.add_row(_("Orders"), *both(lambda m: f"{m.orders:,}".replace(",", " ")))
        grid.add_row(_("Last order"), *both(lambda m: day(dt.date.fromisoformat(m.last_order)) if m.last_order
                                            else _("none")))
        grid.add_row(_("Contacts"), *both(lambda m: str(moves.get(m.id, {}).get("contact", 0))))
        return grid

    def _say(self, message: str, style: str = "") -> None:
        self.query_one("#dups-status", Static).update(Text(message, style=style))

    # --- choosing -----------------------------------------------------------------
    def action_keep(self, side: str) -> None:
        pair = self.current
        if pair is None:
            return
        self.keep_right[pair.key] = side == "right"
        self._refresh_rows()
        self.show()

    def _refresh_rows(self) -> None:
        listing = self.query_one("#dups-list", RowList)
        listing.set_items(self.pairs, self._row)

    @on(RowList.Highlighted, "#dups-list")
    def _highlighted(self, event: RowList.Highlighted) -> None:
        if self.loaded:
            self.show()

    def action_skip(self) -> None:
        pair = self.current
        if pair is None:
            return
        self.skipped.add(pair.key)
        self._refresh_rows()
        listing = self.query_one("#dups-list", RowList)
        if self.position + 1 < len(self.pairs):
            listing.cursor = self.position + 1
            self._say(_("Skipped {left} and {right}: both stay as they are").format(
                left=pair.left.source_id, right=pair.right.source_id))
        else:
            self._say(_("Skipped {left} and {right}: that was the last pair").format(
                left=pair.left.source_id, right=pair.right.source_id))
        self.show()

    def action_back(self) -> None:
        self.dismiss(self.edits.edited or self.split)

    # --- merging ------------------------------------------------------------------
    def _submit(self, job: Callable[[], Any], done: Callable[[Any, BaseException | None], None]) -> None:
        self.writer.submit(job, lambda result, error: done(result, error) if self.is_attached else None)

    def action_merge(self) -> None:
        pair = self.current
        if pair is None:
            return
        if self.writer.busy:
            self._say(_("Still saving the last change…"))
            return
        if not writes_allowed(self, self.book):
            return
        keep, other = self.sides(pair)

        def answered(yes: bool | None) -> None:
            if yes:
                self._merge(keep, other)

        self.app.push_screen(merge_question(keep, other, self.moves.get(other.id, {})), answered)

    def _merge(self, keep: store.Member, other: store.Member) -> None:
        edits = self.edits

        def job() -> Reading:
            edits.record(store.merge_customers(self.book, keep.id, other.id, self.today))
            return read(self.book, self.as_of)

        def done(reading: Reading | None, error: BaseException | None) -> None:
            if error is not None:
                if not isinstance(error, BookError):
                    raise error
                text = refusal_text(error)
                self.notify(text, title=_("Not merged"), severity="error", markup=False, timeout=10)
                self._say(_("Not merged: {reason}").format(reason=text), "red")
                return
            self._merged.append((keep, other))
            self._loaded(reading)
            self._say(_("Merged {other} ({other_id}) into {keep} ({keep_id}) · ctrl+z splits them again").format(
                other=other.name, other_id=other.source_id, keep=keep.name, keep_id=keep.source_id), "green")

        self._say(_("Merging {other} into {keep}…").format(other=other.source_id, keep=keep.source_id))
        self._submit(job, done)

    def action_undo(self) -> None:
        """The last merge made here; with none, the book's newest merge, after asking."""
        if self.writer.busy:
            self._say(_("Still saving the last change…"))
            return
        if not self._merged:
            if not writes_allowed(self, self.book):
                return

            def found(merge: store.Merge | None, error: BaseException | None) -> None:
                if error is not None:
                    if not isinstance(error, BookError):
                        raise error
                    self.notify(said(error), severity="error", markup=False)
                elif merge is None:
                    self._say(_("Nothing to undo: this book has no merged customers"))
                else:
                    # called back from the writer: the dialog opens from the screen's own message queue
                    self.call_later(lambda: self.app.push_screen(split_question(merge),
                                                                 lambda yes: self._split(merge) if yes else None))

            self._submit(lambda: store.newest_merge(self.book), found)
            return
        edits = self.edits

        merged_away = self._merged[-1][1].source_id

        def job() -> tuple[bool, Reading]:
            refused = store.undo_refusal(self.book, merged_away)  # a sync took the merge meanwhile
            if refused is not None:
                raise refused
            undone = edits.undo() is not None
            return undone, read(self.book, self.as_of)

        def done(result: tuple[bool, Reading] | None, error: BaseException | None) -> None:
            if error is not None:
                if not isinstance(error, BookError):
                    raise error
                self.notify(_("Not undone: {reason}").format(reason=refusal_text(error)), severity="error", markup=False)
                return
            undone, reading = result
            if not undone:
                return
            keep, other = self._merged.pop()
            self._loaded(reading, select=(keep.id, other.id))
            self._say(_("Split {other} ({other_id}) off {keep} again: both are as they were before the merge").format(
                other=other.name, other_id=other.source_id, keep=keep.name), "green")

        self._submit(job, done)

    def _split(self, merge: store.Merge) -> None:
        """Split the book's newest merge again (as ``segtui duplicates BOOK --undo``)."""

        def job() -> Reading:
            store.undo_merge(self.book, merge.undo)
            return read(self.book, self.as_of)

        def done(reading: Reading | None, error: BaseException | None) -> None:
            if error is not None:
                if not isinstance(error, BookError):
                    raise error
                self.notify(_("Not undone: {reason}").format(reason=refusal_text(error)), severity="error", markup=False)
                return
            self.split = True
            back = next((p.key for p in reading.pairs if merge.source_id in (p.left.source_id, p.right.source_id)), None)
            self._loaded(reading, select=back)
            self._say(_("Split {other_id} off {keep} again: both are as they were before the merge").format(
                other_id=merge.source_id, keep=merge.kept_name), "green")

        self._submit(job, done)
