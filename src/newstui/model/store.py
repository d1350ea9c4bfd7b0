"""The in-memory store: articles newest first, with indexes for tags, sources, sections, dates."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from newstui.model.article import Article, Parsed
from newstui.model.load import LoadResult, read_full


def _newest_first(article: Article) -> tuple[int, int, str, str]:
    # Undated articles go last; among equals, title then id keep the order deterministic.
    ordinal = article.date.toordinal() if article.date else 0
    return (article.date is None, -ordinal, article.title.casefold(), article.id)


class Facet:
    """Counts of one field's values, merged case-insensitively (first spelling kept)."""

    def __init__(self) -> None:
        self._spelling: dict[str, str] = {}
        self._counts: Counter[str] = Counter()
        self.positions: dict[str, list[int]] = {}

    def add(self, value: str, position: int) -> None:
        """Count ``value`` for the article at ``position`` in the store."""
        if not value:
            return
        key = value.casefold()
        self._spelling.setdefault(key, value)
        self._counts[key] += 1
        self.positions.setdefault(key, []).append(position)

    def most_common(self) -> list[tuple[str, int]]:
        """Values with their counts, most used first, ties alphabetical."""
        ranked = sorted(self._counts.items(), key=lambda kv: (-kv[1], kv[0]))
        return [(self._spelling[k], n) for k, n in ranked]

    def __len__(self) -> int:
        return len(self._counts)


class Store:
    """All loaded articles, newest first, addressable by id and by position."""

    def __init__(self, articles: Iterable[Article], result: LoadResult | None = None) -> None:
        self.articles: list[Article] = sorted(articles, key=_newest_first)
        self.result = result or LoadResult()
        self.by_id: dict[str, Article] = {a.id: a for a in self.articles}
        self.position: dict[str, int] = {a.id: i for i, a in enumerate(self.articles)}
        self.tags, self.sources, self.sections = Facet(), Facet(), Facet()
        self.dates: dict[dt.date, list[int]] = {}
        for i, article in enumerate(self.articles):
            for tag in article.tags:
                self.tags.add(tag, i)
            self.sources.add(article.source, i)
            self.sections.add(article.section, i)
            if article.date:
                self.dates.setdefault(article.date, []).append(i)

    @classmethod
    def from_result(cls, result: LoadResult) -> Store:
        """Build a store from a :class:`LoadResult`, keeping its report."""
        return cls(result.articles, result)

    def __len__(self) -> int:
        return len(self.articles)

    def __getitem__(self, position: int) -> Article:
        return self.articles[position]

    def get(self, article_id: str) -> Article | None:
        """The article with ``article_id``, or None."""
        return self.by_id.get(article_id)

    def find(self, key: str) -> Article | None:
        """An article by exact id, else by a unique id prefix."""
        if key in self.by_id:
            return self.by_id[key]
        matches = [a for a in self.articles if a.id.startswith(key)]
        return matches[0] if len(matches) == 1 else None

    def full(self, article: Article) -> Parsed:
        """The article with its body, re-read from disk (raises ``Unusable`` if it is gone)."""
        return read_full(article)

    def select(self, positions: Sequence[int]) -> list[Article]:
        """The articles at ``positions``."""
        return [self.articles[i] for i in positions]
