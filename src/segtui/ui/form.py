"""A small modal form: labelled fields, each checked by a parser, errors shown next to the field.

Nothing is returned (so nothing is saved) until every field parses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from segtui.ui.display import Shown, ShownLabel
from segtui.domain.customer import InputError
from segtui.i18n import _


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    value: str = ""
    parse: Callable[[str], Any] = lambda text: text
    placeholder: str = ""
    hint: str = ""
    suggestions: tuple[str, ...] = ()  # offered as you type (→ takes one); any other text is fine too


class FormScreen(ModalScreen[dict[str, Any] | None]):
    """Dismisses with {name: parsed value} when every field is valid, None when cancelled."""

    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    FormScreen > #form { width: 112; height: auto; border: round $accent; background: $panel; padding: 0 1; }
    FormScreen #form-title { text-style: bold; margin-bottom: 1; }
    FormScreen .row { height: 3; }
    FormScreen .label { width: 18; padding-top: 1; }
    FormScreen Input { width: 52; }
    FormScreen #form-failed { width: 1fr; padding: 0; margin-bottom: 1; }
    FormScreen .error { width: 1fr; padding: 1 0 0 1; color: $error; }
    FormScreen .hint { width: 1fr; padding: 1 0 0 1; color: $text-muted; }
    FormScreen #form-help { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="form.cancel"),
        Binding("ctrl+s", "submit", "Save", id="form.save"),
    ]

    def __init__(self, title: str, fields: list[Field], check: Callable[[dict[str, Any]], dict[str, str]] | None = None,
                 failed: str | None = None):
        super().__init__()
        self.title_text = title
        self.fields = fields
        self.check = check
        self.failed = failed  # why the last try with these values was not saved (the form opens again)
        self.errors: dict[str, str] = {}
        self.typed: dict[str, str] = {}  # the texts as typed, kept when the form is saved

    def again(self, failed: str) -> "FormScreen":
        """The same form, holding what was typed, saying why it was not saved: a save that
        the book refused (busy, full, read-only) never loses what the rep typed."""
        import dataclasses

        fields = [dataclasses.replace(f, value=self.typed.get(f.name, f.value)) for f in self.fields]
        return type(self)(self.title_text, fields, self.check, failed=failed)

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield ShownLabel(self.title_text, id="form-title", markup=False)  # holds the customer's name
            if self.failed:
                yield Shown(_("{reason} — what you typed is still here: ctrl+s saves again").format(reason=self.failed),
                            id="form-failed", classes="error", markup=False)
            for f in self.fields:
                with Horizontal(classes="row"):
                    yield ShownLabel(f.label, classes="label")
                    suggester = SuggestFromList(f.suggestions, case_sensitive=False) if f.suggestions else None
                    yield Input(f.value, placeholder=f.placeholder, id=f"field-{f.name}", suggester=suggester)
                    yield Shown(f.hint, id=f"error-{f.name}", classes="hint", markup=False)
            yield Shown(_("enter next field / save · ctrl+s save · escape cancel"), id="form-help")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index < len(inputs) - 1:
            inputs[index + 1].focus()
        else:
            self.action_submit()

    def on_input_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        note = self.query_one(f"#error-{name}", Static)
        if note.has_class("error"):
            note.remove_class("error").add_class("hint")
            note.update(next((f.hint for f in self.fields if f.name == name), ""))

    def action_submit(self) -> None:
        values: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for f in self.fields:
            text = self.query_one(f"#field-{f.name}", Input).value
            try:
                values[f.name] = f.parse(text)
            except InputError as error:
                errors[f.name] = str(error)
        if not errors and self.check is not None:
            errors = self.check(values)
        self.errors = errors
        for f in self.fields:
            note = self.query_one(f"#error-{f.name}", Static)
            if f.name in errors:
                note.remove_class("hint").add_class("error")
                note.update(errors[f.name])
            else:
                note.remove_class("error").add_class("hint")
                note.update(f.hint)
        if errors:
            first = next(f for f in self.fields if f.name in errors)
            self.query_one(f"#field-{first.name}", Input).focus()
            self.notify(_("Not saved: {error}").format(error=next(iter(errors.values()))), severity="error", timeout=4,
                        markup=False)
            return
        self.typed = {f.name: self.query_one(f"#field-{f.name}", Input).value for f in self.fields}
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def error_text(self, name: str) -> str:
        """The message shown next to a field (for tests and screen readers)."""
        return self.errors.get(name, "")
