"""Load folders of articles: in chunks, in worker processes, through the header cache.

Nothing raises out of :func:`load_paths`: a file that cannot be used is recorded in
``LoadResult.skipped`` with a one-line reason, and every other file still loads.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice

from newstui.model.cache.bodies import body_key
from newstui.model.cache.headers import HeaderCache
from newstui.model.corpus.article import Article
from newstui.model.corpus.files import (
    Unusable,
    first_files,
    headers_of,
    iter_files,
    read_ahead,
    searchable_text,
)
from newstui.model.index.chunk_postings import ChunkPostings, chunk_postings
from newstui.model.index.words import WordIndex
from newstui.model.load.chunks import run_chunks
from newstui.model.load.merge import Loaded, LoadResult, Merger, stem_id
from newstui.model.memory import give_back, no_gc

CHUNK = 1000
PARALLEL_MIN = 4000
BODY_CHUNK = 2000  # articles a body-indexing job: see index_bodies
TRIM_JOBS = 16  # body-indexing jobs merged between two give_back() calls


def _unpack(data: bytes) -> tuple[list[Loaded], list[tuple[str, str]]]:
    """What :func:`_load_chunk` packed: the articles read (with warnings and stat), and the
    files skipped with their reasons."""
    rows, skipped = marshal.loads(data)
    from_row = Article.from_row
    return [(from_row(row), warnings, stat) for row, warnings, stat in rows], skipped


def _load_chunk(paths: list[str], details: bool = True) -> bytes:
    """Read one chunk of files (in a worker process, or in-process for small loads), packed
    with ``marshal``: ~10x cheaper to pass between processes than pickled articles."""
    rows: list[tuple[object, ...]] = []
    skipped: list[tuple[str, str]] = []
    with no_gc():
        for path, read in read_ahead(paths):
            if isinstance(read, Unusable):
                skipped.append((path, str(read)))
                continue
            try:
                headers, warnings, data, stat = headers_of(path, *read, details)
            except Unusable as exc:
                skipped.append((path, str(exc)))
                continue
            except Exception as exc:  # a parser bug must not stop the load
                skipped.append((path, f"could not parse: {type(exc).__name__}: {exc}"))
                continue
            # The id is the file's stem here; the parent makes it unique across chunks.
            rows.append((headers.row_at(stem_id(path), path, _digest(headers, data)),
                         warnings, stat))
    return marshal.dumps((rows, skipped))


def _details_chunk(paths: list[str]) -> bytes:
    """Parse one chunk of files in full for the details pass: of each, only what it adds
    (see :func:`read_details`), packed with ``marshal``. Whole rows would be unpacked only
    to be dropped: at 100k files ~80 MB of short-lived strings, left as fragments between
    the ones kept."""
    rows: list[tuple[object, ...]] = []
    with no_gc():
        for path, read in read_ahead(paths):
            if isinstance(read, Unusable):
                continue  # unusable now: it keeps what the list read
            try:
                headers, warnings, data, stat = headers_of(path, *read, True)
            except Exception:  # unusable now, or a parser bug: it keeps what the list read
                continue
            rows.append((path, _digest(headers, data), headers.details(), warnings, stat))
    return marshal.dumps(rows)


def _digest(headers: Article, data: bytes) -> str:
    """What keys an article: its front matter's guid (feed articles), else its bytes."""
    return headers.digest or hashlib.blake2b(data, digest_size=12).hexdigest()


def _index_chunk(pairs: list[tuple[int, str]]) -> ChunkPostings:
    """Body postings for (doc, path) pairs: the second loading pass.

    Of each file's whole text, not just its body: cheaper than finding the body, and
    header words in the body index only repeat what the header indexes already find.
    """
    with no_gc():
        postings = chunk_postings(_texts(pairs), len(pairs))
    # The job's arrays are freed in pieces the C heap keeps (~55 MB a worker between
    # jobs): given back, so two workers' resident size is what their jobs need.
    give_back()
    return postings


def _texts(pairs: list[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """(doc, searchable text) of those (doc, path) pairs whose file can still be read."""
    for (doc, _), (_, read) in zip(pairs, read_ahead([p for _, p in pairs]), strict=True):
        try:
            if isinstance(read, Unusable):
                raise read
            yield doc, searchable_text(read[0])
        except Unusable:
            continue  # it was readable a moment ago; its headers stay searchable


def load_paths(
    paths: Iterable[str],
    progress: Callable[[int, LoadResult], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    workers: int | None = None,
    cache: HeaderCache | None = None,
    details: bool = True,
    save: bool = True,
    roots: list[str] | None = None,
    look_up: bool = True,
) -> LoadResult:
    """Load the headers of every article under ``paths`` (bodies are re-read on demand).

    Files are read in chunks of 1,000, by ``workers`` processes (default: one per core) when
    more than 4,000 files need parsing. Files unchanged since ``cache`` saw them are not read
    at all, and the cache is saved afterwards (with ``save``). After each chunk ``progress``
    gets the number of files done and the result so far, and ``cancelled`` may stop the
    load. Body words are indexed afterwards by :func:`index_bodies`, in the store's
    numbering.

    Without ``details``, seed-layout files are read for the list only: caption, dateline,
    link and word count stay unread (``words`` None) until :func:`read_details`. That is ~4x
    faster, and all the list needs to show and sort every article.

    A file's section may come from its folders below the opened folders: those of
    ``paths``, or ``roots`` when given (files read again for a live change).

    Without ``look_up`` every file is parsed and the cache only given the results: for
    files known to have changed (a live change), whose lookup would read the whole cache
    file back into memory (~3.5 s at a million entries) to miss.
    """
    # Loading makes long-lived objects only (see no_gc): ~0.1 s less at 100k files.
    with no_gc():
        paths = list(paths)
        result = LoadResult()
        if roots is None:
            roots = [p for p in paths if os.path.isdir(os.path.expanduser(p))]
        merger = Merger(result, cache, roots)
        walker = iter_files(paths, result.skipped)
        # The first chunk is read before the rest of the folders are even listed: the first
        # headlines of a 100k-file folder come after ~1,000 files, not after walking 100k.
        # For a large folder, parsing those ~1,000 files (~0.1 s) beats reading its cache first.
        lookups = cache if look_up else None
        quick = lookups is not None and lookups.quick()
        head = list(islice(walker, CHUNK))
        first = _Jobs(iter(head), lookups if quick else None, details)
        for job in first:
            files, hits = first.chunks.popleft()
            merger.add(files, *_unpack(_load_chunk(*job)), hits)
            if progress is not None:
                progress(len(head), result)
            if cancelled is not None and cancelled():
                return result
        if lookups is not None and lookups.known_any():
            # Files the cache knows are most likely unchanged: worker processes only pay
            # off for the rest. (Whether they really are unchanged is checked per chunk.)
            rest: Iterator[str] = iter(listed := list(walker))
            parse = len(head) + len(listed) - lookups.known(listed)
        else:
            # Nothing to look up: the workers read while the folders are still listed.
            ahead = list(islice(walker, PARALLEL_MIN))
            rest, parse = chain(ahead, walker), len(head) + len(ahead)
        jobs = _Jobs(rest, lookups, details)
        count = len(head)

        def merged(packed: bytes) -> None:
            nonlocal count
            files, hits = jobs.chunks.popleft()
            merger.add(files, *_unpack(packed), hits)
            count += len(files)
            if progress is not None:
                progress(count, result)

        run_chunks(_load_chunk, jobs, merged, _workers(parse, workers), cancelled)
        # Not after a cancelled load: that would forget the files not reached.
        complete = jobs.listed and not jobs.chunks
        if cache is not None and complete and save and (problem := cache.save()):
            result.warnings.append((str(cache.path), problem))
        return result


class _Jobs:
    """Chunks of files to read, made as the folders are listed and only when a chunk's turn
    comes (the first chunk of a cached 100k-file folder shows without checking the rest);
    each holds only the files ``cache`` cannot answer. What merging needs of each chunk
    (its files, the cache's answers) waits in ``chunks`` until it is merged."""

    def __init__(self, files: Iterator[str], cache: HeaderCache | None, details: bool) -> None:
        self.files = files
        self.cache = cache
        self.details = details
        self.chunks: deque[tuple[list[str], dict[str, Loaded]]] = deque()
        self.listed = False  # every file has been put in a chunk

    def __iter__(self) -> Iterator[tuple[list[str], bool]]:
        while chunk := list(islice(self.files, CHUNK)):
            hits = self.cache.hits(chunk, self.details) if self.cache is not None else {}
            self.chunks.append((chunk, hits))
            yield ([p for p in chunk if p not in hits] if hits else chunk), self.details
        self.listed = True


def read_details(articles: Sequence[Article], cache: HeaderCache | None = None,
                 progress: Callable[[int], None] | None = None,
                 cancelled: Callable[[], bool] | None = None,
                 workers: int | None = None,
                 each: Callable[[dict[int, Article]], None] | None = None,
                 save: bool = True) -> dict[int, Article]:
    """The second pass of a load without details: parse in full the files of the articles
    whose details are unread, and return those articles (by their position in
    ``articles``) with caption, dateline, link and word count filled in. An article whose
    file changed or vanished since it was loaded is left out: it keeps what it had.
    ``cache`` (the one the load used: it holds the other entries) gets the details and is
    saved (with ``save``), unless ``cancelled``.

    With ``each``, those articles are handed to it a chunk at a time instead (and none
    returned): an article replaced at once frees the one it replaces (~120 MB less at
    the peak at a million articles)."""
    todo = _by_folder([i for i, a in enumerate(articles) if a.words is None], articles)
    if not todo:
        return {}
    jobs = [([articles[i].path for i in todo[k : k + CHUNK]],)
            for k in range(0, len(todo), CHUNK)]
    found: dict[int, Article] = {}
    done = 0

    def merged(packed: bytes) -> None:
        nonlocal done, found
        read = {row[0]: row for row in marshal.loads(packed)}
        for i in todo[done * CHUNK : (done + 1) * CHUNK]:
            old = articles[i]
            got = read.get(old.path)
            if got is None or got[1] != old.digest:
                continue
            _, _, details, warnings, stat = got
            found[i] = old.with_details(details)
            if cache is not None:
                cache.put(found[i], warnings, stat)
        done += 1
        if each is not None:
            each(found)
            found = {}
        if progress is not None:
            progress(min(len(todo), done * CHUNK))

    with no_gc():
        run_chunks(_details_chunk, jobs, merged, _workers(len(todo), workers), cancelled)
    if cache is not None and save and done == len(jobs):
        cache.save()  # a failure only means reading the details again next time
    return found


def _by_folder(todo: list[int], articles: Sequence[Article]) -> list[int]:
    """``todo`` (article numbers, in date order) grouped by folder, the folders in name
    order: files are read as the list pass read them, a folder at a time (the disk reads
    ahead, and the header cache's entries of a first launch are put again in the order
    they were made: see :meth:`HeaderCache.put_again`). A loop, not one sort: the UI
    thread gets its turns meanwhile."""
    folders: dict[str, list[int]] = {}
    for i in todo:
        path = articles[i].path
        folders.setdefault(path[: path.rfind(os.sep) + 1], []).append(i)
    if len(folders) == 1:
        return todo
    return [i for folder in sorted(folders) for i in folders[folder]]


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
    # Merging costs this process a step for each word of each job (a chunk of 1,000 bodies
    # has ~30,000 words, 4,000 hardly more): fewer, larger jobs leave the two cores more
    # to the workers. But a worker's peak grows with its job (4,000 generated bodies:
    # 155 MB, 2,000: 125 MB), and at a million articles jobs of 2,000 took as long as
    # jobs of 4,000 (main process CPU within the noise at 200k: 8.9-9.0 s against
    # 6.7-9.0 s; issue 14, stop 37).
    step = BODY_CHUNK if len(pairs) >= 4 * BODY_CHUNK else CHUNK
    jobs = [(pairs[i : i + step],) for i in range(0, len(pairs), step)]
    index = WordIndex.for_bodies()
    seen = 0

    def merged(postings: ChunkPostings) -> None:
        nonlocal seen
        index.merge(postings, len(pairs), packed_runs=True)
        seen += step
        if (seen // step) % TRIM_JOBS == 0:
            # A word's numbers are packed into runs as it goes, freeing its array: the
            # heap keeps those pieces, which the next job's arrays reuse only in part.
            give_back()
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
    if bodies is not None and (cached := bodies.load(key, len(articles))) is not None:
        return cached
    index = index_bodies(articles, progress, cancelled)
    if bodies is not None and not (cancelled is not None and cancelled()):
        index.finish(len(articles))  # frequent words as bit sets: smaller, and ready to use
        index.pack()
        bodies.save(key, index)  # a failure only means indexing again next time
    return index


def _workers(files: int, workers: int | None) -> int:
    if files < PARALLEL_MIN:
        return 1
    return workers or os.cpu_count() or 1
