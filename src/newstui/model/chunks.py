"""Run a function over chunks of work, in worker processes when it pays, results in order.

Used for loading headers and for indexing bodies. Worker processes are an optimisation only:
if they cannot start (a sandbox, an unguarded main module), the rest runs in this process.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

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
        except (BrokenProcessPool, OSError, RuntimeError):
            done = 0  # the pool could not even start
    for job in jobs[done:]:
        on_result(func(*job))
        done += 1
        if cancelled is not None and cancelled():
            return


def _parallel(func: Callable[..., T], jobs: Sequence[tuple[Any, ...]],
              on_result: Callable[[T], None], workers: int,
              cancelled: Callable[[], bool] | None) -> None:
    # fork is cheapest, but only safe with one thread: in the app the loader is a thread,
    # so it uses spawn (which needs an ``if __name__ == "__main__"`` guard in scripts).
    method = "fork" if threading.active_count() == 1 else "spawn"
    done = 0
    with ProcessPoolExecutor(max_workers=workers,
                             mp_context=multiprocessing.get_context(method)) as pool:
        pending: deque[Future[T]] = deque()
        submitted = 0
        try:
            while done < len(jobs):
                while submitted < len(jobs) and submitted - done < 2 * workers:
                    pending.append(pool.submit(func, *jobs[submitted]))
                    submitted += 1
                on_result(pending.popleft().result())
                done += 1
                if cancelled is not None and cancelled():
                    break
        except (BrokenProcessPool, OSError, RuntimeError):
            raise _Resume(done) from None
        finally:
            pool.shutdown(cancel_futures=True)


class _Resume(BrokenProcessPool):
    """The pool broke after ``done`` jobs had been handed over."""

    def __init__(self, done: int) -> None:
        super().__init__(f"worker processes failed after {done} chunks")
        self.done = done
