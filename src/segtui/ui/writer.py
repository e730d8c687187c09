"""One database writer per screen: jobs run one after the other, in the order they
were made, on one thread, and their results are handed back to the event loop.

Edits made quickly (a move, another move, done) therefore land in the book in the
order the user made them. Closing the screen does not drop anything: the jobs
already queued are still run (their results are not shown any more); only then
does the thread end. The thread is not a daemon, so quitting the app waits for
the last queued edit to be saved.
"""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any, Callable

from segtui.i18n import said
from segtui.store.book import BookError

Done = Callable[[Any, BaseException | None], None]


class SerialWriter:
    """Run ``submit``-ted jobs in order on one thread (an executor of one worker); call
    ``done(result, error)`` back on the event loop. ``submit`` gives the job's future, which a
    test (or a caller that must know) waits for with ``asyncio.wrap_future`` or :meth:`settled`.

    A job that fails hands its error to ``done``, and the next job still runs; a failed job
    with no ``done`` is written to the log (ui/errors), never dropped. The executor's thread
    is joined when Python exits, after the jobs already queued: quitting the app waits for
    the last queued edit to be saved."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pending = 0  # jobs submitted and not yet called back (event loop only)
        self._executor: ThreadPoolExecutor | None = None
        self._last: Future | None = None
        self._closed = False

    @property
    def busy(self) -> bool:
        return self.pending > 0

    def submit(self, job: Callable[[], Any], done: Done | None = None) -> Future:
        """Queue ``job`` (run on the writer's thread); ``done`` runs on the event loop after it."""
        if self._closed:
            raise RuntimeError(f"{self.name}: the writer is closed")
        loop = asyncio.get_running_loop()
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=self.name)
        self.pending += 1
        # ``done`` runs in the context it was submitted from (Textual's active app is a
        # context variable: a screen pushed from ``done`` needs it)
        context = contextvars.copy_context()

        def finished(future: Future) -> None:  # on the writer's thread
            error = future.exception()
            result = None if error is not None else future.result()
            try:
                loop.call_soon_threadsafe(self._finish, done, result, error, context=context)
            except RuntimeError:  # the app has closed: the edit is saved, there is nothing left to show
                if error is not None:
                    self._log(error)

        future = self._executor.submit(job)
        future.add_done_callback(finished)
        self._last = future
        return future

    async def settled(self, timeout: float = 10.0) -> None:
        """Wait until every job submitted so far has run and been called back; TimeoutError
        after ``timeout`` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.pending:
            if loop.time() > deadline:
                raise TimeoutError(f"{self.name}: {self.pending} jobs still queued after {timeout} s")
            await asyncio.sleep(0.005)

    def close(self) -> None:
        """No more jobs: the ones queued are still run, then the thread ends."""
        self._closed = True
        if self._executor is not None:
            self._executor.shutdown(wait=False)

    def join(self, timeout: float | None = None) -> None:
        """Wait (at most ``timeout`` seconds) for the jobs queued so far; TimeoutError when they are not done."""
        if self._last is not None and wait([self._last], timeout).not_done:
            raise TimeoutError(f"{self.name}: the queued jobs did not finish in {timeout} s")

    def _finish(self, done: Done | None, result: Any, error: BaseException | None) -> None:
        self.pending -= 1
        if done is not None:
            done(result, error)
        elif error is not None:
            self._log(error)

    def _log(self, error: BaseException) -> None:
        from segtui.ui.errors import log_error

        log_error(error, f"saving ({self.name})")


def write_and_reload(screen: Any, writer: SerialWriter, change: Callable[[], Any],
                     then: Callable[[Any], None] | None = None) -> None:
    """Queue one change to the book on ``screen``'s writer. Afterwards, on the event loop:
    a failure is shown (a BookError, or a ValueError from text that cannot be stored;
    anything else is raised), else ``then(result)`` runs and the screen's ``load()``
    reads the book again — while the screen is still shown."""

    def done(result: Any, error: BaseException | None) -> None:
        if error is not None:
            screen.notify(said(error), severity="error", markup=False)
            if not isinstance(error, (BookError, ValueError)):
                raise error
        elif screen.is_attached:
            if then is not None:
                then(result)
            screen.load()

    writer.submit(change, done)
