"""Following the opened folders for the reader: a watcher thread reports changed files, a
worker applies each batch to the library (only those files are read), and the body index
cache is saved once the changes have been quiet a while.

The screen routes the two messages (:class:`~newstui.tui.messages.FoldersChanged` from the
watcher, :class:`~newstui.tui.messages.ChangesApplied` from the worker) here; what the
changes publish reaches it as any load does, through the library's listener.
"""

from __future__ import annotations

import threading
from typing import Any

from textual.dom import DOMNode
from textual.timer import Timer
from textual.worker import get_current_worker

from newstui.model.library import Library, Listener
from newstui.model.load.watch import watch_in_child
from newstui.tui.messages import ChangesApplied, FoldersChanged, LoadProblem

SAVE_AFTER = 10.0  # seconds of quiet before the body index cache is written again
SETTLE_AGAIN = 0.4  # seconds before a file still being written is looked at again


class LiveFolders:
    """Keeps ``library`` in step with its folders on behalf of ``owner`` (the screen),
    whose messages carry the watcher's batches and the worker's end."""

    def __init__(self, owner: DOMNode, library: Library, listener: Listener) -> None:
        self.owner = owner
        self.library = library
        self.listener = listener
        self._stop = threading.Event()
        self._waiting: set[str] = set()  # changes come while a batch is being applied
        self._applying = False
        self._save: Timer | None = None

    def follow(self, paths: list[str]) -> None:
        """Watch ``paths`` from now on (and stop watching what was watched before), in a
        child process that a daemon thread here listens to.

        A daemon thread of its own, not a worker: it runs as long as the screen, and
        waiting for every worker to finish (as tests and shutdown do) must not wait on it.
        """
        self._stop.set()
        stop = self._stop = threading.Event()
        owner = self.owner

        def report(changed: set[str]) -> None:
            owner.post_message(FoldersChanged(changed))

        def polling(reason: str) -> None:
            owner.post_message(LoadProblem(f"following the folders by polling: {reason}",
                                           title="folders"))

        def run() -> None:
            problem = watch_in_child(paths, report, stop, on_polling=polling)
            if problem and not stop.is_set() and problem != "no folder to follow":
                owner.post_message(LoadProblem(problem, title="folders"))

        threading.Thread(target=run, name="newstui-watch", daemon=True).start()

    def stop(self) -> None:
        """Stop watching (the watcher ends within ~0.1 s)."""
        self._stop.set()

    def changed(self, paths: set[str]) -> None:
        """A batch came from the watcher: apply it, or keep it for when the batch being
        applied is done (one at a time: each builds on the last one's store)."""
        self._waiting |= paths
        if not self._applying:
            self._start()

    def applied(self) -> None:
        """A batch is in: apply what came meanwhile, else save the caches soon."""
        self._applying = False
        if self.library.unsettled:
            # Files still being written: looked at again once they may be complete.
            later, self.library.unsettled = self.library.unsettled, set()
            self.owner.set_timer(SETTLE_AGAIN, lambda: self.changed(later))
        if self._waiting:
            self._start()
            return
        if self._save is not None:
            self._save.stop()
        self._save = self.owner.set_timer(SAVE_AFTER, self._save_soon)

    def _start(self) -> None:
        changed, self._waiting = self._waiting, set()
        self._applying = True
        if self._save is not None:
            self._save.stop()
            self._save = None
        self.owner.run_worker(lambda: self._apply(changed), thread=True, group="live",
                              name="following the folders", exit_on_error=False)

    def _apply(self, changed: set[str]) -> Any:
        worker = get_current_worker()
        try:
            self.library.apply_changes(changed, self.listener, lambda: worker.is_cancelled)
        finally:
            self.owner.post_message(ChangesApplied())

    def _save_soon(self) -> None:
        self._save = None
        self.owner.run_worker(self.library.save_caches, thread=True, group="live-save",
                              name="saving the body index", exit_on_error=False)
