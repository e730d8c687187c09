"""Thresholds that fit the book (docs/first-day.md "Proposed class thresholds" and "Offered on the
board"): proposed from the book's own potentials, and offered on the board while the defaults leave
classes A and B empty."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from fractions import Fraction

import pytest
from board_books import fill_small_book, loaded
from books import add_assessment, add_customer, add_order

from segtui.domain import first_day
from segtui.domain.segments import Config, Quadrant
from segtui.domain.settings import DEFAULTS
from segtui.ui.app import SegtuiApp

AS_OF = dt.date(2026, 11, 23)


# --- the rule -----------------------------------------------------------------------------------


def test_nearest_rank_is_the_smallest_value_with_that_share_at_or_below_it() -> None:
    values = list(range(1, 101))
    assert first_day.nearest_rank(values, Fraction(4, 5)) == 80
    assert first_day.nearest_rank(values, Fraction(19, 20)) == 95
    assert first_day.nearest_rank([7], Fraction(4, 5)) == 7
    assert first_day.nearest_rank([1, 2, 3], Fraction(1, 2)) == 2  # ceil(1.5) = 2nd


def test_with_enough_potentials_the_thresholds_come_from_them() -> None:
    # potentials of 1,000 … 40,000 (major units, given in minor) for 40 customers
    potentials = [n * 1_000_00 for n in range(1, 41)]
    revenues = {n: 100_00 for n in range(1, 41)}
    proposed = first_day.proposed_thresholds(revenues, Config(), potentials=potentials)
    assert proposed == (38_000, 32_000)  # the 38th and 32nd of 40: ceil(0.95·40), ceil(0.8·40)
    # unknown and non-positive potentials do not count
    assert first_day.proposed_thresholds(revenues, Config(), potentials=[*potentials, None, 0, -5]) == proposed


def test_with_few_potentials_the_thresholds_come_from_the_revenues_pareto_cut_offs() -> None:
    revenues = {i: i * 100_00 for i in range(1, 101)}
    few = [5_000_00] * (first_day.MIN_POTENTIALS - 1)
    assert first_day.proposed_thresholds(revenues, Config(), potentials=few) == \
        first_day.proposed_thresholds(revenues, Config())
    assert not first_day.enough_potentials(few)
    assert first_day.enough_potentials([*few, 1])


def pounds(classes=("C",), **settings):
    return ({**DEFAULTS, **settings}, {1: 500_00, 2: 300_00}, list(classes), Config.from_settings({**DEFAULTS,
                                                                                                    **settings}))


def test_the_board_offers_thresholds_only_while_the_defaults_leave_a_and_b_empty() -> None:
    potentials = [n * 1_000_00 for n in range(1, 41)]
    values, revenues, classes, config = pounds()
    assert first_day.thresholds_to_offer(values, revenues, classes, config, potentials) == (38_000, 32_000)
    # someone is class A or B: the defaults fit
    assert first_day.thresholds_to_offer(values, revenues, ["C", "B"], config, potentials) is None
    # the rep set thresholds
    values, revenues, classes, config = pounds(**{"abc.a_above": "3000", "abc.b_from": "1000"})
    assert first_day.thresholds_to_offer(values, revenues, classes, config, potentials) is None
    # Pareto mode classes by share, not by the thresholds
    values, revenues, classes, config = pounds(**{"abc.mode": "pareto"})
    assert first_day.thresholds_to_offer(values, revenues, classes, config, potentials) is None
    # nothing to propose from
    values, revenues, classes, config = pounds()
    assert first_day.thresholds_to_offer(values, {}, classes, config, []) is None


# --- the board ---------------------------------------------------------------------------------


def fill_pounds_book(book) -> None:
    """30 customers buying hundreds to thousands a year, each with an entered budget: with the
    default SEK-million thresholds nobody is class A or B."""
    for n in range(1, 31):
        cid = add_customer(book, f"P{n}", f"Pound {n:02d} Ltd")
        for month in (3, 6, 9):
            add_order(book, cid, f"2026-{month:02d}-15", 100 * n, ref=f"P{n}-{month}")
        add_assessment(book, cid, "2026-01-10", 600 * n)


@pytest.mark.asyncio
async def test_t_on_the_board_takes_the_books_own_thresholds(book, tmp_path) -> None:
    fill_pounds_book(book)
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(app, pilot)
        board = app.board
        offer = board.threshold_offer
        # potentials 1,200 × n over the 24 months: the 29th and 24th of 30
        assert offer == (35_000, 29_000)
        bar = str(board.query_one("#bar").render())
        assert "nobody is class A or B: T sets the book's own thresholds (A above 35,000, B from 29,000 SEK)" in bar
        assert not any(r.quadrant in (Quadrant.CASH_COWS, Quadrant.BIG_GAME) for r in board.rows)
        await pilot.press("T")
        await loaded(app, pilot)
        await app.workers.wait_for_complete()
        await loaded(app, pilot)
        values = book.settings()
        assert (values["abc.a_above"], values["abc.b_from"]) == ("35000", "29000")
        assert board.threshold_offer is None
        assert "nobody is class A or B" not in str(board.query_one("#bar").render())
        quadrants = Counter(r.quadrant.value for r in board.rows)
        assert quadrants["cash_cows"] + quadrants["big_game"] >= 5  # the board's right half holds customers


@pytest.mark.asyncio
async def test_a_book_whose_thresholds_fit_gets_no_offer(book, tmp_path) -> None:
    fill_small_book(book)  # SEK, with class A and B customers
    app = SegtuiApp(book, as_of=AS_OF, config_dir=tmp_path)
    async with app.run_test(size=(160, 40)) as pilot:
        await loaded(app, pilot)
        assert app.board.threshold_offer is None
        assert "nobody is class A or B" not in str(app.board.query_one("#bar").render())
        await pilot.press("T")  # says so, changes nothing
        await pilot.pause()
        assert book.settings()["abc.a_above"] == DEFAULTS["abc.a_above"]

