"""Folding what loading read into one :class:`LoadResult`: unique ids, one copy of each file."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

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
        self.roots = sorted((os.path.normpath(os.path.expanduser(r)) for r in roots or ()),
                            key=len, reverse=True)

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
        if not article.section and article.layout != "seed" and self.roots:
            section = folder_section(article.path, self.roots)
            if section:
                article = article._replace(section=section)
        if article.id in self.ids:
            article = article._replace(id=unique_id(article.id, self.ids))
        else:
            self.ids.add(article.id)
        result.articles.append(article)


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
