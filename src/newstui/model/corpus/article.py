"""The article record: its fields are defined once, here, and built by keyword everywhere.

:class:`Article` is what the store keeps of each article (headers and counts, no body);
:class:`Parsed` is one full parse of a file: the same record plus body, highlights and
warnings. The order of ``Article``'s fields is the order of the rows the header cache stores
and loading workers exchange (:meth:`Article.to_row`); ``tests/model/test_article.py`` pins
it, so a reordering has to bump the cache format on purpose.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import repeat
from sys import intern
from typing import Any, NamedTuple

Details = tuple[str, str, str, int | None]  # see Article.details


@dataclass(frozen=True, slots=True)
class Highlight:
    """A highlights box: a short heading and its bullet items."""

    heading: str
    items: tuple[str, ...]


class Article(NamedTuple):
    """One article as the store keeps it: headers and counts, no body.

    Bodies are re-read from ``path`` on demand (see
    :func:`newstui.model.corpus.files.read_full`), so a 100k-article corpus costs headers
    only in memory. A named tuple, not a dataclass: ~5x cheaper to create and to pass
    between processes, which loading does 100k times. A parser fills the headers; loading
    adds ``id``, ``path`` and ``digest``.
    """

    title: str
    date: dt.date | None = None
    source: str = ""
    section: str = ""
    caption: str = ""
    dateline: str = ""
    url: str = ""
    tags: tuple[str, ...] = ()
    # None until the article's details (caption, dateline, url, words) are read: the first
    # load of a large folder reads them in a second pass (newstui.model.load.read_details).
    words: int | None = None
    layout: str = "plain"
    id: str = ""
    path: str = ""
    # A hash of the file's bytes (or of its front matter's guid: a feed item keeps its reading
    # state when its file is rewritten): keys dedupe and reading state.
    digest: str = ""

    def details(self) -> Details:
        """Caption, dateline, link and word count: what a parse reads beyond the list's
        fields (see ``words``)."""
        return self.caption, self.dateline, self.url, self.words

    def with_details(self, details: Details) -> Article:
        """This article with the :meth:`details` of its file's parse."""
        caption, dateline, url, words = details
        # tuple.__new__, not _replace (Python, a step a field): ~40% less, a million times.
        return tuple.__new__(Article, (*self[:_CAPTION], caption, dateline, url,
                                       self[_TAGS], words, *self[_WORDS + 1 :]))

    @property
    def iso_date(self) -> str | None:
        """The date as ``YYYY-MM-DD``, or None when unknown."""
        return self.date.isoformat() if self.date else None

    def to_json(self) -> dict[str, object]:
        """The documented ``newstui list --json`` record."""
        return {
            "id": self.id,
            "path": self.path,
            "date": self.iso_date,
            "title": self.title,
            "source": self.source,
            "section": self.section,
            "tags": list(self.tags),
            "dateline": self.dateline,
            "caption": self.caption,
            "words": self.words,
            "url": self.url,
        }

    def to_row(self) -> tuple[object, ...]:
        """The article as plain values (the date as an ordinal) for ``marshal``: how the
        header cache stores it and how loading workers hand it over."""
        date = self.date
        return (*self[:_DATE], date.toordinal() if date else None, *self[_DATE + 1 :])

    def row_at(self, id: str, path: str, digest: str) -> tuple[object, ...]:
        """:meth:`to_row` of this parse found in the file ``path`` with this ``digest`` and
        ``id``: what a loading worker sends (a third of the cost of ``_replace`` first)."""
        date = self.date
        return (*self[:_DATE], date.toordinal() if date else None, *self[_DATE + 1 : _ID],
                id, path, digest)

    @classmethod
    def from_row(cls, row: tuple[object, ...]) -> Article:
        """The article :meth:`to_row` made; TypeError or ValueError if ``row`` is not one."""
        if len(row) != len(cls._fields):
            raise ValueError(f"a row of {len(row)} values, not {len(cls._fields)}")
        ordinal = row[_DATE]
        if ordinal is None:
            date = None
        elif not isinstance(ordinal, int):
            raise TypeError(f"a date ordinal must be an int, not {type(ordinal).__name__}")
        elif (date := _DATES.get(ordinal)) is None:
            date = _DATES[ordinal] = dt.date.fromordinal(ordinal)
        # Sources, sections and tags repeat across a corpus, but every row read from a
        # cache or a worker brings its own copies: one string each (interned strings are
        # freed once unused) is ~450 bytes less an article.
        source, section, tags = row[_SOURCE], row[_SECTION], row[_TAGS]
        if type(source) is str and type(section) is str and type(tags) is tuple:
            # (intern raises TypeError for a tag that is not a string)
            return cls._make((row[0], date, intern(source), intern(section), *row[4:_TAGS],
                              tuple(map(intern, tags)), *row[_TAGS + 1 :]))
        return cls._make((*row[:_DATE], date, *row[_DATE + 1 :]))

    @classmethod
    def from_columns(cls, columns: list[tuple[Any, ...]], shared: bool = False
                     ) -> list[Article]:
        """What :meth:`from_row` makes of each of many rows, from their columns (the
        rows transposed), a column at a time in C-level passes: ~2x faster. The caller
        has checked each column's types; ValueError or OverflowError for a date ordinal
        out of range. ``shared``: the sources, sections and tags that repeat are one
        object each already (as ``marshal`` brings back a block's repeated strings), so
        they are not interned."""
        if len(columns) != len(cls._fields):
            raise ValueError(f"{len(columns)} columns, not {len(cls._fields)}")
        ordinals = columns[_DATE]
        for ordinal in set(ordinals) - _DATES.keys() - {None}:
            _DATES[ordinal] = dt.date.fromordinal(ordinal)
        columns = list(columns)
        columns[_DATE] = tuple(map(_DATES.get, ordinals))
        if not shared:
            columns[_SOURCE] = tuple(map(intern, columns[_SOURCE]))
            columns[_SECTION] = tuple(map(intern, columns[_SECTION]))
            columns[_TAGS] = tuple(map(tuple, map(map, repeat(intern), columns[_TAGS])))
        # tuple.__new__ as _make's own first step, without a Python call a row.
        return list(map(tuple.__new__, repeat(cls), zip(*columns, strict=True)))


_DATE = Article._fields.index("date")
_SOURCE = Article._fields.index("source")
_SECTION = Article._fields.index("section")
_TAGS = Article._fields.index("tags")
_ID = Article._fields.index("id")
_CAPTION = Article._fields.index("caption")
_WORDS = Article._fields.index("words")
# from_row builds its tuple in this order.
assert (_DATE, _SOURCE, _SECTION) == (1, 2, 3) and _TAGS > _SECTION
# with_details relies on the details (and tags) lying together in this order.
assert Article._fields[_CAPTION : _WORDS + 1] == ("caption", "dateline", "url", "tags", "words")
# row_at relies on the file's fields coming last, in this order (test_article pins it).
assert Article._fields[_ID:] == ("id", "path", "digest")

# Date objects by ordinal: a corpus has few distinct dates, and one object for each saves
# time and memory when 100k articles come in.
_DATES: dict[int, dt.date] = {}


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything a parser read from one file: the record (with no id, path or digest:
    a parser sees text, not files), the body, the highlights boxes and the warnings."""

    article: Article
    highlights: tuple[Highlight, ...] = ()
    body: tuple[str, ...] = ()
    warnings: tuple[str, ...] = field(default=(), compare=False)
    # A Markdown file's body as Markdown (the view lays it out); "" for other files.
    markdown: str = ""

    @property
    def body_text(self) -> str:
        """Body paragraphs and highlights boxes as one string, for indexing."""
        return body_text(self.body, self.highlights)


def body_text(body: tuple[str, ...], highlights: tuple[Highlight, ...]) -> str:
    """Body paragraphs and highlights boxes as one string (what ``words`` counts)."""
    boxes = (f"{h.heading} {' '.join(h.items)}" for h in highlights)
    return " ".join((*body, *boxes))
