"""Walk folders, read and decode files, parse them, and report what could not be used.

Nothing raises out of :func:`load_paths`: a file that cannot be used is recorded in
``LoadResult.skipped`` with a one-line reason, and every other file still loads.
"""

from __future__ import annotations

import codecs
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from newstui.model.article import Article, Parsed
from newstui.model.index import WordIndex, words_of
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
    """What a load produced: articles in path order, and everything that went wrong."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)
    body_index: WordIndex = field(default_factory=WordIndex)


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


def read_file(path: str) -> tuple[Parsed, bytes]:
    """Read, decode and parse one file; return the article and the raw bytes.

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
    return parsed, data


def _with_warning(parsed: Parsed, warning: str) -> Parsed:
    return replace(parsed, warnings=(warning, *parsed.warnings))


def read_full(article: Article) -> Parsed:
    """Re-read an article's file for its body; raise :class:`Unusable` if it is gone."""
    parsed, _ = read_file(article.path)
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


def load_paths(
    paths: Iterable[str],
    progress: Callable[[int, LoadResult], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    index_bodies: bool = True,
) -> LoadResult:
    """Load every article under ``paths``.

    ``progress`` is called with the number of files seen and the result so far every 500
    files; ``cancelled`` is polled as often and stops the load early when it returns True.
    With ``index_bodies`` the body words are indexed for search while the text is at hand
    (bodies themselves are not kept).
    """
    result = LoadResult()
    ids: set[str] = set()
    digests: dict[str, str] = {}
    for count, path in enumerate(iter_files(paths, result.skipped), 1):
        if count % 500 == 0:
            if progress is not None:
                progress(count, result)
            if cancelled is not None and cancelled():
                break
        try:
            parsed, data = read_file(path)
        except Unusable as exc:
            result.skipped.append((path, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - a parser bug must not stop the whole load
            result.skipped.append((path, f"could not parse: {exc.__class__.__name__}: {exc}"))
            continue
        digest = hashlib.blake2b(data, digest_size=12).hexdigest()
        first = digests.get(digest)
        if first is not None:
            result.warnings.append((path, f"same content as {first}: loaded once"))
            continue
        digests[digest] = path
        result.warnings.extend((path, w) for w in parsed.warnings)
        if index_bodies:
            result.body_index.add(len(result.articles), words_of(parsed.body_text))
        result.articles.append(_article(parsed, path, digest, ids))
    return result


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
