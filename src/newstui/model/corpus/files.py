"""Reading one article file: find the files, read and decode them, parse one.

Every failure becomes :class:`Unusable` with a one-line reason that users see.
"""

from __future__ import annotations

import codecs
import os
import stat
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import replace

from newstui.model.corpus.article import Article, Parsed
from newstui.model.corpus.parse import parse_text
from newstui.model.corpus.scan import scan_headers
from newstui.model.untrusted import Refused, open_to_read, read_opened

EXTENSIONS = frozenset({".txt", ".md", ".markdown"})
MAX_BYTES = 64 * 1024 * 1024
_BINARY_SAMPLE = 8192
# Bytes that do not occur in text: NUL and the C0 controls other than TAB, LF, FF, CR, ESC.
_BINARY_BYTES = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))


Stat = tuple[int, int, int]  # size, mtime and ctime in ns: what a cache entry is checked against


def file_stat(st: os.stat_result) -> Stat:
    """The :data:`Stat` of a file."""
    # ctime too: a chmod (a file becoming unreadable) or a restore that keeps the mtime
    # changes it, and then the file is read again, not trusted from a cache.
    return st.st_size, st.st_mtime_ns, st.st_ctime_ns


class Unusable(Exception):
    """A file that cannot be loaded; the message is the one-line reason shown to users."""


def decode(data: bytes) -> tuple[str, str | None]:
    """Decode file bytes to text; return the text and a warning, or raise :class:`Unusable`.

    UTF-8 where the bytes are UTF-8, and only the bytes that are not are read as cp1252: a
    file of UTF-8 with one stray Windows byte keeps its curly quotes, and no byte ever
    becomes a C1 control (which the sanitiser would then remove, with whatever it seemed to
    start). A file is binary when many of its first 8 KB are NUL or control bytes, not
    because of one: stray ones are removed by the sanitiser, with a warning.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[3:]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return _nonempty(data.decode("utf-16")), None
        except UnicodeDecodeError as exc:
            raise Unusable("invalid UTF-16 text") from exc
    sample = data[:_BINARY_SAMPLE]
    controls = _control_count(sample)
    if controls > max(8, len(sample) * 0.05) or sample.count(0) > max(2, len(sample) * 0.01):
        raise Unusable("binary file, not text")
    stray = _control_count(data) if controls or b"\x00" in data[_BINARY_SAMPLE:] else 0
    notes = [f"{_count(stray, 'control byte')} removed"] if stray else []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        _MIXED.count = 0
        text = data.decode("utf-8", errors=_MIXED_HANDLER)
        notes.insert(0, f"not valid UTF-8: {_count(_MIXED.count, 'byte')} read as cp1252")
    return _nonempty(text), "; ".join(notes) or None


_MIXED = threading.local()  # bytes the handler below decoded, per thread
_MIXED_HANDLER = "newstui-cp1252"


def _cp1252_bytes(error: UnicodeError) -> tuple[str, int]:
    """Decode the bytes UTF-8 refused as cp1252; its five undefined bytes become U+FFFD."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    _MIXED.count = getattr(_MIXED, "count", 0) + len(bad)
    return bad.decode("cp1252", errors="replace"), error.end


codecs.register_error(_MIXED_HANDLER, _cp1252_bytes)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _control_count(data: bytes) -> int:
    return len(data) - len(data.translate(None, _BINARY_BYTES))


def _nonempty(text: str) -> str:
    if not text.strip():
        raise Unusable("empty file")
    return text


def read_bytes(path: str) -> bytes:
    """A file's bytes; :class:`Unusable` if it cannot be read or is too large."""
    return _read(path)[0]


def _read(path: str) -> tuple[bytes, Stat]:
    """A file's bytes and its size and mtime as seen just before reading them."""
    fd = _open(path)
    if isinstance(fd, Unusable):
        raise fd
    return _read_opened(fd)


AHEAD = 64  # files opened ahead by read_ahead: enough for the disk's queue, few descriptors
MISSED = 50e-6  # a small file's read that took longer came from the disk (cached: ~5-15 µs)


def read_ahead(paths: Sequence[str], window: int = AHEAD
               ) -> Generator[tuple[str, tuple[bytes, Stat] | Unusable], None, None]:
    """Each of ``paths`` with its bytes and stat (what :func:`read_headers` reads), or the
    :class:`Unusable` saying why not, in order.

    Files are opened ``window`` ahead of the one being read and, while they are not in the
    page cache, the kernel is asked to read them meanwhile (``posix_fadvise`` WILLNEED):
    100k files not in the page cache read in 6.7 s this way, against 12.5-14.7 s one by one.
    Whether they are cached is told by how long one file in ``window``, read without
    advice, takes: advising costs ~5 µs a file that is cached (14 µs to read one). At most
    ``window`` descriptors are open at a time; those not read yet are closed if the
    caller stops early.
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is None or window < 1:
        yield from _one_by_one(paths)
        return
    # Each: the path, its descriptor (or why there is none), and whether it is a probe.
    opened: deque[tuple[str, int | Unusable, bool]] = deque()
    upcoming = iter(paths)
    count, advising = 0, True
    try:
        while True:
            while len(opened) < window and (name := next(upcoming, None)) is not None:
                probe = count % window == 0
                count += 1
                opened.append((name, _open_advised(name, advise) if advising and not probe
                               else _open(name), probe))
            if not opened:
                return
            path, fd, probe = opened.popleft()
            if isinstance(fd, Unusable):
                yield path, fd
                continue
            try:
                start = time.perf_counter()
                read = _read_opened(fd)
                if probe:  # read without advice: slow if the files are not cached
                    advising = time.perf_counter() - start > MISSED + len(read[0]) / 2e9
            except Unusable as exc:
                yield path, exc
            else:
                yield path, read
    finally:
        for _, fd, _ in opened:
            if isinstance(fd, int):
                os.close(fd)


def _one_by_one(paths: Iterable[str]
                ) -> Generator[tuple[str, tuple[bytes, Stat] | Unusable], None, None]:
    """:func:`read_ahead` where the kernel takes no advice."""
    for path in paths:
        try:
            yield path, _read(path)
        except Unusable as exc:
            yield path, exc


def _open(path: str) -> int | Unusable:
    """``path`` opened for :func:`_read_opened`; the reason it cannot be otherwise."""
    try:
        return open_to_read(path)
    except OSError as exc:
        return Unusable(exc.strerror or exc.__class__.__name__)


def _open_advised(path: str, advise: Callable[[int, int, int, int], None]) -> int | Unusable:
    """``path`` opened, the kernel asked to read it ahead (a regular file only, at most as
    much as would be read); the reason it cannot be opened otherwise."""
    fd = _open(path)
    if isinstance(fd, Unusable):
        return fd
    try:
        st = os.fstat(fd)
        if stat.S_ISREG(st.st_mode):
            advise(fd, 0, min(st.st_size, MAX_BYTES) + 1, os.POSIX_FADV_WILLNEED)
    except OSError:
        pass  # only a hint: reading says what is wrong, if anything
    return fd


def _read_opened(fd: int) -> tuple[bytes, Stat]:
    """:func:`_read` from a descriptor of :func:`_open` (closed after)."""
    try:
        data, st = read_opened(fd, MAX_BYTES)
    except Refused as exc:
        raise Unusable(exc.reason) from exc
    except OSError as exc:
        raise Unusable(exc.strerror or exc.__class__.__name__) from exc
    return data, file_stat(st)


def read_file(path: str) -> tuple[Parsed, bytes, str]:
    """Read, decode and parse one file; return the article, the raw bytes and the text.

    Raises :class:`Unusable` with a one-line reason when the file cannot be used.
    """
    data, _ = _read(path)
    parsed, text = _parse(data, path)
    return parsed, data, text


def _parse(data: bytes, path: str) -> tuple[Parsed, str]:
    """Decode and parse a file's bytes; the parse (with any decoding warning) and the text."""
    text, warning = decode(data)
    parsed = parse_text(text, os.path.basename(path))
    if warning:
        parsed = replace(parsed, warnings=(warning, *parsed.warnings))
    return parsed, text


def read_headers(path: str, details: bool = True
                 ) -> tuple[Article, tuple[str, ...], bytes, Stat]:
    """What loading needs of one file: its headers (no id, path or digest yet), their
    warnings, the file's bytes and its stat; :class:`Unusable` if it cannot be used.

    Without ``details`` a seed-layout file may come back with only what the list shows
    (``words`` None, see :func:`newstui.model.corpus.scan.scan_headers`)."""
    return headers_of(path, *_read(path), details)


def headers_of(path: str, data: bytes, seen: Stat, details: bool = True
               ) -> tuple[Article, tuple[str, ...], bytes, Stat]:
    """:func:`read_headers` of a file already read (by :func:`read_ahead`)."""
    scanned = None if details else scan_headers(data)
    if scanned is None:
        parsed, _ = _parse(data, path)
        return parsed.article, parsed.warnings, data, seen
    return scanned[0], scanned[1], data, seen


def read_text(article: Article) -> str:
    """An article's whole file as searchable text (what exact phrases are checked
    against); :class:`Unusable` if it is gone."""
    return searchable_text(_read(article.path)[0])


def searchable_text(data: bytes) -> str:
    """A file's bytes as the text its words are searched in: decoded, and, as the parser
    reads them, with character references decoded outside the seed layout."""
    from newstui.model.corpus.parse import SEED_HEADER
    from newstui.model.corpus.sanitize import decode_references

    text = decode(data)[0]
    if "&" in text and not SEED_HEADER.match(text.partition("\n")[0]):
        text = decode_references(text)
    return text


def read_full(article: Article) -> Parsed:
    """Re-read an article's file for its body; raise :class:`Unusable` if it is gone."""
    data, _ = _read(article.path)
    return _parse(data, article.path)[0]


def iter_files(paths: Iterable[str], skipped: list[tuple[str, str]]) -> Iterator[str]:
    """Yield article files under ``paths`` in a stable order; record missing paths."""
    for path, is_folder in _opened(paths, skipped):
        if is_folder:
            yield from _walk(path, skipped)
        else:
            yield path


def iter_file_stats(paths: Iterable[str], skipped: list[tuple[str, str]]
                    ) -> Iterator[tuple[str, os.stat_result | None]]:
    """The files :func:`iter_files` yields, in its order, each with its stat (None: gone
    or not readable since it was listed). A folder's files are stat'ed by name in the
    open folder, not by their whole path: ~30% faster at a million files."""
    for path, is_folder in _opened(paths, skipped):
        if is_folder:
            yield from _walk_stats(path, skipped)
        else:
            yield path, _stat_or_none(path)


def _opened(paths: Iterable[str], skipped: list[tuple[str, str]]
            ) -> Iterator[tuple[str, bool]]:
    """Each of the opened ``paths`` that exists, normalised, and whether it is a folder;
    the others recorded in ``skipped``."""
    for raw in paths:
        path = os.path.normpath(os.path.expanduser(raw))
        if os.path.isdir(path):
            yield path, True
        elif os.path.isfile(path):
            yield path, False
        elif os.path.lexists(path):
            skipped.append((path, "not a regular file or folder"))
        else:
            skipped.append((path, "no such file or folder"))


def _stat_or_none(path: str, folder: int | None = None) -> os.stat_result | None:
    try:
        return os.stat(path, dir_fd=folder)
    except OSError:
        return None


def _listing(entries: Iterable[os.DirEntry[str]]) -> tuple[list[str], list[str]]:
    """The article file names and the sub-folders (not hidden, not symbolic links) of a
    folder's ``entries``, each in name order."""
    names: list[str] = []
    folders: list[str] = []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        try:
            is_dir = entry.is_dir()
        except OSError:
            is_dir = False
        if is_dir:
            if not entry.is_symlink():
                folders.append(name)
        elif is_article_name(name):
            names.append(name)
    names.sort()
    folders.sort()
    return names, folders


def _walk(top: str, skipped: list[tuple[str, str]]) -> Iterator[str]:
    """Article files under the folder ``top``: its own files by name, then each sub-folder
    (not hidden, not a symbolic link) in name order, as ``os.walk`` would visit them."""
    try:
        with os.scandir(top) as listing:
            names, folders = _listing(listing)
    except OSError as exc:
        skipped.append((top, f"folder not readable: {exc.strerror}"))
        return
    prefix = top if top.endswith(os.sep) else top + os.sep
    for name in names:
        yield prefix + name
    for folder in folders:
        yield from _walk(prefix + folder, skipped)


_BY_FOLDER = os.stat in os.supports_dir_fd and os.scandir in os.supports_fd
_FOLDER_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_CLOEXEC", 0)


def _walk_stats(top: str, skipped: list[tuple[str, str]]
                ) -> Iterator[tuple[str, os.stat_result | None]]:
    """:func:`_walk` with each file's stat, taken in the open folder where the system
    allows it."""
    if not _BY_FOLDER:
        for path in _walk(top, skipped):
            yield path, _stat_or_none(path)
        return
    try:
        folder = os.open(top, _FOLDER_FLAGS)
    except OSError as exc:
        skipped.append((top, f"folder not readable: {exc.strerror}"))
        return
    try:
        with os.scandir(folder) as listing:
            names, folders = _listing(listing)
        prefix = top if top.endswith(os.sep) else top + os.sep
        for name in names:
            yield prefix + name, _stat_or_none(name, folder)
    except OSError as exc:
        skipped.append((top, f"folder not readable: {exc.strerror}"))
        return
    finally:
        os.close(folder)
    for sub in folders:
        yield from _walk_stats(prefix + sub, skipped)


def is_article_name(name: str) -> bool:
    """Whether a file of this name is read as an article (by its extension)."""
    dot = name.rfind(".")
    return dot > 0 and name[dot:].lower() in EXTENSIONS


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

