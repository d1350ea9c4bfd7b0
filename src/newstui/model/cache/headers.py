"""A cache of parsed headers, so opening the same folders again parses no unchanged file.

One file per set of opened paths, in ``$NEWSTUI_CACHE`` (else the XDG cache dir). An entry
is used only while its file keeps the size and modification time (ns) it had when parsed;
files changed in the last few seconds are not cached at all, because a second change within
the file system's timestamp granularity could keep both. Article bodies are never cached
(they are re-read from the files; the body word index has its own cache,
:mod:`newstui.model.cache.bodies`). A
cache that is missing, corrupt, from another version or unwritable
is simply not used; it is never needed for correctness.

The format is ``marshal`` (fast, plain data only) after a magic line and before a BLAKE2
checksum, so a truncated or damaged file is recognised before it is decoded; entries are
marshalled in blobs of 2,000 so that no single call holds the GIL for long.
"""

from __future__ import annotations

import hashlib
import marshal
import os
import time
from collections.abc import Iterable
from pathlib import Path

from newstui import __version__
from newstui.model.cache.bodies import BodyCache
from newstui.model.cache.sealed import sealed, unseal, write_atomically
from newstui.model.corpus.article import Article
from newstui.model.corpus.files import Stat, file_stat

MAGIC = b"newstui header cache\n"
FORMAT = 5  # bump when the parser or the Article fields change what an entry means
RACY_SECONDS = 3.0
QUICK_BYTES = 8 * 1024 * 1024
BLOB = 2000  # entries marshalled together: each (un)marshal call holds the GIL ~5 ms
Entry = tuple[Stat, tuple[object, ...], tuple[str, ...]]


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
        self._entries: dict[str, Entry] | None = None if path is not None else {}
        self._new: dict[str, Entry] = {}
        self._changed = False
        self.problem = ""  # why the cache file could not be used or written, if it could not
        self._bodies: BodyCache | None = None

    @property
    def _old(self) -> dict[str, Entry]:
        # Read on first use, in the loader's thread: a 100k-file cache takes ~0.4 s.
        if self._entries is None:
            self._entries = self._read(self.path) if self.path is not None else {}
        return self._entries

    @classmethod
    def for_paths(cls, paths: Iterable[str]) -> HeaderCache:
        """The cache of these opened paths (a disabled one if caching is off)."""
        folder = cache_dir()
        if folder is None:
            return cls(None)
        key = "\0".join(sorted(os.path.abspath(os.path.expanduser(p)) for p in paths))
        name = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
        return cls(folder / f"headers-{name}.bin")

    def _read(self, path: Path) -> dict[str, Entry]:
        try:
            data = path.read_bytes()
        except OSError:
            return {}  # no cache yet
        payload = unseal(data)
        if payload is None or payload[: len(MAGIC)] != MAGIC:
            self.problem = f"header cache {path} was damaged: rebuilt"
            return {}
        entries: dict[str, Entry] = {}
        try:
            version, blobs = marshal.loads(payload[len(MAGIC):])
            payload.release()
            del data  # the blobs hold their own copy
            if version != [FORMAT, __version__]:
                return {}  # another version wrote it: parse again
            for blob in blobs:
                # A blob at a time: one marshal call over a 100k-file cache would hold the
                # GIL for ~0.3 s, and the UI thread needs it between keystrokes.
                entries.update(marshal.loads(blob))
        except (EOFError, ValueError, TypeError):
            self.problem = f"header cache {path} was unreadable: rebuilt"
            return {}
        return entries

    def bodies(self) -> BodyCache:
        """The body index cache that goes with this one."""
        if self._bodies is None:
            path = self.path
            self._bodies = BodyCache(None if path is None else path.with_name(
                path.name.replace("headers-", "bodies-", 1)))
        return self._bodies

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
        ``details``, only those whose details were read: see ``Article.words``)."""
        out: dict[str, tuple[Article, tuple[str, ...], Stat]] = {}
        if not self._old:
            return out
        old = self._old
        for path in files:
            entry = old.get(path)
            if entry is None:
                continue
            try:
                st = os.stat(path)
            except OSError:
                continue
            if file_stat(st) == entry[0]:
                try:
                    article = Article.from_row(entry[1])
                except (TypeError, ValueError, OverflowError):
                    continue  # an entry of the wrong shape: parse the file again
                if details and article.words is None:
                    continue
                out[path] = (article, tuple(entry[2]), entry[0])
        return out

    def put(self, article: Article, warnings: tuple[str, ...], stat: Stat) -> None:
        """Remember ``article`` as parsed from a file with ``stat`` (unless it is too new)."""
        if self.path is None or time.time() - stat[1] / 1e9 < RACY_SECONDS:
            return
        self._new[article.path] = (tuple(stat), article.to_row(), tuple(warnings))  # type: ignore[assignment]
        self._changed = True  # maybe: save() compares with what was read

    def _differs(self) -> bool:
        old = self._old
        if len(self._new) != len(old):
            return True
        return self._changed and any(old.get(p) != e for p, e in self._new.items())

    def keep(self, path: str) -> None:
        """Keep the entry of ``path``, found unchanged by :meth:`hits`."""
        self._new[path] = self._old[path]

    def save(self) -> str | None:
        """Write the entries put since loading, if they differ; return a problem or None."""
        if self.path is None or not self._differs():
            return None
        items = list(self._new.items())
        blobs = [marshal.dumps(dict(items[i : i + BLOB])) for i in range(0, len(items), BLOB)]
        try:
            write_atomically(self.path, sealed([MAGIC, marshal.dumps([[FORMAT, __version__],
                                                                      blobs])]))
        except OSError as exc:
            self.problem = f"header cache not saved: {exc.strerror or exc}"
            return self.problem
        # What was saved is what later puts are compared with.
        self._entries, self._new, self._changed = self._new, dict(self._new), False
        return None
