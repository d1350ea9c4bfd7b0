"""The app's reading-state actions: read marks, stars, saved searches, tag and search pickers.

A mixin for :class:`newstui.tui.app.NewsApp`, kept apart so each module stays small.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from newstui.model.article import Article
from newstui.tui.screens.pickers import Picker, Prompt

if TYPE_CHECKING:
    from newstui.tui.app import NewsApp

    _Base = NewsApp
else:
    _Base = object


class ReadingActions(_Base):
    """Actions bound in :mod:`newstui.keys` under ``app.*`` that change reading state."""

    def is_read(self, article: Article) -> bool:
        """Has the user read ``article``?"""
        return article.digest in self.state.read

    def is_starred(self, article: Article) -> bool:
        """Has the user starred ``article``?"""
        return article.digest in self.state.starred

    def mark_read(self, article: Article | None) -> None:
        """Mark ``article`` read (when the setting allows) and repaint its row only."""
        if article is None or self.config.mark_read == "never" or self.is_read(article):
            return
        self.state.set_read([article.digest])
        if self._unread is not None:
            self._unread -= 1
        self.headlines.refresh_article(article)
        self._report_state()
        self._update_count()

    def _state_changed(self, article: Article | None = None) -> None:
        """Repaint what a state change touched: one row, or (``None``) the whole list."""
        self._unread = None
        if article is None:
            self.headlines.clear_cache()
        else:
            self.headlines.refresh_article(article)
        self._report_state()
        self._update_count()

    def _report_state(self) -> None:
        while self.state.problems:
            self.notify(self.state.problems.pop(0), severity="warning", timeout=8)

    def unread_count(self) -> int:
        """Unread articles in the store; counted again only after a state or store change."""
        if self.store is None:
            return 0
        if self._unread is None:
            read = self.state.keys("read")
            self._unread = len(self.store) - sum(1 for a in self.store.articles
                                                 if a.digest in read)
        return self._unread

    def action_toggle_read(self) -> None:
        """Flip the read mark of the selected article."""
        if (article := self.headlines.current) is not None:
            now = self.state.toggle_read(article.digest)
            self.notify("Marked read" if now else "Marked unread", timeout=1.5)
            self._state_changed(article)

    def action_toggle_star(self) -> None:
        """Star or unstar the selected article."""
        if (article := self.headlines.current) is not None:
            now = self.state.toggle_star(article.digest)
            self.notify("Starred" if now else "Star removed", timeout=1.5)
            self._state_changed(article)

    def action_mark_all_read(self) -> None:
        """Mark every article in the list as read."""
        if self.store is None or not self.headlines.rows:
            return
        docs = self.store.docs
        self.state.set_read(docs[d].digest for d in self.headlines.rows)  # type: ignore[union-attr]
        self.notify(f"Marked {len(self.headlines.rows):,} articles read", timeout=2)
        self._state_changed()

    def action_next_unread(self) -> None:
        """Move to the next unread article in the list (wrapping around)."""
        if self.store is None or not self.headlines.rows:
            return
        rows, docs, read = self.headlines.rows, self.store.docs, self.state.read
        start = self.headlines.cursor
        for step in range(1, len(rows) + 1):
            index = (start + step) % len(rows)
            if docs[rows[index]].digest not in read:  # type: ignore[union-attr]
                self.headlines.move_to(index)
                return
        self.notify("No unread articles here", timeout=2)

    def action_save_search(self) -> None:
        """Save the current query under a name."""
        query = self.query_text.strip()
        if not query:
            self.notify("Type a query first, then save it", timeout=3)
            return

        def save(name: str | None) -> None:
            if name:
                self.state.save_search(name, query)
                self._report_state()
                self.notify(f"Saved search “{name}”", timeout=2)

        self.push_screen(Prompt(f"Save “{query}” as:"), save)

    def delete_saved(self, name: str) -> None:
        """Forget the saved search ``name``."""
        self.state.delete_search(name)
        self._report_state()
        self.notify(f"Deleted saved search “{name}”", timeout=2)

    def action_pick_saved(self) -> None:
        """Choose a saved search to apply."""
        items = [(f"{name}  —  {query}", query) for name, query in self.state.saved.items()]
        self.push_screen(Picker("Saved searches (Enter applies, Esc closes)", items,
                                empty="No saved searches yet: Ctrl+S saves the current query"),
                         self.apply_query)

    def action_pick_tag(self) -> None:
        """Choose a tag (with counts, most used first) to filter by."""
        if self.store is None:
            return
        items = [(f"{tag}  ({count})", tag) for tag, count in self.store.tags.most_common()]
        self.push_screen(Picker("Tags (Enter filters by the tag, Esc closes)", items,
                                empty="No tags in this corpus"),
                         lambda tag: self.filter_by_tag(tag) if tag else None)

    def apply_query(self, query: str | None) -> None:
        """Put ``query`` in the filter bar (it runs at once) and go to the list."""
        if query is not None:
            self.filter_bar.input.value = query
            self.focus_now(self.headlines)

    def filter_by_tag(self, tag: str) -> None:
        """Replace the query with ``tag:"…"``."""
        self.apply_query(f'tag:"{tag}"')
