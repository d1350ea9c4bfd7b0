"""The headline list: a virtual list that renders only the rows on screen (Line API).

Rows are doc numbers of a store, in display order. Moving the cursor refreshes just the two
rows that changed, and a new result set costs one assignment and one repaint, never a rebuild
of widgets, so 100k rows behave like 100.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from functools import partial
from typing import NamedTuple

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newstui.model.corpus.article import Article
from newstui.model.index.store import Store
from newstui.tui.bindings import bindings
from newstui.tui.cells import fit
from newstui.tui.widgets.virtual import component_style, set_virtual_size

Marker = Callable[[str], list[tuple[int, int]]]


class _RowStyles(NamedTuple):
    base: Style
    flag: Style
    date: Style
    source: Style
    tags: Style
    tags_match: Style
    title: Style
    title_match: Style


class HeadlineList(ScrollView, can_focus=True):
    """Date, source, title and tags of each article in ``rows`` (doc numbers of a store)."""

    BINDINGS = bindings("list")
    COMPONENT_CLASSES = {
        "headline-list--cursor",
        "headline-list--date",
        "headline-list--source",
        "headline-list--tags",
        "headline-list--match",
        "headline-list--unread",
        "headline-list--flag",
    }
    DEFAULT_CSS = """
    HeadlineList { background: $background; overflow-x: hidden; scrollbar-gutter: stable;
                   scrollbar-size-vertical: 1; }
    HeadlineList > .headline-list--cursor { text-style: bold underline; }
    HeadlineList:focus > .headline-list--cursor { background: $primary; color: $text; }
    HeadlineList > .headline-list--date { color: $text-muted; }
    HeadlineList > .headline-list--source { color: $secondary; }
    HeadlineList > .headline-list--tags { color: $accent; }
    HeadlineList > .headline-list--match { text-style: bold underline; color: $warning; }
    HeadlineList > .headline-list--unread { text-style: bold; }
    HeadlineList > .headline-list--flag { color: $warning; }
    """

    class Highlighted(Message):
        """The cursor moved to another article (``article`` is None when the list is empty)."""

        def __init__(self, article: Article | None) -> None:
            self.article = article
            super().__init__()

    class Opened(Message):
        """The user asked to read the article under the cursor."""

        def __init__(self, article: Article) -> None:
            self.article = article
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:  # id: Textual's own name
        # Before Widget.__init__, which may already report a style update.
        self._cache: LRUCache[tuple[int, int, bool], Strip] = LRUCache(1024)
        self._style_cache: dict[tuple[bool, bool, bool], _RowStyles] = {}
        self._widths_for: tuple[object, dict[str, int]] = (None, {})  # (key, widths)
        super().__init__(id=id)
        self.store: Store | None = None
        self.rows: Sequence[int] = ()
        self.marker: Marker | None = None
        self.columns: list[str] = ["date", "source", "title", "tags"]
        self.date_format = "%Y-%m-%d"
        self.is_read: Callable[[Article], bool] = lambda article: True
        self.is_starred: Callable[[Article], bool] = lambda article: False
        self.empty_message = "Loading…"
        self.cursor = 0

    # -- data in -----------------------------------------------------------------------------
    def set_rows(self, store: Store, rows: Sequence[int], marker: Marker | None = None,
                 keep: str | None = None, empty_message: str = "") -> None:
        """Show docs ``rows`` of ``store``; keep the cursor on article ``keep`` if still shown.

        ``marker`` returns the character spans of a title or tag string to highlight.
        """
        old_cursor, old_top = self.cursor, int(self.scroll_y)
        self.store, self.rows, self.marker = store, rows, marker
        self.empty_message = empty_message
        self._cache.clear()
        cursor = 0
        if keep is not None:
            doc = store.doc_of.get(keep)
            found = _find(rows, doc) if doc is not None else -1
            # An article gone (its file deleted) leaves the cursor on the row it was on.
            cursor = found if found >= 0 else max(0, min(old_cursor, len(rows) - 1))
        set_virtual_size(self, Size(self.size.width, len(rows)))
        if keep is not None and old_cursor >= 0:
            # The kept article stays on the same screen row: newer articles arriving above
            # it push the rows above up, not it down.
            self.scroll_to(y=max(0, cursor - (old_cursor - old_top)), animate=False,
                           immediate=True)
        self.cursor = -1
        self.move_to(cursor, force=True)
        self.refresh()

    @property
    def current(self) -> Article | None:
        """The article under the cursor."""
        if self.store is None or not self.rows or not 0 <= self.cursor < len(self.rows):
            return None
        return self.store.articles[self.rows[self.cursor]]

    # -- movement ------------------------------------------------------------------------------
    def move_to(self, index: int, force: bool = False) -> None:
        """Put the cursor on row ``index`` (clamped), scroll it into view, tell the app."""
        index = max(0, min(index, len(self.rows) - 1)) if self.rows else 0
        if index == self.cursor and not force:
            return
        old, self.cursor = self.cursor, index
        self._refresh_row(old)
        self._refresh_row(index)
        height = max(1, self.scrollable_content_region.height)
        top = int(self.scroll_y)
        if index < top:
            self.scroll_to(y=index, animate=False, immediate=True)
        elif index >= top + height:
            self.scroll_to(y=index - height + 1, animate=False, immediate=True)
        self.post_message(self.Highlighted(self.current))

    def _refresh_row(self, index: int) -> None:
        # Cached strips are keyed by selection too, so a refresh is enough: no invalidation.
        if index >= 0:
            self.refresh_lines(index, 1)

    def action_cursor(self, delta: int) -> None:
        """Move the cursor ``delta`` rows."""
        self.move_to(self.cursor + delta)

    def action_page(self, direction: int) -> None:
        """Move the cursor a page up or down."""
        page = max(1, self.scrollable_content_region.height - 1)
        self.move_to(self.cursor + direction * page)

    def action_jump(self, where: int) -> None:
        """Go to the first row (0) or the last (-1)."""
        self.move_to(len(self.rows) - 1 if where < 0 else 0)

    def action_open(self) -> None:
        """Open the article under the cursor."""
        if (article := self.current) is not None:
            self.post_message(self.Opened(article))

    def on_click(self, event: events.Click) -> None:
        """Select the clicked row; a double click opens it."""
        row = int(self.scroll_y) + event.y
        if 0 <= row < len(self.rows):
            self.move_to(row)
            if event.chain >= 2:
                self.action_open()

    def on_resize(self, event: events.Resize) -> None:
        """Columns depend on the width: drop cached rows, keep the cursor visible."""
        self._cache.clear()
        set_virtual_size(self, Size(event.size.width, len(self.rows)))
        self.call_after_refresh(self.move_to, self.cursor, True)

    # -- rendering -----------------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        """Render screen line ``y``: the row at the current scroll offset plus ``y``."""
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if self.store is None or not 0 <= index < len(self.rows):
            if index == 0 and self.empty_message:
                style = self.get_component_rich_style("headline-list--date")
                line = Strip([Segment("  " + self.empty_message, style)])
                return line.adjust_cell_length(width, self.rich_style)
            return Strip.blank(width, self._styles(False, False).base)
        selected = index == self.cursor
        key = (index, width, selected)
        strip = self._cache.get(key)
        if strip is None:
            # No Strip.apply_offsets: clicks are mapped from the scroll position (on_click),
            # and the offsets cost as much as rendering the row.
            strip = self._render_row(index, width, selected)
            self._cache[key] = strip
        return strip

    def _widths(self, width: int) -> dict[str, int]:
        """Cell widths of the shown columns for a row ``width`` cells wide.

        Title takes what is left; source and tags give way first on narrow screens.
        """
        key = (width, tuple(self.columns), self.date_format)
        if self._widths_for[0] != key:
            self._widths_for = (key, self._column_widths(width))
        return self._widths_for[1]

    def _column_widths(self, width: int) -> dict[str, int]:
        shown = self.columns
        widths = {"date": self._date_width if "date" in shown else 0,
                  "source": min(18, max(8, width // 8)) if "source" in shown and width >= 60 else 0,
                  "tags": min(40, width // 4) if "tags" in shown and width >= 100 else 0}
        shown_columns = [c for c in shown if c == "title" or widths.get(c)]
        # The gutter (cursor mark, unread mark, star), one space before the first column,
        # two between.
        separators = 1 + 2 * (len(shown_columns) - 1)
        used = 3 + separators + sum(widths.values())
        widths["title"] = max(10, width - used)
        return widths

    def _styles(self, selected: bool, unread: bool) -> _RowStyles:
        """The styles of one kind of row, resolved once (until the CSS or focus changes)."""
        key = (selected, unread, self.has_focus)
        styles = self._style_cache.get(key)
        if styles is None:
            part = partial(component_style, self)
            base = self.rich_style
            if selected:
                base = base + self.get_component_rich_style("headline-list--cursor")
            title = base + (part("headline-list--unread") if unread else Style())
            match = part("headline-list--match")
            if selected:
                # On the cursor row every column takes the cursor's colours: a muted date or
                # a coloured source on the cursor's background is hard to read.
                flag = base + part("headline-list--flag")
                styles = self._style_cache[key] = _RowStyles(
                    base, flag, base, base, base, base + match, title, title + match)
                return styles
            tags = base + part("headline-list--tags")
            styles = self._style_cache[key] = _RowStyles(
                base, base + part("headline-list--flag"), base + part("headline-list--date"),
                base + part("headline-list--source"), tags, tags + match, title, title + match)
        return styles

    def notify_style_update(self) -> None:
        """The CSS changed (theme, focus): resolve row styles again and re-render rows."""
        super().notify_style_update()
        self._style_cache.clear()
        self._cache.clear()

    def _render_row(self, index: int, width: int, selected: bool) -> Strip:
        assert self.store is not None
        article = self.store.articles[self.rows[index]]
        unread = not self.is_read(article)
        styles = self._styles(selected, unread)
        mark = self.marker or _no_marks
        widths = self._widths(width)
        # Unread and starred side by side: a star never hides whether it is read.
        flags = ("●" if unread else " ") + ("★" if self.is_starred(article) else " ")
        segments = [Segment("▌" if selected else " ", styles.base), Segment(flags, styles.flag)]
        first = True
        used = 3
        for column in self.columns:
            size = widths.get(column, 0)
            if not size:
                continue
            segments.append(Segment(" " if first else "  ", styles.base))
            used += size + (1 if first else 2)
            first = False
            if column == "title":
                title = fit(article.title, size)
                segments += _highlighted(title, mark(title), styles.title, styles.title_match)
            elif column == "tags":
                tags = fit(" ".join(f"#{t}" for t in article.tags), size)
                segments += _highlighted(tags, mark(tags), styles.tags, styles.tags_match)
            elif column == "date":
                segments.append(Segment(fit(self._date(article), size), styles.date))
            else:
                segments.append(Segment(fit(article.source, size), styles.source))
        if used == width:  # every column is fitted to its cells: no second measuring
            return Strip(segments, width)
        return Strip(segments).adjust_cell_length(width, styles.base)

    def _date(self, article: Article) -> str:
        if article.date is None:
            return ""
        try:
            return article.date.strftime(self.date_format)
        except ValueError:
            return article.iso_date or ""

    @property
    def _date_width(self) -> int:
        return len(dt.date(2023, 12, 31).strftime(self.date_format)) if self.date_format else 10

    def refresh_article(self, article: Article) -> None:
        """Repaint ``article``'s row if it is on screen (the cursor's row included)."""
        if self.store is None or (doc := self.store.doc_of.get(article.id)) is None:
            return
        top = int(self.scroll_y)
        on_screen = range(top, min(len(self.rows), top + self.size.height))
        if 0 <= self.cursor < len(self.rows) and self.rows[self.cursor] == doc:
            index = self.cursor
        else:
            index = next((i for i in on_screen if self.rows[i] == doc), -1)
        if index >= 0:
            width = self.scrollable_content_region.width
            self._cache.discard((index, width, True))
            self._cache.discard((index, width, False))
            self.refresh_lines(index, 1)

    def clear_cache(self) -> None:
        """Forget rendered rows (reading state or settings changed) and repaint."""
        self._cache.clear()
        self.refresh()


def _no_marks(text: str) -> list[tuple[int, int]]:
    return []


def _find(rows: Sequence[int], doc: int) -> int:
    """Index of ``doc`` in ``rows``, or -1."""
    try:
        return rows.index(doc)
    except ValueError:
        return -1


def _highlighted(text: str, spans: list[tuple[int, int]], style: Style,
                 match: Style) -> list[Segment]:
    """Segments of ``text`` with character ``spans`` in the ``match`` style."""
    if not spans:
        return [Segment(text, style)]
    out: list[Segment] = []
    cursor = 0
    for start, end in sorted(spans):
        start, end = max(start, cursor), min(end, len(text))
        if start >= end:
            continue
        out += [Segment(text[cursor:start], style), Segment(text[start:end], match)]
        cursor = end
    out.append(Segment(text[cursor:], style))
    return [s for s in out if s.text]
