"""The loaded corpus: one owner of the store and the engine, and of the passes that fill them.

A :class:`Library` is plain Python, used alike by the app (in a worker thread) and by the
command line (in the foreground). It runs the load passes — the list pass (what the
headline list shows), then the body pass (body words) and the details pass (caption,
dateline, link, word count), bodies first on a first launch, details first when the caches
have them — and after each one publishes a :class:`Snapshot`: a store and the
one engine built for it. The engine is built here and nowhere else. Progress, snapshots
and problems reach the caller through one callback, as :data:`LoadEvent` values; loading
stops between chunks when ``cancelled()`` turns true.
"""

from __future__ import annotations

import os
import threading
import time
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import islice
from operator import attrgetter
from typing import Literal

from newstui.model.cache.bodies import body_key, header_key
from newstui.model.cache.headers import HeaderCache
from newstui.model.cache.list_file import (
    NO_STAT,
    load_list,
    load_stats,
    save_list,
    stats_by_path,
    stats_in_order,
)
from newstui.model.corpus.article import Article
from newstui.model.corpus.files import Stat, iter_files
from newstui.model.index.store import HEADER_INDEXES, Store
from newstui.model.load.cached_list import Unchecked, all_walkable, cached_list, check_files
from newstui.model.load.changes import SETTLE, Roots, read_body_words, sort_out
from newstui.model.load.merge import LoadResult, unique_id
from newstui.model.load.passes import (
    CHUNK,
    index_bodies_cached,
    load_paths,
    load_small,
    read_details,
)
from newstui.model.memory import give_back
from newstui.model.search.engine import Engine, StateLookup

Stage = Literal["empty", "partial", "listed", "indexed", "detailed", "complete"]
Phase = Literal["list", "checking", "details", "bodies", "changes"]
PRELOAD_FILES = 1000  # a folder this small is read before the first frame (~30 ms / 300)
PRELOAD_BYTES = 32 * 1024 * 1024
LIVE_SHARE = 5  # a batch of changes touching over 1/5 of the articles is a whole reload
LIVE_MIN = 5000  # (but never one of fewer files than this)
CHECKPOINT_SECONDS = 20.0  # a list pass this long saves the header cache as it goes,
CHECKPOINT_PARSED = 5000  # if it parsed this many files (not when they came from the cache)
SNAPSHOT_EVERY = 25_000  # the second partial list; then each time the list has doubled


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A store and the engine built for it: one consistent view of the corpus.

    ``stage`` says how far loading had got: ``partial`` (some headers), ``listed`` (every
    header, details and bodies to come), ``indexed`` (bodies indexed, details to come: a
    first launch), ``detailed`` (details too, bodies to come: a launch from the caches),
    ``complete`` (details and bodies).
    """

    store: Store
    engine: Engine
    stage: Stage

    @property
    def listed(self) -> bool:
        """Every article is in (headers at least)."""
        return self.stage in ("listed", "indexed", "detailed", "complete")


@dataclass(frozen=True, slots=True)
class Progress:
    """``done`` of ``total`` items of ``phase`` (``total`` is 0 while unknown: files are
    still being listed)."""

    phase: Phase
    done: int
    total: int = 0

    @property
    def percent(self) -> int:
        """How far the phase has got, 0 to 100 (0 while the total is unknown)."""
        return 100 * self.done // self.total if self.total else 0


@dataclass(frozen=True, slots=True)
class Published:
    """A new snapshot is the current one."""

    snapshot: Snapshot


@dataclass(frozen=True, slots=True)
class Problem:
    """Something the user should hear of once, such as a cache that cannot be written;
    ``title`` says what it is about."""

    text: str
    title: str = "cache"


LoadEvent = Progress | Published | Problem
Listener = Callable[[LoadEvent], None]


def skipped_notice(count: int) -> str:
    """What the reader says of ``count`` files that could not be used."""
    return f"{count:,} file{'' if count == 1 else 's'} skipped: 'newstui check' says why"


def _ignore(event: LoadEvent) -> None:
    """The listener of a load nobody watches."""


def _never() -> bool:
    return False


class Library:
    """The corpus opened from ``paths``: store, engine, load report and load passes.

    ``state`` tells the engine which articles are read or starred (for ``is:``); ``cache``
    defaults to the header cache of these paths (a disabled one when caching is off).
    """

    def __init__(self, paths: Iterable[str], state: StateLookup | None = None,
                 cache: HeaderCache | None = None) -> None:
        self.paths = list(paths)
        self.state = state
        self.cache = cache if cache is not None else HeaderCache.for_paths(self.paths)
        self.report = LoadResult()  # what was skipped or warned about, and why
        self.problems: list[str] = []  # told once each, see Problem
        self.caches_unsaved = False  # live changes the caches have not seen
        self._cached_indexes = False  # the header indexes came from the cache
        self._previewed = False  # the list shown is the cache's
        self._unchecked: Unchecked | None = None  # its files, to check once passes are done
        self._since: set[str] = set()  # files changed since the cached list: apply later
        self._list_stale = True  # the list file does not hold the store's articles
        self._list_later: tuple[Store, array] | None = None  # see _save_list_later
        self._kept_stats: dict[str, Stat] = {}  # see _entries_saved_go
        self.unsettled: set[str] = set()  # changed files still being written: apply later
        # One pass or batch of changes at a time: each builds on the snapshot before it.
        self._busy = threading.RLock()
        self.snapshot = self.snapshot_for(Store([]), "empty")

    @property
    def store(self) -> Store:
        """The current snapshot's store."""
        return self.snapshot.store

    @property
    def engine(self) -> Engine:
        """The current snapshot's engine."""
        return self.snapshot.engine

    def snapshot_for(self, store: Store, stage: Stage) -> Snapshot:
        """A snapshot of ``store`` with its own new engine: the one place an engine is
        built (its caches must not outlive what the store knew when they were filled)."""
        return Snapshot(store, Engine(store, self.state), stage)

    def _publish(self, store: Store, stage: Stage, listener: Listener,
                 warm: bool = False) -> None:
        """Make ``store`` current with a new engine; ``warm`` does the engine's one-off
        work before anyone sees it."""
        snapshot = self.snapshot_for(store, stage)
        if warm:
            snapshot.engine.warm()
        self.snapshot = snapshot
        if stage == "complete" and self._unchecked is not None:
            # Said with the complete list, not once the check is under way: the screen
            # shows that loading goes on.
            listener(Progress("checking", 0, len(self._unchecked.files)))
        listener(Published(snapshot))
        if warm and stage == "complete":
            # What a live change looks articles up by, made now (after the list is out)
            # rather than by the first change (~1.7 s at a million articles).
            store.by_path  # noqa: B018
            store.by_digest  # noqa: B018
            snapshot.engine.warm_tags()

    def _check_caches(self, listener: Listener) -> None:
        """Tell the listener, once each, of caches that could not be used or written."""
        for problem in (self.cache.problem, self.cache.bodies().problem):
            if problem and problem not in self.problems:
                self.problems.append(problem)
                listener(Problem(problem))

    # -- the passes ----------------------------------------------------------------------------
    def preload(self, limit: int = PRELOAD_FILES, max_bytes: int = PRELOAD_BYTES) -> bool:
        """Load a folder of at most ``limit`` files and ``max_bytes`` in full, here and now
        (before the app's first frame); False, having read nothing, for a larger one."""
        result = load_small(self.paths, limit, max_bytes, cache=self.cache)
        if result is None:
            return False
        self.report = result
        self._publish(Store(result.articles), "detailed", _ignore)
        result.articles = []  # the store has them (see list_pass)
        return True

    def load(self, listener: Listener = _ignore, cancelled: Callable[[], bool] = _never, *,
             full: bool = False, bodies: bool = True, warm: bool = False) -> Snapshot:
        """Run every pass still to run, publishing a snapshot after each; return the last.

        ``full`` parses every file in full in the list pass (what the command line wants:
        one pass, word counts included) instead of the list fields first and the details
        after. Without ``bodies`` body words are not indexed. ``warm`` does the one-off
        work of a first query (indexes, facets) in this thread, right after the list.
        """
        with self._busy:
            return self._load(listener, cancelled, full=full, bodies=bodies, warm=warm)

    def _load(self, listener: Listener, cancelled: Callable[[], bool], *, full: bool,
              bodies: bool, warm: bool) -> Snapshot:
        if self.snapshot.stage in ("empty", "partial"):
            self.list_pass(listener, cancelled, full=full, warm=warm)
        self._passes_after_list(listener, cancelled, bodies=bodies, warm=warm)
        if self._unchecked is not None and not cancelled():
            self._check_listed(listener, cancelled, bodies=bodies, warm=warm)
        # (A load stopped before the check drops it: a reload or a live change after this
        # one must not say a check is coming.)
        self._unchecked = None
        if self._since and not cancelled():
            # The cached list stood but for these files: applied as the watcher's changes
            # are (settled: they were written before this launch), then saved.
            since, self._since = self._since, set()
            if self._apply_changes(since, listener, cancelled, settle=0.0):
                self.save_caches()
        if not cancelled():
            self._save_list_now()
        self._check_caches(listener)
        return self.snapshot

    def _passes_after_list(self, listener: Listener, cancelled: Callable[[], bool], *,
                           bodies: bool, warm: bool) -> None:
        """Once the list is in: (``bodies``) the body pass, then the details pass, when
        details are still to be read (a first launch): body words are what a search
        misses, caption, dateline and word count hardly matter to it (the body index has
        their words too). Otherwise the details pass (details from the caches: at once),
        then the body pass."""
        if (bodies and self.snapshot.stage == "listed" and not cancelled()
                and self.snapshot.store.details_unread()):
            self._entries_saved_go(self.snapshot.store)
            self.body_pass(listener, cancelled, warm=warm)  # "indexed"
        if self.snapshot.stage in ("listed", "indexed") and not cancelled():
            self.details_pass(listener, cancelled, warm=warm)  # "detailed", or "complete"
        if bodies and self.snapshot.stage == "detailed" and not cancelled():
            self.body_pass(listener, cancelled, warm=warm)  # "complete"

    def _entries_saved_go(self, store: Store) -> None:
        """Before the body pass of a first launch: the header cache's entries, saved with
        the list, leave memory while the body index is built (~350 MB at a million
        files). The details pass puts those of the files read for the list only again
        (the list file takes their stats from those); the stats of the others (parsed
        whole already) are kept for it."""
        cache = self.cache
        whole = [a.path for a in store.articles if a.words is not None]
        kept = {p: stat for p in whole if (stat := cache.stat_known(p)) is not None}
        if cache.release():
            self._kept_stats = kept
            give_back()

    def reload(self, listener: Listener = _ignore, cancelled: Callable[[], bool] = _never,
               *, paths: Iterable[str] | None = None, warm: bool = False) -> Snapshot:
        """Read the folders again (and ``paths`` instead, when given): files unchanged since
        come from the header cache. The new list is published whole (the old one stays
        current meanwhile, no partial lists), then its details and bodies."""
        if paths is not None and list(paths) != self.paths:
            self.paths = list(paths)
            self.cache = HeaderCache.for_paths(self.paths)
        self.list_pass(listener, cancelled, warm=warm, partial=False)
        self._passes_after_list(listener, cancelled, bodies=True, warm=warm)
        if not cancelled():
            self._save_list_now()
        self._check_caches(listener)
        return self.snapshot

    def apply_changes(self, changed: Iterable[str], listener: Listener = _ignore,
                      cancelled: Callable[[], bool] = _never, settle: float = SETTLE) -> int:
        """Bring the loaded corpus up to date with files added, changed, removed or renamed
        under the opened folders (``changed``: their paths, as a watcher reports them):
        only those files are read, and the indexes are moved to the new numbering (see
        :meth:`Store.changed`) instead of built again. Returns how many articles came, went
        or changed (0: nothing to publish).

        Before every pass has run, and for a batch that touches much of the corpus, the
        folders are read again instead (unchanged files come from the cache). Files
        modified too recently to be complete are left out and added to ``unsettled``, for
        the caller to hand back in a moment.
        """
        with self._busy:
            return self._apply_changes(changed, listener, cancelled, settle)

    def _apply_changes(self, changed: Iterable[str], listener: Listener,
                       cancelled: Callable[[], bool], settle: float) -> int:
        snapshot = self.snapshot
        store = snapshot.store
        changes = sort_out(changed, Roots(self.paths), store.articles, settle, store.number_at)
        self.unsettled |= changes.unsettled
        touched = len(changes.files) + len(changes.gone)
        if not touched:
            return 0
        if snapshot.stage != "complete" or touched > max(LIVE_MIN, len(store) // LIVE_SHARE):
            self.reload(listener, cancelled, warm=True)
            return touched
        listener(Progress("changes", 0, touched))
        roots = self._folders()
        result = load_paths(changes.files, cache=self.cache, save=False, roots=roots,
                            cancelled=cancelled, look_up=False)
        if cancelled():
            return 0
        gone = set(changes.gone)
        read = {a.path for a in result.articles}
        gone.update(d for p in changes.files if p not in read  # unusable now
                    and (d := store.number_at(p)) is not None)
        added = []
        for article in result.articles:
            d = store.number_at(article.path)
            if d is not None:
                old = store.articles[d]
                if article._replace(id=old.id) == old:
                    continue  # touched, not changed
                gone.add(d)
                article = article._replace(id=old.id)  # a changed file keeps its id
            added.append(article)
        added = self._fit(store, gone, added, result)
        if not gone and not added:
            self._remember(store, store, gone, changes.files, result)  # what was skipped
            return 0
        bodies = read_body_words([a.path for a in added])
        new_store, _ = store.changed(gone, added, bodies)
        self._remember(store, new_store, gone, changes.files, result)
        self._publish(new_store, "complete", listener, warm=True)
        self.caches_unsaved = self._list_stale = True  # see save_caches()
        return len(gone) + len(added)

    def _fit(self, store: Store, gone: set[int], added: list[Article],
             result: LoadResult) -> list[Article]:
        """The ``added`` articles that are no copy of one kept, with ids unique among the
        kept ones (as a load would have made them)."""
        leaving = {store.articles[d].id for d in gone}
        by_digest = store.by_digest
        digests: dict[str, str] = {}  # of the added articles taken so far
        ids = _Taken(store.by_id, leaving)
        fitted = []
        for article in added:
            first = digests.get(article.digest)
            # Digests are unique in a loaded store (copies are loaded once): an article
            # leaving with this one's digest (a renamed file) means no copy stays.
            if first is None and (same := by_digest.get(article.digest)) is not None \
                    and same.id not in leaving:
                first = same.path
            if first is not None:
                result.warnings.append((article.path, f"same content as {first}: loaded once"))
                continue
            digests[article.digest] = article.path
            if article.id in ids:
                article = article._replace(id=unique_id(article.id, ids))
            ids.add(article.id)
            fitted.append(article)
        return fitted

    def _remember(self, old: Store, new: Store, gone: set[int], files: list[str],
                  result: LoadResult) -> None:
        """Keep the load report and the header cache true after a live change."""
        still = new.by_path
        self.cache.forget(old.articles[d].path for d in gone
                          if old.articles[d].path not in still)
        redone = set(files) | {old.articles[d].path for d in gone}
        report = self.report
        report.skipped = [s for s in report.skipped if s[0] not in redone] + result.skipped
        report.warnings = [w for w in report.warnings if w[0] not in redone] + result.warnings

    def save_caches(self) -> None:
        """Save the header cache and the body index after live changes, if there were any
        since they were saved.

        Not done by every change: at 100k articles the two files take ~1.5 s to write (10x
        that at 1M), and changes come in bursts; the app calls this once they have been
        quiet a while. Until then a header cache that missed a change costs the next launch
        a parse of the changed files only; a body index that missed one, indexing again.
        """
        with self._busy:
            if not self.caches_unsaved or self.snapshot.stage != "complete":
                return
            self.caches_unsaved = False
            # First: the header cache's save lets go of the stats put since its release.
            self._save_list(self.snapshot.store)
            if (problem := self.cache.save()) is not None:
                self.report.warnings.append((str(self.cache.path), problem))
            store = self.snapshot.store
            store.settle()  # the postings moved lazily by the changes, made whole to save
            self.cache.bodies().save(body_key(store.articles), store.body_index)
            self._save_indexes(store)

    def list_pass(self, listener: Listener = _ignore, cancelled: Callable[[], bool] = _never,
                  *, full: bool = False, warm: bool = False, partial: bool = True) -> None:
        """Read every file for what the list shows (``full``: parse it whole), publishing a
        partial snapshot with the first articles, at 25,000 and each time the list has
        doubled since (unless not ``partial``), then the whole list; then (``warm``) prepare
        the engine and save the header cache.

        Doubling keeps the cost of the partial lists (each one sorted, and shown) below that
        of one more whole list: at 1M articles a snapshot every 25,000 meant 40 sorts of up
        to 1M articles."""
        if partial and not full and self._list_from_cache(listener, cancelled, warm):
            return
        if cancelled():
            return
        # After a cached list was shown, the one read here replaces it whole.
        partial = partial and not self._previewed
        self._list_stale = True
        shown = 0
        saved, saved_n = time.monotonic(), 0

        def progress(count: int, result: LoadResult) -> None:
            nonlocal shown, saved, saved_n
            listener(Progress("list", count))
            n = len(result.articles)
            if partial and ((not shown and n) or n - shown >= max(SNAPSHOT_EVERY, shown)):
                shown = n
                self._publish(Store(result.articles[:n]), "partial", listener)
            if (time.monotonic() - saved > CHECKPOINT_SECONDS and count >= 2 * saved_n
                    and self.cache.parsed >= CHECKPOINT_PARSED):
                # A long first launch quit half-way still leaves the next one what it read
                # (each checkpoint twice the last: together less than one more save).
                self.cache.save(partial=True)
                saved, saved_n = time.monotonic(), count

        result = load_paths(self.paths, progress=progress, cancelled=cancelled,
                            cache=self.cache, details=full, save=False)
        self.report = result
        if cancelled():
            return  # a cache saved now would forget the files not reached
        store = Store(result.articles)
        # The report keeps what went wrong, not the articles: the details pass replaces
        # every one of them, and these would stay alive beside them (~30 MB at 100k).
        result.articles = []
        give_back()
        self._publish_with_indexes(store, "detailed" if full else "listed", listener)
        # Saved as soon as the list is complete, before the engine's warm-up: the screen
        # says the list is done (a quit during the later passes, or the warm-up, still
        # leaves the next launch fast; details are saved again as they are read).
        if (problem := self.cache.save()) is not None:
            result.warnings.append((str(self.cache.path), problem))
        if warm:
            # After the list is on screen: a keystroke meanwhile waits for this in its
            # search worker.
            self.snapshot.engine.warm()

    def _folders(self) -> list[str]:
        """The opened paths that are folders (a file's section may come from them)."""
        return [p for p in self.paths if os.path.isdir(os.path.expanduser(p))]

    def _list_from_cache(self, listener: Listener, cancelled: Callable[[], bool],
                         warm: bool) -> bool:
        """On a launch from a large header cache: the first files' headlines, then the
        list as the cache has it, then every file checked (see
        :mod:`newstui.model.load.cached_list`). True if that list stood the check (the
        few files changed since are applied once the passes are done); False (many
        changed, or the cached list could not be used) for the caller to read the
        folders, that list on screen meanwhile."""
        cache = self.cache
        self._previewed = False
        if cache.path is None or cache.quick():
            return False  # nothing cached, or little enough to check as it is read
        # The first headlines before the cache is read (~2 s at a million files).
        roots = self._folders()
        head = list(islice(iter_files(self.paths, []), CHUNK))
        first = load_paths(head, cache=None, details=False, save=False, roots=roots)
        if first.articles and not cancelled():
            self._publish(Store(first.articles), "partial", listener)
        del first
        listed = self._list_from_file(listener, cancelled, roots)
        if listed is not None:
            if listed and warm:
                self.snapshot.engine.warm()
            return listed
        if not cache.known_any():
            return False
        result = cached_list(cache, self.paths, roots, cancelled)
        if result is None or cancelled():
            return False
        store = Store(result.articles)
        result.articles = []
        self._show(store, listener)
        # Taken while the entries are in memory: the files' stats, for the check once the
        # passes are done and for the list file the next launch starts from.
        stats = stats_in_order(store.articles, cache.stat_of)
        self._unchecked = Unchecked([a.path for a in store.articles], stats)
        self._list_later = (store, stats)
        # Kept whole (the check applies what changed as a live change); the file holds
        # every entry: they need not stay in memory (~1 GB at a million files).
        cache.keep_all()
        self.report = result
        cache.release()
        give_back()
        if warm:
            self.snapshot.engine.warm()
        return True

    def _list_from_file(self, listener: Listener, cancelled: Callable[[], bool],
                        roots: list[str]) -> bool | None:
        """The list as the list file has it (see :mod:`newstui.model.cache.list_file`),
        published, then every file checked against the stats it holds. None (nothing
        shown) without a usable list file; else as :meth:`_list_from_cache`."""
        path = self.cache.list_path
        saved = None if path is None else load_list(path, cancelled)
        if saved is None or cancelled():
            return None
        articles = saved.articles
        found = [a.path for a in articles]
        n = len(articles)
        # An untrusted file: it names only files a walk finds (checked before any is
        # shown), one article each, with ids and contents unique and in order, as a load
        # makes them (checked with the files: one that is not is replaced, see
        # check_files).
        if not n or not all_walkable(found, self.paths, roots):
            return None
        # In the order it was saved in (the days checked now, the rest with the files).
        store = Store.presorted(articles)
        del articles
        self._show(store, listener)
        self._unchecked = Unchecked(found, saved.stats, store)
        self._list_stale = False
        # The header cache was never read: its file stands for every entry, and what
        # later passes put is merged with it when it is saved.
        self.cache.take_as_saved()
        self.report = LoadResult(warnings=saved.warnings)
        give_back()
        return True

    def _show(self, store: Store, listener: Listener) -> None:
        """Publish ``store``, a list from the caches: its files are checked once the
        passes are done (see :meth:`_check_listed`)."""
        self._publish_with_indexes(store, "listed", listener)
        self._previewed = True

    def _check_listed(self, listener: Listener, cancelled: Callable[[], bool], *,
                      bodies: bool, warm: bool) -> None:
        """Check every file of the list shown from the caches against the stat they hold
        (~8 s at a million files, after bodies are searchable, not before): the few
        changed since are kept in ``_since``, applied next as live changes; when many
        changed, the folders are read again and their list replaces the cached one."""
        listed, self._unchecked = self._unchecked, None
        if listed is None:
            return
        n = len(listed.files)
        checked = check_files(listed, self.paths, max(LIVE_MIN, n // LIVE_SHARE), cancelled,
                              lambda done: listener(Progress("checking", done, n)))
        del listed
        if cancelled():
            return
        if checked is None:
            listener(Progress("checking", n, n))  # over: the folders' own list comes next
            self._list_later = None
            self.list_pass(listener, cancelled, warm=warm, partial=False)
            self._passes_after_list(listener, cancelled, bodies=bodies, warm=warm)
            return
        self._since = checked.changed
        self.report.skipped = checked.skipped
        if checked.skipped:
            # The list went out before the files were checked: said now instead.
            listener(Problem(skipped_notice(len(checked.skipped)), "files"))

    def _list_stats(self, store: Store) -> array | None:
        """The stats of ``store``'s files, in its order, for its list file (see
        :meth:`_save_list`), if the list file does not hold it yet: from the header
        cache's entries in memory, else the list file saved before (the entries released).
        None when most are unknown: the next launch would read every file again anyway."""
        cache, path = self.cache, self.cache.list_path
        if path is None or not self._list_stale:
            return None
        known = load_stats(path) if cache.released else {}
        if not known and cache.released and self._list_later is not None:
            # No list file yet (a launch from the header cache, with changes since): the
            # stats taken before the entries were released stand for the files unchanged.
            old, old_stats = self._list_later
            known = stats_by_path(old.articles, old_stats)

        if cache.released:
            known.update(self._kept_stats)  # (a dict of its own: from a file, or made)
        articles = store.articles
        stats = (stats_in_order(articles, known) if known
                 else array("q", NO_STAT) * len(articles))
        # The entries in memory are newer than the list file's stats, and those kept.
        cache.fill_stats(map(attrgetter("path"), articles), stats)
        step = max(1, len(articles) // 1000)
        sizes = stats[:: 3 * step]  # a stat's first number: -1 when unknown
        if sizes.count(NO_STAT[0]) * LIVE_SHARE > len(sizes):
            return None
        return stats

    def _save_list(self, store: Store, stats: array | None = None) -> None:
        """Keep the list of ``store`` (with every file's stat: ``stats``, else
        :meth:`_list_stats`) in the list file, for the next launch to show first."""
        path = self.cache.list_path
        stats = stats if stats is not None else self._list_stats(store)
        if path is None or stats is None:
            return
        if (problem := save_list(path, store.articles, stats, self.report.warnings)) is None:
            self._list_stale = False
        else:
            self.report.warnings.append((str(path), problem))

    def _save_list_later(self, store: Store) -> None:
        """:meth:`_save_list` once the launch's passes are done (a million articles take
        ~3 s to write, which would hold up the body pass), with the stats known now."""
        if self._list_later is not None and self._list_later[0] is store:
            return  # put off with its stats already (a list from the header cache)
        stats = self._list_stats(store)
        if stats is not None:
            self._list_later = (store, stats)
        else:
            self._list_later = None

    def _save_list_now(self) -> None:
        """Write the list put off by :meth:`_save_list_later`, if the store is still
        the one current."""
        later, self._list_later = self._list_later, None
        self._kept_stats = {}
        if later is not None and later[0] is self.snapshot.store:
            self._save_list(*later)

    def details_pass(self, listener: Listener = _ignore,
                     cancelled: Callable[[], bool] = _never, *, warm: bool = False) -> None:
        """Parse in full the files read for the list only: caption, dateline, link, word
        count. The numbering of articles does not change."""
        store = self.snapshot.store
        total = sum(1 for a in store.articles if a.words is None)
        filled = array("l")
        if total:

            def fill(found: dict[int, Article]) -> None:
                store.fill_details(found, index=False)
                filled.extend(found)

            if total > len(store) // 2:
                self.cache.put_again()  # (a first launch: every entry gets its details)
            read_details(store.articles, self.cache, cancelled=cancelled,
                         progress=lambda n: listener(Progress("details", n, total)), each=fill,
                         save=False)
            if cancelled():
                # The articles filled in stay (the next load reads the rest): indexed.
                store.index_details(filled)
                return
            self._list_stale = self._list_stale or bool(filled)
        # The header cache's entries hold every file's stat now: taken before they are
        # saved and released, for the list saved at the end.
        self._save_list_later(store)
        if total:
            self.cache.save()  # a failure only means reading the details again next time
        # Saved by now (by the list pass, and just above): the rest of the launch does
        # not need the entries in memory. Dropped before the details are indexed: on a
        # first launch the body index is in memory by now, and the meta index is built
        # again beside the old one (~200 MB more for a moment at a million articles).
        self.cache.release()
        give_back()
        store.index_details(filled)
        if self.snapshot.stage == "indexed":
            self._publish(store, "complete", listener, warm=warm)
            self._index_caches_saved(store)
            give_back()
        else:
            self._publish(store, "detailed", listener, warm=warm)

    def body_pass(self, listener: Listener = _ignore, cancelled: Callable[[], bool] = _never,
                  *, warm: bool = False) -> None:
        """Index body words (or take them from the body cache), while the user already reads
        and filters by headers: the store is then "indexed" (details to come) if it was
        "listed", else "complete"."""
        store = self.snapshot.store
        stage: Stage = "indexed" if self.snapshot.stage == "listed" else "complete"
        total = len(store)
        index = index_bodies_cached(store.articles, self.cache, cancelled=cancelled,
                                    progress=lambda n: listener(Progress("bodies", n, total)))
        if cancelled():
            return
        repacked = store.attach_body_index(index)
        self._publish(store, stage, listener, warm=warm)
        if repacked and self.cache.path is not None:
            # Cached before lists were packed: saved again, so the next launch reads it
            # smaller and need not pack it (~5 s at a million articles).
            self.cache.bodies().save(body_key(store.articles), index)
        if stage == "complete":
            self._index_caches_saved(store)
        give_back()

    def _index_caches_saved(self, store: Store) -> None:
        """Once a store is complete: its header word indexes cached, unless they came from
        the cache (saved before the details, the meta index would lack their words)."""
        if not self._cached_indexes:
            self._save_indexes(store)

    def _publish_with_indexes(self, store: Store, stage: Stage, listener: Listener) -> None:
        """Publish a whole list, then give it the header word indexes cached for it: a
        search or related stories asked for meanwhile wait for them (the store is held)
        instead of building them (~20 s at a million articles), and the list is on screen
        without waiting for the cache key and the files (~1.4 s at a million)."""
        with store.held():
            self._publish(store, stage, listener)
            self._cached_indexes = self._indexes_from_cache(store)

    def _indexes_from_cache(self, store: Store) -> bool:
        """Give ``store`` the header word indexes cached for exactly these articles, if
        there are (the meta index may hold the details a first chunk has yet to read: the
        same words it will get)."""
        key = header_key(store.articles)
        found = {}
        for name in HEADER_INDEXES:
            index = self.cache.index_cache(name).load(key, len(store))
            if index is None:
                return False
            found[name] = index
        return store.attach_indexes(found)

    def _save_indexes(self, store: Store) -> None:
        """Cache the header word indexes of a complete store for the next launch."""
        key = header_key(store.articles)
        indexes = store.indexes()
        for name in HEADER_INDEXES:
            self.cache.index_cache(name).save(key, indexes[name])


class _Taken(set[str]):
    """The ids taken in a store after a change: those of its articles not ``leaving``,
    and those added to this set (a set of every id would cost a pass over the store)."""

    def __init__(self, kept: dict[str, Article], leaving: set[str]) -> None:
        super().__init__()
        self._kept = kept
        self._leaving = leaving

    def __contains__(self, article_id: object) -> bool:
        return super().__contains__(article_id) or (
            article_id in self._kept and article_id not in self._leaving)
