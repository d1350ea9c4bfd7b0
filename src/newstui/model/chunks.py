"""Run a function over chunks of work, in worker processes when it pays, results in order.

Used for loading headers and for indexing bodies. Worker processes are an optimisation only:
if they cannot start or die (a sandbox, an unguarded main module, a replaced stderr), the
rest runs in this process.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")


def run_chunks(func: Callable[..., T], jobs: Sequence[tuple[Any, ...]],
               on_result: Callable[[T], None], workers: int,
               cancelled: Callable[[], bool] | None = None) -> None:
    """Call ``func(*job)`` for each job; hand each result to ``on_result`` in job order.

    With ``workers`` > 1 the jobs run in that many processes, at most two per worker in
    flight (finished results waiting to be merged would otherwise pile up in memory).
    ``cancelled`` is checked after each result and stops the run.
    """
    done = 0
    if workers > 1 and len(jobs) > 1:
        try:
            _parallel(func, jobs, on_result, workers, cancelled)
            return
        except _Resume as exc:
            done = exc.done  # finish in this process from the first missing job
    for job in jobs[done:]:
        on_result(func(*job))
        if cancelled is not None and cancelled():
            return


def _parallel(func: Callable[..., T], jobs: Sequence[tuple[Any, ...]],
              on_result: Callable[[T], None], workers: int,
              cancelled: Callable[[], bool] | None) -> None:
    # fork is cheapest, but only safe with one thread: in the app the loader is a thread,
    # so it uses spawn (which needs an ``if __name__ == "__main__"`` guard in scripts).
    import multiprocessing  # imported here: small folders (and launch) never need them
    from concurrent.futures import ProcessPoolExecutor

    method = "fork" if threading.active_count() == 1 else "spawn"
    try:
        pool = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context(method))
    except Exception as exc:  # noqa: BLE001 - processes are only an optimisation
        raise _Resume(0) from exc
    with pool:
        pending: deque[Future[T]] = deque()
        # The first job runs here while the workers start (a spawned worker takes ~0.3 s
        # to import): the first results come as soon as one job can be done.
        submitted = done = 1
        try:
            while submitted < len(jobs) and submitted - done < 2 * workers:
                pending.append(pool.submit(func, *jobs[submitted]))
                submitted += 1
        except Exception as exc:  # noqa: BLE001 - the workers could not start
            pool.shutdown(cancel_futures=True)
            raise _Resume(0) from exc
        on_result(func(*jobs[0]))
        if cancelled is not None and cancelled():
            pool.shutdown(cancel_futures=True)
            return
        while done < len(jobs):
            try:
                while submitted < len(jobs) and submitted - done < 2 * workers:
                    pending.append(pool.submit(func, *jobs[submitted]))
                    submitted += 1
                result = pending.popleft().result()
            except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool, spawn errors
                pool.shutdown(cancel_futures=True)
                raise _Resume(done) from exc
            on_result(result)  # outside the try: a bug in merging must not be retried
            done += 1
            if cancelled is not None and cancelled():
                pool.shutdown(cancel_futures=True)
                return


class _Resume(Exception):
    """The pool broke (or never started) after ``done`` jobs had been handed over."""

    def __init__(self, done: int) -> None:
        super().__init__(f"worker processes failed after {done} chunks")
        self.done = done
