"""A message in place of the app, for when there is no book to show: `segtui BOOK`
on a file that is not a book (or is busy, damaged, from a newer segtui) shows
the reason on a screen with a key to quit, never a traceback."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header

from segtui.domain.display import shown
from segtui.ui.display import Shown

from segtui.i18n import _


class MessageScreen(Screen[None]):
    """A heading, the message and what to do next; any quit key closes it."""

    BINDINGS = [
        Binding("q", "close", "Quit", id="message.quit"),
        Binding("escape", "close", "Quit", show=False, id="message.back"),
        Binding("enter", "close", "Quit", show=False, id="message.enter"),
        Binding("ctrl+q", "close", "Quit", show=False, id="message.quit_ctrl"),
    ]

    DEFAULT_CSS = """
    MessageScreen {
        align: center middle;
    }
    MessageScreen > #message-box {
        width: 80%;
        max-width: 100;
        height: auto;
        border: round $error;
        padding: 1 2;
    }
    MessageScreen #message-heading {
        text-style: bold;
        margin-bottom: 1;
    }
    MessageScreen #message-hint {
        margin-top: 1;
        color: $text-muted;
    }
    """

    def __init__(self, heading: str, message: str, hint: str | None = None) -> None:
        super().__init__()
        self.heading = heading
        self.message = message
        self.hint = _("Press q, Escape or Enter to quit.") if hint is None else hint

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="message-box"):
            yield Shown(self.heading, id="message-heading", markup=False)
            yield Shown(self.message, id="message-text", markup=False)
            yield Shown(self.hint, id="message-hint", markup=False)
        yield Footer()

    def action_close(self) -> None:
        self.app.exit(return_code=1)


class MessageApp(App[None]):
    """The whole app when the book cannot be opened: one message, one key to quit."""

    TITLE = "segtui"
    ENABLE_COMMAND_PALETTE = False

    def __init__(self, heading: str, message: str, sub_title: str = "") -> None:
        super().__init__()
        self.heading = heading
        self.message = message
        if sub_title:
            self.sub_title = shown(sub_title)  # the file's name

    def on_mount(self) -> None:
        self.push_screen(MessageScreen(self.heading, self.message))


def show_message(heading: str, message: str, sub_title: str = "") -> None:
    """Run the message app until the user quits it."""
    MessageApp(heading, message, sub_title).run()
