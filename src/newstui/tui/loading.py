"""Loading for :class:`newstui.tui.app.NewsApp`: headlines first, then details, then bodies.

All passes run in a thread worker (and worker processes for large folders). Headlines show
as soon as the first chunk is in, and the whole list once every file is read for what the
list shows; caption, dateline and word count follow (they need each file parsed in full),
then body words. The filter works on headlines at once, on the rest as it arrives.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from newstui.model.cache import HeaderCache
from newstui.model.load import LoadResult, index_bodies_cached, load_paths, read_details
from newstui.model.search import Engine
from newstui.model.store import Store
from newstui.tui.suggest import FieldSuggester

if TYPE_CHECKING:
    from newstui.tui.app import NewsApp

    _Base = NewsApp
else:
    _Base = object

SNAPSHOT_EVERY = 25_000


class Progress(Message):
    """A progress report from the load worker. Posted, not called from the thread: the
    worker never waits for the screen, so the worker processes never wait for it."""

    def __init__(self, update: Callable[..., None], *args: int) -> None:
        super().__init__()
        self.update, self.args = update, args


class Loading(_Base):
    """The load worker and what it hands back to the app."""

    def _start_loading(self, preloaded: LoadResult | None) -> None:
        """Show a folder loaded before the app started at once; otherwise load in a worker."""
        if preloaded is None:
            self._load()
            return
        store = Store.from_result(preloaded)
        self._set_store(store, True, FieldSuggester(store))
        self._load_bodies(store)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        worker = get_current_worker()
        shown = 0

        def progress(count: int, result: LoadResult) -> None:
            nonlocal shown
            self.post_message(Progress(self._progress, count))
            n = len(result.docs)
            if (not shown and n) or n - shown >= SNAPSHOT_EVERY:
                # Show what has loaded so far; bodies become searchable when loading ends.
                shown = n
                self.call_from_thread(self._set_store, Store(result.docs[:n]), False)

        stop = lambda: worker.is_cancelled  # noqa: E731
        cache = HeaderCache.for_paths(self.paths)
        result = load_paths(self.paths, progress=progress, cancelled=stop, cache=cache,
                            details=False, save=False)
        store = Store.from_result(result)
        if worker.is_cancelled:
            return
        self.call_from_thread(self._set_store, store, True)
        # After the list is up: a keystroke meanwhile waits for these in its search worker.
        Engine(store).warm()
        self.call_from_thread(self._set_suggester, store, FieldSuggester(store))
        cache.save()  # read_details saves again with the details; this one is for a quit
        self._details(store, cache, stop)
        self._index(store, stop)

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load_bodies(self, store: Store) -> None:
        worker = get_current_worker()
        self._index(store, lambda: worker.is_cancelled)

    def _details(self, store: Store, cache: HeaderCache, stop: Callable[[], bool]) -> None:
        """Second pass, in the load worker: caption, dateline and word count of the articles
        the first pass read for the list only."""
        total = sum(1 for a in store.docs if a.words is None)
        if not total:
            return
        found = read_details(store.docs, cache, cancelled=stop,
                             progress=lambda n: self.post_message(
                                 Progress(self._reading, n, total)))
        if not stop() and found:
            store.fill_details(found)
            Engine(store).warm()
            self.call_from_thread(self._details_ready, store)

    def _reading(self, done: int, total: int) -> None:
        self.indexing = f"reading details {100 * done // max(1, total)}%"
        self._update_count()

    def _details_ready(self, store: Store) -> None:
        if store is not self.store:
            return
        self.indexing = "indexing bodies…"
        self.engine = Engine(store, self.state.keys)  # fresh: its caches knew no captions
        if self.query_text.strip():
            self._run_query(keep=self.headlines.cursor > 0)

    def _index(self, store: Store, stop: Callable[[], bool]) -> None:
        """Last pass, in the load worker: body words, while the user already reads and
        filters by headers."""
        total = len(store)
        body = index_bodies_cached(store.docs, HeaderCache.for_paths(self.paths),
                                   progress=lambda n: self.post_message(
                                       Progress(self._indexing, n, total)), cancelled=stop)
        if not stop():
            store.attach_body_index(body)
            Engine(store).warm()
            self.call_from_thread(self._bodies_ready, store)

    def _set_suggester(self, store: Store, suggester: FieldSuggester) -> None:
        # Made in the load worker: its tag ranking takes ~0.2 s at 100k articles.
        if store is self.store:
            self.filter_bar.input.suggester = suggester

    def on_progress(self, message: Progress) -> None:
        """Show a progress report (see :class:`Progress`)."""
        message.update(*message.args)

    def _indexing(self, done: int, total: int) -> None:
        self.indexing = f"indexing bodies {100 * done // max(1, total)}%"
        self._update_count()

    def _bodies_ready(self, store: Store) -> None:
        if store is not self.store:
            return
        # Everything loaded lives as long as the app: keep the cyclic collector from walking
        # it again and again (100+ ms pauses at 100k articles).
        gc.collect()
        gc.freeze()
        self.loading, self.indexing = False, ""
        self.engine = Engine(store, self.state.keys)  # fresh: its caches knew no bodies
        self._run_query(keep=self.headlines.cursor > 0)

    def _progress(self, files: int) -> None:
        self.filter_bar.set_count(len(self.headlines.rows), len(self.store or ()),
                                  f"loading… {files:,} files read")

    def _set_store(self, store: Store, final: bool,
                   suggester: FieldSuggester | None = None) -> None:
        """Show ``store``: a partial snapshot, or (``final``) every header, bodies to come."""
        self.store, self._unread = store, None
        if final:
            self.indexing = "indexing bodies…"
        self.engine = Engine(store, self.state.keys)
        if suggester is not None:
            self._set_suggester(store, suggester)
        if final and store.result.skipped:
            self.notify(f"{len(store.result.skipped)} files skipped: run 'newstui check' "
                        "for the reasons", severity="warning", timeout=6)
        # A cursor the user moved stays on its article; one still on the first row stays
        # there, on the newest article, as newer ones load.
        self._run_query(keep=self.headlines.cursor > 0)

    # -- filtering -----------------------------------------------------------------------------
