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

    @property
    def words(self) -> int:
        """Number of words in the body and highlights."""
        return len(self.body_text.split())

    @property
    def body_text(self) -> str:
        """Body paragraphs and highlights boxes as one string, for indexing."""
        boxes = (f"{h.heading} {' '.join(h.items)}" for h in self.highlights)
        return " ".join((*self.body, *boxes))



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
    words: int
    digest: str
    layout: str

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
