"""The article record kept by the store, and the full parsed form read on demand."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class Highlight:
    """A highlights box: a short heading and its bullet items."""

    heading: str
    items: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Parsed:
    """Everything a parser read from one file, body included."""

    title: str
    date: dt.date | None = None
    source: str = ""
    section: str = ""
    caption: str = ""
    dateline: str = ""
    url: str = ""
    tags: tuple[str, ...] = ()
    highlights: tuple[Highlight, ...] = ()
    body: tuple[str, ...] = ()
    layout: str = "plain"
    warnings: tuple[str, ...] = field(default=(), compare=False)

    def headers(self, words: bool = True) -> Headers:
        """What the store keeps of this article (without the word count unless ``words``)."""
        return Headers(self.title, self.date, self.source, self.section, self.caption,
                       self.dateline, self.url, self.tags, self.words if words else None,
                       self.layout, self.warnings)

    @property
    def words(self) -> int:
        """Number of words in the body and highlights."""
        return len(self.body_text.split())

    @property
    def body_text(self) -> str:
        """Body paragraphs and highlights boxes as one string, for indexing."""
        boxes = (f"{h.heading} {' '.join(h.items)}" for h in self.highlights)
        return " ".join((*self.body, *boxes))


class Headers(NamedTuple):
    """Everything loading needs of one file: the headers, the word count, the warnings."""

    title: str
    date: dt.date | None
    source: str
    section: str
    caption: str
    dateline: str
    url: str
    tags: tuple[str, ...]
    words: int | None  # None: not counted (see Article.words)
    layout: str
    warnings: tuple[str, ...]


class Article(NamedTuple):
    """One article as the store keeps it: headers and counts, no body.

    Bodies are re-read from ``path`` on demand (see :func:`newstui.model.files.read_full`), so a
    100k-article corpus costs headers only in memory. A named tuple, not a dataclass: ~5x
    cheaper to create and to pass between processes, which loading does 100k times.
    """

    id: str
    path: str
    title: str
    date: dt.date | None
    source: str
    section: str
    caption: str
    dateline: str
    url: str
    tags: tuple[str, ...]
    # None until the article's details (caption, dateline, url, words) are read: the first
    # load of a large folder reads them in a second pass (newstui.model.load.read_details).
    words: int | None
    digest: str
    layout: str

    def with_details(self, source: Parsed | Article) -> Article:
        """This article with the caption, dateline, link and word count of ``source`` (its
        parse, or the same file loaded with details)."""
        return self._replace(caption=source.caption, dateline=source.dateline, url=source.url,
                             words=source.words)

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
        return (self.id, self.path, self.title, self.date.toordinal() if self.date else None,
                self.source, self.section, self.caption, self.dateline, self.url, self.tags,
                self.words, self.digest, self.layout)

    @classmethod
    def from_row(cls, row: tuple[object, ...]) -> Article:
        """The article :meth:`to_row` made; TypeError or ValueError if ``row`` is not one."""
        ordinal = row[3]
        if ordinal is None:
            return cls._make(row)
        date = _DATES.get(ordinal)  # type: ignore[call-overload]
        if date is None:
            date = _DATES[ordinal] = dt.date.fromordinal(ordinal)  # type: ignore[arg-type]
        return cls._make((*row[:3], date, *row[4:]))


# Date objects by ordinal: a corpus has few distinct dates, and one object for each saves
# time and memory when 100k articles come in.
_DATES: dict[int, dt.date] = {}
