"""The weekly planner: the ISO week as day columns, the due list beside it, the
day's call list and how the week is going.

Thin by design: rows come from ``store.plan``, decisions from ``domain.planning``;
reads run in a thread worker that posts its result back, changes go through the
screen's one writer (:mod:`segtui.ui.writer`) so they land in the order they were made.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Header, Static

from segtui.ui.display import Shown, safe
from segtui.domain import customer as rules
from segtui.domain import planning, routes
from segtui.i18n import N_, _, day_month, ngettext, pgettext, said
from segtui.i18n import day as day_text
from segtui.i18n import weekday as weekday_text
from segtui.store import plan as plan_store
from segtui.store.book import Book, BookError
from segtui.ui.errors import writes_allowed
from segtui.ui.form import Field, FormScreen
from segtui.ui.names import short_name
from segtui.ui.writer import SerialWriter, write_and_reload

def segment_codes() -> dict[str, str]:
    """Each segment's two letters in the due list ('BG'), in the language in use."""
    return {
        "big_game": pgettext("segment, two letters", "BG"),
        "cash_cows": pgettext("segment, two letters", "CC"),
        "small_fry": pgettext("segment, two letters", "SF"),
        "uninteresting": pgettext("segment, two letters", "UI"),
        "needs_assessment": pgettext("segment, two letters", "NA"),
    }


def kind_letter(kind: str) -> str:
    """'V' for a visit, 'C' for a call (a language gives its own letters)."""
    return pgettext("visit, one letter", "V") if kind == "visit" else pgettext("call, one letter", "C")


def kind_word(kind: str) -> str:
    """'visit' or 'call' in the language in use (plan items store the English word)."""
    return _("visit") if kind == "visit" else _("call")


#: The days off the calendar adds to a country's public holidays (domain/days_off.py), for the catalog.
EXTRA_DAY_NAMES = (N_("Christmas Eve"), N_("New Year's Eve"), N_("day off"))


def off_text(day: dt.date, config: planning.PlanConfig) -> str | None:
    """Why ``day`` is not planned, in the language in use (None: a day to plan): a public
    holiday by its name in that language as the holidays calendar has it (else in the
    country's own language), a day off in words."""
    from segtui.i18n import SOURCE, language

    off = config.off(day)
    if off is None or language() == SOURCE:
        return off
    if off in EXTRA_DAY_NAMES:
        return _(off)
    return _local_holidays(config.country.strip().upper(), day.year, language()).get(day, off)


@functools.lru_cache(maxsize=16)
def _local_holidays(country: str, year: int, language: str) -> dict[dt.date, str]:
    import holidays

    from segtui.domain.days_off import CATEGORIES

    try:
        calendar = holidays.country_holidays(country, years=year)
        wanted = next((lang for lang in calendar.supported_languages
                       if lang == language or lang.split("_")[0] == language), None)
        return dict(holidays.country_holidays(country, years=year, language=wanted,
                                              categories=CATEGORIES.get(country, ("public",))))
    except (NotImplementedError, ValueError, KeyError):
        return {}


@dataclass
class WeekView:
    """Everything the screen shows for one week, computed in a worker."""

    monday: dt.date
    days: list[dt.date]
    items: list[plan_store.PlanItem]
    dues: list[planning.Due]
    overdue: int
    feasibility: planning.Feasibility
    follow_up: planning.FollowUp
    config: planning.PlanConfig
    routes: dict = dataclasses.field(default_factory=dict)  # day -> DayRoute: the visits in driving order
    stops: dict = dataclasses.field(default_factory=dict)  # item id -> Stop

    def day_items(self, day: dt.date) -> list[plan_store.PlanItem]:
        return [i for i in self.items if i.day == day]

    def day_places(self, day: dt.date) -> list:
        """Where the day's visits are (its area), those that are located."""
        route = self.routes.get(day)
        return [s.place for s in route.stops if s.place is not None] if route else []

    def km_from_day(self, day: dt.date, entry: planning.Due) -> float | None:
        """Straight km from the nearest of the day's visits to a due customer (None: unknown)."""
        spots = self.day_places(day)
        place = entry.customer.place
        if not spots or place is None:
            return None
        return min(routes.km(place, spot) for spot in spots)


class DayColumn(Widget):
    """One working day: its visits and calls, the selected one highlighted."""

    DEFAULT_CSS = """
    DayColumn { width: 1fr; height: 1fr; border: round $panel; padding: 0 0; }
    DayColumn.selected { border: round $accent; }
    DayColumn.today { border-title-color: $success; border-title-style: bold reverse; }
    DayColumn.past { opacity: 85%; }
    DayColumn.off { border: round $panel-darken-2; }
    """

    def __init__(self, index: int) -> None:
        super().__init__(id=f"day-{index}")
        self.index = index
        self.day: dt.date | None = None
        self.items: list[plan_store.PlanItem] = []
        self.cursor: int | None = None
        self.config: planning.PlanConfig | None = None
        self.off: str | None = None  # a public holiday's name or 'day off': never planned
        self.route = None  # the day's visits in driving order (domain/routes.DayRoute)
        self.stops: dict = {}

    def show(self, day, items, cursor, config, today, route=None, stops=None) -> None:
        self.day, self.items, self.cursor, self.config = day, items, cursor, config
        self.route, self.stops = route, stops or {}
        visits = sum(i.kind == "visit" and i.status != "skipped" for i in items)
        calls = sum(i.kind == "call" and i.status != "skipped" for i in items)
        self.off = off_text(day, config)
        self.border_title = day_month(day, narrow=True) + (f" · {self.off}" if self.off else "")
        self.set_class(self.off is not None, "off")
        over_v = "red" if visits > config.visits_per_day else "default"
        over_c = "red" if calls > config.calls_per_day else "default"
        v, c = kind_letter("visit").lower(), kind_letter("call").lower()
        self.border_subtitle = (
            f"[{over_v}]{visits}/{config.visits_per_day}{v}[/] [{over_c}]{calls}/{config.calls_per_day}{c}[/]"
        )
        if route is not None and route.stops and not self.off:  # the drive and the visits
            if route.km > 0:
                self.border_title += f" · {route.km:.0f}km"
            self.border_subtitle += f" {_hours(route.minutes)}"
        self.set_class(day == today, "today")
        self.set_class(day < today, "past")
        self.refresh()

    #: From this width on a visit's city goes on the same line as the name.
    INLINE_CITY = 40

    def _layout(self) -> tuple[bool, int]:
        """(city under each visit?, first item shown): the city takes its own row
        in a narrow column when there is height for it; a long day scrolls to keep
        the cursor in view."""
        height = max(1, self.size.height)
        inline = self.size.width >= self.INLINE_CITY
        two_rows = not inline and len(self.items) + sum(i.kind == "visit" for i in self.items) <= height
        top = 0
        if self.cursor is not None and not two_rows and self.cursor >= height:
            top = self.cursor - height + 1
        return two_rows, top

    def line_of(self, row: int) -> int | None:
        """The item on screen row ``row`` (visits take two rows when there is room)."""
        two_rows, top = self._layout()
        y = 0
        for n, item in enumerate(self.items[top:], top):
            height = 2 if item.kind == "visit" and two_rows else 1
            if y <= row < y + height:
                return n
            y += height
        return None

    def render(self) -> Text:
        width = max(4, self.size.width)
        text = Text(no_wrap=True, overflow="ellipsis")
        if not self.items:
            text.append(_("{day_off}: not planned").format(day_off=self.off) if self.off else _("nothing planned"),
                        style="dim italic")
            return text
        two_rows, top = self._layout()
        inline = width >= self.INLINE_CITY
        # a wide column: name, then where (visits) or whom to call (calls) in a second column
        name_width = min(max(len(i.name) for i in self.items), width - 3 - 2 - 16) if inline else width - 3
        for n, item in enumerate(self.items[top:], top):
            mark = {"done": "✓", "skipped": "–"}.get(item.status, "↻" if item.follow_up else "•" if item.manual else " ")
            style = {"done": "green", "skipped": "dim strike"}.get(item.status, "")
            stop = self.stops.get(item.id)
            kind = ((kind_letter("visit") if stop is None or stop.number > 9 else str(stop.number))
                    if item.kind == "visit" else kind_letter("call"))
            line = Text(f"{mark}{kind} {short_name(item.name, name_width):<{name_width}}", style=style)
            if inline:
                extra = (f"{item.city or '—'}{_leg(stop)}" if item.kind == "visit"
                         else " · ".join(p for p in (item.contact, item.phone) if p))
                line.append(f"  {extra}"[: width - len(line)], style="dim")
            line.pad_right(width - len(line))
            if n == self.cursor:
                line.stylize("reverse")
            text.append_text(line)
            text.append("\n")
            if item.kind == "visit" and two_rows:
                text.append(f"   {item.city or '—'}{_leg(stop)}"[:width] + "\n", style="dim")
        note = self._room_note()
        if note and (two_rows and len(self.items) + sum(i.kind == "visit" for i in self.items) < self.size.height
                     or not two_rows and len(self.items) < self.size.height):
            text.append(note[:width] + "\n", style="dim italic")
        text.rstrip()
        return safe(text)

    def _room_note(self) -> str:
        """Why a routed day has room left: its hours are full, or nobody else due is near."""
        config, route = self.config, self.route
        if config is None or route is None or not route.stops or self.off:
            return ""
        visits = len(route.stops)
        room = config.visits_per_day - visits
        if room <= 0:
            return ""
        if route.minutes + config.route.visit_minutes > config.route.day_minutes:
            return _("{room} free: hours full").format(room=room)
        return _("{room} free: none due ≤{km}km").format(room=room, km=f"{config.route.radius_km:g}")

    def on_click(self, event: events.Click) -> None:
        self.screen.select_item(self.index, self.line_of(event.y))


def week_text(monday: dt.date) -> str:
    """The ISO week of ``monday``: '2026-W49' in English, 'v. 49 2026' in Swedish."""
    from segtui.i18n import week

    year, number, _weekday = monday.isocalendar()
    return week(year, number)


def status_word(status: str) -> str:
    """A plan item's status in words ('done', 'skipped', 'planned'; the book stores the English)."""
    return {"done": _("done"), "skipped": _("skipped")}.get(status) or _("planned")


def decimal_text(value: float) -> str:
    """A figure with one decimal: '12.0' in English, the locale's '12,0' otherwise."""
    from segtui.i18n import SOURCE, language, locale_name

    if language() == SOURCE:
        return f"{value:.1f}"
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.0", locale=locale_name())


def week_span(monday: dt.date, end: dt.date) -> str:
    """'7 Dec – 13 Dec 2026' (Swedish '7 dec. – 13 dec. 2026')."""
    from segtui.i18n import SOURCE, language, locale_name

    if language() == SOURCE:
        return f"{monday.day} {monday:%b} – {end.day} {end:%b %Y}"
    from babel.dates import format_date

    return f"{format_date(monday, 'd MMM', locale=locale_name())} – {format_date(end, 'd MMM y', locale=locale_name())}"


def _hours(minutes: float) -> str:
    """240.5 → '4h01'."""
    whole = round(minutes)
    return _("{hours}h{minutes}").format(hours=whole // 60, minutes=f"{whole % 60:02d}")


def _leg(stop) -> str:
    """' 38km' after a visit: straight kilometres from the stop before (or from the start)."""
    return f" {stop.km:.0f}km" if stop is not None and stop.km else ""


class DueList(Widget):
    """Due and overdue customers not yet in the week — renders only the visible rows."""

    DEFAULT_CSS = """
    DueList { width: 26; height: 1fr; border: round $panel; }
    DueList.selected { border: round $accent; }
    """

    cursor: reactive[int] = reactive(0)

    def __init__(self) -> None:
        super().__init__(id="due")
        self.dues: list[planning.Due] = []
        self.top = 0
        self.active = False
        self.distance = lambda entry: None  # km from the selected day's visits
        self.near = False  # sorted nearest first: the town and the distance are shown

    def show(self, dues: list[planning.Due], overdue: int, cursor: int, active: bool,
             distance=None, near: bool = False) -> None:
        self.dues, self.active, self.near = dues, active, near
        self.distance = distance or (lambda entry: None)
        self.border_title = _("Due {count} · overdue {overdue}").format(count=len(dues), overdue=overdue) + (
            _(" · nearest") if near else "")
        self.border_subtitle = _("a: add · n: by priority") if near else _("a: add · n: nearest")
        self.set_cursor(cursor)
        self.refresh()

    def set_cursor(self, cursor: int) -> None:
        height = max(1, self.size.height - 2 if self.size.height > 2 else 20)
        self.cursor = cursor
        if cursor < self.top:
            self.top = cursor
        elif cursor >= self.top + height:
            self.top = cursor - height + 1
        self.refresh()

    def render(self) -> Text:
        width = max(10, self.size.width)
        height = max(1, self.size.height)
        text = Text(no_wrap=True, overflow="ellipsis")
        if not self.dues:
            text.append(_("nobody is due"), style="dim italic")
            return text
        self.top = max(0, min(self.top, len(self.dues) - 1))
        codes, letters = segment_codes(), {k: kind_letter(k) for k in planning.KINDS}
        late_days, now = _("+{days}d"), pgettext("due", "now")
        for n in range(self.top, min(len(self.dues), self.top + height)):
            entry = self.dues[n]
            when = (late_days.format(days=entry.days_overdue) if entry.overdue
                    else weekday_text(entry.due_on, short=True) if entry.due_on > entry.on else now)
            seg = codes[entry.customer.quadrant.value]
            kind = letters[entry.kind]
            km = self.distance(entry)
            right = f" {seg} {when:>4}"
            if self.near and width < 50:  # nearest first: where instead of the segment
                right = f" {(entry.customer.city or '—')[:9]:<9}" + (f"{km:>5.0f}km" if km is not None else " " * 7)
            elif km is not None:
                right = f" {km:>4.0f}km" + right
            if width >= 50:  # the whole width: say where
                right = f" {(entry.customer.city or '—')[:16]:<16}" + right
            name = short_name(entry.customer.name, width - len(right) - 2)
            line = Text(f"{kind} {name}".ljust(width - len(right)) + right)
            line.stylize("red" if entry.days_overdue >= (entry.interval or 1) else "yellow" if entry.overdue else "", width - len(right))
            if n == self.cursor and self.active:
                line.stylize("reverse")
            text.append_text(line)
            if n < self.top + height - 1:
                text.append("\n")
        return safe(text)

    def on_click(self, event: events.Click) -> None:
        self.screen.select_due(self.top + event.y)


class CallsBox(VerticalScroll, can_focus=False):
    """The day's calls; scrolls with the mouse but takes no focus (the screen's keys apply)."""


#: What the marks on the planner mean (shown in help, translated there).
LEGEND = N_(
    "In a day: V visit (1, 2, …: a visit's stop in driving order, with km from the stop before; the day's km "
    "and hours of driving and visits on its border) · C call · ✓ done · – skipped · ↻ a dated follow-up · • added or moved by hand "
    "(a re-plan keeps it) · "
    "4/4v 10/10c = visits and calls planned against the day's capacity.\n"
    "In the due list: BG big game · CC cash cows · SF small fry · NA needs assessment · UI uninteresting; "
    "+12d = 12 days overdue (yellow; red when more than a whole interval late), now = due today, "
    "a weekday = due later this week.\n"
    "How p chooses the week: the most urgent customers the week has room for, the most urgent earliest "
    "in the week and a day's visits near each other (route.radius_km), in driving order from route.start, "
    "within route.day; equal urgency goes to the higher revenue, then potential. A big-game customer whose competitor contract ends within "
    "contract.warn_days comes first, on a day before it ends, until it has had its visit; a customer due "
    "later in the week is not planned before its due day. A customer to assess stays due until you enter "
    "its budget (or confirm the estimate): called without one, it comes back two weeks later, behind those "
    "not yet called. A follow-up you set (o, or F on the customer) is planned on its day ahead of all that. "
    "Days off are never planned. Items you added, "
    "moved, skipped or did stay where they are."
)

#: The week shows as columns while each day gets DAY_WIDTH columns beside the due list (DUE_WIDTH);
#: narrower, it shows one day at a time. Below SHORT_HEIGHT rows the calls and follow-up fold away.
DAY_WIDTH = 18
DUE_WIDTH = 26
SHORT_HEIGHT = 30


class PlannerScreen(Screen):
    """The week's plan: Mon–Fri columns, due list, call list, follow-up."""

    TITLE = N_("Planner")
    plan_note = ""  # what the last 'p' did, shown in the title until the week changes
    DEFAULT_CSS = """
    PlannerScreen { layout: vertical; }
    #planner-title { height: 1; padding: 0 1; background: $boost; text-style: bold; }
    #feasibility { height: auto; max-height: 3; padding: 0 1; }
    #feasibility.short { color: $warning; }
    #day-strip { display: none; height: 1; padding: 0 1; }
    #main { height: 1fr; }
    #week { width: 1fr; height: 1fr; }
    #detail { height: 2; padding: 0 1; background: $boost; }
    #bottom { height: 8; }
    #calls-box { width: 1fr; height: 1fr; border: round $panel; padding: 0 1; }
    #calls { width: 1fr; height: auto; text-wrap: nowrap; text-overflow: ellipsis; }
    #followup { width: 52; height: 1fr; border: round $panel; padding: 0 1; }
    PlannerScreen.-narrow #day-strip { display: block; }
    PlannerScreen.-narrow DayColumn { display: none; }
    PlannerScreen.-narrow DayColumn.current { display: block; }
    PlannerScreen.-narrow DueList { display: none; width: 1fr; }
    PlannerScreen.-narrow.-due #week { display: none; }
    PlannerScreen.-narrow.-due DueList { display: block; }
    PlannerScreen.-narrow #calls-box { display: none; }
    PlannerScreen.-narrow #followup { width: 1fr; }
    PlannerScreen.-short #bottom { display: none; }
    PlannerScreen.-short #feasibility { max-height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
    PlannerScreen.-short #detail { text-wrap: nowrap; text-overflow: ellipsis; }
    """

    # the footer shows the first ones; every key is in help (?)
    BINDINGS = [
        Binding("escape", "back", "Back", id="planner.back"),
        Binding("question_mark", "app.help", "Help", tooltip=N_("Every key, and what the marks mean"),
                id="planner.help"),
        Binding("p", "plan", "Plan week", id="planner.plan"),
        Binding("enter", "open_customer", "Customer", show=False, tooltip=N_("Open the customer of the item"),
                id="planner.open_customer"),
        Binding("d", "done", "Done", tooltip=N_("Mark done (again: back to planned); records the activity"),
                id="planner.done"),
        Binding("o", "outcome", "Outcome", show=False, tooltip=N_("Outcome and note of the visit or call (marks it done)"),
                id="planner.outcome"),
        Binding("s", "skip", "Skip", tooltip=N_("Skip (again: planned); frees the slot"), id="planner.skip"),
        Binding("r", "reschedule", "+1 week", tooltip=N_("Reschedule: the same day next week"), id="planner.reschedule"),
        Binding("x,delete", "remove", "Remove", tooltip=N_("Take the item out of the plan"), id="planner.remove"),
        Binding("a", "add", "Add", show=False, tooltip=N_("Add the due customer to the selected day"), id="planner.add"),
        Binding("tab,shift+tab", "switch", "Week/Due", tooltip=N_("Switch between the week and the due list"),
                id="planner.switch"),
        Binding("left_square_bracket", "week(-1)", "◀ Week", tooltip=N_("Previous week"), id="planner.prev_week",
                group=Binding.Group(N_("Week"), compact=True)),
        Binding("right_square_bracket", "week(1)", "Week ▶", tooltip=N_("Next week"), id="planner.next_week",
                group=Binding.Group(N_("Week"), compact=True)),
        Binding("m", "mailing", "Mailing", tooltip=N_("The small-fry mailing list: copy, export, mark as mailed"),
                id="planner.mailing"),
        Binding("t", "today", "This week", show=False, id="planner.today"),
        Binding("n", "near", "Nearest", show=False,
                tooltip=N_("Sort the due list by distance from the selected day's visits (again: by priority)"),
                id="planner.near"),
        Binding("less_than_sign,shift+left", "move(-1)", "Move to the day before", show=False,
                id="planner.move_left"),
        Binding("greater_than_sign,shift+right", "move(1)", "Move to the next day", show=False,
                id="planner.move_right"),
        Binding("c", "copy_calls", "Copy the day's calls", show=False, id="planner.copy_calls"),
        Binding("left,h", "day(-1)", "Day before", show=False, id="planner.day_left"),
        Binding("right,l", "day(1)", "Next day", show=False, id="planner.day_right"),
        Binding("up,k", "row(-1)", "Up", show=False, id="planner.up"),
        Binding("down,j", "row(1)", "Down", show=False, id="planner.down"),
        Binding("pageup", "row(-10)", "Page up", show=False, id="planner.page_up"),
        Binding("pagedown", "row(10)", "Page down", show=False, id="planner.page_down"),
        Binding("q", "app.quit", "Quit", show=False, id="planner.quit"),
    ]

    @property
    def HELP_LEGEND(self) -> str:  # noqa: N802 (the name the help screen asks every screen for)
        return _(LEGEND)

    def __init__(self, book: Book, as_of: dt.date) -> None:
        super().__init__()
        self.title = _(self.TITLE)
        self.book = book
        self.as_of = as_of
        # read from the book's settings in the loading worker, never on the event loop
        self.config: planning.PlanConfig | None = None
        self.settings: dict[str, str] | None = None  # as last read: a change reads the book again
        self.customer_opened = False  # enter opened a customer: its segment is read again on return
        self.monday = planning.week_monday(as_of)
        self.segments = None
        self.customers: list[planning.Customer] | None = None
        self.view: WeekView | None = None
        self.pane = "week"
        self.column = 0
        self.rows: dict[int, int] = {}
        self.due_cursor = 0
        self.near = False  # the due list sorted by distance from the selected day's visits
        self.writer = SerialWriter("planner-writer")

    # --- layout ------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        yield Shown("", id="planner-title")
        yield Shown(_("Reading the book…"), id="feasibility")
        yield Shown("", id="day-strip")
        with Horizontal(id="main"):
            yield Horizontal(id="week")  # the day columns, once the settings are read
            yield DueList()
        yield Shown("", id="detail")
        with Horizontal(id="bottom"):
            with CallsBox(id="calls-box"):
                yield Shown("", id="calls")
            yield Shown("", id="followup")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("{book} · as of {day}").format(book=self.book.name, day=day_text(self.as_of))
        self._fit(self.size)
        self._title()
        self.load()

    def on_screen_resume(self) -> None:
        """Back at the front (from the settings, a customer, a dialog): show the week with the
        settings as they are now, and what changed meanwhile."""
        if self.view is not None:
            if self.customer_opened:  # an estimate or a contract edited there can move the customer
                self.customer_opened, self.segments = False, None
            self.load()

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size)

    def _fit(self, size) -> None:
        """One day at a time when day columns would be too narrow to read (the day then
        lists contacts and phones itself); calls and follow-up fold away below SHORT_HEIGHT rows."""
        days = len(self.config.working_days) if getattr(self, "config", None) else 5
        narrow = size.width - DUE_WIDTH < DAY_WIDTH * max(1, days)
        short = size.height < SHORT_HEIGHT
        if narrow != self.has_class("-narrow") or short != self.has_class("-short"):
            self.set_class(narrow, "-narrow")
            self.set_class(short, "-short")
            footer = self.query_one(Footer)
            footer.compact = narrow
            footer.show_command_palette = not narrow  # ctrl+p still works; the room goes to the planner's keys
            self._title()
            self.render_view()

    def _today_column(self) -> int:
        days = planning.week_days(self.monday, self.config)
        for n, day in enumerate(days):
            if day >= self.as_of:
                return n
        return 0

    def _title(self) -> None:
        monday = self.monday
        year, week, _weekday = monday.isocalendar()
        last = planning.weeks_in_year(year)
        end = monday + dt.timedelta(days=6)
        note = _(" · this week") if monday == planning.week_monday(self.as_of) else ""
        if self.plan_note:
            note += f" · {self.plan_note}"
        self.query_one("#planner-title", Static).update(
            _("Week {week} of {last} · {year} · {span}").format(
                week=week, last=last, year=year, span=week_span(monday, end)) + note
        )

    # --- loading -------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="planner-load")
    def load(self, plan: bool = False) -> None:
        """Read (and with ``plan`` fill) the week in a worker, then show it."""
        try:
            settings = self.book.settings()
            if self.config is None or settings != self.settings:  # changed on the settings screen, say
                self.config = plan_store.plan_config(self.book, settings)
                if self.settings is not None:
                    self.segments = None  # thresholds and policies may have changed the segments
                self.settings = settings
            if self.segments is None:
                from segtui.store.segments import segment_book

                self.segments = segment_book(self.book, self.as_of)
            customers = plan_store.planning_customers(self.book, self.as_of, self.segments, self.config.owner)
            monday = self.monday
            message = None
            if plan:
                proposals = plan_store.plan_week(self.book, monday, self.as_of, customers, self.config)
                message = len(proposals)
            view = self._week_view(monday, customers)
        except BookError as error:
            self.app.call_from_thread(self.notify, said(error), severity="error", markup=False)
            return
        self.app.call_from_thread(self._show, view, customers, message)

    def _week_view(self, monday: dt.date, customers) -> WeekView:
        config = self.config
        items, stops = plan_store.in_route_order(plan_store.week_items(self.book, monday, config.owner), config.route)
        days = planning.week_days(monday, config)
        on = max(self.as_of, monday)
        taken = {i.customer_id for i in items} | plan_store.planned_elsewhere(self.book, monday, self.as_of)
        dues = [d for d in planning.due_list(customers, config, on, until=days[-1]) if d.customer.id not in taken]
        return WeekView(
            monday=monday,
            days=days,
            items=items,
            dues=dues,
            overdue=sum(d.overdue for d in dues),
            feasibility=planning.feasibility(customers, config, self.as_of),
            follow_up=planning.follow_up(customers, config, self.as_of, [i.status for i in items]),
            config=config,
            routes=plan_store.day_routes(items, config.route),
            stops=stops,
        )

    async def _show(self, view: WeekView, customers, planned: int | None = None) -> None:
        columns = self.query(DayColumn)
        if columns and len(columns) != len(view.days):  # the working days changed
            await columns.remove()
            self.column = min(self.column, len(view.days) - 1)
        if not self.query(DayColumn):
            await self.query_one("#week", Horizontal).mount_all(DayColumn(n) for n in range(len(view.days)))
            if view.monday == planning.week_monday(self.as_of):
                self.column = self._today_column()
            self._fit(self.size)  # now that the number of working days is known
        if view.monday != self.monday:
            return  # the user moved on to another week meanwhile
        self.customers = customers
        self.view = view
        self.due_cursor = min(self.due_cursor, max(0, len(view.dues) - 1))
        if planned is not None:  # the filled week shows what happened; the title keeps the count
            self.plan_note = ngettext("planned {count} item", "planned {count} items", planned).format(count=planned)
        self.render_view()

    def render_view(self) -> None:
        view = self.view
        if view is None:
            return
        self.set_class(self.pane == "due", "-due")
        for n, column in enumerate(self.query(DayColumn)):
            day = view.days[n]
            items = view.day_items(day)
            row = min(self.rows.get(n, 0), max(0, len(items) - 1))
            self.rows[n] = row
            active = self.pane == "week" and n == self.column
            column.show(day, items, row if active and items else None, view.config, self.as_of,
                        view.routes.get(day), view.stops)
            column.set_class(active, "selected")
            column.set_class(n == self.column, "current")
        self._day_strip()
        self._title()
        due_list = self.query_one(DueList)
        day = view.days[self.column]
        due_list.show(self.shown_dues(), view.overdue, self.due_cursor, self.pane == "due",
                      lambda entry: view.km_from_day(day, entry), self.near)
        due_list.set_class(self.pane == "due", "selected")
        feas = self.query_one("#feasibility", Static)
        if self.has_class("-short"):  # one line, and the follow-up panel is folded: its summary goes here
            f = view.feasibility
            visits, calls = (-int(-f.needed[k] // 1) for k in planning.KINDS)
            feas.update(_("Policy: {visits} visits/wk (cap {visit_cap}), {calls} calls/wk (cap {call_cap}) · "
                          "done {done} of {planned} this week").format(
                visits=visits, visit_cap=f.capacity["visit"], calls=calls, call_cap=f.capacity["call"],
                done=view.follow_up.done, planned=view.follow_up.planned))
        else:
            feas.update(view.feasibility.text)
        feas.set_class(not all(view.feasibility.fits(k) for k in planning.KINDS), "short")
        self._detail()
        self._calls()
        self._follow_up()

    def _day_strip(self) -> None:
        """The week's days on one line (narrow screens show one day at a time)."""
        view = self.view
        strip = Text(no_wrap=True, overflow="ellipsis")
        for n, day in enumerate(view.days):
            style = "reverse bold" if n == self.column else "bold green" if day == self.as_of else ""
            off = _(" (off)") if view.config.off(day) else ""
            strip.append(f" {day_month(day, narrow=True)}{off} ", style=style or ("dim" if off else ""))
        strip.append(_("  ←/→ day"), style="dim")
        self.query_one("#day-strip", Static).update(strip)

    def _detail(self) -> None:
        detail = self.query_one("#detail", Static)
        if self.pane == "due":
            entry = self.selected_due()
            if entry is None:
                detail.update("")
                return
            c = entry.customer
            day = self.view.days[self.column]
            km = self.view.km_from_day(day, entry)
            where = (_(" · {km} km from {weekday}'s visits").format(km=f"{km:.0f}", weekday=weekday_text(day, short=True))
                     if km is not None else _(" · not located") if c.place is None else "")
            route = self.view.config.route
            if c.place is not None and route.start is not None and \
                    routes.day_minutes(route, [c.place]) > route.day_minutes:
                where += _(" · too far for a day from your start ({km} km)").format(
                    km=f"{routes.km(route.start, c.place):.0f}")
            priority = _("priority {priority}").format(priority=decimal_text(entry.priority))
            detail.update(
                Content.from_markup(  # the book's text goes in as $variables, never as markup
                    "[b]$name[/b] · $city$where · $kind · $priority\n$reason",
                    name=c.name, city=c.city or _("no city"), where=where, kind=kind_word(entry.kind),
                    priority=priority, reason=planning.say_reason(entry.reason),
                )
            )
            return
        item = self.selected_item()
        if item is None:
            detail.update(_("Nothing selected — p plans the week, Tab goes to the due list"))
            return
        who = " · ".join(p for p in (item.contact, item.phone) if p) or _("no contact")
        status = "" if item.status == "planned" else " · " + status_word(item.status)
        manual = _(" · kept on re-plan") if item.manual else ""
        stop = self.view.stops.get(item.id)
        if stop is not None:
            leg = ((_(" · {km} km from the start") if stop.number == 1 else _(" · {km} km from the stop before")
                    ).format(km=f"{stop.km:.0f}")
                   if stop.km is not None and self.view.config.route.start or stop.number > 1 and stop.km is not None
                   else _(" · not located") if stop.place is None else "")
            manual = _(" · stop {number}{leg} · {arrive}–{depart}").format(
                number=stop.number, leg=leg, arrive=f"{stop.arrive // 60:02d}:{stop.arrive % 60:02d}",
                depart=f"{stop.depart // 60:02d}:{stop.depart % 60:02d}") + manual
        second: tuple[str, str] = (planning.say_reason(item.reason) or _("added by hand"), "italic")
        if item.status == "done":  # what came of it, or how to say so
            said = " · ".join(p for p in (item.outcome, item.note) if p)
            second = ((_("Outcome: {said}").format(said=said), "") if said
                      else (_("Done · o adds the outcome and a note"), "italic dim"))
        detail.update(Text.assemble(
            (item.name, "bold"),
            f" · {kind_word(item.kind)} · {item.location or _('no address')} · {who}{status}{manual}\n",
            second,
        ))

    def _call_lines(self) -> tuple[dt.date | None, list[str]]:
        view = self.view
        if view is None:
            return None, []
        day = view.days[self.column]
        calls = [i for i in view.day_items(day) if i.kind == "call" and i.status != "skipped"]
        return day, [
            f"{i.name} — {i.contact or _('no contact')} — {i.phone or _('no phone')}" + (" ✓" if i.status == "done" else "")
            for i in calls
        ]

    def _calls(self) -> None:
        day, lines = self._call_lines()
        panel = self.query_one("#calls", Static)
        if day is None:
            return
        title = _("Today's calls") if day == self.as_of else _("Calls {day}").format(day=day_month(day))
        self.query_one("#calls-box").border_title = _("{title} ({count}) · c: copy").format(title=title, count=len(lines))
        panel.update(
            Text("\n".join(lines), no_wrap=True, overflow="ellipsis") if lines
            else Text(_("no calls planned"), style="dim italic")
        )

    def _follow_up(self) -> None:
        view = self.view
        panel = self.query_one("#followup", Static)
        panel.border_title = _("Follow-up")
        rows = [view.follow_up.text + _(" this week")]
        for seg in view.follow_up.segments:
            pct = f"{seg.within * 100 // seg.total:3d} %" if seg.total else "    –"
            what = _("assessed") if view.config.policies[seg.quadrant].once else _("in interval")
            rows.append(f"{seg.quadrant.label:<17}{seg.within:>5}/{seg.total:<5} {pct} {what}")
        panel.update("\n".join(rows))

    # --- selection -------------------------------------------------------------------
    def selected_item(self) -> plan_store.PlanItem | None:
        if self.view is None:
            return None
        items = self.view.day_items(self.view.days[self.column])
        row = self.rows.get(self.column, 0)
        return items[row] if 0 <= row < len(items) else None

    def shown_dues(self) -> list[planning.Due]:
        """The due list as shown: by priority, or (``n``) nearest to the selected day's visits first."""
        view = self.view
        if view is None:
            return []
        if not self.near:
            return view.dues
        day = view.days[self.column]
        far = float("inf")
        return sorted(view.dues, key=lambda e: (d if (d := view.km_from_day(day, e)) is not None else far))

    def selected_due(self) -> planning.Due | None:
        dues = self.shown_dues()
        if not dues:
            return None
        return dues[min(self.due_cursor, len(dues) - 1)]

    def select_item(self, column: int, row: int | None) -> None:
        self.pane = "week"
        self.column = column
        if row is not None:
            self.rows[column] = row
        self.render_view()

    def select_due(self, row: int) -> None:
        if self.view is None or not self.view.dues:
            return
        self.pane = "due"
        self.due_cursor = max(0, min(row, len(self.view.dues) - 1))
        self.render_view()

    # --- actions: moving around ----------------------------------------------------------
    def action_back(self) -> None:
        self.dismiss(None)

    def action_near(self) -> None:
        """The due list nearest the selected day's visits first (again: by priority)."""
        self.near = not self.near
        self.pane = "due"
        self.due_cursor = 0
        self.render_view()
        if self.near and self.view is not None and not self.view.day_places(self.view.days[self.column]):
            self.notify(_("This day has no located visits yet: the due list stays by priority until it has one"),
                        timeout=4)

    def action_switch(self) -> None:
        self.pane = "due" if self.pane == "week" else "week"
        self.render_view()

    def action_day(self, step: int) -> None:
        if self.config is None:
            return
        self.pane = "week"
        self.column = max(0, min(len(self.config.working_days) - 1, self.column + step))
        self.render_view()

    def action_row(self, step: int) -> None:
        if self.view is None:
            return
        if self.pane == "due":
            self.due_cursor = max(0, min(len(self.view.dues) - 1, self.due_cursor + step))
            self.query_one(DueList).set_cursor(self.due_cursor)
            self._detail()
            return
        count = len(self.view.day_items(self.view.days[self.column]))
        self.rows[self.column] = max(0, min(count - 1, self.rows.get(self.column, 0) + step))
        self.render_view()

    def _go_to(self, monday: dt.date) -> None:
        self.monday = monday
        self.view = None
        self.plan_note = ""
        self.rows.clear()
        self.due_cursor = 0
        self._title()
        self.query_one("#feasibility", Static).update(_("Reading the week…"))
        self.load()

    def action_week(self, step: int) -> None:
        self._go_to(self.monday + dt.timedelta(weeks=step))

    def action_today(self) -> None:
        self.column = 0
        self._go_to(planning.week_monday(self.as_of))
        if self.config is not None:
            self.column = self._today_column()

    # --- actions: changing the plan --------------------------------------------------------
    def action_plan(self) -> None:
        if self.config is None:
            return
        days = planning.week_days(self.monday, self.config)
        if days and days[-1] < self.as_of:
            self.notify(_("{week} is over: nothing to plan").format(week=week_text(self.monday)), severity="warning")
            return
        self.load(plan=True)

    def write(self, change, message: str | None = None) -> None:
        """Queue one change to the book on the screen's writer (changes land in the order
        they were made), then reload the week."""

        then = (lambda _result: self.notify(message, markup=False)) if message else None  # names customers
        write_and_reload(self, self.writer, change, then)

    @property
    def busy(self) -> bool:
        """True while a change is still on its way to the book."""
        return self.writer.busy

    def on_unmount(self) -> None:
        self.writer.close()  # changes still queued are written all the same

    def action_add(self) -> None:
        entry = self.selected_due() if self.pane == "due" else None
        if entry is None:
            self.notify(_("Tab to the due list, pick a customer, then press a to add them"), severity="warning",
                        timeout=3)
            return
        day = self.view.days[self.column]
        off = off_text(day, self.config)
        if off:
            self.notify(_("{day} is a day off ({day_off}): pick another day").format(
                day=day_month(day, "%a %d %b"), day_off=off), severity="warning", timeout=3)
            return
        load = sum(i.kind == entry.kind and i.status != "skipped" for i in self.view.day_items(day))
        if load >= self.config.per_day(entry.kind):
            full = (_("{weekday} already has {count} visits (capacity {capacity})") if entry.kind == "visit"
                    else _("{weekday} already has {count} calls (capacity {capacity})"))
            self.notify(full.format(weekday=weekday_text(day, short=True), count=load,
                                    capacity=self.config.per_day(entry.kind)), severity="warning")
        self.view.dues.remove(entry)
        # no toast: the customer leaves the due list and shows up in the day
        self.write(
            lambda: plan_store.add_item(self.book, entry.customer.id, day, entry.kind, entry.reason, manual=True),
        )

    def _with_item(self) -> plan_store.PlanItem | None:
        if self.pane != "week":
            self.notify(_("Select a plan item in the week first (Tab)"), severity="warning", timeout=3)
            return None
        item = self.selected_item()
        if item is None:
            self.notify(_("No item selected"), severity="warning", timeout=3)
        return item

    def action_move(self, step: int) -> None:
        item = self._with_item()
        if item is None:
            return
        target = self.column + step
        while 0 <= target < len(self.view.days) and self.config.off(self.view.days[target]):
            target += step  # over a public holiday or a day off
        if not 0 <= target < len(self.view.days):
            if 0 <= self.column + step < len(self.view.days):
                self.notify(_("No working day that way this week: r moves it to next week"), severity="warning",
                            timeout=3)
            return
        day = self.view.days[target]
        # show the move at once, so a second key press acts on the same item
        moved = dataclasses.replace(item, day=day, manual=True)
        route = self.view.config.route  # a few stops a day: ordered in a moment
        self.view.items, self.view.stops = plan_store.in_route_order(
            [moved if i.id == item.id else i for i in self.view.items], route)
        self.view.routes = plan_store.day_routes(self.view.items, route)
        self.column = target
        self.rows[target] = [i.id for i in self.view.day_items(day)].index(item.id)
        self.render_view()
        self.write(lambda: plan_store.move_item(self.book, item.id, day))

    def action_done(self) -> None:
        item = self._with_item()
        if item is None:
            return
        # marking done needs no toast (the ✓ and the follow-up figures show it);
        # taking it back removes the recorded visit or call, so that is said
        if item.status == "done":
            lost = bool(item.outcome or item.note)
            if item.kind == "visit":
                said = (_("{name}: back to planned; the visit recorded and its outcome is removed (d marks it done again)")
                        if lost else _("{name}: back to planned; the visit recorded is removed (d marks it done again)"))
            else:
                said = (_("{name}: back to planned; the call recorded and its outcome is removed (d marks it done again)")
                        if lost else _("{name}: back to planned; the call recorded is removed (d marks it done again)"))
            self.write(lambda: plan_store.undo_done(self.book, item.id), said.format(name=item.name))
        else:
            self.write(lambda: plan_store.mark_done(self.book, item.id, self.as_of))

    def action_outcome(self) -> None:
        """Outcome and note of the selected visit or call: a done item's activity gets
        them; a planned one is marked done with them."""
        item = self._with_item()
        if item is None:
            return
        if item.status == "skipped":
            self.notify(_("A skipped item has no outcome: s plans it again"), severity="warning", timeout=3)
            return
        if not writes_allowed(self, self.book):
            return
        done = item.status == "done"

        def saved(values: dict | None) -> None:
            if values is None:
                return
            outcome, note, again = values["outcome"], values["note"], values["follow_up"]
            if done:
                self.write(lambda: plan_store.set_outcome(self.book, item.id, outcome, note))
            else:
                self.write(lambda: plan_store.mark_done(self.book, item.id, self.as_of, outcome, note))
            if again is not None:
                day = planning.next_plan_day(again, self.config)
                self.write(
                    lambda: plan_store.add_follow_up(self.book, item.customer_id, day, item.kind, outcome, self.config),
                    (_("Follow-up visit with {name} planned for {day}") if item.kind == "visit"
                     else _("Follow-up call with {name} planned for {day}")).format(
                        name=item.name, day=day_month(day, "%a %d %b %Y")),
                )

        when = "" if done else _(" (marks it done)")
        title = (_("Outcome of the visit with {name}") if item.kind == "visit"
                 else _("Outcome of the call with {name}")).format(name=item.name)
        self.app.push_screen(
            FormScreen(
                title + when,
                [
                    Field("outcome", _("Outcome"), item.outcome or "",
                          lambda t: rules.clean_note(t, rules.NAME_MAX, "outcome"), _("e.g. Asked for an offer"),
                          _("→ takes a suggestion"), tuple(_(o) for o in rules.OUTCOMES)),
                    Field("note", _("Note"), item.note or "", rules.clean_note, _("what was said, what comes next")),
                    Field("follow_up", _("Follow-up on"), "", lambda t: rules.follow_up_day(t, item.day),
                          _("YYYY-MM-DD (empty: none)"), _("a visit or call on that day, ahead of the policy")),
                ],
            ),
            saved,
        )

    def action_open_customer(self) -> None:
        """Enter: the customer of the selected plan item (or due customer)."""
        if self.view is None:
            return
        entry = self.selected_due() if self.pane == "due" else None
        item = self.selected_item() if self.pane == "week" else None
        customer_id = item.customer_id if item is not None else entry.customer.id if entry is not None else None
        if customer_id is None:
            self.notify(_("Nothing selected"), severity="warning", timeout=3)
            return
        from segtui.ui.customer import CustomerScreen  # the customer screen is big: loaded when wanted

        self.customer_opened = True
        self.app.push_screen(CustomerScreen(self.book, customer_id, self.as_of))

    def action_mailing(self) -> None:
        from segtui.ui.mailing import MailingScreen  # it lists names as the planner shortens them

        self.app.push_screen(MailingScreen(self.book, self.as_of, self.segments))

    def action_skip(self) -> None:
        item = self._with_item()
        if item is not None and item.status != "done":
            self.write(lambda: plan_store.skip_item(self.book, item.id))

    def action_reschedule(self) -> None:
        item = self._with_item()
        if item is None or item.status == "done":
            return
        day = planning.next_plan_day(item.day + dt.timedelta(weeks=1), self.config)
        self.write(
            lambda: plan_store.reschedule_item(self.book, item.id, day),
            _("{name} moved to {day} ({week})").format(
                name=item.name, day=day_month(day, "%a %d %b"), week=week_text(planning.week_monday(day))),
        )

    def action_remove(self) -> None:
        item = self._with_item()
        if item is not None:
            self.write(lambda: plan_store.remove_item(self.book, item.id))  # the day shows it

    def action_copy_calls(self) -> None:
        day, lines = self._call_lines()
        if not lines:
            self.notify(_("No calls to copy on this day"), severity="warning", timeout=3)
            return
        self.app.copy_to_clipboard("\n".join(lines))
        self.notify(ngettext("Copied {count} call for {day}", "Copied {count} calls for {day}", len(lines)).format(
            count=len(lines), day=day_month(day, "%a %d %b")), timeout=3)
