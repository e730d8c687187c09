"""A keyboard list that renders only the rows on screen (virtual, like toolong's log lines)."""

from __future__ import annotations

from typing import Any, Callable, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from segtui.ui.cursor import CursorView
from segtui.ui.display import safe


class RowList(CursorView, can_focus=True):
    """Rows of rich Text with a cursor; arrows and vim keys move, only visible rows are drawn."""

    DEFAULT_CSS = """
    RowList { height: 1fr; background: $surface; }
    RowList:focus { background: $boost; }
    """
    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False, id="rows.up"),
        Binding("down,j", "cursor_down", "Down", show=False, id="rows.down"),
        Binding("pageup,ctrl+b", "page_up", "Page up", show=False, id="rows.page_up"),
        Binding("pagedown,ctrl+f", "page_down", "Page down", show=False, id="rows.page_down"),
        Binding("home,g", "first", "First", show=False, id="rows.first"),
        Binding("end,G", "last", "Last", show=False, id="rows.last"),
    ]

    cursor: reactive[int] = reactive(0, always_update=True)

    class Highlighted(Message):
        def __init__(self, rows: "RowList", index: int) -> None:
            super().__init__()
            self.rows = rows
            self.index = index

        @property
        def control(self) -> "RowList":
            return self.rows

    def __init__(self, empty: str = "Nothing here yet.", *, id: str | None = None, classes: str | None = None):
        super().__init__(id=id, classes=classes)
        self.empty = empty
        self._items: Sequence[Any] = ()
        self._format: Callable[[Any], Text] = lambda row: row
        self._cache: dict[int, Text] = {}

    @property
    def row_count(self) -> int:
        return len(self._items)

    def row(self, index: int) -> Text:
        """The row at ``index``, formatted on first use (only rows that are shown get formatted)."""
        text = self._cache.get(index)
        if text is None:
            text = self._format(self._items[index])
            if not isinstance(text, Text):
                text = Text(str(text))
            text = safe(text)  # the book's text never reaches the terminal as a control
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[index] = text
        return text

    def set_rows(self, rows: Sequence[Text | str]) -> None:
        """Rows already formatted (short lists)."""
        self.set_items(rows, lambda row: row)

    def set_items(self, items: Sequence[Any], format: Callable[[Any], Text], width: int | None = None) -> None:
        """Any rows plus how to show one; long lists cost only the rows on screen."""
        self._items = items
        self._format = format
        self._cache = {}
        if width is None:
            width = max((self.row(i).cell_len for i in range(min(len(items), 200))), default=0)
        self.virtual_size = Size(width, len(items))
        self.cursor = min(self.cursor, max(len(items) - 1, 0))
        self.refresh()

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if not self._items:
            if y == 0:
                text = Text(self.empty, style=Style(dim=True, italic=True))
                return Strip(list(text.render(self.app.console)), text.cell_len).crop_extend(0, width, base)
            return Strip.blank(width, base)
        if index >= len(self._items):
            return Strip.blank(width, base)
        text = self.row(index).copy()
        text.no_wrap = True
        if index == self.cursor:
            text.pad_right(max(width + scroll_x - text.cell_len, 0))
            cursor_style = self.get_component_rich_style("rowlist--cursor")
            text.stylize(cursor_style)
        segments = [Segment(s.text.replace("\n", " "), s.style) for s in text.render(self.app.console)]
        strip = Strip(segments).apply_style(base)
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    COMPONENT_CLASSES = {"rowlist--cursor"}
    DEFAULT_CSS += """
    RowList > .rowlist--cursor { background: $panel-lighten-1; }
    RowList:focus > .rowlist--cursor { background: $accent 40%; text-style: bold; }
    """

    def watch_cursor(self, old: int, new: int) -> None:
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, new))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
