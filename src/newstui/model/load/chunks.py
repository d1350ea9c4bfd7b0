"""Run a function over chunks of work, in worker processes when it pays, results in order.

Used for loading headers and for indexing bodies. Worker processes are an optimisation only:
if they cannot start or die (a sandbox, an unguarded main module, a replaced stderr), the
rest runs in this process.
"""

from __future__ import annotations

import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from newstui.model.memory import large_blocks_given_back

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")


def run_chunks(func: Callable[..., T], jobs: Iterable[tuple[Any, ...]],
               on_result: Callable[[T], None], workers: int,
               cancelled: Callable[[], bool] | None = None) -> None:
    """Call ``func(*job)`` for each job; hand each result to ``on_result`` in job order.

    ``jobs`` may be a generator: it is drawn from only as work is handed out (the loader
    lists folders while the first files are read). With ``workers`` > 1 the jobs run in
    that many processes, at most two per worker in flight (finished results waiting to be
    merged would otherwise pile up in memory). ``cancelled`` is checked after each result
    and stops the run.
    """
    queue = _Queue(jobs)
    if workers > 1 and queue.at_least(2):
        try:
            _parallel(func, queue, on_result, workers, cancelled)
            return
        except _Resume:
            queue.rewind()  # finish in this process from the first job not merged
    while (job := queue.take()) is not None:
        on_result(func(*job))
        queue.finished()
        if cancelled is not None and cancelled():
            return


class _Queue:
    """Jobs drawn from an iterable, remembering those handed out but not yet merged."""

    def __init__(self, jobs: Iterable[tuple[Any, ...]]) -> None:
        self._rest: Iterator[tuple[Any, ...]] = iter(jobs)
        self._open: deque[tuple[Any, ...]] = deque()  # handed out, not merged, in order
        self._ahead: deque[tuple[Any, ...]] = deque()  # drawn but not handed out

    def at_least(self, n: int) -> bool:
        """Whether there are ``n`` jobs still to hand out (drawing that many)."""
        while len(self._ahead) < n:
            job = next(self._rest, None)
            if job is None:
                return False
            self._ahead.append(job)
        return True

    def take(self) -> tuple[Any, ...] | None:
        """The next job to hand out, or None when there is none."""
        job = self._ahead.popleft() if self._ahead else next(self._rest, None)
        if job is not None:
            self._open.append(job)
        return job

    def finished(self) -> None:
        """The oldest job handed out has been merged."""
        self._open.popleft()

    def rewind(self) -> None:
        """Hand out again every job not merged yet, first."""
        self._ahead.extendleft(reversed(self._open))
        self._open.clear()


def _parallel(func: Callable[..., T], queue: _Queue, on_result: Callable[[T], None],
              workers: int, cancelled: Callable[[], bool] | None) -> None:
    # fork is cheapest, but only safe with one thread: in the app the loader is a thread,
    # so it uses spawn (which needs an ``if __name__ == "__main__"`` guard in scripts).
    import multiprocessing  # imported here: small folders (and launch) never need them
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if threading.active_count() == 1 else "spawn"
    try:
        pool = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context(method),
                                   initializer=start_worker, initargs=(os.getpid(),))
    except Exception as exc:  # processes are only an optimisation
        raise _Resume() from exc
    with pool:
        pending: deque[Future[T]] = deque()
        first = queue.take()
        assert first is not None  # the caller made sure of two jobs

        def submit() -> None:
            while len(pending) < 2 * workers and (job := queue.take()) is not None:
                try:
                    pending.append(pool.submit(func, *job))
                except Exception as exc:  # the workers could not start
                    pool.shutdown(cancel_futures=True)
                    raise _Resume() from exc

        # The first job runs here while the workers start (a spawned worker takes ~0.3 s
        # to import): the first results come as soon as one job can be done.
        submit()
        on_result(func(*first))
        queue.finished()
        if cancelled is not None and cancelled():
            pool.shutdown(cancel_futures=True)
            return
        while pending:
            try:
                result = pending.popleft().result()
            except Exception as exc:  # e.g. BrokenProcessPool, spawn errors
                pool.shutdown(cancel_futures=True)
                raise _Resume() from exc
            submit()
            on_result(result)  # outside the try: a bug in merging must not be retried
            queue.finished()
            if cancelled is not None and cancelled():
                pool.shutdown(cancel_futures=True)
                return


def start_worker(parent: int) -> None:
    """A worker process's set-up: it watches its ``parent`` (see :func:`watch_parent`),
    and gives its jobs' large buffers back as they are freed (see
    :func:`newstui.model.memory.large_blocks_given_back`)."""
    large_blocks_given_back()
    watch_parent(parent)


def watch_parent(parent: int, every: float = 0.5) -> None:
    """In a worker process: exit as soon as ``parent`` is gone (killed, say), instead of
    reading on for a process nobody will hear from."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


class _Resume(Exception):
    """The pool broke (or never started): the rest runs in this process."""
