"""Typed messages from workers to the reader screen.

Workers never call into the UI and never wait for it: they post one of these and go on.
The screen drops a message that is stale by the time it arrives (an older query, another
article, a store replaced since).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from newstui.model.corpus import Article, Parsed
from newstui.model.feeds.refresh import Report
from newstui.model.index import Store
from newstui.model.library import Progress, Snapshot
from newstui.model.search import Result
from newstui.tui.suggest import FieldSuggester


@dataclass(eq=False)
class LoadProgress(Message):
    """How far a load pass has got; a newer report replaces one still in the queue."""

    progress: Progress

    def can_replace(self, message: Message) -> bool:
        """Only the latest report matters."""
        return isinstance(message, LoadProgress)


@dataclass(eq=False)
class StoreReady(Message):
    """A new snapshot of the corpus: a partial list, every header, details or bodies."""

    snapshot: Snapshot


@dataclass(eq=False)
class SuggesterReady(Message):
    """Completion for ``tag:``/``source:``/``section:``, built for the store in ``snapshot``
    (built in the load worker: ranking 20k tags takes ~0.2 s)."""

    snapshot: Snapshot
    suggester: FieldSuggester


@dataclass(eq=False)
class LoadProblem(Message):
    """Something the user should hear of once (a cache that cannot be written, folders
    that can only be polled); ``title`` says what it is about."""

    text: str
    title: str = "cache"


@dataclass(eq=False)
class SearchDone(Message):
    """The result of query number ``seq`` against the store in ``snapshot``."""

    seq: int
    snapshot: Snapshot
    result: Result


@dataclass(eq=False)
class TagsCounted(Message):
    """Every tag with its article count and unread count, most used first."""

    counts: list[tuple[str, int, int]]


@dataclass(eq=False)
class UnreadCounted(Message):
    """``unread`` of the articles of ``store`` are unread, as the reading state was when
    its ``version`` (see ReaderScreen) was current."""

    store: Store
    version: int
    unread: int


@dataclass(eq=False)
class ArticleRead(Message):
    """``article`` read in full (``parsed`` None and ``note`` set when it could not be)."""

    article: Article
    parsed: Parsed | None
    note: str


@dataclass(eq=False)
class RelatedFound(Message):
    """The related stories of the article ``article_id``, best first."""

    article_id: str
    related: tuple[Article, ...]


@dataclass(eq=False)
class BrowserDone(Message):
    """The browser was asked to open ``url``; ``opened`` False when none took it."""

    url: str
    opened: bool


@dataclass(eq=False)
class FetchProgress(Message):
    """``done`` of ``total`` feeds fetched; a newer report replaces one still queued."""

    done: int
    total: int

    def can_replace(self, message: Message) -> bool:
        """Only the latest report matters."""
        return isinstance(message, FetchProgress)


@dataclass(eq=False)
class FetchDone(Message):
    """A refresh of the feeds ended (``background``: one the timer started)."""

    report: Report
    background: bool


class ChangesApplied(Message):
    """A batch of changed files is in the library (or could not be applied)."""


@dataclass(eq=False)
class FoldersChanged(Message):
    """Article files under the opened folders were added, changed or removed."""

    paths: set[str]

    def can_replace(self, message: Message) -> bool:
        """A newer batch takes the older one in: one application for both."""
        if isinstance(message, FoldersChanged):
            self.paths |= message.paths
            return True
        return False
