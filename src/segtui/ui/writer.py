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
import queue
import threading
from typing import Any, Callable

from segtui.store.book import BookError

Done = Callable[[Any, BaseException | None], None]


class SerialWriter:
    """Run ``submit``-ted jobs in order on one thread; call ``done(result, error)`` back on the event loop."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.pending = 0  # jobs submitted and not yet called back (event loop only)
        self._jobs: queue.Queue = queue.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def busy(self) -> bool:
        return self.pending > 0

    def submit(self, job: Callable[[], Any], done: Done | None = None) -> None:
        """Queue ``job`` (run on the writer's thread); ``done`` runs on the event loop after it."""
        if self._closed:
            raise RuntimeError(f"{self.name}: the writer is closed")
        if self._thread is None:
            self._loop = asyncio.get_running_loop()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=False)
            self._thread.start()
        self.pending += 1
        # ``done`` runs in the context it was submitted from (Textual's active app is a
        # context variable: a screen pushed from ``done`` needs it)
        self._jobs.put((job, done, contextvars.copy_context()))

    def close(self) -> None:
        """No more jobs: the ones queued are still run, then the thread ends."""
        self._closed = True
        self._jobs.put(None)

    def join(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _finish(self, done: Done | None, result: Any, error: BaseException | None) -> None:
        self.pending -= 1
        if done is not None:
            done(result, error)

    def _run(self) -> None:
        loop = self._loop
        while True:
            try:
                item = self._jobs.get(timeout=0.5)
            except queue.Empty:
                if self._closed or loop.is_closed() or not loop.is_running():
                    return  # nothing left to write, and nobody left to tell
                continue
            if item is None:
                return
            job, done, context = item
            result, error = None, None
            try:
                result = job()
            except Exception as exc:  # handed to ``done``; the next job still runs
                error = exc
            try:
                loop.call_soon_threadsafe(self._finish, done, result, error, context=context)
            except RuntimeError:
                pass  # the app has closed: the edit is saved, there is nothing left to show


def write_and_reload(screen: Any, writer: SerialWriter, change: Callable[[], Any],
                     then: Callable[[Any], None] | None = None) -> None:
    """Queue one change to the book on ``screen``'s writer. Afterwards, on the event loop:
    a failure is shown (a BookError, or a ValueError from text that cannot be stored;
    anything else is raised), else ``then(result)`` runs and the screen's ``load()``
    reads the book again — while the screen is still shown."""

    def done(result: Any, error: BaseException | None) -> None:
        if error is not None:
            screen.notify(str(error), severity="error", markup=False)
            if not isinstance(error, (BookError, ValueError)):
                raise error
        elif screen.is_attached:
            if then is not None:
                then(result)
            screen.load()

    writer.submit(change, done)
