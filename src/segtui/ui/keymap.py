"""The user's key map: ``keymap.toml`` in the config folder remaps any binding by its id.

    # ~/.config/segtui/keymap.toml
    "board.search" = "ctrl+f"
    "app.planner" = "p,w"        # several keys: comma-separated

Dotted keys without quotes (``board.search = "ctrl+f"``) work too: TOML reads them
as tables, which are flattened back to binding ids.
"""

from __future__ import annotations

from pathlib import Path


class KeymapError(ValueError):
    """A key map file that cannot be read, explained in one line."""


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, name + "."))
        elif isinstance(value, str):
            out[name] = value.replace(" ", "")
        elif isinstance(value, list) and all(isinstance(v, str) for v in value):
            out[name] = ",".join(v.strip() for v in value)
        else:
            raise KeymapError(f"{name}: a key must be text like \"ctrl+f\" (got {value!r})")
    return out


def load_keymap(path: Path) -> dict[str, str]:
    """Binding id → keys, from ``path``; {} when the file does not exist."""
    if not path.exists():
        return {}
    import tomllib  # only with a file to read: it costs start-up time

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise KeymapError(f"{path}: {error}") from None
    return _flatten(data)


MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})


def is_key(key: str) -> bool:
    """True when ``key`` names a key the way Textual does: ``ctrl+f``, ``f1``, ``question_mark``, ``?``."""
    from textual.keys import KEY_ALIASES, REPLACED_KEYS, Keys, key_to_character

    *modifiers, base = key.strip().lower().split("+")
    if not base or not set(modifiers) <= MODIFIERS:
        return False
    if len(base) == 1 or base in KEY_ALIASES or base in {k.value for k in Keys if "+" not in k.value}:
        return True
    return key_to_character(REPLACED_KEYS.get(base, base)) is not None


def binding_ids() -> set[str]:
    """The id of every binding of the app's screens and widgets (what a key map may remap)."""
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import segtui.ui

    ids = set()
    for info in pkgutil.iter_modules(segtui.ui.__path__):
        module = importlib.import_module(f"segtui.ui.{info.name}")
        for _name, klass in inspect.getmembers(module, inspect.isclass):
            for cls in klass.__mro__:
                ids.update(b.id for b in cls.__dict__.get("BINDINGS", ()) if isinstance(b, Binding) and b.id)
    return ids


def keymap_problems(keymap: dict[str, str], known: set[str]) -> list[str]:
    """What in ``keymap`` is not used, in words: a binding id that does not exist, a key that is not one."""
    from segtui.i18n import _

    problems = []
    for binding_id, keys in keymap.items():
        if binding_id not in known:
            problems.append(_("there is no binding {id}").format(id=binding_id))
            continue
        for key in keys.split(","):
            if not is_key(key):
                problems.append(_("{id} = '{key}': '{key}' is not a key").format(id=binding_id, key=key))
    return problems


def load_theme(path: Path) -> str | None:
    """The theme the user picked last time, if any (a broken file is ignored)."""
    if not path.exists():
        return None
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    theme = data.get("theme")
    return theme if isinstance(theme, str) else None


def save_theme(path: Path, theme: str) -> None:
    """Remember the theme; a config folder that cannot be written is not an error."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"theme = {theme!r}\n".replace("'", '"'), encoding="utf-8")
    except OSError:
        pass


def terminal_theme(environ: dict[str, str]) -> str | None:
    """'ansi-dark' for terminals that only show 16 colours, else None (Textual's default)."""
    colorterm = environ.get("COLORTERM", "").lower()
    term = environ.get("TERM", "").lower()
    if colorterm in ("truecolor", "24bit") or "256" in term or "direct" in term:
        return None
    return "ansi-dark"
