"""Reading one article file: find the files, read and decode them, parse one.

Every failure becomes :class:`Unusable` with a one-line reason that users see.
"""

from __future__ import annotations

import codecs
import os
from collections.abc import Iterable, Iterator
from dataclasses import replace

from newstui.model.article import Article, Parsed
from newstui.model.cache import Stat, file_stat
from newstui.model.parse import parse_text

EXTENSIONS = frozenset({".txt", ".md"})
MAX_BYTES = 64 * 1024 * 1024
_BINARY_SAMPLE = 8192
# Bytes that never occur in text: C0 controls other than TAB, LF, FF, CR, ESC.
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


class Unusable(Exception):
    """A file that cannot be loaded; the message is the one-line reason shown to users."""


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
    return _read(path)[0]


def _read(path: str) -> tuple[bytes, Stat]:
    """A file's bytes and its size and mtime as seen just before reading them."""
    try:
        st = os.stat(path)
        if st.st_size > MAX_BYTES:
            raise Unusable(f"larger than {MAX_BYTES // (1024 * 1024)} MB")
        with open(path, "rb") as handle:
            return handle.read(), file_stat(st)
    except OSError as exc:
        raise Unusable(exc.strerror or exc.__class__.__name__) from exc


def read_file(path: str) -> tuple[Parsed, bytes, str]:
    """Read, decode and parse one file; return the article, the raw bytes and the text.

    Raises :class:`Unusable` with a one-line reason when the file cannot be used.
    """
    return read_with_stat(path)[:3]  # type: ignore[return-value]


def read_with_stat(path: str) -> tuple[Parsed, bytes, str, Stat]:
    """:func:`read_file`, and the file's size and mtime as seen just before reading it."""
    data, stat = _read(path)
    text, warning = decode(data)
    parsed = parse_text(text, os.path.basename(path))
    if warning:
        parsed = _with_warning(parsed, warning)
    return parsed, data, text, stat


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


def first_files(paths: Iterable[str], limit: int) -> list[str]:
    """Up to ``limit`` article files under ``paths``, in no particular order, found without
    listing more of a folder than needed (a flat folder of 100k files is not read whole)."""
    found: list[str] = []
    folders: list[str] = []
    for raw in paths:
        path = os.path.normpath(os.path.expanduser(raw))
        if os.path.isdir(path):
            folders.append(path)
        elif os.path.isfile(path):
            found.append(path)
    while folders and len(found) < limit:
        try:
            with os.scandir(folders.pop()) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        folders.append(entry.path)
                    elif os.path.splitext(entry.name)[1].lower() in EXTENSIONS:
                        found.append(entry.path)
                        if len(found) >= limit:
                            break
        except OSError:
            continue  # the real load reports unreadable folders
    return found[:limit]

