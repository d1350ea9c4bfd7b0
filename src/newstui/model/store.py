"""The in-memory store: articles with indexes for tags, sources, sections, dates and words.

Articles are numbered by load order ("docs"): the body index is built while loading, so it
refers to those numbers. A skipped or duplicate file may leave a hole (None) in ``docs``.
``order`` lists the real docs newest first and ``rank`` maps a doc to its place in that
order, which is how every list is sorted by date.
"""

from __future__ import annotations

import datetime as dt
import threading
from array import array
from collections import Counter
from collections.abc import Iterable

from newstui.model.article import Article, Parsed
from newstui.model.index import WordIndex, index_words
from newstui.model.load import LoadResult, read_full


def _newest_first(article: Article) -> tuple[bool, int, str, str]:
    # Undated articles go last; among equals, title then id keep the order deterministic.
    ordinal = article.date.toordinal() if article.date else 0
    return (article.date is None, -ordinal, article.title.casefold(), article.id)


class Facet:
    """Counts of one field's values, merged case-insensitively (first spelling kept)."""

    def __init__(self) -> None:
        self._spelling: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        self.docs: dict[str, list[int]] = {}

    def add(self, value: str, doc: int) -> None:
        """Count ``value`` for article ``doc``."""
        if not value:
            return
        key = value.casefold()
        self._spelling.setdefault(key, value)
        self._counts[key] += 1
        self.docs.setdefault(key, []).append(doc)

    def most_common(self) -> list[tuple[str, int]]:
        """Values with their counts, most used first, ties alphabetical."""
        ranked = sorted(self._counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(self._spelling[k], n) for k, n in ranked]

    def spelling(self, key: str) -> str:
        """The first spelling seen of the casefolded ``key``."""
        return self._spelling.get(key, key)

    def __len__(self) -> int:
        return len(self._counts)


class Store:
    """All loaded articles, addressable by id, doc number, or newest-first position."""

    def __init__(self, docs: Iterable[Article | None], result: LoadResult | None = None) -> None:
        self.docs: list[Article | None] = list(docs)
        self.result = result or LoadResult(docs=self.docs)
        valid = [d for d, a in enumerate(self.docs) if a is not None]
        self.holes = frozenset(d for d, a in enumerate(self.docs) if a is None)
        self.order: list[int] = sorted(valid, key=lambda d: _newest_first(self.docs[d]))
        self.rank = array("I", [len(self.docs)]) * len(self.docs)
        for r, d in enumerate(self.order):
            self.rank[d] = r
        self.articles: list[Article] = [self.docs[d] for d in self.order]  # type: ignore[misc]
        self.doc_of: dict[str, int] = {self.docs[d].id: d for d in valid}  # type: ignore[union-attr]
        self.tags, self.sources, self.sections = Facet(), Facet(), Facet()
        self.dates: dict[dt.date, list[int]] = {}
        for d, article in zip(self.order, self.articles, strict=True):
            for tag in article.tags:
                self.tags.add(tag, d)
            self.sources.add(article.source, d)
            self.sections.add(article.section, d)
            if article.date:
                self.dates.setdefault(article.date, []).append(d)
        self._indexes: dict[str, WordIndex] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_result(cls, result: LoadResult) -> Store:
        """Build a store from a :class:`LoadResult`, keeping its report and body index."""
        return cls(result.docs, result)

    def __len__(self) -> int:
        return len(self.order)

    def get(self, article_id: str) -> Article | None:
        """The article with ``article_id``, or None."""
        d = self.doc_of.get(article_id)
        return None if d is None else self.docs[d]

    def find(self, key: str) -> Article | None:
        """An article by exact id, else by a unique id prefix."""
        if (article := self.get(key)) is not None:
            return article
        matches = [a for a in self.articles if a.id.startswith(key)]
        return matches[0] if len(matches) == 1 else None

    def full(self, article: Article) -> Parsed:
        """The article with its body, re-read from disk (raises ``Unusable`` if it is gone)."""
        return read_full(article)

    def indexes(self) -> dict[str, WordIndex]:
        """Word indexes per field group (title, tags, meta, body), built on first use."""
        with self._lock:
            if self._indexes is None:
                title, tags, meta = WordIndex(), WordIndex(), WordIndex()
                for d, a in zip(self.order, self.articles, strict=True):
                    title.add(d, index_words(a.title))
                    tags.add(d, index_words(" ".join(a.tags)))
                    meta.add(d, index_words(f"{a.source} {a.section} {a.dateline} {a.caption}"))
                for index in (title, tags, meta):
                    index.compact()
                self._indexes = {"title": title, "tags": tags, "meta": meta,
                                 "body": self.result.body_index}
            return self._indexes

    def attach_body_index(self, index: WordIndex) -> None:
        """Use ``index`` (from :func:`newstui.model.load.index_bodies`) for body words."""
        with self._lock:
            self.result.body_index = index
            if self._indexes is not None:
                self._indexes["body"] = index
