"""Command palette providers: open an article by title, filter by tag, app commands."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from newstui.model.search.names import rank_names

if TYPE_CHECKING:
    from newstui.model.index.store import Store
    from newstui.model.search.engine import Engine
    from newstui.tui.screens.reader import ReaderScreen

LIMIT = 20


class NewsCommands(Provider):
    """Articles (by title), tags, saved searches, and the app's own actions."""

    @property
    def news(self) -> ReaderScreen:
        """The reader screen the palette was opened over (this provider is only its own)."""
        return cast("ReaderScreen", self.screen)

    def _actions(self) -> list[tuple[str, str]]:
        return [
            ("Next layout (side by side / stacked / list alone)", "toggle_layout"),
            ("Full-screen article", "toggle_full"),
            ("Switch sort (relevance / date)", "toggle_sort"),
            ("Clear filter", "clear_filter"),
            ("Open the article's link in the browser", "open_link"),
            ("Copy the article's link", "copy_link"),
            ("Related stories", "related"),
            ("Fetch the feeds", "fetch_feeds"),
            ("Help: keys and query syntax", "app.help"),
            ("Quit", "app.quit"),
        ]

    async def discover(self) -> Hits:
        """The app commands and saved searches, shown before anything is typed."""
        for label, action in self._actions():
            yield DiscoveryHit(Content(label), partial(self.news.run_action, action),
                               text=label)
        for name, saved in self.news.state.saved.items():
            label = f"Saved search: {name} ({saved})"
            yield DiscoveryHit(Content(label), partial(self.news.apply_query, saved), text=label)

    async def search(self, query: str) -> Hits:
        """Commands, then tags, then articles matching ``query``."""
        matcher = self.matcher(query)
        for label, action in self._actions():
            score = matcher.match(label)
            if score > 0:
                yield Hit(score, Content(label), partial(self.news.run_action, action),
                          text=label)
        for name, saved in self.news.state.saved.items():
            for label, command in ((f"Saved search: {name} ({saved})",
                                    partial(self.news.apply_query, saved)),
                                   (f"Delete saved search: {name}",
                                    partial(self.news.delete_saved, name))):
                score = matcher.match(label)
                if score > 0:
                    yield Hit(score, Content(label), command, text=label)
        if not query.strip():
            return
        store, engine = self.news.store, self.news.view.engine
        # In a thread: at a million articles a search takes tens of milliseconds, and the
        # store may be held by the loader for a second (its indexes being attached); the
        # palette's keys must not wait for either.
        tags, docs = await asyncio.to_thread(_model_hits, query, store, engine)
        for rank, tag in enumerate(tags):
            label = f"Filter by tag: {tag}"
            yield Hit(0.9 - rank * 0.01, Content(label),
                      partial(self.news.filter_by_tag, tag), text=label)
        for rank, doc in enumerate(docs):
            article = store.articles[doc]
            label = f"Open: {article.title}"
            yield Hit(0.8 - rank * 0.01, Content(label),
                      partial(self.news.open_article, article.id), text=label)


def _model_hits(query: str, store: Store, engine: Engine) -> tuple[list[str], list[int]]:
    """The tags named like ``query`` (what was typed first: a tag named so, whole words,
    word starts, typos after) and the articles it finds, best first."""
    tags = [tag for tag, _ in store.tags.most_common()]
    named = [tags[i] for i in rank_names(query, tags, LIMIT // 2)]
    return named, list(engine.search(query).doc_ids[:LIMIT])
