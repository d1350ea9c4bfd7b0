"""What a batch of changed paths (from following the folders) means for a loaded store:
which files to read again, which articles are gone.

Paths come as the watcher reports them (absolute, maybe through another spelling of the
opened folder) and are turned back into the paths the loader gave the articles, so that a
changed file replaces its own article.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from newstui.model.corpus.article import Article
from newstui.model.corpus.files import EXTENSIONS, Unusable, iter_files, read_bytes, searchable_text
from newstui.model.index.words import index_words


def is_article_file(path: str) -> bool:
    """True for a path the loader would read as an article (by its name)."""
    name = os.path.basename(path)
    return not name.startswith(".") and os.path.splitext(name)[1].lower() in EXTENSIONS


@dataclass
class Changes:
    """A batch of changes sorted out: the files to read (again), and the articles (by
    number) whose file or folder is gone."""

    files: list[str] = field(default_factory=list)
    gone: set[int] = field(default_factory=set)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    unsettled: set[str] = field(default_factory=set)  # still being written: for later


class Roots:
    """The opened folders, each under the spellings a watcher may report it by."""

    def __init__(self, paths: Iterable[str]) -> None:
        spellings: list[tuple[str, str]] = []
        for raw in paths:
            opened = os.path.normpath(os.path.expanduser(raw))
            if not os.path.isdir(opened):
                continue
            for other in {opened, os.path.abspath(opened), os.path.realpath(opened)}:
                spellings.append((other, opened))
        self.spellings = sorted(spellings, key=lambda pair: len(pair[0]), reverse=True)

    def as_opened(self, path: str) -> str | None:
        """``path`` as the loader spells it, or None when it is not under an opened folder
        or lies in a hidden folder (which the loader does not enter)."""
        path = os.path.normpath(path)
        for spelling, opened in self.spellings:
            if path == spelling:
                return opened
            if path.startswith(spelling + os.sep):
                rest = path[len(spelling) + 1:]
                if any(part.startswith(".") for part in rest.split(os.sep)[:-1]):
                    return None
                return os.path.join(opened, rest)
        return None


SETTLE = 0.3  # a file modified less than this long ago may still be being written


def sort_out(changed: Iterable[str], roots: Roots, articles: Sequence[Article],
             settle: float = SETTLE,
             number_at: Callable[[str], int | None] | None = None) -> Changes:
    """Sort a batch of changed paths against the loaded ``articles``: files present are to
    be read (every article file in a folder that appeared), and the articles of files and
    folders no longer there are gone. A file modified in the last ``settle`` seconds is
    left for a later batch (``unsettled``): a writer may not be done with it. ``number_at``
    gives the number of the article of a path, if the caller has a map of them."""
    out = Changes()
    folders_gone: list[str] = []
    files_gone: set[str] = set()
    seen: set[str] = set()
    for raw in changed:
        path = roots.as_opened(raw)
        if path is None or path in seen:
            continue
        seen.add(path)
        if os.path.isdir(path):
            if not os.path.islink(path):  # the loader does not follow linked folders
                out.files.extend(iter_files([path], out.skipped))
        elif os.path.isfile(path):
            if is_article_file(path):
                out.files.append(path)
        elif is_article_file(path):
            files_gone.add(path)
        else:  # a folder (or something that was never an article): whatever it held
            folders_gone.append(path + os.sep)
    out.gone = _gone(files_gone, folders_gone, articles, number_at)
    out.files = list(dict.fromkeys(out.files))
    if settle > 0 and (recent := _recent(out.files, settle)):
        out.unsettled = recent
        out.files = [p for p in out.files if p not in recent]
    return out


def _gone(files: set[str], folders: list[str], articles: Sequence[Article],
          number_at: Callable[[str], int | None] | None) -> set[int]:
    """The numbers of the articles of ``files`` and of those under ``folders``."""
    if not folders and number_at is not None:
        # Files alone: looked up, not searched for among every article.
        return {d for p in files if (d := number_at(p)) is not None}
    gone: set[int] = set()
    if files or folders:
        prefixes = tuple(folders)
        for d, article in enumerate(articles):
            if article.path in files or (prefixes and article.path.startswith(prefixes)):
                gone.add(d)
    return gone


def _recent(files: list[str], seconds: float) -> set[str]:
    """Those of ``files`` modified in the last ``seconds``."""
    since = time.time() - seconds
    recent = set()
    for path in files:
        try:
            if os.stat(path).st_mtime > since:
                recent.add(path)
        except OSError:
            continue  # gone meanwhile: the next batch says so
    return recent


def read_body_words(paths: Sequence[str]) -> list[set[str]]:
    """The body words of each file (none for one that cannot be read now: its headers stay
    searchable), as the body pass indexes them."""
    words: list[set[str]] = []
    for path in paths:
        try:
            words.append(index_words(searchable_text(read_bytes(path))))
        except Unusable:
            words.append(set())
    return words
