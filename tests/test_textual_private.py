"""Each part of Textual that is not its public API and that segtui relies on
(segtui/ui/textual_private.py), checked on the installed Textual: an upgrade that changes
one fails here, by name."""

from __future__ import annotations

import inspect

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.widgets import Footer, Tab, Tabs

from segtui import i18n
from segtui.ui import translated  # noqa: F401  (the footer's keys in the app's language)
from segtui.ui.textual_private import (
    ErrorHooks,
    bindings_of,
    close_with,
    keymap_of,
    nothing_mounted,
    show_keys_now,
    underline_tab,
)


class Hooked(ErrorHooks):
    BINDINGS = [Binding("x", "explode", "Explode", id="test.explode"), Binding("q", "quit", "Quit")]

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield Footer()

    def action_explode(self) -> None:
        raise ValueError("from an action")

    def action_failed(self, error: Exception, action_name: str) -> bool:
        self.seen.append(("action", action_name))
        return True

    def unhandled(self, error: Exception) -> bool:
        self.seen.append(("unhandled", type(error).__name__))
        close_with(self, "segtui: ended")
        return True

    def on_key(self, event) -> None:
        if event.key == "b":
            raise KeyError("from a handler")


async def test_an_actions_error_and_a_handlers_error_reach_the_apps_own_methods() -> None:
    app = Hooked()
    async with app.run_test() as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert app.seen == [("action", "explode")] and app.is_running
        await pilot.press("b")
        await pilot.pause()
    assert ("unhandled", "KeyError") in app.seen
    assert app.return_code == 1  # close_with: ended as for an error, without the traceback


async def test_nothing_mounted_is_done_at_once() -> None:
    app = Hooked()
    async with app.run_test():
        await nothing_mounted(app.screen)  # returns: nothing to wait for


async def test_the_bindings_of_a_node_and_the_key_map() -> None:
    app = Hooked()
    async with app.run_test() as pilot:
        assert "x" in bindings_of(app).key_to_bindings
        app.set_keymap({"test.explode": "y"})
        assert keymap_of(app) == {"test.explode": "y"}
        await pilot.press("y")
        await pilot.pause()
        assert app.seen == [("action", "explode")]


def test_the_footer_waits_for_its_bindings_flag() -> None:
    assert "_bindings_ready" in inspect.getsource(Footer.compose)
    footer = Footer()
    show_keys_now(footer)
    assert footer._bindings_ready is True


async def test_the_footers_keys_are_said_in_the_apps_language() -> None:
    from textual.widgets._footer import FooterKey

    i18n.use("sv")
    try:
        app = Hooked()
        async with app.run_test() as pilot:
            await pilot.pause()
            said = [key.description for key in app.query(FooterKey)]
            swedish = i18n._("Quit")
    finally:
        i18n.use("en")
    assert swedish != "Quit" and swedish in said and "Quit" not in said


class Tabbed(App):
    def compose(self) -> ComposeResult:
        yield Tabs(Tab("One", id="one"), Tab("Two", id="two"))


async def test_the_tabs_bar_is_placed_where_asked() -> None:
    app = Tabbed()
    async with app.run_test() as pilot:
        await pilot.pause()
        underline_tab(app.screen, 2, 7)
        bars = list(app.query("Underline"))
        assert bars and all((bar.highlight_start, bar.highlight_end) == (2, 7) for bar in bars)
