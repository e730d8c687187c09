"""What every list with a cursor shares: moving it, and scrolling it into view.

:class:`~segtui.ui.customer_list.CustomerList` (the board's quadrants) and
:class:`~segtui.ui.rows.RowList` (the planner's and other screens' lists) both
render only the rows on screen; each says how many rows it has and how many fit.
"""

from __future__ import annotations

from textual.scroll_view import ScrollView


class CursorView(ScrollView):
    """A scrolled list of rows with a ``cursor`` reactive (defined by each list)."""

    cursor: int

    @property
    def row_count(self) -> int:
        raise NotImplementedError

    @property
    def visible_rows(self) -> int:
        """How many rows fit on screen."""
        return max(1, self.scrollable_content_region.height)

    def _scroll_to_cursor(self) -> None:
        top = self.scroll_offset.y
        height = self.visible_rows
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def _move(self, delta: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(self.row_count - 1, self.cursor + delta))

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_page_up(self) -> None:
        self._move(-max(1, self.visible_rows - 1))

    def action_page_down(self) -> None:
        self._move(max(1, self.visible_rows - 1))

    def action_first(self) -> None:
        self._move(-self.row_count)

    def action_last(self) -> None:
        self._move(self.row_count)
