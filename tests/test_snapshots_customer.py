"""Snapshots of the customer screen at 120×36, as of 2026-11-23."""

from __future__ import annotations

from customer_books import CustomerHost, full_customer, settle, tray_customer

SIZE = (120, 36)


def test_full_customer_revenue_and_orders(book, snap_compare):
    assert snap_compare(CustomerHost(book, full_customer(book)), terminal_size=SIZE, run_before=settle)


def test_full_customer_estimates(book, snap_compare):
    async def open_estimates(pilot):
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(CustomerHost(book, full_customer(book)), terminal_size=SIZE, run_before=open_estimates)


def test_full_customer_deal(book, snap_compare):
    async def open_deal(pilot):
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)

    assert snap_compare(CustomerHost(book, full_customer(book)), terminal_size=SIZE, run_before=open_deal)


def test_never_assessed_customer_estimates(book, snap_compare):
    async def open_estimates(pilot):
        await settle(pilot)
        await pilot.press("3")
        await settle(pilot)

    assert snap_compare(CustomerHost(book, tray_customer(book)), terminal_size=SIZE, run_before=open_estimates)


def test_never_assessed_customer_checklist(book, snap_compare):
    async def open_checklist(pilot):
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)

    assert snap_compare(CustomerHost(book, tray_customer(book)), terminal_size=SIZE, run_before=open_checklist)
