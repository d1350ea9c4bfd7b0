"""The article pane: title, meta line, caption, body, highlights box and tag chips.

It is a Line-API view too: the article is wrapped to the pane lazily, one screenful first and
the rest in small chunks between keystrokes, so a 6 MB article opens as fast as a short one.
Text always reaches the screen as plain ``Segment`` text, never as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from newstui.model.corpus import markdown
from newstui.model.corpus.article import Article, Parsed
from newstui.model.search.engine import spans
from newstui.tui.bindings import bindings
from newstui.tui.cells import Piece, shorten, wrap, wrap_runs
from newstui.tui.widgets.virtual import component_style, set_virtual_size

_LINKABLE = re.compile(r"^https?://[^\s\x00-\x1f\x7f-\x9f]+$")
_URL_IN_TEXT = re.compile(r"https?://\S+")
# (text, component-class suffixes joined by "-", link target) pieces of one screen line
Line = list[Piece]
CHUNK_LINES = 400
_UNMARKED = frozenset({"box", "box-heading", "meta", "tag", "note", "rule"})
_LIST_LEAD = re.compile(r"^[\s▍]*(?:[•◦▪]|\d+\.) $")


class ArticleView(ScrollView, can_focus=True):
    """Shows one article; posts :class:`Step` for J/K."""

    BINDINGS = bindings("article")
    COMPONENT_CLASSES = {
        "article-view--title", "article-view--meta", "article-view--caption",
        "article-view--body", "article-view--box", "article-view--box-heading",
        "article-view--tag", "article-view--note", "article-view--match",
        "article-view--link", "article-view--strong", "article-view--em",
        "article-view--code", "article-view--strike", "article-view--heading",
        "article-view--rule",
    }
    DEFAULT_CSS = """
    ArticleView { background: $background; overflow-x: hidden; padding: 0 1;
                  scrollbar-gutter: stable; scrollbar-size-vertical: 1;
                  border-bottom: blank; border-subtitle-align: right;
                  border-subtitle-color: $text-muted; }
    ArticleView > .article-view--title { text-style: bold; color: $text; }
    ArticleView > .article-view--meta { color: $text-muted; }
    ArticleView > .article-view--caption { text-style: italic; color: $text-muted; }
    ArticleView > .article-view--box { color: $secondary; }
    ArticleView > .article-view--box-heading { text-style: bold; color: $secondary; }
    ArticleView > .article-view--tag { background: $primary 30%; color: $text; }
    ArticleView > .article-view--note { color: $text-muted; text-style: italic; }
    ArticleView > .article-view--match { text-style: bold underline; color: $warning; }
    ArticleView > .article-view--link { text-style: underline; color: $text-muted; }
    ArticleView > .article-view--strong { text-style: bold; }
    ArticleView > .article-view--em { text-style: italic; }
    ArticleView > .article-view--code { color: $text-accent; background: $boost; }
    ArticleView > .article-view--strike { text-style: strike; }
    ArticleView > .article-view--heading { text-style: bold; color: $text-primary; }
    ArticleView > .article-view--rule { color: $text-muted; }
    """

    class Step(Message):
        """Show the next (1) or previous (-1) article in the list."""

        def __init__(self, direction: int) -> None:
            self.direction = direction
            super().__init__()

    def __init__(self, *, id: str | None = None) -> None:  # id: Textual's own name
        super().__init__(id=id)
        self.article: Article | None = None
        self.parsed: Parsed | None = None
        self.related: tuple[Article, ...] = ()
        self.note = "No article selected."
        self._lines: list[Line] = []
        self._pending: Iterator[Line] | None = None
        self._width = 0
        self.reading_width = 100  # a line longer than this is hard to read: the text is
        # centred in a wider pane instead
        self._styles: dict[str, Style] = {}
        self._words: frozenset[str] = frozenset()
        self._phrases: tuple[str, ...] = ()

    # -- data in -----------------------------------------------------------------------------
    def show(self, article: Article | None, parsed: Parsed | None, note: str = "") -> None:
        """Show ``article`` with its body ``parsed`` (or just ``note`` when there is none);
        its related stories come later (:meth:`set_related`)."""
        same = self.article is not None and article is not None and article.id == self.article.id
        self.article, self.parsed, self.note = article, parsed, note
        self.related = ()
        self._relayout()
        if not same:
            self.scroll_to(y=0, animate=False, immediate=True)

    def set_related(self, related: tuple[Article, ...]) -> None:
        """Add the related stories at the end of the article shown, without wrapping it
        again: they are its last lines, so a wrap still under way reaches them by itself."""
        if related == self.related:
            return
        had = self.related
        self.related = related
        if self._pending is not None:
            return
        if had:  # replacing shown ones (a rare case): lay the article out again
            self._relayout()
            return
        self._lines.extend(self._related(self._width))
        set_virtual_size(self, Size(self._width, len(self._lines)))
        self.refresh()
        self._show_position()

    def set_marks(self, words: frozenset[str], phrases: tuple[str, ...],
                  repaint: bool = True) -> None:
        """Highlight these matched words and phrases (from the current query).

        Without ``repaint`` they apply from the next article shown: the app passes that
        when another article is about to replace this one, sparing a repaint per keystroke.
        """
        if (words, phrases) != (self._words, self._phrases):
            self._words, self._phrases = words, phrases
            if repaint:
                self.refresh()

    def hit_lines(self) -> list[int]:
        """Indexes of the wrapped lines that contain a highlighted match."""
        if not self._words and not self._phrases:
            return []
        self._drain()
        return [i for i, line in enumerate(self._lines)
                if any(name not in _UNMARKED and self._spans(text) for text, name, _ in line)]

    def _spans(self, text: str) -> list[tuple[int, int]]:
        return spans(text, self._words, self._phrases)

    @property
    def line_count(self) -> int:
        """Lines wrapped so far (all of them once wrapping has finished)."""
        return len(self._lines)

    @property
    def wrapping(self) -> bool:
        """True while part of the article is still waiting to be wrapped."""
        return self._pending is not None

    def text_lines(self) -> list[str]:
        """The wrapped article as plain strings (used by tests and for copying)."""
        self._drain()
        return ["".join(text for text, _, _ in line) for line in self._lines]

    # -- layout --------------------------------------------------------------------------------
    def _text_width(self) -> int:
        """The width text is wrapped to: the pane's, at most ``reading_width``."""
        return max(10, min(self.scrollable_content_region.width or 78, self.reading_width))

    def _relayout(self) -> None:
        self._width = self._text_width()
        self._lines, self._pending = [], self._generate(self._width)
        self._pull(max(self.size.height, 24) + int(self.scroll_y) + 1)
        if self._pending is not None:
            self.set_timer(0.001, self._continue)
        self._show_position()

    def _continue(self) -> None:
        # Wrap the rest in chunks between other events, so keys are never kept waiting.
        self._pull(len(self._lines) + CHUNK_LINES)
        if self._pending is not None:
            self.set_timer(0.001, self._continue)
        else:
            self._show_position()

    def _pull(self, count: int) -> None:
        if self._pending is None:
            return
        for line in self._pending:
            self._lines.append(line)
            if len(self._lines) >= count:
                break
        else:
            self._pending = None
        set_virtual_size(self, Size(self._width, len(self._lines) + (1 if self._pending else 0)))
        self.refresh()

    def _drain(self) -> None:
        self._pull(1 << 62)

    def _generate(self, width: int) -> Iterator[Line]:
        article, parsed = self.article, self.parsed
        if article is None:
            yield [(self.note, "note", "")]
            return
        yield from self._head(article, width)
        if parsed is not None and parsed.markdown:
            yield from _markdown_lines(parsed.markdown, width)
        elif parsed is not None:
            for paragraph in parsed.body:
                yield []
                for part in paragraph.split("\n"):
                    for text in wrap(part, width):
                        yield _linked(text, "body")
        if parsed is not None:
            for box in parsed.highlights:
                yield []
                yield from self._box(box.heading, box.items, width)
        if article.tags:
            yield []
            yield from self._chips(article.tags, width)
        if article.url:
            yield []
            yield [("Source: ", "meta", ""), (article.url, "link", article.url)]
        yield from self._related(width)

    def _related(self, width: int) -> Iterator[Line]:
        """The related stories, after everything else."""
        if not self.related:
            return
        yield []
        yield [("Related stories", "box-heading", ""), ("  (e: pick one to read)", "meta", "")]
        for story in self.related:
            when = " · ".join(x for x in (story.iso_date or "undated", story.source) if x)
            yield from wrap_runs([(story.title, "body", ""), (f" — {when}", "meta", "")],
                                 width, "• ", "  ")

    def _head(self, article: Article, width: int) -> Iterator[Line]:
        """Title, meta line, caption and any note, above the body."""
        for text in wrap(article.title, width):
            yield [(text, "title", "")]
        meta = " · ".join(x for x in (article.iso_date or "date unknown", article.source,
                                      article.section, article.dateline) if x)
        for text in wrap(meta, width):
            yield [(text, "meta", "")]
        if article.caption:
            yield []
            for text in wrap(article.caption, width - 2):
                yield [("▍ ", "box", ""), (text, "caption", "")]
        if self.note:
            yield []
            for text in wrap(self.note, width):
                yield [(text, "note", "")]

    def _box(self, heading: str, items: tuple[str, ...], width: int) -> Iterator[Line]:
        inner = max(4, min(width, 90) - 4)
        title = heading or "Highlights"
        top = f"┌─ {shorten(title, inner - 2)} "
        yield [(top + "─" * max(0, inner + 3 - cell_len(top)) + "┐", "box-heading", "")]
        for item in items:
            for i, text in enumerate(wrap(item, inner - 2)):
                lead = "• " if i == 0 else "  "
                pad = " " * max(0, inner - 2 - cell_len(text))
                yield [("│ ", "box", ""), (lead + text + pad, "body", ""), (" │", "box", "")]
        yield [("└" + "─" * (inner + 2) + "┘", "box", "")]

    def _chips(self, tags: tuple[str, ...], width: int) -> Iterator[Line]:
        line: Line = []
        used = 0
        for tag in tags:
            chip = f" {shorten(tag, width - 2)} "
            size = cell_len(chip)
            if line and used + 1 + size > width:
                yield line
                line, used = [], 0
            if line:
                line.append((" ", "body", ""))
                used += 1
            line.append((chip, "tag", ""))
            used += size
        if line:
            yield line

    # -- rendering -----------------------------------------------------------------------------
    def _style(self, name: str) -> Style:
        style = self._styles.get(name)
        if style is None:
            style = self.rich_style
            for part in name.split("-") if name not in ("box-heading",) else (name,):
                style += component_style(self, f"article-view--{part or 'body'}")
            self._styles[name] = style
        return style

    def render_line(self, y: int) -> Strip:
        """Render screen line ``y`` of the article at the current scroll position."""
        index = int(self.scroll_y) + y
        width = self.scrollable_content_region.width
        if index >= len(self._lines):
            self._pull(index + 1)
        if index >= len(self._lines):
            return Strip.blank(width, self.rich_style)
        margin = (width - self._width) // 2
        segments: list[Segment] = [Segment(" " * margin, self.rich_style)] if margin > 0 else []
        match = self._style("match")
        room = self._width
        for text, name, link in self._lines[index]:
            style = self._style(name)
            if link and _LINKABLE.match(link):
                # A real terminal hyperlink (OSC 8) where the terminal has them: the shown
                # text may be shortened, the link never is.
                style += Style(link=link)
                if cell_len(text) > room:
                    text = _fit_url(text, room)
            room -= cell_len(text)
            marks = self._spans(text) if name not in _UNMARKED else []
            if not marks:
                segments.append(Segment(text, style))
                continue
            cursor = 0
            for start, end in marks:
                if start < cursor:
                    continue
                segments += [Segment(text[cursor:start], style), Segment(text[start:end], match)]
                cursor = end
            segments.append(Segment(text[cursor:], style))
        return Strip(segments).adjust_cell_length(width, self.rich_style).apply_offsets(0, index)

    def on_resize(self, event: events.Resize) -> None:
        """Re-wrap at the new width, keeping the reading position roughly in place."""
        self._show_position()
        if self._text_width() != self._width:
            fraction = self.scroll_y / max(1, len(self._lines))
            self._relayout()
            if fraction > 0:
                self._drain()  # the old position is somewhere down the article
            self.scroll_to(y=int(fraction * len(self._lines)), animate=False, immediate=True)

    def on_mount(self) -> None:
        """Lay out the placeholder note."""
        self._relayout()

    def watch_scroll_y(self, old: float, new: float) -> None:
        """Scrolled: say where in the article the view is."""
        super().watch_scroll_y(old, new)
        self._show_position()

    def _show_position(self) -> None:
        """``line 12/80 · 15%`` in the pane's bottom edge (while it is still being
        wrapped, the lines so far and ``…``)."""
        total = len(self._lines)
        if self.article is None or total == 0:
            text = ""
        else:
            height = max(1, self.scrollable_content_region.height)
            top = int(self.scroll_y)
            last = min(total, top + height)
            if self._pending is not None:
                text = f"line {top + 1}/{total}…"
            else:
                shown = 100 if last >= total else 100 * last // total
                text = f"line {top + 1}/{total} · {shown}%"
        if text != str(self.border_subtitle or ""):
            self.border_subtitle = Content(text)

    def notify_style_update(self) -> None:
        """Theme changed: forget cached styles."""
        self._styles.clear()
        super().notify_style_update()

    # -- actions -------------------------------------------------------------------------------
    def action_scroll_lines(self, delta: int) -> None:
        """Scroll ``delta`` lines."""
        self._pull(int(self.scroll_y) + self.size.height + delta + 1)
        self.scroll_to(y=self.scroll_y + delta, animate=False)

    def action_page(self, direction: int) -> None:
        """Scroll a page (keeping one line of context)."""
        delta = direction * max(1, self.size.height - 1)
        self.action_scroll_lines(delta)

    def action_edge(self, bottom: int) -> None:
        """Go to the top (0) or the bottom (1)."""
        if bottom:
            self._drain()
        self.scroll_to(y=self.max_scroll_y if bottom else 0, animate=False)

    def action_hit(self, direction: int) -> None:
        """Scroll to the next (1) or previous (-1) line holding a match."""
        top = int(self.scroll_y)
        lines = self.hit_lines()
        after = [i for i in lines if (i > top if direction > 0 else i < top)]
        if not after:
            self.notify("No more matches" if lines else "No matches in this article", markup=False,
                        timeout=2)
            return
        self.scroll_to(y=after[0] if direction > 0 else after[-1], animate=False)

    def action_step(self, direction: int) -> None:
        """Ask for the next or previous article."""
        self.post_message(self.Step(direction))


def _fit_url(url: str, width: int) -> str:
    """``url`` whole if it fits ``width`` cells, else its start and end around an ellipsis:
    never broken across lines (the link itself stays whole, see render_line)."""
    if cell_len(url) <= width or width < 12:
        return url
    keep = width - 1
    head = keep * 2 // 3
    return f"{url[:head]}…{url[len(url) - (keep - head):]}"


def _linked(text: str, name: str) -> Line:
    """One wrapped line of plain text, any URL in it a link to itself."""
    if "://" not in text:
        return [(text, name, "")]
    line: Line = []
    cursor = 0
    for found in _URL_IN_TEXT.finditer(text):
        url = found.group(0).rstrip(".,;:!?)]}'\"»”")
        start, end = found.start(), found.start() + len(url)
        if start > cursor:
            line.append((text[cursor:start], name, ""))
        line.append((url, f"{name}-link", url))
        cursor = end
    if cursor < len(text):
        line.append((text[cursor:], name, ""))
    return line


def _markdown_lines(source: str, width: int) -> Iterator[Line]:
    """A Markdown body laid out (see :mod:`newstui.model.corpus.markdown`), wrapped to
    ``width``: list items and table rows follow each other without a blank line."""
    previous = ""
    for block in markdown.blocks(source):
        item = bool(_LIST_LEAD.match(block.lead))
        if not ((item and previous == "item") or (block.kind == "table" and previous == "table")):
            yield []
        previous = "item" if item else block.kind
        if block.kind == "code":
            for run in block.runs:
                yield [(block.indent, "box", ""), (run.text or " ", "code", "")]
        elif block.kind == "rule":
            yield [(block.indent, "box", ""), ("─" * max(1, width - cell_len(block.indent)),
                                             "rule", "")]
        else:
            base = "heading" if block.kind == "heading" else "body"
            runs = [(run.text, f"{base}-{run.style}" if run.style else base, run.link)
                    for run in block.runs]
            if block.kind == "heading" and block.level <= 2:
                runs = [(text.upper() if block.level == 1 else text, style, link)
                        for text, style, link in runs]
            yield from wrap_runs(runs, width, block.lead, block.indent)
