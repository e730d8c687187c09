"""The command palette: jump to any customer by name (selects it on the board)."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


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
                matcher.highlight(c.name),
                partial(app.show_on_board, c.id),
                help=f"{row.quadrant.label} · {c.city or 'no city'} · id {c.source_id}",
            )

    async def discover(self) -> Hits:
        app = self.app
        for row in sorted(self._rows(), key=lambda r: -(r.priority or -1e9))[:10]:
            yield DiscoveryHit(
                row.customer.name,
                partial(app.show_on_board, row.id),
                help=f"{row.quadrant.label} · most urgent",
            )
