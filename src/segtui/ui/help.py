"""The help screen: every key of the screen underneath and of the app, from their bindings."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static


@dataclass(frozen=True)
class KeyHelp:
    section: str
    keys: str
    description: str
    binding_id: str | None


def _section(node) -> str:
    from textual.app import App

    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Screen):
        return "This screen"
    return "In the list"


def keys_of(screen: Screen) -> list[KeyHelp]:
    """Every binding that applies on ``screen`` (focused widget, screen, app), keys merged
    per action and after the user's key map."""
    app = screen.app
    entries: dict[tuple[str, str], KeyHelp] = {}
    order: list[tuple[str, str]] = []
    for node, bindings_map in screen._binding_chain:
        section = _section(node)
        for key, bindings in bindings_map.key_to_bindings.items():
            for binding in bindings:
                if binding.system or not binding.description:
                    continue
                name = (section, f"{binding.action}|{binding.description}")
                display = app.get_key_display(Binding(key, binding.action))
                if name in entries:
                    old = entries[name]
                    if display not in old.keys.split(" "):
                        entries[name] = KeyHelp(section, f"{old.keys} {display}", old.description, old.binding_id)
                else:
                    entries[name] = KeyHelp(section, display, binding.tooltip or binding.description, binding.id)
                    order.append(name)
    sections = {"In the list": 0, "This screen": 1, "Everywhere": 2}
    return sorted((entries[n] for n in order), key=lambda e: sections[e.section])


class HelpScreen(ModalScreen[None]):
    """Every key, with what it does."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    #help-box { width: 112; max-width: 100%; height: 90%; border: round $accent; background: $surface; padding: 0 1; }
    #help-box > .section { text-style: bold; color: $text-accent; margin-top: 1; }
    #help-box > .hint { color: $text-muted; }
    """

    BINDINGS = [Binding("escape,q,question_mark,f1", "close", "Close help", id="help.close")]

    def __init__(self, entries: list[KeyHelp], config_hint: str = "", legend: str = "") -> None:
        super().__init__()
        self.entries = entries
        self.config_hint = config_hint
        self.legend = legend

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Label("[b]Keys[/b]")
            if self.config_hint:
                yield Static(self.config_hint, classes="hint")
            section = None
            for entry in self.entries:
                if entry.section != section:
                    section = entry.section
                    yield Static(section, classes="section")
                # plain Text, not markup: a key like "[" must show as itself
                yield Static(Text.assemble("  ", (f"{entry.keys:<22}", "bold"), " ", entry.description), classes="key")
            if self.legend:
                yield Static("What the columns mean", classes="section")
                yield Static(self.legend, classes="legend")

    def action_close(self) -> None:
        self.dismiss(None)
