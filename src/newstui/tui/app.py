"""NewsApp: routes messages between the filter bar, the headline list and the article pane.

Loading, searching and reading article files all run in thread workers; their results come
back with ``call_from_thread`` and stale ones (an older query, another article) are dropped.
"""

from __future__ import annotations

import sys
from functools import partial

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.containers import Container
from textual.css.query import NoMatches
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Footer, Input
from textual.worker import Worker, WorkerState, get_current_worker

from newstui.keys import PALETTE, PANES, check_keymap
from newstui.model.article import Article
from newstui.model.cache import HeaderCache
from newstui.model.config import Config
from newstui.model.files import Unusable, read_full
from newstui.model.load import LoadResult, load_small
from newstui.model.sanitize import clean_line
from newstui.model.search import Cancelled, Engine, Result, spans
from newstui.model.state import State
from newstui.model.store import Store
from newstui.resources import styles_dir
from newstui.tui.bindings import bindings
from newstui.tui.commands import NewsCommands
from newstui.tui.idle_gc import IdleCollector
from newstui.tui.loading import Loading
from newstui.tui.reading import ReadingActions
from newstui.tui.screens.help import HelpScreen, help_lines
from newstui.tui.themes import install_themes
from newstui.tui.widgets.article_view import ArticleView
from newstui.tui.widgets.filter_bar import FilterBar, QueryInput
from newstui.tui.widgets.headline_list import HeadlineList

WIDE = 120
PRELOAD_FILES = 1000
FOLLOW_DELAY = 0.06  # seconds the list cursor rests before the article pane follows it


class NewsApp(Loading, ReadingActions, App[int]):
    """The full-screen reader."""

    CSS_PATH = str(styles_dir() / "app.tcss")
    TITLE = "newstui"
    # The list, not the first focusable widget (the filter): a "/" or "j" typed while the
    # app starts must not land in the filter as text.
    AUTO_FOCUS = "#headlines"
    COMMANDS = App.COMMANDS | {NewsCommands}
    BINDINGS = bindings("app")

    def __init__(self, paths: list[str], config: Config | None = None,
                 state: State | None = None, preloaded: LoadResult | None = None,
                 collect_when_idle: bool = False) -> None:
        super().__init__()
        self._collector = IdleCollector() if collect_when_idle else None
        self.paths = paths
        self._preloaded = preloaded
        self.config = config or Config()
        self.state = state or State(None)
        self.layout_mode = self.config.layout
        self.store: Store | None = None
        self.engine: Engine | None = None
        self.loading = True  # until headers and body words are all in
        self.indexing = ""
        self.query_text = ""
        self.sort = self.config.sort
        self.result: Result | None = None
        self._seq = 0
        self._follow: Timer | None = None
        self._unread: int | None = None
        self._keep = True
        install_themes(self, self.config)

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = False) -> None:
        """A notification; plain text unless ``markup`` (names and errors hold any text)."""
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A worker that failed says so; the app and what it shows stay as they were."""
        if event.state is WorkerState.ERROR:
            error = event.worker.error
            self.notify(f"{event.worker.name or 'a task'} failed: {type(error).__name__}: "
                        f"{clean_line(str(error))[:300]}", severity="error", timeout=15)

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

    async def on_event(self, event: events.Event) -> None:
        """Note input for the idle-time garbage collector."""
        if self._collector is not None and isinstance(event, events.Key | events.MouseEvent):
            self._collector.activity()
        await super().on_event(event)

    def on_unmount(self) -> None:
        """Give the garbage collector back."""
        if self._collector is not None:
            self._collector.stop()

    def on_mount(self) -> None:
        """Apply settings, start loading; the list has the focus from the start."""
        if self._collector is not None:
            self.set_interval(0.5, self._collector.tick, name="idle-gc")
        for problem in [*self.config.problems, *check_keymap(self.config.keymap)]:
            self.notify(problem, title="config", severity="warning", timeout=10)
        if self.config.keymap:
            self.set_keymap(self.config.keymap)
        self.headlines.columns = self.config.columns
        self.headlines.date_format = self.config.date_format
        self.headlines.is_read, self.headlines.is_starred = self.is_read, self.is_starred
        self._apply_layout()
        self.focus_now(self.headlines)
        self.filter_bar.set_count(0, 0, "loading…")
        self._report_state()
        self._start_loading(self._preloaded)
        self._preloaded = None

    def on_resize(self, event: events.Resize) -> None:
        """Side by side when wide, stacked when narrow (in auto layout)."""
        self._apply_layout(event.size.width)

    def _apply_layout(self, width: int | None = None) -> None:
        panes = self.query_one("#panes")
        width = self.size.width if width is None else width
        side = self.layout_mode == "side" or (self.layout_mode == "auto" and width >= WIDE)
        panes.set_class(side, "side")
        panes.set_class(not side, "stacked")
        self.headlines.styles.width = f"{self.config.list_width}%" if side else "100%"

    # -- filtering -----------------------------------------------------------------------------
    @on(FilterBar.Changed)
    def _query_changed(self, event: FilterBar.Changed) -> None:
        self.query_text = event.text
        # Clearing the filter keeps the article you were on (cheap: a plain list then).
        self._run_query(keep=not event.text.strip())

    def _run_query(self, keep: bool = True) -> None:
        """Filter again; ``keep`` holds the cursor on its article (a new query starts at the
        best match instead, and finding the old article in 100k rows is not free)."""
        if self.store is None or self.engine is None:
            return
        self._keep = keep
        self._seq += 1
        if not self.query_text.strip():
            # No query: the date order is already known, no worker needed.
            self._apply(self._seq, self.engine.search(""))
        else:
            self._search(self._seq, self.engine, self.query_text, self.sort)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False)
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
        current = self.headlines.current if self._keep else None
        total = len(self.store)
        if total == 0:
            where = ", ".join(clean_line(p) for p in self.paths)
            empty = "Loading…" if self.loading and not self.indexing else f"No articles in {where}"
        else:
            empty = f"Nothing matches “{clean_line(self.query_text)}”, Esc to clear"
        marker = partial(spans, words=result.words, phrases=result.phrases)
        self.headlines.set_rows(self.store, result.docs, marker if self.query_text else None,
                                keep=current.id if current else None, empty_message=empty)
        top, shown = self.headlines.current, self.article_view.article
        # The list goes to the screen first; the article pane's new marks in the frame
        # after. When the cursor is on another article, that one soon replaces the pane
        # with these marks, and the old one is not repainted at all.
        self.article_view.set_marks(result.words, result.phrases, repaint=False)
        if top is not None and shown is not None and top.id == shown.id:
            self.call_after_refresh(self.article_view.refresh)
        self._update_count()

    def _update_count(self) -> None:
        if self.store is None:
            return
        notes = [self.indexing or "loading…"] if self.loading else []
        notes.append(f"{self.unread_count():,} unread")
        if self.query_text.strip():
            notes.append(f"by {self.sort}")
        self.filter_bar.set_count(len(self.headlines.rows), len(self.store), " · ".join(notes))

    def engine_search(self, text: str) -> Result:
        """Run a query synchronously (the command palette uses this for small answers)."""
        if self.engine is None:
            from newstui.model.query import parse

            return Result(parse(text), [])
        return self.engine.search(text)

    # -- the article pane ----------------------------------------------------------------------
    @on(HeadlineList.Highlighted)
    def _highlighted(self, event: HeadlineList.Highlighted) -> None:
        if self._follow is not None:
            self._follow.stop()
            self._follow = None
        article = event.article
        if article is None:
            self.article_view.show(None, None, "No article selected.")
        elif self.article_view.article is None or article.id != self.article_view.article.id:
            if self.focused is self.article_view or self.article_view.article is None:
                self._read(article)  # reading (J/K) or the first article: at once
            else:
                # While the cursor runs down the list, the article follows once it rests,
                # so each step repaints two rows, not a whole article.
                self._follow = self.set_timer(FOLLOW_DELAY, self._follow_cursor)

    def _follow_cursor(self) -> None:
        """Show the article under the cursor if the pane shows another one."""
        self._follow = None
        try:
            article, shown = self.headlines.current, self.article_view.article
        except NoMatches:
            return  # the app is closing
        if article is not None and (shown is None or shown.id != article.id):
            self._read(article)

    @work(thread=True, exclusive=True, group="article", exit_on_error=False)
    def _read(self, article: Article) -> None:
        try:
            parsed, note = read_full(article), ""
            article = article.with_details(parsed)  # details may not be read yet: here they are
        except Unusable as exc:
            parsed, note = None, f"Cannot read {clean_line(article.path)}: {exc}"
        if not get_current_worker().is_cancelled:
            self.call_from_thread(self._show, article, parsed, note)

    def _show(self, article: Article, parsed: object, note: str) -> None:
        current = self.headlines.current
        if current is not None and current.id == article.id:
            self.article_view.show(article, parsed, note)  # type: ignore[arg-type]
            if self.config.mark_read == "select" or self.focused is self.article_view:
                self.mark_read(article)

    @on(HeadlineList.Opened)
    def _opened(self, event: HeadlineList.Opened) -> None:
        if self._follow is not None:
            self._follow.stop()
        self._follow_cursor()  # Enter never waits for the follow delay
        self.focus_now(self.article_view)
        self.mark_read(event.article)

    @on(ArticleView.Step)
    def _step(self, event: ArticleView.Step) -> None:
        self.headlines.action_cursor(event.direction)

    @on(QueryInput.Leave)
    def _leave_filter(self) -> None:
        self.focus_now(self.headlines)

    # -- actions -------------------------------------------------------------------------------
    def focus_now(self, widget: Widget) -> None:
        """Focus ``widget`` before the next key is handled.

        ``Widget.focus`` is deferred, so keys typed in one burst after ``/`` (or a paste)
        would still reach the list.
        """
        self.screen.set_focus(widget)

    def action_focus_filter(self) -> None:
        """Put the cursor in the filter bar (in the filter itself, type the key's text)."""
        if isinstance(self.focused, Input):
            self.focused.insert_text_at_cursor("/")  # in any input, "/" is just text
        elif not isinstance(self.screen, ModalScreen):
            self.focus_now(self.filter_bar.input)

    def action_clear_filter(self) -> None:
        """Empty the query."""
        self.filter_bar.input.value = ""

    def action_back(self) -> None:
        """Esc: leave full screen, then the article, then clear the filter."""
        if self.screen.has_class("full-article"):
            self.screen.remove_class("full-article")
        elif self.focused is self.article_view:
            self.focus_now(self.headlines)
        elif self.filter_bar.input.value:
            self.action_clear_filter()

    def action_toggle_full(self) -> None:
        """Give the article the whole screen, or give the list back."""
        full = not self.screen.has_class("full-article")
        self.screen.set_class(full, "full-article")
        self.focus_now(self.article_view if full else self.headlines)

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
        self.focus_now(order[(index + direction) % len(order)])

    def action_help(self) -> None:
        """Show every binding by pane, with the keys in effect."""
        panes = [(title, keys) for title, keys in PANES.values()]
        panes.append(("Command palette", [PALETTE]))
        self.push_screen(HelpScreen(help_lines(panes, self._keymap)))

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
            self.headlines.move_to(rows.index(doc))
            self.focus_now(self.article_view)


def prepare_workers() -> None:
    """Start multiprocessing's resource tracker while stderr is still the terminal.

    Started later, from inside the app, it passes ``sys.stderr.fileno()``, which is -1 once
    Textual has replaced stderr, and spawning the loader's worker processes fails.
    """
    try:
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()
    except Exception:  # noqa: BLE001, S110 - without it the loader uses one process
        pass


def run_app(paths: list[str], config: Config, state: State, mouse: bool = True) -> int:
    """Run the reader on ``paths``; return the exit status."""
    prepare_workers()
    # A small folder (≤ 1,000 files, ≤ 32 MB) is read before the first frame (~30 ms for
    # 300 files), so that frame already shows headlines; a larger one is read in a worker.
    preloaded = load_small(paths, PRELOAD_FILES, cache=HeaderCache.for_paths(paths))
    # Loading and searching run in threads beside the UI: a thread that wants the GIL waits
    # up to the switch interval (5 ms by default) for the one that holds it, and a keystroke
    # may meet that wait twice. 1 ms keeps hand-overs below what anyone could see.
    sys.setswitchinterval(0.001)
    app = NewsApp(paths, config, state, preloaded, collect_when_idle=True)
    try:
        app.run(mouse=mouse and config.mouse)
    finally:
        state.close()
    return app.return_code or 0
