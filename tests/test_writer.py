"""The screens' single database writer: jobs land in order; closing a screen still saves what is queued."""

from __future__ import annotations

import asyncio
import time

from customer_books import CustomerHost, settle, tray_customer

from segtui.store import customers as customer_store
from segtui.ui.writer import SerialWriter


async def test_jobs_run_in_order_and_call_back_on_the_loop() -> None:
    writer = SerialWriter("test-writer")
    done: list[tuple[int, str | None]] = []
    ran: list[int] = []

    def job(n: int):
        def run():
            time.sleep(0.05 if n == 0 else 0)  # the first is the slowest
            ran.append(n)
            if n == 2:
                raise ValueError("two is refused")
            return n

        return run

    for n in range(5):
        writer.submit(job(n), lambda result, error: done.append((result, str(error) if error else None)))
    assert writer.busy
    await writer.settled(5)
    assert ran == [0, 1, 2, 3, 4]
    assert done == [(0, None), (1, None), (None, "two is refused"), (3, None), (4, None)]
    writer.close()
    writer.join(2)


def test_queued_jobs_are_still_run_after_the_loop_is_gone() -> None:
    ran: list[int] = []
    writer = SerialWriter("test-writer")

    async def queue_and_leave() -> None:
        writer.submit(lambda: (time.sleep(0.2), ran.append(1)))
        writer.submit(lambda: ran.append(2))
        writer.close()

    asyncio.run(queue_and_leave())  # the event loop ends before the jobs are run
    writer.join(5)
    assert ran == [1, 2]


async def test_an_edit_queued_when_the_customer_screen_closes_is_saved(book, monkeypatch) -> None:
    cid = tray_customer(book)
    original = customer_store.set_checklist_answer

    def slow(*args, **kwargs):
        time.sleep(0.3)
        return original(*args, **kwargs)

    monkeypatch.setattr(customer_store, "set_checklist_answer", slow)
    app = CustomerHost(book, cid)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("2", "y", "j", "n")
        writer = app.customer_screen.writer
        app.exit()  # quit while both answers are still on their way
    writer.join(5)
    answers = [tuple(r) for r in book.query("SELECT question_key, answer FROM checklist_answer ORDER BY rowid")]
    assert [a for _, a in answers] == ["yes", "no"]


async def test_a_job_gives_its_future_and_a_failure_without_a_call_back_is_logged(tmp_path, monkeypatch) -> None:
    from segtui.ui import errors

    logged: list[tuple[str, str]] = []
    monkeypatch.setattr(errors, "log_error", lambda error, context="": logged.append((str(error), context)))
    writer = SerialWriter("test-writer")
    assert await asyncio.wrap_future(writer.submit(lambda: 41 + 1)) == 42
    failed = writer.submit(lambda: 1 / 0)  # nobody is told: the log is
    await writer.settled(5)
    assert isinstance(failed.exception(), ZeroDivisionError)
    assert logged == [("division by zero", "saving (test-writer)")]
    writer.close()
    writer.join(5)


async def test_waiting_for_the_writer_raises_when_it_takes_too_long() -> None:
    import threading

    import pytest

    release = threading.Event()
    writer = SerialWriter("test-writer")
    writer.submit(lambda: release.wait(5))
    with pytest.raises(TimeoutError):
        await writer.settled(0.05)
    with pytest.raises(TimeoutError):
        writer.join(0.05)
    release.set()
    await writer.settled(5)
    writer.close()
