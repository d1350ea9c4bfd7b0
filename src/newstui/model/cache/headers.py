"""A cache of parsed headers, so opening the same folders again parses no unchanged file.

One file per set of opened paths, in ``$NEWSTUI_CACHE`` (else the XDG cache dir). An entry
is used only while its file keeps the size and modification time (ns) it had when parsed;
files changed in the last few seconds are not cached at all, because a second change within
the file system's timestamp granularity could keep both. Article bodies are never cached
(they are re-read from the files; the body word index has its own cache,
:mod:`newstui.model.cache.bodies`). A
cache that is missing, corrupt, from another version or unwritable
is simply not used; it is never needed for correctness.

The format is ``marshal`` (fast, plain data only) after a magic line and before a CRC-32
seal (:mod:`newstui.model.cache.sealed`), so a truncated or damaged file is recognised
before it is decoded; entries are
marshalled in length-prefixed blobs of up to 2,000 (1,000: a :class:`_Frame` as kept), so
that no single call holds the GIL for long and a save makes one blob at a time.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from array import array
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any

from newstui import __version__
from newstui.model.cache.bodies import BodyCache
from newstui.model.cache.sealed import (
    open_sealed,
    remove_stale_writes,
    sealed,
    write_atomically,
)
from newstui.model.corpus.article import Article
from newstui.model.corpus.files import Stat, file_stat
from newstui.model.corpus.sanitize import clean_line

MAGIC = b"newstui header cache 2\n"  # then length-prefixed marshal blobs (Sealed.frames)
OLD_MAGIC = b"newstui header cache\n"  # one marshalled list of blobs (up to FORMAT 6)
# Bump when the parser or the Article fields change what an entry means (7: Markdown
# headlines as the text they show).
FORMAT = 7
RACY_SECONDS = 3.0
QUICK_BYTES = 8 * 1024 * 1024
PREVIEW_STEP = 20_000  # entries between checks for cancellation in preview()
BLOB = 2000  # entries marshalled together: each (un)marshal call holds the GIL ~5 ms
FRAME = 1000  # entries put in a row, kept marshalled together in memory (see _Frame)
DIFF_DECODES = 64  # frames decoded to tell whether entries differ before assuming they do
Entry = tuple[Stat, tuple[object, ...], tuple[str, ...]]
MAX_BYTES = 4 * 1024**3  # ~400 MB at a million articles; a larger file is not ours
# The types of a row's values (see Article.to_row): the date is an ordinal or None, the
# word count an int or None.
_ROW_TYPES: frozenset[tuple[type, ...]] = frozenset(
    (str, date, str, str, str, str, str, tuple, words, str, str, str, str)
    for date in (int, type(None)) for words in (int, type(None))
)


def cache_dir() -> Path | None:
    """``$NEWSTUI_CACHE``, else ``$XDG_CACHE_HOME/newstui``; None when set to ``off``."""
    env = os.environ.get("NEWSTUI_CACHE")
    if env is not None:
        return None if env.strip().lower() in ("", "off", "0", "no") else Path(env)
    from platformdirs import user_cache_dir  # only when caching, not for every import

    return Path(user_cache_dir("newstui", appauthor=False))


def cache_dir_problem(folder: Path) -> str | None:
    """Why caches cannot be written in ``folder`` (made if missing), or None if they can."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create it: {exc.strerror or exc}"
    if not folder.is_dir():
        return "not a folder"
    if not os.access(folder, os.W_OK | os.X_OK):
        return "not writable"
    return None


class HeaderCache:
    """Cached headers for one set of opened paths."""

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, Kept] | None = None if path is not None else {}
        self._new: dict[str, Kept] = {}
        self._released = False  # entries dropped after a save: see release()
        self._forgotten: set[str] = set()  # files gone since the release
        self._changed = False
        self._puts = 0
        self._thin: list[str] = []  # put without details: see _keep_details
        self._fresh: list[str] = []  # put as entries, not yet in a frame: see _seal
        self._memo: dict[_Frame, dict[str, Any]] = {}  # frames decoded last: see _resolve
        self._decodes = 0  # frames decoded by _resolve
        self.problem = ""  # why the cache file could not be used or written, if it could not
        self._bodies: BodyCache | None = None
        self._prefixes: list[tuple[str, str]] = []  # (opened as, real path) where they differ
        self._held: list[str] | None = None  # the files the file holds, since a release
        self._spool: _Spool | None = None  # where frames are kept: see _Frame
        self._no_spool = False  # none could be made

    @property
    def _old(self) -> dict[str, Kept]:
        # Read on first use, in the loader's thread: a 100k-file cache takes ~0.4 s.
        entries = self._entries
        if entries is None:
            self._entries = entries = self._read_opened()
            if self._released:
                # What the file holds, with what was put and forgotten since the release.
                self._new = self._merged(entries)
                self._changed = self._changed or bool(self._forgotten)
                self._released, self._forgotten = False, set()
        return entries

    def _read_opened(self) -> dict[str, Kept]:
        """The file's entries, by the paths as opened (the file has their real paths)."""
        return self._read(self.path) if self.path is not None else {}

    def _opened(self, block: dict[str, Entry]) -> dict[str, Entry]:
        """A block of the file's entries keyed by the paths as opened (kept in memory so:
        no lookup translates), with the path strings of their own rows where those are
        the ones (the usual case): one string for both, ~100 MB less at a million
        entries, and no translation made."""
        keys, entries = list(block), block.values()
        if set(map(type, keys)) - {str}:
            raise ValueError("an entry under a key that is not a path")
        try:
            paths = list(map(_ROW_PATH, map(_ROW, entries)))
            if self._translated(keys, paths):
                return dict(zip(paths, entries, strict=True))
        except (TypeError, IndexError, KeyError):
            pass  # not entries: they are sorted out when used
        return dict(zip(self._keys(keys, back=True), entries, strict=True)) \
            if self._prefixes else block

    def _translated(self, keys: list[str], paths: list[str]) -> bool:
        """Whether ``paths`` are the paths as opened of the file's ``keys``: compared as
        two joined strings, one prefix swap made by ``str.replace`` (no Python loop)."""
        if not self._prefixes:
            return keys == paths
        if len(self._prefixes) != 1:
            return False
        typed, real = self._prefixes[0]
        joined = ("\0" + "\0".join(keys)).replace("\0" + real + os.sep, "\0" + typed + os.sep)
        return joined == "\0" + "\0".join(paths)

    def _keys(self, paths: list[str], back: bool = False) -> list[str]:
        """:meth:`_key` of each of ``paths``: for one opened folder (the usual case) a
        prefix swap in one comprehension, ~4x faster at a million entries."""
        if len(self._prefixes) != 1:
            return [self._key(p, back) for p in paths]
        typed, real = self._prefixes[0]
        old, new = (real, typed) if back else (typed, real)
        cut, under = len(old), old + os.sep
        return [new + p[cut:] if p.startswith(under) or p == old else p for p in paths]

    def release(self) -> bool:
        """Drop the entries from memory if the file holds them all (saved, nothing put
        since): after a load they are ~40 MB at 100k files that nothing reads. Later puts
        and forgets are kept apart and merged with the file when it is saved (live changes
        need not read it back); a reload reads it again. True if dropped."""
        if self.path is None or self._released or self._entries is None or self._differs():
            return False
        # The files the file holds (no copies of their paths): if every one is put again
        # (a first launch's details), the next save need not read the file back.
        self._held = list(self._entries)
        self._entries, self._new, self._released = None, {}, True
        self._fresh, self._memo = [], {}
        self._spool = None  # (closed, and gone from the disk, once its frames are)
        return True

    def _merged(self, entries: Mapping[str, Kept]) -> dict[str, Kept]:
        """``entries`` (the file's, after a release) with what was put and forgotten since."""
        merged = {k: e for k, e in entries.items() if k not in self._forgotten}
        merged.update(self._new)
        return merged

    @classmethod
    def for_paths(cls, paths: Iterable[str]) -> HeaderCache:
        """The cache of these opened paths (a disabled one if caching is off), named after
        their real locations: ``corp/x``, ``./corp/x`` and ``/abs/corp/x`` share one."""
        folder = cache_dir()
        if folder is None:
            return cls(None)
        _clean_once(folder)
        typed = [os.path.normpath(os.path.expanduser(p)) for p in paths]
        real = [os.path.realpath(p) for p in typed]
        key = "\0".join(sorted(real))
        name = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
        cache = cls(folder / f"headers-{name}.bin")
        cache._prefixes = [(t, r) for t, r in zip(typed, real, strict=True) if t != r]
        return cache

    def _key(self, path: str, back: bool = False) -> str:
        """The key of a file in the cache file: its path under the real location of its
        opened root (``back``: the other way, from a key to the path as opened)."""
        for typed, real in self._prefixes:
            old, new = (real, typed) if back else (typed, real)
            n = len(old)
            if path.startswith(old) and (len(path) == n or path[n] == os.sep):
                return new + path[n:]
        return path

    def _read(self, path: Path) -> dict[str, Kept]:
        """The entries of the cache file; none (and ``problem`` says why) for a file that is
        damaged, foreign or forged. Each entry is checked again when it is used."""
        entries: dict[str, Kept] = {}
        try:
            for block in self._blocks(path):
                entries.update(block)
        except (EOFError, ValueError, TypeError) as exc:
            self.problem = f"header cache {path} was not usable ({exc}): rebuilt"
            return {}
        return entries

    def _blocks(self, path: Path) -> Iterator[dict[str, Entry]]:
        """The cache file's entries a block at a time, in the file's order, keyed by the
        paths as opened; none for a file of another version or layout, or none yet.
        Raises ValueError (or EOFError, TypeError) for one damaged, foreign or forged: a
        block may have been given before that is found."""
        sealed_file = open_sealed(path, MAX_BYTES)
        if sealed_file is None:
            return  # no cache yet
        with sealed_file:
            magic = sealed_file.take(len(MAGIC))
            if magic[: len(OLD_MAGIC)] == OLD_MAGIC:
                return  # an older version's layout: parse again
            if magic != MAGIC:
                raise ValueError("not a header cache")
            blobs = map(marshal.loads, sealed_file.frames())
            if next(blobs, None) != [FORMAT, __version__]:
                return  # another version wrote it: parse again
            for found in blobs:
                # A blob at a time: one marshal call over a 100k-file cache would hold
                # the GIL for ~0.3 s, and the UI thread needs it between keystrokes.
                if not isinstance(found, dict):
                    raise ValueError("an entry block that is not a mapping")
                yield self._opened(found)

    def bodies(self) -> BodyCache:
        """The body index cache that goes with this one."""
        if self._bodies is None:
            path = self.path
            self._bodies = BodyCache(None if path is None else path.with_name(
                path.name.replace("headers-", "bodies-", 1)))
        return self._bodies

    def index_cache(self, name: str) -> BodyCache:
        """A cache for the word index ``name`` of the headers (title, tags, meta), in the
        body index's format: at a million articles they take ~20 s to build."""
        path = self.path
        return BodyCache(None if path is None else path.with_name(
            path.name.replace("headers-", f"index-{name}-", 1)))

    def quick(self) -> bool:
        """Whether reading the cache costs less than parsing ~1,000 files (~0.1 s): true
        up to ~20k entries (or once it has been read)."""
        if self._entries is not None:
            return True
        try:
            return self.path is not None and self.path.stat().st_size <= QUICK_BYTES
        except OSError:
            return True  # nothing to read

    def known_any(self) -> bool:
        """Whether the cache holds any entry (reading it if it has not been read)."""
        return bool(self._old)

    def known(self, files: Iterable[str]) -> int:
        """How many of ``files`` have an entry (changed or not: nothing is checked)."""
        old = self._old
        return sum(1 for path in files if path in old) if old else 0

    def hits(self, files: Iterable[str], details: bool = True
             ) -> dict[str, tuple[Article, tuple[str, ...], Stat]]:
        """Cached headers of those ``files`` that are unchanged since they were cached (with
        ``details``, only those whose details were read: see ``Article.words``), kept for
        the next save. An entry of the wrong shape is a miss; its strings are sanitised
        like a fresh parse's."""
        out: dict[str, tuple[Article, tuple[str, ...], Stat]] = {}
        if self._released or not self._old:
            return out  # released: the few files of a live change are parsed instead
        old, new = self._old, self._new
        for path in files:
            kept = old.get(path)
            if kept is None:
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            entry = self._resolve(path, kept)
            if (found := _entry(entry, path, file_stat(st))) is not None:
                if details and found[0].words is None:
                    continue
                out[path] = found
                new[path] = kept
        return out

    def preview(self, cancelled: Callable[[], bool] = lambda: False
                ) -> list[tuple[Article, tuple[str, ...], Stat]]:
        """Every entry as (article, warnings, stat), in the order saved, not checked
        against the files (each is checked like a hit otherwise): what the list looked
        like when the cache was saved, to show while the files are checked. Empty if
        ``cancelled`` turns True meanwhile."""
        out: list[tuple[Article, tuple[str, ...], Stat]] = []
        old = self._old
        # A block at a time: no list of 1M pairs (but for frames, rare here: entries put
        # in this process and saved, not yet released).
        items = (_decoded(list(old.items())) if any(type(e) is _Frame for e in old.values())
                 else iter(old.items()))
        while part := list(islice(items, PREVIEW_STEP)):
            if cancelled():
                return []
            found = _entries_at_once(part)
            out.extend(found if found is not None else _entries_one_by_one(part))
        return out

    @property
    def list_path(self) -> Path | None:
        """Where the list of these opened paths is kept (see
        :mod:`newstui.model.cache.list_file`)."""
        path = self.path
        return None if path is None else path.with_name(path.name.replace("headers-", "list-", 1))

    @property
    def released(self) -> bool:
        """The entries are not in memory (see :meth:`release`)."""
        return self._released

    def stat_known(self, path: str) -> Stat | None:
        """The stat ``path``'s entry holds, if the entry is in memory (never reading the
        file): what was put since, else what was read or saved."""
        entry = self._new.get(path)
        if entry is None and self._entries is not None:
            entry = self._entries.get(path)
        return None if entry is None else _stat_in(entry, path)

    def fill_stats(self, paths: Iterable[str], stats: array) -> None:
        """Write into ``stats`` (three numbers a path, in the order of ``paths``) the stat of
        each path whose entry is in memory (what was put since wins), leaving the others
        as they are. A frame's stats are taken together, and no tuple is made a path: at a
        million entries a dict of stats by path was ~190 MB for a moment, the peak of a
        first launch (the positions by path here: ~60 MB, measured the same way)."""
        where = dict(zip(paths, range(len(stats) // 3), strict=True))
        for entries in (self._entries or {}, self._new):
            frames: set[_Frame] = set()
            for path, kept in entries.items():
                if type(kept) is not _Frame:
                    if (at := where.get(path)) is not None and (
                            numbers := _three(_stat(kept))) is not None:
                        stats[3 * at : 3 * at + 3] = numbers
                    continue
                if kept in frames:
                    continue
                frames.add(kept)
                numbers = kept.stats
                for i, member in enumerate(kept.paths):
                    # (A member put again since is in another frame, or in _new.)
                    if entries.get(member) is kept and (at := where.get(member)) is not None:
                        stats[3 * at : 3 * at + 3] = numbers[3 * i : 3 * i + 3]

    def take_as_saved(self) -> None:
        """Take the file as holding every entry, unread (a launch whose list came from the
        list file, every file checked unchanged): as after :meth:`release`, later puts and
        forgets are kept apart and merged with the file when it is saved."""
        if self.path is not None and self._entries is None and not self._new:
            self._released, self._forgotten, self._changed = True, set(), False

    def stat_of(self, path: str) -> Stat | None:
        """The stat ``path``'s file had when its entry was made (None: no entry)."""
        entry = self._old.get(path)
        return None if entry is None else _stat_in(entry, path)

    def put_again(self) -> None:
        """Most entries are about to be put again (a first launch's details): forget what
        the file held, so that an entry replaced is freed as soon as its frame's are, not
        kept for a comparison whose answer is known (the next save writes every entry).
        With the entries put again a folder at a time, in the order they were made, and
        the header indexes built in smaller blocks: 2.9 GB at the peak of a first launch at
        a million files without the UI, not 3.2 GB."""
        if self.path is None or self._released or self._entries is None:
            return
        self._entries, self._memo, self._changed = {}, {}, True

    def keep_all(self) -> None:
        """Every entry was checked unchanged (see :meth:`preview`): keep them all for
        the next save, as :meth:`hits` keeps those it returns."""
        self._new.update(self._old)

    def put(self, article: Article, warnings: tuple[str, ...], stat: Stat) -> None:
        """Remember ``article`` as parsed from a file with ``stat`` (unless it is too new)."""
        if self.path is None or time.time() - stat[1] / 1e9 < RACY_SECONDS:
            return
        self._new[article.path] = (stat, article.to_row(), tuple(warnings))
        self._changed = True  # maybe: save() compares with what was read
        self._puts += 1
        if article.words is None:
            self._thin.append(article.path)
        self._fresh.append(article.path)
        if len(self._fresh) >= FRAME:
            self._seal()

    def _seal(self) -> None:
        """Keep the entries put since the last frame in one :class:`_Frame`."""
        fresh, self._fresh = self._fresh, []
        new = self._new
        entries = {path: entry for path in fresh if type(entry := new.get(path)) is tuple}
        if entries:
            try:
                frame = _Frame(entries, self._spooled())
            except (OverflowError, TypeError, ValueError):
                return  # a stat beyond 8-byte numbers (a date past 2262): kept as tuples
            for path in entries:
                new[path] = frame

    def _spooled(self) -> _Spool | None:
        """Where frames' blobs are kept, out of memory (None: in memory, where no
        temporary file can be made)."""
        spool = self._spool
        if spool is None and self.path is not None and not self._no_spool:
            try:
                spool = self._spool = _Spool(self.path.parent)
            except OSError:
                self._no_spool = True
        return spool

    def _resolve(self, path: str, value: Any) -> Any:
        """The entry ``value`` is for ``path``: itself, or its entry in a frame (decoded
        once for a run of lookups in the order the frames were put)."""
        if type(value) is not _Frame:
            return value
        memo = self._memo
        entries = memo.get(value)
        if entries is None:
            if len(memo) >= 2:  # two: _differs alternates between an old and a new frame
                memo.clear()
            entries = memo[value] = value.entries()
            self._decodes += 1
        return entries.get(path)

    @property
    def parsed(self) -> int:
        """How many files were parsed and put here since the cache was read or saved."""
        return self._puts

    def forget(self, paths: Iterable[str]) -> None:
        """Drop the entries of ``paths`` (files gone): the next save leaves them out."""
        for path in paths:
            if self._new.pop(path, None) is not None:
                self._changed = True
            if self._released:
                self._forgotten.add(path)

    def _keep_details(self) -> None:
        """Entries put without details (the first files of a launch are read for the list
        only, before the cache is) where the cache had the same file with them: keep
        those, not the thinner ones (a launch from the caches would write the whole cache
        twice, once without those details and once with them)."""
        thin, self._thin = self._thin, []
        old, new = self._old, self._new
        for path in thin:
            was_kept = old.get(path)
            if was_kept is None or (type(was_kept) is _Frame and not was_kept.detailed):
                continue
            was = self._resolve(path, was_kept)
            try:
                if type(was[1]) is not tuple or was[1][_WORDS] is None:
                    continue  # (checked first: a thin entry's frame is never decoded)
            except (TypeError, IndexError, KeyError):
                continue  # not an entry (the file is untrusted)
            now = self._resolve(path, new.get(path))
            if (now is not None and was[0] == now[0] and len(was[1]) == len(now[1])
                    and now[1][_WORDS] is None):
                new[path] = was_kept

    def _differs(self) -> bool:
        if self._released:
            return bool(self._new or self._forgotten)
        self._keep_details()
        old = self._old
        if len(self._new) != len(old):
            return True
        if not self._changed:
            return False
        start = self._decodes
        for path, entry in self._new.items():
            was = old.get(path)
            if was is entry:
                continue
            if type(was) is _Frame and type(entry) is _Frame:
                return True  # two frames for one file: written apart, taken to differ
            if type(was) is _Frame or type(entry) is _Frame:
                # A frame's entries are decoded together, in the order they were put (the
                # first files of a launch, parsed again): taken to differ once lookups out
                # of that order would decode frames over and over.
                if self._decodes - start > DIFF_DECODES:
                    return True
                if self._resolve(path, was) != self._resolve(path, entry):
                    return True
            elif was != entry:
                return True
        return False

    def _parts(self, pairs: Iterable[tuple[str, Any]]) -> Iterator[bytes]:
        """The file's framed blobs for ``pairs`` (path, entry; or a frame all of whose
        entries are saved, under its first path: see :func:`_decoded`): made one at a
        time as they are written (all of them at once were the size of the file, ~500 MB
        at a million entries, on top of the entries)."""
        yield MAGIC
        yield _framed(marshal.dumps([FORMAT, __version__]))
        paths: list[str] = []
        entries: list[Any] = []
        for path, entry in pairs:
            if type(entry) is _Frame:  # every entry of it is saved, under its path
                yield _framed(entry.blob)
                continue
            paths.append(path)
            entries.append(entry)
            if len(paths) >= BLOB:
                yield self._block(paths, entries)
                paths, entries = [], []
        if paths:
            yield self._block(paths, entries)

    def _all_put_again(self) -> bool:
        """Whether every file the file held at the release has an entry put since, or
        was forgotten (after a first launch's details: the file's entries are all
        replaced)."""
        held, new, forgotten = self._held, self._new, self._forgotten
        return held is not None and all(p in new or p in forgotten for p in held)

    def _streamed(self, path: Path) -> Iterator[tuple[str, Any]]:
        """What a save after a release writes, as (path, entry) pairs: the file's entries
        in its order, each replaced by the one put since if there is one, none of those
        forgotten; then the entries put since for files the file did not hold. The order
        :meth:`_merged` gives, without the file's entries all in memory at once. A file
        found damaged on the way gives no more entries (those it gave stay)."""
        new, forgotten = self._new, self._forgotten
        frames = _Unframer(new)
        taken: set[str] = set()  # the files of the entries put since, given with the file's
        try:
            for block in self._blocks(path):
                for file, entry in block.items():
                    if file in forgotten:
                        continue
                    kept = new.get(file)
                    if kept is None:
                        yield file, entry
                    else:
                        taken.add(file)
                        yield file, frames.entry(file, kept)
        except (EOFError, ValueError, TypeError) as exc:
            self.problem = f"header cache {path} was not usable ({exc}): rebuilt"
        for file, kept in new.items():
            if file not in taken:
                yield file, frames.entry(file, kept)

    def _block(self, paths: list[str], entries: list[Any]) -> bytes:
        """A framed blob of the file: ``entries`` under the keys of ``paths``."""
        keys = self._keys(paths) if self._prefixes else paths
        return _framed(marshal.dumps(dict(zip(keys, entries, strict=True))))

    def save(self, partial: bool = False) -> str | None:
        """Write the entries put since loading, if they differ; return a problem or None.

        ``partial``: a checkpoint of a load still running; the entries of files it has not
        reached yet are kept as they were (they are still checked when used).
        """
        if self.path is None or not self._differs():
            return None
        pairs: Iterable[tuple[str, Any]]
        if self._released and self._all_put_again():
            # Every entry the file holds was put again (or forgotten): no need to read it.
            pairs = _decoded(list(self._new.items()), whole=not self._prefixes)
            partial = False
        elif self._released:
            # What the file holds, read back a block at a time as it is written again,
            # with the changes since: not the whole file in memory (~1 GB at a million
            # entries, for a save that comes when the body index is in memory too).
            pairs = self._streamed(self.path)
            partial = False
        else:
            items = list(self._new.items())
            if partial:
                new = self._new
                items.extend((path, entry) for path, entry in self._old.items()
                             if path not in new)
            pairs = _decoded(items, whole=not self._prefixes)
        try:
            write_atomically(self.path, sealed(self._parts(pairs)))
        except OSError as exc:
            self.problem = f"header cache not saved: {exc.strerror or exc}"
            return self.problem
        self._puts = 0
        if self._released:
            self._new, self._forgotten, self._thin = {}, set(), []
            self._held = None  # (not known without reading the file)
            self._spool = None  # its frames are gone: a new one for the next ones
        elif not partial:  # what was saved is what later puts are compared with
            self._entries, self._new, self._changed = self._new, dict(self._new), False
        return None


def _framed(blob: bytes) -> bytes:
    return len(blob).to_bytes(4, "little") + blob


class _Spool:
    """A temporary file that frames keep their blobs in (see :class:`_Frame`): the
    system removes it once it is closed, which it is when no frame needs it any more."""

    def __init__(self, folder: Path) -> None:
        import tempfile  # only when entries are put: not on the launch path

        folder.mkdir(parents=True, exist_ok=True)
        # Closed (and so removed) when the last frame that needs it is freed.
        self._file = tempfile.TemporaryFile(dir=folder, prefix=".newstui-frames-")  # noqa: SIM115
        self._end = 0

    def put(self, blob: bytes) -> int | None:
        """Write ``blob``; where it starts (None: it could not be written)."""
        at = self._end
        try:
            written = os.pwrite(self._file.fileno(), blob, at)
            while written < len(blob):
                more = os.pwrite(self._file.fileno(), blob[written:], at + written)
                if not more:
                    return None
                written += more
        except OSError:
            return None  # the disk full, say: the frame keeps its blob in memory
        self._end += len(blob)
        return at

    def get(self, at: int, size: int) -> bytes | None:
        """The ``size`` bytes from ``at`` (None: they could not be read back)."""
        try:
            data = os.pread(self._file.fileno(), size, at)
            while len(data) < size:
                more = os.pread(self._file.fileno(), size - len(data), at + len(data))
                if not more:
                    return None
                data += more
        except OSError:
            return None
        return data


_EMPTY_BLOB = marshal.dumps({})


class _Frame:
    """Entries put in a row (those of a chunk of files read), kept as one marshalled blob
    with their files' stats beside it; the blob in a temporary file where one could be
    made (a :class:`_Spool`), not in memory.

    As tuples, an entry was ~8 small objects made among the articles' own, all freed
    together once the cache was saved and released: the holes left the process ~80 MB
    larger at 100k articles (~0.8 GB at a million) than the same articles loaded from the
    caches. A frame is three allocations, off Python's small-object heap; its entries are
    decoded when a lookup needs them (a save, a check, a launch after a reload). In
    memory, the blobs of a first launch's million entries were ~430 MB at the peak, the
    details pass (its frames are put while the body index is in memory); spooled, that
    memory is the page cache's, which the system can take back."""

    __slots__ = ("_at", "_blob", "_size", "_spool", "_where", "detailed", "paths", "stats")

    def __init__(self, entries: dict[str, Entry], spool: _Spool | None = None) -> None:
        self.stats = array("q", chain.from_iterable(entry[0] for entry in entries.values()))
        if len(self.stats) != 3 * len(entries):
            raise ValueError("a stat that is not three numbers")
        blob = marshal.dumps(entries)
        self._size = len(blob)
        self._at = spool.put(blob) if spool is not None else None
        self._spool = spool if self._at is not None else None
        self._blob = blob if self._spool is None else None
        self.paths = list(entries)
        # Whether any entry holds details (see HeaderCache._keep_details).
        self.detailed = any(entry[1][_WORDS] is not None for entry in entries.values())
        self._where: dict[str, int] | None = None

    @property
    def blob(self) -> bytes:
        """The entries, marshalled (those of a blob that cannot be read back: none, and
        their files are parsed again)."""
        if self._blob is not None:
            return self._blob
        assert self._spool is not None and self._at is not None
        return self._spool.get(self._at, self._size) or _EMPTY_BLOB

    def entries(self) -> dict[str, Any]:
        """The entries, by path (new objects each call)."""
        return marshal.loads(self.blob)  # type: ignore[no-any-return]

    def stat(self, path: str) -> Stat | None:
        """The stat of ``path``'s entry, without decoding the others."""
        if self._where is None:
            # Positions from one shared tuple of ints: no int object made per entry.
            self._where = dict(zip(self.paths, _POSITIONS, strict=False))
        i = self._where.get(path)
        if i is None:
            return None
        size, mtime, ctime = self.stats[3 * i : 3 * i + 3]
        return size, mtime, ctime


class _Unframer:
    """Entries put (tuples, or frames: see :class:`_Frame`) as tuples, each frame decoded
    once, at its first entry asked for, and kept decoded only until every entry ``new``
    holds in it has been asked for (one frame at a time when they are asked for in the
    order they were put)."""

    def __init__(self, new: Mapping[str, Kept]) -> None:
        self._new = new
        self._open: dict[_Frame, tuple[dict[str, Any], list[int]]] = {}

    def entry(self, path: str, kept: Kept) -> Any:
        """The entry ``kept`` is for ``path`` (``new[path]``: asked for once a path)."""
        if type(kept) is not _Frame:
            return kept
        found = self._open.get(kept)
        if found is None:
            new = self._new
            left = sum(1 for p in kept.paths if new.get(p) is kept)
            found = self._open[kept] = (kept.entries(), [left])
        entries, left_box = found
        left_box[0] -= 1
        if left_box[0] <= 0:
            del self._open[kept]
        return entries.get(path)


_POSITIONS = tuple(range(FRAME))
Kept = Entry | _Frame  # what the cache keeps for a file in memory


def _decoded(pairs: list[tuple[str, Kept]], whole: bool = False
             ) -> Iterator[tuple[str, Any]]:
    """``pairs`` (path, entry or frame) as (path, entry), each frame decoded once, at its
    first path: its entries in ``pairs`` come together there, not each in its place (a
    frame's paths may be anywhere in ``pairs``, decoding it for each would cost a frame an
    entry). With ``whole``, a frame all of whose entries are in ``pairs`` comes once,
    undecoded, as (its first path, the frame): its blob holds them as a save writes them."""
    members: dict[_Frame, list[str]] = {}
    for path, entry in pairs:
        if type(entry) is _Frame:
            members.setdefault(entry, []).append(path)
    for path, entry in pairs:
        if type(entry) is not _Frame:
            yield path, entry
        elif (paths := members.pop(entry, None)) is not None:
            if whole and len(paths) == len(entry.paths):
                yield path, entry
                continue
            entries = entry.entries()
            for one in paths:
                yield one, entries.get(one)


def _stat_in(entry: Any, path: str) -> Stat | None:
    """The stat in ``entry`` (a frame's, for ``path``)."""
    return entry.stat(path) if type(entry) is _Frame else _stat(entry)


def _three(stat: object) -> array | None:
    """``stat`` as three 8-byte numbers, or None if it is not three integers (an entry
    read from the file is untrusted: a wrong one must not shift the stats after it)."""
    try:
        numbers = array("q", stat)  # type: ignore[call-overload]
    except (TypeError, ValueError, OverflowError):
        return None
    return numbers if len(numbers) == 3 else None


def _stat(entry: Any) -> Stat | None:
    """The stat a cache entry was made with (None if the entry is not one: untrusted)."""
    try:
        return entry[0]  # type: ignore[no-any-return]
    except (TypeError, IndexError, KeyError):
        return None


def _entries_one_by_one(part: list[tuple[str, Any]]
                        ) -> list[tuple[Article, tuple[str, ...], Stat]]:
    """:func:`_entry` of each of ``part``'s (path, entry) pairs, checked against the stat
    it holds; those that are not entries left out."""
    out = []
    for path, entry in part:
        if (stat := _stat(entry)) is not None and (found := _entry(entry, path, stat)):
            out.append(found)
    return out


def _entries_at_once(part: list[tuple[str, Any]]
                     ) -> list[tuple[Article, tuple[str, ...], Stat]] | None:
    """:func:`_entries_one_by_one` of ``part`` in a few C-level passes over its columns
    (~1.4x faster: the checks stay, a pass each), when every entry is well formed, clean
    and under its own path; None (nothing decided) otherwise, for the one-by-one way to
    sort out."""
    try:
        # (A strict transpose raises ValueError for entries or rows of unequal lengths.)
        paths, entries = zip(*part, strict=True)
        if set(map(type, entries)) != {tuple}:
            return None
        stats, rows, warnings = zip(*entries, strict=True)
        if {*map(type, stats), *map(type, rows), *map(type, warnings)} != {tuple}:
            return None
        columns = list(zip(*rows, strict=True))
        if any(not set(map(type, column)) <= kinds
               for column, kinds in zip(columns, _COLUMN_TYPES, strict=True)):
            return None
        loose = list(chain.from_iterable(columns[_TAGS])) + list(chain.from_iterable(warnings))
        if (set(map(type, loose)) - {str} or columns[_PATH] != paths
                or not "".join(chain(*_STRINGS(columns), loose)).isprintable()):
            return None
        articles = Article.from_columns(columns)
    except (TypeError, ValueError, OverflowError):
        return None
    return list(zip(articles, warnings, stats, strict=True))


def _entry(entry: Any, path: str, now: Stat) -> tuple[Article, tuple[str, ...], Stat] | None:
    """A cache entry as (article, warnings, stat), or None if it is not one or its file
    has changed since (its stat is not ``now``). Its strings are sanitised as a fresh
    parse's would be: the cache is as untrusted as the files."""
    try:
        stat, row, warnings = entry
        if (stat != now or type(row) is not tuple or type(warnings) is not tuple
                or tuple(map(type, row)) not in _ROW_TYPES):
            return None
        tags = row[_TAGS]
        # One check for every string (join raises TypeError for a tag that is not one):
        # a fresh parse's fields are single clean lines, which are all printable. What is
        # not (a control, an escape, a bidi override, a zero-width joiner) is cleaned as a
        # fresh parse would clean it.
        if not "".join((*_STRINGS(row), *tags, *warnings)).isprintable():
            row = tuple(clean_line(v) if type(v) is str else v for v in row[:_TAGS]) + (
                tuple(clean_line(t) for t in tags), *row[_TAGS + 1 :])
            warnings = tuple(clean_line(w) for w in warnings)
        article = Article.from_row(row)
    except (TypeError, ValueError, OverflowError):
        return None
    if article.path != path:  # the same file, opened by another spelling of its folder
        article = article._replace(path=path)
    return article, warnings, stat


_TAGS = Article._fields.index("tags")
_WORDS = Article._fields.index("words")
_ROW = itemgetter(1)  # of an entry
_ROW_PATH = itemgetter(Article._fields.index("path"))
_PATH = Article._fields.index("path")
# The types each column of rows may hold (the union over _ROW_TYPES).
_COLUMN_TYPES = tuple(frozenset(kinds) for kinds in zip(*_ROW_TYPES, strict=True))
# The string fields but the path (a file name may hold anything: it is replaced by the
# path the file was found at).
_STRINGS = itemgetter(*(i for i, (name, kind) in enumerate(
    zip(Article._fields, next(iter(_ROW_TYPES)), strict=True)) if kind is str and name != "path"))
_CLEANED = False


def _clean_once(folder: Path) -> None:
    """Remove what writes killed mid-way left in ``folder`` (once a process)."""
    global _CLEANED
    if not _CLEANED:
        _CLEANED = True
        remove_stale_writes(folder)
