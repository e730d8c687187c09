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


async def test_a_keymap_typo_is_named_not_ignored(tmp_path) -> None:
    import datetime as dt

    from board_books import fill_small_book, loaded

    from segtui.store.book import open_book
    from segtui.ui.app import SegtuiApp

    book = open_book(":memory:")
    fill_small_book(book)
    (tmp_path / "keymap.toml").write_text(
        '"board.serch" = "ctrl+f"\n"board.sort" = "ctlr+o"\n"board.search" = "ctrl+f,question_mark"\n', encoding="utf-8"
    )
    app = SegtuiApp(book, as_of=dt.date(2026, 11, 23), config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        [note] = [n.message for n in app._notifications if "Key map" in n.message]
        assert "there is no binding board.serch" in note
        assert "board.sort = 'ctlr+o': 'ctlr+o' is not a key" in note
        assert "board.search" not in note.replace("board.serch", "")  # the good line is used, not named
        await pilot.press("ctrl+f")
        assert app.focused.id == "search"


def test_key_names_are_checked_as_textual_reads_them() -> None:
    from segtui.ui.keymap import binding_ids, is_key

    for good in ("ctrl+f", "f1", "?", "question_mark", "slash", "/", "shift+tab", "escape", "enter", "ctrl+shift+a",
                 "A", "space", "pageup"):
        assert is_key(good), good
    for bad in ("ctlr+f", "contrl", "f99", "", "ctrl+", "hoem"):
        assert not is_key(bad), bad
    assert {"board.search", "board.sort"} <= binding_ids()
