"""Load folders of articles: in chunks, in worker processes, through the header cache.

Nothing raises out of :func:`load_paths`: a file that cannot be used is recorded in
``LoadResult.skipped`` with a one-line reason, and every other file still loads.
"""

from __future__ import annotations

import gc
import hashlib
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import overload

from newstui.model.article import Article, Parsed
from newstui.model.body_cache import body_key
from newstui.model.cache import HeaderCache, Stat
from newstui.model.chunks import run_chunks
from newstui.model.files import (
    Unusable,
    decode,
    first_files,
    iter_files,
    read_bytes,
    read_with_stat,
)
from newstui.model.index import WordIndex, index_words
from newstui.model.sanitize import clean_line

Loaded = tuple[Article, tuple[str, ...], Stat]  # an article, its warnings, its file's stat


@dataclass
class LoadResult:
    """What a load produced (articles in load order), and everything that went wrong."""

    docs: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        """The loaded articles, in load order."""
        return self.docs


CHUNK = 1000
PARALLEL_MIN = 4000


@dataclass
class _Chunk:
    """What a worker read from one chunk of files."""

    loaded: list[Loaded]
    skipped: list[tuple[str, str]]


def _load_chunk(paths: list[str]) -> _Chunk:
    """Read one chunk of files (in a worker process, or in-process for small loads)."""
    chunk = _Chunk([], [])
    with _no_gc():
        for path in paths:
            try:
                parsed, data, _, stat = read_with_stat(path)
            except Unusable as exc:
                chunk.skipped.append((path, str(exc)))
                continue
            except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the load
                chunk.skipped.append((path, f"could not parse: {type(exc).__name__}: {exc}"))
                continue
            digest = hashlib.blake2b(data, digest_size=12).hexdigest()
            # The id is the file's stem here; the parent makes it unique across chunks.
            chunk.loaded.append((_article(parsed, path, digest), parsed.warnings, stat))
    return chunk


def body_words(text: str) -> set[str]:
    """The words a body is indexed by.

    The whole text, not just the body: cheaper than finding the body, and header words in
    the body index only repeat what the header indexes already find.
    """
    return index_words(text, min_length=3)


def _index_chunk(pairs: list[tuple[int, str]]) -> dict[str, array]:
    """Body postings for (doc, path) pairs: the second loading pass."""
    index = WordIndex()
    with _no_gc():
        for doc, path in pairs:
            try:
                text, _ = decode(read_bytes(path))
            except Unusable:
                continue  # it was readable a moment ago; its headers stay searchable
            index.add(doc, body_words(text))
    return index.compact()


@contextmanager
def _no_gc() -> Iterator[None]:
    # Loading makes only long-lived objects: cyclic collections would find nothing to free
    # and cost a third of the time.
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def load_paths(
    paths: Iterable[str],
    progress: Callable[[int, LoadResult], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    workers: int | None = None,
    cache: HeaderCache | None = None,
) -> LoadResult:
    """Load the headers of every article under ``paths`` (bodies are re-read on demand).

    Files are read in chunks of 1,000, by ``workers`` processes (default: one per core) when
    more than 4,000 files need parsing. Files unchanged since ``cache`` saw them are not read
    at all, and the cache is saved afterwards. After each chunk ``progress`` gets the number
    of files done and the result so far, and ``cancelled`` may stop the load. Body words are
    indexed afterwards by :func:`index_bodies`, in the store's numbering.
    """
    paths = list(paths)
    result = LoadResult()
    merger = _Merger(result, cache)
    walker = iter_files(paths, result.skipped)
    # The first chunk is read before the rest of the folders are even listed: the first
    # headlines of a 100k-file folder come after ~1,000 files, not after walking 100k.
    # For a large folder, parsing those ~1,000 files (~0.1 s) beats reading its cache first.
    quick = cache is not None and cache.quick()
    head = _Jobs(list(islice(walker, CHUNK)), cache if quick else None)
    if head.chunks:
        merger.add(head.chunks[0], _load_chunk(*head[0]), head.hits.pop(0, {}))
        if progress is not None:
            progress(len(head.chunks[0]), result)
        if cancelled is not None and cancelled():
            return result
    files = list(walker)
    jobs = _Jobs(files, cache)
    done = 0

    def merged(chunk: _Chunk) -> None:
        nonlocal done
        merger.add(jobs.chunks[done], chunk, jobs.hits.pop(done, {}))
        done += 1
        if progress is not None:
            progress(len(head.chunks[0]) + min(len(files), done * CHUNK), result)

    # Files the cache knows are most likely unchanged: worker processes only pay off for
    # the rest. (Whether they really are unchanged is checked a chunk at a time.)
    known = cache.known(files) if cache is not None else 0
    parse = len(head.chunks[0]) + len(files) - known if head.chunks else 0
    run_chunks(_load_chunk, jobs, merged, _workers(parse, workers), cancelled)
    # Not after a cancelled load: that would forget the files not reached.
    if cache is not None and done == len(jobs) and (problem := cache.save()):
        result.warnings.append((str(cache.path), problem))
    return result


class _Jobs(Sequence[tuple[list[str]]]):
    """The files of each chunk that need reading, worked out only when the chunk's turn
    comes: the first chunk of a cached 100k-file folder shows without checking the rest."""

    def __init__(self, files: list[str], cache: HeaderCache | None) -> None:
        self.chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
        self.cache = cache
        self.hits: dict[int, dict[str, Loaded]] = {}

    def __len__(self) -> int:
        return len(self.chunks)

    @overload
    def __getitem__(self, index: int) -> tuple[list[str]]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[list[str]]]: ...

    def __getitem__(self, index: int | slice) -> tuple[list[str]] | list[tuple[list[str]]]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        chunk = self.chunks[index]
        if self.cache is None:
            return (chunk,)
        if index not in self.hits:
            self.hits[index] = self.cache.hits(chunk)
        found = self.hits[index]
        return ([p for p in chunk if p not in found],)


def load_small(paths: Iterable[str], limit: int, max_bytes: int = 32 * 1024 * 1024,
               cache: HeaderCache | None = None) -> LoadResult | None:
    """Load ``paths`` in this process if they hold at most ``limit`` article files and
    ``max_bytes`` in all, else return None without reading any (only the first
    ``limit + 1`` names are listed and sized)."""
    paths = list(paths)
    files = first_files(paths, limit + 1)
    if len(files) > limit:
        return None
    total = 0
    for path in files:
        try:
            total += os.stat(path).st_size
        except OSError:
            continue  # the load reports it
        if total > max_bytes:
            return None
    return load_paths(paths, workers=1, cache=cache)  # the cache is read only now


def index_bodies(articles: Sequence[Article], progress: Callable[[int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 workers: int | None = None) -> WordIndex:
    """Index the body words of ``articles`` (re-reading the files); article ``d`` of the
    sequence is doc ``d`` in the index."""
    pairs = [(d, a.path) for d, a in enumerate(articles)]
    jobs = [(pairs[i : i + CHUNK],) for i in range(0, len(pairs), CHUNK)]
    index = WordIndex()
    seen = 0

    def merged(postings: dict[str, array]) -> None:
        nonlocal seen
        index.merge(postings)
        seen += CHUNK
        if progress is not None:
            progress(min(seen, len(pairs)))

    run_chunks(_index_chunk, jobs, merged, _workers(len(pairs), workers), cancelled)
    return index


def index_bodies_cached(articles: Sequence[Article], cache: HeaderCache | None,
                        progress: Callable[[int], None] | None = None,
                        cancelled: Callable[[], bool] | None = None) -> WordIndex:
    """:func:`index_bodies`, or the index cached beside ``cache`` when the articles are
    exactly those it was built for; a freshly built index is cached for next time."""
    bodies = cache.bodies() if cache is not None else None
    key = body_key(articles)
    if bodies is not None and (cached := bodies.load(key)) is not None:
        return cached
    index = index_bodies(articles, progress, cancelled)
    if bodies is not None and not (cancelled is not None and cancelled()):
        index.finish(len(articles))  # frequent words as bit sets: smaller, and ready to use
        bodies.save(key, index)  # a failure only means indexing again next time
    return index


def _workers(files: int, workers: int | None) -> int:
    if files < PARALLEL_MIN:
        return 1
    return workers or os.cpu_count() or 1


class _Merger:
    """Folds chunks into a :class:`LoadResult` in order: unique ids, one copy of each file."""

    def __init__(self, result: LoadResult, cache: HeaderCache | None) -> None:
        self.result = result
        self.cache = cache
        self.ids: set[str] = set()
        self.digests: dict[str, str] = {}

    def add(self, files: list[str], chunk: _Chunk, hits: dict[str, Loaded]) -> None:
        """Merge the next chunk of ``files`` (chunks must come in order): what a worker read
        of them and what the cache had, in file order."""
        self.result.skipped.extend(chunk.skipped)
        if not hits:
            for loaded in chunk.loaded:
                self._add(*loaded)
            return
        read = {loaded[0].path: loaded for loaded in chunk.loaded}
        for path in files:
            if (hit := hits.get(path)) is not None:
                self._add(*hit, cached=True)
            elif (loaded := read.get(path)) is not None:
                self._add(*loaded)

    def _add(self, article: Article, warnings: tuple[str, ...], stat: Stat,
             cached: bool = False) -> None:
        result = self.result
        if self.cache is not None:
            if cached:
                self.cache.keep(article.path)
            else:
                self.cache.put(article, warnings, stat)
        first = self.digests.get(article.digest)
        if first is not None:
            result.warnings.append((article.path, f"same content as {first}: loaded once"))
            return
        self.digests[article.digest] = article.path
        result.warnings.extend((article.path, w) for w in warnings)
        article_id = _unique(article.id, self.ids)
        if article_id != article.id:
            article = article._replace(id=article_id)
        result.docs.append(article)


def _stem_id(path: str) -> str:
    return clean_line(Path(path).stem).replace(" ", "-") or "article"


def _unique(stem: str, ids: set[str]) -> str:
    """``stem``, or ``stem-2``, ``stem-3``… whichever is not taken yet (then taken)."""
    candidate, n = stem, 1
    while candidate in ids:
        n += 1
        candidate = f"{stem}-{n}"
    ids.add(candidate)
    return candidate


def _article(parsed: Parsed, path: str, digest: str) -> Article:
    return Article(
        id=_stem_id(path),
        path=path,
        title=parsed.title,
        date=parsed.date,
        source=parsed.source,
        section=parsed.section,
        caption=parsed.caption,
        dateline=parsed.dateline,
        url=parsed.url,
        tags=parsed.tags,
        words=parsed.words,
        digest=digest,
        layout=parsed.layout,
    )
