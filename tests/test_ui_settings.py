"""The Settings screen, driven with keys through Textual's Pilot."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Input, Label

from segtui.domain.settings import REGISTRY, sections
from segtui.ui.settings import SettingRow, SettingsScreen

SIZE = (120, 36)
ORDER = [key for _, keys in sections() for key in keys]


class Host(App):
    """A bare app that opens the Settings screen and keeps what it dismissed with."""

    TITLE = "segtui"

    def __init__(self, book) -> None:
        super().__init__()
        self.book = book
        self.result: list[bool] = []

    def on_mount(self) -> None:
        self.push_screen(SettingsScreen(self.book), self.result.append)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def focused_key(app) -> str:
    focused = app.focused
    while focused is not None and not isinstance(focused, SettingRow):
        focused = focused.parent
    return focused.key


def help_text(app, key: str) -> str:
    row = app.screen.query_one(f"#setting-{key.replace('.', '-')}", SettingRow)
    return str(row.query_one(".help", Label).render())


async def test_lists_every_setting_grouped_with_value_and_help(book) -> None:
    app = Host(book)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        rows = app.screen.query(SettingRow)
        assert [r.key for r in rows] == ORDER
        assert set(ORDER) == set(REGISTRY)
        sections = [str(label.render()) for label in app.screen.query(".section")]
        assert sections[:6] == ["Classes", "Loyalty", "Frequency", "Groups", "Contact policies", "Capacity"]
        assert focused_key(app) == "abc.mode"
        assert help_text(app, "abc.a_above") == REGISTRY["abc.a_above"].help


async def test_moves_with_arrows_and_vim_keys(book) -> None:
    app = Host(book)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "j")
        assert focused_key(app) == "abc.b_from"
        await pilot.press("k")
        assert focused_key(app) == "abc.a_above"
        await pilot.press("up", "up")
        assert focused_key(app) == "abc.mode"
        await pilot.press("end")
        assert focused_key(app) == ORDER[-1]
        await pilot.press("home")
        assert focused_key(app) == "abc.mode"


async def test_enter_edits_and_saves_at_once(book) -> None:
    app = Host(book)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "enter")
        field = app.screen.query_one("#edit", Input)
        assert field.value == "2000000" and app.focused is field
        field.value = ""
        await pilot.press(*"2500000", "enter")
        await settle(pilot)
        assert book.settings()["abc.a_above"] == "2500000"  # saved in the book already
        assert not app.screen.query("#edit")
        assert focused_key(app) == "abc.a_above"
        await pilot.press("escape")
        await pilot.pause()
    assert app.result == [True]


async def test_a_bad_value_is_explained_next_to_the_field_and_not_saved(book) -> None:
    app = Host(book)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # abc.mode
        app.screen.query_one("#edit", Input).value = ""
        await pilot.press(*"magic", "enter")
        await settle(pilot)
        assert help_text(app, "abc.mode") == "'magic' is not one of: fixed, pareto"
        assert app.screen.query("#edit")  # still editing
        assert book.settings()["abc.mode"] == "fixed"
        await pilot.press("escape")  # cancels the edit …
        await pilot.pause()
        assert not app.screen.query("#edit") and help_text(app, "abc.mode") == REGISTRY["abc.mode"].help
        await pilot.press("escape")  # … and then goes back
        await pilot.pause()
    assert app.result == [False]


async def test_cross_checks_between_settings(book) -> None:
    app = Host(book)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "enter")  # abc.b_from
        app.screen.query_one("#edit", Input).value = ""
        await pilot.press(*"3000000", "enter")
        await settle(pilot)
        assert help_text(app, "abc.b_from") == "abc.b_from must not be above abc.a_above"
        assert book.settings()["abc.b_from"] == "1000000"


async def test_r_restores_the_default(book) -> None:
    book.set_setting("xyz.x_from", "30")
    app = Host(book)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#setting-xyz-x_from", SettingRow).focus()
        await pilot.press("r")
        await settle(pilot)
        assert book.settings()["xyz.x_from"] == "24"
        row = app.screen.query_one("#setting-xyz-x_from", SettingRow)
        assert str(row.query_one(".value", Label).render()) == "24"
        await pilot.press("escape")
        await pilot.pause()
    assert app.result == [True]


async def test_percentages_are_normalised(book) -> None:
    app = Host(book)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one("#setting-loyalty-high_from", SettingRow).focus()
        await pilot.press("enter")
        app.screen.query_one("#edit", Input).value = ""
        await pilot.press(*"60%", "enter")
        await settle(pilot)
        assert book.settings()["loyalty.high_from"] == "0.6"


@pytest.mark.parametrize("readonly", [True])
async def test_a_read_only_book_says_so(book, readonly) -> None:
    book.readonly = readonly
    app = Host(book)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert not app.screen.query("#edit")
        assert "read-only" in help_text(app, "abc.mode")


def test_every_binding_has_an_id() -> None:
    assert all(binding.id for binding in SettingsScreen.BINDINGS)
