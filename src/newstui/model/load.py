"""Walk folders, read and decode files, parse them, and report what could not be used.

Nothing raises out of :func:`load_paths`: a file that cannot be used is recorded in
``LoadResult.skipped`` with a one-line reason, and every other file still loads.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import multiprocessing
import os
import threading
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from newstui.model.article import Article, Parsed
from newstui.model.index import WordIndex, index_words
from newstui.model.parse import parse_text
from newstui.model.sanitize import clean_line

EXTENSIONS = frozenset({".txt", ".md"})
MAX_BYTES = 64 * 1024 * 1024
_BINARY_SAMPLE = 8192
# Bytes that never occur in text: C0 controls other than TAB, LF, FF, CR, ESC.
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


class Unusable(Exception):
    """A file that cannot be loaded; the message is the one-line reason shown to users."""


@dataclass
class LoadResult:
    """What a load produced, and everything that went wrong.

    ``docs`` is indexed by doc number (the numbers the body index uses); a skipped or
    duplicate file may leave a hole (None) there. ``articles`` lists the loaded ones.
    """

    docs: list[Article | None] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    body_index: WordIndex = field(default_factory=WordIndex)

    @property
    def articles(self) -> list[Article]:
        """The loaded articles, in load order."""
        return [a for a in self.docs if a is not None]


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes to text; return the text and a warning, or raise :class:`Unusable`."""
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _nonempty(data.decode("utf-16")), None
        except UnicodeDecodeError as exc:
            raise Unusable("invalid UTF-16 text") from exc
    sample = data[:_BINARY_SAMPLE]
    if b"\x00" in sample or (sample and _binary_ratio(sample) > 0.05):
        raise Unusable("binary file, not text")
    try:
        return _nonempty(data.decode("utf-8")), None
    except UnicodeDecodeError:
        pass
    try:
        return _nonempty(data.decode("cp1252")), "not valid UTF-8: decoded as cp1252"
    except UnicodeDecodeError:
        return _nonempty(data.decode("latin-1")), "not valid UTF-8: decoded as latin-1"


def _binary_ratio(sample: bytes) -> float:
    return (len(sample) - len(sample.translate(None, _BINARY_BYTES))) / len(sample)


def _nonempty(text: str) -> str:
    if not text.strip():
        raise Unusable("empty file")
    return text


def read_file(path: str) -> tuple[Parsed, bytes, str]:
    """Read, decode and parse one file; return the article, the raw bytes and the text.

    Raises :class:`Unusable` with a one-line reason when the file cannot be used.
    """
    try:
        size = os.stat(path).st_size
        if size > MAX_BYTES:
            raise Unusable(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise Unusable(exc.strerror or exc.__class__.__name__) from exc
    text, warning = decode(data)
    parsed = parse_text(text, os.path.basename(path))
    if warning:
        parsed = _with_warning(parsed, warning)
    return parsed, data, text


def _with_warning(parsed: Parsed, warning: str) -> Parsed:
    return replace(parsed, warnings=(warning, *parsed.warnings))


def read_full(article: Article) -> Parsed:
    """Re-read an article's file for its body; raise :class:`Unusable` if it is gone."""
    parsed, _, _ = read_file(article.path)
    return parsed


def iter_files(paths: Iterable[str], skipped: list[tuple[str, str]]) -> Iterator[str]:
    """Yield article files under ``paths`` in a stable order; record missing paths."""
    for raw in paths:
        path = os.path.normpath(os.path.expanduser(raw))
        if os.path.isdir(path):
            yield from _walk(path)
        elif os.path.isfile(path):
            yield path
        elif os.path.lexists(path):
            skipped.append((path, "not a regular file or folder"))
        else:
            skipped.append((path, "no such file or folder"))


def _walk(top: str) -> Iterator[str]:
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in EXTENSIONS:
                yield os.path.join(root, name)


CHUNK = 1000
PARALLEL_MIN = 4000


@dataclass
class _Chunk:
    """What a worker read from one chunk of files; docs are numbered ``base + i``."""

    loaded: list[tuple[int, Article, tuple[str, ...]]]
    skipped: list[tuple[str, str]]
    postings: dict[str, array]


def _load_chunk(paths: list[str], base: int, index_bodies: bool) -> _Chunk:
    """Read one chunk of files (in a worker process, or in-process for small loads)."""
    chunk = _Chunk([], [], {})
    index = WordIndex()
    provisional: set[str] = set()
    collecting = gc.isenabled()
    gc.disable()  # only long-lived objects are made here: collections would find nothing
    try:
        _read_chunk(paths, base, index_bodies, chunk, index, provisional)
    finally:
        if collecting:
            gc.enable()
    chunk.postings = index.postings
    return chunk


def _read_chunk(paths: list[str], base: int, index_bodies: bool, chunk: _Chunk,
                index: WordIndex, provisional: set[str]) -> None:
    for path in paths:
        try:
            parsed, data, text = read_file(path)
        except Unusable as exc:
            chunk.skipped.append((path, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the whole load
            chunk.skipped.append((path, f"could not parse: {exc.__class__.__name__}: {exc}"))
            continue
        doc = base + len(chunk.loaded)
        digest = hashlib.blake2b(data, digest_size=12).hexdigest()
        if index_bodies:
            # The whole text, not just the body: cheaper than finding the body, and header
            # words in the body index only repeat what the header indexes already find.
            index.add(doc, index_words(text, min_length=3))
        provisional.clear()  # ids are made unique by the parent, across chunks
        chunk.loaded.append((doc, _article(parsed, path, digest, provisional), parsed.warnings))


def load_paths(
    paths: Iterable[str],
    progress: Callable[[int, LoadResult], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    index_bodies: bool = True,
    workers: int | None = None,
) -> LoadResult:
    """Load every article under ``paths``.

    Files are read in chunks of 1,000, by ``workers`` processes (default: one per core) when
    there are more than 4,000 files. After each chunk ``progress`` gets the number of files
    read and the result so far, and ``cancelled`` may stop the load. With ``index_bodies`` the
    body words are indexed for search while the text is at hand; bodies are not kept.
    """
    result = LoadResult()
    files = list(iter_files(paths, result.skipped))
    chunks = [files[i : i + CHUNK] for i in range(0, len(files), CHUNK)]
    workers = workers or os.cpu_count() or 1
    merger = _Merger(result)
    if len(files) < PARALLEL_MIN or workers < 2:
        for k, chunk in enumerate(chunks):
            merger.add(_load_chunk(chunk, k * CHUNK, index_bodies))
            if progress is not None:
                progress(min(len(files), (k + 1) * CHUNK), result)
            if cancelled is not None and cancelled():
                break
        return result
    try:
        _load_parallel(chunks, len(files), workers, index_bodies, merger, progress, cancelled)
    except (BrokenProcessPool, OSError, RuntimeError):
        # No worker processes here (a sandbox, an unguarded main module...): read the
        # chunks that are still missing in this process instead.
        for k in range(merger.chunks, len(chunks)):
            merger.add(_load_chunk(chunks[k], k * CHUNK, index_bodies))
    return result


def _load_parallel(chunks: list[list[str]], total: int, workers: int, index_bodies: bool,
                   merger: _Merger, progress: Callable[[int, LoadResult], None] | None,
                   cancelled: Callable[[], bool] | None) -> None:
    # fork is cheapest, but only safe with one thread: in the app the loader is a thread,
    # so it uses spawn (which needs an ``if __name__ == "__main__"`` guard in scripts).
    method = "fork" if threading.active_count() == 1 else "spawn"
    context = multiprocessing.get_context(method)
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        # A bounded window of chunks in flight: finished chunks waiting to be merged would
        # otherwise pile up in memory (1.3 GB at 100k articles when all were submitted).
        window = 2 * workers
        pending: deque[Future[_Chunk]] = deque()
        submitted = merger.chunks
        while merger.chunks < len(chunks):
            while submitted < len(chunks) and submitted - merger.chunks < window:
                pending.append(pool.submit(_load_chunk, chunks[submitted], submitted * CHUNK,
                                           index_bodies))
                submitted += 1
            merger.add(pending.popleft().result())
            if progress is not None:
                progress(min(total, merger.chunks * CHUNK), merger.result)
            if cancelled is not None and cancelled():
                pool.shutdown(cancel_futures=True)
                return


class _Merger:
    """Folds chunks into a :class:`LoadResult` in order: unique ids, one copy of each file."""

    def __init__(self, result: LoadResult) -> None:
        self.result = result
        self.chunks = 0  # how many chunks have been merged
        self.ids: set[str] = set()
        self.digests: dict[str, str] = {}

    def add(self, chunk: _Chunk) -> None:
        """Merge the next chunk (chunks must come in order)."""
        self.chunks += 1
        result = self.result
        result.skipped.extend(chunk.skipped)
        for doc, article, warnings in chunk.loaded:
            while len(result.docs) < doc:
                result.docs.append(None)  # the end of an earlier chunk that had skips
            first = self.digests.get(article.digest)
            if first is not None:
                result.warnings.append((article.path, f"same content as {first}: loaded once"))
                result.docs.append(None)
                continue
            self.digests[article.digest] = article.path
            result.warnings.extend((article.path, w) for w in warnings)
            article_id = _unique_id(article.path, self.ids)
            if article_id != article.id:
                article = replace(article, id=article_id)
            result.docs.append(article)
        postings = result.body_index.postings
        for word, docs in chunk.postings.items():
            known = postings.get(word)
            if known is None:
                postings[word] = docs
            else:
                known.extend(docs)


def _unique_id(path: str, ids: set[str]) -> str:
    stem = clean_line(Path(path).stem).replace(" ", "-") or "article"
    candidate, n = stem, 1
    while candidate in ids:
        n += 1
        candidate = f"{stem}-{n}"
    ids.add(candidate)
    return candidate


def _article(parsed: Parsed, path: str, digest: str, ids: set[str]) -> Article:
    return Article(
        id=_unique_id(path, ids),
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
