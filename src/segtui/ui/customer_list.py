"""A virtual list of customers: only the rows on screen are rendered.

Each visible line is drawn by :meth:`CustomerList.render_line` from an LRU cache
of strips, so a quadrant with 20,000 customers costs no more than one with 20.
The list draws its own head too — the quadrant's strategy and the column titles,
which stay put while the rows scroll — so a board of five lists is five widgets.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from typing import Callable, Sequence

import textwrap

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.color import Color
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from segtui.domain.money import share as share_text
from segtui.i18n import N_, _, pgettext
from segtui.ui.cursor import CursorView
from segtui.domain.display import shown
from segtui.domain.money import short_money  # noqa: F401 (the board takes it from here)

if TYPE_CHECKING:
    from segtui.store.board import BoardRow



BOLD = Style(bold=True)
ITALIC = Style(italic=True)
_ACCENTS: dict[str, dict[str, Style]] = {}  # per theme name

# Cells of each column after the name, including the space before it.
COLUMN_WIDTHS = {"city": 17, "owner": 15, "abc": 4, "xyz": 4, "revenue": 8, "loyal": 6, "next": 10, "up": 3}
DROP_ORDER = ("xyz", "loyal", "abc", "revenue")
# The mark column: an upgrade candidate's ↑ wins; else who is slipping (domain.trends).
TREND_MARKS = {"declining": "↓", "silent": "‖"}


def due_text(row: BoardRow) -> str:
    """'12d late', 'due now', 'in 5d', 'never' (due: never visited or called) or ''
    when the policy asks for nothing."""
    days = row.overdue_days
    if days is None:
        return ""
    if row.last_activity is None and days >= 0:
        return _("never")
    if days > 0:
        return _("{days}d late").format(days=days)
    if days == 0:
        return _("due now")
    return _("in {days}d").format(days=-days)


def loyalty_text(share: float | None, estimated: bool = False) -> str:
    """A share of wallet; '~62%' when it rests on an estimated potential."""
    text = share_text(share)
    return f"~{text}" if estimated and share is not None else text


def estimated(customer) -> bool:
    """The customer's potential (and the loyalty from it) is only estimated."""
    estimate = customer.estimate
    return estimate is not None and estimate.source == "estimated" and customer.segment.loyalty_source == "computed"


class CustomerList(CursorView, can_focus=True, inherit_bindings=False):
    """The customers of one quadrant (or the tray), one per line, with a cursor."""
    HELP_SECTION = N_("In a quadrant")

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="list.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="list.down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("home,g", "first", "First customer", show=False, id="list.first"),
        Binding("end,G", "last", "Last customer", show=False, id="list.last"),
        Binding("enter", "open", "Open customer", id="list.open"),
    ]

    COMPONENT_CLASSES = {
        "customer-list--cursor",
        "customer-list--muted",
    }
    # Only what needs CSS to resolve: each component class costs every list a style
    # pass at start. The other colours come from the theme (see ``_accents``).

    DEFAULT_CSS = """
    CustomerList { background: $surface; scrollbar-size-vertical: 1; overflow-x: hidden; }
    CustomerList > .customer-list--cursor { background: $block-cursor-blurred-background; }
    CustomerList:focus > .customer-list--cursor {
        background: $block-cursor-background; color: $block-cursor-foreground; text-style: bold;
    }
    CustomerList > .customer-list--muted { color: $text-muted; }
    """

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)

    class Highlighted(Message):
        """The cursor moved to another customer (or the list changed)."""

        def __init__(self, customer_list: "CustomerList", row: BoardRow | None) -> None:
            super().__init__()
            self.customer_list = customer_list
            self.row = row

        @property
        def control(self) -> "CustomerList":
            return self.customer_list

    class Opened(Message):
        """Enter or a double click on a customer."""

        def __init__(self, customer_list: "CustomerList", row: BoardRow) -> None:
            super().__init__()
            self.customer_list = customer_list
            self.row = row

        @property
        def control(self) -> "CustomerList":
            return self.customer_list

    def __init__(
        self, *, wide: bool = False, strategy: str = "", empty_text: str = "Reading the book…", **kwargs
    ) -> None:
        """``strategy``: a line (two when there is room) above the column titles."""
        super().__init__(**kwargs)
        self.rows: Sequence[BoardRow] = ()
        #: who moved since a day (the board's "moved since"): customer → (class then when it
        #: changed, the number of the quadrant it was in when that changed)
        self.moves: dict[int, tuple[str | None, int | None]] = {}
        self.wide = wide
        self.strategy = strategy
        self.empty_text = _(empty_text)
        self._cache: LRUCache[tuple, Strip] = LRUCache(1024)
        self._generation = 0
        self._head: list[tuple[str, Style]] = []  # (text, style over muted) of the lines that stay put
        self._head_size: tuple[int, int] | None = None

    # --- the head: strategy and column titles ---------------------------------------
    @property
    def head_height(self) -> int:
        self._layout_head()
        return len(self._head)

    def _layout_head(self) -> None:
        """Wrap the strategy to the width (one line when the list is short) and
        title the columns that fit."""
        region = self.scrollable_content_region
        size = (region.width, region.height)
        if size == self._head_size:
            return
        self._head_size = size
        width, height = size
        head: list[tuple[str, str]] = []
        # the strategy takes two lines when there is room, one in a short list,
        # none when the rows would have fewer than two lines left
        keep = 0 if height < 4 else 1 if height < 10 else 2
        if self.strategy and width > 2 and keep:
            lines = textwrap.wrap(self.strategy, max(1, width - 2))
            if len(lines) > keep:
                rest = " ".join(lines[keep - 1:])
                lines = lines[: keep - 1] + [rest[: max(0, width - 3)].rstrip() + "…"]
            head.extend((" " + line, ITALIC) for line in lines)
        head.append((header_text(width, self.wide), BOLD))
        self._head = head
        self.virtual_size = Size(width, len(head) + max(1, len(self.rows)))

    @property
    def visible_rows(self) -> int:
        """How many rows fit below the head."""
        return max(1, self.scrollable_content_region.height - self.head_height)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    # --- data ---------------------------------------------------------------------
    def set_rows(self, rows: Sequence[BoardRow], keep_id: int | None = None, empty_text: str = "") -> None:
        """Show ``rows``; keep the cursor on customer ``keep_id`` when it is still there."""
        self.rows = rows
        self.empty_text = empty_text
        self._generation += 1
        self._cache.clear()
        self._head_size = None  # the virtual size follows the rows
        self._layout_head()
        index = 0
        if keep_id is not None:
            index = next((i for i, r in enumerate(rows) if r.id == keep_id), 0)
        self.cursor = min(index, max(0, len(rows) - 1))
        self._show_cursor_in_new_rows()
        self.call_after_refresh(self._show_cursor_in_new_rows)  # once the new size is laid out
        self.refresh()

    def _show_cursor_in_new_rows(self) -> None:
        """After new rows: the top of the list when the cursor is on the first page,
        else the cursor in the middle — never a stale scroll position hiding both."""
        height = self.visible_rows
        top = 0 if self.cursor < height else max(0, self.cursor - height // 2)
        self.scroll_to(y=top, animate=False, immediate=True)

    @property
    def current(self) -> BoardRow | None:
        return self.rows[self.cursor] if 0 <= self.cursor < len(self.rows) else None

    def select_id(self, customer_id: int) -> bool:
        for i, row in enumerate(self.rows):
            if row.id == customer_id:
                self.cursor = i
                return True
        return False

    # --- cursor -------------------------------------------------------------------
    def validate_cursor(self, value: int) -> int:
        return max(0, min(value, len(self.rows) - 1)) if self.rows else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self._refresh_row(old)
        self._refresh_row(new)
        self._scroll_to_cursor()
        self.post_message(self.Highlighted(self, self.current))

    def _refresh_row(self, index: int) -> None:
        head = self.head_height
        if head <= index - self.scroll_offset.y + head < self.size.height:
            # refresh_line takes the line in the scrolled content and subtracts the
            # scroll offset itself; the head's lines sit above the rows
            self.refresh_line(index + head)

    def action_open(self) -> None:
        if self.current is not None:
            self.post_message(self.Opened(self, self.current))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:  # on the border
            self.focus()
            return
        index = offset.y - self.head_height + self.scroll_offset.y
        if offset.y >= self.head_height and 0 <= index < len(self.rows):
            self.focus()
            self.cursor = index
            if event.chain >= 2:
                self.action_open()

    def on_focus(self) -> None:
        self.refresh()
        self.post_message(self.Highlighted(self, self.current))

    def on_blur(self) -> None:
        self.refresh()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def on_resize(self) -> None:
        self._cache.clear()
        self._layout_head()

    # --- rendering ----------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        self._layout_head()
        base = self.rich_style
        head = len(self._head)
        if y < head:
            text, emphasis = self._head[y]
            style = base + self.get_component_rich_style("customer-list--muted") + emphasis
            return Strip([Segment(text[:width], style)]).adjust_cell_length(width, base)
        y -= head
        index = self.scroll_offset.y + y
        if not self.rows:
            if y == 0 and self.empty_text:
                style = base + self.get_component_rich_style("customer-list--muted") + ITALIC
                return Strip([Segment(" " + self.empty_text, style)]).adjust_cell_length(width, base)
            return Strip.blank(width, base)
        if index >= len(self.rows):
            return Strip.blank(width, base)
        key = (index, width, index == self.cursor, self.has_focus, self._generation)
        strip = self._cache.get(key)
        if strip is None:
            strip = self._render_row(self.rows[index], width, index == self.cursor)
            self._cache[key] = strip
        return strip

    def _accents(self) -> dict[str, Style]:
        """Late, due and upgrade marks in the theme's error, warning and success text colours."""
        theme = self.app.theme
        accents = _ACCENTS.get(theme)
        if accents is None:
            variables = self.app.get_css_variables()

            def colour(name: str, **emphasis: bool) -> Style:
                try:
                    return Style(color=Color.parse(variables[name]).rich_color, **emphasis)
                except (KeyError, ValueError):  # a theme without it: emphasis only
                    return Style(**emphasis)

            accents = _ACCENTS[theme] = {
                "late": colour("text-error", bold=True),
                "due": colour("text-warning"),
                "upgrade": colour("text-success", bold=True),
            }
        return accents

    def _render_row(self, row: BoardRow, width: int, selected: bool) -> Strip:
        style_of: Callable[[str], Style] = self.get_component_rich_style
        base = self.rich_style
        cursor = style_of("customer-list--cursor") if selected else Style()
        muted = style_of("customer-list--muted")
        seg = row.customer.segment
        late = row.overdue_days is not None and row.overdue_days > 0
        accents = self._accents()
        due_style = accents["late"] if late else (
            accents["due"] if row.overdue_days is not None and row.overdue_days >= 0 else muted
        )
        upgrade = f"↑{seg.potential_class}" if seg.upgrade_candidate else ""
        trend = row.customer.trend.kind if row.customer.trend is not None else None
        if not upgrade and trend:
            upgrade = TREND_MARKS[trend]
        class_style = BOLD if seg.revenue_class == "A" else Style()
        abc = f"{seg.revenue_class:^3}"
        move = self.moves.get(row.id)
        if move is not None:  # where it came from: "B→C" in the class column, "←4" (quadrant 4) for the mark
            was_class, was_quadrant = move
            if was_class is not None:
                abc = f"{was_class}→{seg.revenue_class}"
            upgrade = f"←{was_quadrant}" if was_quadrant is not None else upgrade
        name_w, columns = column_layout(width, self.wide)
        name = shown(row.customer.name)
        if len(name) > name_w:
            name = name[: name_w - 1] + "…"
        values = {
            "city": (shown(row.customer.city or "")[:16].ljust(16), muted),
            "owner": (shown(row.customer.owner or "")[:14].ljust(14), muted),
            "abc": (abc, class_style),
            "xyz": (f"{seg.xyz or '·':^3}", Style()),
            "revenue": (f"{short_money(seg.revenue):>7}", Style()),
            "loyal": (f"{loyalty_text(seg.loyalty, estimated(row.customer)):>5}",
                      Style() if seg.loyalty is not None and not estimated(row.customer) else muted),
            "next": (f"{due_text(row):>9}", due_style),
            "up": (f"{upgrade:<2}", accents["upgrade"] if seg.upgrade_candidate else accents["due"]),
        }
        cells: list[tuple[str, Style]] = [(" " + f"{name:<{name_w}}", class_style)]
        for column in columns:
            text, style = values[column]
            cells.append((" " + text, style))
        segments = [Segment(text, base + style + cursor) for text, style in cells if text]
        return Strip(segments).adjust_cell_length(width, base + cursor)


def column_layout(width: int, wide: bool = False) -> tuple[int, list[str]]:
    """(name width, columns) that fit ``width``: columns are dropped from the least
    needed (XYZ, loyalty, class, revenue) until a name gets at least 14 cells."""
    columns = [c for c in COLUMN_WIDTHS if c not in ("city", "owner")]
    if wide and width >= 100:
        columns = ["city", "owner", *columns]
    for drop in (None, *DROP_ORDER):
        if drop is not None:
            columns.remove(drop)
        used = 1 + sum(COLUMN_WIDTHS[c] for c in columns)
        if width - used >= 14:
            break
    return max(6, width - used), columns


def header_text(width: int, wide: bool = False) -> str:
    """The column titles that match :meth:`CustomerList._render_row` at ``width``."""
    name_w, columns = column_layout(width, wide)
    titles = {
        "city": pgettext("column", "city").ljust(16), "owner": pgettext("column", "owner").ljust(14), "abc": "ABC",
        "xyz": "XYZ", "revenue": pgettext("column", "revenue").rjust(7), "loyal": pgettext("column", "loyal").rjust(5),
        "next": pgettext("column", "contact").rjust(9), "up": "  ",
    }
    return " " + pgettext("column", "customer").ljust(name_w) + "".join(" " + titles[c] for c in columns)
