"""The user's key map: ``keymap.toml`` in the config folder remaps any binding by its id.

    # ~/.config/segtui/keymap.toml
    "board.search" = "ctrl+f"
    "app.planner" = "p,w"        # several keys: comma-separated

Dotted keys without quotes (``board.search = "ctrl+f"``) work too: TOML reads them
as tables, which are flattened back to binding ids.
"""

from __future__ import annotations

from pathlib import Path

from segtui.i18n import _


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
            raise KeymapError(_('{name}: a key must be text like "ctrl+f" (got {value})').format(name=name,
                                                                                              value=repr(value)))
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
