"""The Textual application: the board as home screen, and the doors to the other screens."""

from __future__ import annotations

import datetime as dt
import importlib
import threading
from pathlib import Path
from typing import Iterable

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from segtui import clock
from segtui.i18n import N_, _, number, said
from segtui.store.book import Book
from segtui.ui import collector
from segtui.ui import translated  # noqa: F401  (Textual's footer in the app's language)
from segtui.ui.board import PANELS, BoardScreen
from segtui.ui.errors import GuardedApp


def _customer_commands():
    from segtui.ui.commands import CustomerCommands

    return CustomerCommands


def _last_sync(book: Book) -> str | None:
    """When the book last synced with its team, in local time to the minute, or None."""
    from segtui.store.team import last_sync

    stamp = last_sync(book)
    if not stamp:
        return None
    moment = dt.datetime.fromisoformat(stamp).replace(tzinfo=dt.timezone.utc).astimezone()
    return moment.strftime("%Y-%m-%d %H:%M")


class SegtuiApp(GuardedApp):
    """segtui: the board of loyalty × potential and the week's plan."""

    TITLE = "segtui"
    COMMANDS = App.COMMANDS | {lambda: _customer_commands()}
    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True, id="app.quit_ctrl"),
        Binding("w", "planner", "Planner", id="app.planner"),
        Binding("i", "import", "Import", id="app.import"),
        Binding("comma", "settings", "Settings", id="app.settings"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("f1", "help", "Help", show=False, id="app.help_f1"),
        Binding("ctrl+p", "command_palette", "Commands", show=False, priority=True, id="app.palette"),
        Binding("ctrl+y", "sync", "Sync with the team", show=False, id="app.sync"),
    ]

    def __init__(
        self,
        book: Book,
        as_of: dt.date | None = None,
        config_dir: Path | None = None,
        theme: str | None = None,
        notice: str | None = None,
        cache_dir: Path | None = None,
        today: dt.date | None = None,
    ):
        """``config_dir`` holds keymap.toml and the remembered theme (default: the
        platform config folder); ``cache_dir`` the board as last shown, one file per
        book (default: the platform cache folder); ``theme`` is the theme to start with when the user
        has not picked one (the command line picks ``ansi-dark`` for 16-colour terminals);
        ``notice`` is said once the app is up (e.g. where a new book was made);
        ``today`` is the day the data's age is judged on and that ``d`` stores as
        "today" (default: ``as_of``, else the clock — so a test that pins ``as_of``
        never depends on the day it runs)."""
        collector.hold_full_passes()  # until the board is painted (see segtui.ui.collector)
        super().__init__()
        self.book = book
        self.today = today or as_of or clock.today()
        self.as_of = as_of or self.today
        keep_at = snapshot = None
        if book.path != ":memory:":
            from segtui.ui import snapshot as snapshots

            if cache_dir is None:
                from segtui.paths import cache_dir as platform_cache_dir

                cache_dir = platform_cache_dir()
            keep_at = snapshots.path_for(cache_dir, Path(book.path))
            snapshot = snapshots.for_book(keep_at, Path(book.path))
        self.synced = _last_sync(book)
        self.sub_title = self._sub_title(None)
        self.board = BoardScreen(book, self.as_of, snapshot=snapshot, keep_at=keep_at, today=self.today)
        self._config_dir = config_dir
        self._start_theme = theme
        self._notice = notice

    # --- leaving ----------------------------------------------------------------------
    leaving = False

    def close_book(self) -> None:
        """Close the book once the app has ended. When nothing was saved to it since the board's
        snapshot was read, the snapshot then holds the closed file's fingerprint, so the next
        start paints it (closing folds the write-ahead log into the file)."""
        kept, keep_at = self.board.kept, self.board.keep_at
        try:
            unchanged = kept is not None and self.book.stamp() == kept[0]
        except Exception:  # a book that cannot say: the next start reads it before it shows it
            unchanged = False
        self.book.close()
        if unchanged and keep_at is not None:
            from segtui.ui import snapshot as snapshots

            snapshots.restamp(keep_at, Path(self.book.path), kept[1])

    def exit(self, *args, **kwargs) -> None:
        self.leaving = True
        collector.release()  # closed before the board read the book
        super().exit(*args, **kwargs)

    def push_screen(self, screen, callback=None, wait_for_dismiss=False, **kwargs):
        """As Textual's; but once the app is closing (a key typed right after q), nothing more opens."""
        if self.leaving and not wait_for_dismiss:
            from segtui.ui.textual_private import nothing_mounted

            return nothing_mounted(self.screen)
        return super().push_screen(screen, callback, wait_for_dismiss, **kwargs)

    @property
    def config_dir(self) -> Path:
        if self._config_dir is None:
            from segtui.paths import config_dir

            self._config_dir = config_dir()
        return self._config_dir

    @property
    def keymap_path(self) -> Path:
        return self.config_dir / "keymap.toml"

    # --- start ----------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        return self.board

    def on_mount(self) -> None:
        from segtui.ui.keymap import load_theme

        theme = load_theme(self.config_dir / "theme.toml") or self._start_theme
        if theme in self.available_themes:
            self.theme = theme
        self._theme_loaded = True
        self._apply_keymap()
        if self._notice:
            self.notify(self._notice, markup=False, timeout=8)
        self._preloading = self.set_interval(0.2, self._preload)

    def _preload(self) -> None:
        """Once the board shows the book, import the customer screen on a thread, so
        the first enter does not wait for the import."""
        if not self.board.loaded:
            return
        self._preloading.stop()
        threading.Thread(target=importlib.import_module, args=("segtui.ui.customer",), daemon=True).start()

    def watch_theme(self, theme: str) -> None:
        """Remember the theme picked in the command palette for next time."""
        if getattr(self, "_theme_loaded", False):
            from segtui.ui.keymap import save_theme

            save_theme(self.config_dir / "theme.toml", theme)

    def _apply_keymap(self) -> None:
        from segtui.ui.keymap import KeymapError, load_keymap

        try:
            keymap = load_keymap(self.keymap_path)
        except KeymapError as error:
            self.notify(_("Key map not used: {error}").format(error=error), severity="warning", timeout=8)
            return
        if keymap:
            from segtui.domain.display import shown
            from segtui.ui.keymap import binding_ids, keymap_problems

            self.set_keymap(keymap)
            problems = keymap_problems(keymap, binding_ids())
            if problems:
                self.notify(
                    shown(_("Key map {path}: {problems} (not used; the README lists every binding id)").format(
                        path=self.keymap_path, problems="; ".join(problems))),
                    title=_("Key map"), severity="warning", timeout=15, markup=False,
                )

    def _sub_title(self, newest: dt.date | None) -> str:
        from segtui.i18n import day

        last = _(", its newest order") if newest is not None and newest == self.as_of and newest < self.today else ""
        synced = _(" · synced {when}").format(when=self.synced) if self.synced else ""
        return _("{book} · as of {day}{last}{synced}").format(book=self.book.name, day=day(self.as_of), last=last,
                                                               synced=synced)

    def show_title(self) -> None:
        """The book's name and as-of day (said to be the newest order day when it is), and when it last synced."""
        self.sub_title = self._sub_title(self.board.newest_order)
        self.board.show_title()

    # --- the team book (docs/team.md) ------------------------------------------------
    def action_sync(self) -> None:
        """Send this book's changes to the team book and take the team's, on a thread."""
        import os

        if self.book.readonly:
            self.notify(_("This book is read-only: it cannot sync."), severity="warning", markup=False)
            return
        url = self.book.settings().get("team.url", "") or os.environ.get("SEGTUI_TEAM_URL", "")
        if not url:
            self.notify(_("No team book: set team.url in the settings (,) or SEGTUI_TEAM_URL."),
                        severity="warning", markup=False, timeout=8)
            return
        self.notify(_("Syncing with the team book…"), markup=False, timeout=3)
        self.run_worker(lambda: self._sync(url), thread=True, exclusive=True, group="sync")

    def _sync(self, url: str) -> None:
        from segtui.store.team import TeamError, sync

        try:
            result = sync(self.book, url, clock.now_utc())
        except (TeamError, Exception) as error:  # noqa: BLE001 - said on screen, the book is as it was
            self.call_from_thread(self.notify, said(error), severity="error", markup=False, timeout=10)
            return
        self.call_from_thread(self._synced, result, _last_sync(self.book))

    def _synced(self, result, when: str | None) -> None:
        self.synced = when
        self.show_title()
        from segtui.store.team import conflict_line

        lines = [_("Synced: sent {sent}, received {received}.").format(
            sent=number(result.pushed), received=number(result.pulled))]
        lines += [conflict_line(c) for c in result.conflicts[:3]]
        if len(result.conflicts) > 3:
            lines.append(_("… and {count} more").format(count=len(result.conflicts) - 3))
        self.notify("\n".join(lines), markup=False, timeout=10)
        if result.pulled:
            self.board.reload()

    # --- the as-of day --------------------------------------------------------------
    def set_as_of(self, day: dt.date) -> None:
        """See the whole book as it was on ``day``, and remember the day in the book
        (``view.as_of``; today is remembered as empty, so it follows the calendar)."""
        self.as_of = day
        self.show_title()
        self.board.set_as_of(day)
        if not self.book.readonly:
            self._remember_as_of("" if day == self.today else day.isoformat())

    @work(thread=True, exclusive=True, group="remember-as-of")
    def _remember_as_of(self, value: str) -> None:
        from segtui.store.book import BookError

        try:
            self.book.set_setting("view.as_of", value)
        except BookError as error:  # busy or full: the day is shown, only not remembered
            self.call_from_thread(self.notify, _("The day is not remembered: {reason}").format(reason=said(error)),
                                  severity="warning", markup=False)

    # --- doors to the other screens -------------------------------------------------
    def open_customer(self, customer_id: int) -> None:
        from segtui.ui.customer import CustomerScreen

        # what the board has read of the customer paints at once (not a kept board's
        # rows from the last start: those may be out of date)
        segment = getattr(self.board.current_row, "customer", None) if self.board.loaded else None
        self.push_screen(
            CustomerScreen(self.book, customer_id, self.as_of, segment=segment),
            lambda _edited: self.board.reload(follow=customer_id),
        )

    def new_customer(self) -> None:
        """A form for a new customer (a prospect without orders); saved, it opens on its screen."""
        from segtui.store.records import MASTER_FIELDS
        from segtui.ui.customer import CustomerScreen, check_master_form, customer_fields
        from segtui.ui.errors import writes_allowed
        from segtui.ui.form import FormScreen

        if not writes_allowed(self, self.book):
            return

        def saved(values: dict | None) -> None:
            if values is not None:
                self.push_screen(CustomerScreen(self.book, None, self.as_of, new=values),
                                 lambda _edited: self.board.reload(follow=None))

        self.push_screen(FormScreen("A new customer (a prospect: no orders yet)",
                                    customer_fields(MASTER_FIELDS, {}, new=True), check_master_form), saved)

    def open_archived(self) -> None:
        """The archived customers: enter opens one, X on its screen restores it."""
        from segtui.ui.archived import ArchivedScreen

        if self._back_to(ArchivedScreen):
            return
        self.push_screen(ArchivedScreen(self.book, self.as_of), lambda _changed: self._after())

    def open_duplicates(self) -> None:
        """The customers that look like one company, pair by pair: keep one, merge the other into it."""
        from segtui.ui.duplicates import DuplicatesScreen

        if self._back_to(DuplicatesScreen):
            return
        self.push_screen(DuplicatesScreen(self.book, self.as_of, self.today),
                         lambda merged: self.board.reload() if merged else None)

    def _back_to(self, screen_type: type[Screen]) -> bool:
        """If a ``screen_type`` is open already, pop down to it (no second copy) and say so."""
        for screen in reversed(self.screen_stack):
            if isinstance(screen, screen_type):
                while self.screen is not screen:
                    self.pop_screen()
                return True
        return False

    def open_mailing(self) -> None:
        """The Small fry quadrant's mailing list (also `m` in the planner)."""
        from segtui.ui.mailing import MailingScreen

        if self._back_to(MailingScreen):
            return
        self.push_screen(MailingScreen(self.book, self.as_of))

    def export_contacts(self) -> None:
        """The contacts of the customers the board shows (its search and filter; else every
        customer on it) to a new vCard file in the documents folder, as the mailing list's export."""
        from segtui.paths import documents_dir
        from segtui.ui.mailing import free_name

        board = self.board
        only = None
        if board.loaded and board.view.narrowed:
            only = {r.customer.source_id for rows in board.view.apply(board.rows).values() for r in rows}
        self._export_contacts(free_name(documents_dir(), f"contacts-{self.today.isoformat()}", ".vcf"), only)

    @work(thread=True, group="contacts-export")
    def _export_contacts(self, path: Path, only: set[str] | None) -> None:
        from segtui.i18n import ngettext
        from segtui.io.export import contacts_vcard, write_new
        from segtui.store.book import BookError
        from segtui.store.records import book_contacts

        try:
            contacts = [c for c in book_contacts(self.book) if only is None or c.source_id in only]
            if not contacts:
                text = (_("None of the customers the board shows has a contact: no file written") if only is not None
                        else _("No customer has a contact yet: no file written"))
                self.call_from_thread(self.notify, text, severity="warning", markup=False)
                return
            cards = contacts_vcard(contacts)
            write_new(path, lambda temp: temp.write_bytes(cards))
        except BookError as error:
            self.call_from_thread(self.notify, said(error), severity="error", markup=False)
            return
        except FileExistsError:
            self.call_from_thread(self.notify, _("{name} appeared while exporting: nothing written over it, "
                                                 "export again").format(name=path.name), severity="error", markup=False)
            return
        except OSError as error:
            self.call_from_thread(self.notify, _("Could not write {path}: {error}").format(
                path=path, error=error.strerror or error), severity="error", markup=False)
            return
        customers = len({c.source_id for c in contacts})
        text = ngettext("Wrote 1 contact to {path}", "Wrote {count:,} contacts to {path}", len(contacts)).format(
            count=len(contacts), path=path)
        text += "\n" + (ngettext("from 1 customer the board shows", "from {count:,} customers the board shows",
                                  customers) if only is not None
                         else ngettext("from 1 customer", "from {count:,} customers", customers)).format(count=customers)
        self.call_from_thread(self.notify, text, title=_("Contacts exported"), timeout=10, markup=False)

    def open_review(self, confirm_all: bool = False) -> None:
        """The customers whose potential is only estimated, one after another (docs/review.md);
        ``confirm_all``: ask at once whether to confirm every one of them (the palette's)."""
        from segtui.ui.review import ReviewScreen

        if self._back_to(ReviewScreen):
            if confirm_all:
                self.screen.action_confirm_all()
            return
        board = self.board
        segments = [r.customer for r in board.rows] if board.loaded and board.as_of == self.as_of else None
        only = None  # the board's search and filter narrow the review too
        if board.loaded and board.view.narrowed:
            only = {r.customer.id for rows in board.view.apply(board.rows).values() for r in rows}
        self.push_screen(ReviewScreen(self.book, self.as_of, segments, only, confirm_all=confirm_all),
                         lambda saved: self.board.reload() if saved else None)

    def open_planner(self) -> None:
        from segtui.ui.planner import PlannerScreen

        if self._back_to(PlannerScreen):
            return
        self.push_screen(PlannerScreen(self.book, self.as_of), lambda _result: self._after())

    def open_import(self) -> None:
        from segtui.ui.importer import ImportScreen

        if self._back_to(ImportScreen):
            return
        self.push_screen(ImportScreen(self.book, self.as_of, today=self.today), self._after_import)

    def _after_import(self, summary) -> None:
        """Back from an import: old data moved the book's day (view.as_of), so show that day."""
        if summary is not None and getattr(summary, "view_as_of_set", False) and summary.view_as_of:
            if summary.view_as_of != self.as_of:
                self.as_of = summary.view_as_of
                self.show_title()
                self.board.set_as_of(summary.view_as_of)
                return
        self._after()

    def open_settings(self) -> None:
        from segtui.ui.settings import SettingsScreen

        if self._back_to(SettingsScreen):
            return
        self.push_screen(SettingsScreen(self.book), lambda _changed: self._after())

    def _after(self) -> None:
        """Back from import or settings: read the book again; the board says who moved."""
        self.board.reload()

    def show_on_board(self, customer_id: int) -> None:
        """Bring the board forward and select a customer on it."""
        while len(self.screen_stack) > 1 and self.screen is not self.board:
            self.pop_screen()
        self.board.select_customer(customer_id)

    # --- actions --------------------------------------------------------------------
    def action_planner(self) -> None:
        self.open_planner()

    def action_review(self) -> None:
        self.open_review()

    def action_import(self) -> None:
        self.open_import()

    def action_new_customer(self) -> None:
        self.new_customer()

    def action_archived(self) -> None:
        self.open_archived()

    def action_duplicates(self) -> None:
        self.open_duplicates()

    def action_settings(self) -> None:
        self.open_settings()

    def action_help(self) -> None:
        from segtui.ui.help import HelpScreen, keys_of

        if type(self.screen).__name__ == "HelpScreen":
            return
        hint = _("Remap any key in {path} — e.g. \"board.search\" = \"ctrl+f\" (ids in the README).").format(
            path=self.keymap_path)
        legend = self.board.legend if self.screen is self.board else getattr(self.screen, "HELP_LEGEND", "")
        self.push_screen(HelpScreen(keys_of(self.screen), hint, legend))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from translated.system_commands(self._commands(screen))
        if screen is self.board:
            for index, quadrant in enumerate(PANELS):
                yield SystemCommand(
                    _("Go to {quadrant}").format(quadrant=quadrant.label),
                    _("Jump to {quadrant} ({key})").format(quadrant=quadrant.label, key=index + 1)
                    + (f" · Go to {quadrant.value.replace('_', ' ')}" if _("Go to {quadrant}") != "Go to {quadrant}" else ""),
                    lambda index=index: self.board.action_jump(index),
                )

    def _commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """The palette's commands in English (translated on their way out)."""
        yield from super().get_system_commands(screen)
        board = self.board
        yield SystemCommand(N_("Planner"), N_("Plan the week: visits, calls, due and overdue (w)"), self.open_planner)
        yield SystemCommand(N_("Review estimates"),
                            N_("Confirm, correct or skip the potentials that are only estimated, one customer at a time (e)"),
                            self.open_review)
        yield SystemCommand(N_("Confirm all estimates"),
                            N_("Make every estimated potential the board shows your own, after one question with "
                               "the count and total (Y in the review; ctrl+z there takes them back)"),
                            lambda: self.open_review(confirm_all=True))
        yield SystemCommand(N_("Mailing list"), N_("Small fry with their e-mail addresses: copy, export, mark mailed (m in the planner)"),
                            self.open_mailing)
        yield SystemCommand(N_("Import"), N_("Import orders or customers from a file (i)"), self.open_import)
        yield SystemCommand(N_("Settings"), N_("Thresholds, contact policies and capacity (,)"), self.open_settings)
        yield SystemCommand(N_("Help"), N_("Every key (? or F1)"), self.action_help)
        yield SystemCommand(N_("Sync with the team"), N_("Send your changes to the team book, take the team's (ctrl+y)"),
                            self.action_sync)
        yield SystemCommand(N_("New customer"), N_("Add a prospect with no orders yet (n on the board)"), self.new_customer)
        yield SystemCommand(N_("Archived customers"), N_("See and restore archived customers (A on the board)"),
                            self.open_archived)
        yield SystemCommand(N_("Find duplicates"),
                            N_("Customers that look like one company: keep one, merge the other into it (D on the board)"),
                            self.open_duplicates)
        customer = getattr(screen, "customer_commands", None)
        if customer is not None:
            yield from customer()
        if screen is board:
            yield SystemCommand(N_("Search customers"), N_("By name, city or id (/)"), board.action_search)
            yield SystemCommand(N_("Filter"), N_("By revenue class, XYZ, group, city, owner (f)"), board.action_filter)
            yield SystemCommand(N_("Clear filters"), N_("Show every customer again (esc)"), board.action_clear)
            yield SystemCommand(N_("Change sort"), N_("Priority, revenue, loyalty, name (s)"), board.action_cycle_sort)
            yield SystemCommand(N_("Reload the book"), N_("Read the book again (r)"), board.action_reload)
            yield SystemCommand(N_("As of another day"), N_("See the book as it was on a day (d)"), board.action_as_of)
            yield SystemCommand(N_("Export contacts (vCard)"),
                                N_("The contacts of the customers the board shows, to a new .vcf file for a phone"),
                                self.export_contacts)
            if board.threshold_offer is not None:
                yield SystemCommand(N_("Use the book's own class thresholds"),
                                    N_("Thresholds from its own figures, since nobody is class A or B now (T)"),
                                    board.action_accept_thresholds)
