"""Textual's own widgets speaking the app's language.

A binding's description is written once, in English, where the binding is declared
(and marked for the catalog with ``N_``); it is translated where it is shown. The
footer is Textual's, so its keys translate their text as they are made. In English
nothing changes: ``_()`` gives back the English text.
"""

from __future__ import annotations

from segtui.i18n import N_, _
from segtui.ui.textual_private import translate_footer_keys

translate_footer_keys(_)


# Textual's own texts that the app shows (its keys in the help, its commands in the palette),
# marked here so the catalogs carry them.
TEXTUAL_TEXTS = (
    N_("Copy selected text"),
    N_("Bell"), N_("Ring the bell"),
    N_("Theme"), N_("Change the current theme"),
    N_("Quit"), N_("Quit the application as soon as possible"),
    N_("Keys"), N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"), N_("Minimize the widget and restore to normal size"),
    N_("Maximize"), N_("Maximize the focused widget"),
    N_("Screenshot"), N_("Save an SVG 'screenshot' of the current screen"),
    N_("palette"), N_("Open the command palette"),
    N_("Focus Next"), N_("Focus Previous"),
)


def system_commands(commands):
    """Textual's palette commands with their title and help in the app's language; in a language
    other than English the English title stays searchable after the translation."""
    from textual.app import SystemCommand

    from segtui.i18n import SOURCE, language

    for command in commands:
        title = _(command.title)
        help_text = _(command.help)
        if language() != SOURCE and title != command.title:
            help_text = f"{help_text} · {command.title}"
        yield SystemCommand(title, help_text, command.callback, command.discover)
