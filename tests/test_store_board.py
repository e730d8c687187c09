"""The board's rows: the engine's segments plus last contact, due date and priority."""

from __future__ import annotations

import datetime as dt

from board_books import add_contract, fill_small_book

from segtui.domain.segments import Quadrant
from segtui.store.board import board_rows


def test_every_customer_lands_in_its_quadrant(book, as_of):
    ids = fill_small_book(book)
    rows = {r.customer.name: r for r in board_rows(book, as_of)}
    assert rows["Alfa AB"].quadrant is Quadrant.CASH_COWS
    assert rows["Beta AB"].quadrant is Quadrant.BIG_GAME
    assert rows["Zeta AB"].quadrant is Quadrant.BIG_GAME
    assert rows["Gamma AB"].quadrant is Quadrant.SMALL_FRY
    assert rows["Delta AB"].quadrant is Quadrant.UNINTERESTING
    assert rows["Epsilon AB"].quadrant is Quadrant.NEEDS_ASSESSMENT
    assert len(rows) == len(ids)


def test_due_dates_follow_the_contact_policy(book, as_of):
    fill_small_book(book)
    rows = {r.customer.name: r for r in board_rows(book, as_of)}
    beta = rows["Beta AB"]
    assert beta.customer.segment.upgrade_candidate  # revenue C, potential A: interval halved to 7
    assert beta.last_activity == dt.date(2026, 10, 30)
    assert beta.due == dt.date(2026, 11, 6)
    assert beta.overdue_days == 17
    assert beta.priority == 4 * 3.0  # the planner's urgency, capped at 3
    assert "17 days overdue" in beta.reason
    zeta = rows["Zeta AB"]
    assert zeta.last_activity is None and zeta.due == as_of and zeta.priority == 4 * 2.0  # never contacted
    assert rows["Alfa AB"].due == dt.date(2026, 12, 4)  # visit:28 halved (C with potential B) from 11-20
    assert rows["Delta AB"].due is None and rows["Delta AB"].priority is None  # policy none
    assert rows["Epsilon AB"].due == as_of  # one call to assess


def test_a_competitor_contract_ending_soon_makes_big_game_due_now(book, as_of):
    ids = fill_small_book(book)
    add_contract(book, ids["Beta AB"], "Rival AB", "2027-01-15")
    add_contract(book, ids["Alfa AB"], "Rival AB", "2027-01-15")
    rows = {r.customer.name: r for r in board_rows(book, as_of)}
    assert rows["Beta AB"].contract_ends == dt.date(2027, 1, 15)
    assert rows["Beta AB"].overdue_days == 17  # already overdue stays overdue
    assert rows["Alfa AB"].due == dt.date(2026, 12, 4)  # cash cows: the contract rule is big game only


def test_potential_is_the_budget_scaled_to_the_window(book, as_of):
    fill_small_book(book)
    rows = {r.customer.name: r for r in board_rows(book, as_of)}
    assert rows["Alfa AB"].potential == 2_000_000_00
    assert rows["Epsilon AB"].potential is None
    book.set_setting("window.months", "18")
    rows = {r.customer.name: r for r in board_rows(book, as_of)}
    assert rows["Alfa AB"].potential == 1_500_000_00  # the board's window follows the setting


def test_activities_after_as_of_do_not_count(book, as_of):
    ids = fill_small_book(book)
    rows = {r.customer.name: r for r in board_rows(book, dt.date(2026, 11, 1))}
    assert rows["Beta AB"].last_activity == dt.date(2026, 10, 30)
    assert rows["Alfa AB"].last_activity is None
    assert len(rows) == len(ids)
