"""The list as a launch left it: every article of the store, in the store's order, with the
stat each file had, kept in columns beside the header cache.

A launch from the caches shows this list without reading the header cache at all: at a
million files, reading that cache's entries (a path, a stat, a row and warnings each) and
turning them into articles one entry at a time took ~10 s and ~1 GB before the first whole
list; here a block of rows comes as a few objects (a string for each text field, lists for
the values that repeat and for the tags), checked by a few C-level passes (types, counts,
printable text), and becomes articles a column at a time (~5 s to the whole list, against
~10 s: ``benchmarks/bench_from_caches.py``). The files are then
checked against the stats kept here (see :mod:`newstui.model.load.cached_list`), so a
list file older than the folders only costs applying what changed since.

Like the other caches it is sealed, versioned, written atomically, decoded in blocks that
each hold the GIL briefly, and never needed for correctness: a list file that is missing,
damaged, from another version or forged is not used (the header cache's way is taken).
"""

from __future__ import annotations

import marshal
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from newstui import __version__
from newstui.model.cache.sealed import open_sealed, sealed, write_atomically
from newstui.model.corpus.article import Article
from newstui.model.corpus.files import Stat
from newstui.model.memory import no_gc

MAGIC = b"newstui list\n"
# Bump when the Article fields, what a column holds or the parser change (2: Markdown
# headlines).
FORMAT = 2
BLOCK = 20_000  # rows a block: each block holds the GIL a few ms
MAX_BYTES = 4 * 1024**3
NO_STAT: Stat = (-1, -1, -1)  # a file whose stat was not known: read again when checked

_FIELDS = Article._fields
_TAGS = _FIELDS.index("tags")
_DATE = _FIELDS.index("date")
_WORDS = _FIELDS.index("words")
_PATH = _FIELDS.index("path")
_PATH_OF = attrgetter("path")
# The string fields whose text reaches the screen (the path is checked against the
# folders): those with a value an article, and those whose values repeat.
_REPEATED = tuple(_FIELDS.index(name) for name in ("source", "section", "layout"))
_UNIQUE = tuple(i for i, name in enumerate(_FIELDS) if i not in _REPEATED
                and name not in ("date", "tags", "words", "path"))


@dataclass
class ListFile:
    """A saved list: the articles in store order, each file's stat (in the same order, three
    numbers each: see :data:`~newstui.model.corpus.files.Stat`) and the load's warnings
    (path, warning)."""

    articles: list[Article]
    stats: array
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def stats_by_path(self) -> dict[str, Stat]:
        """Each article's file stat, by its path."""
        return stats_by_path(self.articles, self.stats)


def stats_by_path(articles: Sequence[Article], stats: array) -> dict[str, Stat]:
    """The stats of ``articles``' files (as :func:`stats_in_order` gives them), by path."""
    return _by_path(list(map(_PATH_OF, articles)), stats)


def _by_path(paths: list[str], numbers: array) -> dict[str, Stat]:
    """``paths`` with their stats, three numbers each in ``numbers``."""
    values = numbers.tolist()
    return dict(zip(paths, zip(values[0::3], values[1::3], values[2::3], strict=True),
                    strict=True))


def stats_in_order(articles: Sequence[Article],
                   stat_of: Callable[[str], Stat | None] | Mapping[str, Stat]) -> array:
    """The stats of ``articles``' files (``stat_of`` a path, or the stats by path; None
    or missing: unknown, and the file is read again when checked), three 8-byte numbers
    each, in the articles' order: what :func:`save_list` takes, ~24 MB at a million
    articles. (From a mapping, looked up without a Python step an article.)"""
    paths = map(_PATH_OF, articles)
    if isinstance(stat_of, Mapping):
        return array("q", chain.from_iterable(map(stat_of.get, paths, repeat(NO_STAT))))
    return array("q", chain.from_iterable(stat_of(p) or NO_STAT for p in paths))


def save_list(path: Path, articles: Sequence[Article], stats: array,
              warnings: Sequence[tuple[str, str]] = ()) -> str | None:
    """Write ``articles`` (in store order) with their files' ``stats`` (see
    :func:`stats_in_order`) to ``path``; a problem, or None."""
    if len(stats) != 3 * len(articles):
        raise ValueError("a stat for each article")

    def parts() -> Iterator[bytes]:
        yield MAGIC
        yield _framed(marshal.dumps([FORMAT, __version__, len(articles),
                                     [(str(p), str(w)) for p, w in warnings]]))
        for start in range(0, len(articles), BLOCK):
            rows = articles[start : start + BLOCK]
            block = stats[3 * start : 3 * (start + len(rows))].tobytes()
            yield _framed(marshal.dumps(_columns(rows, block)))

    try:
        write_atomically(path, sealed(parts()))
    except OSError as exc:
        return f"list not saved: {exc.strerror or exc}"
    return None


def _columns(rows: Sequence[Article], stats: bytes
             ) -> tuple[list[str], list[list[str]], list[tuple[str, ...]], list[int | None],
                        list[int | None], bytes]:
    """A block of rows as the file keeps it: the values of each text field found once an
    article joined (by a line break, which no field holds; paths by NUL, which no path
    holds): one string to marshal and to check, not 20,000; the fields whose values repeat
    (source, section, layout) and the tags as lists (marshal writes a repeated string
    once, and it comes back one object); the date ordinals, the word counts, and the
    block's ``stats``."""
    columns = list(zip(*rows, strict=True))
    texts = ["\n".join(columns[i]) for i in _UNIQUE]
    dates = [d.toordinal() if d else None for d in columns[_DATE]]
    return ([*texts, "\0".join(columns[_PATH])], [list(columns[i]) for i in _REPEATED],
            list(columns[_TAGS]), dates, list(columns[_WORDS]), stats)


@contextmanager
def _opened(path: Path) -> Iterator[tuple[list[Any], Iterator[memoryview]] | None]:
    """The list file at ``path``: its head (format and version checked) and its blocks,
    still to be read; None when there is none, or it is not one of this version's."""
    try:
        sealed_file = open_sealed(path, MAX_BYTES, MAGIC)
    except ValueError:
        sealed_file = None
    if sealed_file is None:
        yield None
        return
    with sealed_file:
        try:
            frames = sealed_file.frames() if sealed_file.take(len(MAGIC)) == MAGIC else None
            head = marshal.loads(next(frames)) if frames is not None else None
        except (EOFError, ValueError, TypeError, StopIteration):
            head = None
        if (frames is None or type(head) is not list or len(head) != 4
                or head[:2] != [FORMAT, __version__] or type(head[2]) is not int):
            yield None
            return
        yield head, frames


def load_list(path: Path, cancelled: Callable[[], bool] = lambda: False) -> ListFile | None:
    """The list saved at ``path``; None when there is none, or it is damaged, from another
    version, forged, or ``cancelled`` meanwhile."""
    with _opened(path) as opened, no_gc():
        if opened is None or (warnings := _pairs(opened[0][3])) is None:
            return None
        (_, _, size, _), frames = opened
        try:
            columns: list[list[Any]] = [[] for _ in _FIELDS]
            stats = array("q")
            for frame in islice(frames, (size + BLOCK - 1) // BLOCK):
                if cancelled():
                    return None
                _block(marshal.loads(frame), columns, stats)
            if next(frames, None) is not None or len(columns[0]) != size:
                return None
            articles = Article.from_columns([tuple(c) for c in columns], shared=True)
        except (EOFError, ValueError, TypeError, OverflowError):
            return None
    return ListFile(articles, stats, warnings)


def load_stats(path: Path) -> dict[str, Stat]:
    """The file stats the list saved at ``path`` holds, by path (none when there is no
    usable list): what saving the list again after live changes needs of the old one,
    without making its articles."""
    out: dict[str, Stat] = {}
    with _opened(path) as opened:
        if opened is None:
            return out
        try:
            for frame in opened[1]:
                found = marshal.loads(frame)
                texts, numbers = found[0], found[-1]
                paths = texts[-1].split("\0")
                if type(numbers) is not bytes or len(numbers) != 24 * len(paths):
                    return {}
                out.update(_by_path(paths, array("q", numbers)))
        except (EOFError, ValueError, TypeError, IndexError, KeyError, AttributeError):
            return {}
    return out


def _block(found: object, columns: list[list[Any]], stats: array) -> None:
    """Check a block of the file and add its rows to ``columns`` and ``stats``: ValueError
    or TypeError, having added nothing, unless it is one."""
    if type(found) is not tuple or len(found) != 6:
        raise ValueError("not a block")
    texts, repeated, tags, dates, words, numbers = found
    if (type(texts) is not list or len(texts) != len(_UNIQUE) + 1
            or set(map(type, texts)) != {str} or type(repeated) is not list
            or len(repeated) != len(_REPEATED) or set(map(type, repeated)) != {list}
            or type(tags) is not list or type(dates) is not list or type(words) is not list
            or type(numbers) is not bytes):
        raise ValueError("not a block")
    n = len(dates)
    split = [text.split("\n") for text in texts[:-1]]
    paths = texts[-1].split("\0")
    if n == 0 or any(len(c) != n for c in (*split, *repeated, paths, tags, words)) or \
            len(numbers) != 24 * n:
        raise ValueError("columns of unequal lengths")
    distinct = set(chain.from_iterable(repeated))  # a few values, each many times
    loose = set(chain.from_iterable(tags))
    if (set(map(type, dates)) - {int, type(None)} or set(map(type, words)) - {int, type(None)}
            or set(map(type, tags)) - {tuple} or set(map(type, distinct | loose)) - {str}):
        raise ValueError("a value of the wrong type")
    # A fresh parse's fields are single clean lines, all printable: one C-level pass a
    # column, and a forged file's control or escape sequence never reaches the screen.
    if not all("".join(column).isprintable() for column in (*split, distinct, loose)):
        raise ValueError("text that is not printable")
    for i, column in zip(_UNIQUE, split, strict=True):
        columns[i].extend(column)
    for i, column in zip(_REPEATED, repeated, strict=True):
        columns[i].extend(column)
    columns[_PATH].extend(paths)
    columns[_TAGS].extend(tags)
    columns[_DATE].extend(dates)
    columns[_WORDS].extend(words)
    stats.frombytes(numbers)


def _pairs(found: object) -> list[tuple[str, str]] | None:
    """The (path, warning) pairs of a file's head, or None when they are not."""
    if type(found) is not list or any(
            type(p) is not tuple or len(p) != 2 or type(p[0]) is not str
            or type(p[1]) is not str or not p[1].isprintable() for p in found):
        return None
    return found


def _framed(blob: bytes) -> bytes:
    return len(blob).to_bytes(4, "little") + blob
