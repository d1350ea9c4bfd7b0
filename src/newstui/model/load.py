"""Walk folders, read and decode files, parse them, and report what could not be used.

Nothing raises out of :func:`load_paths`: a file that cannot be used is recorded in
``LoadResult.skipped`` with a one-line reason, and every other file still loads.
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import os
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from newstui.model.article import Article, Parsed
from newstui.model.chunks import run_chunks
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
    """What a load produced (articles in load order), and everything that went wrong."""

    docs: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    @property
    def articles(self) -> list[Article]:
        """The loaded articles, in load order."""
        return self.docs


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


def read_bytes(path: str) -> bytes:
    """A file's bytes; :class:`Unusable` if it cannot be read or is too large."""
    try:
        if os.stat(path).st_size > MAX_BYTES:
            raise Unusable(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise Unusable(exc.strerror or exc.__class__.__name__) from exc


def read_file(path: str) -> tuple[Parsed, bytes, str]:
    """Read, decode and parse one file; return the article, the raw bytes and the text.

    Raises :class:`Unusable` with a one-line reason when the file cannot be used.
    """
    data = read_bytes(path)
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
            yield from _walk(path, skipped)
        elif os.path.isfile(path):
            yield path
        elif os.path.lexists(path):
            skipped.append((path, "not a regular file or folder"))
        else:
            skipped.append((path, "no such file or folder"))


def _walk(top: str, skipped: list[tuple[str, str]]) -> Iterator[str]:
    def unreadable(error: OSError) -> None:
        skipped.append((str(error.filename), f"folder not readable: {error.strerror}"))

    for root, dirs, files in os.walk(top, onerror=unreadable):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith(".") and os.path.splitext(name)[1].lower() in EXTENSIONS:
                yield os.path.join(root, name)


CHUNK = 1000
PARALLEL_MIN = 4000


@dataclass
class _Chunk:
    """What a worker read from one chunk of files."""

    loaded: list[tuple[Article, tuple[str, ...]]]
    skipped: list[tuple[str, str]]


def _load_chunk(paths: list[str]) -> _Chunk:
    """Read one chunk of files (in a worker process, or in-process for small loads)."""
    chunk = _Chunk([], [])
    with _no_gc():
        for path in paths:
            try:
                parsed, data, text = read_file(path)
            except Unusable as exc:
                chunk.skipped.append((path, str(exc)))
                continue
            except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the load
                chunk.skipped.append((path, f"could not parse: {type(exc).__name__}: {exc}"))
                continue
            digest = hashlib.blake2b(data, digest_size=12).hexdigest()
            # The id is the file's stem here; the parent makes it unique across chunks.
            chunk.loaded.append((_article(parsed, path, digest), parsed.warnings))
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
) -> LoadResult:
    """Load the headers of every article under ``paths`` (bodies are re-read on demand).

    Files are read in chunks of 1,000, by ``workers`` processes (default: one per core) when
    there are more than 4,000 files. After each chunk ``progress`` gets the number of files
    read and the result so far, and ``cancelled`` may stop the load. Body words are indexed
    afterwards by :func:`index_bodies`, in the store's numbering.
    """
    result = LoadResult()
    files = list(iter_files(paths, result.skipped))
    jobs = [(files[i : i + CHUNK],) for i in range(0, len(files), CHUNK)]
    merger = _Merger(result)

    def merged(chunk: _Chunk) -> None:
        merger.add(chunk)
        if progress is not None:
            progress(min(len(files), merger.chunks * CHUNK), result)

    run_chunks(_load_chunk, jobs, merged, _workers(len(files), workers), cancelled)
    return result


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


def _workers(files: int, workers: int | None) -> int:
    if files < PARALLEL_MIN:
        return 1
    return workers or os.cpu_count() or 1


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
        for article, warnings in chunk.loaded:
            first = self.digests.get(article.digest)
            if first is not None:
                result.warnings.append((article.path, f"same content as {first}: loaded once"))
                continue
            self.digests[article.digest] = article.path
            result.warnings.extend((article.path, w) for w in warnings)
            article_id = _unique(article.id, self.ids)
            if article_id != article.id:
                article = replace(article, id=article_id)
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
