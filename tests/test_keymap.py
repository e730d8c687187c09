"""The key map file and the start-up theme."""

from __future__ import annotations

import pytest

from segtui.ui.keymap import KeymapError, load_keymap, load_theme, save_theme, terminal_theme


def test_dotted_and_quoted_ids_both_work(tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text('board.search = "ctrl+f"\n"board.sort" = "o"\n[app]\nplanner = ["p", "w"]\n')
    assert load_keymap(path) == {"board.search": "ctrl+f", "board.sort": "o", "app.planner": "p,w"}


def test_no_file_is_no_remapping(tmp_path):
    assert load_keymap(tmp_path / "missing.toml") == {}


def test_a_bad_value_names_the_binding(tmp_path):
    path = tmp_path / "keymap.toml"
    path.write_text("board.search = 3\n")
    with pytest.raises(KeymapError, match="board.search"):
        load_keymap(path)


def test_the_theme_is_remembered(tmp_path):
    save_theme(tmp_path / "theme.toml", "nord")
    assert load_theme(tmp_path / "theme.toml") == "nord"
    assert load_theme(tmp_path / "nothing.toml") is None


def test_sixteen_colour_terminals_start_with_the_ansi_theme():
    assert terminal_theme({}) == "ansi-dark"
    assert terminal_theme({"TERM": "xterm"}) == "ansi-dark"
    assert terminal_theme({"TERM": "xterm-256color"}) is None
    assert terminal_theme({"TERM": "xterm", "COLORTERM": "truecolor"}) is None
