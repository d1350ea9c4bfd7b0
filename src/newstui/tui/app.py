"""NewsApp: routes messages between the filter bar, the headline list and the article pane.

Loading, searching and reading article files all run in thread workers; their results come
back with ``call_from_thread`` and stale ones (an older query, another article) are dropped.
"""

from __future__ import annotations

from functools import partial

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Container
from textual.widgets import Footer
from textual.worker import get_current_worker

from newstui.model.article import Article
from newstui.model.load import LoadResult, Unusable, load_paths, read_full
from newstui.model.sanitize import clean_line
from newstui.model.search import Cancelled, Engine, Result, spans
from newstui.model.store import Store
from newstui.resources import styles_dir
from newstui.tui.commands import NewsCommands
from newstui.tui.screens.help import HelpScreen, help_lines
from newstui.tui.widgets.article_view import ArticleView
from newstui.tui.widgets.filter_bar import FilterBar, QueryInput
from newstui.tui.widgets.headline_list import HeadlineList

WIDE = 120
SNAPSHOT_FIRST, SNAPSHOT_EVERY = 1000, 25_000


class NewsApp(App[int]):
    """The full-screen reader."""

    CSS_PATH = str(styles_dir() / "app.tcss")
    TITLE = "newstui"
    COMMANDS = App.COMMANDS | {NewsCommands}
    BINDINGS = [
        Binding("slash", "focus_filter", "Filter", id="app.filter"),
        Binding("f", "toggle_full", "Full screen", id="app.fullscreen"),
        Binding("o", "toggle_sort", "Sort", show=False, id="app.sort"),
        Binding("L", "toggle_layout", "Layout", show=False, id="app.layout"),
        Binding("tab", "cycle(1)", "Next pane", show=False, id="app.next_pane"),
        Binding("shift+tab", "cycle(-1)", "Previous pane", show=False, id="app.previous_pane"),
        Binding("escape", "back", "Back", show=False, id="app.back"),
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.interrupt"),
    ]

    def __init__(self, paths: list[str], *, layout: str = "auto") -> None:
        super().__init__()
        self.paths = paths
        self.layout_mode = layout
        self.store: Store | None = None
        self.engine: Engine | None = None
        self.loading = True
        self.query_text = ""
        self.sort = "relevance"
        self.result: Result | None = None
        self._seq = 0
        self.theme = "ansi-dark"

    def compose(self) -> ComposeResult:
        """Filter bar on top, the two panes, key hints at the bottom."""
        yield FilterBar(id="filter")
        with Container(id="panes"):
            yield HeadlineList(id="headlines")
            yield ArticleView(id="article")
        yield Footer()

    @property
    def headlines(self) -> HeadlineList:
        """The headline list."""
        return self.query_one(HeadlineList)

    @property
    def article_view(self) -> ArticleView:
        """The article pane."""
        return self.query_one(ArticleView)

    @property
    def filter_bar(self) -> FilterBar:
        """The filter bar."""
        return self.query_one(FilterBar)

    def on_mount(self) -> None:
        """Start loading; the list has the focus from the start."""
        self._apply_layout()
        self.headlines.focus()
        self.filter_bar.set_count(0, 0, "loading…")
        self._load()

    def on_resize(self, event: events.Resize) -> None:
        """Side by side when wide, stacked when narrow (in auto layout)."""
        self._apply_layout(event.size.width)

    def _apply_layout(self, width: int | None = None) -> None:
        panes = self.query_one("#panes")
        width = self.size.width if width is None else width
        side = self.layout_mode == "side" or (self.layout_mode == "auto" and width >= WIDE)
        panes.set_class(side, "side")
        panes.set_class(not side, "stacked")

    # -- loading -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="load")
    def _load(self) -> None:
        worker = get_current_worker()
        shown = 0

        def progress(count: int, result: LoadResult) -> None:
            nonlocal shown
            self.call_from_thread(self._progress, count)
            n = len(result.docs)
            if (not shown and n >= SNAPSHOT_FIRST) or n - shown >= SNAPSHOT_EVERY:
                # Show what has loaded so far; bodies become searchable when loading ends.
                shown = n
                self.call_from_thread(self._set_store, Store(result.docs[:n]), False)

        result = load_paths(self.paths, progress=progress, cancelled=lambda: worker.is_cancelled)
        store = Store.from_result(result)
        store.indexes()  # build the header indexes here, not on the first keystroke
        if not worker.is_cancelled:
            self.call_from_thread(self._set_store, store, True)

    def _progress(self, files: int) -> None:
        self.filter_bar.set_count(len(self.headlines.rows), len(self.store or ()),
                                  f"loading… {files:,} files read")

    def _set_store(self, store: Store, final: bool) -> None:
        self.store, self.loading = store, not final
        self.engine = Engine(store)
        if final and store.result.skipped:
            self.notify(f"{len(store.result.skipped)} files skipped: run 'newstui check' "
                        "for the reasons", severity="warning", timeout=6)
        self._run_query()

    # -- filtering -----------------------------------------------------------------------------
    @on(FilterBar.Changed)
    def _query_changed(self, event: FilterBar.Changed) -> None:
        self.query_text = event.text
        self._run_query()

    def _run_query(self) -> None:
        if self.store is None or self.engine is None:
            return
        self._seq += 1
        if not self.query_text.strip():
            # No query: the date order is already known, no worker needed.
            self._apply(self._seq, self.engine.search(""))
        else:
            self._search(self._seq, self.engine, self.query_text, self.sort)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, seq: int, engine: Engine, text: str, sort: str) -> None:
        worker = get_current_worker()
        try:
            result = engine.search(text, sort, cancelled=lambda: worker.is_cancelled)
        except Cancelled:
            return
        if not worker.is_cancelled:
            self.call_from_thread(self._apply, seq, result)

    def _apply(self, seq: int, result: Result) -> None:
        if seq != self._seq or self.store is None:
            return  # a newer query or store has been asked for since
        bar = self.filter_bar
        if result.error is not None:
            # Keep the last good result on screen; say what is wrong.
            bar.set_message(f"⚠ {result.error}")
            return
        bar.set_message("")
        self.result = result
        current = self.headlines.current
        total = len(self.store)
        if total == 0:
            where = ", ".join(clean_line(p) for p in self.paths)
            empty = "Loading…" if self.loading else f"No articles in {where}"
        else:
            empty = f"Nothing matches “{clean_line(self.query_text)}”, Esc to clear"
        marker = partial(spans, words=result.words, phrases=result.phrases)
        self.headlines.set_rows(self.store, result.docs, marker if self.query_text else None,
                                keep=current.id if current else None, empty_message=empty)
        self.article_view.set_marks(result.words, result.phrases)
        note = "loading…" if self.loading else ""
        if self.query_text.strip():
            note = " · ".join(x for x in (note, f"by {self.sort}") if x)
        bar.set_count(len(result.docs), total, note)

    def engine_search(self, text: str) -> Result:
        """Run a query synchronously (the command palette uses this for small answers)."""
        if self.engine is None:
            from newstui.model.query import parse

            return Result(parse(text), [])
        return self.engine.search(text)

    # -- the article pane ----------------------------------------------------------------------
    @on(HeadlineList.Highlighted)
    def _highlighted(self, event: HeadlineList.Highlighted) -> None:
        if event.article is None:
            self.article_view.show(None, None, "No article selected.")
        elif self.article_view.article is None or event.article.id != self.article_view.article.id:
            self._read(event.article)

    @work(thread=True, exclusive=True, group="article")
    def _read(self, article: Article) -> None:
        worker = get_current_worker()
        try:
            parsed, note = read_full(article), ""
        except Unusable as exc:
            parsed, note = None, f"Cannot read {clean_line(article.path)}: {exc}"
        if not worker.is_cancelled:
            self.call_from_thread(self._show, article, parsed, note)

    def _show(self, article: Article, parsed: object, note: str) -> None:
        current = self.headlines.current
        if current is not None and current.id == article.id:
            self.article_view.show(article, parsed, note)  # type: ignore[arg-type]

    @on(HeadlineList.Opened)
    def _opened(self, event: HeadlineList.Opened) -> None:
        self.article_view.focus()

    @on(ArticleView.Step)
    def _step(self, event: ArticleView.Step) -> None:
        self.headlines.action_cursor(event.direction)

    @on(QueryInput.Leave)
    def _leave_filter(self) -> None:
        self.headlines.focus()

    # -- actions -------------------------------------------------------------------------------
    def action_focus_filter(self) -> None:
        """Put the cursor in the filter bar."""
        self.filter_bar.input.focus()

    def action_clear_filter(self) -> None:
        """Empty the query."""
        self.filter_bar.input.value = ""

    def action_back(self) -> None:
        """Esc: leave full screen, then the article, then clear the filter."""
        if self.screen.has_class("full-article"):
            self.screen.remove_class("full-article")
        elif self.focused is self.article_view:
            self.headlines.focus()
        elif self.filter_bar.input.value:
            self.action_clear_filter()

    def action_toggle_full(self) -> None:
        """Give the article the whole screen, or give the list back."""
        full = not self.screen.has_class("full-article")
        self.screen.set_class(full, "full-article")
        (self.article_view if full else self.headlines).focus()

    def action_toggle_layout(self) -> None:
        """Switch between side by side and stacked."""
        side = self.query_one("#panes").has_class("side")
        self.layout_mode = "stacked" if side else "side"
        self._apply_layout()

    def action_toggle_sort(self) -> None:
        """Relevance or date order for an active query."""
        self.sort = "date" if self.sort == "relevance" else "relevance"
        self.notify(f"Sorted by {self.sort}", timeout=2)
        self._run_query()

    def action_cycle(self, direction: int) -> None:
        """Tab / Shift+Tab: filter -> list -> article (in full screen: the article only)."""
        order = [self.filter_bar.input, self.headlines, self.article_view]
        if self.screen.has_class("full-article"):
            order = [self.filter_bar.input, self.article_view]
        index = order.index(self.focused) if self.focused in order else 0
        order[(index + direction) % len(order)].focus()

    def action_help(self) -> None:
        """Show every binding by pane."""
        panes = [("Anywhere", self.BINDINGS), ("Headline list", HeadlineList.BINDINGS),
                 ("Article", ArticleView.BINDINGS), ("Filter bar", QueryInput.BINDINGS),
                 ("Command palette", [Binding("ctrl+p", "command_palette",
                                              "Open article, filter by tag, layout, quit")])]
        self.push_screen(HelpScreen(help_lines(panes, self._keymap)))  # type: ignore[arg-type]

    def filter_by_tag(self, tag: str) -> None:
        """Replace the query with ``tag:"…"``."""
        self.filter_bar.input.value = f'tag:"{tag}"'
        self.headlines.focus()

    def open_article(self, article_id: str) -> None:
        """Select ``article_id`` in the list (clearing a filter that hides it) and read it."""
        if self.store is None or (doc := self.store.doc_of.get(article_id)) is None:
            return
        if doc not in self.headlines.rows:
            self.filter_bar.input.value = ""
            self.query_text = ""
            self._run_query()  # an empty query is applied at once, no worker
        rows = self.headlines.rows
        if doc in rows:
            self.headlines.move_to(list(rows).index(doc))
            self.article_view.focus()


def run_app(paths: list[str], mouse: bool = True) -> int:
    """Run the reader on ``paths``; return the exit status."""
    app = NewsApp(paths)
    app.run(mouse=mouse)
    return app.return_code or 0
