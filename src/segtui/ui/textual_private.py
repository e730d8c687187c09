"""Every place segtui relies on a part of Textual that is not its public API, in one module.

Textual is pinned (pyproject.toml). An upgrade moves the pin and runs the suite, and
tests/test_textual_private.py checks each piece below on the installed Textual, so a change
there fails one named test instead of the app at a rep's desk. Everything else in ui/ uses
Textual's public API only.

- ``App._handle_exception`` and ``App._dispatch_action`` (:class:`ErrorHooks`): Textual has
  no public hook that sees an exception raised by an action (a key) or inside its own message
  handling; ``Worker.StateChanged`` sees a worker's only, after Textual has already decided to
  stop the app for it.
- ``App._return_code`` and ``App._exception_event`` (:func:`close_with`): ending the app with
  one line and exit status 1 the way Textual ends it for an error, without its traceback.
- ``Footer._bindings_ready`` (:func:`show_keys_now`): a footer that shows its keys from its
  first frame, not after the first bindings change.
- ``AwaitMount`` (:func:`nothing_mounted`): what ``push_screen`` returns when the app is
  closing and opens nothing, so a caller that awaits it goes on.
- ``DOMNode._bindings`` and ``App._keymap`` (:func:`bindings_of`, :func:`keymap_of`): the help
  screen lists every key of every widget on the screen after the user's key map; Textual's
  public ``active_bindings`` gives only the focused chain's.
- ``textual.widgets._footer.FooterKey`` (:func:`translate_footer_keys`): the footer is Textual's
  and makes a key's label from the binding's description as written (English); there is no
  public hook to say it in the app's language, so the key's constructor is wrapped once.
- The tabs' ``Underline`` (``highlight_start``/``highlight_end``, :func:`underline_tab`): the bar
  under the active tab placed before the first layout, saving a paint on opening a customer.
"""

from __future__ import annotations

from typing import Any, Callable

from textual.app import App
from textual.binding import BindingsMap
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.widgets import Footer


class ErrorHooks(App):
    """An App whose unexpected errors go to two methods of its own: :meth:`unhandled` (an
    exception Textual would end the app for) and :meth:`action_failed` (an action's)."""

    def unhandled(self, error: Exception) -> bool:
        """True when the error was dealt with; False lets Textual end the app its way."""
        return False

    def action_failed(self, error: Exception, action_name: str) -> bool:
        """What the action gives back when it raised (True: handled); raise to let it through."""
        raise error

    def _handle_exception(self, error: Exception) -> None:
        if not self.unhandled(error):
            super()._handle_exception(error)

    async def _dispatch_action(self, namespace: DOMNode, action_name: str, params: Any) -> bool:
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except Exception as error:
            return self.action_failed(error, action_name)


def close_with(app: App, line: str) -> None:
    """End ``app`` for an error it cannot go on after: exit status 1 and ``line`` printed when the
    terminal is given back (no traceback)."""
    app._return_code = 1
    app._exception_event.set()  # nothing is left to wait for (Pilot waits on this)
    app.panic(line)


def show_keys_now(footer: Footer) -> None:
    """``footer`` shows the screen's keys from its first compose on."""
    footer._bindings_ready = True


def nothing_mounted(screen: Screen) -> AwaitMount:
    """An awaitable of a mount that mounts nothing (done at once)."""
    return AwaitMount(screen, [])


def bindings_of(node: DOMNode) -> BindingsMap:
    """The keys ``node`` itself binds (its class's and the ones it added), before any key map."""
    return node._bindings


def keymap_of(app: App) -> dict[str, str]:
    """The user's key map the app runs with (binding id → keys)."""
    return app._keymap


def underline_tab(node: DOMNode, start: int, end: int) -> None:
    """The tabs' bar inside ``node`` under the cells ``start`` to ``end``."""
    for underline in node.query("Underline"):
        underline.highlight_start, underline.highlight_end = start, end


def translate_footer_keys(translate: Callable[[str], str]) -> None:
    """Every key Textual's footer makes from now on says its description and tooltip through
    ``translate`` (once per process: a second call changes nothing)."""
    from textual.widgets import _footer

    made = _footer.FooterKey.__init__
    if getattr(made, "translated", False):
        return

    def translated(self, key, key_display, description, action, disabled=False, tooltip="", classes=""):
        made(self, key, key_display, translate(description), action, disabled=disabled, tooltip=translate(tooltip),
             classes=classes)

    translated.translated = True  # type: ignore[attr-defined]
    _footer.FooterKey.__init__ = translated  # type: ignore[method-assign]
