"""Folding what loading read into one :class:`LoadResult`: unique ids, one copy of each file."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter

from newstui.model.cache.headers import HeaderCache
from newstui.model.corpus.article import Article
from newstui.model.corpus.files import Stat
from newstui.model.corpus.sanitize import clean_line

Loaded = tuple[Article, tuple[str, ...], Stat]  # an article, its warnings, its file's stat


@dataclass
class LoadResult:
    """What a load produced (articles in load order), and everything that went wrong."""

    articles: list[Article] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)


class Merger:
    """Folds chunks into a :class:`LoadResult` in order: unique ids, one copy of each file."""

    def __init__(self, result: LoadResult, cache: HeaderCache | None,
                 roots: list[str] | None = None) -> None:
        self.result = result
        self.cache = cache
        self.ids: set[str] = set()
        self.digests: dict[str, str] = {}
        # The opened folders, longest first: a file's section may come from the folders
        # between one of them and the file.
        self.roots = _longest_first(roots or ())

    def add(self, files: list[str], loaded: list[Loaded], skipped: list[tuple[str, str]],
            hits: dict[str, Loaded]) -> None:
        """Merge the next chunk of ``files`` (chunks must come in order): what a worker
        read of them (``loaded``, ``skipped``) and what the cache had (``hits``), in file
        order."""
        self.result.skipped.extend(skipped)
        if not hits:
            for one in loaded:
                self._add(*one)
            return
        read = {one[0].path: one for one in loaded}
        for path in files:
            if (hit := hits.get(path)) is not None:
                self._add(*hit, cached=True)
            elif (found := read.get(path)) is not None:
                self._add(*found)

    def _add(self, article: Article, warnings: tuple[str, ...], stat: Stat,
             cached: bool = False) -> None:
        result = self.result
        if self.cache is not None and not cached:  # a cache hit is kept by the cache
            self.cache.put(article, warnings, stat)
        first = self.digests.get(article.digest)
        if first is not None:
            result.warnings.append((article.path, f"same content as {first}: loaded once"))
            return
        self.digests[article.digest] = article.path
        if warnings:
            result.warnings.extend((article.path, w) for w in warnings)
        article = _with_section(article, self.roots)
        if article.id in self.ids:
            article = article._replace(id=unique_id(article.id, self.ids))
        else:
            self.ids.add(article.id)
        result.articles.append(article)


def merge_unique(loaded: list[Loaded], roots: list[str]) -> LoadResult | None:
    """What a :class:`Merger` (with no cache) makes of ``loaded`` when no two of them
    hold the same content or id, so that their order decides nothing: in a few passes over
    them all, not one article at a time (half the time: 0.05 s against 0.11 s for 100k
    cached articles). None when some do."""
    articles = list(map(itemgetter(0), loaded))
    n = len(articles)
    if len(set(map(attrgetter("digest"), articles))) != n or len(
            set(map(attrgetter("id"), articles))) != n:
        return None
    result = LoadResult(articles)
    result.warnings = [(a.path, w) for a, warnings, _ in loaded if warnings for w in warnings]
    if roots:
        ordered = _longest_first(roots)
        for i, article in enumerate(articles):
            if not article.section and article.layout != "seed":
                articles[i] = _with_section(article, ordered)
    return result


def _longest_first(roots: Iterable[str]) -> list[str]:
    """The opened folders, longest first (see :func:`folder_section`)."""
    return sorted((os.path.normpath(os.path.expanduser(r)) for r in roots), key=len,
                  reverse=True)


def _with_section(article: Article, roots: list[str]) -> Article:
    """``article`` with the section its folders give it, if it has none of its own."""
    if not article.section and article.layout != "seed" and roots:
        section = folder_section(article.path, roots)
        if section:
            return article._replace(section=section)
    return article


def folder_section(path: str, roots: list[str]) -> str:
    """The section a file's folders give it below the opened ``roots``:
    ``news/sport/001.txt`` opened as ``news`` is in "sport", ``news/world/asia/2.txt`` in
    "world › asia"; "" for a file directly in a root."""
    folder = os.path.dirname(path)
    for root in roots:
        if folder.startswith(root + os.sep):
            parts = folder[len(root) + 1:].split(os.sep)
            return " › ".join(clean_line(part) for part in parts if part)
    return ""


def stem_id(path: str) -> str:
    """An article's id before it is made unique: its file name without the extension,
    made printable and free of spaces."""
    name = os.path.basename(path)
    dot = name.rfind(".")
    stem = name[:dot] if 0 < dot < len(name) - 1 else name  # as pathlib's Path.stem
    if stem.isascii() and stem.isprintable() and " " not in stem:
        return stem or "article"  # clean already: the common case, ~10x cheaper
    return clean_line(stem).replace(" ", "-") or "article"


def unique_id(stem: str, ids: set[str]) -> str:
    """``stem``, or ``stem-2``, ``stem-3``… whichever is not taken yet (then taken)."""
    candidate, n = stem, 1
    while candidate in ids:
        n += 1
        candidate = f"{stem}-{n}"
    ids.add(candidate)
    return candidate
