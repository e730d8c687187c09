"""The planner in Swedish: every text it shows has a translation, no English word is left (the words of
the English catalog that no Swedish translation uses, as tests/test_i18n_screens.py reads them), and its
figures follow the Swedish locale."""

from __future__ import annotations

import pytest
from books import planner_host, settle
from conftest import DEMO_TODAY as TODAY
from test_i18n_screens import english_on, english_words, screen_text

from segtui import i18n
from segtui.store import plan as plan_store
from segtui.store.book import open_book


@pytest.fixture
def swedish():
    i18n.use("sv")
    yield
    i18n.use("en")


def planned_book(path):
    """The demo week planned, its first item done with an outcome, as the snapshots have it."""
    book = open_book(path)
    plan_store.plan_week(book, TODAY, TODAY)
    first = plan_store.week_items(book, TODAY)[0]
    plan_store.mark_done(book, first.id, TODAY, "Asked for an offer")
    return book


def no_english(text: str, words: set[str]) -> None:
    assert english_on(text, words) == set(), text


async def until_screen(pilot, name: str) -> None:
    """Until the screen on top is ``name``; raises after 4 seconds."""
    for _ in range(200):
        await pilot.pause(0.02)
        if type(pilot.app.screen).__name__ == name:
            await settle(pilot)
            return
    raise TimeoutError(f"{name} did not open; {type(pilot.app.screen).__name__} is on top")


def segtui_app(book, config_dir):
    from segtui.ui.app import SegtuiApp

    return SegtuiApp(book, as_of=TODAY, config_dir=config_dir)


async def test_the_planner_in_swedish(demo_book_copy, tmp_path_factory, swedish) -> None:
    book = planned_book(demo_book_copy)
    words = english_words()
    app = segtui_app(book, tmp_path_factory.mktemp("sv"))  # a path without English words
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("w")  # from the board, as a rep opens it
        await until_screen(pilot, "PlannerScreen")
        week = screen_text(app)
        assert "Vecka 48 av 53 · 2026 · 23 nov. – 29 nov. 2026 · den här veckan" in week
        assert "må 23 nov." in week and "fr 27 nov." in week  # the days' columns
        assert "Kontaktreglerna kräver" in week and "Akt. " in week and "Dagens samtal" in week
        assert "Uppföljning" in week and "Klart 1 av" in week and "Högvilt" in week
        assert "Planera veckan" in week and "Tillbaka" in week
        assert "Utfall: Bad om offert" not in week  # stored as typed: the English outcome stays English
        no_english(week.replace("Asked for an offer", ""), words)

        await pilot.press("j")  # the second item: planned, with its reason
        await settle(pilot)
        no_english(screen_text(app), words)

        await pilot.press("tab")  # the due list and a due customer's detail
        await settle(pilot)
        due = screen_text(app)
        assert "prioritet " in due and "lägg in" in due
        assert any(f" {code} " in due for code in ("HV", "KK", "SM", "BB"))
        no_english(due, words)

        await pilot.press("p", "]")  # plan this week again, then next week: nothing planned yet
        await settle(pilot)
        later = screen_text(app)
        assert "Vecka 49 av 53" in later and "inget planerat" in later
        no_english(later, words)

        await pilot.press("[", "tab")
        await settle(pilot)
        await pilot.press("j", "o")  # the outcome form of a planned visit
        await until_screen(pilot, "FormScreen")
        form = screen_text(app)
        assert "Utfall av " in form and "(markerar som klar)" in form and "Uppföljning den" in form
        assert "ÅÅÅÅ-MM-DD (tomt: ingen)" in form
        no_english(form, words)
        await pilot.press("escape")
        await until_screen(pilot, "PlannerScreen")

        await pilot.press("question_mark")
        await until_screen(pilot, "HelpScreen")
        help_text = "\n".join(str(s.render()) for s in app.screen.query("Static"))  # all of it, scrolled or not
        assert "Föregående vecka" in help_text and "På en dag: B besök" in help_text
        no_english(help_text, words)
    assert i18n.missing() == set()


async def test_a_narrow_short_planner_in_swedish(demo_book_copy, tmp_path_factory, swedish) -> None:
    """One day at a time (its strip of days) and one line of policy: the folded texts in Swedish too."""
    book = planned_book(demo_book_copy)
    words = english_words()
    app = segtui_app(book, tmp_path_factory.mktemp("sv"))  # a path without English words
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await until_screen(pilot, "PlannerScreen")
        text = screen_text(app)
        assert "←/→ dag" in text and "Regler: " in text and "besök/v." in text
        no_english(text.replace("Asked for an offer", ""), words)
    assert i18n.missing() == set()


def test_planner_snapshot_in_swedish(snap_compare, demo_book_copy, swedish) -> None:
    book = planned_book(demo_book_copy)

    async def run_before(pilot) -> None:
        await settle(pilot, final=0.1)
        await pilot.press("j")
        await settle(pilot, final=0.1)

    assert snap_compare(planner_host(book, TODAY), terminal_size=(120, 36), run_before=run_before)


# Reasons as the planner stores them (domain/planning.py builds them from its phrases), with how Swedish reads them.
REASONS = {
    "Big game · 18 days overdue · contract with Bufab ends 2027-01-15 · upgrade candidate: every 7 days":
        "Högvilt · 18 dagar försenad · avtal med Bufab löper ut 15 jan. 2027 · uppgraderingskandidat: var 7:e dag",
    "Cash cows · 1 day overdue · potential only estimated: confirm it with the checklist":
        "Kassakor · 1 dag försenad · potentialen är bara uppskattad: bekräfta den med checklistan",
    "Small fry · win back · silent: orders every 21 days, none for 64 · last contact Mon 7 Dec":
        "Småttingar · återvinna · tyst: beställer var 21:e dag, ingen på 64 · senaste kontakt mån 7 dec.",
    "Cash cows · win back · declining: bought 35% less than the 12 months before":
        "Kassakor · återvinna · minskande: köpte 35\xa0% mindre än de 12 månaderna före",
    "Cash cows · due today · declining: no net revenue in the last 12 months":
        "Kassakor · aktuell i dag · minskande: ingen nettoomsättning de senaste 12 månaderna",
    "Big game · due Thu 10 Dec · lapsed: no order since 2025-11-02":
        "Högvilt · aktuell tors 10 dec. · tappad: ingen order sedan 2 nov. 2025",
    "Small fry · never contacted · lapsed: no order for 12 months":
        "Småttingar · aldrig kontaktad · tappad: ingen order på 12 månader",
    "Needs assessment · call to assess · contacted Fri 4 Dec, no estimate entered yet":
        "Behöver bedömning · samtal för bedömning · kontaktad fre 4 dec., ingen uppskattning inmatad än",
    "Needs assessment · visit to assess · never contacted": "Behöver bedömning · besök för bedömning · aldrig kontaktad",
    "Big game · follow-up Tue 12 Jan": "Högvilt · uppföljning tis 12 jan.",
    "Follow-up: Asked for an offer": "Uppföljning: Asked for an offer",  # the rep's own words, as typed
    "Follow-up": "Uppföljning",
}


@pytest.mark.parametrize("stored", sorted(REASONS))
def test_a_stored_reason_reads_in_swedish(stored, swedish) -> None:
    from segtui.domain.planning import say_reason

    assert say_reason(stored) == REASONS[stored]
    assert i18n.missing() == set()


def test_a_stored_reason_reads_as_stored_in_english() -> None:
    from segtui.domain.planning import say_reason

    i18n.use("en")
    for stored in REASONS:
        assert say_reason(stored) == stored
    assert say_reason("Kept for the fair · met at Elmia") == "Kept for the fair · met at Elmia"


def test_every_phrase_of_a_reason_has_its_swedish(swedish) -> None:
    """Each phrase the planner builds reasons from is read back (none is left in English)."""
    from segtui.domain import planning

    samples = {"day": "Wed 9 Dec", "date": "2026-12-09", "days": "3", "gap": "21", "drop": "35%", "competitor": "Bufab"}
    words = english_words()
    for phrase in planning._PHRASES:
        stored = phrase.format(**samples)
        said = planning.say_reason(stored)
        assert said != stored and english_on(said.replace("Bufab", ""), words) == set(), stored
    assert i18n.missing() == set()


async def test_the_reasons_on_the_planner_in_swedish(demo_book_copy, swedish) -> None:
    """The week's items and the due customers say why in Swedish; the book keeps them in English."""
    book = planned_book(demo_book_copy)
    stored = {i.reason for i in plan_store.week_items(book, TODAY)}
    assert any("overdue" in r or "never contacted" in r for r in stored)  # the book's reasons are English
    words = english_words()
    app = planner_host(book, TODAY)
    seen = []
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for _ in range(4):
            await pilot.press("j")
            await settle(pilot)
            seen.append(str(app.screen.query_one("#detail").render()))
        await pilot.press("tab")
        for _ in range(4):
            await pilot.press("j")
            await settle(pilot)
            seen.append(str(app.screen.query_one("#detail").render()))
    text = "\n".join(seen)
    assert "försenad" in text or "aldrig kontaktad" in text
    assert english_on(text, words) == set(), text
    assert i18n.missing() == set()
