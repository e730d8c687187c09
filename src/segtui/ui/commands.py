"""The command palette: jump to any customer by name (selects it on the board).

Names and cities are the book's text: they go to the palette as ``Content`` (never read as
markup) and through the render rule; the help line, which the palette reads as markup, is
escaped."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from segtui.domain.display import shown, shown_same_length
from segtui.i18n import _


def _help(text: str) -> str:
    """The palette reads a help line as markup: every ``[`` is escaped (Textual's ``escape``
    leaves a bracket that is not a well-formed tag, such as ``[/b city``, which then fails)."""
    return shown(text).replace("[", "\\[")


def _highlight(matcher, name: str) -> Content:
    """``name`` as written, its matched letters marked (the palette's own highlight reads markup)."""
    content = Content(shown_same_length(name))
    score, offsets = matcher.fuzzy_search.match(matcher.query, name)
    if score:
        for offset in offsets:
            if not name[offset].isspace():
                content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


class CustomerCommands(Provider):
    """Customers by name (and city), from the rows the board already holds."""

    def _rows(self):
        board = getattr(self.app, "board", None)
        return board.rows if board is not None else []

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        app = self.app
        hits = []
        for row in self._rows():
            c = row.customer
            score = matcher.match(c.name)
            if score > 0:
                hits.append((score, row))
        hits.sort(key=lambda h: -h[0])
        for score, row in hits[:200]:
            c = row.customer
            yield Hit(
                score,
                _highlight(matcher, c.name),
                partial(app.show_on_board, c.id),
                text=c.name,
                help=_help(f"{row.quadrant.label} · {c.city or _('no city')} · id {c.source_id}"),
            )

    async def discover(self) -> Hits:
        app = self.app
        for row in sorted(self._rows(), key=lambda r: -(r.priority or -1e9))[:10]:
            yield DiscoveryHit(
                Content(shown(row.customer.name)),
                partial(app.show_on_board, row.id),
                text=row.customer.name,
                help=_help(_("{quadrant} · most urgent").format(quadrant=row.quadrant.label)),
            )
