"""The help screen: every key of the screen underneath and of the app, from their bindings."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from segtui.i18n import N_, _
from segtui.ui.textual_private import bindings_of, keymap_of


@dataclass(frozen=True)
class KeyHelp:
    section: str
    keys: str
    description: str
    binding_ids: tuple[str, ...]  # every binding on this line (e.g. q and ctrl+q both quit)


EVERYWHERE = N_("Everywhere")
THIS_SCREEN = N_("This screen")
IN_A_LIST = N_("In a list")


def _declared_by(node, binding_id: str | None):
    """The most basic class of ``node`` whose own BINDINGS declare ``binding_id``."""
    found = None
    for klass in type(node).__mro__:
        own = klass.__dict__.get("BINDINGS") or ()
        if any(isinstance(b, Binding) and b.id == binding_id for b in own):
            found = klass
    return found


def _widget_section(klass) -> str:
    return klass.__dict__.get("HELP_SECTION") or IN_A_LIST


def _nodes(screen: Screen):
    """(node, section or None for 'per declaring class') for every node whose keys apply on ``screen``."""
    for widget in screen.query("*"):
        if type(widget).__module__.startswith("segtui.") and bindings_of(widget).key_to_bindings:
            yield widget, None
    yield screen, THIS_SCREEN
    yield screen.app, EVERYWHERE


def keys_of(screen: Screen) -> list[KeyHelp]:
    """Every binding that applies somewhere on ``screen`` — its widgets (each list's keys under
    the list they work in), the screen and the app — keys merged per binding and after the
    user's key map. One line per action in each place, every key on it: a binding shared by
    many widgets (the same list keys) shows once."""
    app = screen.app
    keymap = keymap_of(app)
    entries: dict[tuple[str, str, str], KeyHelp] = {}
    order: list[tuple[str, str, str]] = []
    for node, section in _nodes(screen):
        bindings_map = bindings_of(node).copy()
        if keymap:
            bindings_map.apply_keymap(keymap)
        for key, bindings in bindings_map.key_to_bindings.items():
            for binding in bindings:
                if binding.system or not binding.description:
                    continue
                where = section
                if where is None:
                    klass = _declared_by(node, binding.id) if binding.id else None
                    if klass is None or not klass.__module__.startswith("segtui."):
                        continue  # the framework's own keys inside a widget (scrolling, editing)
                    where = _widget_section(klass)
                name = (where, binding.action, binding.description)
                display = app.get_key_display(Binding(key, binding.action))
                ids = (binding.id,) if binding.id else ()
                if name in entries:
                    old = entries[name]
                    keys = old.keys if display in old.keys.split(" ") else f"{old.keys} {display}"
                    ids = old.binding_ids + tuple(i for i in ids if i not in old.binding_ids)
                    entries[name] = KeyHelp(old.section, keys, old.description, ids)
                else:
                    entries[name] = KeyHelp(where, display, _(binding.tooltip or binding.description), ids)
                    order.append(name)
    sections = [entries[n].section for n in order]
    rank = {s: i for i, s in enumerate(dict.fromkeys(s for s in sections if s not in (IN_A_LIST, THIS_SCREEN, EVERYWHERE)))}
    rank.update({IN_A_LIST: len(rank), THIS_SCREEN: len(rank) + 1, EVERYWHERE: len(rank) + 2})
    return sorted((entries[n] for n in order), key=lambda e: rank[e.section])


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
            yield Label("[b]" + _("Keys") + "[/b]")
            if self.config_hint:
                yield Static(self.config_hint, classes="hint")
            section = None
            for entry in self.entries:
                if entry.section != section:
                    section = entry.section
                    yield Static(_(section), classes="section")
                # plain Text, not markup: a key like "[" must show as itself
                yield Static(Text.assemble("  ", (f"{entry.keys:<22}", "bold"), " ", entry.description), classes="key")
            if self.legend:
                yield Static(_("What the columns mean"), classes="section")
                yield Static(self.legend, classes="legend")

    def action_close(self) -> None:
        self.dismiss(None)
