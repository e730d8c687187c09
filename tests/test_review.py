"""The review of estimated potentials (DESIGN §4 "Review", docs/review.md): the order
rule, the queue read from the book, and the screen's keys on a tiny book."""

from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from board_books import loaded
from books import settle
from review_books import AS_OF, fill_review_book, assessments

from segtui.domain.review import ReviewItem, review_order
from segtui.domain.segments import Quadrant
from segtui.store.review import review_queue
from segtui.ui.app import SegtuiApp
from segtui.ui.review import ReviewScreen


def item(cid: int, budget: int, revenue_12m: int, window: int = 0, name: str = "X") -> ReviewItem:
    return ReviewItem(cid, f"S{cid}", name, None, revenue_12m, window, "C", 1, "Z", None, None, budget,
                      "estimated: 80th percentile of 20 peers — everyone", "B", None, Quadrant.BIG_GAME)


# --- the order ---------------------------------------------------------------------
def test_largest_headroom_first_then_revenue_then_name() -> None:
    items = [
        item(1, budget=100, revenue_12m=90),  # headroom 10
        item(2, budget=500, revenue_12m=100),  # 400
        item(3, budget=300, revenue_12m=0, window=50, name="b"),  # 300
        item(4, budget=300, revenue_12m=0, window=80, name="c"),  # 300, more revenue in the window
        item(5, budget=300, revenue_12m=0, window=50, name="A"),  # 300, same revenue, name first
        item(6, budget=50, revenue_12m=80),  # bought more than the estimate: headroom 0
    ]
    assert [i.customer_id for i in review_order(items)] == [2, 4, 5, 3, 1, 6]
    assert item(6, budget=50, revenue_12m=80).headroom == 0


@given(st.lists(st.tuples(st.integers(0, 10**9), st.integers(-10**6, 10**9), st.integers(-10**6, 10**9),
                          st.sampled_from(["a", "B", "c"])), max_size=30))
def test_the_order_is_by_headroom_and_the_same_whatever_order_comes_in(rows) -> None:
    items = [item(n, b, r, w, name) for n, (b, r, w, name) in enumerate(rows)]
    ordered = review_order(items)
    assert sorted(i.customer_id for i in ordered) == list(range(len(items)))
    headrooms = [i.headroom for i in ordered]
    assert headrooms == sorted(headrooms, reverse=True)
    assert all(h >= 0 for h in headrooms)
    assert review_order(reversed(items)) == ordered


# --- the queue ---------------------------------------------------------------------
def test_the_queue_holds_only_estimated_customers_largest_headroom_first(book) -> None:
    ids = fill_review_book(book)
    queue = review_queue(book, AS_OF)
    names = [i.name for i in queue.items]
    assert "Zeta AB" not in names  # an entered budget is the rep's already
    assert set(names) == {"Alfa AB", "Beta AB", "Gamma AB", "Delta AB", "Epsilon AB"}
    assert names[0] == "Beta AB" and names[-1] == "Epsilon AB"  # Epsilon buys at its peers' level
    first = queue.items[0]
    assert first.basis.startswith("estimated: 80th percentile of 3 peers")
    assert first.revenue_12m == 9_000_000 and first.revenue_window == 18_000_000
    assert first.quadrant is Quadrant.BIG_GAME and queue.estimates_on
    # the board's rows give the same queue without a second read
    from segtui.store.segments import segment_book

    assert review_queue(book, AS_OF, segment_book(book, AS_OF)).items == queue.items
    # confirmed customers leave the queue
    from segtui.store.customers import confirm_estimate

    confirm_estimate(book, ids["Beta AB"], AS_OF)
    assert [i.name for i in review_queue(book, AS_OF).items][0] == "Delta AB"


def test_checklist_progress_is_counted(book) -> None:
    from segtui.store.customers import set_checklist_answer

    ids = fill_review_book(book)
    set_checklist_answer(book, ids["Beta AB"], _first_question(), AS_OF, "yes")
    beta = next(i for i in review_queue(book, AS_OF).items if i.name == "Beta AB")
    assert (beta.answered, beta.pointing_up) == (1, 1)


def _first_question() -> str:
    from segtui.domain.checklist import QUESTION_KEYS

    return QUESTION_KEYS[0]


# --- the screen --------------------------------------------------------------------
async def open_review(app, pilot) -> ReviewScreen:
    await loaded(app, pilot)
    await pilot.press("e")
    await settle(pilot)
    assert isinstance(app.screen, ReviewScreen)
    return app.screen


def shown(screen: ReviewScreen, selector: str) -> str:
    """The text of one of the screen's lines, as printed."""
    from rich.console import Console

    console = Console(width=120, record=True, file=open("/dev/null", "w"))
    console.print(screen.query_one(selector).content)
    return console.export_text()


def body(screen: ReviewScreen) -> str:
    return shown(screen, "#review-body")


async def test_confirm_correct_skip_and_undo_change_the_book(book, tmp_path) -> None:
    ids = fill_review_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        order = [i.name for i in screen.items]
        assert order[:3] == ["Beta AB", "Delta AB", "Alfa AB"]
        title = shown(screen, "#review-title")
        assert "1 of 5" in title
        assert "Beta AB" in str(screen.query_one("#review-card").border_title)
        assert "80th percentile of 3 peers" in body(screen) and "Big game" in body(screen)

        beta_budget = screen.items[0].budget
        await pilot.press("y")  # confirm Beta AB
        await settle(pilot)
        assert assessments(book, ids["Beta AB"]) == [("2026-11-23", beta_budget, "confirmed")]
        assert screen.position == 1 and "2 of 5" in shown(screen, "#review-title")

        await pilot.press(*"900000", "enter")  # correct Delta AB: 900 000 a year
        await settle(pilot)
        assert assessments(book, ids["Delta AB"]) == [("2026-11-23", 90_000_000, "entered")]
        assert "Corrected: Delta AB" in shown(screen, "#review-status")

        await pilot.press("s")  # skip Alfa AB
        await settle(pilot)
        assert assessments(book, ids["Alfa AB"]) == []
        assert screen.current.name == "Gamma AB"

        await pilot.press("ctrl+z")  # takes back the correction, and shows Delta AB again
        await settle(pilot)
        assert assessments(book, ids["Delta AB"]) == []
        assert screen.current.name == "Delta AB"
        assert assessments(book, ids["Beta AB"]) == [("2026-11-23", beta_budget, "confirmed")]
        await pilot.press("ctrl+z")  # and the confirmation
        await settle(pilot)
        assert assessments(book, ids["Beta AB"]) == [] and screen.current.name == "Beta AB"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert "Nothing to undo" in shown(screen, "#review-status")

        await pilot.press("y")  # Beta again; then through to the end
        for _ in range(4):
            await pilot.press("s")
        await settle(pilot)
        assert screen.current is None
        assert "All estimates reviewed" in body(screen)
        assert "1 confirmed" in body(screen) and "skipped" in body(screen)
        await pilot.press("r")  # the skipped ones again, read afresh
        await settle(pilot)
        assert [i.name for i in screen.items] == ["Delta AB", "Alfa AB", "Gamma AB", "Epsilon AB"]
        await pilot.press("escape")  # back to the board, which reads the book again
        await loaded(app, pilot)
        assert app.screen is app.board
        beta = next(r for r in app.board.rows if r.id == ids["Beta AB"])
        assert beta.customer.estimate.source == "entered"


async def test_a_bad_figure_is_explained_and_nothing_is_saved(book, tmp_path) -> None:
    ids = fill_review_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        await pilot.press("1", "2", "x", "enter")
        await settle(pilot)
        error = shown(screen, "#review-error")
        assert "not an amount" in error
        assert assessments(book, ids["Beta AB"]) == [] and screen.position == 0
        await pilot.press("escape")  # closes the input, stays on the review
        await pilot.pause()
        assert app.screen is screen and not screen._input_open()
        # below what they bought in the last 12 months (90 000): asked once more
        await pilot.press("c", *"500", "enter")
        await settle(pilot)
        assert "less than they bought" in shown(screen, "#review-error")
        assert assessments(book, ids["Beta AB"]) == []
        await pilot.press("enter")
        await settle(pilot)
        assert assessments(book, ids["Beta AB"]) == [("2026-11-23", 50_000, "entered")]


async def test_nothing_to_review_says_so(book, tmp_path) -> None:
    fill_review_book(book)
    book.set_setting("potential.estimate", "off")
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        assert screen.items == []
        text = body(screen)
        assert "All estimates reviewed" in text and "Estimates are off" in text


async def test_an_empty_book_has_words_too(book, tmp_path) -> None:
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        assert "All estimates reviewed" in body(screen) and "No customer's potential is only estimated" in body(screen)


async def test_the_palette_opens_the_review(book, tmp_path) -> None:
    fill_review_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.board)]
        assert "Review estimates" in titles
        next(c for c in app.get_system_commands(app.board) if c.title == "Review estimates").callback()
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen) and len(app.screen.items) == 5


async def test_read_only_book_saves_nothing(tmp_path) -> None:
    from segtui.store.book import open_book

    path = tmp_path / "ro.db"
    writable = open_book(path)
    ids = fill_review_book(writable)
    writable.close()
    path.chmod(0o444)
    book = open_book(path)
    try:
        app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path, cache_dir=tmp_path)
        async with app.run_test(size=(120, 36)) as pilot:
            screen = await open_review(app, pilot)
            await pilot.press("y")
            await settle(pilot)
            assert screen.position == 0 and assessments(book, ids["Beta AB"]) == []
    finally:
        book.close()
        path.chmod(0o644)


def test_review_snapshot(snap_compare) -> None:
    from textual.app import App

    from segtui.store.book import open_book

    book = open_book(":memory:")
    fill_review_book(book)

    class Host(App):
        def on_mount(self) -> None:
            self.push_screen(ReviewScreen(book, AS_OF))

    async def run_before(pilot) -> None:
        await settle(pilot, final=0.1)
        await pilot.press("s")
        await settle(pilot, final=0.1)

    assert snap_compare(Host(), terminal_size=(100, 30), run_before=run_before)


async def test_the_review_keeps_to_the_boards_search(book, tmp_path) -> None:
    """Searched or filtered, the board's `e` reviews only the customers it shows."""
    fill_review_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("slash", *"delta", "enter")
        await settle(pilot)
        assert app.board.view.narrowed
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert [i.name for i in screen.items] == ["Delta AB"]
        assert "the board's search and filter · 1 of 1" in shown(screen, "#review-title")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("slash", *"zzz-nobody", "enter")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert app.screen.items == [] and "None of the customers the board's search" in body(app.screen)


# --- a typed share sets the loyalty ------------------------------------------------
@given(st.integers(0, 100))
def test_a_share_typed_with_a_per_cent_sign_or_as_a_decimal_is_a_loyalty(percent) -> None:
    from segtui.domain.review import LOYALTY, read_typed

    for text in (f"{percent}%", f"{percent} %", f"{percent / 100:.2f}", f"{percent / 100:.2f}".replace(".", ",")):
        typed = read_typed(text)
        assert typed is not None and typed.kind == LOYALTY, text
        assert abs(typed.value - percent / 100) < 1e-9, text


@given(st.integers(1, 10**9), st.sampled_from(["{:d}", "{:,d}", "{:_d}", "{:_d}|.", "{:_d}|\u00a0"]))
@example(1000, "{:,d}")  # 1,000 is a thousand, not a loyalty of 1.0 (docs/amounts.md)
@example(1000, "{:_d}|.")  # 1.000 too
@example(1, "{:d}")
def test_any_other_figure_is_the_yearly_budget(units, pattern) -> None:
    from segtui.domain.review import BUDGET, read_typed

    form, _, thousands = pattern.partition("|")
    text = form.format(units).replace("_", thousands or " ")
    typed = read_typed(text)
    assert typed is not None and typed.kind == BUDGET and typed.value == units * 100


@pytest.mark.parametrize("text, kind, value", [
    ("1,000", "budget", 100_000), ("1.000", "budget", 100_000), ("1 000", "budget", 100_000),
    ("1,5", "budget", 150), ("60", "budget", 6_000), ("1,0", "loyalty", 1.0), ("1.00", "loyalty", 1.0),
    ("0,5", "loyalty", 0.5), ("0,125", "loyalty", 0.125), (",6", "loyalty", 0.6), ("60 %", "loyalty", 0.6),
])
def test_a_thousand_and_a_share_are_told_apart(text, kind, value) -> None:
    from segtui.domain.review import read_typed

    assert read_typed(text) == (kind, value)


@given(st.text(max_size=12))
def test_whatever_is_typed_is_a_budget_a_loyalty_or_explained(text) -> None:
    from segtui.domain import customer as rules
    from segtui.domain.review import LOYALTY, read_typed

    try:
        typed = read_typed(text)
    except rules.InputError as problem:
        assert str(problem)
        return
    if typed is not None:
        assert 0 <= typed.value <= 1 if typed.kind == LOYALTY else 0 <= typed.value <= rules.BUDGET_MAX


def loyalties(book, customer_id: int) -> list[tuple]:
    return [tuple(r) for r in book.rows(
        "SELECT date, budget_per_year, loyalty_override, source FROM assessment WHERE customer_id = ? ORDER BY id",
        (customer_id,))]


async def test_a_loyalty_typed_as_60_per_cent_or_0_6_sets_the_loyalty_not_the_budget(book, tmp_path) -> None:
    ids = fill_review_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        assert screen.current.name == "Beta AB"
        await pilot.press(*"60")
        await pilot.pause()
        assert "enter sets the yearly budget: 60" in shown(screen, "#review-error")
        await pilot.press("%")
        await pilot.pause()
        assert "enter sets the loyalty: 60%" in shown(screen, "#review-error")
        await pilot.press("enter")
        await settle(pilot)
        assert loyalties(book, ids["Beta AB"]) == [("2026-11-23", None, 0.6, "entered")]
        assert "Loyalty set: Beta AB" in shown(screen, "#review-status")
        assert screen.current.name == "Delta AB"

        await pilot.press(*"0.6")
        await pilot.pause()
        assert "enter sets the loyalty: 60%" in shown(screen, "#review-error")
        await pilot.press("enter")
        await settle(pilot)
        assert loyalties(book, ids["Delta AB"]) == [("2026-11-23", None, 0.6, "entered")]

        # the budget stays estimated, the loyalty is the rep's: the segment says so
        from segtui.store.review import customer_now

        beta = customer_now(book, ids["Beta AB"], AS_OF)
        assert beta.estimate.source == "estimated" and beta.segment.loyalty == 0.6

        # going back and confirming keeps the loyalty with the confirmed budget
        await pilot.press("p", "p", "y")
        await settle(pilot)
        assert loyalties(book, ids["Beta AB"])[-1][2:] == (0.6, "confirmed")
        await pilot.press("ctrl+z", "ctrl+z")  # the confirmation, then Delta's loyalty
        await settle(pilot)
        assert loyalties(book, ids["Delta AB"]) == [] and screen.current.name == "Delta AB"
        assert loyalties(book, ids["Beta AB"]) == [("2026-11-23", None, 0.6, "entered")]


# --- every estimate at once --------------------------------------------------------
def book_rows(book) -> list[tuple]:
    return [tuple(r) for r in book.rows("SELECT * FROM assessment ORDER BY id")]


async def test_confirm_all_asks_with_count_and_total_and_one_undo_puts_the_book_back(book, tmp_path) -> None:
    from segtui.ui.review import ConfirmAllScreen

    ids = fill_review_book(book)
    before = book_rows(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_review(app, pilot)
        estimates = {i.customer_id: i.budget for i in screen.items}
        await pilot.press("s")  # a skipped one is confirmed too
        await pilot.press("Y")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmAllScreen)
        await pilot.press("n")  # no: nothing happens
        await settle(pilot)
        assert app.screen is screen and book_rows(book) == before

        await pilot.press("Y")
        await pilot.pause()
        question = shown(app.screen, "#confirm-all-question")
        total = sum(estimates.values())
        from segtui.domain.money import short_amount

        assert f"Confirm 5 estimates, {short_amount(total, 'SEK')} of potential, as your own?" in question
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is screen and screen.current is None
        confirmed = {r[0]: (r[1], r[2]) for r in book.rows(
            "SELECT customer_id, budget_per_year, source FROM assessment WHERE source = 'confirmed'")}
        assert confirmed == {cid: (budget, "confirmed") for cid, budget in estimates.items()}
        assert ids["Zeta AB"] not in confirmed
        assert "Confirmed 5 estimates" in shown(screen, "#review-status")
        assert "5 confirmed" in body(screen)
        assert review_queue(book, AS_OF).items == []

        await pilot.press("ctrl+z")  # the whole batch, in one undo
        await settle(pilot)
        assert book_rows(book) == before
        assert screen.position == 1 and screen.current.name == "Delta AB"
        assert "Undone: the confirmation of 5 estimates" in shown(screen, "#review-status")
        assert screen.outcomes == {0: "skipped"}
        assert len(review_queue(book, AS_OF).items) == 5


async def test_confirm_all_keeps_to_the_boards_filter_and_leaves_out_the_ones_done(book, tmp_path) -> None:
    ids = fill_review_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        await pilot.press("slash", *"malmö", "enter")  # Beta, Delta, Zeta (entered)
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        screen = app.screen
        assert [i.name for i in screen.items] == ["Beta AB", "Delta AB"]
        await pilot.press(*"200000", "enter")  # Beta corrected by hand
        await settle(pilot)
        await pilot.press("Y")
        await pilot.pause()
        question = shown(app.screen, "#confirm-all-question")
        assert "Confirm 1 estimate," in question and "the board's search and filter" in question
        await pilot.press("y")
        await settle(pilot)
        assert assessments(book, ids["Beta AB"]) == [("2026-11-23", 20_000_000, "entered")]
        assert [a[2] for a in assessments(book, ids["Delta AB"])] == ["confirmed"]
        assert assessments(book, ids["Alfa AB"]) == []  # not on the board's search
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert assessments(book, ids["Delta AB"]) == []
        assert assessments(book, ids["Beta AB"]) == [("2026-11-23", 20_000_000, "entered")]


async def test_the_palette_confirms_all_estimates_after_the_question(book, tmp_path) -> None:
    from segtui.ui.review import ConfirmAllScreen

    fill_review_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await loaded(app, pilot)
        next(c for c in app.get_system_commands(app.board) if c.title == "Confirm all estimates").callback()
        await settle(pilot)
        assert isinstance(app.screen, ConfirmAllScreen)
        await pilot.press("y")
        await settle(pilot)
        assert review_queue(book, AS_OF).items == []
        await pilot.press("escape")
        await loaded(app, pilot)
        assert app.screen is app.board
        assert all(r.customer.estimate is None or r.customer.estimate.source != "estimated" for r in app.board.rows)


def test_confirm_estimates_skips_customers_with_a_budget_and_archived_ones(book) -> None:
    from segtui.store.customers import EditLog, add_assessment, confirm_estimates

    ids = fill_review_book(book)
    before = book_rows(book)
    add_assessment(book, ids["Alfa AB"], AS_OF, None, 0.3)  # a loyalty of the rep's, no budget
    _archive(book, ids["Gamma AB"])
    rows = [(ids[n], 1_000_000, "estimated: 80th percentile of 3 peers — everyone")
            for n in ("Alfa AB", "Beta AB", "Gamma AB", "Zeta AB", "Alfa AB")]
    undo, confirmed, total = confirm_estimates(book, rows, AS_OF)
    assert confirmed == [ids["Alfa AB"], ids["Beta AB"]] and total == 2_000_000
    alfa = loyalties(book, ids["Alfa AB"])
    assert alfa[-1] == ("2026-11-23", 1_000_000, 0.3, "confirmed")  # the rep's loyalty kept
    log = EditLog(book)
    log.record(undo)
    log.undo()
    assert loyalties(book, ids["Beta AB"]) == [] and len(loyalties(book, ids["Alfa AB"])) == 1
    assert len(book_rows(book)) == len(before) + 1


def _archive(book, customer_id: int) -> None:
    with book.transaction() as conn:
        conn.execute("UPDATE customer SET archived = 1 WHERE id = ?", (customer_id,))
