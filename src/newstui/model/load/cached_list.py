"""The list as the header cache last saw it, shown before the files are checked.

On a launch from the caches most of the list pass is checking that each file is still the
one cached (a stat each) and turning entries into articles, interleaved (~17 s at a million
files). Here the entries become the list first, all of them at once (no partial lists),
and are checked after (once that list is searchable, its details and body index from the
caches too), with a walk and a stat per file and nothing read: when every file
is as cached (the usual case) that list is the one a load would make and stays; when a
few files changed, came or went, it stays too and they are applied as a live change once
the launch's passes are done; when many did, the caller reads the folders as before and
their list replaces this one.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import attrgetter, not_

from newstui.model.cache.headers import HeaderCache
from newstui.model.corpus.files import EXTENSIONS, is_article_name, iter_file_stats
from newstui.model.index.store import Store
from newstui.model.load.merge import LoadResult, merge_unique
from newstui.model.load.passes import load_paths

_SUFFIXES = tuple(EXTENSIONS)
CHECK_STEP = 20_000  # files between progress reports and cancellation checks
_ID, _DIGEST = attrgetter("id"), attrgetter("digest")


def cached_list(cache: HeaderCache, paths: list[str], roots: list[str],
                cancelled: Callable[[], bool]) -> LoadResult | None:
    """The cache's entries merged as a load merges them (one copy of each content, unique
    ids, sections from folders: an article an entry); None when there are none,
    when cancelled, when an entry names a file a walk of ``paths`` could not find (the
    cache is untrusted: its list is shown before any file is checked), or when the
    entries' order decides anything (a copy or an id taken twice: which one wins depends
    on the order the files are read in)."""
    loaded = cache.preview(cancelled)
    if not loaded or cancelled():
        return None
    if not all_walkable([a.path for a, _, _ in loaded], paths, roots):
        return None
    return merge_unique(loaded, roots)


def all_walkable(found: list[str], paths: list[str], roots: list[str]) -> bool:
    """Whether a walk of the opened ``paths`` (``roots``: those that are folders) could
    find every one of ``found``: a list from an untrusted cache names no other file."""
    opened = {os.path.normpath(os.path.expanduser(p)) for p in paths}
    folders = tuple(os.path.normpath(os.path.expanduser(r)).rstrip(os.sep) + os.sep
                    for r in roots)
    return _all_walkable(found, opened, folders)


def _all_walkable(paths: list[str], opened: set[str], folders: tuple[str, ...]) -> bool:
    """Whether a walk of the opened paths could find every one of ``paths``: an opened
    file, or an article file below an opened folder (which may itself be hidden,
    ``~/.local/news`` say) with no hidden part, no ``..`` and no empty part below it."""
    hidden, empty = os.sep + ".", os.sep + os.sep
    by_length = sorted(folders, key=len, reverse=True)
    for folder in by_length:
        below = [p for p in paths if p.startswith(folder)]
        # Each path from the separator that ends the folder, all joined (no path holds a
        # NUL): one search for a hidden or empty part, not one a path (~1 s at a million).
        rest = ("\0" + "\0".join(below)).replace("\0" + folder, "\0" + os.sep)
        if hidden in rest or empty in rest:
            return False
        if not all(map(str.endswith, below, repeat(_SUFFIXES))) and \
                not all(map(is_article_name, below)):  # (an extension in capitals, say)
            return False
        if len(below) != len(paths):
            paths = [p for p in paths if not p.startswith(folder)]
        else:
            return True
    return all(p in opened for p in paths)


@dataclass
class Checked:
    """What checking the files against the cached list found."""

    skipped: list[tuple[str, str]]  # missing folders, files that cannot be read
    changed: set[str] = field(default_factory=set)  # changed, new or gone since cached


@dataclass
class Unchecked:
    """A list shown from the caches, its files not checked yet: their ``files`` (paths)
    and the ``stats`` the cache holds of them, three numbers a file in the same order
    (see :func:`newstui.model.cache.list_file.stats_in_order`)."""

    files: list[str]
    stats: array
    # The store shown, from a list file: whether it is as a load makes it (in order, ids
    # and contents unique) is checked with the files.
    presorted: Store | None = None


def check_files(listed: Unchecked, paths: list[str], most: int, cancelled: Callable[[], bool],
                progress: Callable[[int], None]) -> Checked | None:
    """Walk ``paths`` and stat every file, against the stats of the ``listed`` files: the
    files skipped on the way, and those changed, new or gone since it was saved (for the
    caller to apply as a live change); None when more than ``most`` differ (reading the
    folders again is then the cheaper way), or when cancelled."""
    skipped: list[tuple[str, str]] = []
    unknown: list[str] = []
    changed: set[str] = set()
    files, stats = listed.files, listed.stats
    if listed.presorted is not None and not _as_loaded(listed.presorted):
        return None  # a list file unlike any load's (forged): the folders read again
    # Rows by path and a flag a row, not a stat tuple a path and a set of the paths
    # walked: ~250 MB less at a million files, while the body index is in memory.
    rows = dict(zip(files, range(len(files)), strict=True))
    if len(rows) != len(files):
        return None  # a file listed twice: as above
    walked = bytearray(len(files))
    for n, (path, now) in enumerate(iter_file_stats(paths, skipped), 1):
        if n % CHECK_STEP == 0:
            if cancelled() or len(changed) > most:
                return None
            progress(n)
        row = rows.get(path)
        if row is None:
            unknown.append(path)
            continue
        walked[row] = 1
        at = 3 * row
        if now is None or (now.st_size, now.st_mtime_ns, now.st_ctime_ns) != \
                (stats[at], stats[at + 1], stats[at + 2]):
            changed.add(path)  # (or gone between the walk and the stat)
    del rows
    if walked.count(0):
        changed.update(compress(files, map(not_, walked)))  # gone since
    if len(changed) + len(unknown) > most:
        return None
    progress(len(files))
    if unknown:
        # Files skipped last time (unreadable, empty, binary) have no entry: they are still
        # unusable, or new articles.
        found = load_paths(unknown, cache=None, details=False, save=False, roots=[])
        changed.update(a.path for a in found.articles)
        skipped += found.skipped
    return Checked(skipped, changed)


def _as_loaded(store: Store) -> bool:
    """Whether ``store`` is as a load makes a store: in order, with ids unique and each
    content once."""
    articles = store.articles
    n = len(articles)
    return (store.in_order() and len(set(map(_ID, articles))) == n
            and len(set(map(_DIGEST, articles))) == n)
